"""A customer's e-mail reply to a resolved or closed complaint is never lost (issue 14): within
``reopen_within_days`` it reopens the complaint, in front of the agents (the inbox, the push);
later it starts a new complaint linked to the old one through the customer record. On the
console fixture's real app and SQLite database; no Rasa model, no browser."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.handoff.replies import follow_up_mail
from bot.settings import SettingsError, load_settings
from bot.store import events_for, get_by_ticket, session_scope, set_status
from bot.store.clock_view import clocks_of
from bot.store.tables import OutgoingMail
from bot.web.staff_push import events_after, latest_event_id
from tests.web.test_console_api import Console, console  # noqa: F401  (fixture)

SECRET = "r" * 40
CONTACT = "ana@example.com"  # the seeded "calm" complaint's contact


async def _reply(server: Console, ticket: str, text: str) -> tuple[int, dict[str, Any]]:
    form = {"from": f"Ana <{CONTACT}>", "subject": f"Re: [{ticket}] Your complaint", "text": text}
    headers = {"Authorization": f"Bearer {SECRET}"}
    async with (
        server.client() as http,
        http.post(f"{server.base}/api/mail/inbound", data=form, headers=headers) as res,
    ):
        return res.status, await res.json()


def _finish(url: str, ticket: str, statuses: tuple[str, ...], days_ago: float) -> None:
    moment = datetime.now(timezone.utc) - timedelta(days=days_ago)
    with session_scope(url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        for status in statuses:
            set_status(session, complaint, status, "agent:ana", "done", now=moment)


def _events(url: str, ticket: str) -> list[tuple[str, str, dict[str, Any]]]:
    with session_scope(url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        return [(e.kind, e.actor, dict(e.data or {})) for e in events_for(session, complaint)]


def _calm(seeded: tuple[Console, dict[str, str]], **settings: Any) -> tuple[Console, str]:
    """The server with the inbound webhook on (and ``settings``), and the seeded complaint whose
    contact is an e-mail address."""
    server, tickets = seeded
    app = server.app
    app.ctx.settings = replace(app.ctx.settings, mail_inbound_secret=SECRET, **settings)
    return server, tickets["calm"]


async def test_a_reply_to_a_resolved_complaint_reopens_it_in_front_of_the_agents(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, ticket = _calm(console)
    _finish(server.url, ticket, ("resolved",), days_ago=3)
    before = latest_event_id(server.url)

    status, body = await _reply(server, ticket, "The fridge broke again.")

    assert status == 200, body
    assert body == {"ticket": ticket, "kept": True, "replied_to": ticket, "outcome": "reopened"}
    with session_scope(server.url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        assert complaint.status == "escalated" and complaint.resolved_at is None
    events = _events(server.url, ticket)
    reopened = [(actor, data) for kind, actor, data in events if kind == "reopened"]
    assert len(reopened) == 1
    actor, data = reopened[0]
    assert actor == "customer" and data["why"] == "email_reply" and data["from"] == "resolved"
    assert data["resolved_at"] is not None  # when it had been resolved stays on record
    assert events[-1][0] == "message_customer"
    assert events[-1][2]["text"] == "The fridge broke again."
    # the agents' consoles hear of it, and it waits in "needs a person"
    pushed = [e for e in events_after(server.url, before) if e["ticket"] == ticket]
    assert [e["kind"] for e in pushed if e["watched"]] == ["reopened", "message_customer"]
    headers = await server.token("ana")
    async with (
        server.client() as http,
        http.get(f"{server.base}/api/inbox?view=needs_person", headers=headers) as res,
    ):
        assert res.status == 200
        inbox = await res.json()
    assert ticket in [item["ticket"] for item in inbox["items"]]


async def test_a_closed_complaint_reopens_too_and_its_statutory_clocks_do_not_restart(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, ticket = _calm(console)
    created = datetime.now(timezone.utc) - timedelta(days=20)
    with session_scope(server.url) as session:  # an `rs` complaint received 20 days ago
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        complaint.created_at = created
        complaint.first_response_at = created + timedelta(days=1)
        complaint.statutory_answer_due_at = created + timedelta(days=8)
        complaint.statutory_resolution_due_at = created + timedelta(days=15)
    _finish(server.url, ticket, ("resolved", "closed"), days_ago=10)

    status, body = await _reply(server, ticket, "Still broken.")

    assert status == 200 and body["outcome"] == "reopened", body
    with session_scope(server.url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        assert complaint.status == "escalated" and complaint.closed_at is None
        due = complaint.statutory_resolution_due_at
        clocks = {c["kind"]: c for c in clocks_of(complaint, datetime.now(timezone.utc))}
    assert due is not None and abs(due - (created + timedelta(days=15))) < timedelta(seconds=1)
    # the first answer was given: stays stopped; the resolution clock runs again, already late
    assert clocks["first_answer"]["stopped_at"] is not None
    assert clocks["resolution"]["stopped_at"] is None
    assert clocks["resolution"]["state"] == "overdue"
    data = next(d for kind, _, d in _events(server.url, ticket) if kind == "reopened")
    assert data["from"] == "closed" and data["closed_at"] is not None


async def test_a_reply_long_after_the_end_starts_a_new_complaint_linked_to_the_old_one(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, old = _calm(console, reopen_within_days=30)
    _finish(server.url, old, ("resolved",), days_ago=31)

    status, body = await _reply(server, old, "Another problem with the same order.")

    assert status == 200, body
    assert body["outcome"] == "follow_up" and body["replied_to"] == old
    new = body["ticket"]
    assert new != old
    with session_scope(server.url) as session:
        before, after = get_by_ticket(session, old), get_by_ticket(session, new)
        assert before is not None and after is not None
        assert before.status == "resolved"  # the old one is left as it was
        assert after.status == "escalated" and after.escalation_reasons == ["repeat"]
        assert after.customer_id is not None and after.customer_id == before.customer_id
        assert (after.contact, after.category, after.language) == (
            before.contact,
            before.category,
            before.language,
        )
        # its own clocks, from the day the reply arrived
        assert after.created_at > datetime.now(timezone.utc) - timedelta(minutes=5)
    assert ("followed_up", "customer", {"ticket": new}) in _events(server.url, old)
    new_events = _events(server.url, new)
    assert ("follows_up", "customer", {"ticket": old}) in new_events
    assert new_events[-1][0] == "message_customer"
    assert new_events[-1][2]["text"] == "Another problem with the same order."
    # the customer is told the new ticket by e-mail, in the complaint's language
    with session_scope(server.url) as session:
        mails = session.query(OutgoingMail).filter(OutgoingMail.kind == "follow_up").all()
        assert len(mails) == 1
        [mail] = mails
        complaint = get_by_ticket(session, new)
        assert complaint is not None
        assert (mail.recipient, mail.complaint_id) == (complaint.contact, complaint.id)
        assert mail.subject.startswith(f"[{new}] ") and old in mail.body
        subject, text = follow_up_mail(complaint.language, complaint.script, new, old)
        assert (mail.subject, mail.body) == (subject, text)
    # a reply on an open complaint is only added, and tells nobody anything new
    status, body = await _reply(server, new, "And the receipt is attached.")
    assert status == 200 and body["outcome"] == "added" and body["ticket"] == new
    with session_scope(server.url) as session:
        assert session.query(OutgoingMail).filter(OutgoingMail.kind == "follow_up").count() == 1


def test_reopen_within_days_is_a_setting_with_a_sane_default() -> None:
    assert load_settings({}).reopen_within_days == 30
    assert load_settings({"BOT_REOPEN_WITHIN_DAYS": "7"}).reopen_within_days == 7
    assert load_settings({"BOT_REOPEN_WITHIN_DAYS": "0"}).reopen_within_days == 0
    for bad in ("-1", "soon"):
        with pytest.raises(SettingsError):
            load_settings({"BOT_REOPEN_WITHIN_DAYS": bad})
