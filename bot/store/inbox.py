"""The agents' inbox as queries: views, filters, search, order and one page of complaints with
their events. The web layer validates the request and shapes each row (bot/web/console.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.store.tables import ACTIVE_STATUSES, Complaint, ComplaintEvent

#: The inbox's views, in the order the console shows them.
VIEWS: tuple[str, ...] = ("needs_person", "mine", "unassigned", "waiting", "all")
#: Deadline filters: passed, within two hours, within a day, later.
DEADLINES: tuple[str, ...] = ("overdue", "soon", "today", "later")
NEAR_DEADLINE = timedelta(hours=2)
#: The customer's side of a conversation (what waits for an answer) and the agent's.
CUSTOMER_KINDS: tuple[str, ...] = (
    "created",
    "described",
    "details_added",
    "resolution_stated",
    "message_customer",
    "handoff_requested",
)
MESSAGE_KINDS: tuple[str, ...] = ("message_customer", "message_agent")
#: A customer who wrote this recently is still at the widget: their conversation goes on top.
LIVE_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class InboxFilters:
    """What one page of the inbox shows; values are already validated (``view`` one of
    :data:`VIEWS`, ``deadline`` one of :data:`DEADLINES`, ``language`` a (slot, script) pair)."""

    view: str = "needs_person"
    status: str | None = None
    language: tuple[str, str | None] | None = None
    category: str | None = None
    deadline: str | None = None
    q: str = ""
    limit: int = 50
    offset: int = 0


@dataclass
class InboxPage:
    """One page: the complaints with their events (oldest first), and the counts the tabs show."""

    rows: list[tuple[Complaint, list[ComplaintEvent]]]
    counts: dict[str, int]
    categories: list[str]
    #: the agent's own conversations with a customer message not yet answered
    mine_unread: int
    view: str = "all"

    @property
    def total(self) -> int:
        """How many complaints the page's view holds in all."""
        return self.counts.get(self.view, 0)


def _last(kinds: tuple[str, ...]) -> Any:
    """The time of the complaint's latest event of ``kinds`` (a correlated subquery)."""
    return (
        select(func.max(ComplaintEvent.created_at))
        .where(ComplaintEvent.complaint_id == Complaint.id)
        .where(ComplaintEvent.kind.in_(kinds))
        .scalar_subquery()
    )


def _search(q: str) -> Any:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    columns = (Complaint.ticket, Complaint.description, Complaint.contact, Complaint.order_ref)
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _view_condition(view: str, username: str, last_in: Any, last_out: Any) -> Any:
    active = Complaint.status.in_(ACTIVE_STATUSES)
    if view == "needs_person":
        return Complaint.status == "escalated"
    if view == "mine":
        return and_(active, Complaint.assigned_agent == username)
    if view == "unassigned":
        return and_(active, Complaint.assigned_agent.is_(None))
    if view == "waiting":
        return and_(active, last_out.isnot(None), or_(last_in.is_(None), last_out > last_in))
    return None


def _filter_conditions(filters: InboxFilters, now: datetime) -> list[Any]:
    found: list[Any] = []
    if filters.status:
        found.append(Complaint.status == filters.status)
    if filters.language:
        slot, script = filters.language
        found += [Complaint.language == slot, Complaint.script == script]
    if filters.category:
        found.append(Complaint.category == filters.category)
    if filters.deadline == "overdue":
        found.append(Complaint.due_at <= now)
    elif filters.deadline == "soon":
        found += [Complaint.due_at > now, Complaint.due_at <= now + NEAR_DEADLINE]
    elif filters.deadline == "today":
        found += [Complaint.due_at > now, Complaint.due_at <= now + timedelta(days=1)]
    elif filters.deadline == "later":
        found.append(Complaint.due_at > now + timedelta(days=1))
    if filters.q.strip():
        found.append(_search(filters.q.strip()))
    return found


def _order(view: str, last_in: Any, last_out: Any, now: datetime) -> list[Any]:
    if view == "all":
        return [Complaint.created_at.desc(), Complaint.id.desc()]
    if view == "waiting":
        return [last_out.asc(), Complaint.id]
    live = case((last_in >= now - LIVE_WINDOW, 1), else_=0)
    return [
        live.desc(),  # a customer at the widget right now first, the newest on top
        case((last_in >= now - LIVE_WINDOW, last_in), else_=None).desc(),
        Complaint.severity.desc(),
        Complaint.due_at.asc(),
        Complaint.id,
    ]


