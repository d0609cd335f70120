""" "Is this a complaint?" decided on its own, biased towards logging."""

from __future__ import annotations

import pytest

from bot.dialogue.decision import decide, wish_opens_complaint
from bot.dialogue.goods import demanded_goods

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
    # a complaint is always explained; a message read as none may say why ("assistant-command")
    assert bool(decision.why) or not decision.is_complaint


@pytest.mark.parametrize(
    ("text", "confidence", "expected"),
    [
        # a remedy named: a demand, whatever the confidence
        ("give me my money back", 0.3, True),
        ("pošaljite mi novi, ovaj ne valja", 0.3, True),
        ("I expect an apology from the manager", 0.35, True),
        # the classifier is sure it is a wish
        ("sort it out by Friday", 0.8, True),
        # unservable requests that look like wishes: nothing is opened
        ("send an email to my boss that I'm sick", 0.25, False),
        ("naruči mi picu za osam", 0.3, False),
        ("пошаљи поруку сестри", 0.28, False),
        # an answer that wants nothing is no demand, however sure the classifier is
        ("iskreno ne znam, samo sam htjela da vam kažem", 1.0, False),
        ("honestly no idea, just thought you should know", 0.95, False),
        ("ништа не тражим, само да знате", 0.9, False),
    ],
)
def test_a_wish_outside_a_complaint_opens_one_only_when_it_names_a_remedy(
    text: str, confidence: float, expected: bool
) -> None:
    assert wish_opens_complaint(text, "state_resolution", confidence) is expected


def test_only_the_wish_intent_is_a_demand() -> None:
    assert not wish_opens_complaint("give me my money back", "out_of_scope", 0.9)
    assert not wish_opens_complaint("give me my money back", None, 0.9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bare demand that names the product: the product is the matter (docs/categories.md)
        ("I want my money back for the kettle", "product_quality"),
        ("just give me a refund for the vacuum cleaner", "product_quality"),
        ("I'd like a replacement for the hair straightener", "product_quality"),
        ("please repair my coffee grinder", "product_quality"),
        ("vratite mi novac za toster", "product_quality"),
        ("hoću zamjenu za glačalo", "product_quality"),
        ("пошаљите ми нову пеглу уместо ове", "product_quality"),
        ("vratite mi lovu za ovaj mikser", "product_quality"),
        # a refund of a charge, a service or goods sent back names no product: nothing fits
        ("I want my money back for the delivery fee", "other"),
        ("refund for the flight please", "other"),
        ("vratite mi pare za dostavu", "other"),
        ("vratite mi 50 eura za otkazanu narudžbu", "other"),
        ("I want a refund for the shoes I sent back", "other"),
        ("hoću nazad svoje pare", "other"),
        ("refund me now", "other"),
    ],
)
def test_a_bare_demand_that_names_the_product(text: str, expected: str) -> None:
    ranking = [("state_resolution", 0.95), ("complain_billing", 0.04)]
    decision = decide(text, "state_resolution", ranking, CATEGORIES, demand_is_complaint=True)
    assert (decision.is_complaint, decision.category) == (True, expected)


def test_only_a_demand_names_goods() -> None:
    # "new" in praise is no replacement asked for
    assert demanded_goods("the new app is great, well done") is None
    assert demanded_goods("nova aplikacija je super") is None
    assert demanded_goods("send me a new one", wish=True) == "product_quality"


def test_a_chase_read_as_an_unsure_wish_is_a_complaint() -> None:
    ranking = [("state_resolution", 0.42), ("complain_delivery", 0.2)]
    for text in (
        "Fourth time I'm writing and you still say the sofa ships next week.",
        "Već treći put mi kažete da paket stiže sutra.",
    ):
        decision = decide(text, "state_resolution", ranking, CATEGORIES)
        assert decision.is_complaint and decision.category == "delivery"
    # an unsure wish that chases nothing opens nothing
    assert not decide("sort it out", "state_resolution", ranking, CATEGORIES).is_complaint


def test_goods_that_arrived_cracked_are_a_delivery_whatever_is_demanded() -> None:
    text = "Lonac je stigao s napuklom ručkom, pošaljite mi samo novu ručku."
    ranking = [("state_resolution", 0.97)]
    decision = decide(text, "state_resolution", ranking, CATEGORIES, demand_is_complaint=True)
    assert decision.category == "delivery"
