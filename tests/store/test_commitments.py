"""Commitments in the store: recorded, reminded before their due time, flagged missed, kept,
and the bot's own "we will answer by ..." settled by the first human answer; with the clock set
by the test (no sleeping), on SQLite and (when reachable, always in CI) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.store import (
    StoreError,
    append_event,
    create_agent,
    create_complaint,
    events_for,
    session_scope,
)
from bot.store.commitments import (
    add_commitment,
    board,
    complete,
    for_complaint,
    kept_on_time,
    missed,
    record_bot_promise,
    settle_answered,
    sweep,
)
from bot.store.tables import Commitment, Complaint
from tests.conftest import postgres_database

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Zagreb
ZAGREB = ZoneInfo("Europe/Zagreb")
LEAD = timedelta(hours=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url
        return
    from bot.store import migrate

    with postgres_database("complaint_bot_commitments") as pg_url:
        migrate(pg_url)
        yield pg_url


def _seed(url: str) -> str:
    with session_scope(url) as session:
        create_agent(session, username="ana", password="correct horse battery", role="agent")
        create_agent(session, username="boss", password="correct horse battery", role="admin")
        complaint = create_complaint(
            session,
            sender_id="s-1",
            channel="socketio",
            language="hr",
            script="latin",
            category="billing",
            severity=2,
            anger_score=0.1,
            description="Charged twice",
            deadline_hours=24,
            prefix="C",
            now=T0,
        )
        record_bot_promise(session, complaint, T0)
        return str(complaint.ticket)


def _complaint(session: object, ticket: str) -> Complaint:
    return session.query(Complaint).filter_by(ticket=ticket).one()  # type: ignore[attr-defined]


def test_the_bots_promise_is_recorded_once_and_settled_by_the_first_human_answer(
    url: str,
) -> None:
    ticket = _seed(url)
    with session_scope(url) as session:
        complaint = _complaint(session, ticket)
        again = record_bot_promise(session, complaint, T0)
        rows = for_complaint(session, complaint)
        assert [(row.kind, row.owner, row.status, row.created_by) for row in rows] == [
            ("answer", None, "open", "bot")
        ]
        assert again.id == rows[0].id and rows[0].due_at == T0 + timedelta(hours=24)
        assert settle_answered(session, complaint) == []  # nobody answered yet
        append_event(
            session, complaint, "message_agent", "agent:ana", {"text": "Hi"},
            now=T0 + timedelta(hours=3),
        )  # fmt: skip
        settled = settle_answered(session, complaint)
        assert [row.id for row in settled] == [rows[0].id]
        assert rows[0].status == "done" and rows[0].done_at == T0 + timedelta(hours=3)
        kinds = [entry.kind for entry in events_for(session, complaint)]
        assert kinds.count("commitment_made") == 1 and kinds.count("commitment_done") == 1


def test_reminder_once_within_the_lead_time_then_missed_and_flagged(url: str) -> None:
    ticket = _seed(url)
    with session_scope(url) as session:
        complaint = _complaint(session, ticket)
        refund = add_commitment(
            session, complaint, kind="refund", due_at=T0 + timedelta(hours=4),
            owner="ana", actor="agent:ana", note="Refund of the second charge", now=T0,
        )  # fmt: skip
        refund_id = refund.id
    # Two hours before: nothing to remind yet (the lead time is one hour).
    with session_scope(url) as session:
        early = sweep(session, T0 + timedelta(hours=2), LEAD)
    assert early.reminded == [] and early.missed == []
    # 3h10: within the hour before the due time -> reminded, once.
    with session_scope(url) as session:
        first = sweep(session, T0 + timedelta(hours=3, minutes=10), LEAD)
    with session_scope(url) as session:
        second = sweep(session, T0 + timedelta(hours=3, minutes=20), LEAD)
    assert [(item["id"], item["owner"], item["kind"]) for item in first.reminded] == [
        (refund_id, "ana", "refund")
    ]
    assert second.reminded == []
    with session_scope(url) as session:
        found = board(session, T0 + timedelta(hours=3, minutes=20), ZAGREB, owner="ana",
                      team=False)  # fmt: skip
        assert [item["id"] for item in found["reminders"]] == [refund_id]
        assert [item["id"] for item in found["due_today"]] == [refund_id]
    # Past the due time: flagged missed with a complaint event, once.
    with session_scope(url) as session:
        late = sweep(session, T0 + timedelta(hours=4, minutes=1), LEAD)
    with session_scope(url) as session:
        later = sweep(session, T0 + timedelta(hours=5), LEAD)
    assert [item["id"] for item in late.missed] == [refund_id]
    assert later.missed == []
    with session_scope(url) as session:
        complaint = _complaint(session, ticket)
        missed_events = [e for e in events_for(session, complaint) if e.kind == "commitment_missed"]
        assert len(missed_events) == 1 and missed_events[0].data["owner"] == "ana"
        assert [item["id"] for item in missed(session)] == [refund_id]
        found = board(session, T0 + timedelta(hours=5), ZAGREB)
        assert [item["id"] for item in found["overdue"]] == [refund_id]
        assert found["overdue"][0]["overdue"] is True
        # Kept late: done, no longer missed, and counted as late.
        complete(session, session.get(Commitment, refund_id), "agent:ana",
                 T0 + timedelta(hours=6))  # fmt: skip
    with session_scope(url) as session:
        assert missed(session) == []
        refund = session.get(Commitment, refund_id)
        assert refund.status == "done"
        with pytest.raises(StoreError, match="done already"):
            complete(session, refund, "agent:ana", T0 + timedelta(hours=7))
        figures = kept_on_time(session.query(Commitment).all(), T0 + timedelta(hours=7))
    # The bot's answer (due T0+24h) is still pending; the refund was kept late.
    assert figures == {"kept": 0, "late": 1, "missed": 0, "pending": 1, "rate": 0.0}


def test_refusals(url: str) -> None:
    ticket = _seed(url)
    with session_scope(url) as session:
        complaint = _complaint(session, ticket)
        with pytest.raises(StoreError, match="kind must be one of"):
            add_commitment(session, complaint, kind="bribe", due_at=T0, owner=None,
                           actor="agent:ana", now=T0)  # fmt: skip
        with pytest.raises(StoreError, match="no active staff account"):
            add_commitment(session, complaint, kind="visit", due_at=T0, owner="nobody",
                           actor="agent:ana", now=T0)  # fmt: skip
        with pytest.raises(StoreError, match="within two years"):
            add_commitment(session, complaint, kind="visit", due_at=T0 + timedelta(days=900),
                           owner=None, actor="agent:ana", now=T0)  # fmt: skip
        with pytest.raises(StoreError, match="timezone-aware"):
            add_commitment(session, complaint, kind="visit", due_at=datetime(2026, 12, 8),
                           owner=None, actor="agent:ana", now=T0)  # fmt: skip
        made = add_commitment(session, complaint, kind="Call-back", due_at=T0, owner=None,
                              actor="agent:ana", now=T0)  # fmt: skip
        assert made.kind == "call_back"
