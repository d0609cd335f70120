"""A returning customer, in another conversation, proves their e-mail address with a one-time
code before the bot tells them anything about a complaint.

The code is sent by a :class:`CodeSender`, injected by the entry point (the actions use
:func:`code_sender`): it gets the open database session, so the mail is queued in the same
transaction that stores the code's hash (:func:`queue_code_mail`, the persistent mail
outbox). Without a sender no code can be offered and the bot says only what it says to
anyone: that the follow-up went to a colleague.

What the customer is told never depends on whether the reference they typed exists: the code
goes to the address stored with the complaint, never to one the customer types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from ruamel.yaml import YAML
from sqlalchemy import func, select

from bot import store
from bot.settings import Settings
from bot.store.customers import (
    CodeCheck,
    check_code,
    complaints_by_reference,
    email_of,
    start_verification,
)
from bot.store.mail import queue_mail
from bot.store.tables import Complaint, ContactVerification

CODE_MAIL_FILE = Path(__file__).with_name("data") / "code_mail.yml"
#: At most this many codes are sent for one complaint per hour (the mail goes to a real
#: person's inbox; someone who knows a ticket must not be able to flood it).
MAX_CODES_PER_HOUR = 3


@dataclass(frozen=True)
class CodeMail:
    """One mail with a one-time code, ready to queue."""

    to: str
    subject: str
    body: str
    language: str
    script: str
    ticket: str
    sender_id: str
    complaint_id: int


class CodeSender(Protocol):
    """Queues or sends ``mail`` within ``session`` (the code's own transaction)."""

    def __call__(self, session: store.Session, mail: CodeMail) -> None: ...


def queue_code_mail(session: store.Session, mail: CodeMail) -> None:
    """The :class:`CodeSender` of the product: the mail goes into the persistent mail outbox
    (:func:`bot.store.mail.queue_mail`) in the code's transaction, tied to the complaint (so
    erasing the complaint's customer erases it too)."""
    complaint = session.get(Complaint, mail.complaint_id)
    queue_mail(
        session,
        to=mail.to,
        subject=mail.subject,
        body=mail.body,
        kind="one_time_code",
        complaint=complaint,
        language=mail.language,
    )


def code_sender(settings: Settings) -> CodeSender | None:
    """The sender to use: the mail outbox when a mail server is configured, else ``None``
    (a code that would never leave must not be promised)."""
    return queue_code_mail if settings.smtp_url else None


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    with CODE_MAIL_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict) or not {"subject", "body"} <= data.keys():
        raise ValueError(f"{CODE_MAIL_FILE.name}: expected subject: and body: per language")
    return data


def _text(name: str, language: str, script: str) -> str:
    texts = _texts()[name]
    key = f"{language}-{script}" if language == "sr" and script == "cyrillic" else language
    return str(texts.get(key) or texts["en"])


def code_mail(complaint: Complaint, code: str, sender_id: str, minutes: int) -> CodeMail:
    """The code's mail to the complaint's address, in the complaint's language and script."""
    to = email_of(complaint)
    if to is None:
        raise store.StoreError(f"complaint {complaint.ticket} has no e-mail address")
    values = {"code": code, "ticket": complaint.ticket, "minutes": minutes}
    return CodeMail(
        to=to,
        subject=_text("subject", complaint.language, complaint.script).format(**values),
        body=_text("body", complaint.language, complaint.script).format(**values),
        language=complaint.language,
        script=complaint.script,
        ticket=complaint.ticket,
        sender_id=sender_id,
        complaint_id=complaint.id,
    )


def _codes_sent_since(session: store.Session, complaint: Complaint, since: datetime) -> int:
    query = select(func.count(ContactVerification.id)).where(
        ContactVerification.complaint_id == complaint.id,
        ContactVerification.created_at >= since,
    )
    return int(session.execute(query).scalar_one())


def offer_code(
    session: store.Session,
    *,
    sender_id: str,
    settings: Settings,
    send_code: CodeSender,
    ticket: str | None,
    order_ref: str | None,
    contact: str | None,
    now: datetime,
) -> bool:
    """Send a code for the newest complaint of another conversation that the reference
    points at and that has an e-mail address. Whether one was sent is never told to the
    customer (the caller answers the same either way)."""
    candidates = [
        complaint
        for complaint in complaints_by_reference(
            session,
            ticket=ticket,
            order_ref=order_ref,
            contact=contact,
            region=settings.phone_region,
        )
        if complaint.sender_id != sender_id and email_of(complaint) is not None
    ]
    if not candidates:
        return False
    active = [c for c in candidates if c.status in store.ACTIVE_STATUSES]
    complaint = (active or candidates)[0]
    if _codes_sent_since(session, complaint, now - timedelta(hours=1)) >= MAX_CODES_PER_HOUR:
        return False
    _, code = start_verification(
        session,
        sender_id=sender_id,
        complaint=complaint,
        secret_key=settings.secret_key,
        minutes=settings.verification_code_minutes,
        max_attempts=settings.verification_max_attempts,
        now=now,
    )
    send_code(session, code_mail(complaint, code, sender_id, settings.verification_code_minutes))
    store.append_event(session, complaint, "code_sent", "system", {"to": "contact"}, now=now)
    return True


def check_status_code(
    sender_id: str, typed: str, settings: Settings, now: datetime
) -> tuple[CodeCheck, Complaint | None]:
    """Check a code typed in ``sender_id``'s conversation; on success, the complaint whose
    status may now be told (detached, read-only)."""
    with store.session_scope(settings.database_url) as session:
        result = check_code(
            session, sender_id=sender_id, typed=typed, secret_key=settings.secret_key, now=now
        )
        if result.result != "verified" or result.complaint_id is None:
            return result, None
        complaint = session.get(Complaint, result.complaint_id)
        if complaint is None:
            return CodeCheck("none"), None
        store.append_event(
            session, complaint, "contact_verified", "customer", {"to": "status"}, now=now
        )
        session.flush()
        session.expunge(complaint)
        return result, complaint
