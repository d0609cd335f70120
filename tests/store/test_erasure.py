"""Export and erasure of one customer's data, on SQLite and PostgreSQL, including Rasa's
tracker store table: after the erasure the customer's details are in no row of any table,
another customer's data is untouched, and the audit log names no personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url

from bot.cli.main import main
from bot.store import (
    append_event,
    create_complaint,
    dispose_engines,
    get_engine,
    migrate,
    session_scope,
)
from bot.store.erasure import erase_customer, export_customer, stored_rows, subject_digest
from tests.conftest import postgres_database

GONE = "erase-me-7f3a"
KEPT = "keep-me-91b2"
GONE_DETAILS = ("gone.customer@example.com", "+385 91 777 8899", "Marta Erasable")
KEPT_DETAILS = ("kept.customer@example.com", "Ivo Keepable")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        database = f"sqlite:///{tmp_path / 'erasure.db'}"
        migrate(database)
        yield database
        dispose_engines()
        return
    with postgres_database("cb_hardening") as database:
        migrate(database)
        yield database


def _tracker_store(database: str) -> SQLTrackerStore:
    parsed = make_url(database)
    if parsed.get_backend_name() == "sqlite":
        return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=parsed.database)
    return SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host=parsed.host,
        port=parsed.port,
        db=parsed.database,
        username=parsed.username,
    )


async def _seed(database: str) -> None:
    with session_scope(database) as session:
        for sender, (email, *rest) in ((GONE, GONE_DETAILS), (KEPT, KEPT_DETAILS)):
            for number in range(2 if sender == GONE else 1):
                complaint = create_complaint(
                    session,
                    sender_id=sender,
                    channel="socketio",
                    language="hr",
                    script="latin",
                    category="delivery",
                    severity=2,
                    anger_score=0.1,
                    description=f"Paket nije stigao ({number}), {' '.join(rest)}",
                    contact=email,
                    escalation_reasons=[],
                    deadline_hours=24,
                    prefix="C",
                )
                append_event(session, complaint, "note", "agent:ana", {"text": f"called {email}"})
                append_event(session, complaint, "message_customer", "customer", {"text": email})
    store = _tracker_store(database)
    try:
        for sender, details in ((GONE, GONE_DETAILS), (KEPT, KEPT_DETAILS)):
            tracker = DialogueStateTracker.from_events(
                sender,
                [
                    UserUttered(f"My email is {details[0]}, I am {details[-1]}"),
                    BotUttered("Thank you, we will write to you."),
                ],
            )
            await store.save(tracker)
    finally:
        store.engine.dispose()


def _every_row_as_text(database: str) -> str:
    """All rows of all tables, as one text: what a database dump would show."""
    with get_engine(database).connect() as connection:
        metadata = MetaData()
        metadata.reflect(bind=connection)
        rows = [
            json.dumps(dict(row._mapping), default=str, ensure_ascii=False)
            for table in metadata.tables.values()
            for row in connection.execute(select(table))
        ]
    return "\n".join(rows)


async def test_export_then_erase_leaves_nothing_of_the_customer(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await _seed(url)
    exported = export_customer(GONE, url)
    tables = exported["tables"]
    assert len(tables["complaints"]) == 2
    assert len(tables["complaint_events"]) == 6  # created + note + message, twice
    assert len(tables["events"]) >= 2 and all(r["sender_id"] == GONE for r in tables["events"])
    assert GONE_DETAILS[0] in json.dumps(exported)
    assert stored_rows(KEPT, url)["complaints"] == 1

    with caplog.at_level(logging.INFO, logger="bot.audit"):
        receipt = erase_customer(GONE, "agent:boss", url)
    assert receipt.rows["complaints"] == 2 and receipt.rows["complaint_events"] == 6
    assert receipt.rows["events"] == len(tables["events"])
    assert len(receipt.tickets) == 2

    assert set(stored_rows(GONE, url).values()) == {0}
    dump = _every_row_as_text(url)
    for detail in (GONE, *GONE_DETAILS, *receipt.tickets):
        assert detail not in dump, detail
    for detail in (KEPT, *KEPT_DETAILS):
        assert detail in dump, detail

    [record] = [r for r in caplog.records if r.name == "bot.audit"]
    audit = record.getMessage()
    assert subject_digest(GONE) in audit and "agent:boss" in audit
    for detail in (GONE, *GONE_DETAILS):
        assert detail not in audit
    # erasing again finds nothing
    assert erase_customer(GONE, "agent:boss", url).total == 0


async def test_the_cli_exports_and_erases_with_confirmation(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await _seed(url)
    assert main(["--database-url", url, "customers", "export", GONE]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["tables"]["complaints"]) == 2

    assert main(["--database-url", url, "customers", "erase", GONE]) == 2
    assert "--yes" in capsys.readouterr().err
    assert stored_rows(GONE, url)["complaints"] == 2

    assert main(["--database-url", url, "customers", "erase", GONE, "--yes"]) == 0
    receipt = json.loads(capsys.readouterr().out)
    assert receipt["rows"]["complaints"] == 2 and GONE not in json.dumps(receipt)
    assert set(stored_rows(GONE, url).values()) == {0}
    assert main(["--database-url", url, "customers", "export", GONE]) == 1
    assert "nothing is stored" in capsys.readouterr().err
