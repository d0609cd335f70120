"""Live handoff: an agent takes a conversation over, writes to the customer, and hands it back.

Who holds a conversation is kept in the database, as events of the customer's complaint
(``handoff_requested`` / ``taken_over`` -> with a person, ``handed_back`` -> with the bot), so a
restart loses nothing. The socket.io channel asks :func:`holder` before passing a customer's
message to Rasa: while a person holds the conversation the message is stored for the agent and
never reaches the bot. That is also what stops Rasa 3.6's pitfall, where a session restart or
expiry silently un-pauses a paused tracker: even un-paused, the bot never sees the messages.

Resolving or closing a held ticket (:func:`settle`) hands the conversation back too, and
reassigning a held ticket (:func:`move_hold`) moves the hold with it. The Rasa tracker is
paused and resumed under Rasa's own lock for the conversation (:func:`_set_paused`).

``url`` is the complaint database, passed in by the caller (``None``: the store's default).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
)

from bot import policy, store
from bot.dialogue.deadlines import format_deadline
from bot.dialogue.turn import clean_text
from bot.handoff import csat, notices, replies
from bot.policy.clocks import ClockError, get_jurisdiction
from bot.settings import Settings
from bot.store import register
from bot.store.blocking import run_db
from bot.store.commitments import settle_answered
from bot.store.retry import retry_db
from bot.store.tables import ACTIVE_STATUSES, Agent, Complaint
from bot.text.entities import CONTACT_ENTITIES, extract_entities

#: Event kinds that move a conversation to a person, and back to the bot.
TO_BOT = ("handed_back",)
BOT = "bot"
QUEUE = "queue"
RETURNED = "returned_to_queue"
#: Event kinds that put a conversation in the queue (the waiting notices start over).
TO_QUEUE = ("handoff_requested", RETURNED)
#: The event kinds that decide who holds a conversation (:func:`holder_in`).
HOLDER_KINDS = (*TO_BOT, "taken_over", *TO_QUEUE)


def _holder_of(session: store.Session, complaint: Complaint) -> str:
    """``"bot"``, ``"queue"`` (handed over, no agent yet) or ``"agent:<username>"``: from the
    newest event that decides it, as :func:`holder_in` finds it among all the events (asked on
    every customer message, so only that one row is read)."""
    latest = store.latest_event_of_kinds(session, complaint, HOLDER_KINDS)
    return holder_in([latest] if latest is not None else [])


def holder_in(events: Sequence[store.ComplaintEvent]) -> str:
    """Who holds the conversation, from the complaint's events in order (see
    :func:`_holder_of`)."""
    for entry in reversed(events):
        if entry.kind in TO_BOT:
            return BOT
        if entry.kind == "taken_over":
            return entry.actor
        if entry.kind in ("handoff_requested", RETURNED):
            return QUEUE
    return BOT


def _holder_of_sender(session: store.Session, sender_id: str) -> str:
    complaint = store.latest_for_sender(session, sender_id)
    return BOT if complaint is None else _holder_of(session, complaint)


def held_in(session: store.Session, sender_id: str) -> bool:
    """Whether a person holds the customer's conversation, read in ``session``."""
    return _holder_of_sender(session, sender_id) != BOT


def holder(sender_id: str, url: str, retry_seconds: float = 0.0) -> str:
    """Who holds the customer's conversation: see :func:`_holder_of`.

    Only an active complaint (open, escalated, in progress) can be held by a person. Waits out
    a database outage of up to ``retry_seconds`` (the settings' ``db_retry_seconds`` on a
    customer's message) rather than guess.
    """

    def ask() -> str:
        with store.read_scope(url) as session:
            return _holder_of_sender(session, sender_id)

    return retry_db(ask, retry_seconds)


def with_person(sender_id: str, url: str, retry_seconds: float = 0.0) -> bool:
    """Whether the customer's messages must go to a person instead of the bot."""
    return holder(sender_id, url, retry_seconds) != BOT


def record_handoff_request(
    sender_id: str,
    url: str,
    origin: str | None = None,
    asked_at: datetime | None = None,
) -> str | None:
    """The bot handed the conversation over (an agent is on duty); returns the ticket.

    Idempotent per customer message, for an action run again (fallback, outbox replay): nothing
    is recorded when ``origin`` (the message's origin key) was queued already, or when the
    conversation was handed back after ``asked_at`` (the message's time).
    """
    with store.session_scope(url) as session:
        complaint = store.latest_for_sender(session, sender_id)
        if complaint is None:
            return None
        for entry in store.events_for(session, complaint):
            queued = entry.kind == "handoff_requested" and (entry.data or {}).get("origin")
            if (origin and queued == origin) or (
                asked_at and entry.kind in TO_BOT and entry.created_at >= asked_at
            ):
                return complaint.ticket
        data = {"origin": origin} if origin else None
        store.append_event(session, complaint, "handoff_requested", "bot", data)
        return complaint.ticket


