"""Repository functions for complaints and their event log.

Conventions:

* Every function takes an explicit :class:`~sqlalchemy.orm.Session` and never commits; the
  caller owns the transaction (usually :func:`bot.store.db.session_scope`).
* Every change appends a :class:`ComplaintEvent` and bumps ``updated_at``. Events are never
  updated or deleted through this module. This module's own changes write their events with a
  Core ``INSERT`` (:func:`log_event`), not as ORM objects: the unit of work's bookkeeping for
  an object cost more than the insert (docs/benchmarks.md, session 18).
* Customers' free text (``description``, ``desired_resolution_text``) and agents' notes are
  never refused: control characters (NUL included, which PostgreSQL cannot store) and unpaired
  surrogates are removed, and over-long text is cut to its cap with a trailing ``…``; the event
  records the original length. Losing a complaint is worse than losing its tail.
* Identifiers and slugs (``sender_id``, ``channel``, ``category``, ``order_ref``, ``contact``,
  reasons, actors, event kinds) are refused with :class:`StoreError` when empty, too long or
  containing control characters: a truncated identifier is a wrong identifier.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, lambda_stmt, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.policy.clocks import ComplaintClocks
from bot.store.db import StoreError
from bot.store.register_numbers import assign_register_number, clock_fields
from bot.store.tables import (
    ACTIVE_STATUSES,
    ACTOR_LENGTH,
    CHANNEL_LENGTH,
    CONTACT_LENGTH,
    DESIRED_RESOLUTIONS,
    LANGUAGES,
    MAX_DESCRIPTION_CHARS,
    MAX_RESOLUTION_TEXT_CHARS,
    MAX_SEVERITY,
    MIN_SEVERITY,
    ORDER_REF_LENGTH,
    ORIGIN_KEY_LENGTH,
    SCRIPTS,
    SENDER_ID_LENGTH,
    SLUG_LENGTH,
    STATUSES,
    TICKET_LENGTH,
    Complaint,
    ComplaintEvent,
    utcnow,
)
from bot.text.clean import CONTROL_CHARS, remove_controls

#: Ticket characters: no 0/O, 1/I/L, so a ticket read aloud or retyped stays unambiguous.
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TICKET_CODE_LENGTH = 6
MAX_TICKET_ATTEMPTS = 20
MAX_NOTE_CHARS = 2_000

#: Which status may follow which (``set_status``). ``closed`` is final; ``resolved`` may reopen.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"escalated", "in_progress", "resolved", "closed"}),
    "escalated": frozenset({"in_progress", "resolved", "closed"}),
    "in_progress": frozenset({"escalated", "resolved", "closed"}),
    "resolved": frozenset({"open", "escalated", "in_progress", "closed"}),
    "closed": frozenset(),
}

#: The keys of :func:`complaint_to_dict`, in output order.
COMPLAINT_KEYS: tuple[str, ...] = (
    "ticket",
    "sender_id",
    "channel",
    "language",
    "script",
    "category",
    "severity",
    "status",
    "escalated",
    "escalation_reasons",
    "desired_resolution",
    "desired_resolution_text",
    "description",
    "order_ref",
    "contact",
    "anger_score",
    "created_at",
    "due_at",
    "updated_at",
)

_SLUG_RE = re.compile(r"[a-z][a-z0-9_]*")
_PREFIX_RE = re.compile(r"[A-Z][A-Z0-9]{0,9}")
_TICKET_RE = re.compile(rf"[A-Z][A-Z0-9]{{0,9}}-[{TICKET_ALPHABET}]{{{TICKET_CODE_LENGTH}}}")
_ACTOR_RE = re.compile(r"customer|bot|system|agent:\S.*")
# C0 and C1 control characters except tab, line feed and carriage return.


# --- validation helpers ---------------------------------------------------------------------


def _identifier(name: str, value: object, max_length: int) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{name} must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise StoreError(f"{name} must not be empty")
    if CONTROL_CHARS.search(value) or "\n" in value or "\r" in value or "\t" in value:
        raise StoreError(f"{name} must not contain control characters (NUL, newlines, ...)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise StoreError(f"{name} is not valid Unicode text") from error
    if len(value) > max_length:
        raise StoreError(f"{name} is longer than {max_length} characters ({len(value)})")
    return value


def _optional_identifier(name: str, value: object, max_length: int) -> str | None:
    """Like :func:`_identifier`, but ``None`` and blank strings mean "not given"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _identifier(name, value, max_length)


