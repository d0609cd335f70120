"""Commitments: what was promised to a complaint's customer, by when, and who keeps it.

Like :mod:`bot.store.complaints`, every function takes a session and never commits; every
change is also logged on the complaint (``commitment_made``, ``commitment_reminded``,
``commitment_missed``, ``commitment_done``, ``commitment_told``).

* An agent records a commitment (:func:`add_commitment`): a kind (:data:`COMMITMENT_KINDS`), a
  due time, an owner (an active staff account) and an optional note.
* The bot's own "we will answer by ..." is an ``answer`` commitment owned by the team
  (``owner`` ``None``), recorded with the complaint (:func:`record_bot_promise`) and done when a
  person first answers (:func:`settle_answered`, at ``first_response_at``).
* :func:`sweep` is the clock: it marks the commitments due within the lead time as reminded
  and returns them, and flags the open ones past their due time as ``missed``. The caller
  passes ``now``; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.store.agents import get_agent
from bot.store.complaints import _moment, append_event, log_event
from bot.store.db import StoreError
from bot.store.tables import (
    COMMITMENT_KINDS,
    COMMITMENT_STATUSES,
    MAX_COMMITMENT_NOTE_CHARS,
    Commitment,
    Complaint,
)
from bot.text.clean import remove_controls

#: The actor of the commitment the bot makes when it logs a complaint.
BOT = "bot"
#: How far ahead (and back) a due time may be set: a typo such as 2062 is refused.
MAX_HORIZON = timedelta(days=366 * 2)
#: The largest id an INTEGER column holds (PostgreSQL's; SQLite's is larger).
MAX_ID = 2**31 - 1
#: Statuses of a commitment someone still has to keep.
PENDING: tuple[str, ...] = ("open", "missed")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment is not None else None


def normalize_kind(value: object) -> str:
    """``call-back`` and ``Call back`` as ``call_back``; refuses anything not a kind."""
    kind = (
        value.strip().lower().replace("-", "_").replace(" ", "_")
        if isinstance(value, str)
        else None
    )
    if kind not in COMMITMENT_KINDS:
        raise StoreError(f"kind must be one of {', '.join(COMMITMENT_KINDS)}; got {value!r}")
    return kind


def _note(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StoreError("the note must be text")
    text = remove_controls(value.encode("utf-8", "replace").decode("utf-8")).strip()
    if len(text) > MAX_COMMITMENT_NOTE_CHARS:
        raise StoreError(f"the note is longer than {MAX_COMMITMENT_NOTE_CHARS} characters")
    return text or None


def _owner(session: Session, owner: object) -> str | None:
    if owner is None:
        return None
    agent = get_agent(session, owner)
    if agent is None or not agent.active:
        raise StoreError(f"there is no active staff account {owner!r} to own the commitment")
    return str(agent.username)


def add_commitment(
    session: Session,
    complaint: Complaint,
    *,
    kind: str,
    due_at: datetime,
    owner: str | None,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Record a commitment on ``complaint``; refused on a closed complaint, an unknown owner,
    or a due time more than :data:`MAX_HORIZON` away."""
    moment = _moment(now)
    due = _moment(due_at)
    if complaint.status == "closed":
        raise StoreError(f"complaint {complaint.ticket} is closed")
    if abs(due - moment) > MAX_HORIZON:
        raise StoreError("the due time must be within two years of now")
    commitment = Commitment(
        complaint=complaint,
        kind=normalize_kind(kind),
        note=_note(note),
        due_at=due,
        owner=_owner(session, owner),
        status="open",
        created_by=actor,
        created_at=moment,
    )
    session.add(commitment)
    session.flush()
    log_event(
        session,
        complaint,
        "commitment_made",
        actor,
        {
            "commitment": commitment.id,
            "kind": commitment.kind,
            "due_at": _iso(due),
            "owner": commitment.owner,
            "note": commitment.note,
        },
        now=moment,
    )
    return commitment


def record_bot_promise(
    session: Session,
    complaint: Complaint,
    now: datetime | None = None,
    *,
    new_complaint: bool = False,
) -> Commitment:
    """The bot's "we will answer by <due_at>" as the team's ``answer`` commitment (once).

    ``new_complaint``: the complaint was created in this transaction, so it has no promise
    yet and none is looked up.
    """
    existing = (
        None
        if new_complaint
        else session.execute(
            select(Commitment).where(
                Commitment.complaint_id == complaint.id,
                Commitment.kind == "answer",
                Commitment.created_by == BOT,
            )
        ).scalar_one_or_none()
    )
    if existing is not None:
        return existing
    return add_commitment(
        session,
        complaint,
        kind="answer",
        due_at=complaint.due_at,
        owner=None,
        actor=BOT,
        now=now or complaint.created_at,
    )


