"""From outcomes to per-group scores, the targets, the report and its files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.evaluation.history import TestRun
from tools.evaluation.metrics import Outcome, Row
from tools.evaluation.report import all_scores, find, targets, write_report
from tools.evaluation.responses import Catalogue, Step, variants_of
from tools.evaluation.run import DEFAULT, PROJECT, ModelRun
from tools.evaluation.sets import MESSAGE, EvalSet, Item

HR = [{"type": "slot", "name": "language", "value": "hr"}]
CATALOGUE = Catalogue(
    variants_of(
        {
            "utter_thank_for_complaint": [{"text": "Hvala.", "condition": HR}],
            "utter_acknowledge": [{"text": "Žao nam je.", "condition": HR}],
            "utter_ask_desired_resolution": [
                {"text": "What can we do?"},
                {"text": "Što možemo?", "condition": HR},
            ],
        }
    ),
    (
        Step("thank", ("utter_thank_for_complaint",)),
        Step("acknowledge", ("utter_acknowledge",)),
        Step("ask", ("utter_ask_desired_resolution",)),
    ),
)
SECRET = "paket kasni već tri tjedna"


def _item(ident: str, group: str, category: str | None) -> Item:
    return Item(ident, group, MESSAGE, (SECRET,), category is not None, category)


def _row(category: str) -> Row:
    return Row(category, False, frozenset())


def _runs() -> list[ModelRun]:
    hr_complaint = _item("hr-m001", "hr", "delivery")
    en_complaint = _item("en-m001", "en", "billing")
    hr_small_talk = _item("hr-m002", "hr", None)
    ours = ModelRun(PROJECT, 42.0)
    ours.outcomes = [
        Outcome(hr_complaint, (("Hvala.", "Žao nam je.", "Što možemo?"),), _row("delivery")),
        Outcome(en_complaint, (("What can we do?",),), _row("billing")),
        Outcome(hr_small_talk, (("Što možemo?",),), None),
    ]
    theirs = ModelRun(DEFAULT, 30.0)
    theirs.outcomes = [
        Outcome(hr_complaint, (("What can we do?",),), _row("billing")),
        Outcome(en_complaint, ((),), None),
        Outcome(hr_small_talk, ((),), _row("other")),
    ]
    return [ours, theirs]


def test_scores_keep_groups_and_models_apart() -> None:
    scores = all_scores(_runs(), CATALOGUE)
    hr = find(scores, PROJECT, "hr")
    assert hr is not None and hr.messages == 2
    assert hr.script_followed == 1.0 and hr.in_language == 1.0
    en = find(scores, PROJECT, "en")
    assert en is not None and en.script_followed == 0.0
    default_hr = find(scores, DEFAULT, "hr")
    assert default_hr is not None
    assert default_hr.category_accuracy == 0.0 and default_hr.non_complaints_logged == 1.0
    every = find(scores, PROJECT, "all")
    assert every is not None and every.messages == 3 and every.category_accuracy == 1.0


def test_targets_are_checked_per_group_with_the_lead_over_rasas_default() -> None:
    runs = _runs()
    found = {(t.what, t.group): t for t in targets(all_scores(runs, CATALOGUE), runs)}
    assert found[("category accuracy >= 0.9", "hr")].met is True
    lead = found[("category accuracy >= 5 points ahead of Rasa's default", "hr")]
    assert lead.met is True and lead.measured == "+100.0 points"
    assert found[("script followed >= 0.97", "en")].met is False
    assert found[("non-complaints logged <= 0.02", "en")].met is None
    assert found[("training time <= 3 min", "all")].met is True


@pytest.mark.parametrize(("name", "texts_shown"), [("test", False), ("dev", True)])
def test_write_report_names_set_commit_and_command_and_hides_test_texts(
    tmp_path: Path, name: str, texts_shown: bool
) -> None:
    eval_set = EvalSet(name, tmp_path, tuple(o.item for o in _runs()[0].outcomes))
    meta = {"date": "2026-12-05 16:00 UTC", "commit": "abc1234", "command": "python -m x"}
    write_report(eval_set, _runs(), CATALOGUE, tmp_path / "out", meta)
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert f"on the {name} set" in report
    assert "abc1234" in report and "`python -m x`" in report
    assert ("**not met**" in report) and ("| rasa_default |" in report or "rasa_default" in report)
    assert (SECRET in report) is texts_shown
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["set"] == name and results["train_seconds"] == {PROJECT: 42.0, DEFAULT: 30.0}
    assert SECRET not in json.dumps(results)
    assert (tmp_path / "out" / "figures_per_group.png").stat().st_size > 0
    assert (tmp_path / "out" / "reasons.png").stat().st_size > 0


def test_a_shortened_reference_is_named_in_the_report(tmp_path: Path) -> None:
    eval_set = EvalSet("dev", tmp_path, tuple(o.item for o in _runs()[0].outcomes))
    meta = {"date": "d", "commit": "c", "command": "x", "default_epochs": "3"}
    write_report(eval_set, _runs(), CATALOGUE, tmp_path / "out", meta)
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "**3 epochs**" in report and "shortened" in report


def test_a_repeated_test_run_names_the_earlier_runs(tmp_path: Path) -> None:
    eval_set = EvalSet("test", tmp_path, tuple(o.item for o in _runs()[0].outcomes))
    meta = {"date": "2026-12-06 05:00 UTC", "commit": "def5678", "command": "python -m x"}
    earlier = [TestRun("2026-12-05 18:06 UTC", "abc1234", "python -m x", {})]
    write_report(eval_set, _runs(), CATALOGUE, tmp_path / "out", meta, earlier)
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "this is run **2**" in report and "`def5678`" in report
    write_report(eval_set, _runs(), CATALOGUE, tmp_path / "first", meta, [])
    assert "first and only" in (tmp_path / "first" / "report.md").read_text(encoding="utf-8")
