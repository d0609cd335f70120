"""A complaint's clocks as the queue, the console and analytics show them.

``clocks_of`` lists the company's SLA and, where the jurisdiction sets them, the statutory
first-answer and resolution deadlines stamped on the complaint at creation (see
:mod:`bot.store.register_numbers`), each with its state (:func:`bot.policy.clocks.clock_state`).
A clock stops when what it waits for happened: the SLA and the first answer at the first human
reply (or the written answer, or the resolution), the resolution clock at the resolution.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.policy.clocks import CLOCK_STATES, clock_state
from bot.store.tables import Complaint


def _first(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


def clocks_of(complaint: Complaint, now: datetime) -> list[dict[str, Any]]:
    """``[{"kind", "due_at", "statutory", "state", "stopped_at"}]``, statutory ones first."""
    answered = _first(complaint.first_response_at, complaint.answered_at, complaint.resolved_at)
    resolved = _first(complaint.resolved_at, complaint.closed_at)
    resolution_due = complaint.extension_due_at or complaint.statutory_resolution_due_at
    entries = [
        ("first_answer", complaint.statutory_answer_due_at, True, answered),
        ("resolution", resolution_due, True, resolved),
        ("sla", complaint.due_at, False, answered),
    ]
    clocks = []
    for kind, due_at, statutory, stopped_at in entries:
        if due_at is None:
            continue
        clocks.append(
            {
                "kind": kind,
                "due_at": due_at.astimezone(timezone.utc).isoformat(),
                "statutory": statutory,
                "state": clock_state(complaint.created_at, due_at, now, stopped_at),
                "stopped_at": stopped_at.astimezone(timezone.utc).isoformat()
                if stopped_at
                else None,
            }
        )
    return clocks


def urgency(clocks: list[dict[str, Any]]) -> str:
    """The most urgent state among the clocks still running (``ok`` when none runs)."""
    running = [clock["state"] for clock in clocks if clock["stopped_at"] is None]
    return max(running, key=CLOCK_STATES.index, default="ok")