def settle_answered(session: Session, complaint: Complaint) -> list[Commitment]:
    """Mark the bot's pending ``answer`` commitments of ``complaint`` done at its first human
    answer (``first_response_at``), if there was one; returns those it settled."""
    if complaint.first_response_at is None:
        return []
    pending = session.execute(
        select(Commitment).where(
            Commitment.complaint_id == complaint.id,
            Commitment.kind == "answer",
            Commitment.created_by == BOT,
            Commitment.status.in_(PENDING),
        )
    ).scalars()
    settled = []
    for commitment in pending:
        _mark_done(session, commitment, "system", complaint.first_response_at)
        settled.append(commitment)
    return settled


def _mark_done(session: Session, commitment: Commitment, actor: str, moment: datetime) -> None:
    commitment.status = "done"
    commitment.done_at = moment
    commitment.done_by = actor
    append_event(
        session,
        commitment.complaint,
        "commitment_done",
        actor,
        {
            "commitment": commitment.id,
            "kind": commitment.kind,
            "on_time": moment <= commitment.due_at,
        },
        now=max(moment, commitment.created_at),
    )


def complete(
    session: Session, commitment: Commitment, actor: str, now: datetime | None = None
) -> Commitment:
    """The commitment was kept (also after it was flagged missed); refused when done already."""
    if commitment.status == "done":
        raise StoreError(f"commitment {commitment.id} is done already")
    _mark_done(session, commitment, actor, _moment(now))
    return commitment


def mark_told(
    session: Session, commitment: Commitment, actor: str, now: datetime | None = None
) -> None:
    """The customer was told that the commitment was kept."""
    moment = _moment(now)
    commitment.customer_told_at = moment
    append_event(
        session,
        commitment.complaint,
        "commitment_told",
        actor,
        {"commitment": commitment.id, "kind": commitment.kind},
        now=moment,
    )


def get_commitment(session: Session, commitment_id: object) -> Commitment | None:
    if isinstance(commitment_id, bool) or not isinstance(commitment_id, int):
        return None
    if not 0 < commitment_id <= MAX_ID:  # beyond an INTEGER column: no such row
        return None
    return session.get(Commitment, commitment_id)


def for_complaint(session: Session, complaint: Complaint) -> list[Commitment]:
    """The complaint's commitments, soonest due first."""
    return list(
        session.execute(
            select(Commitment)
            .where(Commitment.complaint_id == complaint.id)
            .order_by(Commitment.due_at, Commitment.id)
        ).scalars()
    )


def commitment_to_dict(commitment: Commitment, now: datetime | None = None) -> dict[str, Any]:
    """A JSON-safe commitment, with its complaint's ticket and, given ``now``, whether it is
    overdue."""
    data: dict[str, Any] = {
        "id": commitment.id,
        "ticket": commitment.complaint.ticket,
        "category": commitment.complaint.category,
        "kind": commitment.kind,
        "note": commitment.note,
        "due_at": _iso(commitment.due_at),
        "owner": commitment.owner,
        "status": commitment.status,
        "created_by": commitment.created_by,
        "created_at": _iso(commitment.created_at),
        "reminded_at": _iso(commitment.reminded_at),
        "missed_at": _iso(commitment.missed_at),
        "done_at": _iso(commitment.done_at),
        "done_by": commitment.done_by,
        "customer_told_at": _iso(commitment.customer_told_at),
        "kept_on_time": (
            commitment.done_at <= commitment.due_at if commitment.done_at is not None else None
        ),
    }
    if now is not None:
        data["overdue"] = commitment.status != "done" and commitment.due_at < _moment(now)
    return data


# --- the board and the sweep ---------------------------------------------------------------


def _local_day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)


