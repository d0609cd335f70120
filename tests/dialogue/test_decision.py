""" "Is this a complaint?" decided on its own, biased towards logging."""

from __future__ import annotations

import pytest

from bot.dialogue.decision import decide

CATEGORIES = (
    "delivery",
    "product_quality",
    "billing",
    "service_quality",
    "technical",
    "safety",
    "other",
)


@pytest.mark.parametrize(
    ("text", "intent", "ranking", "demand", "expected"),
    [
        # the classifier's complaint intent decides
        (
            "my parcel is late",
            "complain_delivery",
            [("complain_delivery", 0.9)],
            False,
            (True, "delivery"),
        ),
        # a demand as a first message: the best complaint intent names the category
        (
            "Return my money for this kettle, it leaks",
            "state_resolution",
            [("state_resolution", 0.53), ("complain_product_quality", 0.2)],
            True,
            (True, "product_quality"),
        ),
        # no complaint intent has weight: the problem cues name the category
        (
            "pošaljite mi novi, ovaj ne radi",
            "state_resolution",
            [("state_resolution", 0.97)],
            True,
            (True, "product_quality"),
        ),
        # the money words pull the classifier towards billing; the cue "leaks" decides
        (
            "Return my money for this kettle, it leaks",
            "state_resolution",
            [("state_resolution", 0.5), ("complain_billing", 0.25)],
            True,
            (True, "product_quality"),
        ),
        # nothing fits: `other`, never dropped
        (
            "hoću nazad svoje pare",
            "state_resolution",
            [("state_resolution", 0.9)],
            True,
            (True, "other"),
        ),
        # praise with a problem
        (
            "love the shop, but the blender cracked",
            "praise",
            [("praise", 0.6), ("complain_product_quality", 0.3)],
            False,
            (True, "product_quality"),
        ),
        # the complaint intents together are likely although another intent won
        (
            "this is beyond a joke",
            "insult",
            [("insult", 0.45), ("complain_service_quality", 0.3), ("complain_delivery", 0.15)],
            False,
            (True, "service_quality"),
        ),
        # requests a complaint bot cannot serve: nothing
        ("set an alarm for 7", "out_of_scope", [("out_of_scope", 0.9)], False, (False, None)),
        (
            "podsjeti me da nazovem mamu",
            "out_of_scope",
            [("out_of_scope", 0.8)],
            False,
            (False, None),
        ),
        ("list my reminders", "out_of_scope", [("out_of_scope", 0.7)], False, (False, None)),
    ],
)
def test_the_complaint_decision(
    text: str,
    intent: str,
    ranking: list[tuple[str, float]],
    demand: bool,
    expected: tuple[bool, str | None],
) -> None:
    decision = decide(text, intent, ranking, CATEGORIES, demand_is_complaint=demand)
    assert (decision.is_complaint, decision.category) == expected
    assert bool(decision.why) == decision.is_complaint  # always explained
