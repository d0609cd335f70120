"""The persistent mail outbox (``bot.store.mail``) on throwaway SQLite and PostgreSQL
databases: queueing refuses what is not an address or would inject a header; claims are
exclusive; failures show on the complaint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.store import (
    Complaint,
    Session,
    create_complaint,
    dispose_engines,
    events_for,
    migrate,
    session_scope,
)
from bot.store import mail as outbox
from bot.store.tables import OutgoingMail
from tests.conftest import postgres_database

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'mail.db'}"
        migrate(database_url)
        yield database_url
        dispose_engines()
        return
    with postgres_database("cb_mail") as database_url:
        migrate(database_url)
        yield database_url


def _complaint(session: Session, contact: str = "ana@example.com") -> int:
    complaint = create_complaint(
        session,
        sender_id="s-1",
        channel="socketio",
        language="hr",
        script="latin",
        category="delivery",
        severity=2,
        anger_score=0.1,
        description="Paket nije stigao",
        contact=contact,
        deadline_hours=24,
        prefix="C",
        now=T0,
    )
    return int(complaint.id)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "not an address",
        "ana@",
        "ana@example.com\r\nBcc: evil@example.com",
        "ana@example.com, evil@example.com",
        "Ana <ana@example.com>",
        "x" * 300 + "@example.com",
    ],
)
def test_refuses_what_is_not_one_address(url: str, address: str) -> None:
    with session_scope(url) as session, pytest.raises(outbox.MailError):
        outbox.queue_mail(session, to=address, subject="Hello", body="text")
    with session_scope(url) as session:
        assert session.query(OutgoingMail).count() == 0


@pytest.mark.parametrize(
    "subject", ["Re: C-ABC\r\nBcc: evil@example.com", "a\nb", "a\x00b", "a\u2028b", "", "x" * 999]
)
def test_refuses_header_injection_and_bad_subjects(url: str, subject: str) -> None:
    with session_scope(url) as session, pytest.raises(outbox.MailError):
        outbox.queue_mail(session, to="ana@example.com", subject=subject, body="text")


def test_queue_claim_send_and_retry(url: str) -> None:
    with session_scope(url) as session:
        complaint_id = _complaint(session)
        complaint = session.get(Complaint, complaint_id)
        mail = outbox.queue_mail(
            session,
            to="Ana@Example.COM",
            subject="[C-1] Odgovor",
            body="Tekst",
            kind="reply",
            complaint=complaint,
            event_id=7,
            now=T0,
        )
        assert mail.recipient == "Ana@example.com"
        assert mail.sender_id == "s-1"
    with session_scope(url) as session:
        assert outbox.claim_due(session, now=T0 - timedelta(seconds=1)) == []
        claimed = outbox.claim_due(session, now=T0)
        assert [m["subject"] for m in claimed] == ["[C-1] Odgovor"]
        assert claimed[0]["attempts"] == 1
        # Claimed once: a second sender gets nothing.
        assert outbox.claim_due(session, now=T0) == []
        outbox.schedule_retry(session, claimed[0]["id"], "connection refused", T0 + timedelta(60))
    with session_scope(url) as session:
        assert outbox.delivery_by_event(session, complaint_id)[7]["status"] == "pending"
        again = outbox.claim_due(session, now=T0 + timedelta(60))
        assert again[0]["attempts"] == 2
        outbox.mark_sent(session, again[0]["id"], "<m1@example.com>", now=T0 + timedelta(60))
    with session_scope(url) as session:
        assert outbox.delivery_by_event(session, complaint_id)[7]["status"] == "sent"
        complaint = session.get(Complaint, complaint_id)
        assert "mail_sent" in [e.kind for e in events_for(session, complaint)]


def test_stale_claim_is_due_again(url: str) -> None:
    with session_scope(url) as session:
        outbox.queue_mail(session, to="ana@example.com", subject="S", body="B", now=T0)
    with session_scope(url) as session:
        assert len(outbox.claim_due(session, now=T0)) == 1
    with session_scope(url) as session:
        assert outbox.claim_due(session, now=T0 + timedelta(minutes=5)) == []
        assert len(outbox.claim_due(session, now=T0 + timedelta(minutes=11))) == 1


def test_failure_is_recorded_on_the_complaint(url: str) -> None:
    with session_scope(url) as session:
        complaint_id = _complaint(session)
        complaint = session.get(Complaint, complaint_id)
        mail = outbox.queue_mail(
            session, to="ana@example.com", subject="S", body="B", complaint=complaint, now=T0
        )
        mail_id = mail.id
    with session_scope(url) as session:
        outbox.claim_due(session, now=T0)
        outbox.mark_failed(session, mail_id, "550 5.1.1 no such user")
    with session_scope(url) as session:
        complaint = session.get(Complaint, complaint_id)
        failed = [e for e in events_for(session, complaint) if e.kind == "mail_failed"]
        assert failed and "550" in failed[0].data["error"]
        assert outbox.mails_for(session, complaint_id)[0]["status"] == "failed"
