"""The complaint register the consumer laws ask for (see ``docs/jurisdictions.md``): the
written answer, the extension of the resolution deadline, and the register's lines.

Like :mod:`bot.store.complaints`, nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.policy.clocks import ClockError, check_extension, get_jurisdiction
from bot.store.complaints import _moment, append_event
from bot.store.db import StoreError
from bot.store.tables import (
    MAX_RESOLUTION_TEXT_CHARS,
    OUTCOMES,
    Complaint,
)
from bot.text.clean import remove_controls

MAX_ANSWER_CHARS = 10_000


def record_answer(
    session: Session,
    complaint: Complaint,
    *,
    text: str,
    outcome: str,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Record the written answer to the complaint and its outcome (for the register)."""
    if outcome not in OUTCOMES:
        raise StoreError(f"outcome must be one of {', '.join(OUTCOMES)}; got {outcome!r}")
    if not isinstance(text, str) or not text.strip():
        raise StoreError("the answer must be non-empty text")
    cleaned = remove_controls(text.encode("utf-8", "replace").decode("utf-8"))
    if len(cleaned) > MAX_ANSWER_CHARS:
        cleaned = cleaned[: MAX_ANSWER_CHARS - 1] + "…"
    moment = _moment(now)
    complaint.answered_at = moment
    complaint.answer_text = cleaned
    complaint.outcome = outcome
    append_event(session, complaint, "answered", actor, {"outcome": outcome}, now=moment)


def record_extension(
    session: Session,
    complaint: Complaint,
    *,
    new_due_at: datetime,
    consent: bool,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Extend the statutory resolution deadline as the complaint's jurisdiction allows."""
    try:
        new_due = check_extension(
            get_jurisdiction(complaint.jurisdiction or "none"),
            current_due_at=complaint.statutory_resolution_due_at,
            new_due_at=new_due_at,
            consent=consent,
            extensions_used=1 if complaint.extended_at is not None else 0,
        )
    except ClockError as error:
        raise StoreError(str(error)) from error
    moment = _moment(now)
    complaint.extended_at = moment
    complaint.extension_consent = consent
    complaint.extension_due_at = new_due
    append_event(
        session,
        complaint,
        "deadline_extended",
        actor,
        {"new_due_at": complaint.extension_due_at.isoformat(), "consent": consent},
        now=moment,
    )


#: The register's columns, in the order the export prints them.
REGISTER_FIELDS: tuple[str, ...] = (
    "register_number",
    "ticket",
    "received_at",
    "customer",
    "contact",
    "product_or_service",
    "description",
    "remedy_requested",
    "statutory_answer_due_at",
    "statutory_resolution_due_at",
    "answered_at",
    "answer",
    "outcome",
    "extended_at",
    "extension_consent",
    "extension_due_at",
)


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the register, as text ready to print."""

    values: dict[str, str]


def _when(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds") if value else ""


def _remedy(complaint: Complaint) -> str:
    parts = [complaint.desired_resolution or "", complaint.desired_resolution_text or ""]
    return " — ".join(part for part in parts if part)


def register_entry(complaint: Complaint, zone: tzinfo = timezone.utc) -> RegisterEntry:
    consent: Any = complaint.extension_consent
    values = {
        "register_number": complaint.register_number or "",
        "ticket": complaint.ticket,
        "received_at": _when(complaint.created_at, zone),
        # The bot knows the customer by their conversation and contact, not by name.
        "customer": complaint.sender_id,
        "contact": complaint.contact or "",
        "product_or_service": " / ".join(
            part for part in (complaint.category, complaint.order_ref or "") if part
        ),
        "description": complaint.description,
        "remedy_requested": _remedy(complaint)[:MAX_RESOLUTION_TEXT_CHARS],
        "statutory_answer_due_at": _when(complaint.statutory_answer_due_at, zone),
        "statutory_resolution_due_at": _when(complaint.statutory_resolution_due_at, zone),
        "answered_at": _when(complaint.answered_at, zone),
        "answer": complaint.answer_text or "",
        "outcome": complaint.outcome or "",
        "extended_at": _when(complaint.extended_at, zone),
        "extension_consent": "" if consent is None else ("yes" if consent else "no"),
        "extension_due_at": _when(complaint.extension_due_at, zone),
    }
    return RegisterEntry(values)


def register_entries(
    session: Session, start: datetime, end: datetime, zone: tzinfo = timezone.utc
) -> list[RegisterEntry]:
    """The register for complaints received in ``[start, end)``, oldest first, times in
    ``zone``."""
    rows = (
        session.execute(
            select(Complaint)
            .where(Complaint.created_at >= _moment(start), Complaint.created_at < _moment(end))
            .order_by(Complaint.created_at, Complaint.id)
        )
        .scalars()
        .all()
    )
    return [register_entry(complaint, zone) for complaint in rows]
