"""Register numbers, sequential per year (``2026-000123``), and the statutory clocks a new
complaint is stamped with.

The next number is the year's highest plus one; the unique index settles a race between two
writers, and the loser takes the following number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.policy.clocks import ComplaintClocks
from bot.store.db import StoreError
from bot.store.tables import Complaint

MAX_REGISTER_ATTEMPTS = 20
MAX_ANSWER_CHARS = 10_000


def format_register_number(year: int, number: int) -> str:
    return f"{year:04d}-{number:06d}"


def _last_number(session: Session, year: int) -> int:
    prefix = f"{year:04d}-"
    highest = session.execute(
        select(func.max(Complaint.register_number)).where(
            Complaint.register_number.like(f"{prefix}%")
        )
    ).scalar_one_or_none()
    return int(str(highest)[len(prefix) :]) if highest else 0


def assign_register_number(session: Session, complaint: Complaint, year: int) -> str:
    """Give ``complaint`` the next register number of ``year`` (local year of receipt)."""
    for _ in range(MAX_REGISTER_ATTEMPTS):
        number = format_register_number(year, _last_number(session, year) + 1)
        try:
            with session.begin_nested():
                complaint.register_number = number
                session.flush()
        except IntegrityError:
            complaint.register_number = None
            continue
        return number
    raise StoreError(f"no free register number after {MAX_REGISTER_ATTEMPTS} attempts")


def clock_fields(clocks: ComplaintClocks) -> dict[str, Any]:
    """The statutory clocks of a new complaint, as column values for its insert."""
    return {
        "jurisdiction": clocks.jurisdiction,
        "statutory_answer_due_at": clocks.statutory_answer_due_at,
        "statutory_resolution_due_at": clocks.statutory_resolution_due_at,
    }

