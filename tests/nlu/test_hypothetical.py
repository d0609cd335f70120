"""A hypothetical question names a problem that has not happened: it logs no complaint."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.complaint_decision import DECISION, ComplaintFirst
from bot.nlu.hypothetical import hypothetical_question


@pytest.mark.parametrize(
    "text",
    [
        "what would happen if the blender stopped working after a year?",
        "in case the wardrobe turns up damaged, do I refuse the delivery",
        "If the voucher expires before Christmas, can it be extended?",
        "hello, what do I do when a parcel is marked delivered but isn't there",
        "šta ako mi povraćaj ne legne do petka?",
        "u slučaju da kauč kasni, mogu li otkazati",
        "ako hladnjak ne radi nakon dostave, kome se javljam?",
    ],
)
def test_a_hypothetical_question_is_no_complaint(text: str) -> None:
    assert hypothetical_question(text)


@pytest.mark.parametrize(
    "text",
    [
        # a later sentence names the problem
        "What if it leaks? Mine already leaks from the base.",
        # complaining words, an order number, anger, sarcasm
        "what happens if my refund still isn't here after three weeks?",
        "what happens if order 88123 arrives broken?",
        "If the sofa isn't here by Friday I'm going to my lawyer",
        "what if you actually answered the phone for once",
        # no hypothetical opener, or "if" without a question
        "my kettle sparks when I switch it on, what if it catches fire",
        "if it breaks again I want my money back.",
    ],
)
def test_a_real_problem_stays_a_complaint(text: str) -> None:
    assert not hypothetical_question(text)


def _message(text: str, top: str) -> Message:
    ranking: list[dict[str, Any]] = [
        {"name": top, "confidence": 0.6},
        {"name": "complain_product_quality", "confidence": 0.3},
        {"name": "greet", "confidence": 0.1},
    ]
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]))
    message.set("intent_ranking", ranking)
    return message


def test_complaint_first_puts_out_of_scope_first() -> None:
    message = _message("what happens if the parcel turns up damaged?", "complain_delivery")
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert message.get(DECISION) == ["hypothetical-over:complain_delivery"]


def test_a_hypothetical_read_as_small_talk_opens_no_complaint() -> None:
    message = _message("what if the kettle breaks after the warranty ends?", "out_of_scope")
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] == "out_of_scope"


def test_a_wish_put_hypothetically_stays_a_wish() -> None:
    message = _message("if you can't repair it, could I have a new one?", "state_resolution")
    ComplaintFirst({}).process([message])
    assert message.get(INTENT)["name"] == "state_resolution"