def _slug(name: str, value: object, max_length: int = SLUG_LENGTH) -> str:
    slug = _identifier(name, value, max_length)
    if not _SLUG_RE.fullmatch(slug):
        raise StoreError(f"{name} must be a lower_snake_case slug, got {slug!r}")
    return slug


def _choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise StoreError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def _free_text(name: str, value: object, max_chars: int) -> tuple[str, int | None]:
    """Cleaned ``value`` and, when it had to be cut, its original length."""
    if not isinstance(value, str):
        raise StoreError(f"{name} must be a string, got {type(value).__name__}")
    text = value.encode("utf-8", "replace").decode("utf-8")
    text = remove_controls(text)
    if len(text) <= max_chars:
        return text, None
    return text[: max_chars - 1] + "…", len(text)


def _severity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StoreError(f"severity must be a whole number, got {value!r}")
    if not MIN_SEVERITY <= value <= MAX_SEVERITY:
        raise StoreError(f"severity must be {MIN_SEVERITY}..{MAX_SEVERITY}, got {value}")
    return value


def _anger(value: object) -> float:
    """A score in 0..1; float noise within 1e-9 of a bound is clamped, anything else refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise StoreError(f"anger_score must be a number in 0..1, got {value!r}")
    if not -1e-9 <= value <= 1 + 1e-9:
        raise StoreError(f"anger_score must be in 0..1, got {value}")
    return min(1.0, max(0.0, float(value)))


def _reasons(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        raise StoreError("escalation reasons must be a list of slugs, not a string")
    reasons: list[str] = []
    for value in values:
        reason = _slug("escalation reason", value)
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def _actor(value: object) -> str:
    actor = _identifier("actor", value, ACTOR_LENGTH)
    if not _ACTOR_RE.fullmatch(actor):
        raise StoreError(f"actor must be customer, bot, system or agent:<name>; got {actor!r}")
    return actor


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise StoreError(f"times must be timezone-aware datetimes, got {now!r}")
    return now.astimezone(timezone.utc)


def _json_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """A detached, JSON-safe copy of ``data``."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise StoreError(f"event data must be a mapping, got {type(data).__name__}")
    try:
        copy: dict[str, Any] = json.loads(json.dumps(dict(data), allow_nan=False))
    except (TypeError, ValueError) as error:
        raise StoreError(f"event data is not JSON-serialisable: {error}") from error
    return copy


# --- tickets --------------------------------------------------------------------------------


def generate_ticket(prefix: str) -> str:
    """A fresh random ticket such as ``C-4KX9TR`` (not checked for uniqueness)."""
    code = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_CODE_LENGTH))
    return f"{prefix}-{code}"


def normalize_ticket(value: object) -> str | None:
    """``value`` as a stored ticket would be spelled, or ``None`` when it cannot be one."""
    if not isinstance(value, str) or len(value) > TICKET_LENGTH + 64:
        return None
    ticket = value.strip().upper()
    return ticket if _TICKET_RE.fullmatch(ticket) else None


def _ticket_taken(session: Session, ticket: str) -> bool:
    return (
        session.execute(select(Complaint.id).where(Complaint.ticket == ticket)).first() is not None
    )


def _insert_with_unique_ticket(session: Session, prefix: str, fields: dict[str, Any]) -> Complaint:
    for _ in range(MAX_TICKET_ATTEMPTS):
        ticket = generate_ticket(prefix)
        complaint = Complaint(ticket=ticket, **fields)
        try:
            # A savepoint, so that a ticket already taken (rare: 31^6 codes) keeps the
            # transaction; the unique index checks it, with no look-up before each insert.
            with session.begin_nested():
                session.add(complaint)
        except IntegrityError:
            if _ticket_taken(session, ticket):
                continue
            raise
        return complaint
    raise StoreError(f"no free ticket number after {MAX_TICKET_ATTEMPTS} attempts")


