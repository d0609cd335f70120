"""Repository functions, engines and sessions of ``bot.store`` on a throwaway SQLite file."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.store import (
    COMPLAINT_KEYS,
    MAX_DESCRIPTION_CHARS,
    TICKET_ALPHABET,
    Complaint,
    StoreError,
    add_description,
    append_event,
    complaint_to_dict,
    count_prior_complaints,
    create_complaint,
    db,
    dispose_engines,
    escalate,
    event_to_dict,
    events_for,
    generate_ticket,
    get_by_ticket,
    get_engine,
    latest_for_sender,
    list_complaints,
    migrate,
    session_scope,
    set_details,
    set_status,
)
from bot.store import complaints as repo

PROJECT_ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
TICKET_RE = re.compile(rf"C-[{TICKET_ALPHABET}]{{6}}")


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(database_url)
    yield database_url
    dispose_engines()


@pytest.fixture
def session(url: str) -> Iterator[Session]:
    with session_scope(url) as scoped:
        yield scoped


def new(session: Session, **overrides: Any) -> Complaint:
    fields: dict[str, Any] = {
        "sender_id": "user-1",
        "channel": "rest",
        "language": "hr",
        "script": "latin",
        "category": "delivery",
        "severity": 2,
        "anger_score": 0.3,
        "description": "Paket nije stigao već dva tjedna.",
        "deadline_hours": 24,
        "prefix": "C",
        "now": T0,
    }
    fields.update(overrides)
    return create_complaint(session, **fields)


def kinds(session: Session, complaint: Complaint) -> list[str]:
    return [entry.kind for entry in events_for(session, complaint)]


# --- engines and sessions -------------------------------------------------------------------


def test_importing_the_store_and_cli_creates_no_engine() -> None:
    code = (
        "import bot.store, bot.store.complaints, bot.cli.main\n"
        "from bot.store import db\n"
        "assert db._engines == {} and db._sessionmakers == {}, db._engines\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_engine_is_cached_per_url_and_creates_the_parent_directory(tmp_path: Path) -> None:
    first = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'a.db'}"
    second = f"sqlite:///{tmp_path / 'b.db'}"
    try:
        engine = get_engine(first)
        assert get_engine(first) is engine
        assert get_engine(second) is not engine
        assert (tmp_path / "nested" / "dir").is_dir()
    finally:
        dispose_engines()
    assert db._engines == {}


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(url: str) -> None:
    with get_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert busy == db.SQLITE_BUSY_TIMEOUT_MS


def test_foreign_keys_are_enforced(session: Session) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        session.execute(
            text(
                "INSERT INTO complaint_events (complaint_id, kind, actor, data, created_at) "
                "VALUES (999, 'note', 'system', '{}', '2024-01-01 00:00:00')"
            )
        )


def test_invalid_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a valid database URL"):
        get_engine("definitely not a url")
    with pytest.raises(StoreError, match="cannot use database URL"):
        get_engine("nosuchdialect://user:secret@host/db")


def test_postgres_scheme_is_accepted_and_the_url_is_always_given(tmp_path: Path) -> None:
    assert db.resolve_url(" postgres://u@h/d ") == "postgresql://u@h/d"
    url = f"sqlite:///{tmp_path / 'given.db'}"
    try:
        assert get_engine(url) is get_engine(f" {url} ")  # one engine per database
        with pytest.raises(TypeError):
            get_engine()  # type: ignore[call-arg]  # no hidden default from the settings
    finally:
        dispose_engines()


def test_session_scope_commits_or_rolls_back(url: str) -> None:
    with session_scope(url) as session:
        new(session, sender_id="kept")
    with pytest.raises(RuntimeError), session_scope(url) as session:
        new(session, sender_id="dropped")
        raise RuntimeError("boom")
    with session_scope(url) as session:
        senders = [complaint.sender_id for complaint in list_complaints(session)]
    assert senders == ["kept"]


def test_concurrent_writers_on_one_sqlite_file_all_succeed(url: str) -> None:
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for index in range(10):
                with session_scope(url) as session:
                    count_prior_complaints(
                        session,
                        sender_id=f"w{number}",
                        category="delivery",
                        order_ref=None,
                        since=T0,
                    )
                    new(session, sender_id=f"w{number}", description=f"complaint {index}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(url) as session:
        assert len(list_complaints(session)) == 40


# --- creating -------------------------------------------------------------------------------


def test_create_complaint_sets_ticket_status_deadline_and_logs_created(url: str) -> None:
    with session_scope(url) as session:
        complaint = new(session)
        ticket = complaint.ticket
    assert TICKET_RE.fullmatch(ticket)
    with session_scope(url) as session:
        stored = get_by_ticket(session, ticket)
        assert stored is not None
        assert stored.status == "open"
        assert stored.escalated is False
        assert stored.escalation_reasons == []
        assert stored.created_at == T0
        assert stored.created_at.tzinfo is not None
        assert stored.due_at == T0 + timedelta(hours=24)
        assert stored.first_response_at is None
        assert kinds(session, stored) == ["created"]
        created = events_for(session, stored)[0]
        assert created.actor == "bot"
        assert created.data["category"] == "delivery"


def test_create_with_reasons_starts_escalated(session: Session) -> None:
    complaint = new(session, escalation_reasons=["safety", "anger", "safety"])
    assert complaint.status == "escalated"
    assert complaint.escalated is True
    assert complaint.escalation_reasons == ["safety", "anger"]
    assert kinds(session, complaint) == ["created", "escalated"]


def test_times_are_stored_as_utc_and_returned_aware(url: str) -> None:
    zagreb_summer = timezone(timedelta(hours=2))
    with session_scope(url) as session:
        ticket = new(session, now=datetime(2024, 5, 1, 12, 0, tzinfo=zagreb_summer)).ticket
    with session_scope(url) as session:
        stored = get_by_ticket(session, ticket)
        assert stored is not None
        assert stored.created_at == T0
        assert stored.created_at.utcoffset() == timedelta(0)
        raw = session.execute(text("SELECT created_at FROM complaints")).scalar_one()
        assert str(raw).startswith("2024-05-01 10:00:00")


def test_ticket_prefix_is_configurable_and_normalised(session: Session) -> None:
    assert new(session, prefix="sup").ticket.startswith("SUP-")
    for bad in ("", "C-", "Č", "TOOLONGPREFIX", "1C"):
        with pytest.raises(StoreError, match="prefix"):
            new(session, prefix=bad)


def test_generated_tickets_use_the_unambiguous_alphabet() -> None:
    tickets = {generate_ticket("C") for _ in range(2000)}
    assert len(tickets) == 2000
    assert all(TICKET_RE.fullmatch(ticket) for ticket in tickets)
    assert not set("".join(tickets)[2:]) & set("01ILO")


def test_ticket_collision_is_retried(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = new(session).ticket
    proposals = iter([existing, existing, "C-NEWONE"])
    monkeypatch.setattr(repo, "generate_ticket", lambda prefix: next(proposals))
    assert new(session).ticket == "C-NEWONE"


def test_ticket_taken_is_found_by_the_insert_and_retried_in_a_savepoint(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = new(session, sender_id="first").ticket
    proposals = iter([existing, "C-NEWTWO"])
    monkeypatch.setattr(repo, "generate_ticket", lambda prefix: next(proposals))
    real_taken = repo._ticket_taken
    checked: list[str] = []

    def taken(scoped: Session, ticket: str) -> bool:
        checked.append(ticket)
        return real_taken(scoped, ticket)

    monkeypatch.setattr(repo, "_ticket_taken", taken)
    second = new(session, sender_id="second")
    assert second.ticket == "C-NEWTWO"
    # no look-up before an insert: only the conflict made it ask whether the ticket was taken
    assert checked == [existing]
    assert {c.sender_id for c in list_complaints(session)} == {"first", "second"}


def test_ticket_space_exhaustion_is_a_store_error(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = new(session).ticket
    monkeypatch.setattr(repo, "generate_ticket", lambda prefix: existing)
    with pytest.raises(StoreError, match="no free ticket"):
        new(session)


def test_many_tickets_are_unique(session: Session) -> None:
    tickets = [new(session, sender_id=f"s{index}").ticket for index in range(300)]
    assert len(set(tickets)) == 300


# --- looking up -----------------------------------------------------------------------------


def test_get_by_ticket_ignores_case_and_blanks(session: Session) -> None:
    ticket = new(session).ticket
    assert get_by_ticket(session, f"  {ticket.lower()}\n") is not None


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        42,
        b"C-ABCDEF",
        "",
        "   ",
        "C-",
        "x" * 100_000,
        "C-ABC\x00EF",
        "' OR 1=1 --",
        "C-ABCDE0",
        "C-ABCDEFG",
        "\ud800",
    ],
)
def test_get_by_ticket_never_raises_on_garbage(session: Session, garbage: object) -> None:
    new(session)
    assert get_by_ticket(session, garbage) is None


def test_latest_for_sender_filters_by_status(session: Session) -> None:
    older = new(session, now=T0)
    newer = new(session, now=T0 + timedelta(hours=1))
    elsewhere = new(session, sender_id="someone-else", now=T0 + timedelta(hours=2))
    assert latest_for_sender(session, "user-1") is newer
    # the statement is built once: each call still asks with its own values
    assert latest_for_sender(session, "someone-else") is elsewhere
    set_status(session, newer, "resolved", "agent:ana", now=T0 + timedelta(hours=3))
    assert latest_for_sender(session, "user-1") is older
    assert latest_for_sender(session, "user-1", statuses=None) is newer
    assert latest_for_sender(session, "user-1", statuses=["closed"]) is None
    assert latest_for_sender(session, "nobody") is None
    with pytest.raises(StoreError):
        latest_for_sender(session, "user-1", statuses=["bogus"])


def test_count_prior_complaints_same_category_or_same_order(session: Session) -> None:
    since = T0 - timedelta(days=90)
    new(session, category="delivery", now=T0 - timedelta(days=10))
    new(session, category="billing", order_ref="ORD-48213", now=T0 - timedelta(days=5))
    new(session, category="technical", now=T0 - timedelta(days=3))
    new(session, category="delivery", now=T0 - timedelta(days=200))  # outside the window
    new(session, sender_id="other", category="delivery", order_ref="ORD-48213", now=T0)
    current = new(session, category="delivery", order_ref="ord-48213", now=T0)

    def count(**kwargs: Any) -> int:
        arguments: dict[str, Any] = {
            "sender_id": "user-1",
            "category": "delivery",
            "order_ref": "ord-48213",
            "since": since,
            "exclude_id": current.id,
        }
        arguments.update(kwargs)
        return count_prior_complaints(session, **arguments)

    assert count() == 2  # the delivery one and the billing one about the same order
    assert count(order_ref=None) == 1
    assert count(order_ref="  ") == 1
    assert count(category="safety", order_ref=None) == 0
    assert count(exclude_id=None) == 3
    assert count(sender_id="other") == 1
    assert count(since=T0 - timedelta(days=4)) == 0
    assert count(since=T0 - timedelta(days=365)) == 3


def test_list_complaints_newest_first_with_filters(session: Session) -> None:
    first = new(session, now=T0)
    second = new(session, sender_id="u2", now=T0 + timedelta(minutes=1))
    third = new(session, escalation_reasons=["anger"], now=T0 + timedelta(minutes=2))
    assert list_complaints(session) == [third, second, first]
    assert list_complaints(session, sender_id="user-1") == [third, first]
    assert list_complaints(session, status="escalated") == [third]
    assert list_complaints(session, limit=1) == [third]
    with pytest.raises(StoreError):
        list_complaints(session, status="nope")
    with pytest.raises(StoreError):
        list_complaints(session, limit=0)


# --- changing -------------------------------------------------------------------------------


def test_add_description_appends_and_logs(session: Session) -> None:
    complaint = new(session, description="It broke.")
    add_description(session, complaint, "  And nobody answers the phone.  ")
    assert complaint.description == "It broke.\n\nAnd nobody answers the phone."
    add_description(session, complaint, "   ")  # nothing to add, nothing logged
    assert kinds(session, complaint) == ["created", "described"]
    assert events_for(session, complaint)[1].data == {"text": "And nobody answers the phone."}


def test_set_details_stores_answers_and_logs(session: Session) -> None:
    complaint = new(session, now=T0)
    later = T0 + timedelta(minutes=5)
    set_details(
        session,
        complaint,
        desired_resolution="refund",
        desired_resolution_text="Želim povrat novca.",
        order_ref=" ORD-1 ",
        contact="ana@example.com",
        now=later,
    )
    assert complaint.desired_resolution == "refund"
    assert complaint.desired_resolution_text == "Želim povrat novca."
    assert complaint.order_ref == "ORD-1"
    assert complaint.contact == "ana@example.com"
    assert complaint.updated_at == later
    assert kinds(session, complaint) == ["created", "resolution_stated", "details_added"]
    set_details(session, complaint, contact="+385 91 234 5678")
    assert complaint.order_ref == "ORD-1"  # None leaves a field alone
    assert complaint.desired_resolution == "refund"
    with pytest.raises(StoreError, match="desired_resolution"):
        set_details(session, complaint, desired_resolution="money back")


def test_escalate_merges_reasons_and_is_idempotent(session: Session) -> None:
    complaint = new(session)
    escalate(session, complaint, ["anger"])
    escalate(session, complaint, ["anger", "repeat"])
    escalate(session, complaint, ["repeat"])  # nothing new: no event
    assert complaint.status == "escalated"
    assert complaint.escalated is True
    assert complaint.escalation_reasons == ["anger", "repeat"]
    assert kinds(session, complaint) == ["created", "escalated", "escalated"]
    assert events_for(session, complaint)[-1].data == {
        "reasons": ["anger", "repeat"],
        "added": ["repeat"],
    }
    with pytest.raises(StoreError, match="at least one"):
        escalate(session, complaint, [])
    with pytest.raises(StoreError, match="slug"):
        escalate(session, complaint, ["Not A Slug"])


def test_escalate_keeps_in_progress_reopens_resolved_and_refuses_closed(
    session: Session,
) -> None:
    complaint = new(session)
    set_status(session, complaint, "in_progress", "agent:ana")
    escalate(session, complaint, ["legal"])
    assert (complaint.status, complaint.escalated) == ("in_progress", True)
    set_status(session, complaint, "resolved", "agent:ana")
    escalate(session, complaint, ["legal"])  # back and unhappy: reopened, even without news
    assert (complaint.status, complaint.resolved_at) == ("escalated", None)
    assert events_for(session, complaint)[-1].data == {
        "reasons": ["legal"],
        "added": [],
        "from": "resolved",
    }
    set_status(session, complaint, "closed", "agent:ana")
    with pytest.raises(StoreError, match="closed"):
        escalate(session, complaint, ["anger"])


def test_status_transitions_and_timestamps(session: Session) -> None:
    complaint = new(session, now=T0)
    set_status(session, complaint, "in_progress", "agent:ana", now=T0 + timedelta(hours=1))
    assert complaint.first_response_at == T0 + timedelta(hours=1)
    set_status(
        session, complaint, "resolved", "agent:ana", "Refund sent.", now=T0 + timedelta(hours=2)
    )
    assert complaint.resolved_at == T0 + timedelta(hours=2)
    set_status(session, complaint, "open", "customer", now=T0 + timedelta(hours=3))  # reopened
    assert complaint.resolved_at is None
    assert complaint.first_response_at == T0 + timedelta(hours=1)
    set_status(session, complaint, "escalated", "system", now=T0 + timedelta(hours=3, minutes=30))
    assert complaint.escalated is True
    set_status(session, complaint, "closed", "agent:ana", now=T0 + timedelta(hours=4))
    assert complaint.closed_at == T0 + timedelta(hours=4)
    changes = [e.data for e in events_for(session, complaint) if e.kind == "status_changed"]
    assert [(c["from"], c["to"]) for c in changes] == [
        ("open", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "open"),
        ("open", "escalated"),
        ("escalated", "closed"),
    ]
    assert changes[1]["note"] == "Refund sent."
    with pytest.raises(StoreError, match="cannot go from closed to open"):
        set_status(session, complaint, "open", "agent:ana")


@pytest.mark.parametrize(
    ("status", "actor", "message"),
    [
        ("open", "agent:ana", "cannot go from open to open"),
        ("reopened", "agent:ana", "status must be one of"),
        ("resolved", "agent:", "actor must be"),
        ("resolved", "admin", "actor must be"),
        ("resolved", "agent:ana\x00", "control characters"),
    ],
)
def test_set_status_refuses_bad_input(
    session: Session, status: str, actor: str, message: str
) -> None:
    complaint = new(session)
    with pytest.raises(StoreError, match=message):
        set_status(session, complaint, status, actor)
    assert complaint.status == "open"


# --- events ---------------------------------------------------------------------------------


def test_append_event_validates_and_sets_first_response(session: Session) -> None:
    complaint = new(session, now=T0)
    append_event(session, complaint, "message_customer", "customer", {"text": "hello"})
    assert complaint.first_response_at is None
    reply_at = T0 + timedelta(minutes=30)
    append_event(
        session, complaint, "message_agent", "agent:Ana Horvat", {"text": "hi"}, now=reply_at
    )
    assert complaint.first_response_at == reply_at
    with pytest.raises(StoreError, match="JSON"):
        append_event(session, complaint, "note", "system", {"when": datetime.now(timezone.utc)})
    with pytest.raises(StoreError, match="JSON"):
        append_event(session, complaint, "note", "system", {"score": math.nan})
    with pytest.raises(StoreError, match="mapping"):
        append_event(session, complaint, "note", "system", ("not a mapping",))  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="slug"):
        append_event(session, complaint, "Bad Kind", "system")
    data: dict[str, Any] = {"nested": {"list": (1, 2)}}
    entry = append_event(session, complaint, "note", "system", data)
    data["nested"]["list"] = "changed"
    assert entry.data == {"nested": {"list": [1, 2]}}


def test_events_are_append_only(session: Session) -> None:
    complaint = new(session)
    entry = events_for(session, complaint)[0]
    entry.kind = "tampered"
    with pytest.raises(StoreError, match="append-only"):
        session.flush()
    session.rollback()
    assert not any(name.startswith(("update_event", "delete_event")) for name in dir(repo))


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"severity": 0}, "severity"),
        ({"severity": 5}, "severity"),
        ({"severity": True}, "severity"),
        ({"severity": "2"}, "severity"),
        ({"anger_score": -0.1}, "anger_score"),
        ({"anger_score": 1.5}, "anger_score"),
        ({"anger_score": math.nan}, "anger_score"),
        ({"language": "de"}, "language"),
        ({"script": "arabic"}, "script"),
        ({"category": "Bad Slug"}, "category"),
        ({"category": ""}, "category"),
        ({"sender_id": ""}, "sender_id"),
        ({"sender_id": "a\x00b"}, "sender_id"),
        ({"sender_id": "x" * 256}, "sender_id"),
        ({"sender_id": None}, "sender_id"),
        ({"channel": "rest\n"}, None),  # surrounding blanks are stripped: accepted
        ({"order_ref": "O" * 129}, "order_ref"),
        ({"contact": "a\nb"}, "contact"),
        ({"escalation_reasons": "anger"}, "list of slugs"),
        ({"deadline_hours": 0}, "deadline_hours"),
        ({"deadline_hours": "24"}, "deadline_hours"),
        ({"now": datetime(2024, 5, 1, 10, 0)}, "timezone-aware"),
        ({"description": None}, "description"),
    ],
)
def test_create_complaint_refuses_bad_input(
    session: Session, overrides: dict[str, Any], message: str | None
) -> None:
    if message is None:
        assert new(session, **overrides).channel == "rest"
        return
    with pytest.raises(StoreError, match=message):
        new(session, **overrides)
    assert list_complaints(session) == []


def test_store_error_is_a_value_error() -> None:
    assert issubclass(StoreError, ValueError)


def test_anger_score_float_noise_is_clamped(session: Session) -> None:
    assert new(session, anger_score=1.0000000000000002).anger_score == 1.0
    assert new(session, anger_score=1).anger_score == 1.0


def test_free_text_is_cleaned_and_truncated_but_never_refused(url: str) -> None:
    words = "Grrr\x00 stvarno\x07 loše \ud800" + "!" * (MAX_DESCRIPTION_CHARS * 2)
    with session_scope(url) as session:
        ticket = new(session, description=words).ticket
    with session_scope(url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        assert complaint.description.startswith("Grrr stvarno loše ?!!!")
        assert len(complaint.description) == MAX_DESCRIPTION_CHARS
        assert complaint.description.endswith("…")
        created = events_for(session, complaint)[0]
        assert created.data["description_truncated_from"] == len(words) - 2
        add_description(session, complaint, "more")
        assert len(complaint.description) == MAX_DESCRIPTION_CHARS


def test_empty_optional_fields_become_null(session: Session) -> None:
    complaint = new(session, order_ref="  ", contact="")
    assert complaint.order_ref is None
    assert complaint.contact is None


# --- serialisation --------------------------------------------------------------------------


def test_complaint_to_dict_has_exactly_the_documented_keys(url: str) -> None:
    with session_scope(url) as session:
        complaint = new(session, escalation_reasons=["safety"], order_ref="ORD-7")
        set_details(session, complaint, desired_resolution="replacement")
        ticket = complaint.ticket
    with session_scope(url) as session:
        stored = get_by_ticket(session, ticket)
        assert stored is not None
        data = complaint_to_dict(stored)
        entries = [event_to_dict(entry) for entry in events_for(session, stored)]
    assert tuple(data) == COMPLAINT_KEYS
    assert json.loads(json.dumps(data)) == data
    assert data["ticket"] == ticket
    assert data["status"] == "escalated"
    assert data["escalated"] is True
    assert data["escalation_reasons"] == ["safety"]
    assert data["desired_resolution"] == "replacement"
    assert data["severity"] == 2
    assert data["anger_score"] == 0.3
    assert data["created_at"] == "2024-05-01T10:00:00+00:00"
    assert data["due_at"] == "2024-05-02T10:00:00+00:00"
    assert datetime.fromisoformat(data["updated_at"]).tzinfo is not None
    assert [entry["kind"] for entry in entries] == ["created", "escalated", "resolution_stated"]
    assert json.loads(json.dumps(entries)) == entries


def test_reopen_brings_a_finished_complaint_back_to_a_person_and_logs_who_and_why(
    session: Session,
) -> None:
    for finished in (("resolved",), ("resolved", "closed"), ("closed",)):
        complaint = new(session)
        for status in finished:
            set_status(session, complaint, status, "agent:ana", now=T0)
        assert repo.finished_at(complaint) == T0
        repo.reopen(session, complaint, "customer", "email_reply", now=T0 + timedelta(days=2))
        assert complaint.status == "escalated" and complaint.escalated
        assert complaint.resolved_at is None and complaint.closed_at is None
        event = events_for(session, complaint)[-1]
        assert (event.kind, event.actor) == ("reopened", "customer")
        assert event.data["from"] == finished[-1] and event.data["why"] == "email_reply"
        assert event.data["to"] == "escalated"
        assert (event.data["closed_at"] is not None) == ("closed" in finished)
    # only a finished complaint reopens; who and why must be real values
    active = new(session)
    with pytest.raises(StoreError, match="nothing to reopen"):
        repo.reopen(session, active, "customer", "email_reply")
    set_status(session, active, "resolved", "agent:ana")
    for actor, why in (("someone", "email_reply"), ("customer", "Because!"), ("customer", "")):
        with pytest.raises(StoreError):
            repo.reopen(session, active, actor, why)
    assert active.status == "resolved"


def test_the_latest_event_of_some_kinds_is_the_last_of_them_in_events_for(
    session: Session,
) -> None:
    complaint = new(session)
    wanted = ("taken_over", "handed_back")
    assert repo.latest_event_of_kinds(session, complaint, wanted) is None
    steps = [
        ("taken_over", T0),
        ("note", T0),
        ("handed_back", T0),
        ("taken_over", T0),
        ("note", T0 + timedelta(minutes=5)),
        ("handed_back", T0 - timedelta(hours=1)),
    ]
    for kind, moment in steps:
        repo.append_event(session, complaint, kind, "agent:ana", now=moment)
        expected = [e for e in events_for(session, complaint) if e.kind in wanted][-1]
        assert repo.latest_event_of_kinds(session, complaint, wanted) is expected
    # the same moment orders by id; an earlier moment comes earlier whatever its id
    latest = repo.latest_event_of_kinds(session, complaint, wanted)
    assert latest is not None and latest.kind == "taken_over"
