"""Complaint handling for one customer turn: policy decisions and store writes.

Every function opens its own short transaction, so a failure never leaves a half-written
complaint, and every function is safe to call twice for the same turn (the actions may be
retried after an action-server restart). What one action does in a turn is one function, so
one transaction: each transaction costs SQLAlchemy's session, a pooled connection and SQLite's
``BEGIN``/``COMMIT``, about 0.3 ms of CPU before any statement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from bot import policy, store
from bot.dialogue.customers import CodeSender, check_status_code, offer_code
from bot.dialogue.deadlines import complaint_clocks
from bot.dialogue.matter import ABUSE_INTENT, UNNAMED_MATTER, matter_category
from bot.dialogue.receipt import give_receipt
from bot.dialogue.turn import Turn, clean_text
from bot.settings import Settings
from bot.store.commitments import record_bot_promise
from bot.store.customers import complaint_keys, count_same_matter, link_complaint
from bot.store.tables import Complaint
from bot.text.contacts import contact_key, normalize_order

#: complaint_step values, see domain.yml and data/rules.yml.
STEP_ASK_ORDER_REF = "ask_order_ref"
STEP_ASK_CONTACT = "ask_contact"
STEP_LOGGED = "logged"
STEP_LOGGED_NO_CONTACT = "logged_no_contact"
STEP_HAND_OFF = "hand_off"
STEP_QUEUED = "queued"
STEP_QUEUED_NO_CONTACT = "queued_no_contact"

#: The steps whose response gives the customer the ticket (data/rules.yml).
RECEIPT_STEPS = (
    STEP_LOGGED,
    STEP_LOGGED_NO_CONTACT,
    STEP_HAND_OFF,
    STEP_QUEUED,
    STEP_QUEUED_NO_CONTACT,
)

#: Slot values that mean "the customer was asked and chose not to give it".
NOT_GIVEN = "-"

T = TypeVar("T")

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

    lookup: str  # found | chase_recorded | verify | code_wrong | code_refused | code_skipped
    ticket: str | None = None
    status: str | None = None  # open | in_progress | resolved | closed
    due_at: datetime | None = None
    #: The complaint's category (for a chase: the matter its message names, else "other").
    category: str | None = None


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


def _turn_keys(turn: Turn, settings: Settings) -> list[tuple[str, str]]:
    """The customer keys (contact, order reference) this message carries."""
    keys: list[tuple[str, str]] = []
    for entity in ("email", "phone"):
        key = contact_key(turn.entities.get(entity), settings.phone_region)
        if key is not None:
            keys.append(key)
    order = normalize_order(turn.entities.get("order_ref"))
    if order is not None:
        keys.append(("order", order))
    return keys


#: How long a conversation's earlier complaint counts as told in the same sitting: the Rasa
#: session's expiry (``session_expiration_time`` in domain.yml, 120 minutes).
SAME_SITTING = timedelta(minutes=120)


def _prior_complaints(
    session: store.Session,
    turn: Turn,
    settings: Settings,
    category: str,
    exclude_id: int | None,
    keys: list[tuple[str, str]] | None = None,
) -> int:
    """Complaints on the same matter before this one: by this conversation (same category or
    order, within the repeat window, but not logged in this sitting), and by the same customer
    in other conversations (same contact or order; same category, open or within the window).

    A complaint the conversation logged less than :data:`SAME_SITTING` ago is the story being
    told again (a second row for the same chat), not a second time of complaining.
    """
    now = datetime.now(timezone.utc)
    since = now - timedelta(days=settings.escalation.repeat_window_days)
    here = store.count_prior_complaints(
        session,
        sender_id=turn.sender_id,
        category=category,
        order_ref=turn.entities.get("order_ref"),
        since=since,
        until=now - SAME_SITTING,
        exclude_id=exclude_id,
    )
    elsewhere = count_same_matter(
        session,
        sender_id=turn.sender_id,
        keys=keys if keys is not None else _turn_keys(turn, settings),
        category=category,
        since=since,
        exclude_id=exclude_id,
        other_conversations_only=True,
    )
    return here + elsewhere


def _link(session: store.Session, complaint: Complaint, settings: Settings) -> None:
    """Recognise the customer of ``complaint`` by its contact and order reference."""
    link_complaint(session, complaint, settings.phone_region)


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
        policy.ConversationContext(
            previous_anger=turn.previous_anger, earlier_anger=turn.earlier_anger
        ),
        settings,
    )
    return decision.shown_by_message


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
    complaint = store.create_complaint(
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
    # The promise the bot is about to make ("we will answer by ...") is kept track of.
    record_bot_promise(session, complaint, now, new_complaint=True)
    return complaint


def _idempotent(function: Callable[[], T]) -> T:
    """``function()``; when a twin run of the same message won the race to create the
    complaint (unique ``origin_key``), run it once more: it then finds that complaint."""
    try:
        return function()
    except IntegrityError:
        return function()


def _described_by(session: store.Session, complaint: Complaint, origin_key: str) -> bool:
    return (
        any(
            entry.kind in ("created", "described")
            and (entry.data or {}).get("origin_key") == origin_key
            for entry in store.events_for(session, complaint)
        )
        or complaint.origin_key == origin_key
    )


def register_complaint(
    turn: Turn, settings: Settings, origin_key: str | None = None
) -> ComplaintView:
    """Log a complaint message: a new complaint, or more of the story of the open one.

    A complaint is continued (not duplicated) while its ticket is still open in this
    conversation and the customer has not yet been told the ticket number. With
    ``origin_key`` (sender and message id) the same message is only ever logged once.
    """
    view, _ = register_with_wish(turn, settings, origin_key)
    return view


def register_with_wish(
    turn: Turn,
    settings: Settings,
    origin_key: str | None = None,
    wish: str | None = None,
    *,
    always: bool = False,
) -> tuple[ComplaintView, bool]:
    """:func:`register_complaint`, then, in the same transaction, ``wish`` (a remedy the
    message demands) stored as the answer to "what can we do for you?" as
    :func:`record_answers` stores it, when the complaint has no wish yet or ``always`` (a
    new complaint). The complaint, and whether the wish was taken."""
    return _idempotent(lambda: _register_with_wish(turn, settings, origin_key, wish, always))


def _register_with_wish(
    turn: Turn, settings: Settings, origin_key: str | None, wish: str | None, always: bool
) -> tuple[ComplaintView, bool]:
    with store.session_scope(settings.database_url) as session:
        complaint = _register_in(session, turn, settings, origin_key)
        if wish is None or not (always or not complaint.desired_resolution):
            return _view(complaint), False
        told = dataclasses.replace(turn, ticket=complaint.ticket)
        if complaint.sender_id == turn.sender_id and complaint.status in store.ACTIVE_STATUSES:
            _record_answers_in(session, complaint, told, settings, Answers(wish))
        return _view(complaint), True


def _register_in(
    session: store.Session, turn: Turn, settings: Settings, origin_key: str | None
) -> Complaint:
    """:func:`register_complaint` in the caller's transaction."""
    category = turn.category or "other"
    description = clean_text(turn.text)
    done = store.get_by_origin_key(session, origin_key) if origin_key else None
    if done is not None:
        return done
    current = _own_complaint(session, turn)
    if current is not None and origin_key and _described_by(session, current, origin_key):
        return current
    prior = _prior_complaints(session, turn, settings, category, current.id if current else None)
    decision = policy.assess(
        _signals(turn),
        policy.ConversationContext(
            previous_anger=turn.previous_anger,
            earlier_anger=turn.earlier_anger,
            prior_complaints_same_matter=prior,
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
        _link(session, current, settings)
        return current
    complaint = _create(
        session, turn, settings, category, description, decision, reasons, origin_key
    )
    _link(session, complaint, settings)
    return complaint


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
        return _view(_ensure_in(session, turn, settings, transcript, origin_key))


def _ensure_in(
    session: store.Session,
    turn: Turn,
    settings: Settings,
    transcript: str,
    origin_key: str | None,
) -> Complaint:
    """:func:`ensure_complaint` in the caller's transaction."""
    done = store.get_by_origin_key(session, origin_key) if origin_key else None
    if done is not None:
        return done
    current = _own_complaint(session, turn)
    if current is not None:
        return current
    decision = policy.assess(_signals(turn), policy.ConversationContext(), settings)
    description = clean_text(transcript) or clean_text(turn.text)
    category = turn.category or matter_category(
        description,
        turn.intent_ranking,
        settings.category_slugs,
        about_the_bot=turn.intent == ABUSE_INTENT,
        clause_complaint=turn.clause_complaint,
    )
    return _create(
        session,
        turn,
        settings,
        category or UNNAMED_MATTER,
        description,
        decision,
        (),
        origin_key,
    )


def escalate(
    turn: Turn,
    settings: Settings,
    reasons: tuple[str, ...],
    transcript: str = "",
    origin_key: str | None = None,
) -> ComplaintView:
    """Record that the conversation needs a person, for ``reasons`` (its complaint opened
    from ``transcript`` if it has none yet, as :func:`ensure_complaint`)."""
    return _idempotent(lambda: _escalate(turn, settings, reasons, transcript, origin_key))


def _escalate(
    turn: Turn,
    settings: Settings,
    reasons: tuple[str, ...],
    transcript: str,
    origin_key: str | None,
) -> ComplaintView:
    with store.session_scope(settings.database_url) as session:
        complaint = _ensure_in(session, turn, settings, transcript, origin_key)
        store.escalate(session, complaint, reasons)
        return _view(complaint)


def _record_wish(
    session: store.Session, complaint: Complaint, turn: Turn, answer: str | None
) -> None:
    """Store the wish: ``answer`` (to "what can we do for you?") when none is stored yet, then
    a concrete remedy this message states instead of the stored one, which makes a vague
    first answer clear or changes the wish (:func:`bot.policy.restated_resolution`)."""
    if answer and answer != NOT_GIVEN and not complaint.desired_resolution:
        store.set_details(
            session,
            complaint,
            desired_resolution=policy.classify_resolution(answer, turn.intent),
            desired_resolution_text=clean_text(answer),
        )
    text = clean_text(turn.text)
    if not text or text == complaint.desired_resolution_text:
        return
    restated = policy.restated_resolution(complaint.desired_resolution, text)
    if restated is not None:
        store.set_details(
            session, complaint, desired_resolution=restated, desired_resolution_text=text
        )


@dataclass(frozen=True)
class Answers:
    """The customer's answers so far (the slots): ``None`` when not asked yet, ``"-"``
    (:data:`NOT_GIVEN`) when the customer chose not to give it."""

    desired_resolution_text: str | None = None
    order_ref: str | None = None
    contact: str | None = None


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
    answers = Answers(desired_resolution_text, order_ref, contact)
    with store.session_scope(settings.database_url) as session:
        complaint = _own_complaint(session, turn)
        if complaint is None:
            return None
        _record_answers_in(session, complaint, turn, settings, answers)
        return _view(complaint)


def _record_answers_in(
    session: store.Session,
    complaint: Complaint,
    turn: Turn,
    settings: Settings,
    answers: Answers,
) -> None:
    """:func:`record_answers` in the caller's transaction, for the conversation's complaint."""
    _record_wish(session, complaint, turn, answers.desired_resolution_text)
    new_key = False
    order_ref, contact = answers.order_ref, answers.contact
    if order_ref and order_ref != NOT_GIVEN and not complaint.order_ref:
        store.set_details(session, complaint, order_ref=clean_text(order_ref)[:64])
        new_key = True
    if contact and contact != NOT_GIVEN and not complaint.contact:
        store.set_details(session, complaint, contact=clean_text(contact)[:255])
        new_key = True
    if new_key or complaint.customer_id is None:
        # Linked when it was registered: only a new contact or order can change the
        # customer (another conversation with the same keys links itself to this one).
        _link(session, complaint, settings)
    decision = policy.assess(
        _signals(turn),
        policy.ConversationContext(
            previous_anger=turn.previous_anger,
            earlier_anger=turn.earlier_anger,
            desired_resolution=complaint.desired_resolution,
        ),
        settings,
    )
    # a later message may show the complaint was made before ("I already wrote to you
    # yesterday"): the message's own repeat counts like any other reason
    reasons = tuple(r for r in decision.reasons if r != "not_understood")
    if "repeat" not in (*(complaint.escalation_reasons or ()), *reasons):
        # The contact or order given may show this customer complained about the same
        # matter in another conversation, still open or recently.
        keys = complaint_keys(complaint, settings.phone_region)
        if keys and _prior_complaints(
            session, turn, settings, complaint.category, complaint.id, keys
        ):
            reasons = (*reasons, "repeat")
    if reasons:
        store.escalate(session, complaint, reasons)


@dataclass(frozen=True)
class NextStep:
    """What :func:`next_step` decided: the complaint, the step, and the statutory receipt to
    say before the step's response (``None``: nothing to add)."""

    view: ComplaintView
    step: str
    receipt: str | None


def next_step(
    turn: Turn,
    settings: Settings,
    answers: Answers,
    transcript: str = "",
    origin_key: str | None = None,
) -> NextStep:
    """The complaint step of a turn, in one transaction: the answers stored and the complaint
    re-assessed (:func:`record_answers`; without a complaint of its own, the conversation's
    complaint opened from ``transcript`` instead, as :func:`ensure_complaint`), the agents on
    duty counted when it is escalated (:func:`live_agent_available`), the step chosen
    (:func:`choose_next_step`) and, with a step that gives the ticket, the statutory receipt
    (:func:`bot.dialogue.receipt.receipt_once`)."""
    return _idempotent(lambda: _next_step(turn, settings, answers, transcript, origin_key))


def _next_step(
    turn: Turn, settings: Settings, answers: Answers, transcript: str, origin_key: str | None
) -> NextStep:
    with store.session_scope(settings.database_url) as session:
        complaint = _own_complaint(session, turn)
        if complaint is None:
            complaint = _ensure_in(session, turn, settings, transcript, origin_key)
        else:
            _record_answers_in(session, complaint, turn, settings, answers)
        view = _view(complaint)
        live_agent = view.escalated and store.count_on_duty(session) > 0
        step = choose_next_step(
            view,
            settings,
            order_ref=answers.order_ref,
            contact=answers.contact,
            live_agent=live_agent,
        )
        said = None
        if step in RECEIPT_STEPS:
            said = give_receipt(session, complaint, turn.language, turn.script, settings)
        return NextStep(view, step, said)


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


def _status_answer(lookup: str, complaint: Complaint) -> StatusAnswer:
    return StatusAnswer(
        lookup=lookup,
        ticket=complaint.ticket,
        status=_CUSTOMER_STATUS.get(complaint.status, "open"),
        due_at=complaint.due_at,
        category=complaint.category,
    )


def status_for(
    turn: Turn,
    settings: Settings,
    transcript: str = "",
    origin_key: str | None = None,
    send_code: CodeSender | None = None,
) -> StatusAnswer:
    """A complaint's status, found by the ticket, order number or contact the customer gives.

    Only this conversation's own complaints are told about; someone who merely knows a ticket
    number learns nothing. When nothing is found, the chase is never a dead end: a customer
    chasing a complaint has complained before, so the chase is recorded on a complaint (this
    conversation's, or a new one with the customer's reference) and escalated as ``repeat``.

    With a reference from another conversation and a ``send_code``, the answer is ``verify``:
    if the reference belongs to a complaint with an e-mail address, a one-time code was sent
    there (:func:`check_code_for` then tells the status). The answer is the same whether or
    not anything was found or sent.
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
            return _status_answer("found", complaint)
    reference = clean_text(ticket or order_ref or contact or "")
    verify = send_code is not None and bool(ticket or order_ref or contact)

    def record_chase() -> StatusAnswer:
        # the complaint opened if need be, escalated and the chase noted: one transaction
        with store.session_scope(settings.database_url) as session:
            chased = _ensure_in(session, turn, settings, transcript, origin_key)
            store.escalate(session, chased, ("repeat",))
            if reference and not chased.order_ref and not contact:
                store.set_details(session, chased, order_ref=reference[:64])
            store.append_event(session, chased, "chase", "customer", {"reference": reference})
            if verify and send_code is not None:
                offer_code(
                    session,
                    sender_id=turn.sender_id,
                    settings=settings,
                    send_code=send_code,
                    ticket=ticket,
                    order_ref=order_ref,
                    contact=contact,
                    now=datetime.now(timezone.utc),
                )
            return _status_answer("verify" if verify else "chase_recorded", chased)

    return _idempotent(record_chase)


#: What a code check tells the dialogue (``status_lookup``).
_CODE_LOOKUP = {
    "wrong": "code_wrong",
    "expired": "code_refused",
    "too_many": "code_refused",
    "none": "code_refused",
}


def check_code_for(turn: Turn, settings: Settings, typed: str | None) -> StatusAnswer:
    """The answer to a one-time code typed after a ``verify`` answer.

    ``found`` with the complaint's status after the right code; ``code_wrong`` (another
    attempt is allowed), ``code_refused`` (expired, too many attempts, no code), or
    ``code_skipped`` (the customer typed no code); the ticket and due time are then this
    conversation's own follow-up, never the other complaint's.
    """
    own = None
    with store.read_scope(settings.database_url) as session:
        mine = store.latest_for_sender(session, turn.sender_id, statuses=None)
        own = _status_answer("code_skipped", mine) if mine is not None else None
    if not typed or typed == NOT_GIVEN:
        return own or StatusAnswer(lookup="code_skipped")
    result, complaint = check_status_code(
        turn.sender_id, typed, settings, datetime.now(timezone.utc)
    )
    if result.result == "verified" and complaint is not None:
        return _status_answer("found", complaint)
    lookup = _CODE_LOOKUP.get(result.result, "code_refused")
    if own is None:
        return StatusAnswer(lookup=lookup)
    return StatusAnswer(lookup=lookup, ticket=own.ticket, status=own.status, due_at=own.due_at)
