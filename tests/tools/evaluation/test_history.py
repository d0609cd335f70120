"""The record of test-set runs: read, appended, and named in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.evaluation.history import (
    FIGURES,
    TestRun,
    append_run,
    history_lines,
    load_runs,
    overall_figures,
)
from tools.evaluation.metrics import GroupScore

FIRST = TestRun(
    "2026-12-05 18:06 UTC", "aa817e5", "python -m x", {"project": {"in_language": 0.798}}
)


def _score(group: str, in_language: float | None) -> GroupScore:
    return GroupScore(
        model="project",
        group=group,
        messages=1,
        conversations=0,
        complaint_logged=1.0,
        non_complaints_logged=None,
        handoff_rows=0,
        handoff_asked=0,
        category_accuracy=0.12345,
        escalation_precision=None,
        escalation_recall=None,
        in_language=in_language,
    )


def test_no_record_means_no_earlier_run(tmp_path: Path) -> None:
    assert load_runs(tmp_path / "none.yml") == []


def test_runs_are_appended_in_order_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "runs.yml"
    second = TestRun("2026-12-06 04:50 UTC", "ba79bd4", "python -m y", {})
    append_run(FIRST, path)
    append_run(second, path)
    assert load_runs(path) == [FIRST, second]
    assert path.read_text(encoding="utf-8").startswith("# Every run of the frozen test set")


@pytest.mark.parametrize("text", ["runs: 3\n", "runs:\n- date: d\n  commit: c\n"])
def test_a_malformed_record_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "runs.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="runs"):
        load_runs(path)


def test_overall_figures_keep_the_all_group_rounded() -> None:
    figures = overall_figures([_score("hr", 0.5), _score("all", 0.83333)])
    assert set(figures) == {"project"}
    assert set(figures["project"]) == set(FIGURES)
    assert figures["project"]["in_language"] == 0.833
    assert figures["project"]["category_accuracy"] == 0.123
    assert figures["project"]["escalation_recall"] is None


def test_the_report_says_whether_the_test_set_was_run_before() -> None:
    current = TestRun("2026-12-06 04:50 UTC", "ba79bd4", "python -m y", {"project": {}})
    assert "first and only" in history_lines([], current)[0]
    lines = history_lines([FIRST], current)
    assert "run **2**" in lines[0]
    assert any("`aa817e5`" in line and "0.798" in line for line in lines)
    assert any(line.startswith("| 2 |") and "`ba79bd4`" in line for line in lines)
