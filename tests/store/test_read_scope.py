"""Reads that must not wait for writers: :func:`bot.store.read_scope` on a real SQLite file."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from bot import store


@pytest.fixture()
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'read.db'}"
    store.migrate(database)
    yield database
    store.dispose_engines()


def test_a_read_does_not_queue_behind_an_open_write(url: str) -> None:
    engine = store.get_engine(url)
    with engine.connect() as writer:
        writer.execute(text("DELETE FROM complaints"))  # this writer now holds the write lock
        started = time.monotonic()
        with store.read_scope(url) as session:
            assert store.latest_for_sender(session, "nobody") is None
        assert time.monotonic() - started < 2.0  # a writer's session would wait 15 s here
        writer.rollback()


def test_a_write_in_a_read_scope_is_not_kept(url: str) -> None:
    with store.read_scope(url) as session:
        session.execute(text("CREATE TABLE scratch (x INTEGER)"))
    with store.read_scope(url) as session:
        tables = session.execute(text("SELECT name FROM sqlite_master WHERE name='scratch'"))
        assert tables.first() is None


def test_an_object_flushed_in_a_read_scope_is_not_kept(url: str) -> None:
    """The scope ends with ``close`` (the pool rolls the connection back), not ``rollback``."""
    with store.read_scope(url) as session:
        store.create_agent(
            session, username="ghost", password="correct horse battery", role="agent"
        )
        session.flush()
        assert store.get_agent(session, "ghost") is not None
    with store.read_scope(url) as session:
        assert store.get_agent(session, "ghost") is None


def test_a_writer_still_takes_the_lock_first(url: str) -> None:
    with store.session_scope(url) as session:
        session.execute(text("SELECT 1"))  # a read, but in a writer's session
        other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0.1)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_sessions_on_a_sqlite_file_reuse_pooled_connections(url: str) -> None:
    engine = store.get_engine(url)
    opened: list[object] = []
    event.listen(engine, "connect", lambda connection, record: opened.append(connection))
    for _ in range(5):
        with store.session_scope(url) as session:
            session.execute(text("SELECT 1"))
        with store.read_scope(url) as session:
            session.execute(text("SELECT 1"))
    assert len(opened) <= 1  # one connection, checked out again and again
