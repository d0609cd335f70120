"""The statements built once (session 17) count and find what the statements built per call
found: every shape of :func:`count_prior_complaints` and :func:`count_same_matter`, over a set of
complaints from several conversations and customers, against the statements as they were built
before (with the values inline), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.store import create_complaint, read_scope, session_scope
from bot.store.complaints import count_prior_complaints, get_by_origin_key, get_by_ticket
from bot.store.customers import count_same_matter, link_complaint
from bot.store.tables import ACTIVE_STATUSES, Complaint, CustomerKey
from tests.store import test_customers

url = test_customers.url  # the same databases: SQLite and PostgreSQL

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
SENDERS = ("conv-a", "conv-b", "conv-c")
CATEGORIES = ("delivery", "billing")
ORDERS = (None, "ORD-1", "ord-2")
CONTACTS = (None, "ana@example.com", "ivo@example.com")


def _fill(url: str) -> list[Complaint]:
    complaints = []
    with session_scope(url) as session:
        combinations = itertools.product(SENDERS, CATEGORIES, ORDERS, CONTACTS)
        for index, (sender, category, order, contact) in enumerate(combinations):
            complaint = create_complaint(
                session, sender_id=sender, channel="rest", language="en", script="latin",
                category=category, severity=2, anger_score=0.0, description="late",
                deadline_hours=24, prefix="C", order_ref=order, contact=contact,
                origin_key=f"{sender}:{index}", now=T0 + timedelta(days=index % 9),
            )  # fmt: skip
            if index % 4 == 0:
                complaint.status = "resolved"
            link_complaint(session, complaint, "HR", now=T0)
            complaints.append(complaint)
    return complaints


def _prior_before(session: Session, **given: Any) -> int:
    """count_prior_complaints's statement as it was built before session 17."""
    same_matter = [Complaint.category == given["category"]]
    order_ref = given["order_ref"].strip() if isinstance(given["order_ref"], str) else None
    if order_ref:
        same_matter.append(func.lower(Complaint.order_ref) == order_ref.lower())
    query = select(func.count(Complaint.id)).where(
        Complaint.sender_id == given["sender_id"],
        Complaint.created_at >= given["since"],
        or_(*same_matter),
    )
    if given["until"] is not None:
        query = query.where(Complaint.created_at < given["until"])
    if given["exclude_id"] is not None:
        query = query.where(Complaint.id != given["exclude_id"])
    return int(session.execute(query).scalar_one())


def _same_matter_before(session: Session, **given: Any) -> int:
    """count_same_matter's statements as they were built before session 17."""
    conditions = [(CustomerKey.kind == k) & (CustomerKey.value == v) for k, v in given["keys"]]
    customers = (
        sorted(
            int(row[0])
            for row in session.execute(
                select(CustomerKey.customer_id).where(or_(*conditions)).distinct()
            )
        )
        if conditions
        else []
    )
    who = [] if given["other_conversations_only"] else [Complaint.sender_id == given["sender_id"]]
    if customers:
        who.append(Complaint.customer_id.in_(customers))
    if not who:
        return 0
    query = select(func.count(Complaint.id)).where(
        or_(*who),
        Complaint.category == given["category"],
        or_(Complaint.created_at >= given["since"], Complaint.status.in_(ACTIVE_STATUSES)),
    )
    if given["other_conversations_only"]:
        query = query.where(Complaint.sender_id != given["sender_id"])
    if given["exclude_id"] is not None:
        query = query.where(Complaint.id != given["exclude_id"])
    return int(session.execute(query).scalar_one())


def test_the_counts_equal_those_of_the_statements_built_per_call(url: str) -> None:
    complaints = _fill(url)
    keys_choices: list[list[tuple[str, str]]] = [
        [],
        [("email", "ana@example.com")],
        [("order", "ORD-1")],
        [("email", "ivo@example.com"), ("order", "ORD-2")],
        [("email", "nobody@example.com")],
    ]
    checked = nonzero = 0
    with read_scope(url) as session:
        for sender, category, order, exclude in itertools.product(
            (*SENDERS, "conv-z"), CATEGORIES, (*ORDERS, " Ord-1 "), (None, complaints[3].id)
        ):
            for since, until in ((T0, None), (T0 + timedelta(days=3), T0 + timedelta(days=7))):
                given = {
                    "sender_id": sender,
                    "category": category,
                    "order_ref": order,
                    "since": since,
                    "until": until,
                    "exclude_id": exclude,
                }
                count = count_prior_complaints(session, **given)
                assert count == _prior_before(session, **given), given
                checked, nonzero = checked + 1, nonzero + (count > 0)
            for keys, others in itertools.product(keys_choices, (False, True)):
                given = {
                    "sender_id": sender,
                    "keys": keys,
                    "category": category,
                    "since": T0 + timedelta(days=4),
                    "exclude_id": exclude,
                    "other_conversations_only": others,
                }
                count = count_same_matter(session, **given)
                assert count == _same_matter_before(session, **given), given
                checked, nonzero = checked + 1, nonzero + (count > 0)
    assert checked > 400 and nonzero > 100


def test_the_look_ups_find_the_same_complaint(url: str) -> None:
    complaints = _fill(url)
    with read_scope(url) as session:
        for complaint in complaints[:8]:
            assert get_by_ticket(session, f" {complaint.ticket.lower()} ").id == complaint.id
            assert get_by_origin_key(session, complaint.origin_key).id == complaint.id
        assert get_by_ticket(session, "C-NOPE") is None
        assert get_by_origin_key(session, "nobody:1") is None


def test_the_keys_recorded_for_a_conversation_are_not_recorded_twice(url: str) -> None:
    _fill(url)
    with read_scope(url) as session:
        pairs = session.execute(
            select(CustomerKey.sender_id, CustomerKey.kind, CustomerKey.value)
        ).all()
        assert len(pairs) == len(set(pairs))
        assert (
            session.execute(
                select(func.count()).where(
                    and_(CustomerKey.sender_id == "conv-a", CustomerKey.kind == "order")
                )
            ).scalar_one()
            == 2
        )