def board(
    session: Session,
    now: datetime,
    zone: tzinfo,
    *,
    owner: str | None = None,
    team: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """The commitments still to keep: ``overdue`` (past due) and ``due_today`` (due later
    today, local time), and ``reminders`` (reminded, not yet due).

    ``team``: everyone's; otherwise those of ``owner`` (and the team's unowned ones).
    """
    moment = _moment(now)
    _, end_of_today = _local_day_bounds(moment.astimezone(zone).date(), zone)
    query = select(Commitment).where(Commitment.status.in_(PENDING))
    if not team:
        query = query.where(or_(Commitment.owner == owner, Commitment.owner.is_(None)))
    rows = list(
        session.execute(
            query.where(Commitment.due_at < end_of_today).order_by(Commitment.due_at, Commitment.id)
        ).scalars()
    )
    reminded = list(
        session.execute(
            select(Commitment)
            .where(
                Commitment.status == "open",
                Commitment.reminded_at.is_not(None),
                Commitment.due_at >= moment,
                *(() if team else (or_(Commitment.owner == owner, Commitment.owner.is_(None)),)),
            )
            .order_by(Commitment.due_at, Commitment.id)
        ).scalars()
    )
    return {
        "overdue": [commitment_to_dict(c, moment) for c in rows if c.due_at < moment],
        "due_today": [commitment_to_dict(c, moment) for c in rows if c.due_at >= moment],
        "reminders": [commitment_to_dict(c, moment) for c in reminded],
    }


def missed(session: Session, since: datetime | None = None) -> list[dict[str, Any]]:
    """Commitments flagged missed (and not kept since), for the supervisors, oldest first."""
    query = select(Commitment).where(Commitment.status == "missed")
    if since is not None:
        query = query.where(Commitment.missed_at >= _moment(since))
    rows = session.execute(query.order_by(Commitment.due_at, Commitment.id)).scalars()
    return [commitment_to_dict(row) for row in rows]


@dataclass
class SweepResult:
    """What one sweep changed: commitments reminded and flagged missed, answers settled."""

    reminded: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    settled: int = 0


def _settle_all_answered(session: Session) -> int:
    rows = session.execute(
        select(Complaint)
        .join(Commitment, Commitment.complaint_id == Complaint.id)
        .where(
            Commitment.kind == "answer",
            Commitment.created_by == BOT,
            Commitment.status.in_(PENDING),
            Complaint.first_response_at.is_not(None),
        )
    ).scalars()
    return sum(len(settle_answered(session, complaint)) for complaint in set(rows))


def sweep(session: Session, now: datetime, lead: timedelta) -> SweepResult:
    """Remind and flag, as of ``now``: each open commitment due within ``lead`` is reminded
    once; each open one past due is flagged ``missed`` (with a complaint event). The bot's
    answer commitments of complaints a person answered are settled first."""
    moment = _moment(now)
    result = SweepResult(settled=_settle_all_answered(session))
    session.flush()
    late = session.execute(
        select(Commitment)
        .where(Commitment.status == "open", Commitment.due_at < moment)
        .order_by(Commitment.due_at, Commitment.id)
    ).scalars()
    for commitment in late:
        commitment.status = "missed"
        commitment.missed_at = moment
        append_event(
            session,
            commitment.complaint,
            "commitment_missed",
            "system",
            {
                "commitment": commitment.id,
                "kind": commitment.kind,
                "owner": commitment.owner,
                "due_at": _iso(commitment.due_at),
            },
            now=moment,
        )
        result.missed.append(commitment_to_dict(commitment, moment))
    soon = session.execute(
        select(Commitment)
        .where(
            Commitment.status == "open",
            Commitment.reminded_at.is_(None),
            Commitment.due_at >= moment,
            Commitment.due_at <= moment + lead,
        )
        .order_by(Commitment.due_at, Commitment.id)
    ).scalars()
    for commitment in soon:
        commitment.reminded_at = moment
        append_event(
            session,
            commitment.complaint,
            "commitment_reminded",
            "system",
            {
                "commitment": commitment.id,
                "owner": commitment.owner,
                "due_at": _iso(commitment.due_at),
            },
            now=moment,
        )
        result.reminded.append(commitment_to_dict(commitment, moment))
    return result


def kept_on_time(rows: Iterable[Commitment], now: datetime) -> dict[str, int | float | None]:
    """``kept`` (done by the due time), ``late`` (done after), ``missed`` (past due, not done),
    ``pending`` (not yet due) and ``rate`` = kept / (kept + late + missed)."""
    moment = _moment(now)
    counts = {"kept": 0, "late": 0, "missed": 0, "pending": 0}
    for commitment in rows:
        if commitment.done_at is not None:
            counts["kept" if commitment.done_at <= commitment.due_at else "late"] += 1
        elif commitment.due_at < moment:
            counts["missed"] += 1
        else:
            counts["pending"] += 1
    decided = counts["kept"] + counts["late"] + counts["missed"]
    return {**counts, "rate": round(counts["kept"] / decided, 4) if decided else None}


__all__ = [
    "COMMITMENT_KINDS",
    "COMMITMENT_STATUSES",
    "SweepResult",
    "add_commitment",
    "board",
    "commitment_to_dict",
    "complete",
    "for_complaint",
    "get_commitment",
    "kept_on_time",
    "mark_told",
    "missed",
    "normalize_kind",
    "record_bot_promise",
    "settle_answered",
    "sweep",
]