# --- complaints -----------------------------------------------------------------------------


def create_complaint(
    session: Session,
    *,
    sender_id: str,
    channel: str,
    language: str,
    script: str,
    category: str,
    severity: int,
    anger_score: float,
    description: str,
    order_ref: str | None = None,
    contact: str | None = None,
    escalation_reasons: Iterable[str] = (),
    deadline_hours: float,
    prefix: str,
    now: datetime | None = None,
    origin_key: str | None = None,
    clocks: ComplaintClocks | None = None,
) -> Complaint:
    """Register a complaint under a new unique ticket and log ``created`` (and ``escalated``).

    With escalation reasons the complaint starts ``escalated``; ``due_at`` is
    ``deadline_hours`` after creation, or the SLA due time of ``clocks``, which also sets the
    statutory deadlines and, where the law asks for one, the register number.
    """
    created = _moment(now)
    if isinstance(deadline_hours, bool) or not isinstance(deadline_hours, (int, float)):
        raise StoreError(f"deadline_hours must be a number, got {deadline_hours!r}")
    if not 0 < deadline_hours < 24 * 366 * 10:
        raise StoreError(f"deadline_hours must be positive, got {deadline_hours}")
    ticket_prefix = prefix.strip().upper() if isinstance(prefix, str) else ""
    if not _PREFIX_RE.fullmatch(ticket_prefix):
        raise StoreError(f"ticket prefix must be 1-10 letters or digits, got {prefix!r}")
    text, original_length = _free_text("description", description, MAX_DESCRIPTION_CHARS)
    reasons = _reasons(escalation_reasons)
    fields: dict[str, Any] = {
        "sender_id": _identifier("sender_id", sender_id, SENDER_ID_LENGTH),
        "channel": _identifier("channel", channel, CHANNEL_LENGTH),
        "language": _choice("language", language, LANGUAGES),
        "script": _choice("script", script, SCRIPTS),
        "category": _slug("category", category),
        "severity": _severity(severity),
        "anger_score": _anger(anger_score),
        "description": text,
        "order_ref": _optional_identifier("order_ref", order_ref, ORDER_REF_LENGTH),
        "contact": _optional_identifier("contact", contact, CONTACT_LENGTH),
        "status": "escalated" if reasons else "open",
        "escalated": bool(reasons),
        "escalation_reasons": reasons,
        "created_at": created,
        "updated_at": created,
        "due_at": clocks.sla_due_at if clocks else created + timedelta(hours=deadline_hours),
        "origin_key": _optional_identifier("origin_key", origin_key, ORIGIN_KEY_LENGTH),
        **(clock_fields(clocks) if clocks else {}),
    }
    complaint = _insert_with_unique_ticket(session, ticket_prefix, fields)
    if clocks is not None and clocks.register_number_required:
        assign_register_number(session, complaint, clocks.register_year)
    created_data: dict[str, Any] = {
        "category": complaint.category,
        "severity": complaint.severity,
        "anger_score": complaint.anger_score,
        "channel": complaint.channel,
        "language": complaint.language,
        "escalation_reasons": reasons,
    }
    if original_length is not None:
        created_data["description_truncated_from"] = original_length
    log_event(session, complaint, "created", "bot", created_data, now=created)
    if reasons:
        log_event(
            session,
            complaint,
            "escalated",
            "bot",
            {"reasons": reasons, "added": reasons},
            now=created,
        )
    return complaint


# Statements asked several times in every complaint turn are built once, with the values as
# bound parameters: SQLAlchemy then keeps their cache key and compiled form, where building a
# statement (and its cache key) cost more than SQLite's answer (docs/benchmarks.md, session 17).


@cache
def _complaint_where(column: str) -> Select:
    """``SELECT complaint WHERE <column> = :value``, built once per column."""
    return select(Complaint).where(getattr(Complaint, column) == bindparam("value"))


