"""Evaluation results: per-intent figures from held-out predictions, the confusion-matrix
picture, the failing test stories read from Rasa's file; bad folds refused."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from bot.studio import eval_jobs
from bot.studio.crossval import Prediction
from bot.studio.errors import StudioError

PREDICTIONS = [
    Prediction("a", "greet", "greet"),
    Prediction("b", "greet", "greet"),
    Prediction("c", "greet", "goodbye"),
    Prediction("d", "goodbye", "goodbye"),
    Prediction("e", "complain_billing", "complain_billing"),
    Prediction("f", "complain_billing", "goodbye"),
]

FAILED = """version: "3.1"
stories:
- story: late parcel (tests/stories/test_hr.yml)
  steps:
  - intent: complain_delivery
  - action: utter_thank_for_complaint
  - action: utter_greet  # predicted: utter_acknowledge
- story: goodbye (tests/stories/test_en.yml)
  steps:
  - intent: goodbye
  - action: utter_goodbye  # predicted: action_listen
"""


def test_per_intent_precision_recall_f1_and_support() -> None:
    figures = eval_jobs.per_intent(PREDICTIONS)
    assert figures["greet"] == {"precision": 1.0, "recall": 0.6667, "f1": 0.8, "support": 3}
    # goodbye: predicted 3 times, right once -> precision 1/3, recall 1/1, F1 0.5
    assert figures["goodbye"] == {"precision": 0.3333, "recall": 1.0, "f1": 0.5, "support": 1}
    assert figures["complain_billing"]["recall"] == 0.5
    assert figures["complain_billing"]["f1"] == pytest.approx(0.6667)


def test_the_confusion_matrix_is_a_png(tmp_path: Path) -> None:
    target = tmp_path / "confusion.png"
    eval_jobs.draw_confusion(PREDICTIONS, target)
    head = target.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width >= 600 and height >= 600


def test_failing_stories_are_read_from_rasas_file(tmp_path: Path) -> None:
    (tmp_path / "failed_test_stories.yml").write_text(FAILED, encoding="utf-8")
    (tmp_path / "story_report.json").write_text(
        '{"conversation_accuracy": {"accuracy": 0.9, "correct": 18, "total": 20}}'
    )
    found = eval_jobs.failing_stories(tmp_path)
    assert found["failed_count"] == 2 and found["total"] == 20
    assert [story["name"] for story in found["failed"]] == [
        "late parcel (tests/stories/test_hr.yml)",
        "goodbye (tests/stories/test_en.yml)",
    ]
    assert "# predicted: utter_acknowledge" in found["failed"][0]["yaml"]
    assert "goodbye" not in found["failed"][0]["yaml"]


def test_all_passing_stories(tmp_path: Path) -> None:
    (tmp_path / "failed_test_stories.yml").write_text(
        "# None of the test stories failed - all good!", encoding="utf-8"
    )
    assert eval_jobs.failing_stories(tmp_path) == {"failed": [], "failed_count": 0, "total": None}


def test_stages_count_the_folds() -> None:
    parse = eval_jobs.stage_parser(3)
    log = [
        "INFO rasa.cli.test - Test model using cross validation.",
        "INFO rasa.engine.training.hooks - Starting to train component 'TfidfIntentClassifier'.",
        "INFO rasa.nlu.test - Running model for predictions:",
        "INFO rasa.engine.training.hooks - Starting to train component 'TfidfIntentClassifier'.",
        "INFO rasa.core.test - Evaluating 80 stories",
    ]
    assert [parse(line) for line in log] == [
        None,
        "cross-validation: training fold 1 of 3",
        "cross-validation: predicting with fold 1 of 3",
        "cross-validation: training fold 2 of 3",
        "running the test stories",
    ]


@pytest.mark.parametrize("folds", [0, 1, 11, "5", True, 2.5])
def test_bad_folds_are_refused(folds: object, tmp_path: Path) -> None:
    with pytest.raises(StudioError) as refused:
        eval_jobs.prepare(tmp_path, "tina", folds)  # type: ignore[arg-type]
    assert refused.value.status == 422


def _models(root: Path) -> tuple[Path, Path]:
    models = root / "models"
    models.mkdir(parents=True, exist_ok=True)
    old, new = models / "20260101-000000-old.tar.gz", models / "20260102-000000-new.tar.gz"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    os.utime(old, (old.stat().st_mtime - 3600,) * 2)
    return old, new


def test_the_evaluation_scores_the_serving_model_by_default_and_says_so(tmp_path: Path) -> None:
    old, new = _models(tmp_path)
    runner = eval_jobs.prepare(tmp_path, "tina", 2, serving=old.name)  # the server serves old
    assert runner.job.options["model"] == old.name and runner.job.options["model_serving"]
    assert str(old) in runner.steps[1].command
    chosen = eval_jobs.prepare(tmp_path, "tina", 2, model_name=new.name, serving=old.name)
    assert chosen.job.options["model"] == new.name
    assert chosen.job.options["model_serving"] is False
    assert str(new) in chosen.steps[1].command


@pytest.mark.parametrize("name", ["../x.tar.gz", "nope.tar.gz", 7, "", ["a"]])
def test_only_a_listed_model_can_be_evaluated(name: object, tmp_path: Path) -> None:
    _models(tmp_path)
    with pytest.raises(StudioError) as refused:
        eval_jobs.prepare(tmp_path, "tina", 2, model_name=name)
    assert refused.value.status in (404, 422)
