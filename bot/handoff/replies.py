"""Replies that reach the customer: the widget when they are connected, else e-mail to the
complaint's contact (a phone contact: a call task for the agent), always kept on the
conversation so a returning customer sees them; and the customer's e-mail replies coming back.

How each agent reply was delivered is recorded on the ``message_agent`` event (``via``:
``widget``, ``email``, ``call_task`` or ``kept`` when there is no contact), the mail's progress
in the mail outbox (:mod:`bot.store.mail`), and ``reply_shown`` events when a returning
customer's widget was given a reply it missed. :func:`reply_states` puts these together for
the console: ``widget``, ``email`` (sent), ``pending``, ``failed``, ``call_task``, ``kept``.

Texts of the e-mail are data (``data/mail.yml``), per language and script.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot import store
from bot.handoff.reopening import FOLLOW_UP, LateReplyRules, complaint_for_reply
from bot.store import mail as outbox
from bot.store.tables import Complaint, ComplaintEvent
from bot.text.languages import Language, languages, load_texts

MAIL_TEXTS_FILE = Path(__file__).with_name("data") / "mail.yml"
#: How a reply went: the customer's open widget, e-mail, a call for the agent to make, or
#: only the conversation (no contact; the customer sees it when they come back).
WIDGET, EMAIL, CALL_TASK, KEPT = "widget", "email", "call_task", "kept"
#: The mail kind of the resolution told by e-mail.
SETTLED_MAIL = "settled"
SHOWN_EVENT = "reply_shown"
CALL_TASK_EVENT = "call_task"
INBOUND_EVENT = "message_customer"
#: A ticket in a subject: "[C-4KX9TR]" or "C-4KX9TR", any prefix of letters.
TICKET_IN_TEXT = re.compile(r"\b([A-Za-z]{1,8}-[A-Za-z0-9]{6})\b")

#: Whether a customer (sender id) has the widget open on this server.
Presence = Callable[[str], bool]


@cache
def _texts() -> dict[str, dict[str, str]]:
    return load_texts(MAIL_TEXTS_FILE)


def _entry(language: str | None, script: str | None) -> Language:
    """The registry's language of these slots (English when unknown)."""
    registry = languages()
    try:
        return registry.for_slots(language, script)
    except (KeyError, ValueError):
        return registry.default_language


def _mail(
    name: str, language: str | None, script: str | None, values: dict[str, str]
) -> tuple[str, str]:
    """(subject, body) of the ``name`` mail of mail.yml in the customer's language and script
    (English when unknown). Reads a file the first time: call it off the loop."""
    registry, entry = languages(), _entry(language, script)
    texts = _texts()
    subject = registry.text(texts[f"{name}_subject"], entry).format(**values)
    body = registry.text(texts[f"{name}_body"], entry).format(**values)
    return subject, body


def reply_mail(
    language: str | None, script: str | None, ticket: str, agent: str, text: str
) -> tuple[str, str]:
    """(subject, body) of the e-mail that carries an agent's reply."""
    return _mail("reply", language, script, {"ticket": ticket, "agent": agent, "text": text})


def settled_mail(
    language: str | None,
    script: str | None,
    ticket: str,
    said: list[str],
    rating_link: str | None,
) -> tuple[str, str]:
    """(subject, body) of the e-mail that tells a customer who is not in the chat that their
    complaint was resolved or closed: what the widget would have said (``said``), and for a
    resolved complaint the link to rate it."""
    rating = ""
    if rating_link:
        line = languages().text(_texts()["rating_line"], _entry(language, script))
        rating = line.format(link=rating_link)
    values = {"ticket": ticket, "text": "\n\n".join(said), "rating": rating}
    return _mail("settled", language, script, values)


