"""PersonOrAbuseOverSmallTalk: a request for a person or abuse of the bot read as small talk goes
to request_human or insult; a plain bot question and complaints keep the classifier's order."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.person_wanted import PersonOrAbuseOverSmallTalk, corrected_intent

RANKING = [
    {"name": "bot_challenge", "confidence": 0.6},
    {"name": "request_human", "confidence": 0.2},
    {"name": "insult", "confidence": 0.1},
    {"name": "complain_delivery", "confidence": 0.1},
]

PERSON = [
    "Am I chatting with a machine? I'd prefer a real person",
    "is this a bot? I want to talk to a human",
    "jel ja pričam s mašinom? radije bih s čovjekom",
    "да ли је ово робот, хоћу да причам са човеком",
]
ABUSE = [
    "this bot is rubbish, total junk",
    "ovaj bot je smeće",
    "glupi bote",
]
NEITHER = ["are you a bot?", "jesi li ti robot?", "да ли сам у контакту са машином"]


def _message(text: str, ranking: list[dict[str, Any]]) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]))
    message.set("intent_ranking", [dict(entry) for entry in ranking])
    return message


@pytest.mark.parametrize(
    ("text", "expected"), [(t, "request_human") for t in PERSON] + [(t, "insult") for t in ABUSE]
)
def test_person_or_abuse_goes_first(text: str, expected: str) -> None:
    assert corrected_intent(text) == expected
    message = _message(text, RANKING)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get(INTENT) == {"name": expected, "confidence": 0.6}
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == expected
    assert sorted(entry["confidence"] for entry in ranking) == [0.1, 0.1, 0.2, 0.6]


@pytest.mark.parametrize("text", NEITHER)
def test_a_plain_bot_question_stays_one(text: str) -> None:
    assert corrected_intent(text) is None
    message = _message(text, RANKING)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get("intent_ranking") == RANKING


def test_complaints_keep_their_flow() -> None:
    """A complaint that also asks for a person stays a complaint: its flow escalates it."""
    ranking = [{"name": "complain_delivery", "confidence": 0.7}, *RANKING[1:3]]
    message = _message("my parcel is lost, I want to talk to a human", ranking)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get("intent_ranking") == ranking


ASKED_AS_PERSON = [
    {"name": "request_human", "confidence": 0.7},
    {"name": "out_of_scope", "confidence": 0.25},
    {"name": "complain_service_quality", "confidence": 0.05},
]


@pytest.mark.parametrize(
    "text",
    [
        "remind me to have a word with my supervisor on monday",
        "set a reminder to phone someone at the council",
        "podsjeti me da porazgovaram s nekim iz banke",
        "подсети ме да позовем неког од мајстора",
    ],
)
def test_a_reminder_about_someone_is_no_request_for_a_person(text: str) -> None:
    message = _message(text, ASKED_AS_PERSON)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.7}


@pytest.mark.parametrize(
    "text", ["I want to talk to a real person", "dajte mi nekog živog", "get me your manager"]
)
def test_a_request_for_a_person_stays_one(text: str) -> None:
    message = _message(text, ASKED_AS_PERSON)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get("intent_ranking") == ASKED_AS_PERSON


UNSURE_PERSON = [
    {"name": "request_human", "confidence": 0.3},
    {"name": "out_of_scope", "confidence": 0.28},
    {"name": "state_resolution", "confidence": 0.2},
]


def test_an_unsure_person_request_without_the_words_is_out_of_scope() -> None:
    message = _message("put on something mellow for the evening", UNSURE_PERSON)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get(INTENT) == {"name": "out_of_scope", "confidence": 0.3}


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        # the words ask for a person, however unsure the classifier
        ("I'd rather talk to a human", UNSURE_PERSON),
        # the classifier is sure, with no words the lists know
        ("spojite me s voditeljem smjene", ASKED_AS_PERSON),
    ],
)
def test_person_requests_stay(text: str, ranking: list[dict[str, Any]]) -> None:
    message = _message(text, ranking)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get("intent_ranking") == ranking


@pytest.mark.parametrize(
    "text",
    ["am I talking to a real person or a bot?", "jesi li ti pravi čovjek ili automat?"],
)
def test_a_bot_question_read_as_request_human_is_a_bot_question(text: str) -> None:
    ranking = [
        {"name": "request_human", "confidence": 0.9},
        {"name": "complain_other", "confidence": 0.06},
        {"name": "insult", "confidence": 0.04},
    ]
    message = _message(text, ranking)
    PersonOrAbuseOverSmallTalk({}).process([message])
    assert message.get(INTENT) == {"name": "bot_challenge", "confidence": 0.9}
    assert corrected_intent(text) is None


@pytest.mark.parametrize(
    ("text", "top", "expected"),
    [
        # exasperation aimed at the bot, read as a bot question, is abuse
        ("kakav si ti bot, samo se ispričavaš, ko da pričam sa zidom", "bot_challenge", "insult"),
        ("are you even listening, it's like talking to a brick wall", "bot_challenge", "insult"),
        # sarcastic thanks, read as thanks
        ("Thanks for nothing, really.", "thank_you", "insult"),
        ("Хвала вам на ничему.", "thank_you", "insult"),
        # praise stays praise unless it insults; one word is too little to go on
        ("bolan kakva usluga, ko u Švicarskoj", "praise", "praise"),
        ("vic", "out_of_scope", "out_of_scope"),
        # irritation below the threshold is no abuse
        ("is this a bot?? hello??", "bot_challenge", "bot_challenge"),
    ],
)
def test_anger_read_as_small_talk_is_abuse(text: str, top: str, expected: str) -> None:
    ranking = [{"name": top, "confidence": 0.5}, {"name": "complain_other", "confidence": 0.2}]
    message = _message(text, ranking)
    PersonOrAbuseOverSmallTalk({}).process([message])
    # "insult" was not in the shortened ranking: it takes the place of the last entry first
    assert message.get(INTENT) == {"name": expected, "confidence": 0.5}
