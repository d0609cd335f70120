"""Complaint handling for one customer turn: policy decisions and store writes.

Every function opens its own short transaction, so a failure never leaves a half-written
complaint, and every function is safe to call twice for the same turn (the actions may be
retried after an action-server restart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError

from bot import policy, store
from bot.dialogue.deadlines import complaint_clocks
from bot.dialogue.turn import Turn, clean_text
from bot.settings import Settings
from bot.store.tables import Complaint

#: complaint_step values, see domain.yml and data/rules.yml.
STEP_ASK_ORDER_REF = "ask_order_ref"
STEP_ASK_CONTACT = "ask_contact"
STEP_LOGGED = "logged"
STEP_LOGGED_NO_CONTACT = "logged_no_contact"
STEP_HAND_OFF = "hand_off"
STEP_QUEUED = "queued"
STEP_QUEUED_NO_CONTACT = "queued_no_contact"

#: Slot values that mean "the customer was asked and chose not to give it".
NOT_GIVEN = "-"

_CUSTOMER_STATUS = {
    "open": "open",
    "escalated": "open",
    "in_progress": "in_progress",
    "resolved": "resolved",
    "closed": "closed",
}


@dataclass(frozen=True)
class ComplaintView:
    """What the dialogue needs to know about a stored complaint."""

    ticket: str
    category: str
    escalated: bool
    reasons: tuple[str, ...]
    due_at: datetime
    order_ref: str | None
    contact: str | None
    desired_resolution: str | None
    status: str


@dataclass(frozen=True)
class StatusAnswer:
    """The answer to "what is the status of my complaint?"."""

    lookup: str  # found | chase_recorded
    ticket: str | None = None
    status: str | None = None  # open | in_progress | resolved | closed
    due_at: datetime | None = None


def _view(complaint: Complaint) -> ComplaintView:
    return ComplaintView(
        ticket=complaint.ticket,
        category=complaint.category,
        escalated=bool(complaint.escalated),
        reasons=tuple(complaint.escalation_reasons or ()),
        due_at=complaint.due_at,
        order_ref=complaint.order_ref,
        contact=complaint.contact,
        desired_resolution=complaint.desired_resolution,
        status=complaint.status,
    )


def _signals(turn: Turn) -> policy.MessageSignals:
    return policy.MessageSignals(
        text=turn.text,
        intent=turn.intent,
        intent_confidence=turn.intent_confidence,
        category=turn.category,
    )


def _prior_complaints(
    session: store.Session, turn: Turn, settings: Settings, category: str, exclude_id: int | None
) -> int:
    since = datetime.now(timezone.utc) - timedelta(days=settings.escalation.repeat_window_days)
    return store.count_prior_complaints(
        session,
        sender_id=turn.sender_id,
        category=category,
        order_ref=turn.entities.get("order_ref"),
        since=since,
        exclude_id=exclude_id,
    )


def _own_complaint(session: store.Session, turn: Turn) -> Complaint | None:
    """The complaint this conversation is about, while someone still has to act on it.

    The ticket must really be this sender's; a resolved or closed complaint is finished, so a
    new message about it starts a new one.
    """
    if not turn.ticket:
        return None
    complaint = store.get_by_ticket(session, turn.ticket)
    if complaint is None or complaint.sender_id != turn.sender_id:
        return None
    return complaint if complaint.status in store.ACTIVE_STATUSES else None


def urgent_reasons(turn: Turn, settings: Settings) -> tuple[str, ...]:
    """Reasons a message must go to a person even though the bot did not understand it.

    A message like "my lawyer will contact you" may not match any intent, but the policy's
    word lists still recognise a legal threat, a health hazard, anger or a wish for a person.
    """
    decision = policy.assess(
        _signals(turn),
        policy.ConversationContext(previous_anger=turn.previous_anger),
        settings,
    )
    return tuple(r for r in decision.reasons if r != "not_understood")


def _create(
    session: store.Session,
    turn: Turn,
    settings: Settings,
    category: str,
    description: str,
    decision: policy.EscalationDecision,
    reasons: tuple[str, ...],
    origin_key: str | None = None,
) -> Complaint:
    """A new complaint row from this turn, with the clocks of the settings' jurisdiction."""
    now = datetime.now(timezone.utc)
    return store.create_complaint(
        session,
        sender_id=turn.sender_id,
        channel=turn.channel,
        language=turn.language,
        script=turn.script,
        category=category,
        severity=decision.severity,
        anger_score=max(decision.anger_score, turn.previous_anger or 0.0),
        description=description,
        order_ref=turn.entities.get("order_ref"),
        contact=turn.entities.get("email") or turn.entities.get("phone"),
        escalation_reasons=reasons,
        deadline_hours=settings.response_deadline_hours,
        prefix=settings.ticket_prefix,
        origin_key=origin_key,
        now=now,
        clocks=complaint_clocks(settings, now),
    )