def queue_settled_mail(
    session: store.Session,
    complaint: Complaint,
    said: list[str],
    rating_link: str | None,
    reply_to: str | None = None,
) -> None:
    """Queue :func:`settled_mail` to the complaint's e-mail contact (in the caller's
    transaction: the mail goes out when the resolution is committed, or not at all). A contact
    the mail outbox refuses is recorded on the complaint as a failed mail; the resolution
    stands."""
    subject, body = settled_mail(
        complaint.language, complaint.script, complaint.ticket, said, rating_link
    )
    try:
        outbox.queue_mail(
            session,
            to=str(complaint.contact),
            subject=subject,
            body=body,
            kind=SETTLED_MAIL,
            complaint=complaint,
            language=complaint.language,
            reply_to=reply_to or None,
        )
    except outbox.MailError as refused:
        data = {"kind": SETTLED_MAIL, "to": complaint.contact, "error": str(refused)[:500]}
        store.append_event(session, complaint, outbox.FAILED_EVENT, "system", data)


def follow_up_mail(
    language: str | None, script: str | None, ticket: str, old: str
) -> tuple[str, str]:
    """(subject, body) of the e-mail that tells a customer their late reply to ``old`` is the
    new complaint ``ticket``."""
    return _mail("follow_up", language, script, {"ticket": ticket, "old": old})


def contact_kind(contact: str | None) -> str:
    """``email``, ``phone`` or ``none``: what a complaint's contact can be used for."""
    if not contact or not contact.strip():
        return "none"
    if outbox.is_address(contact):
        return "email"
    digits = sum(ch.isdigit() for ch in contact)
    return "phone" if digits >= 6 else "none"


def route_reply(
    session: store.Session,
    complaint: Complaint,
    agent: str,
    agent_name: str,
    text: str,
    online: bool,
    reply_to: str | None = None,
) -> ComplaintEvent:
    """Record an agent's reply and route it: kept as a ``message_agent`` event with ``via``;
    e-mail queued (in the same transaction) or a call task added when the customer is away.

    Raises :class:`bot.store.mail.MailError` only for a bad ``reply_to`` (the contact is
    checked before a mail is tried)."""
    kind = contact_kind(complaint.contact)
    via = WIDGET if online else {"email": EMAIL, "phone": CALL_TASK}.get(kind, KEPT)
    event = store.append_event(
        session, complaint, "message_agent", f"agent:{agent}", {"text": text, "via": via}
    )
    session.flush()
    if via == EMAIL:
        subject, body = reply_mail(
            complaint.language, complaint.script, complaint.ticket, agent_name, text
        )
        outbox.queue_mail(
            session,
            to=str(complaint.contact),
            subject=subject,
            body=body,
            kind="reply",
            complaint=complaint,
            event_id=event.id,
            language=complaint.language,
            reply_to=reply_to or None,
        )
    elif via == CALL_TASK:
        store.append_event(
            session,
            complaint,
            CALL_TASK_EVENT,
            "system",
            {"event_id": event.id, "phone": complaint.contact, "agent": agent},
        )
    return event


def reply_states(session: store.Session, complaint: Complaint) -> dict[int, dict[str, Any]]:
    """How each agent reply of ``complaint`` was delivered, by event id: ``state`` is
    ``widget``, ``email`` (the mail server took it), ``pending`` (queued or retrying),
    ``failed``, ``call_task`` or ``kept``; ``shown_later`` when a returning customer's widget
    showed it."""
    mails = outbox.delivery_by_event(session, complaint.id)
    events = store.events_for(session, complaint)
    shown = {
        int((entry.data or {}).get("event_id", 0)) for entry in events if entry.kind == SHOWN_EVENT
    }
    states: dict[int, dict[str, Any]] = {}
    for entry in events:
        if entry.kind != "message_agent":
            continue
        via = str((entry.data or {}).get("via") or WIDGET)
        state: dict[str, Any] = {"via": via, "state": via}
        if via == EMAIL:
            mail = mails.get(entry.id)
            status = mail["status"] if mail else "failed"
            state["state"] = {"sent": EMAIL, "failed": "failed"}.get(status, "pending")
            if mail:
                state.update(
                    recipient=mail["recipient"],
                    attempts=mail["attempts"],
                    error=mail["last_error"],
                    sent_at=mail["sent_at"],
                )
        elif via == CALL_TASK:
            state["phone"] = complaint.contact
        state["shown_later"] = entry.id in shown
        states[int(entry.id)] = state
    return states


