"""The held-out evaluation's figures on small hand-made inputs."""

from __future__ import annotations

import pytest

from bot.evaluation.metrics import (
    category_accuracy,
    entity_prf,
    escalation_prf,
    follows_script,
    intent_scores,
    rate,
    response_variations,
)


def test_intent_scores_macro_f1_per_class_and_accuracy() -> None:
    gold = ["greet", "greet", "goodbye", "complain_delivery", "complain_billing"]
    predicted = ["greet", "goodbye", "goodbye", "complain_delivery", "nlu_fallback"]
    score = intent_scores(gold, predicted)
    assert score.accuracy == pytest.approx(3 / 5)
    # greet P 1 R 1/2 -> 2/3; goodbye P 1/2 R 1 -> 2/3; delivery 1; billing 0.
    # nlu_fallback is no gold intent, so it is not a class of its own.
    assert score.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 1 + 0) / 4)
    assert set(score.per_class) == {"greet", "goodbye", "complain_delivery", "complain_billing"}
    assert score.per_class["greet"].recall == pytest.approx(0.5)
    assert score.per_class["goodbye"].precision == pytest.approx(0.5)
    assert score.per_class["complain_billing"].support == 1


def test_intent_scores_refuse_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        intent_scores(["greet"], [])


def test_category_accuracy_counts_complaints_only() -> None:
    gold = ["complain_delivery", "complain_billing", "greet", "complain_other"]
    predicted = ["complain_delivery", "complain_delivery", "goodbye", "complain_other"]
    assert category_accuracy(gold, predicted) == pytest.approx(2 / 3)
    assert category_accuracy(["greet"], ["greet"]) is None


def test_entity_prf_needs_type_and_exact_span() -> None:
    gold = [[("order_ref", 6, 11)], [("email", 0, 8), ("phone", 10, 20)], []]
    predicted = [
        [("order_ref", 5, 11)],  # span off by one: a false positive and a miss
        [("email", 0, 8), ("order_ref", 10, 20)],  # wrong type for the phone
        [("ticket", 0, 8)],
    ]
    prf = entity_prf(gold, predicted)
    assert (prf.true_positives, prf.false_positives, prf.false_negatives) == (1, 3, 2)
    assert prf.precision == pytest.approx(1 / 4)
    assert prf.recall == pytest.approx(1 / 3)
    assert prf.f1 == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))


def test_escalation_prf_counts_messages_and_reasons() -> None:
    gold = [{"safety"}, {"money", "legal"}, set(), set(), {"anger"}]
    predicted = [{"safety"}, {"money"}, {"human_request"}, set(), set()]
    decision, reasons = escalation_prf(gold, predicted)
    assert (decision.true_positives, decision.false_positives, decision.false_negatives) == (
        2,
        1,
        1,
    )
    assert decision.precision == pytest.approx(2 / 3)
    assert decision.recall == pytest.approx(2 / 3)
    assert (reasons.true_positives, reasons.false_positives, reasons.false_negatives) == (2, 1, 2)


def test_rate_of_nothing_is_none() -> None:
    assert rate([]) is None
    assert rate([True, False, True, True]) == pytest.approx(0.75)


RESPONSES = {
    "utter_thank_for_complaint": [
        {"text": "Thank you for telling us."},
        {"text": "Hvala Vam.", "condition": [{"type": "slot", "name": "language", "value": "hr"}]},
        {
            "text": "Хвала Вам.",
            "condition": [
                {"type": "slot", "name": "language", "value": "sr"},
                {"type": "slot", "name": "script", "value": "cyrillic"},
            ],
        },
    ],
    "utter_acknowledge": [
        {"text": "Sorry about the {category} problem."},
        {
            "text": "Žao nam je zbog problema ({category}).",
            "condition": [{"type": "slot", "name": "language", "value": "hr"}],
        },
        {
            "text": "Жао нам је ({category}).",
            "condition": [
                {"type": "slot", "name": "language", "value": "sr"},
                {"type": "slot", "name": "script", "value": "cyrillic"},
            ],
        },
    ],
    "utter_ask_desired_resolution": [
        {"text": "What can we do for you?"},
        {
            "text": "Što možemo učiniti za Vas?",
            "condition": [{"type": "slot", "name": "language", "value": "hr"}],
        },
        {
            "text": "Шта можемо да урадимо за Вас?",
            "condition": [
                {"type": "slot", "name": "language", "value": "sr"},
                {"type": "slot", "name": "script", "value": "cyrillic"},
            ],
        },
    ],
}
VARIATIONS = response_variations(RESPONSES)


def test_script_followed_in_order_and_in_the_customers_language() -> None:
    said = [
        ("utter_greet", "Bok!"),
        ("utter_thank_for_complaint", "Hvala Vam."),
        ("utter_acknowledge", "Žao nam je zbog problema (dostava)."),
        ("utter_ask_desired_resolution", "Što možemo učiniti za Vas?"),
    ]
    assert follows_script(said, "hr", "latin", VARIATIONS)
    # The same answers for a Serbian Cyrillic customer are in the wrong language and script.
    assert not follows_script(said, "sr", "cyrillic", VARIATIONS)


def test_script_in_english_to_a_croatian_customer_does_not_count() -> None:
    said = [
        ("utter_thank_for_complaint", "Thank you for telling us."),
        ("utter_acknowledge", "Sorry about the delivery problem."),
        ("utter_ask_desired_resolution", "What can we do for you?"),
    ]
    assert follows_script(said, "en", "latin", VARIATIONS)
    assert not follows_script(said, "hr", "latin", VARIATIONS)


def test_script_steps_out_of_order_or_missing_do_not_count() -> None:
    thank = ("utter_thank_for_complaint", "Хвала Вам.")
    acknowledge = ("utter_acknowledge", "Жао нам је (достава).")
    ask = ("utter_ask_desired_resolution", "Шта можемо да урадимо за Вас?")
    assert follows_script([thank, acknowledge, ask], "sr", "cyrillic", VARIATIONS)
    assert not follows_script([acknowledge, thank, ask], "sr", "cyrillic", VARIATIONS)
    assert not follows_script([thank, ask], "sr", "cyrillic", VARIATIONS)
    assert not follows_script(
        [thank, ("utter_bring_colleague", "Колега стиже."), acknowledge, ask],
        "sr",
        "cyrillic",
        VARIATIONS,
    )
