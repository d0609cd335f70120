"""``log_event``: the store's own complaint events written with a Core insert, the same rows,
checks and bookkeeping as ``append_event``, in the order of the calls."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.store import (
    Complaint,
    ComplaintEvent,
    StoreError,
    append_event,
    create_complaint,
    dispose_engines,
    events_for,
    migrate,
    session_scope,
)
from bot.store.complaints import log_event
from bot.store.tables import utcnow

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    with session_scope(url) as scoped:
        yield scoped
    dispose_engines()


def _complaint(session: Session) -> Complaint:
    return create_complaint(
        session, sender_id="user-1", channel="rest", language="en", script="latin",
        category="delivery", severity=2, anger_score=0.1, description="The parcel is late.",
        deadline_hours=24, prefix="C", now=T0,
    )  # fmt: skip


def _row(entry: ComplaintEvent) -> tuple[Any, ...]:
    return entry.kind, entry.actor, entry.data, entry.created_at


def test_the_row_is_the_one_append_event_writes(session: Session) -> None:
    complaint = _complaint(session)
    data: dict[str, Any] = {"nested": {"list": (1, 2)}, "text": "ok"}
    append_event(session, complaint, "note", "agent:ana", data, now=T0 + timedelta(minutes=1))
    log_event(session, complaint, "note", "agent:ana", data, now=T0 + timedelta(minutes=2))
    data["nested"]["list"] = "changed"  # the event keeps a copy
    by_object, by_insert = events_for(session, complaint)[-2:]
    assert (
        _row(by_insert)[:3]
        == _row(by_object)[:3]
        == (
            "note",
            "agent:ana",
            {"nested": {"list": [1, 2]}, "text": "ok"},
        )
    )
    assert by_insert.created_at == T0 + timedelta(minutes=2)
    assert by_insert.complaint_id == complaint.id
    assert complaint.updated_at == T0 + timedelta(minutes=2)


def test_the_first_agent_message_sets_the_first_response(session: Session) -> None:
    complaint = _complaint(session)
    reply_at = T0 + timedelta(hours=1)
    log_event(session, complaint, "message_agent", "agent:ana", {"text": "hi"}, now=reply_at)
    log_event(session, complaint, "message_agent", "agent:ana", {"text": "again"})
    assert complaint.first_response_at == reply_at
    assert complaint.updated_at is not None and complaint.updated_at > reply_at


def test_the_updated_time_never_goes_back(session: Session) -> None:
    complaint = _complaint(session)
    later = utcnow()
    complaint.updated_at = later
    log_event(session, complaint, "note", "system", now=T0)
    assert complaint.updated_at == later


def test_events_keep_the_order_of_the_calls(session: Session) -> None:
    complaint = _complaint(session)
    moment = T0 + timedelta(minutes=5)  # one time for all: their ids decide the order
    append_event(session, complaint, "first", "system", now=moment)  # pending, not flushed
    log_event(session, complaint, "second", "system", now=moment)
    append_event(session, complaint, "third", "system", now=moment)
    log_event(session, complaint, "fourth", "system", now=moment)
    kinds = [entry.kind for entry in events_for(session, complaint)]
    assert kinds[-4:] == ["first", "second", "third", "fourth"]


def test_a_complaint_not_yet_written_is_written_first(session: Session) -> None:
    complaint = _complaint(session)
    fresh = Complaint(
        ticket="C-ZZZZZZ", sender_id="user-2", channel="rest", language="en", script="latin",
        category="delivery", severity=1, anger_score=0.0, description="d", status="open",
        escalated=False, escalation_reasons=[], created_at=T0, updated_at=T0, due_at=T0,
    )  # fmt: skip
    session.add(fresh)
    assert fresh.id is None
    log_event(session, fresh, "note", "system", now=T0)
    assert fresh.id is not None and fresh.id != complaint.id
    assert [entry.kind for entry in events_for(session, fresh)] == ["note"]


@pytest.mark.parametrize(
    ("kind", "actor", "data", "message"),
    [
        ("Bad Kind", "system", None, "slug"),
        ("note", "somebody", None, "actor"),
        ("note", "system", {"when": datetime.now(timezone.utc)}, "JSON"),
        ("note", "system", {"score": math.nan}, "JSON"),
        ("note", "system", ("not a mapping",), "mapping"),
    ],
)
def test_it_refuses_what_append_event_refuses(
    session: Session, kind: str, actor: str, data: Any, message: str
) -> None:
    complaint = _complaint(session)
    before = len(events_for(session, complaint))
    for write in (append_event, log_event):
        with pytest.raises(StoreError, match=message):
            write(session, complaint, kind, actor, data)
    assert len(events_for(session, complaint)) == before
