"""Satisfaction ratings (CSAT) of resolved complaints: one per complaint, with the answer to
"what could we have done better?" for a rating of 3 or less.

Like :mod:`bot.store.complaints`, nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import lambda_stmt, select
from sqlalchemy.orm import Session

from bot.store.complaints import append_event
from bot.store.db import StoreError
from bot.store.tables import (
    MAX_FEEDBACK_CHARS,
    MAX_RATING,
    MIN_RATING,
    Complaint,
    CsatRating,
    utcnow,
)
from bot.text.clean import remove_controls

#: A rating of this or less asks "what could we have done better?".
ASK_BETTER_AT_MOST = 3
VIA = ("widget", "link")


class AlreadyRated(StoreError):
    """The complaint has its rating already: a customer rates once."""


def rating_of(session: Session, complaint: Complaint) -> CsatRating | None:
    """The complaint's rating (asked on customer messages: the statement is built once, see
    :func:`bot.store.complaints.latest_for_sender`)."""
    complaint_id = complaint.id
    found: CsatRating | None = session.execute(
        lambda_stmt(lambda: select(CsatRating).where(CsatRating.complaint_id == complaint_id))
    ).scalar_one_or_none()
    return found


def record_rating(
    session: Session, complaint: Complaint, rating: int, via: str, now: datetime | None = None
) -> CsatRating:
    """Store the customer's rating; :class:`AlreadyRated` when there is one."""
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise StoreError("the rating must be a whole number")
    if not MIN_RATING <= rating <= MAX_RATING:
        raise StoreError(f"the rating must be from {MIN_RATING} to {MAX_RATING}")
    if via not in VIA:
        raise StoreError(f"via must be one of {', '.join(VIA)}")
    if complaint.status not in ("resolved", "closed"):
        raise StoreError(f"complaint {complaint.ticket} is not resolved")
    if rating_of(session, complaint) is not None:
        raise AlreadyRated(f"complaint {complaint.ticket} is rated already")
    moment = now or utcnow()
    row = CsatRating(
        complaint_id=complaint.id,
        rating=rating,
        via=via,
        agent=complaint.assigned_agent,
        created_at=moment,
    )
    session.add(row)
    session.flush()
    append_event(session, complaint, "csat_rated", "customer", {"rating": rating, "via": via})
    return row


def clean_feedback(text: str) -> str:
    cleaned = remove_controls(text.encode("utf-8", "replace").decode("utf-8")).strip()
    if len(cleaned) > MAX_FEEDBACK_CHARS:
        cleaned = cleaned[: MAX_FEEDBACK_CHARS - 1] + "…"
    return cleaned


def record_feedback(
    session: Session, complaint: Complaint, row: CsatRating, text: str, now: datetime | None = None
) -> None:
    """Store what could have been done better (once; empty text is refused)."""
    cleaned = clean_feedback(text)
    if not cleaned:
        raise StoreError("the answer must be non-empty text")
    if row.feedback is not None:
        raise AlreadyRated(f"complaint {complaint.ticket} has its feedback already")
    row.feedback = cleaned
    row.feedback_at = now or utcnow()
    append_event(session, complaint, "csat_feedback", "customer", {"text": cleaned})


def awaiting_feedback(
    session: Session, complaint: Complaint, now: datetime, window: timedelta
) -> CsatRating | None:
    """The complaint's low rating whose "what could we have done better?" is unanswered and
    was asked within ``window``."""
    row = rating_of(session, complaint)
    if (
        row is None
        or row.rating > ASK_BETTER_AT_MOST
        or row.feedback is not None
        or now - row.created_at > window
    ):
        return None
    return row
