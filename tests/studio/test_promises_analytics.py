"""Analytics: promises kept on time per agent and per category, and clocks met or missed,
computed from a real store (SQLite) seeded here with figures counted by hand."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from bot import store
from bot.dialogue.deadlines import complaint_clocks
from bot.settings import get_settings
from bot.store.commitments import add_commitment, complete, record_bot_promise, settle_answered
from bot.studio import analytics

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
HOUR = timedelta(hours=1)
SETTINGS = dataclasses.replace(get_settings(), jurisdiction="rs")


def _complaint(session: store.Session, category: str, created: datetime) -> store.Complaint:
    complaint = store.create_complaint(
        session, sender_id=f"s-{category}-{created.day}", channel="socketio", language="sr",
        script="latin", category=category, severity=2, anger_score=0.0, description="x",
        deadline_hours=24, prefix="C", now=created, clocks=complaint_clocks(SETTINGS, created),
    )  # fmt: skip
    record_bot_promise(session, complaint, created)
    return complaint


def _seed(url: str) -> None:
    with store.session_scope(url) as session:
        for name in ("ana", "ivo"):
            store.create_agent(session, username=name, password="correct horse", role="agent")
        billing = _complaint(session, "billing", T0)
        delivery = _complaint(session, "delivery", T0 + HOUR)
        # billing: answered after 2 h (SLA and first answer met); ana's refund kept on time,
        # ana's call-back kept late, ivo's visit missed.
        store.append_event(session, billing, "message_agent", "agent:ana", {"text": "hi"},
                           now=T0 + 2 * HOUR)  # fmt: skip
        settle_answered(session, billing)
        refund = add_commitment(session, billing, kind="refund", due_at=T0 + 5 * HOUR,
                                owner="ana", actor="agent:ana", now=T0 + 2 * HOUR)  # fmt: skip
        complete(session, refund, "agent:ana", T0 + 4 * HOUR)
        call = add_commitment(session, billing, kind="call_back", due_at=T0 + 5 * HOUR,
                              owner="ana", actor="agent:ana", now=T0 + 2 * HOUR)  # fmt: skip
        complete(session, call, "agent:ana", T0 + 6 * HOUR)
        add_commitment(session, billing, kind="visit", due_at=T0 + 30 * HOUR, owner="ivo",
                       actor="agent:ana", now=T0 + 2 * HOUR)  # fmt: skip
        # delivery: never answered; ivo's replacement not yet due.
        add_commitment(session, delivery, kind="replacement", due_at=T0 + 400 * HOUR,
                       owner="ivo", actor="agent:ivo", now=T0 + 2 * HOUR)  # fmt: skip


def test_promises_and_clocks_from_a_real_store(sqlite_url: str) -> None:
    _seed(sqlite_url)
    now = T0 + 4 * 24 * HOUR  # Friday: the SLA (24 business hours) of delivery has run out
    figures = analytics.summary(analytics.Filters(), SETTINGS, sqlite_url, now)
    promises = figures["promises"]
    assert promises["per_agent"] == {
        "ana": {"kept": 1, "late": 1, "missed": 0, "pending": 0, "rate": 0.5},
        "ivo": {"kept": 0, "late": 0, "missed": 1, "pending": 1, "rate": 0.0},
        # the bot's answers: billing's kept (answered in 2 h), delivery's missed
        "team": {"kept": 1, "late": 0, "missed": 1, "pending": 0, "rate": 0.5},
    }
    assert promises["per_category"] == {
        "billing": {"kept": 2, "late": 1, "missed": 1, "pending": 0, "rate": 0.5},
        "delivery": {"kept": 0, "late": 0, "missed": 1, "pending": 1, "rate": 0.0},
    }
    assert promises["overall"]["rate"] == round(2 / 5, 4)
    # Serbia: first answer in 8 days and resolution in 15 (both still running for delivery,
    # the first answer met for billing); the SLA met for billing and missed for delivery.
    assert figures["clocks"] == {
        "first_answer": {"met": 1, "missed": 0, "running": 1},
        "resolution": {"met": 0, "missed": 0, "running": 2},
        "sla": {"met": 1, "missed": 1, "running": 0},
    }
    only_delivery = analytics.summary(
        analytics.Filters(category="delivery"), SETTINGS, sqlite_url, now
    )
    assert only_delivery["promises"]["per_agent"] == {
        "ivo": {"kept": 0, "late": 0, "missed": 0, "pending": 1, "rate": None},
        "team": {"kept": 0, "late": 0, "missed": 1, "pending": 0, "rate": 0.0},
    }
