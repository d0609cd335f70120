"""Fixtures of the dialogue tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import store
from bot.settings import Settings, load_settings


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Iterator[Settings]:
    """The default settings on a fresh, migrated SQLite database."""
    base = load_settings({"BOT_SECRET_KEY": "k" * 40}, tmp_path / "none.yml")
    url = f"sqlite:///{tmp_path / 'dialogue.db'}"
    store.migrate(url)
    yield replace(base, database_url=url)
    store.dispose_engines()
