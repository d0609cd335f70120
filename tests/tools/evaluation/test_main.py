"""``python -m tools.evaluation run``: its options reach the run, and the report is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools.evaluation import __main__ as cli
from tools.evaluation import run, sets
from tools.evaluation.metrics import Outcome
from tools.evaluation.sets import MESSAGE, EvalSet, Item


def test_run_passes_its_options_on_and_writes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = Item("hr-m001", "hr", MESSAGE, ("paket kasni",), True, "delivery")
    monkeypatch.setattr(sets, "load_set", lambda name: EvalSet(name, tmp_path, (item,)))
    seen: dict[str, Any] = {}

    def fake_evaluate(items: Any, work: Path, models: Any, port: int, concurrency: int,
                      **options: Any) -> list[run.ModelRun]:  # fmt: skip
        seen.update(items=items, models=models, port=port, concurrency=concurrency, **options)
        result = run.ModelRun(models[0], 12.0)
        result.outcomes = [Outcome(item, ((),), None)]
        return [result]

    monkeypatch.setattr(run, "evaluate", fake_evaluate)
    out = tmp_path / "out"
    code = cli.main(
        ["run", "--set", "dev", "--models", "rasa_default", "--default-epochs", "3",
         "--port", "5999", "--concurrency", "2", "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    assert seen["models"] == ("rasa_default",) and seen["default_epochs"] == 3
    assert (seen["port"], seen["concurrency"]) == (5999, 2)
    report = (out / "report.md").read_text(encoding="utf-8")
    command = "python -m tools.evaluation run --set dev --models rasa_default --default-epochs 3"
    assert f"`{command}`" in report and "**3 epochs**" in report


@pytest.mark.parametrize("models", ["", "project,mine", "gpt"])
def test_unknown_models_are_refused(models: str) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["run", "--models", models])


def test_a_missing_test_set_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sets, "TEST_DIR", tmp_path)
    monkeypatch.setattr(sets.load_test_set, "__defaults__", (tmp_path,))
    assert cli.main(["run", "--set", "test"]) == 2
    assert "no test-set files" in capsys.readouterr().err
