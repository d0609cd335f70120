"""The record of every run of the frozen test set (``docs/eval/test_runs.yml``).

The test set is meant to be run once the work is done; when it is run again after further
changes, the report must say so and give the earlier runs too (``eval/README.md``). The
evaluation reads this record before a test-set run, names the run's number and the earlier
runs in the report, and appends the run afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from tools.evaluation.metrics import GroupScore

HISTORY_FILE = PROJECT_ROOT / "docs" / "eval" / "test_runs.yml"
#: The overall figures kept for each model of a run.
FIGURES: tuple[str, ...] = (
    "complaint_logged",
    "non_complaints_logged",
    "category_accuracy",
    "escalation_precision",
    "escalation_recall",
    "script_followed",
    "in_language",
)


@dataclass(frozen=True)
class TestRun:
    """One run of the test set: when, at which commit, how, and its overall figures."""

    __test__ = False  # not a pytest test class

    date: str
    commit: str
    command: str
    figures: dict[str, dict[str, float | None]] = field(default_factory=dict)


def load_runs(path: Path = HISTORY_FILE) -> list[TestRun]:
    """The recorded runs, oldest first (none when the file does not exist)."""
    if not path.exists():
        return []
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    raw_runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(raw_runs, list):
        raise ValueError(f"{path}: expected 'runs:' with a list")
    runs = []
    for number, raw in enumerate(raw_runs, 1):
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(key), str) for key in ("date", "commit", "command")
        ):
            raise ValueError(f"{path}: run {number} needs date, commit and command")
        figures = raw.get("figures") or {}
        runs.append(TestRun(raw["date"], raw["commit"], raw["command"], dict(figures)))
    return runs


def overall_figures(scores: Sequence[GroupScore]) -> dict[str, dict[str, float | None]]:
    """The :data:`FIGURES` of each model over all groups, rounded to three places."""
    figures: dict[str, dict[str, float | None]] = {}
    for score in scores:
        if score.group != "all":
            continue
        values = asdict(score)
        figures[score.model] = {
            name: None if values[name] is None else round(values[name], 3) for name in FIGURES
        }
    return figures


def append_run(run: TestRun, path: Path = HISTORY_FILE) -> None:
    """Add ``run`` at the end of the record."""
    runs = [*load_runs(path), run]
    yaml = YAML()
    yaml.default_flow_style = False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "# Every run of the frozen test set (written by python -m tools.evaluation).\n"
        )
        yaml.dump({"runs": [asdict(r) for r in runs]}, handle)


def history_lines(earlier: Sequence[TestRun], current: TestRun) -> list[str]:
    """The report's lines on how often the test set has been run, with every run's figures."""
    if not earlier:
        return ["- Test-set runs: this is the **first and only** run of the test set."]
    lines = [
        f"- Test-set runs: this is run **{len(earlier) + 1}**. The test set was run before "
        "and the work went on after it; every run, with its overall figures per model "
        "(`docs/eval/test_runs.yml`):",
        "",
        "| run | date | commit | model | "
        + " | ".join(name.replace("_", " ") for name in FIGURES)
        + " |",
        "|---" * (4 + len(FIGURES)) + "|",
    ]
    for index, run in enumerate([*earlier, current], 1):
        for model, values in run.figures.items():
            cells = " | ".join(
                "-" if values.get(name) is None else f"{values[name]:.3f}" for name in FIGURES
            )
            lines.append(f"| {index} | {run.date} | `{run.commit}` | {model} | {cells} |")
    return [*lines, ""]
