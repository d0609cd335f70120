"""The inbox queries on a real SQLite store: views, filters, search (LIKE wildcards taken
literally), the order of "needs a person" and the counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.store import append_event, session_scope
from bot.store.inbox import (
    VIEWS,
    InboxFilters,
    inbox_counts,
    inbox_page,
    inbox_rows,
    team_counts,
)
from tests.store.test_complaints import T0, new, session, url

__all__ = ["session", "url"]  # the fixtures, shared with the complaint store's tests

NOW = T0 + timedelta(minutes=10)


def tickets(page_rows: list) -> list[str]:
    return [complaint.ticket for complaint, _ in page_rows]


def test_views_filters_and_counts(session: Session) -> None:
    calm = new(session, description="Račun je pogrešan", category="billing")
    urgent = new(session, escalation_reasons=("safety",), severity=3, sender_id="user-2")
    mine = new(session, sender_id="user-3", description="100% wrong_item here")
    mine.status, mine.assigned_agent = "in_progress", "ana"
    append_event(session, mine, "message_agent", "agent:ana", {"text": "On it"}, now=NOW)
    session.flush()

    page = inbox_page(session, InboxFilters(view="all"), "ana", NOW)
    assert page.counts == {"needs_person": 1, "mine": 1, "unassigned": 2, "waiting": 1, "all": 3}
    assert page.total == 3 and sorted(page.categories) == ["billing", "delivery"]
    assert tickets(inbox_page(session, InboxFilters(), "ana", NOW).rows) == [urgent.ticket]
    assert tickets(inbox_page(session, InboxFilters(view="mine"), "ana", NOW).rows) == [mine.ticket]
    assert tickets(inbox_page(session, InboxFilters(view="mine"), "eva", NOW).rows) == []
    billing = inbox_page(session, InboxFilters(view="all", category="billing"), "ana", NOW)
    assert tickets(billing.rows) == [calm.ticket]
    # the mine view's answered conversation waits on the customer, not on Ana
    assert inbox_page(session, InboxFilters(view="all"), "ana", NOW).mine_unread == 0


def test_search_takes_wildcards_literally_and_pages(session: Session) -> None:
    literal = new(session, description="100% wrong_item here")
    new(session, description="1000 wrongXitem", sender_id="user-2")
    found = inbox_page(session, InboxFilters(view="all", q="0% wrong_"), "ana", NOW)
    assert tickets(found.rows) == [literal.ticket]
    first = inbox_page(session, InboxFilters(view="all", limit=1), "ana", NOW)
    second = inbox_page(session, InboxFilters(view="all", limit=1, offset=1), "ana", NOW)
    assert len(first.rows) == len(second.rows) == 1 and first.rows != second.rows
    assert first.total == 2


def test_deadline_and_language_filters(session: Session) -> None:
    croatian = new(session)  # due 24 h after T0
    serbian = new(session, language="sr", script="cyrillic", sender_id="user-2", deadline_hours=1)
    later = InboxFilters(view="all", deadline="later")
    assert tickets(inbox_page(session, later, "ana", NOW).rows) == []
    today = InboxFilters(view="all", deadline="today")
    assert set(tickets(inbox_page(session, today, "ana", NOW).rows)) == {
        croatian.ticket,
        serbian.ticket,
    }
    overdue = inbox_page(
        session, InboxFilters(view="all", deadline="overdue"), "ana", T0 + timedelta(hours=2)
    )
    assert tickets(overdue.rows) == [serbian.ticket]
    cyrillic = InboxFilters(view="all", language=("sr", "cyrillic"))
    assert tickets(inbox_page(session, cyrillic, "ana", NOW).rows) == [serbian.ticket]


def test_a_page_carries_each_complaints_events(url: str) -> None:
    with session_scope(url) as session:
        complaint = new(session)
        append_event(session, complaint, "message_customer", "customer", {"text": "hi"}, now=NOW)
    with session_scope(url) as session:
        [(row, events)] = inbox_page(session, InboxFilters(view="all"), "ana", NOW).rows
        assert row.ticket == complaint.ticket
        assert [event.kind for event in events][-1] == "message_customer"


def test_the_counts_are_the_rows_of_each_view_with_or_without_the_teams_shared(
    session: Session,
) -> None:
    """Every view's count equals its rows, for each agent and filter; the team's counts read
    once and given for another agent change nothing (the console shares them)."""
    for index in range(12):
        complaint = new(
            session,
            sender_id=f"user-{index}",
            category=("billing", "delivery")[index % 2],
            escalation_reasons=("safety",) if index % 3 == 0 else (),
        )
        if index % 4 == 1:
            complaint.status, complaint.assigned_agent = (
                "in_progress",
                ("ana", "eva")[index % 8 // 4],
            )
        if index % 5 == 2:
            append_event(session, complaint, "message_agent", "agent:ana", {"text": "hi"}, now=NOW)
        if index % 6 == 3:
            append_event(session, complaint, "message_customer", "customer", {"text": "?"}, now=NOW)
    session.flush()
    for filters in (InboxFilters(), InboxFilters(category="billing"), InboxFilters(q="nothing")):
        team = team_counts(session, filters, NOW)
        for username in ("ana", "eva", "ivo"):
            counts = inbox_counts(session, filters, username, NOW)
            assert inbox_counts(session, filters, username, NOW, team) == counts
            for view in VIEWS:
                every = replace(filters, view=view, limit=100)
                assert counts.counts[view] == len(inbox_rows(session, every, username, NOW)), view
    assert inbox_counts(session, InboxFilters(), "eva", NOW).counts["mine"] > 0
