"""``python -m tools.bench.turns --actions``: the actions Rasa predicts per message, with the
trained model and a real SQLite database (the command's own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.runner import child_env
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_a_complaint_turn_predicts_the_registering_action_the_form_and_listening(
    trained_model: Path,
) -> None:
    """The registering action thanks, acknowledges and asks itself: three predictions for a
    complaint's first message, not six (docs/benchmarks.md, session 12)."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.bench.turns", "--model", str(trained_model), "--actions"],
        cwd=PROJECT_ROOT,
        env=child_env(),  # the command makes its own SQLite database
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    lines = [line for line in result.stdout.splitlines() if line[:1].isdigit()]
    assert lines[0].endswith(": action_register_complaint, resolution_form, action_listen")
    assert lines[-1] == "12 predicted actions in all", result.stdout
