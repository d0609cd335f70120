"""ComplaintFirst: a message read as praise, small talk or out of scope that names a problem or
demands a remedy is a complaint; requests the bot cannot serve stay out of scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.complaint_decision import DECISION, ComplaintFirst, ComplaintOverFallback


def _message(text: str, ranking: list[dict[str, Any]]) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]))
    message.set("intent_ranking", [dict(entry) for entry in ranking])
    return message


def _ranking(top: str) -> list[dict[str, Any]]:
    return [
        {"name": top, "confidence": 0.6},
        {"name": "complain_product_quality", "confidence": 0.2},
        {"name": "complain_delivery", "confidence": 0.1},
        {"name": "complain_other", "confidence": 0.1},
    ]


@pytest.mark.parametrize(
    ("text", "top", "expected"),
    [
        ("love the shop, but the blender cracked", "praise", "complain_product_quality"),
        ("great staff, pity the kettle stopped working", "praise", "complain_product_quality"),
        ("hi, my washing machine doesn't work", "greet", "complain_product_quality"),
        ("bok, perilica ne radi", "greet", "complain_product_quality"),
        ("can I get my money back", "out_of_scope", "complain_product_quality"),
    ],
)
def test_a_problem_or_demand_makes_a_complaint(text: str, top: str, expected: str) -> None:
    message = _message(text, _ranking(top))
    ComplaintFirst({}).process([message])
    assert message.get(INTENT) == {"name": expected, "confidence": 0.6}
    assert message.get(DECISION)  # the cues that decided are in the parse data


@pytest.mark.parametrize(
    "text",
    [
        "set an alarm for 7",
        "remind me to call mum",
        "list my reminders",
        "navij mi alarm",
        "podsjeti me da nazovem mamu",
        "the cashier was really kind to my mother",
    ],
)
def test_no_problem_no_complaint(text: str) -> None:
    top = "praise" if "kind" in text else "out_of_scope"
    message = _message(text, _ranking(top))
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] == top
    assert message.get(DECISION) is None


def test_complaints_and_requests_for_a_person_keep_their_intent() -> None:
    for top in ("complain_delivery", "request_human", "insult", "state_resolution", "inform"):
        message = _message("it doesn't work, refund me", _ranking(top))
        ComplaintFirst({}).process([message])
        assert message.get(INTENT)["name"] == top


UNSURE_COMPLAINT = [
    {"name": "complain_delivery", "confidence": 0.35},
    {"name": "out_of_scope", "confidence": 0.3},
    {"name": "complain_other", "confidence": 0.2},
    {"name": "praise", "confidence": 0.15},
]


@pytest.mark.parametrize(
    "text",
    [
        "any chance of snow at the weekend",
        "javi mi rezultat utakmice",
        # a task for an assistant, even with a remedy's word in it
        "remind me to pick up the refund slip at the post office",
        "podsjeti me da odnesem reklamaciju za susjedu",
    ],
)
def test_an_unsure_complaint_without_a_problem_gives_way_to_out_of_scope(text: str) -> None:
    message = _message(text, UNSURE_COMPLAINT)
    ComplaintFirst({}).process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.35}


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        # a problem cue keeps an unsure complaint
        ("the parcel never arrived", UNSURE_COMPLAINT),
        ("paket još nije stigao", UNSURE_COMPLAINT),
        # a sure complaint stays, whatever the words
        (
            "seriously, eleven days",
            [{"name": "complain_delivery", "confidence": 0.6}, *UNSURE_COMPLAINT[1:]],
        ),
        # praise close behind is sarcasm's look, not a request the bot cannot serve
        (
            "bravo, twelve days for next-day delivery",
            [
                {"name": "complain_delivery", "confidence": 0.4},
                {"name": "praise", "confidence": 0.38},
            ],
        ),
    ],
)
def test_complaints_stay_complaints(text: str, ranking: list[dict[str, Any]]) -> None:
    message = _message(text, ranking)
    ComplaintFirst({}).process([message])
    assert message.get(INTENT) == ranking[0]


def _status(text: str, entities: Sequence[str] = ()) -> Message:
    message = _message(
        text,
        [
            {"name": "ask_status", "confidence": 0.7},
            {"name": "out_of_scope", "confidence": 0.2},
            {"name": "complain_other", "confidence": 0.1},
        ],
    )
    message.set("entities", [{"entity": name, "value": "x"} for name in entities])
    return message


@pytest.mark.parametrize(
    "text",
    ["any news about the bus drivers' strike", "ima li novosti o izborima", "вести из света"],
)
def test_news_of_the_world_is_no_chase(text: str) -> None:
    message = _status(text)
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("any news about my complaint?", []),
        ("ima li vijesti o reklamaciji za frižider", []),
        ("javio sam se prošle sedmice, ima li novosti o tome", []),
        ("any news on C-4KX9TR?", ["ticket"]),
        ("any update?", []),
    ],
)
def test_a_chase_stays_a_chase(text: str, entities: list[str]) -> None:
    message = _status(text, entities)
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] == "ask_status"


@pytest.mark.parametrize(
    ("text", "top", "expected"),
    [
        ("how can I update the phone number on my account?", "complain_technical", "out_of_scope"),
        ("kako da otkažem pretplatu na newsletter", "complain_other", "out_of_scope"),
        ("smije li se jakna prati na 40 stupnjeva", "complain_safety", "out_of_scope"),
        ("paket je kasnio, ali na kraju je stigao, sve ok hvala", "complain_delivery", "thank_you"),
        ("the credit for the returned lamp arrived today, thanks", "state_resolution", "thank_you"),
        ("umrla sam od smijeha kad sam vidjela vašu reklamu", "complain_other", "praise"),
        # look-alikes keep the complaint, a wish put as a question stays a wish
        ("can a technician come round and check it", "state_resolution", "state_resolution"),
        ("može li netko doći popraviti perilicu", "state_resolution", "state_resolution"),
        ("how do I send this back, it came broken", "complain_delivery", "complain_delivery"),
        ("sve ok osim što fali jedan dio", "complain_delivery", "complain_delivery"),
        ("all good, thanks for nothing", "complain_delivery", "complain_delivery"),
    ],
)
def test_no_problem_left_logs_nothing(text: str, top: str, expected: str) -> None:
    ranking = [
        {"name": top, "confidence": 0.8},
        {"name": "complain_other" if top != "complain_other" else "insult", "confidence": 0.1},
        {"name": "greet", "confidence": 0.1},
    ]
    message = _message(text, ranking)
    ComplaintFirst({}).process([message])
    assert message.get(INTENT) == {"name": expected, "confidence": 0.8}


# --- ComplaintOverFallback: unsure of the category is not "not understood" -------------------

FALLBACK = {"name": "nlu_fallback", "confidence": 0.25}


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        (  # two complaint intents tied: the FallbackClassifier's ambiguity
            "the kettle I bought sparks at the plug when I switch it on",
            [("complain_product_quality", 0.46), ("complain_safety", 0.46), ("greet", 0.08)],
            "complain_product_quality",
        ),
        (  # spread over several complaint intents, none above the threshold; a waiting cue
            "52 minutes on hold with that same loop. Pathetic.",
            [
                ("out_of_scope", 0.18),
                ("complain_service_quality", 0.17),
                ("complain_product_quality", 0.16),
                ("complain_delivery", 0.15),
                ("complain_other", 0.12),
                ("insult", 0.12),
            ],
            "complain_service_quality",
        ),
        (  # no complaint intent likely, but a problem the cues know
            "paket mi nikad nije stigao",
            [
                ("out_of_scope", 0.2),
                ("greet", 0.2),
                ("praise", 0.2),
                ("affirm", 0.2),
                ("complain_other", 0.05),
                ("complain_delivery", 0.05),
            ],
            "complain_delivery",
        ),
    ],
)
def test_an_unsure_complaint_is_a_complaint_not_a_misunderstanding(
    text: str, ranking: list[tuple[str, float]], expected: str
) -> None:
    entries = [FALLBACK, *({"name": n, "confidence": c} for n, c in ranking)]
    message = _message(text, entries)
    ComplaintOverFallback().process([message])
    assert message.get(INTENT)["name"] == expected
    assert "over:nlu_fallback" in message.get(DECISION)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("qwertz uiop", [("greet", 0.2), ("out_of_scope", 0.2), ("complain_other", 0.1)]),
        ("what time is it in Tokyo", [("out_of_scope", 0.2), ("greet", 0.2), ("affirm", 0.2)]),
        ("koliko je sati", [("out_of_scope", 0.24), ("ask_status", 0.2), ("greet", 0.2)]),
        (  # requests spread over the complaint intents: no word names a problem
            "mogu li vratiti tenisice ako ih nisam nosio?",
            [
                ("complain_product_quality", 0.25),
                ("out_of_scope", 0.23),
                ("ask_status", 0.13),
                ("complain_delivery", 0.12),
                ("complain_other", 0.05),
            ],
        ),
        (
            "shuffle my liked songs",
            [("out_of_scope", 0.27), ("complain_product_quality", 0.26), ("complain_safety", 0.2)],
        ),
        (
            "is the ceramic pan fine on an induction hob?",
            [("out_of_scope", 0.27), ("complain_safety", 0.26), ("complain_product_quality", 0.26)],
        ),
    ],
)
def test_a_message_with_no_complaint_in_it_stays_not_understood(
    text: str, ranking: list[tuple[str, float]]
) -> None:
    message = _message(text, [FALLBACK, *({"name": n, "confidence": c} for n, c in ranking)])
    ComplaintOverFallback().process([message])
    assert message.get(INTENT) == FALLBACK
    assert message.get(DECISION) is None


def test_a_message_the_classifier_was_sure_of_is_left_alone() -> None:
    message = _message("my parcel never came", _ranking("greet"))
    ComplaintOverFallback().process([message])
    assert message.get(INTENT)["name"] == "greet"


@pytest.mark.parametrize(
    ("text", "top"),
    [
        # the matter raised before, named without a problem cue: a chase, not small talk
        ("Dobar dan, javljam se ponovno zbog računa za tenisice.", "greet"),
        ("Hello again, I spoke to someone on Monday about my refund.", "greet"),
        ("Хвала, али још чекам одговор на моју рекламацију.", "thank_you"),
    ],
)
def test_a_matter_raised_before_is_a_chase(text: str, top: str) -> None:
    # the classifier gives no complaint intent any weight, so no category can be decided
    ranking = [
        {"name": top, "confidence": 0.6},
        {"name": "out_of_scope", "confidence": 0.3},
        {"name": "affirm", "confidence": 0.1},
    ]
    message = _message(text, ranking)
    ComplaintFirst({}).process([message])
    assert message.get(INTENT) == {"name": "ask_status", "confidence": 0.6}
    assert message.get(DECISION) == [f"chase-over:{top}"]


@pytest.mark.parametrize(
    ("text", "top"),
    [
        ("hi, I called you earlier, all sorted now, thanks", "thank_you"),
        ("hello again", "greet"),
        # "me again" is hello until a matter is named
        ("pozdrav, opet se javljam", "greet"),
        ("добро вече, опет вам пишем", "greet"),
    ],
)
def test_small_talk_that_chases_nothing_stays_small_talk(text: str, top: str) -> None:
    message = _message(text, _ranking(top))
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] != "ask_status"
