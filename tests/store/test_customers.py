"""Customers recognised across conversations, and one-time codes, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.store import (
    Complaint,
    StoreError,
    create_complaint,
    dispose_engines,
    migrate,
    session_scope,
    set_details,
    set_status,
)
from bot.store.customers import (
    check_code,
    complaints_by_reference,
    count_same_matter,
    customer_complaints,
    link_complaint,
    start_verification,
)
from bot.store.erasure import erase_customer, export_customer
from bot.store.tables import ContactVerification, Customer, CustomerKey
from tests.conftest import postgres_database

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
SECRET = "customers-test-key-" + "s" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        database = f"sqlite:///{tmp_path / 'customers.db'}"
        migrate(database)
        yield database
        dispose_engines()
        return
    with postgres_database("cb_customers") as database:
        migrate(database)
        yield database


def complain(url: str, sender: str, **fields: Any) -> str:
    """A complaint of conversation ``sender``, linked to its customer; returns the ticket."""
    values: dict[str, Any] = {
        "sender_id": sender,
        "channel": "socketio",
        "language": "hr",
        "script": "latin",
        "category": "delivery",
        "severity": 2,
        "anger_score": 0.1,
        "description": "Paket nije stigao.",
        "deadline_hours": 24,
        "prefix": "C",
        "now": T0,
    }
    values.update(fields)
    with session_scope(url) as session:
        complaint = create_complaint(session, **values)
        link_complaint(session, complaint, "HR", now=values["now"])
        return complaint.ticket


def row(url: str, ticket: str) -> Complaint:
    with session_scope(url) as session:
        found = session.execute(select(Complaint).where(Complaint.ticket == ticket)).scalar_one()
        session.expunge(found)
        return found


def test_the_same_email_in_two_conversations_is_one_customer(url: str) -> None:
    first = complain(url, "browser-a", contact="Ana.Kovac@Example.com")
    second = complain(url, "browser-b", contact=" ana.kovac@example.COM ", category="billing")
    stranger = complain(url, "browser-c", contact="ivo@example.com")
    a, b, c = row(url, first), row(url, second), row(url, stranger)
    assert a.customer_id is not None and a.customer_id == b.customer_id
    assert c.customer_id not in (None, a.customer_id)
    with session_scope(url) as session:
        history = customer_complaints(session, session.get(Complaint, b.id))
        assert [complaint.ticket for complaint in history] == [first]
        keys = session.execute(
            select(CustomerKey.kind, CustomerKey.value, CustomerKey.sender_id).order_by(
                CustomerKey.id
            )
        ).all()
    assert ("email", "ana.kovac@example.com", "browser-a") in keys
    assert ("email", "ana.kovac@example.com", "browser-b") in keys


def test_a_phone_written_two_ways_and_an_order_reference_link_conversations(url: str) -> None:
    by_phone = complain(url, "web-1", contact="091 234 5678")
    same_phone = complain(url, "web-2", contact="+385 91 234 5678")
    by_order = complain(url, "web-3", order_ref="ord-48213")
    same_order = complain(url, "web-4", order_ref="ORD-48213", category="billing")
    assert row(url, by_phone).customer_id == row(url, same_phone).customer_id
    assert row(url, by_order).customer_id == row(url, same_order).customer_id
    assert row(url, by_phone).customer_id != row(url, by_order).customer_id


def test_a_complaint_with_both_keys_merges_two_customers(url: str) -> None:
    by_mail = complain(url, "m-1", contact="ana@example.com")
    by_order = complain(url, "m-2", order_ref="ORD-7")
    both = complain(url, "m-3", contact="ANA@example.com", order_ref="ord-7")
    ids = {row(url, ticket).customer_id for ticket in (by_mail, by_order, both)}
    assert len(ids) == 1 and None not in ids
    mail_id = row(url, by_mail).id
    with session_scope(url) as session:
        assert session.execute(select(func.count(Customer.id))).scalar_one() == 1
        merged = session.get(Complaint, mail_id)
        assert {c.ticket for c in customer_complaints(session, merged)} == {by_order, both}


def test_a_contact_given_later_links_the_complaint(url: str) -> None:
    earlier = complain(url, "late-1", contact="late@example.com")
    later = complain(url, "late-2")
    later_row = row(url, later)
    assert later_row.customer_id is None
    with session_scope(url) as session:
        complaint = session.get(Complaint, later_row.id)
        set_details(session, complaint, contact="Late@Example.com")
        link_complaint(session, complaint, "HR")
    assert row(url, later).customer_id == row(url, earlier).customer_id


def test_same_matter_counts_other_conversations_open_or_recent(url: str) -> None:
    old_open = complain(url, "r-1", contact="rep@example.com", now=T0 - timedelta(days=400))
    recent_other_category = complain(url, "r-2", contact="rep@example.com", category="billing")
    keys = [("email", "rep@example.com")]
    since = T0 - timedelta(days=90)
    old_id = row(url, old_open).id
    with session_scope(url) as session:
        count = count_same_matter(
            session, sender_id="r-9", keys=keys, category="delivery", since=since
        )
        assert count == 1  # the old one is still open: it counts
        complaint = session.get(Complaint, old_id)
        set_status(session, complaint, "resolved", "agent:ana", now=T0 - timedelta(days=399))
    with session_scope(url) as session:
        # resolved long ago: a new matter
        assert (
            count_same_matter(session, sender_id="r-9", keys=keys, category="delivery", since=since)
            == 0
        )
        assert (
            count_same_matter(session, sender_id="r-9", keys=keys, category="billing", since=since)
            == 1
        )
        # a stranger's keys find nothing; only other conversations when asked
        assert (
            count_same_matter(
                session,
                sender_id="r-9",
                keys=[("email", "x@example.com")],
                category="billing",
                since=since,
            )
            == 0
        )
        assert (
            count_same_matter(
                session,
                sender_id="r-2",
                keys=keys,
                category="billing",
                since=since,
                other_conversations_only=True,
            )
            == 0
        )
    assert recent_other_category


def test_complaints_are_found_by_any_reference(url: str) -> None:
    ticket = complain(url, "ref-1", contact="ref@example.com", order_ref="ORD-5")
    with session_scope(url) as session:
        for reference in (
            {"ticket": ticket.lower()},
            {"order_ref": "ord-5"},
            {"contact": "REF@example.com"},
        ):
            found = complaints_by_reference(session, region="HR", **reference)
            assert [c.ticket for c in found] == [ticket], reference
        assert complaints_by_reference(session, order_ref="ORD-6", region="HR") == []
        assert complaints_by_reference(session, contact="not a contact", region="HR") == []


def test_erasing_a_conversation_erases_its_keys_and_an_orphan_customer(url: str) -> None:
    gone = complain(url, "erase-1", contact="gone@example.com", order_ref="ORD-9")
    kept = complain(url, "keep-1", contact="kept@example.com")
    gone_id = row(url, gone).id
    with session_scope(url) as session:
        start_verification(
            session,
            sender_id="erase-1",
            complaint=session.get(Complaint, gone_id),
            secret_key=SECRET,
            minutes=10,
            max_attempts=3,
            now=T0,
        )
    exported = export_customer("erase-1", url)["tables"]
    assert {k["value"] for k in exported["customer_keys"]} == {"gone@example.com", "ORD-9"}
    assert len(exported["contact_verifications"]) == 1
    receipt = erase_customer("erase-1", "admin:test", url, SECRET)
    assert receipt.rows["customer_keys"] == 2 and receipt.rows["customers"] == 1
    with session_scope(url) as session:
        values = session.execute(select(CustomerKey.value)).scalars().all()
        assert values == ["kept@example.com"]
        assert session.execute(select(func.count(Customer.id))).scalar_one() == 1
        assert session.execute(select(func.count(ContactVerification.id))).scalar_one() == 0
    assert row(url, kept).customer_id is not None


def test_a_customer_of_two_conversations_keeps_the_other_ones_keys(url: str) -> None:
    complain(url, "two-1", contact="two@example.com")
    other = complain(url, "two-2", contact="two@example.com")
    erase_customer("two-1", "admin:test", url, SECRET)
    with session_scope(url) as session:
        keys = session.execute(select(CustomerKey.sender_id)).scalars().all()
        assert keys == ["two-2"]
        assert session.execute(select(func.count(Customer.id))).scalar_one() == 1
    assert row(url, other).customer_id is not None


# --- one-time codes ----------------------------------------------------------------------


def _code(url: str, ticket: str, sender: str = "asker", **overrides: Any) -> str:
    options: dict[str, Any] = {"minutes": 10, "max_attempts": 3, "now": T0}
    options.update(overrides)
    complaint_id = row(url, ticket).id
    with session_scope(url) as session:
        complaint = session.get(Complaint, complaint_id)
        _, code = start_verification(
            session, sender_id=sender, complaint=complaint, secret_key=SECRET, **options
        )
    return code


def _check(url: str, typed: str, sender: str = "asker", now: datetime = T0) -> Any:
    with session_scope(url) as session:
        return check_code(session, sender_id=sender, typed=typed, secret_key=SECRET, now=now)


def test_the_right_code_verifies_once_and_is_not_stored(url: str) -> None:
    ticket = complain(url, "owner", contact="owner@example.com")
    code = _code(url, ticket)
    with session_scope(url) as session:
        stored = session.execute(select(ContactVerification)).scalar_one()
        assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert _check(url, "nobody's", sender="someone-else").result == "none"
    result = _check(url, f" {code[:3]} {code[3:]} ", now=T0 + timedelta(minutes=9))
    assert (result.result, result.complaint_id) == ("verified", row(url, ticket).id)
    assert _check(url, code).result == "expired"  # used up


def test_wrong_codes_run_out(url: str) -> None:
    ticket = complain(url, "owner2", contact="owner2@example.com")
    code = _code(url, ticket)
    wrong = "000000" if code != "000000" else "111111"
    first = _check(url, wrong)
    assert (first.result, first.attempts_left) == ("wrong", 2)
    assert _check(url, "not a code").result == "wrong"
    assert _check(url, wrong).result == "too_many"
    assert _check(url, code).result == "too_many"  # even the right one, now


def test_an_expired_code_is_refused(url: str) -> None:
    ticket = complain(url, "owner3", contact="owner3@example.com")
    code = _code(url, ticket)
    assert _check(url, code, now=T0 + timedelta(minutes=10)).result == "expired"


def test_a_new_code_replaces_the_old_one(url: str) -> None:
    ticket = complain(url, "owner4", contact="owner4@example.com")
    old = _code(url, ticket)
    new = _code(url, ticket, now=T0 + timedelta(minutes=1))
    if old != new:
        assert _check(url, old, now=T0 + timedelta(minutes=2)).result == "wrong"
    assert _check(url, new, now=T0 + timedelta(minutes=2)).result == "verified"


def test_no_code_without_an_email_address(url: str) -> None:
    ticket = complain(url, "owner5", contact="091 234 5678")
    with pytest.raises(StoreError, match="no e-mail"):
        _code(url, ticket)
    other = complain(url, "owner6", contact="o6@example.com")
    with pytest.raises(StoreError, match="positive"):
        _code(url, other, minutes=0)
