"""Rasa's default configuration is taken from the installed Rasa package, not hand-copied."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from tools.evaluation.run import (
    DEFAULT,
    PROJECT,
    model_config,
    rasa_default_config,
    rasa_initial_config,
    with_epochs,
)


def _load(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, object] = YAML(typ="safe").load(handle)
    return data


def test_reference_is_the_init_config_whose_pipeline_rasa_fills_in(tmp_path: Path) -> None:
    init = _load(rasa_initial_config())
    assert init["recipe"] == "default.v1"
    assert not init.get("pipeline") and not init.get("policies")
    copied = model_config(DEFAULT, tmp_path)
    assert copied.read_text(encoding="utf-8") == rasa_initial_config().read_text(encoding="utf-8")
    assert model_config(PROJECT, tmp_path) == PROJECT_ROOT / "config.yml"


def test_rasas_default_configuration_has_diet_and_ted() -> None:
    config = rasa_default_config()
    pipeline = [c["name"] for c in config["pipeline"]]
    policies = [c["name"] for c in config["policies"]]
    assert "DIETClassifier" in pipeline
    assert {"TEDPolicy", "RulePolicy", "MemoizationPolicy"} <= set(policies)


def test_unknown_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        model_config("my_own", tmp_path)


def test_shorter_reference_changes_only_the_epochs(tmp_path: Path) -> None:
    short = _load(model_config(DEFAULT, tmp_path, default_epochs=7))
    full = rasa_default_config()
    assert short == with_epochs(full, 7)
    for part in ("pipeline", "policies"):
        for before, after in zip(full[part], short[part], strict=True):  # type: ignore[call-overload]
            assert after.get("epochs") == (7 if "epochs" in before else None)
            assert {k: v for k, v in after.items() if k != "epochs"} == {
                k: v for k, v in before.items() if k != "epochs"
            }