def get_by_origin_key(session: Session, origin_key: str) -> Complaint | None:
    """The complaint created by the customer message ``origin_key``, else ``None``."""
    query = _complaint_where("origin_key")
    result: Complaint | None = session.execute(query, {"value": origin_key}).scalar_one_or_none()
    return result


def get_by_ticket(session: Session, ticket: object) -> Complaint | None:
    """The complaint with ``ticket`` (any case, surrounding blanks ignored), else ``None``."""
    normalized = normalize_ticket(ticket)
    if normalized is None:
        return None
    query = _complaint_where("ticket")
    result: Complaint | None = session.execute(query, {"value": normalized}).scalar_one_or_none()
    return result


def find_for_sender(
    session: Session,
    sender_id: str,
    *,
    ticket: str | None = None,
    order_ref: str | None = None,
    contact: str | None = None,
) -> Complaint | None:
    """The newest complaint of ``sender_id`` that matches the reference the customer gave.

    The ticket, the order number or the contact is tried, in that order; a complaint of another
    sender is never returned, whatever reference it carries.
    """
    if ticket:
        complaint = get_by_ticket(session, ticket)
        return complaint if complaint is not None and complaint.sender_id == sender_id else None
    query = select(Complaint).where(Complaint.sender_id == sender_id)
    if order_ref:
        query = query.where(func.upper(Complaint.order_ref) == order_ref.strip().upper())
    elif contact:
        query = query.where(func.lower(Complaint.contact) == contact.strip().lower())
    else:
        return None
    query = query.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(1)
    result: Complaint | None = session.execute(query).scalars().first()
    return result


def latest_for_sender(
    session: Session, sender_id: str, statuses: Iterable[str] | None = ACTIVE_STATUSES
) -> Complaint | None:
    """The newest complaint of ``sender_id`` in one of ``statuses`` (``None``: any status).

    Asked twice on every customer message (who holds the conversation; a satisfaction answer
    awaited), so the statement is built once: a lambda statement keeps its construction and
    compiled form, with the values as bound parameters (:func:`sqlalchemy.lambda_stmt`).
    """
    if statuses is None:
        query = lambda_stmt(lambda: select(Complaint).where(Complaint.sender_id == sender_id))
    else:
        wanted = [_choice("status", status, STATUSES) for status in statuses]
        query = lambda_stmt(
            lambda: select(Complaint).where(
                Complaint.sender_id == sender_id, Complaint.status.in_(wanted)
            )
        )
    query += lambda q: q.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(1)
    result: Complaint | None = session.execute(query).scalars().first()
    return result


def count_prior_complaints(
    session: Session,
    *,
    sender_id: str,
    category: str,
    order_ref: str | None,
    since: datetime,
    until: datetime | None = None,
    exclude_id: int | None = None,
) -> int:
    """How many complaints ``sender_id`` made since ``since`` (and before ``until``, when
    given) about the same matter.

    The same matter is the same category or, when given, the same order reference
    (compared without regard to case).
    """
    order_ref = order_ref.strip() if isinstance(order_ref, str) else None
    values: dict[str, Any] = {
        "sender_id": sender_id,
        "category": category,
        "since": _moment(since),
        "order_ref": order_ref.lower() if order_ref else None,
        "until": None if until is None else _moment(until),
        "exclude_id": exclude_id,
    }
    query = _prior_count(bool(order_ref), until is not None, exclude_id is not None)
    return int(session.execute(query, values).scalar_one())


@cache
def _prior_count(by_order: bool, until: bool, exclude: bool) -> Select:
    """The statement of :func:`count_prior_complaints`, built once per shape."""
    same_matter = [Complaint.category == bindparam("category")]
    if by_order:
        same_matter.append(func.lower(Complaint.order_ref) == bindparam("order_ref"))
    query = select(func.count(Complaint.id)).where(
        Complaint.sender_id == bindparam("sender_id"),
        Complaint.created_at >= bindparam("since"),
        or_(*same_matter),
    )
    if until:
        query = query.where(Complaint.created_at < bindparam("until"))
    if exclude:
        query = query.where(Complaint.id != bindparam("exclude_id"))
    return query


