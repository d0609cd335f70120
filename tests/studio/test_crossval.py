"""The per-language cross-validation figures are computed correctly from Rasa's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.studio.crossval import Prediction, read_predictions, score, scores_by_language


def test_score_computes_macro_f1_accuracy_and_category_accuracy() -> None:
    predictions = [
        Prediction("a", "greet", "greet"),
        Prediction("b", "greet", "goodbye"),
        Prediction("c", "goodbye", "goodbye"),
        Prediction("d", "complain_delivery", "complain_delivery"),
        Prediction("e", "complain_billing", "complain_delivery"),
    ]
    result = score("all", predictions)
    assert result.examples == 5
    assert result.accuracy == pytest.approx(3 / 5)
    assert result.category_accuracy == pytest.approx(1 / 2)
    # per class F1: greet 2/3, goodbye 2/3, complain_delivery 2/3, complain_billing 0
    assert result.macro_f1 == pytest.approx((2 / 3 * 3) / 4)


def test_predictions_are_grouped_by_the_file_they_come_from(tmp_path: Path) -> None:
    (tmp_path / "intent_successes.json").write_text(
        json.dumps([{"text": "hi", "intent": "greet", "intent_prediction": {"name": "greet"}}])
    )
    (tmp_path / "intent_errors.json").write_text(
        json.dumps([{"text": "bok", "intent": "greet", "intent_prediction": {"name": "goodbye"}}])
    )
    predictions = read_predictions(tmp_path)
    rows = scores_by_language(predictions, {"hi": "en", "bok": "hr"})
    assert [(r.group, r.examples, r.accuracy) for r in rows] == [
        ("all", 2, 0.5),
        ("en", 1, 1.0),
        ("hr", 1, 0.0),
    ]