def _idempotent(function: Callable[[], ComplaintView]) -> ComplaintView:
    """``function()``; when a twin run of the same message won the race to create the
    complaint (unique ``origin_key``), run it once more: it then finds that complaint."""
    try:
        return function()
    except IntegrityError:
        return function()


def _described_by(session: store.Session, complaint: Complaint, origin_key: str) -> bool:
    return any(
        entry.kind in ("created", "described") and (entry.data or {}).get("origin_key")
        == origin_key
        for entry in store.events_for(session, complaint)
    ) or complaint.origin_key == origin_key


def register_complaint(
    turn: Turn, settings: Settings, origin_key: str | None = None
) -> ComplaintView:
    """Log a complaint message: a new complaint, or more of the story of the open one.

    A complaint is continued (not duplicated) while its ticket is still open in this
    conversation and the customer has not yet been told the ticket number. With
    ``origin_key`` (sender and message id) the same message is only ever logged once.
    """
    return _idempotent(lambda: _register_complaint(turn, settings, origin_key))


def _register_complaint(turn: Turn, settings: Settings, origin_key: str | None) -> ComplaintView:
    category = turn.category or "other"
    description = clean_text(turn.text)
    with store.session_scope(settings.database_url) as session:
        done = store.get_by_origin_key(session, origin_key) if origin_key else None
        if done is not None:
            return _view(done)
        current = _own_complaint(session, turn)
        if current is not None and origin_key and _described_by(session, current, origin_key):
            return _view(current)
        prior = _prior_complaints(
            session, turn, settings, category, current.id if current else None
        )
        decision = policy.assess(
            _signals(turn),
            policy.ConversationContext(
                previous_anger=turn.previous_anger, prior_complaints_same_matter=prior
            ),
            settings,
        )
        reasons = tuple(r for r in decision.reasons if r != "not_understood")
        if current is not None:
            store.add_description(
                session, current, description, actor="customer", origin_key=origin_key
            )
            if current.category == "other" and category != "other":
                current.category = category
            if turn.entities.get("order_ref") and not current.order_ref:
                store.set_details(session, current, order_ref=turn.entities["order_ref"])
            if reasons:
                store.escalate(session, current, reasons)
            return _view(current)
        complaint = _create(
            session, turn, settings, category, description, decision, reasons, origin_key
        )
        return _view(complaint)


def ensure_complaint(
    turn: Turn, settings: Settings, transcript: str, origin_key: str | None = None
) -> ComplaintView:
    """The conversation's complaint, created from the transcript when there is none yet.

    Used when a customer asks for a person or becomes abusive before saying what went wrong:
    the agent still gets a ticket with everything the customer wrote.
    """
    return _idempotent(lambda: _ensure_complaint(turn, settings, transcript, origin_key))


def _ensure_complaint(
    turn: Turn, settings: Settings, transcript: str, origin_key: str | None
) -> ComplaintView:
    with store.session_scope(settings.database_url) as session:
        done = store.get_by_origin_key(session, origin_key) if origin_key else None
        if done is not None:
            return _view(done)
        current = _own_complaint(session, turn)
        if current is not None:
            return _view(current)
        decision = policy.assess(_signals(turn), policy.ConversationContext(), settings)
        description = clean_text(transcript) or clean_text(turn.text)
        complaint = _create(
            session, turn, settings, turn.category or "other", description, decision, (),
            origin_key,
        )
        return _view(complaint)


def escalate(
    turn: Turn,
    settings: Settings,
    reasons: tuple[str, ...],
    transcript: str = "",
    origin_key: str | None = None,
) -> ComplaintView:
    """Record that the conversation needs a person, for ``reasons``."""
    view = ensure_complaint(turn, settings, transcript, origin_key)
    with store.session_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, view.ticket)
        if complaint is None:
            raise LookupError(f"complaint {view.ticket} disappeared while escalating")
        store.escalate(session, complaint, reasons)
        return _view(complaint)