def _complaint(session: store.Session, ticket: str) -> Complaint:
    complaint = store.get_by_ticket(session, ticket)
    if complaint is None:
        raise LookupError(f"no complaint with ticket {ticket!r}")
    return complaint


def bot_is_back(language: str | None, script: str | None) -> str:
    """The customer's "you are talking to the bot again", in their language (else English).

    Reads a file the first time: call it off the event loop.
    """
    return notices.notice("bot_is_back", language, script)


@dataclass(frozen=True)
class Held:
    """A customer's message taken for a person: ``reply`` is what the customer is told now
    (``None`` while an agent is live in the conversation: the agent answers)."""

    ticket: str
    reply: str | None


def _last_full_notice(session: store.Session, complaint: Complaint) -> datetime | None:
    """When the customer was last given the full waiting notice since the conversation went
    to the queue (``None``: not yet)."""
    for entry in reversed(store.events_for(session, complaint)):
        if entry.kind in TO_QUEUE:
            return None
        data = entry.data or {}
        if entry.kind == notices.NOTICE_EVENT and data.get("notice") in (
            notices.FULL,
            notices.OVERDUE,
        ):
            return entry.created_at
    return None


def _say(
    session: store.Session,
    complaint: Complaint,
    text: str,
    notice: str,
    now: datetime | None = None,
) -> None:
    """Keep what the bot told the customer on the complaint (the console's transcript)."""
    data = {"text": text, "notice": notice}
    store.append_event(session, complaint, notices.NOTICE_EVENT, "bot", data, now=now)


def _reasons_shown(text: str, settings: Settings) -> tuple[str, ...]:
    """The escalation reasons a message to a person shows on its own (no intent is read)."""
    decision = policy.assess(policy.MessageSignals(text), policy.ConversationContext(), settings)
    return decision.shown_by_message


def _details_given(text: str) -> dict[str, str]:
    """The order number and the contact (e-mail or phone) a message gives, first of each."""
    details: dict[str, str] = {}
    for span in extract_entities(text):
        field = "contact" if span.entity in CONTACT_ENTITIES else span.entity
        if field in ("order_ref", "contact"):
            details.setdefault(field, span.value)
    return details


def _keep_details(session: store.Session, complaint: Complaint, text: str, now: datetime) -> None:
    """Fill the complaint's empty order number and contact from a message to a person: a
    customer waiting in the queue often gives them then ("the order is 48213"), and the agent
    should find them on the complaint, not only in the conversation."""
    missing = {
        field: value
        for field, value in _details_given(text).items()
        if not getattr(complaint, field)
    }
    if missing:
        store.set_details(session, complaint, now=now, **missing)


