"""From what a model understood to the scores of a language group."""

from __future__ import annotations

import pytest

from bot.evaluation.heldout import Conversation, GoldEntity, Message
from bot.evaluation.heldout_run import ModelRun, Parsed, Replayed, parsed_from
from bot.evaluation.metrics import response_variations
from bot.evaluation.report import group_score, targets


def _message(text: str, intent: str | None, variant: str = "hr", **more: object) -> Message:
    language = {"hr": "hr", "en": "en"}[variant]
    return Message(text, intent, variant, language, "latin", **more)  # type: ignore[arg-type]


def test_parsed_from_applies_the_policy_to_what_the_model_understood() -> None:
    message = _message(
        "punjač se zapalio, vratite mi novac za narudžbu 48213",
        "complain_safety",
        reasons=frozenset({"safety", "money"}),
        entities=(GoldEntity("order_ref", 47, 52),),
    )
    parse = {
        "intent": {"name": "complain_safety", "confidence": 0.9},
        "entities": [
            {"entity": "order_ref", "start": 47, "end": 52, "value": "48213"},
            {"entity": "amount", "start": 0, "end": 3, "value": "1 EUR"},
        ],
        "language": {"code": "hr", "script": "latin", "confidence": 0.8},
    }
    parsed = parsed_from(message, parse)
    assert parsed.entities == (("order_ref", 47, 52),)
    assert (parsed.language, parsed.script) == ("hr", "latin")
    assert {"safety", "money"} <= set(parsed.reasons)


def test_parsed_from_a_model_without_language_detection_or_intent() -> None:
    parsed = parsed_from(
        _message("xx yy", None, failed_understandings=1), {"intent": None, "entities": []}
    )
    assert parsed.intent == "nlu_fallback" and parsed.language is None
    assert "not_understood" in parsed.reasons


def _parsed(message: Message, intent: str, reasons: tuple[str, ...] = (), **more: object) -> Parsed:
    values: dict[str, object] = {
        "confidence": 0.9,
        "entities": (),
        "language": message.language,
        "script": message.script,
    }
    values.update(more)
    return Parsed(message=message, intent=intent, reasons=reasons, **values)  # type: ignore[arg-type]


def test_group_score_keeps_languages_apart_and_counts_the_script() -> None:
    hr_ok = _message("paket kasni", "complain_delivery", reasons=frozenset())
    hr_wrong = _message("vratite novac", "state_resolution", reasons=frozenset({"money"}))
    en_msg = _message("late parcel", "complain_delivery", variant="en")
    run = ModelRun("project", 1.0)
    run.parsed = [
        _parsed(hr_ok, "complain_delivery"),
        _parsed(hr_wrong, "complain_billing", language="sr"),
        _parsed(en_msg, "complain_delivery"),
    ]
    conversation = Conversation("hr-1", "hr", "hr", "latin", ("x",), "delivery")
    run.replayed = [
        Replayed(
            conversation,
            (
                ("utter_thank_for_complaint", "Hvala."),
                ("utter_acknowledge", "Žao nam je."),
                ("utter_ask_desired_resolution", "Što možemo?"),
            ),
            "delivery",
            (),
        )
    ]
    hr_only = [{"name": "language", "value": "hr"}]
    variations = response_variations(
        {
            "utter_thank_for_complaint": [{"text": "Hvala.", "condition": hr_only}],
            "utter_acknowledge": [{"text": "Žao nam je.", "condition": hr_only}],
            "utter_ask_desired_resolution": [{"text": "Što možemo?", "condition": hr_only}],
        }
    )
    score = group_score(run, "hr", variations)
    assert score.messages == 2 and score.conversations == 1
    assert score.intent_accuracy == pytest.approx(0.5)
    assert score.language_accuracy == pytest.approx(0.5)
    assert score.escalation_recall == pytest.approx(0.0)
    assert score.escalation_precision == pytest.approx(1.0)
    assert score.script_following == pytest.approx(1.0)
    assert score.outcome_category == pytest.approx(1.0)
    assert group_score(run, "all", variations).messages == 3
    en = group_score(run, "en", variations)
    assert en.conversations == 0 and en.script_following is None
    missed = {t.what: t.met for t in targets([score, en], "project")}
    assert missed["intent macro-F1 hr >= 0.9"] is False
    assert missed["intent macro-F1 en >= 0.92"] is True
