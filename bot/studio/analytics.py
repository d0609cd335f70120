"""Analytics of the complaints: volumes, escalations, promised deadlines and reply times.

Figures are computed from the ``complaints`` table (one query, filtered by creation date,
language and category) in Python, so that SQLite and PostgreSQL give the same answers.

* A promised deadline is **met** when a person first answered (``first_response_at``) or the
  complaint was resolved at or before ``due_at``; **breached** when that happened later, or has
  not happened and ``due_at`` has passed; otherwise it is **pending**.
* Time to first human reply: ``first_response_at - created_at``; time to resolution:
  ``resolved_at - created_at`` (hours; median and mean over the complaints that have one).
* Promises kept on time: the commitments of those complaints (``bot.store.commitments``), per
  owner (``team`` for the bot's own "we will answer by ...") and per category: ``kept`` by the
  due time, ``late``, ``missed`` (past due, not kept), ``pending``; ``rate`` = kept / decided.
* Clocks met or missed: each clock of :func:`bot.store.clock_view.clocks_of` (the SLA and the
  statutory ones of the jurisdiction) is ``met`` when it stopped in time, ``missed`` when it
  stopped late or ran out, else ``running``.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import store
from bot.settings import Settings
from bot.store.clock_view import clocks_of
from bot.store.commitments import kept_on_time
from bot.store.tables import (
    LANGUAGES,
    MAX_RATING,
    MIN_RATING,
    Commitment,
    Complaint,
    CsatRating,
)
from bot.studio.errors import StudioError

MAX_RANGE_DAYS = 366 * 3
#: A rating of this or more counts as satisfied (the share of 4s and 5s).
SATISFIED_AT_LEAST = 4
#: The agent of a rating given for a complaint nobody was assigned to (the bot handled it).
NO_AGENT = "(bot)"
CSV_COLUMNS: tuple[str, ...] = (
    "ticket",
    "created_at",
    "day",
    "language",
    "category",
    "status",
    "escalated",
    "escalation_reasons",
    "due_at",
    "deadline",
    "first_human_reply_hours",
    "resolution_hours",
)


@dataclass(frozen=True)
class Filters:
    """Which complaints to count: created on ``start``..``end`` (inclusive, local days)."""

    start: date | None = None
    end: date | None = None
    language: str | None = None
    category: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "language": self.language,
            "category": self.category,
        }


def _day(value: object, name: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 10:
        raise StudioError(f"{name} must be a date like 2024-05-01.", status=422)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise StudioError(f"{name} must be a date like 2024-05-01.", status=422) from None


def parse_filters(args: dict[str, Any], settings: Settings) -> Filters:
    """Filters from query parameters ``from``, ``to``, ``language``, ``category`` (4xx-safe)."""
    start, end = _day(args.get("from"), "from"), _day(args.get("to"), "to")
    if start and end and start > end:
        raise StudioError("'from' is after 'to'.", status=422)
    if start and end and (end - start).days > MAX_RANGE_DAYS:
        raise StudioError(f"Choose at most {MAX_RANGE_DAYS} days.", status=422)
    language = args.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise StudioError(f"language must be one of {', '.join(LANGUAGES)}.", status=422)
    category = args.get("category") or None
    slugs = settings.category_slugs
    if category is not None and category not in slugs:
        raise StudioError(f"category must be one of {', '.join(slugs)}.", status=422)
    return Filters(start, end, language, category)


def _zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def deadline_state(complaint: Complaint, now: datetime) -> str:
    answered = [m for m in (complaint.first_response_at, complaint.resolved_at) if m]
    first = min(answered) if answered else None
    if first is not None:
        return "met" if first <= complaint.due_at else "breached"
    return "breached" if now > complaint.due_at else "pending"


def _hours(start: datetime, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 3600, 2) if end else None


def _clock_outcomes(complaint: Complaint, now: datetime) -> dict[str, str]:
    """``{clock kind: met | missed | running}``."""
    outcomes = {}
    for clock in clocks_of(complaint, now):
        if clock["state"] == "overdue":
            outcomes[clock["kind"]] = "missed"
        else:
            outcomes[clock["kind"]] = "met" if clock["stopped_at"] else "running"
    return outcomes


def _row(complaint: Complaint, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    return {
        "ticket": complaint.ticket,
        "created_at": complaint.created_at.isoformat(timespec="seconds"),
        "day": complaint.created_at.astimezone(zone).date().isoformat(),
        "language": complaint.language,
        "category": complaint.category,
        "status": complaint.status,
        "escalated": bool(complaint.escalated),
        "escalation_reasons": list(complaint.escalation_reasons or []),
        "due_at": complaint.due_at.isoformat(timespec="seconds"),
        "deadline": deadline_state(complaint, now),
        "first_human_reply_hours": _hours(complaint.created_at, complaint.first_response_at),
        "resolution_hours": _hours(complaint.created_at, complaint.resolved_at),
        "clocks": _clock_outcomes(complaint, now),
    }


def complaint_rows(
    filters: Filters, settings: Settings, database_url: str | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """One row per complaint matching ``filters``, oldest first, from ``database_url`` (the
    settings' database by default), with days in the settings' time zone."""
    zone = _zone(settings)
    moment = now or datetime.now(timezone.utc)
    with store.session_scope(database_url or settings.database_url) as session:
        query = _filtered(session.query(Complaint), filters, zone)
        return [
            _row(complaint, zone, moment)
            for complaint in query.order_by(Complaint.created_at, Complaint.id)
        ]


def csat_rows(
    filters: Filters, settings: Settings, database_url: str | None = None
) -> list[dict[str, Any]]:
    """One row per rated complaint matching ``filters`` (by the complaint's day of receipt,
    language and category): rating, category, language and the agent it was rated for."""
    zone = _zone(settings)
    with store.session_scope(database_url or settings.database_url) as session:
        query = session.query(CsatRating, Complaint).join(
            Complaint, CsatRating.complaint_id == Complaint.id
        )
        query = _filtered(query, filters, zone)
        return [
            {
                "rating": int(rating.rating),
                "category": complaint.category,
                "language": complaint.language,
                "agent": rating.agent or NO_AGENT,
                "feedback": rating.feedback is not None,
            }
            for rating, complaint in query.order_by(CsatRating.id)
        ]


def _csat_group(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Count, mean and the share of 4s and 5s (the usual "CSAT %") of some ratings."""
    ratings = [row["rating"] for row in rows]
    satisfied = sum(1 for rating in ratings if rating >= SATISFIED_AT_LEAST)
    return {
        "count": len(ratings),
        "mean": round(statistics.fmean(ratings), 2) if ratings else None,
        "satisfied": round(satisfied / len(ratings), 4) if ratings else None,
    }


def csat_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """CSAT overall and per category, agent and language."""

    def by(key: str) -> dict[str, Any]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(row[key], []).append(row)
        return {name: _csat_group(groups[name]) for name in sorted(groups)}

    return {
        **_csat_group(rows),
        "distribution": {
            str(value): sum(1 for row in rows if row["rating"] == value)
            for value in range(MIN_RATING, MAX_RATING + 1)
        },
        "with_feedback": sum(1 for row in rows if row["feedback"]),
        "per_category": by("category"),
        "per_agent": by("agent"),
        "per_language": by("language"),
    }


def _filtered(query: Any, filters: Filters, zone: ZoneInfo) -> Any:
    """``query`` (over complaints, or joined to them) limited to the complaints of ``filters``."""
    if filters.start:
        query = query.filter(Complaint.created_at >= datetime.combine(filters.start, time(), zone))
    if filters.end:
        end = datetime.combine(filters.end + timedelta(days=1), time(), zone)
        query = query.filter(Complaint.created_at < end)
    if filters.language:
        query = query.filter(Complaint.language == filters.language)
    if filters.category:
        query = query.filter(Complaint.category == filters.category)
    return query


def promises(
    filters: Filters, settings: Settings, database_url: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Promises kept on time, overall, per owner (``team``: no one person) and per category,
    for the commitments of the complaints of ``filters``."""
    moment = now or datetime.now(timezone.utc)
    with store.session_scope(database_url or settings.database_url) as session:
        query = session.query(Commitment, Complaint.category).join(
            Complaint, Commitment.complaint_id == Complaint.id
        )
        rows = list(_filtered(query, filters, _zone(settings)).order_by(Commitment.id))
        by_owner: dict[str, list[Commitment]] = {}
        by_category: dict[str, list[Commitment]] = {}
        for commitment, category in rows:
            by_owner.setdefault(commitment.owner or "team", []).append(commitment)
            by_category.setdefault(category, []).append(commitment)
        return {
            "overall": kept_on_time([row for row, _ in rows], moment),
            "per_agent": {k: kept_on_time(v, moment) for k, v in sorted(by_owner.items())},
            "per_category": {k: kept_on_time(v, moment) for k, v in sorted(by_category.items())},
        }


def _clock_figures(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per clock kind: how many were met, missed, or are still running."""
    figures: dict[str, dict[str, int]] = {}
    for row in rows:
        for kind, outcome in row["clocks"].items():
            counts = figures.setdefault(kind, {"met": 0, "missed": 0, "running": 0})
            counts[outcome] += 1
    return dict(sorted(figures.items()))


def _count(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[key]] = counts.get(row[key], 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _spread(values: list[float]) -> dict[str, float | int | None]:
    return {
        "count": len(values),
        "median_hours": round(statistics.median(values), 2) if values else None,
        "mean_hours": round(statistics.fmean(values), 2) if values else None,
    }


def _days(rows: list[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """Complaints per day, with the days without complaints in between."""
    counts = _count(rows, "day")
    if not counts and not (filters.start and filters.end):
        return []
    first = filters.start or date.fromisoformat(min(counts))
    last = filters.end or date.fromisoformat(max(counts))
    days: list[dict[str, Any]] = []
    day = first
    while day <= last and len(days) <= MAX_RANGE_DAYS:
        days.append({"day": day.isoformat(), "complaints": counts.get(day.isoformat(), 0)})
        day += timedelta(days=1)
    return days


def summary(
    filters: Filters, settings: Settings, database_url: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every figure the analytics page shows."""
    rows = complaint_rows(filters, settings, database_url, now)
    escalated = [row for row in rows if row["escalated"]]
    reasons: dict[str, int] = {}
    for row in escalated:
        for reason in row["escalation_reasons"]:
            reasons[reason] = reasons.get(reason, 0) + 1
    deadlines = {"met": 0, "breached": 0, "pending": 0}
    for row in rows:
        deadlines[row["deadline"]] += 1
    replies = [
        r["first_human_reply_hours"] for r in rows if r["first_human_reply_hours"] is not None
    ]
    resolutions = [r["resolution_hours"] for r in rows if r["resolution_hours"] is not None]
    return {
        "filters": filters.to_dict(),
        "total": len(rows),
        "per_day": _days(rows, filters),
        "per_category": _count(rows, "category"),
        "per_language": _count(rows, "language"),
        "escalation": {
            "escalated": len(escalated),
            "rate": round(len(escalated) / len(rows), 4) if rows else None,
            "reasons": dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        },
        "deadlines": deadlines,
        "clocks": _clock_figures(rows),
        "promises": promises(filters, settings, database_url, now),
        "first_human_reply": _spread(replies),
        "resolution": _spread(resolutions),
        "csat": csat_summary(csat_rows(filters, settings, database_url)),
        "categories": list(settings.category_slugs),
        "languages": list(LANGUAGES),
    }


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The complaint rows as CSV (cells that a spreadsheet would run as formulas are quoted
    with a leading apostrophe)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = {**row, "escalation_reasons": " ".join(row["escalation_reasons"])}
        writer.writerow({key: _safe_cell(cells[key]) for key in CSV_COLUMNS})
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