def add_description(
    session: Session,
    complaint: Complaint,
    text: str,
    *,
    actor: str = "customer",
    now: datetime | None = None,
    origin_key: str | None = None,
) -> Complaint:
    """Append more of the customer's words to the description and log ``described``
    (with ``origin_key``, the customer message they came from)."""
    added, added_length = _free_text("description", text, MAX_DESCRIPTION_CHARS)
    if not added:
        return complaint
    combined = f"{complaint.description}\n\n{added}" if complaint.description else added
    description, original_length = _free_text("description", combined, MAX_DESCRIPTION_CHARS)
    complaint.description = description
    data: dict[str, Any] = {"text": added}
    if origin_key:
        data["origin_key"] = origin_key
    if added_length is not None or original_length is not None:
        data["description_truncated_from"] = original_length or added_length
    log_event(session, complaint, "described", actor, data, now=now)
    return complaint


def set_details(
    session: Session,
    complaint: Complaint,
    *,
    desired_resolution: str | None = None,
    desired_resolution_text: str | None = None,
    order_ref: str | None = None,
    contact: str | None = None,
    actor: str = "customer",
    now: datetime | None = None,
) -> Complaint:
    """Store the answers of the complaint form; ``None`` leaves a field as it is.

    Logs ``resolution_stated`` for the resolution and ``details_added`` for the rest.
    """
    resolution = (
        None
        if desired_resolution is None
        else _choice("desired_resolution", desired_resolution, DESIRED_RESOLUTIONS)
    )
    resolution_text, text_length = (
        (None, None)
        if desired_resolution_text is None
        else _free_text(
            "desired_resolution_text", desired_resolution_text, MAX_RESOLUTION_TEXT_CHARS
        )
    )
    ref = _optional_identifier("order_ref", order_ref, ORDER_REF_LENGTH)
    contact_value = _optional_identifier("contact", contact, CONTACT_LENGTH)

    if resolution is not None or resolution_text:
        stated: dict[str, Any] = {}
        if resolution is not None:
            complaint.desired_resolution = stated["desired_resolution"] = resolution
        if resolution_text:
            complaint.desired_resolution_text = stated["text"] = resolution_text
            if text_length is not None:
                stated["text_truncated_from"] = text_length
        log_event(session, complaint, "resolution_stated", actor, stated, now=now)
    details: dict[str, Any] = {}
    if ref is not None:
        complaint.order_ref = details["order_ref"] = ref
    if contact_value is not None:
        complaint.contact = details["contact"] = contact_value
    if details:
        log_event(session, complaint, "details_added", actor, details, now=now)
    return complaint


def escalate(
    session: Session,
    complaint: Complaint,
    reasons: Iterable[str],
    *,
    actor: str = "bot",
    now: datetime | None = None,
) -> Complaint:
    """Hand the complaint to a person for ``reasons`` (merged with earlier ones).

    ``open`` becomes ``escalated``, and so does ``resolved`` (the customer is back, unhappy:
    the complaint reopens); ``in_progress`` stays (a person already has it); ``closed`` is
    final and refused. Nothing new means no event.
    """
    new_reasons = _reasons(reasons)
    if not new_reasons:
        raise StoreError("escalation needs at least one reason")
    if complaint.status == "closed":
        raise StoreError(f"complaint {complaint.ticket} is closed; cannot escalate")
    previous = list(complaint.escalation_reasons or [])
    added = [reason for reason in new_reasons if reason not in previous]
    if not added and complaint.escalated and complaint.status in ("escalated", "in_progress"):
        return complaint
    data: dict[str, Any] = {"reasons": previous + added, "added": added}
    complaint.escalation_reasons = previous + added
    complaint.escalated = True
    if complaint.status in ("open", "resolved"):
        data["from"] = complaint.status
        complaint.status = "escalated"
        complaint.resolved_at = None
    log_event(session, complaint, "escalated", actor, data, now=now)
    return complaint