def take_customer_message(
    sender_id: str,
    text: str,
    url: str,
    retry_seconds: float = 0.0,
    timezone_name: str = "UTC",
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Held | None:
    """The customer's message, when a person holds the conversation: kept on the complaint for
    the agents and answered (see :mod:`bot.handoff.notices`); ``None`` when the bot holds it.

    With ``settings``, what the message shows that needs a person (anger, a legal step, money
    back, a hazard) is added to the complaint's escalation reasons, so the agents see a
    customer who gets angrier in the queue.

    Waits out a database outage of up to ``retry_seconds``; ``timezone_name`` words the
    promised time.
    """

    def held() -> bool:
        # Most messages go to the bot: found out without SQLite's write lock, which the
        # tracker store and the complaint writes of other conversations are waiting for.
        with store.read_scope(url) as session:
            return held_in(session, sender_id)

    def keep() -> Held | None:
        moment = now or datetime.now(timezone.utc)
        if not held():
            return None
        with store.session_scope(url) as session:
            complaint = store.latest_for_sender(session, sender_id)
            if complaint is None:
                return None
            held_by = _holder_of(session, complaint)
            if held_by == BOT:
                return None
            store.append_event(
                session,
                complaint,
                "message_customer",
                "customer",
                {"text": clean_text(text)},
                now=moment,
            )
            if complaint.status in ACTIVE_STATUSES:
                _keep_details(session, complaint, text, moment)
            reasons = _reasons_shown(text, settings) if settings is not None else ()
            if reasons and complaint.status in ACTIVE_STATUSES:
                store.escalate(session, complaint, reasons, now=moment)
            if held_by != QUEUE:
                return Held(complaint.ticket, None)
            kind = notices.choose_waiting_notice(
                text=text,
                now=moment,
                last_full_at=_last_full_notice(session, complaint),
                due_at=complaint.due_at,
                answered=complaint.first_response_at is not None,
            )
            due = format_deadline(
                complaint.due_at, complaint.language, complaint.script, timezone_name
            )
            reply = notices.notice(
                notices.WAITING_KEYS[kind],
                complaint.language,
                complaint.script,
                ticket=complaint.ticket,
                due=due,
            )
            _say(session, complaint, reply, kind, moment)
            return Held(complaint.ticket, reply)

    return retry_db(keep, retry_seconds)


async def _change_tracker(app: Any, sender_id: str, change: Callable[[Any], None]) -> None:
    """Read, ``change`` and save the customer's Rasa tracker under Rasa's lock for the
    conversation, from the lock store Rasa itself uses (Redis when several instances share the
    conversations), so a message handled at the same moment on another instance keeps its
    events. Nothing happens without a loaded agent or a stored tracker."""
    agent = getattr(app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return
        change(tracker)
        await agent.tracker_store.save(tracker)


async def _set_paused(app: Any, sender_id: str, paused: bool) -> None:
    """Pause or resume the Rasa tracker too, so the REST channel is quiet as well (under the
    conversation lock: a message handled meanwhile does not undo the pause)."""

    def change(tracker: Any) -> None:
        tracker.update(ConversationPaused() if paused else ConversationResumed())
        if not paused and tracker.latest_action_name != ACTION_LISTEN_NAME:
            # action_hand_off paused the tracker, so Rasa never ran action_listen after it:
            # without one the rules see no "listening" state and the bot stays silent on the
            # next message.
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))

    await _change_tracker(app, sender_id, change)


async def _emit(
    app: Any,
    sender_id: str,
    text: str,
    metadata: dict[str, Any],
    quick_replies: list[dict[str, str]] | None = None,
) -> None:
    sio = getattr(app.ctx, "complaint_sio", None)
    if sio is None:
        return
    event = getattr(app.ctx, "complaint_bot_event", "bot_uttered")
    message: dict[str, Any] = {"text": text, "metadata": metadata}
    if quick_replies:
        # The shape of Rasa's socket.io channel for a response with `buttons`.
        message["quick_replies"] = [{"content_type": "text", **reply} for reply in quick_replies]
    await sio.emit(event, message, room=sender_id)


async def _tell(app: Any, sender_id: str, said: list[Said]) -> None:
    for item in said:
        await _emit(app, sender_id, item.text, {"sender": "bot"}, item.quick_replies)


@dataclass(frozen=True)
class Said:
    """A notice for the customer's widget (and its quick replies)."""

    text: str
    quick_replies: list[dict[str, str]] | None = None


async def take_over(app: Any, url: str, ticket: str, agent: str) -> None:
    """``agent`` claims the conversation: the bot is paused and the customer is told."""

    def claim() -> tuple[str, str]:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            if complaint.status in ("resolved", "closed"):
                raise ValueError(f"complaint {complaint.ticket} is {complaint.status}")
            if complaint.status != "in_progress":
                store.set_status(session, complaint, "in_progress", f"agent:{agent}")
            complaint.assigned_agent = agent
            store.append_event(session, complaint, "taken_over", f"agent:{agent}")
            staff = store.get_agent(session, agent)
            told = notices.notice(
                "taken_over",
                complaint.language,
                complaint.script,
                agent=staff.display_name if staff is not None else agent,
                ticket=complaint.ticket,
            )
            _say(session, complaint, told, "taken_over")
            return str(complaint.sender_id), told

    sender_id, told = await run_db(claim)
    await _set_paused(app, sender_id, True)
    await _tell(app, sender_id, [Said(told)])


def customer_online(app: Any, sender_id: str) -> bool:
    """Whether the customer has the widget open on this server (the widget's channel puts
    ``customer_online`` on the app; without it, nobody is)."""
    online = getattr(app.ctx, "customer_online", None)
    return bool(online(sender_id)) if callable(online) else False