@dataclass(frozen=True)
class InboxCounts:
    """What the tabs and facets show: every view's count, the categories in use, and the
    agent's own unanswered conversations."""

    counts: dict[str, int]
    categories: list[str]
    mine_unread: int


def latest_event_id(session: Session) -> int:
    """The newest complaint event's id: any change a console shows adds one (0: none yet)."""
    return int(session.execute(select(func.max(ComplaintEvent.id))).scalar() or 0)


@dataclass(frozen=True)
class TeamCounts:
    """The counts that are the same for every agent under the same filters: each view's but
    ``mine``, and the categories in use."""

    counts: tuple[tuple[str, int], ...]
    categories: tuple[str, ...]


def team_counts(session: Session, filters: InboxFilters, now: datetime) -> TeamCounts:
    """Every view's count under ``filters`` but ``mine``'s, in one pass over the complaints,
    and the categories."""
    last_in, last_out = _last(CUSTOMER_KINDS), _last(("message_agent",))
    views = [view for view in VIEWS if view != "mine"]
    tallies = []
    for view in views:
        condition = _view_condition(view, "", last_in, last_out)
        tally = func.count(Complaint.id)
        tallies.append(tally if condition is None else tally.filter(condition))
    found = session.execute(select(*tallies).where(*_filter_conditions(filters, now))).one()
    categories = sorted(
        str(value) for value in session.execute(select(Complaint.category).distinct()).scalars()
    )
    return TeamCounts(
        counts=tuple((view, int(value or 0)) for view, value in zip(views, found, strict=True)),
        categories=tuple(categories),
    )


def agent_counts(
    session: Session, filters: InboxFilters, username: str, now: datetime
) -> tuple[int, int]:
    """``username``'s ``mine`` count under ``filters``, and their unanswered conversations
    (whatever the filters), in one pass over their own complaints."""
    last_in, last_out = _last(CUSTOMER_KINDS), _last(("message_agent",))
    conditions = _filter_conditions(filters, now)
    mine = func.count(Complaint.id)
    unread = func.count(Complaint.id).filter(
        last_in.isnot(None), or_(last_out.is_(None), last_in > last_out)
    )
    found = session.execute(
        select(mine.filter(and_(*conditions)) if conditions else mine, unread).where(
            Complaint.status.in_(ACTIVE_STATUSES), Complaint.assigned_agent == username
        )
    ).one()
    return int(found[0] or 0), int(found[1] or 0)


def inbox_counts(
    session: Session,
    filters: InboxFilters,
    username: str,
    now: datetime,
    team: TeamCounts | None = None,
) -> InboxCounts:
    """Every view's count under ``filters`` for ``username``, the categories and ``username``'s
    unanswered conversations; ``team`` when the caller has them already (they are the same
    for every agent, :func:`team_counts`)."""
    team = team or team_counts(session, filters, now)
    mine, mine_unread = agent_counts(session, filters, username, now)
    shared = dict(team.counts)
    return InboxCounts(
        counts={view: mine if view == "mine" else shared[view] for view in VIEWS},
        categories=list(team.categories),
        mine_unread=mine_unread,
    )


def inbox_rows(
    session: Session, filters: InboxFilters, username: str, now: datetime
) -> list[tuple[Complaint, list[ComplaintEvent]]]:
    """One page of ``filters.view`` (``username`` matters only to the ``mine`` view), each
    complaint with its events, oldest first."""
    last_in, last_out = _last(CUSTOMER_KINDS), _last(("message_agent",))
    query = select(Complaint).where(*_filter_conditions(filters, now))
    condition = _view_condition(filters.view, username, last_in, last_out)
    if condition is not None:
        query = query.where(condition)
    query = query.order_by(*_order(filters.view, last_in, last_out, now))
    rows = list(session.execute(query.offset(filters.offset).limit(filters.limit)).scalars())
    events: dict[int, list[ComplaintEvent]] = {row.id: [] for row in rows}
    if rows:
        found = session.execute(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id.in_(list(events)))
            .order_by(ComplaintEvent.created_at, ComplaintEvent.id)
        ).scalars()
        for entry in found:
            events[entry.complaint_id].append(entry)
    return [(row, events[row.id]) for row in rows]


def inbox_page(session: Session, filters: InboxFilters, username: str, now: datetime) -> InboxPage:
    """One page of ``filters.view`` for ``username``, with every view's count."""
    tallies = inbox_counts(session, filters, username, now)
    return InboxPage(
        rows=inbox_rows(session, filters, username, now),
        counts=tallies.counts,
        categories=tallies.categories,
        mine_unread=tallies.mine_unread,
        view=filters.view,
    )
