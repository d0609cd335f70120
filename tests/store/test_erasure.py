"""Export and erasure of one customer's data, on SQLite and PostgreSQL, including Rasa's
tracker store table, the event audit table, the outbox and the review inbox's copies in the
project: after the erasure the customer's details are in no row of any table and no file,
another customer's data is untouched, and the audit log names no personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import MetaData, select
from sqlalchemy.engine import make_url

from bot.cli.main import main
from bot.settings import get_settings
from bot.store import (
    append_event,
    create_complaint,
    dispose_engines,
    get_engine,
    migrate,
    session_scope,
)
from bot.store.erasure import erase_customer, export_customer, stored_rows, subject_digest
from bot.store.event_audit import record_events
from bot.studio.stories import add_test_story
from bot.studio.training_examples import add_example
from tests.conftest import postgres_database
from tests.project_copy import copy_project

GONE = "erase-me-7f3a"
KEPT = "keep-me-91b2"
AUDIT_KEY = "erasure-test-key-" + "k" * 32
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
        receipt = erase_customer(GONE, "agent:boss", url, AUDIT_KEY)
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
    assert subject_digest(GONE, AUDIT_KEY) in audit and "agent:boss" in audit
    for detail in (GONE, *GONE_DETAILS):
        assert detail not in audit
    # erasing again finds nothing
    assert erase_customer(GONE, "agent:boss", url, AUDIT_KEY).total == 0


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


# --------------------------------------------------------------------------- every store

GONE_TEXT = f"My email is {GONE_DETAILS[0]}, I am {GONE_DETAILS[-1]}"


def _seed_outside_the_database(url: str, project: Path, var: Path) -> None:
    """The copies the running system makes: the audit table (event consumer), outbox files
    (fallback), a training example and a test story (review inbox), a log line."""
    with session_scope(url) as session:
        record_events(session, [
            json.dumps({"sender_id": sender, "event": "user", "timestamp": 1.5,
                        "text": text_}).encode()
            for sender, text_ in ((GONE, GONE_TEXT), (KEPT, f"I am {KEPT_DETAILS[-1]}"))
        ])  # fmt: skip
    outbox = var / "outbox"
    (outbox / "failed").mkdir(parents=True)
    for name, sender in (("1.json", GONE), ("2.json", KEPT), ("failed/3.json", GONE)):
        call = {"next_action": "action_register_complaint", "sender_id": sender,
                "tracker": {"sender_id": sender, "latest_message": {"text": GONE_TEXT
                            if sender == GONE else "kept"}}}
        (outbox / name).write_text(json.dumps(call), encoding="utf-8")
    add_example(project, "greet", GONE_TEXT, "en")
    add_test_story(project, "review 7", [{"user": GONE_TEXT, "intent": "greet"},
                                         {"action": "utter_greet"}], "en")
    (var / "logs").mkdir()
    (var / "logs" / "rasa.log").write_text(f"INFO handled a message of {GONE}\n", "utf-8")


def _every_file_as_text(*folders: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix != ".log"
    )


async def test_erasure_leaves_the_customer_in_no_store(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After ``customers erase``: nothing of the customer in any table (complaints, Rasa's
    tracker events, the audit table), the outbox, the project's data/ and test stories; the
    log file that names them is listed for a person; the other customer is untouched."""
    project = copy_project(tmp_path / "project")
    var = tmp_path / "var"
    await _seed(url)
    _seed_outside_the_database(url, project, var)
    monkeypatch.setenv("BOT_PROJECT_DIR", str(project))
    monkeypatch.setenv("BOT_VAR_DIR", str(var))
    monkeypatch.delenv("RABBITMQ_URL", raising=False)
    get_settings.cache_clear()
    searched = lambda: _every_row_as_text(url) + _every_file_as_text(  # noqa: E731
        var / "outbox", project / "data", project / "tests"
    )
    before = searched()
    assert GONE in before and GONE_TEXT in before and GONE_TEXT in (
        project / "data" / "nlu" / "en.yml").read_text("utf-8")

    assert main(["--database-url", url, "customers", "export", GONE]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["outbox"]) == 2 and len(exported["project_copies"]) == 2
    assert len(exported["tables"]["conversation_events"]) == 1

    try:
        assert main(["--database-url", url, "customers", "erase", GONE, "--yes"]) == 0
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    receipt = json.loads(out)
    assert receipt["outbox_files"] == 2 and receipt["rows"]["conversation_events"] == 1
    assert len(receipt["project_copies_removed"]) == 2
    assert str(var / "logs" / "rasa.log") in err and "still to do" in err
    assert GONE not in out

    after = searched()
    for detail in (GONE, GONE_TEXT, *GONE_DETAILS, *receipt["tickets"]):
        assert detail not in after, detail
    for detail in (KEPT, *KEPT_DETAILS):
        assert detail in after, detail
    assert (var / "outbox" / "2.json").exists()
