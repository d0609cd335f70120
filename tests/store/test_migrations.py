"""Alembic migrations create the schema the models describe, on SQLite and PostgreSQL.

The PostgreSQL tests use a throwaway database (``tests.conftest.postgres_database``: user
``postgres`` at 127.0.0.1:5432). They are skipped when it cannot be reached, unless ``CI`` is
set: then they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect
from sqlalchemy.engine import Engine

from bot.store import (
    Base,
    current_revision,
    dispose_engines,
    get_engine,
    head_revision,
    migrate,
    session_scope,
)
from bot.store import complaints as repo
from bot.store.db import alembic_config
from bot.store.tables import include_name
from tests.conftest import postgres_database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OWN_TABLES = {"complaints", "complaint_events"}


def schema_diff(engine: Engine, metadata: MetaData = Base.metadata) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, metadata))


def check_constraint_names(engine: Engine) -> set[str]:
    inspector = inspect(engine)
    return {
        constraint["name"]
        for table in OWN_TABLES
        for constraint in inspector.get_check_constraints(table)
    }


def model_check_constraint_names() -> set[str]:
    return {
        str(constraint.name)
        for table in OWN_TABLES
        for constraint in Base.metadata.tables[table].constraints
        if constraint.__class__.__name__ == "CheckConstraint"
    }


def downgrade_to_base(url: str) -> None:
    with get_engine(url).begin() as connection:
        command.downgrade(alembic_config(connection), "base")


def assert_schema_matches_models(url: str) -> None:
    engine = get_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert tables >= OWN_TABLES
    assert "events" not in tables  # Rasa's tracker store owns that name
    assert current_revision(url) == head_revision()
    assert schema_diff(engine) == []
    assert check_constraint_names(engine) == model_check_constraint_names()
    indexes = {index["name"]: index for index in inspect(engine).get_indexes("complaints")}
    assert indexes["ix_complaints_ticket"]["unique"]
    foreign_keys = inspect(engine).get_foreign_keys("complaint_events")
    assert [(fk["referred_table"], fk["options"].get("ondelete")) for fk in foreign_keys] == [
        ("complaints", "CASCADE")
    ]


def migrate_concurrently(url: str, workers: int = 3) -> None:
    """Migrate from several processes at once, as the Rasa and action servers may."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    code = "import sys; from bot.store import migrate; migrate(sys.argv[1])"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, url], env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(workers)
    ]
    failures = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * workers, failures
    assert current_revision(url) == head_revision()


def roundtrip(url: str) -> None:
    """Write through the repository and read back through a new session."""
    cest = timezone(timedelta(hours=2))
    with session_scope(url) as session:
        complaint = repo.create_complaint(
            session,
            sender_id="pg-user",
            channel="rest",
            language="sr",
            script="cyrillic",
            category="safety",
            severity=4,
            anger_score=0.9,
            description="Шта је ово?\x00",
            escalation_reasons=["safety"],
            deadline_hours=4,
            prefix="C",
            now=datetime(2024, 5, 1, 12, 0, tzinfo=cest),
        )
        repo.append_event(session, complaint, "note", "agent:ana", {"text": "a\x00b", "n": [1]})
        ticket = complaint.ticket
    with session_scope(url) as session:
        stored = repo.get_by_ticket(session, ticket.lower())
        assert stored is not None
        assert stored.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.description == "Шта је ово?"
        assert stored.escalation_reasons == ["safety"]
        assert [e.kind for e in repo.events_for(session, stored)] == [
            "created",
            "escalated",
            "note",
        ]
        assert repo.events_for(session, stored)[-1].data == {"text": "a\x00b", "n": [1]}
        assert (
            repo.count_prior_complaints(
                session,
                sender_id="pg-user",
                category="other",
                order_ref=None,
                since=datetime(2024, 1, 1, tzinfo=timezone.utc),
            )
            == 0
        )


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture
def fresh_sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'fresh' / 'bot.db'}"
    dispose_engines()


def test_migrations_create_the_schema_on_a_fresh_sqlite_file(fresh_sqlite_url: str) -> None:
    assert current_revision(fresh_sqlite_url) is None
    migrate(fresh_sqlite_url)
    assert_schema_matches_models(fresh_sqlite_url)
    roundtrip(fresh_sqlite_url)


def test_compare_metadata_notices_a_difference(fresh_sqlite_url: str) -> None:
    """Guards the check above: an empty diff must not come from a blind comparison."""
    migrate(fresh_sqlite_url)
    changed = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["complaints"].append_column(Column("extra", String(10)))
    diff = schema_diff(get_engine(fresh_sqlite_url), changed)
    assert [entry[0] for entry in diff] == ["add_column"]


def test_migrate_is_idempotent_and_downgrade_reverses_it(fresh_sqlite_url: str) -> None:
    migrate(fresh_sqlite_url)
    migrate(fresh_sqlite_url)
    downgrade_to_base(fresh_sqlite_url)
    assert current_revision(fresh_sqlite_url) is None
    assert not OWN_TABLES & set(inspect(get_engine(fresh_sqlite_url)).get_table_names())
    migrate(fresh_sqlite_url)
    assert_schema_matches_models(fresh_sqlite_url)


def test_concurrent_migrations_on_sqlite(fresh_sqlite_url: str) -> None:
    migrate_concurrently(fresh_sqlite_url)
    assert_schema_matches_models(fresh_sqlite_url)


def test_migrations_leave_rasa_tables_alone(fresh_sqlite_url: str) -> None:
    rasa = MetaData()
    Table("events", rasa, Column("id", Integer, primary_key=True), Column("data", String(50)))
    rasa.create_all(get_engine(fresh_sqlite_url))
    migrate(fresh_sqlite_url)
    assert "events" in inspect(get_engine(fresh_sqlite_url)).get_table_names()
    assert schema_diff(get_engine(fresh_sqlite_url)) == []  # not reported as "to drop"


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_database("complaint_bot_test") as url:
        yield url


@pytest.mark.services
def test_migrations_create_the_schema_on_postgresql(postgres_url: str) -> None:
    assert current_revision(postgres_url) is None
    migrate(postgres_url)
    assert_schema_matches_models(postgres_url)
    roundtrip(postgres_url)
    downgrade_to_base(postgres_url)
    assert not OWN_TABLES & set(inspect(get_engine(postgres_url)).get_table_names())
    migrate_concurrently(postgres_url)
    assert schema_diff(get_engine(postgres_url)) == []
