"""A temporary copy of the parts of the Rasa project the studio edits (for studio and erasure
tests that must not touch the real ``data/``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.settings import PROJECT_ROOT

PROJECT_PARTS = ("domain.yml", "config.yml", "data", "tests/stories")


def copy_project(target: Path) -> Path:
    """A copy of the parts of the Rasa project the studio edits."""
    for part in PROJECT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    return target
