"""Evaluation in the background: Rasa's NLU cross-validation and the test stories.

One job runs ``rasa test nlu --cross-validation`` over the project's data and then
``rasa test core --stories tests/stories`` against a model: the serving one unless the
trainer names another, and the summary says which. Its results go to
``var/studio/evaluations/<job>/``: Rasa's own files, ``summary.json`` (per-intent precision,
recall, F1 and support computed from the held-out predictions, figures per language from
:mod:`bot.studio.crossval`, the failing stories) and ``confusion.png``.
``var/studio/evaluations/latest.json`` is a copy of the newest summary; the intents page of the
studio shows each intent's F1 from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.rasa_process import rasa_command
from bot.studio.crossval import (
    Prediction,
    language_of_examples,
    read_predictions,
    scores_by_language,
)
from bot.studio.errors import StudioError
from bot.studio.jobs import Job, JobRunner, JobStore, Step, now_iso, read_json, write_json
from bot.studio.model_files import find_model, serving_model

KIND = "evaluations"
LATEST = "latest.json"
SUMMARY = "summary.json"
CONFUSION = "confusion.png"
STORIES_DIR = "tests/stories"
DEFAULT_FOLDS = 5
MAX_FOLDS = 10
#: Intents a confusion matrix shows by name; the rest is too small to read.
MAX_MATRIX_LABELS = 40


def stage_parser(folds: int) -> Callable[[str], str | None]:
    """Stages of the evaluation log: which cross-validation fold trains, then the stories."""
    trained = 0

    def parse(line: str) -> str | None:
        nonlocal trained
        if "Starting to train component" in line and "IntentClassifier" in line:
            trained += 1
            return f"cross-validation: training fold {min(trained, folds)} of {folds}"
        if "Running model for predictions" in line:
            return f"cross-validation: predicting with fold {max(trained, 1)} of {folds}"
        if re.search(r"Evaluating \d+ stories", line):
            return "running the test stories"
        return None

    return parse


def per_intent(predictions: list[Prediction]) -> dict[str, dict[str, float | int]]:
    """Precision, recall, F1 and support of every gold or predicted intent."""
    # heavy, optional: scikit-learn is needed only when an evaluation is scored
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted({p.intent for p in predictions} | {p.predicted for p in predictions} - {""})
    gold = [p.intent for p in predictions]
    guessed = [p.predicted for p in predictions]
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, guessed, labels=labels, zero_division=0
    )
    return {
        label: {
            "precision": round(float(precision[i]), 4),
            "recall": round(float(recall[i]), 4),
            "f1": round(float(f1[i]), 4),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }


def draw_confusion(predictions: list[Prediction], target: Path) -> None:
    """A confusion-matrix picture (rows: true intent, columns: predicted) as PNG."""
    # heavy, optional: matplotlib and scikit-learn only when a picture is drawn
    import matplotlib
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    matplotlib.use("Agg")  # no screen: draw to files

    counts: dict[str, int] = {}
    for p in predictions:
        counts[p.intent] = counts.get(p.intent, 0) + 1
    labels = sorted(counts, key=lambda name: (-counts[name], name))[:MAX_MATRIX_LABELS]
    labels = sorted(set(labels) | {p.predicted for p in predictions if p.intent in labels} - {""})
    kept = [p for p in predictions if p.intent in labels]
    matrix = confusion_matrix(
        [p.intent for p in kept], [p.predicted or p.intent for p in kept], labels=labels
    )
    size = max(6.0, 0.38 * len(labels) + 2.5)
    figure, axes = plt.subplots(figsize=(size, size), dpi=100)
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=8)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=8)
    axes.set_xlabel("predicted intent")
    axes.set_ylabel("true intent")
    axes.set_title("Intent confusion matrix (cross-validation)")
    peak = matrix.max() if matrix.size else 0
    for row in range(len(labels)):
        for column in range(len(labels)):
            value = int(matrix[row, column])
            if value:
                colour = "white" if value > peak / 2 else "black"
                axes.text(
                    column, row, str(value), ha="center", va="center", fontsize=7, color=colour
                )
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target)
    plt.close(figure)


def failing_stories(core_dir: Path) -> dict[str, Any]:
    """The failing test stories (Rasa's ``failed_test_stories.yml``) and the story counts."""
    failed_file = core_dir / "failed_test_stories.yml"
    failed_text = failed_file.read_text(encoding="utf-8") if failed_file.exists() else ""
    stories: list[dict[str, str]] = []
    current: list[str] = []
    for line in failed_text.splitlines():
        if line.startswith("- story:") and current:
            stories.append(_story_entry(current))
            current = []
        if line.startswith("- story:") or current:
            current.append(line)
    if current:
        stories.append(_story_entry(current))
    report = read_json(core_dir / "story_report.json", {})
    total = None
    if isinstance(report, dict):
        conversation = report.get("conversation_accuracy") or {}
        if isinstance(conversation, dict):
            total = conversation.get("total")
    return {"failed": stories, "failed_count": len(stories), "total": total}


def _story_entry(lines: list[str]) -> dict[str, str]:
    name = lines[0].removeprefix("- story:").strip()
    return {"name": name, "yaml": "\n".join(lines).rstrip()}


def _finish(root: Path, out: Path) -> Callable[[Job, list[str]], None]:
    def finish(job: Job, lines: list[str]) -> None:
        predictions = read_predictions(out / "nlu")
        if not predictions:
            raise StudioError("Rasa's cross-validation wrote no predictions.")
        draw_confusion(predictions, out / CONFUSION)
        languages = language_of_examples(root / "data" / "nlu")
        stories = failing_stories(out / "core")
        summary: dict[str, Any] = {
            "job": job.id,
            "finished_at": now_iso(),
            "folds": job.options.get("folds"),
            "model": job.options.get("model"),
            "model_serving": job.options.get("model_serving"),
            "examples": len(predictions),
            "intents": per_intent(predictions),
            "languages": [asdict(row) for row in scores_by_language(predictions, languages)],
            "stories": stories,
            "confusion_png": f"{job.id}/{CONFUSION}",
        }
        write_json(out / SUMMARY, summary)
        write_json(out.parent / LATEST, summary)
        job.stage = "done"
        job.result.update(
            {
                "examples": summary["examples"],
                "failed_stories": stories["failed_count"],
            }
        )

    return finish


def prepare(
    root: Path,
    started_by: str,
    folds: int = DEFAULT_FOLDS,
    on_line: Callable[[str], None] | None = None,
    model_name: object = None,
    serving: str | None = None,
) -> JobRunner:
    """A runner for cross-validation + test stories of ``root``; the stories run with
    ``model_name`` if given, else with ``serving`` (the running server's model), else with
    the model a (re)started server serves."""
    if not isinstance(folds, int) or isinstance(folds, bool) or not 2 <= folds <= MAX_FOLDS:
        raise StudioError(f"folds must be a whole number from 2 to {MAX_FOLDS}.", status=422)
    current = serving_model(root)
    if serving and (root / "models" / serving).is_file():
        current = find_model(root, serving)
    model = find_model(root, model_name) if model_name is not None else current
    if model is None:
        raise StudioError("There is no trained model to run the test stories with.", status=409)
    is_serving = current is not None and model.name == current.name
    store = JobStore(root, KIND)
    job = store.new_job(
        started_by, {"folds": folds, "model": model.name, "model_serving": is_serving}
    )
    out = store.directory / job.id
    steps = [
        Step(
            "cross-validating the examples",
            rasa_command(
                "test",
                "nlu",
                "--nlu",
                "data",
                "--config",
                "config.yml",
                "--cross-validation",
                "--folds",
                str(folds),
                "--successes",
                "--no-plot",
                "--out",
                str(out / "nlu"),
            ),
        ),
        Step(
            "running the test stories",
            rasa_command(
                "test",
                "core",
                "--stories",
                STORIES_DIR,
                "--model",
                str(model),
                "--no-plot",
                "--out",
                str(out / "core"),
            ),
        ),
    ]
    return JobRunner(store, job, steps, stage_parser(folds), _finish(root, out), on_line)


def start_evaluation(
    root: Path,
    started_by: str,
    folds: int = DEFAULT_FOLDS,
    model_name: object = None,
    serving: str | None = None,
) -> Job:
    return prepare(root, started_by, folds, model_name=model_name, serving=serving).start()


def jobs(root: Path) -> JobStore:
    return JobStore(root, KIND)


def latest_summary(root: Path) -> dict[str, Any] | None:
    data = read_json(JobStore(root, KIND).directory / LATEST, None)
    return data if isinstance(data, dict) else None


def confusion_png(root: Path) -> Path | None:
    """The newest evaluation's confusion-matrix picture."""
    summary = latest_summary(root)
    if not summary:
        return None
    path = JobStore(root, KIND).directory / str(summary.get("job", "")) / CONFUSION
    return path if path.is_file() else None
