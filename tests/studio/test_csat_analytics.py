"""CSAT figures per category, agent and language from a real SQLite store, computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot import store
from bot.settings import get_settings
from bot.store import csat as ratings
from bot.studio import analytics

SETTINGS = get_settings()
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def _rated(
    session: store.Session, n: int, *, language: str, category: str, agent: str | None,
    rating: int | None, feedback: str | None = None, day: int = 0,
) -> None:  # fmt: skip
    complaint = store.create_complaint(
        session, sender_id=f"csat-{n}", channel="socketio", language=language, script="latin",
        category=category, severity=2, anger_score=0.0, description="seeded", deadline_hours=24,
        prefix="C", now=T0 + timedelta(days=day),
    )  # fmt: skip
    complaint.assigned_agent = agent
    store.set_status(session, complaint, "resolved", "agent:x", "done")
    if rating is not None:
        row = ratings.record_rating(session, complaint, rating, "widget")
        if feedback:
            ratings.record_feedback(session, complaint, row, feedback)


def test_csat_per_category_agent_and_language(sqlite_url: str) -> None:
    with store.session_scope(sqlite_url) as session:
        _rated(session, 1, language="en", category="delivery", agent="ana", rating=5)
        _rated(session, 2, language="en", category="delivery", agent="ana", rating=4)
        _rated(session, 3, language="hr", category="delivery", agent="ivo", rating=2,
               feedback="Sporo")  # fmt: skip
        _rated(session, 4, language="hr", category="billing", agent="ivo", rating=3, day=5)
        _rated(session, 5, language="sr", category="billing", agent=None, rating=1, day=5)
        _rated(session, 6, language="sr", category="billing", agent="ana", rating=None)
    figures = analytics.summary(analytics.Filters(), SETTINGS, sqlite_url)["csat"]
    assert (figures["count"], figures["mean"], figures["satisfied"]) == (5, 3.0, 0.4)
    assert figures["distribution"] == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}
    assert figures["with_feedback"] == 1
    assert figures["per_category"] == {
        "billing": {"count": 2, "mean": 2.0, "satisfied": 0.0},
        "delivery": {"count": 3, "mean": 3.67, "satisfied": 0.6667},
    }
    assert figures["per_agent"] == {
        "(bot)": {"count": 1, "mean": 1.0, "satisfied": 0.0},
        "ana": {"count": 2, "mean": 4.5, "satisfied": 1.0},
        "ivo": {"count": 2, "mean": 2.5, "satisfied": 0.0},
    }
    assert figures["per_language"] == {
        "en": {"count": 2, "mean": 4.5, "satisfied": 1.0},
        "hr": {"count": 2, "mean": 2.5, "satisfied": 0.0},
        "sr": {"count": 1, "mean": 1.0, "satisfied": 0.0},
    }
    # the filters apply to the rated complaints too
    hr = analytics.summary(analytics.Filters(language="hr"), SETTINGS, sqlite_url)["csat"]
    assert (hr["count"], hr["mean"]) == (2, 2.5)
    first_days = analytics.Filters(start=T0.date(), end=(T0 + timedelta(days=1)).date())
    early = analytics.summary(first_days, SETTINGS, sqlite_url)["csat"]
    assert (early["count"], early["mean"]) == (3, 3.67)
    none = analytics.summary(analytics.Filters(category="safety"), SETTINGS, sqlite_url)["csat"]
    assert none["count"] == 0 and none["mean"] is None and none["per_agent"] == {}