def set_status(
    session: Session,
    complaint: Complaint,
    status: str,
    actor: str,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> Complaint:
    """Move the complaint to ``status`` if :data:`ALLOWED_TRANSITIONS` permits it."""
    new_status = _choice("status", status, STATUSES)
    actor = _actor(actor)
    old_status = complaint.status
    if new_status not in ALLOWED_TRANSITIONS.get(old_status, frozenset()):
        raise StoreError(
            f"complaint {complaint.ticket} cannot go from {old_status} to {new_status}"
        )
    moment = _moment(now)
    complaint.status = new_status
    if new_status == "escalated":
        complaint.escalated = True
    elif new_status == "in_progress" and complaint.first_response_at is None:
        complaint.first_response_at = moment
    elif new_status == "resolved":
        complaint.resolved_at = moment
    elif new_status == "closed":
        complaint.closed_at = moment
    if old_status == "resolved" and new_status in ("open", "in_progress"):
        complaint.resolved_at = None
    data: dict[str, Any] = {"from": old_status, "to": new_status}
    if note is not None:
        data["note"], _ = _free_text("note", note, MAX_NOTE_CHARS)
    log_event(session, complaint, "status_changed", actor, data, now=moment)
    return complaint


#: Statuses a customer's reply can reopen (:func:`reopen`).
REOPENABLE_STATUSES: tuple[str, ...] = ("resolved", "closed")


def reopen(
    session: Session,
    complaint: Complaint,
    actor: str,
    why: str,
    *,
    now: datetime | None = None,
) -> Complaint:
    """Put a resolved or closed complaint back in front of a person (``escalated``), logging
    ``reopened`` with who (the actor), why (a slug such as ``email_reply``) and when it had been
    resolved and closed.

    ``closed`` is final for :func:`set_status`; only this explicit, logged path reopens it. The
    statutory deadlines stamped at creation are not moved: the resolution clock runs again
    against its original due time (``docs/jurisdictions.md``, "Reopened complaints").
    """
    actor = _actor(actor)
    reason = _slug("why", why)
    if complaint.status not in REOPENABLE_STATUSES:
        raise StoreError(f"complaint {complaint.ticket} is {complaint.status}; nothing to reopen")
    moment = _moment(now)
    data: dict[str, Any] = {
        "from": complaint.status,
        "to": "escalated",
        "why": reason,
        "resolved_at": _iso(complaint.resolved_at),
        "closed_at": _iso(complaint.closed_at),
    }
    complaint.status = "escalated"
    complaint.escalated = True
    complaint.resolved_at = None
    complaint.closed_at = None
    log_event(session, complaint, "reopened", actor, data, now=moment)
    return complaint


def finished_at(complaint: Complaint) -> datetime | None:
    """When a resolved or closed complaint was finished (the later of the two moments)."""
    moments = [m for m in (complaint.resolved_at, complaint.closed_at) if m is not None]
    return max(moments) if moments else None


def list_complaints(
    session: Session,
    *,
    sender_id: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[Complaint]:
    """Complaints, newest first, optionally of one sender and/or in one status."""
    query = select(Complaint)
    if sender_id is not None:
        query = query.where(Complaint.sender_id == sender_id)
    if status is not None:
        query = query.where(Complaint.status == _choice("status", status, STATUSES))
    query = query.order_by(Complaint.created_at.desc(), Complaint.id.desc())
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise StoreError(f"limit must be a positive whole number, got {limit!r}")
        query = query.limit(limit)
    return list(session.execute(query).scalars())


# --- events ---------------------------------------------------------------------------------


def _event_row(
    kind: str, actor: str, data: Mapping[str, Any] | None, moment: datetime
) -> dict[str, Any]:
    """An event's checked columns (all but the complaint)."""
    return {
        "kind": _slug("kind", kind),
        "actor": _actor(actor),
        "data": _json_data(data),
        "created_at": moment,
    }


def _bump(complaint: Complaint, kind: str, moment: datetime) -> None:
    """What an event changes on its complaint: ``updated_at``, and the first ``message_agent``
    sets ``first_response_at``."""
    if kind == "message_agent" and complaint.first_response_at is None:
        complaint.first_response_at = moment
    if complaint.updated_at is None or complaint.updated_at < moment:
        complaint.updated_at = moment


def append_event(
    session: Session,
    complaint: Complaint,
    kind: str,
    actor: str,
    data: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> ComplaintEvent:
    """Log an event on ``complaint`` and bump its ``updated_at``.

    The first ``message_agent`` event also sets ``first_response_at``.
    """
    moment = _moment(now)
    entry = ComplaintEvent(complaint=complaint, **_event_row(kind, actor, data, moment))
    session.add(entry)
    _bump(complaint, entry.kind, moment)
    return entry


#: The Core insert of :func:`log_event`, built once.
_INSERT_EVENT = insert(ComplaintEvent.__table__)


def log_event(
    session: Session,
    complaint: Complaint,
    kind: str,
    actor: str,
    data: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """:func:`append_event` as a Core ``INSERT``, run at once, for a caller that does not need
    the event's row: the same checks, ``first_response_at`` and ``updated_at``.

    A complaint not yet in the database, or events appended as objects and not yet flushed,
    are flushed first: the complaint needs its id, and the events their order (their ids
    follow the order of the calls)."""
    moment = _moment(now)
    row = _event_row(kind, actor, data, moment)
    if complaint.id is None or any(isinstance(item, ComplaintEvent) for item in session.new):
        session.flush()
    session.execute(_INSERT_EVENT, {"complaint_id": complaint.id, **row})
    _bump(complaint, row["kind"], moment)


def events_for(session: Session, complaint: Complaint) -> list[ComplaintEvent]:
    """The events of ``complaint``, oldest first."""
    session.flush()
    query = (
        select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id == complaint.id)
        .order_by(ComplaintEvent.created_at, ComplaintEvent.id)
    )
    return list(session.execute(query).scalars())


def latest_event_of_kinds(
    session: Session, complaint: Complaint, kinds: Iterable[str]
) -> ComplaintEvent | None:
    """The newest event of ``complaint`` whose kind is one of ``kinds`` (in the order of
    :func:`events_for`), read alone instead of every event."""
    session.flush()
    complaint_id, wanted = complaint.id, list(kinds)
    query = lambda_stmt(  # built once (see latest_for_sender): asked on every customer message
        lambda: (
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == complaint_id, ComplaintEvent.kind.in_(wanted))
            .order_by(ComplaintEvent.created_at.desc(), ComplaintEvent.id.desc())
            .limit(1)
        )
    )
    result: ComplaintEvent | None = session.execute(query).scalars().first()
    return result


# --- serialisation --------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def complaint_to_dict(complaint: Complaint) -> dict[str, Any]:
    """The complaint as a JSON-safe dict with exactly the keys of :data:`COMPLAINT_KEYS`."""
    return {
        "ticket": complaint.ticket,
        "sender_id": complaint.sender_id,
        "channel": complaint.channel,
        "language": complaint.language,
        "script": complaint.script,
        "category": complaint.category,
        "severity": complaint.severity,
        "status": complaint.status,
        "escalated": bool(complaint.escalated),
        "escalation_reasons": list(complaint.escalation_reasons or []),
        "desired_resolution": complaint.desired_resolution,
        "desired_resolution_text": complaint.desired_resolution_text,
        "description": complaint.description,
        "order_ref": complaint.order_ref,
        "contact": complaint.contact,
        "anger_score": float(complaint.anger_score),
        "created_at": _iso(complaint.created_at),
        "due_at": _iso(complaint.due_at),
        "updated_at": _iso(complaint.updated_at),
    }


def event_to_dict(entry: ComplaintEvent) -> dict[str, Any]:
    """An event as a JSON-safe dict: ``kind``, ``actor``, ``data``, ``created_at``."""
    return {
        "kind": entry.kind,
        "actor": entry.actor,
        "data": entry.data,
        "created_at": _iso(entry.created_at),
    }