async def _keep_in_conversation(
    app: Any, sender_id: str, text: str, metadata: dict[str, Any]
) -> None:
    """Append an agent's reply to the customer's Rasa tracker (under Rasa's conversation lock,
    as :mod:`bot.ops.delivery` does for replayed answers), so the conversation holds it."""
    await _change_tracker(
        app, sender_id, lambda tracker: tracker.update(BotUttered(text, metadata=metadata))
    )


async def send_agent_message(
    app: Any,
    url: str,
    ticket: str,
    agent: str,
    text: str,
    retry_seconds: float = 0.0,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """Deliver an agent's reply: to the customer's widget when they are connected, else by
    e-mail to the complaint's contact (queued in the mail outbox) or as a call task for a
    phone contact (:func:`bot.handoff.replies.route_reply`). Kept first, waiting out a
    database outage of up to ``retry_seconds``; always added to the conversation.

    Returns ``{"via": ..., "event_id": ...}``."""
    message = clean_text(text)
    if not message:
        raise ValueError("an empty reply cannot be sent")

    def keep() -> tuple[str, str, str, int]:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            if _holder_of(session, complaint) != f"agent:{agent}":
                raise ValueError(f"claim complaint {complaint.ticket} before replying")
            staff = store.get_agent(session, agent)
            name = staff.display_name if staff is not None else agent
            sender_id = str(complaint.sender_id)
            online = customer_online(app, sender_id)
            event = replies.route_reply(session, complaint, agent, name, message, online, reply_to)
            if complaint.first_response_at is None:
                complaint.first_response_at = complaint.updated_at
            settle_answered(session, complaint)  # the bot's "we will answer by ..." is kept
            return sender_id, name, str(event.data["via"]), int(event.id)

    # Kept first (waiting out a brief database outage off the event loop), then delivered.
    sender_id, name, via, event_id = await run_db(retry_db, keep, retry_seconds)
    metadata = {"sender": "agent", "agent_name": name}
    await _keep_in_conversation(app, sender_id, message, {**metadata, "complaint_event": event_id})
    # Emitted even when this server has no socket of the customer: with several instances the
    # room may be on another one (through Redis).
    await _emit(app, sender_id, message, metadata)
    return {"via": via, "event_id": event_id}


#: The socket.io event that shows the customer's widget an agent writing (typing dots).
TYPING_EVENT = "agent_typing"


async def agent_typing(app: Any, url: str, ticket: str, agent: str) -> None:
    """Show the customer's widget that ``agent``, who holds the conversation, is writing (the
    widget's typing dots, for a few seconds). Raises :class:`ValueError` when ``agent`` does not
    hold it: only the person the customer talks to can be typing."""

    def holder_and_sender() -> tuple[str, str]:
        with store.read_scope(url) as session:
            complaint = _complaint(session, ticket)
            return _holder_of(session, complaint), str(complaint.sender_id)

    held_by, sender_id = await run_db(holder_and_sender)
    if held_by != f"agent:{agent}":
        raise ValueError(f"claim complaint {ticket} before writing to the customer")
    sio = getattr(app.ctx, "complaint_sio", None)
    if sio is not None:
        await sio.emit(TYPING_EVENT, {"typing": True}, room=sender_id)


async def show_missed_replies(app: Any, url: str, sender_id: str, room: str) -> int:
    """A returning customer's widget is given the agent replies sent while they were away
    (recorded as ``reply_shown``, so each is shown once); returns how many."""

    def missed() -> list[dict[str, Any]]:
        with store.read_scope(url) as session:
            found = replies.missed_replies(session, sender_id)
            for item in found:
                staff = store.get_agent(session, item["agent"])
                item["agent_name"] = staff.display_name if staff is not None else item["agent"]
            return found

    found = await run_db(missed)
    for item in found:
        await _emit(app, room, item["text"], {"sender": "agent", "agent_name": item["agent_name"]})

    def mark() -> None:
        with store.session_scope(url) as session:
            replies.mark_shown(session, sender_id, [item["event_id"] for item in found])

    if found:
        await run_db(mark)
    return len(found)


async def hand_back(app: Any, url: str, ticket: str, agent: str) -> None:
    """Give the conversation back to the bot, which answers the customer's next message."""

    def give_back() -> tuple[str, str]:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            if _holder_of(session, complaint) == BOT:
                raise ValueError(f"complaint {complaint.ticket} is not held by a person")
            store.append_event(session, complaint, "handed_back", f"agent:{agent}")
            told = bot_is_back(complaint.language, complaint.script)
            _say(session, complaint, told, "bot_is_back")
            return str(complaint.sender_id), told

    sender_id, told = await run_db(give_back)
    await _set_paused(app, sender_id, False)
    await _tell(app, sender_id, [Said(told)])


def _out_of_court(complaint: Complaint) -> bool:
    """Whether a refusal must tell the customer about out-of-court dispute resolution (the
    jurisdiction the complaint was received under, ``jurisdictions.yml``)."""
    try:
        return get_jurisdiction(complaint.jurisdiction or "none").out_of_court_notice
    except ClockError:
        return False


async def settle(
    app: Any,
    url: str,
    ticket: str,
    status: str,
    actor: str,
    note: str | None = None,
    outcome: str | None = None,
    rating_link: Callable[[str], str] | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """Resolve or close the ticket (``status``); returns the complaint as a dict.

    ``outcome`` (one of ``bot.store.tables.OUTCOMES``) records the answer for the register, with
    ``note`` as its content. The customer is told, in their language, that the complaint was
    resolved (with the outcome; a refusal adds the out-of-court notice where the jurisdiction
    asks for it) or closed, and a resolved complaint is asked once for a 1-5 rating (quick
    replies). A conversation a person held (an agent, or the queue) goes back to the bot with
    it: the tracker is resumed and the customer told that the bot is back; otherwise the bot
    would stay paused and silent until Rasa's session expired. A customer who is not in the
    chat (:func:`customer_online`) and left an e-mail address gets the same by e-mail, with the
    rating as a link (``rating_link(ticket)``) instead of quick replies; ``reply_to`` as for an
    agent's reply. Raises :class:`LookupError` for an unknown ticket and
    :class:`bot.store.StoreError` for a status change or outcome that is not allowed.
    """

    def change() -> tuple[dict[str, Any], str, bool, list[Said]]:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            online = customer_online(app, str(complaint.sender_id))
            held = _holder_of(session, complaint) != BOT
            store.set_status(session, complaint, status, actor, note)
            if outcome is not None:
                register.record_answer(
                    session, complaint, text=note or outcome, outcome=outcome, actor=actor
                )
            if held:
                store.append_event(session, complaint, "handed_back", actor, {"reason": status})
            sender_id = str(complaint.sender_id)
            language, script = complaint.language, complaint.script
            told = notices.resolution_notices(
                status, complaint.outcome, _out_of_court(complaint), language, script,
                complaint.ticket,
            )  # fmt: skip
            said = [Said(text) for text in told]
            # Another active complaint of the same customer may still be with a person.
            back = held and _holder_of_sender(session, sender_id) == BOT
            if back:
                said.append(Said(bot_is_back(language, script)))
            asked = status == "resolved" and csat.ask_once(session, complaint)
            if asked:
                said.append(
                    Said(
                        notices.notice("csat_ask", language, script),
                        csat.rating_buttons(complaint.ticket),
                    )
                )
            for item in said:
                _say(session, complaint, item.text, "settled")
            if not online and replies.contact_kind(complaint.contact) == "email":
                link = rating_link(complaint.ticket) if asked and rating_link else None
                replies.queue_settled_mail(session, complaint, told, link, reply_to)
            return store.complaint_to_dict(complaint), sender_id, back, said

    data, sender_id, back, said = await run_db(change)
    if back:
        await _set_paused(app, sender_id, False)
    await _tell(app, sender_id, said)
    return data


def move_hold(session: store.Session, complaint: Complaint, target: Agent, actor: str) -> str:
    """Reassigning a conversation an agent holds moves the hold to ``target``, so replies and
    the presence sweep follow the new agent. ``target`` off duty: the conversation goes back to
    the queue for whoever is on duty. Returns what happened, for the reassigning agent."""
    held_by = _holder_of(session, complaint)
    if (
        complaint.status not in ACTIVE_STATUSES
        or not held_by.startswith("agent:")
        or held_by == f"agent:{target.username}"
    ):
        return ""
    previous = held_by.removeprefix("agent:")
    if store.is_present(target):
        moved = {"from": previous, "reason": "reassigned", "by": actor}
        store.append_event(session, complaint, "taken_over", f"agent:{target.username}", moved)
        return f"The live conversation moved from {previous} to {target.display_name}."
    store.append_event(
        session, complaint, RETURNED, actor, {"agent": previous, "reason": "reassigned_off_duty"}
    )
    if complaint.status == "in_progress":
        store.set_status(session, complaint, "escalated", actor)
    return (
        f"{target.display_name} is off duty, so the live conversation went back to the queue: "
        "the next agent on duty can claim it."
    )
