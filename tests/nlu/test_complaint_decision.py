"""ComplaintFirst: a message read as praise, small talk or out of scope that names a problem or
demands a remedy is a complaint; requests the bot cannot serve stay out of scope."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.complaint_decision import DECISION, ComplaintFirst


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