def record_answers(
    turn: Turn,
    settings: Settings,
    *,
    desired_resolution_text: str | None = None,
    order_ref: str | None = None,
    contact: str | None = None,
) -> ComplaintView | None:
    """Store the answers collected so far and re-assess the complaint with them.

    Returns ``None`` when the conversation has no complaint of its own.
    """
    with store.session_scope(settings.database_url) as session:
        complaint = _own_complaint(session, turn)
        if complaint is None:
            return None
        resolution = None
        if (
            desired_resolution_text
            and desired_resolution_text != NOT_GIVEN
            and not complaint.desired_resolution
        ):
            resolution = policy.classify_resolution(desired_resolution_text, turn.intent)
            store.set_details(
                session,
                complaint,
                desired_resolution=resolution,
                desired_resolution_text=clean_text(desired_resolution_text),
            )
        if order_ref and order_ref != NOT_GIVEN and not complaint.order_ref:
            store.set_details(session, complaint, order_ref=clean_text(order_ref)[:64])
        if contact and contact != NOT_GIVEN and not complaint.contact:
            store.set_details(session, complaint, contact=clean_text(contact)[:255])
        decision = policy.assess(
            _signals(turn),
            policy.ConversationContext(
                previous_anger=turn.previous_anger,
                desired_resolution=complaint.desired_resolution,
            ),
            settings,
        )
        reasons = tuple(r for r in decision.reasons if r not in ("not_understood", "repeat"))
        if reasons:
            store.escalate(session, complaint, reasons)
        return _view(complaint)


def choose_next_step(
    view: ComplaintView,
    settings: Settings,
    *,
    order_ref: str | None,
    contact: str | None,
    live_agent: bool,
) -> str:
    """Which question comes next, or how the complaint ends.

    ``order_ref``/``contact`` are the slot values: ``None`` means not asked yet, ``"-"`` means
    the customer chose not to give it.
    """
    has_contact = bool(view.contact or (contact and contact != NOT_GIVEN))
    if view.escalated:
        if live_agent:
            return STEP_HAND_OFF
        if has_contact:
            return STEP_QUEUED
        return STEP_QUEUED_NO_CONTACT if contact == NOT_GIVEN else STEP_ASK_CONTACT
    needs_order = settings.category(view.category).needs_order_ref
    if needs_order and not view.order_ref and order_ref is None:
        return STEP_ASK_ORDER_REF
    if has_contact:
        return STEP_LOGGED
    # Without a contact we cannot promise to get in touch: the ticket is the way back.
    return STEP_LOGGED_NO_CONTACT if contact == NOT_GIVEN else STEP_ASK_CONTACT


def live_agent_available(settings: Settings) -> bool:
    """Whether an agent is on duty to take a conversation over live.

    An agent counts while marked on duty and recently seen (see bot.store.agents); with
    nobody there, escalated complaints wait in the queue with a promised deadline.
    """
    return store.agents_on_duty(settings.database_url) > 0


def status_for(
    turn: Turn, settings: Settings, transcript: str = "", origin_key: str | None = None
) -> StatusAnswer:
    """A complaint's status, found by the ticket, order number or contact the customer gives.

    Only this conversation's own complaints are told about; someone who merely knows a ticket
    number learns nothing. When nothing is found, the chase is never a dead end: a customer
    chasing a complaint has complained before, so the chase is recorded on a complaint (this
    conversation's, or a new one with the customer's reference) and escalated as ``repeat``.
    """
    ticket = turn.entities.get("ticket")
    order_ref = turn.entities.get("order_ref")
    contact = turn.entities.get("email") or turn.entities.get("phone")
    with store.read_scope(settings.database_url) as session:
        complaint = store.find_for_sender(
            session, turn.sender_id, ticket=ticket, order_ref=order_ref, contact=contact
        )
        if complaint is None and not (ticket or order_ref or contact):
            complaint = _own_complaint(session, turn)
        if complaint is not None:
            return StatusAnswer(
                lookup="found",
                ticket=complaint.ticket,
                status=_CUSTOMER_STATUS.get(complaint.status, "open"),
                due_at=complaint.due_at,
            )
    view = escalate(turn, settings, ("repeat",), transcript, origin_key)
    reference = clean_text(ticket or order_ref or contact or "")
    with store.session_scope(settings.database_url) as session:
        chased = store.get_by_ticket(session, view.ticket)
        if chased is None:
            raise LookupError(f"complaint {view.ticket} disappeared while recording a chase")
        if reference and not chased.order_ref and not contact:
            store.set_details(session, chased, order_ref=reference[:64])
        store.append_event(session, chased, "chase", "customer", {"reference": reference})
        return StatusAnswer(
            lookup="chase_recorded",
            ticket=chased.ticket,
            status=_CUSTOMER_STATUS.get(chased.status, "open"),
            due_at=chased.due_at,
        )