def missed_replies(session: store.Session, sender_id: str) -> list[dict[str, Any]]:
    """Agent replies the customer's widget has not shown (sent while they were away), oldest
    first: ``{"event_id", "text", "agent", "ticket"}``."""
    missed: list[dict[str, Any]] = []
    for complaint in _of_sender(session, sender_id):
        events = store.events_for(session, complaint)
        shown = {
            (entry.data or {}).get("event_id") for entry in events if entry.kind == SHOWN_EVENT
        }
        for entry in events:
            data = entry.data or {}
            away = data.get("via", WIDGET) != WIDGET
            if entry.kind == "message_agent" and away and entry.id not in shown:
                missed.append(
                    {
                        "event_id": entry.id,
                        "text": str(data.get("text", "")),
                        "agent": entry.actor.removeprefix("agent:"),
                        "ticket": complaint.ticket,
                        "at": entry.created_at,
                    }
                )
    missed.sort(key=lambda item: item["at"])
    return missed


def mark_shown(session: store.Session, sender_id: str, event_ids: list[int]) -> None:
    """The customer's widget showed these replies (``reply_shown`` on their complaints)."""
    wanted = set(event_ids)
    for complaint in _of_sender(session, sender_id):
        for entry in store.events_for(session, complaint):
            if entry.kind == "message_agent" and entry.id in wanted:
                store.append_event(
                    session, complaint, SHOWN_EVENT, "system", {"event_id": entry.id}
                )


def _of_sender(session: store.Session, sender_id: str) -> list[Complaint]:
    return list(
        session.scalars(
            select(Complaint).where(Complaint.sender_id == sender_id).order_by(Complaint.id)
        )
    )


def ticket_in(subject: str) -> str | None:
    """The first ticket-shaped word of an e-mail subject, upper-cased."""
    match = TICKET_IN_TEXT.search(subject or "")
    return match.group(1).upper() if match else None


def record_inbound(
    session: store.Session,
    ticket: str,
    sender: str,
    subject: str,
    text: str,
    rules: LateReplyRules,
    *,
    now: datetime | None = None,
) -> tuple[Complaint, str | None]:
    """A customer's e-mail reply, added to the complaint of ``ticket`` as a customer message;
    a reply to a resolved or closed complaint reopens it or starts a new one
    (:mod:`bot.handoff.reopening`). Returns the complaint that got the message and what
    happened (``None``, ``reopened`` or ``follow_up``).

    Raises :class:`LookupError` when no complaint has that ticket, and
    :class:`PermissionError` when the mail is not from the complaint's e-mail contact (someone
    who merely knows a ticket adds nothing to it)."""
    complaint = store.get_by_ticket(session, ticket)
    if complaint is None:
        raise LookupError(f"no complaint with ticket {ticket!r}")
    contact = complaint.contact or ""
    if contact_kind(contact) != "email" or not _same_address(contact, sender):
        raise PermissionError("the mail is not from the complaint's contact")
    moment = now or datetime.now(timezone.utc)
    target, happened = complaint_for_reply(session, complaint, text, rules, moment)
    store.append_event(
        session,
        target,
        INBOUND_EVENT,
        "customer",
        {"text": text, "via": EMAIL, "subject": subject},
        now=moment,
    )
    if happened == FOLLOW_UP:
        # the customer is told the new ticket at once: a reply to it comes back to it
        subject_told, body = follow_up_mail(
            target.language, target.script, target.ticket, complaint.ticket
        )
        outbox.queue_mail(
            session,
            to=contact,
            subject=subject_told,
            body=body,
            kind="follow_up",
            complaint=target,
            language=target.language,
            now=moment,
        )
    return target, happened


def _same_address(first: str, second: str) -> bool:
    try:
        return outbox.normalize_address(first).lower() == outbox.normalize_address(second).lower()
    except outbox.MailError:
        return False
