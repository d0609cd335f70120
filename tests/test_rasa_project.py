"""The Rasa project itself: data validation and the end-to-end test stories."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dialogue import script
from bot.runner import child_env, rasa_command
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


#: Rasa's warning about a response that no story or rule names (it does not fail the run).
UNUSED_RESPONSE = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")


def test_data_validates_without_warnings() -> None:
    """No warning of Rasa's but one: the responses the actions say themselves (the script's steps,
    bot/dialogue/data/script.yml) are named by no rule, and Rasa says so."""
    result = subprocess.run(
        rasa_command("data", "validate", "--fail-on-warnings"),
        cwd=PROJECT_ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    warnings = [line for line in output.splitlines() if "UserWarning:" in line]
    unused = {match.group(1) for line in warnings if (match := UNUSED_RESPONSE.search(line))}
    others = [line for line in warnings if not UNUSED_RESPONSE.search(line)]
    assert others == [], others
    assert unused <= script.responses_named(), unused - script.responses_named()


def test_story_files_cover_every_language() -> None:
    names = {path.stem for path in (PROJECT_ROOT / "tests" / "stories").glob("test_*.yml")}
    assert {"test_en", "test_hr", "test_sr_latn", "test_sr_cyrl", "test_bs"} <= names


def test_end_to_end_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    """Through ``bot.ops.rasa_main``, as the server runs: with the project's Rasa patches (the
    incremental dialogue states among them) the predictions must stay Rasa's."""
    out = tmp_path / "results"
    environment = {**child_env(), "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    result = subprocess.run(
        [
            sys.executable, "-m", "bot.ops.rasa_main",
            "test", "core",
            "--model", str(trained_model),
            "--stories", "tests/stories",
            "--e2e",
            "--out", str(out),
            "--no-plot",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    evaluated = re.search(r"Evaluating (\d+) stories", result.stdout + result.stderr)
    assert evaluated and int(evaluated.group(1)) >= 50, "rasa test found too few stories"
    failed = (out / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "- story:" not in failed, failed[:8000]
