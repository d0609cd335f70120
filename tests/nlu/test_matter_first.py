"""MatterOverHandling: a complaint about how a matter was handled goes under the matter; a
service that is the matter itself (a no-show, rude staff, a cancelled order) stays."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.complaint_decision import DECISION
from bot.nlu.matter_first import MatterOverHandling

CATEGORIES = ("service_quality", "product_quality", "delivery", "billing", "technical", "other")


def _ranking(top: str) -> list[dict[str, object]]:
    rest = [c for c in CATEGORIES if c != top]
    return [{"name": f"complain_{top}", "confidence": 0.6}] + [
        {"name": f"complain_{c}", "confidence": 0.08} for c in rest
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the handling (calls, silence, an operator) around a named matter: the matter
        ("third call about my washing machine that leaks and nobody helps", "product_quality"),
        ("Zovem treći put zbog pokvarenog usisivača, nitko se ne javlja.", "product_quality"),
        ("Оператера молим. Дупла наплата на рачуну, нико не одговара.", "billing"),
        ("I wrote to you twice already, my parcel is two weeks late", "delivery"),
        # the service itself is the matter: it stays
        ("the technician never came to fix my broken dishwasher", "service_quality"),
        ("serviser nije došao, a perilica i dalje curi", "service_quality"),
        ("the lady at the till was rude when I brought back the broken kettle", "service_quality"),
        # no handling shown: staff who merely met the customer over a receipt stay
        ("the girl at the till rolled her eyes when I asked for a receipt", "service_quality"),
        # nothing but the handling: it stays
        ("nobody answers my emails, this is the worst customer service", "service_quality"),
        ("obećali ste da ćete me nazvati i ništa", "service_quality"),
    ],
)
def test_the_matter_goes_before_its_handling(text: str, expected: str) -> None:
    message = Message(data={TEXT: text, INTENT: _ranking("service_quality")[0]})
    message.set("intent_ranking", _ranking("service_quality"))
    MatterOverHandling().process([message])
    assert message.get(INTENT)["name"] == f"complain_{expected}"
    ranking = message.get("intent_ranking")
    assert ranking[0]["confidence"] == pytest.approx(0.6)  # the classifier's confidences stay
    assert bool(message.get(DECISION)) == (expected != "service_quality")


def test_another_category_first_is_left_alone() -> None:
    text = "my parcel is late and nobody answers the phone"
    message = Message(data={TEXT: text, INTENT: _ranking("billing")[0]})
    message.set("intent_ranking", _ranking("billing"))
    MatterOverHandling().process([message])
    assert message.get(INTENT)["name"] == "complain_billing"
