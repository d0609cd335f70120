"""NLU cross-validation per language: Rasa's own ``rasa test nlu --cross-validation``, regrouped.

Rasa reports one figure over all the data. The model is trained on every language at once, so
we run Rasa's cross-validation over all of ``data/nlu`` and then group the held-out predictions
by the language file each example comes from.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import accuracy_score, f1_score

from bot.rasa_process import child_env, rasa_command
from bot.settings import PROJECT_ROOT
from bot.text.languages import languages

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
#: The language files, in the order the report shows them (the registry's).
LANGUAGE_FILES = languages().codes


@dataclass(frozen=True)
class Prediction:
    text: str
    intent: str
    predicted: str


@dataclass(frozen=True)
class LanguageScore:
    """Cross-validated intent figures for one group of examples."""

    group: str
    examples: int
    macro_f1: float
    accuracy: float
    category_accuracy: float


def language_of_examples(nlu_dir: Path = NLU_DIR) -> dict[str, str]:
    """Map each training example's text to the language file it comes from."""
    languages: dict[str, str] = {}
    for name in LANGUAGE_FILES:
        path = nlu_dir / f"{name}.yml"
        if path.exists():
            for example in load_data(str(path)).training_examples:
                languages.setdefault(example.get("text"), name)
    return languages


def score(group: str, predictions: list[Prediction]) -> LanguageScore:
    """Intent macro-F1 and accuracy, and how often a complaint got the right category."""
    gold = [p.intent for p in predictions]
    guessed = [p.predicted for p in predictions]
    complaints = [p for p in predictions if p.intent.startswith("complain_")]
    return LanguageScore(
        group=group,
        examples=len(predictions),
        macro_f1=float(f1_score(gold, guessed, average="macro", zero_division=0)),
        accuracy=float(accuracy_score(gold, guessed)),
        category_accuracy=(
            sum(p.intent == p.predicted for p in complaints) / len(complaints)
            if complaints
            else 0.0
        ),
    )


def scores_by_language(
    predictions: list[Prediction], languages: dict[str, str]
) -> list[LanguageScore]:
    """One score over everything, then one per language file."""
    rows = [score("all", predictions)]
    for name in LANGUAGE_FILES:
        group = [p for p in predictions if languages.get(p.text) == name]
        if group:
            rows.append(score(name, group))
    return rows


def read_predictions(results: Path) -> list[Prediction]:
    """The held-out predictions Rasa wrote with ``--successes``."""
    entries = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = results / name
        if path.exists():
            entries += json.loads(path.read_text(encoding="utf-8"))
    return [
        Prediction(
            text=entry["text"],
            intent=entry["intent"],
            predicted=(entry.get("intent_prediction") or {}).get("name") or "",
        )
        for entry in entries
    ]


def run_cross_validation(folds: int = 5, out: Path | None = None) -> list[LanguageScore]:
    """Run Rasa's cross-validation on data/nlu with config.yml and score it per language."""
    with tempfile.TemporaryDirectory() as scratch:
        results = out or Path(scratch)
        subprocess.run(
            rasa_command(
                "test",
                "nlu",
                "--nlu",
                str(NLU_DIR),
                "--config",
                "config.yml",
                "--cross-validation",
                "--folds",
                str(folds),
                "--successes",
                "--no-plot",
                "--out",
                str(results),
            ),
            cwd=PROJECT_ROOT,
            env=child_env(),
            check=True,
            capture_output=True,
        )
        return scores_by_language(read_predictions(results), language_of_examples())


def markdown_table(rows: list[LanguageScore]) -> str:
    lines = [
        "| language | examples | intent macro-F1 | accuracy | complaint-category accuracy |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.group} | {r.examples} | {r.macro_f1:.3f} | {r.accuracy:.3f} "
        f"| {r.category_accuracy:.3f} |"
        for r in rows
    ]
    return "\n".join(lines)
