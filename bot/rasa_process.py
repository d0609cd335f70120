"""How this project starts Rasa as a child process: this interpreter, the package importable."""

from __future__ import annotations

import os
import sys

from bot.settings import PROJECT_ROOT


def child_env() -> dict[str, str]:
    """The environment for Rasa processes: our package importable, telemetry off."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def rasa_command(*args: str) -> list[str]:
    """``rasa ARGS`` run with this interpreter, so the project's venv is always used."""
    return [sys.executable, "-m", "rasa", *args]
