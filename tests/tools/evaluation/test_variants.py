"""Calibration of the variant temperature, on small inputs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tools.evaluation.duplicates import Example
from tools.evaluation.variants import fit_temperature, labelled_scores, mean_nll, report


def test_only_bcs_training_files_are_labelled() -> None:
    rows = labelled_scores(
        [
            Example("gdje je moja narudžba", "hr", "data/nlu/hr.yml"),
            Example("где је моја поруџбина", "sr", "data/nlu/sr_cyrl.yml"),
            Example("where is my order", "en", "data/nlu/en.yml"),
        ]
    )
    assert [gold for gold, _scores in rows] == ["hr", "sr"]
    assert set(rows[0][1]) == {"hr", "sr", "bs"}


def test_mean_nll_of_a_certain_and_an_even_guess() -> None:
    rows = [("sr", {"hr": 0.0, "sr": 0.0, "bs": 0.0})]
    assert mean_nll(rows, 1.0) == pytest.approx(math.log(3))
    assert mean_nll([("sr", {"hr": 0.0, "sr": 50.0, "bs": 0.0})], 1.0) == pytest.approx(0.0)
    with pytest.raises(ValueError):
        mean_nll([], 1.0)


def test_sharper_probabilities_win_when_the_scores_are_right_and_lose_when_wrong() -> None:
    right = [("sr", {"hr": 0.0, "sr": 1.0, "bs": 0.0})] * 9
    wrong = [("hr", {"hr": 0.0, "sr": 1.0, "bs": 0.0})]
    best, table = fit_temperature(right, (2.0, 1.0, 0.5))
    assert best == 0.5 and table[0.5] < table[2.0]
    best, _ = fit_temperature(right[:3] + wrong * 3, (2.0, 1.0, 0.5))
    assert best == 2.0


def test_report_on_a_small_training_folder(tmp_path: Path) -> None:
    (tmp_path / "hr.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n'
        "    - tjedan dana čekam paket\n    - tko mi može pomoći\n",
        encoding="utf-8",
    )
    (tmp_path / "sr_latn.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - dve nedelje čekam paket\n',
        encoding="utf-8",
    )
    text = report(tmp_path)
    assert text.startswith("3 training examples")
    assert text.count("<- best") == 1
