"""Serving a model that uses no TensorFlow without loading TensorFlow (bot/ops/tensorflow_free)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.ops.tensorflow_free import (
    ENV_SWITCH,
    model_to_serve,
    needs_tensorflow,
    predict_components,
    serve_without_tensorflow_if_unused,
)
from bot.settings import PROJECT_ROOT, SettingsError, load_settings

DIET = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"
TED = "rasa.core.policies.ted_policy.TEDPolicy"


def test_the_project_model_uses_no_tensorflow_component(trained_model: Path) -> None:
    components = predict_components(trained_model)
    assert "rasa.core.policies.rule_policy.RulePolicy" in components
    assert "bot.nlu.tfidf_classifier.TfidfIntentClassifier" in components
    assert needs_tensorflow(components) == []


def test_a_model_with_tensorflow_components_gets_tensorflow() -> None:
    components = ["rasa.core.policies.rule_policy.RulePolicy", DIET, TED, "bot.nlu.x.Mine"]
    assert needs_tensorflow(components) == [TED, DIET]


def test_the_model_to_serve_is_the_one_rasa_run_would_load(tmp_path: Path) -> None:
    older, newer = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    older.write_bytes(b"")
    time.sleep(0.01)
    newer.write_bytes(b"")
    assert model_to_serve(["--model", str(tmp_path)]) == newer
    assert model_to_serve([f"--model={older}", "--port", "5005"]) == older
    assert model_to_serve(["-m", str(tmp_path / "missing.tar.gz")]) is None
    assert model_to_serve(["--model", str(tmp_path / "empty")]) is None


def test_an_unreadable_model_or_the_setting_loads_tensorflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar file")
    assert serve_without_tensorflow_if_unused(["--model", str(broken)]) is False
    assert serve_without_tensorflow_if_unused(["--model", str(broken)], always_load=True) is False


def test_the_tensorflow_setting_is_auto_or_load() -> None:
    assert load_settings({}).tensorflow == "auto"
    assert load_settings({ENV_SWITCH: " Load "}).tensorflow == "load"
    with pytest.raises(SettingsError, match="tensorflow must be one of auto, load"):
        load_settings({ENV_SWITCH: "never"})


PLACEHOLDERS = """
import sys
from bot.ops import tensorflow_free as free
assert free.serve_without_tensorflow_if_unused(["--model", sys.argv[1]]) is True
import rasa.core.agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
import tensorflow as tf
assert type(tf).__name__ == "_PlaceholderModule", type(tf)
dense = tf.keras.layers.Dense
free.seal()
assert not hasattr(tf, "never_imported_before_sealing")
for touch in (lambda: tf.constant, lambda: dense(4), lambda: __import__("tensorflow.io")):
    try:
        touch()
    except free.TensorFlowNotLoaded as refused:
        assert "without TensorFlow" in str(refused)
    else:
        raise AssertionError("TensorFlow was reached after sealing")
print("ok")
"""


def test_rasa_imports_against_sealed_placeholders_in_a_fresh_process(trained_model: Path) -> None:
    """In a process of its own (this one may have imported TensorFlow already): Rasa's modules,
    DIET's included, import against the placeholders, and once sealed every touch raises."""
    result = subprocess.run(
        [sys.executable, "-c", PLACEHOLDERS, str(trained_model)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]
