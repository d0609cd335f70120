"""The persistent e-mail outbox: queue a mail here, the background sender
(:mod:`bot.ops.mailer`) sends it and retries while the mail server is away.

The one entry point for other modules is :func:`queue_mail` (inside the caller's
transaction, so a mail is queued exactly when the caller's change commits)::

    from bot.store.mail import queue_mail
    with store.session_scope(url) as session:
        queue_mail(session, to="ana@example.com", subject="Your code", body="123456",
                   kind="one_time_code", sender_id=sender_id, language="hr")

Every header value is checked here: an address must be one address (``email-validator``,
without a DNS look-up), and no header value may hold a line break, so a header cannot be
injected whatever the caller passes. :class:`MailError` says what is wrong; the web layer
answers it with a 4xx.

Rows move ``pending`` -> ``sending`` (claimed by one sender, :func:`claim_due`) -> ``sent``, or
back to ``pending`` with a later ``next_attempt_at`` (:func:`schedule_retry`), or ``failed``
(:func:`mark_failed`: refused for good, or out of attempts), which is recorded on the
complaint as a ``mail_failed`` event so agents see it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.complaints import append_event
from bot.store.tables import (
    CONTACT_LENGTH,
    SLUG_LENGTH,
    SUBJECT_LENGTH,
    Complaint,
    OutgoingMail,
    utcnow,
)

#: Mail text is capped (characters); a longer body is refused, not cut.
MAX_BODY_CHARS = 100_000
#: The complaint event written when a mail is given up.
FAILED_EVENT = "mail_failed"
SENT_EVENT = "mail_sent"


class MailError(ValueError):
    """A mail that cannot be queued: not an address, a line break in a header, too long."""


def normalize_address(value: str) -> str:
    """One e-mail address, normalised (domain lower-cased, IDNA), or :class:`MailError`."""
    if not isinstance(value, str) or not value.strip():
        raise MailError("an e-mail address is required")
    text = value.strip()
    if any(ch in text for ch in "\r\n\0,;<>") or len(text) > CONTACT_LENGTH:
        raise MailError(f"not an e-mail address: {text[:80]!r}")
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise MailError(f"not an e-mail address: {text[:80]!r} ({error})") from error


def is_address(value: str | None) -> bool:
    """Whether ``value`` is one e-mail address (a complaint's contact may be a phone)."""
    try:
        normalize_address(value or "")
    except MailError:
        return False
    return True


def header_text(value: str, what: str = "subject", limit: int = SUBJECT_LENGTH) -> str:
    """A header value without line breaks or control characters, else :class:`MailError`."""
    if not isinstance(value, str):
        raise MailError(f"the {what} must be text")
    if any(ch in value for ch in "\r\n\0\x0b\x0c\x85\u2028\u2029"):
        raise MailError(f"the {what} must be one line (no line breaks)")
    if any(ord(ch) < 32 and ch != "\t" for ch in value):
        raise MailError(f"the {what} holds control characters")
    text = value.strip()
    if not text:
        raise MailError(f"the {what} is empty")
    if len(text) > limit:
        raise MailError(f"the {what} is longer than {limit} characters")
    return text


def queue_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    kind: str = "notice",
    complaint: Complaint | None = None,
    sender_id: str | None = None,
    event_id: int | None = None,
    language: str | None = None,
    reply_to: str | None = None,
    now: datetime | None = None,
) -> OutgoingMail:
    """Queue one plain-text mail to ``to``; it is sent after the caller's transaction commits.

    Raises :class:`MailError` for an address that is not one, a subject with a line break, an
    empty or huge body, or an unknown ``kind`` shape.
    """
    recipient = normalize_address(to)
    kind = header_text(kind, "kind", SLUG_LENGTH)
    if not isinstance(body, str) or not body.strip():
        raise MailError("the mail has no text")
    if len(body) > MAX_BODY_CHARS or "\0" in body:
        raise MailError(f"the mail text must be at most {MAX_BODY_CHARS} characters of text")
    mail = OutgoingMail(
        kind=kind,
        complaint_id=complaint.id if complaint is not None else None,
        sender_id=sender_id or (complaint.sender_id if complaint is not None else None),
        event_id=event_id,
        recipient=recipient,
        subject=header_text(subject),
        body=body,
        reply_to=normalize_address(reply_to) if reply_to else None,
        language=language,
        status="pending",
        attempts=0,
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    session.add(mail)
    session.flush()
    return mail


def mail_to_dict(mail: OutgoingMail) -> dict[str, Any]:
    """A mail as plain data (what the sender needs, and what the console shows)."""
    return {
        "id": mail.id,
        "kind": mail.kind,
        "complaint_id": mail.complaint_id,
        "event_id": mail.event_id,
        "recipient": mail.recipient,
        "subject": mail.subject,
        "body": mail.body,
        "reply_to": mail.reply_to,
        "language": mail.language,
        "status": mail.status,
        "attempts": mail.attempts,
        "next_attempt_at": mail.next_attempt_at.isoformat() if mail.next_attempt_at else None,
        "last_error": mail.last_error,
        "message_id": mail.message_id,
        "created_at": mail.created_at.isoformat() if mail.created_at else None,
        "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
    }


def claim_due(
    session: Session,
    now: datetime | None = None,
    limit: int = 20,
    stale_after: timedelta = timedelta(minutes=10),
) -> list[dict[str, Any]]:
    """Claim up to ``limit`` mails that are due, for one sender: each is moved to
    ``sending`` by a conditional UPDATE, so two senders (instances) never send the same one.

    A mail left in ``sending`` for longer than ``stale_after`` (a sender died mid-send) is due
    again: at least once, never lost.
    """
    now = now or utcnow()
    session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.status == "sending", OutgoingMail.claimed_at < now - stale_after)
        .values(status="pending")
        .execution_options(synchronize_session=False)
    )
    due = session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(limit)
    ).all()
    claimed: list[dict[str, Any]] = []
    for mail_id in due:
        result = session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, OutgoingMail.status == "pending")
            .values(status="sending", claimed_at=now, attempts=OutgoingMail.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            mail = session.get(OutgoingMail, mail_id, populate_existing=True)
            if mail is not None:
                claimed.append(mail_to_dict(mail))
    return claimed


def _mail(session: Session, mail_id: int) -> OutgoingMail:
    mail = session.get(OutgoingMail, mail_id)
    if mail is None:
        raise LookupError(f"no mail {mail_id}")
    return mail


def mark_sent(session: Session, mail_id: int, message_id: str, now: datetime | None = None) -> None:
    """The SMTP server accepted the mail; a complaint's mail is noted on the complaint."""
    mail = _mail(session, mail_id)
    mail.status = "sent"
    mail.sent_at = now or utcnow()
    mail.message_id = message_id
    mail.last_error = None
    complaint = session.get(Complaint, mail.complaint_id) if mail.complaint_id else None
    if complaint is not None:
        data = {"mail_id": mail.id, "kind": mail.kind, "to": mail.recipient}
        append_event(session, complaint, SENT_EVENT, "system", data)


def schedule_retry(session: Session, mail_id: int, error: str, next_at: datetime) -> None:
    """Sending failed for now (server away, 4xx): try again at ``next_at``."""
    mail = _mail(session, mail_id)
    mail.status = "pending"
    mail.next_attempt_at = next_at
    mail.last_error = error[:2000]


def mark_failed(session: Session, mail_id: int, error: str) -> None:
    """Given up (refused for good, bounced, out of attempts): recorded on the complaint."""
    mail = _mail(session, mail_id)
    mail.status = "failed"
    mail.last_error = error[:2000]
    complaint = session.get(Complaint, mail.complaint_id) if mail.complaint_id else None
    if complaint is not None:
        data = {
            "mail_id": mail.id,
            "kind": mail.kind,
            "to": mail.recipient,
            "error": error[:500],
            "event_id": mail.event_id,
        }
        append_event(session, complaint, FAILED_EVENT, "system", data)


def normalize_message_id(value: str) -> str:
    """A Message-ID in its header form, ``<local@domain>`` (providers drop the brackets)."""
    text = header_text(value, "message id", CONTACT_LENGTH).strip("<>")
    return f"<{text}>"


def mark_bounced(session: Session, message_id: str, reason: str) -> OutgoingMail:
    """A sent mail bounced later (the provider's bounce report names its Message-ID): it is
    failed after all, recorded on the complaint. :class:`LookupError` when no mail has it."""
    wanted = normalize_message_id(message_id)
    mail = session.scalars(
        select(OutgoingMail).where(OutgoingMail.message_id == wanted).limit(1)
    ).first()
    if mail is None:
        raise LookupError(f"no mail with Message-ID {wanted}")
    if mail.status != "failed":
        mark_failed(session, mail.id, f"bounced: {reason}"[:2000])
    return mail


def delivery_by_event(session: Session, complaint_id: int) -> dict[int, dict[str, Any]]:
    """The newest mail per complaint event (agent reply) of one complaint:
    ``{event_id: {"status", "recipient", "attempts", "last_error", "sent_at"}}``."""
    rows = session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.complaint_id == complaint_id, OutgoingMail.event_id.is_not(None))
        .order_by(OutgoingMail.id)
    ).all()
    return {
        int(mail.event_id): {
            "mail_id": mail.id,
            "status": mail.status,
            "recipient": mail.recipient,
            "attempts": mail.attempts,
            "last_error": mail.last_error,
            "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
        }
        for mail in rows
    }


def mails_for(session: Session, complaint_id: int) -> list[dict[str, Any]]:
    """Every mail of one complaint, oldest first."""
    rows = session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.complaint_id == complaint_id)
        .order_by(OutgoingMail.id)
    ).all()
    return [mail_to_dict(mail) for mail in rows]
