"""A customer who writes about a complaint that is already resolved or closed is never lost.

Within ``reopen_within`` of when the complaint was finished (``reopen_within_days``, 30 by
default) the reply reopens it: back to ``escalated``, in front of the agents, with a
``reopened`` event saying who and why (:func:`bot.store.reopen`). Its statutory clocks are not
restarted; the resolution clock runs again against its original due time.

A reply that comes later is a new matter: it starts a new complaint (same customer, category,
language and contact; escalated as ``repeat``), with its own clocks from the day the reply
arrived, linked to the old one through the customer record and by a ``followed_up`` event on
the old complaint and a ``follows_up`` event on the new one. An old ticket is not woken up
months later with deadlines long past, and nothing the customer wrote is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import store
from bot.policy.clocks import ComplaintClocks
from bot.store.customers import link_complaint
from bot.store.tables import Complaint

#: What happened to a reply to a finished complaint.
REOPENED, FOLLOW_UP = "reopened", "follow_up"
#: Why the complaint reopened (the ``reopened`` event's ``why``).
EMAIL_REPLY = "email_reply"
FOLLOW_UP_CHANNEL = "email"


@dataclass(frozen=True)
class LateReplyRules:
    """How a reply to a finished complaint is handled, and what a follow-up complaint gets."""

    reopen_within: timedelta
    deadline_hours: float
    ticket_prefix: str
    phone_region: str | None
    #: The clocks of a complaint received now (the follow-up's), from the jurisdiction.
    clocks: ComplaintClocks | None = None


def complaint_for_reply(
    session: store.Session,
    complaint: Complaint,
    text: str,
    rules: LateReplyRules,
    now: datetime,
) -> tuple[Complaint, str | None]:
    """The complaint a customer's reply to ``complaint`` belongs to, and what happened:
    ``complaint`` itself while it is active (``None``), reopened (:data:`REOPENED`), or a new
    complaint that follows it up (:data:`FOLLOW_UP`)."""
    if complaint.status not in store.REOPENABLE_STATUSES:
        return complaint, None
    finished = store.finished_at(complaint) or complaint.updated_at
    if finished is not None and now - finished <= rules.reopen_within:
        store.reopen(session, complaint, "customer", EMAIL_REPLY, now=now)
        return complaint, REOPENED
    return _follow_up(session, complaint, text, rules, now), FOLLOW_UP


def _follow_up(
    session: store.Session,
    old: Complaint,
    text: str,
    rules: LateReplyRules,
    now: datetime,
) -> Complaint:
    new = store.create_complaint(
        session,
        sender_id=old.sender_id,
        channel=FOLLOW_UP_CHANNEL,
        language=old.language,
        script=old.script,
        category=old.category,
        severity=old.severity,
        anger_score=0.0,
        description=text,
        order_ref=old.order_ref,
        contact=old.contact,
        escalation_reasons=("repeat",),
        deadline_hours=rules.deadline_hours,
        prefix=rules.ticket_prefix,
        now=now,
        clocks=rules.clocks,
    )
    # both on one customer record (the old one may predate the record, or have no key but ours)
    link_complaint(session, old, rules.phone_region, now=now)
    new.customer_id = old.customer_id
    link_complaint(session, new, rules.phone_region, now=now)
    store.append_event(session, old, "followed_up", "customer", {"ticket": new.ticket}, now=now)
    store.append_event(session, new, "follows_up", "customer", {"ticket": old.ticket}, now=now)
    return new
