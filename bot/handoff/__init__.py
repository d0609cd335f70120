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

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed
from ruamel.yaml import YAML

from bot import store
from bot.dialogue.turn import clean_text
from bot.store.blocking import run_db
from bot.store.retry import retry_db
from bot.store.tables import ACTIVE_STATUSES, Agent, Complaint

#: Event kinds that move a conversation to a person, and back to the bot.
TO_BOT = ("handed_back",)
BOT = "bot"
QUEUE = "queue"
RETURNED = "returned_to_queue"
MESSAGES_FILE = Path(__file__).with_name("data") / "messages.yml"


def _holder_of(session: store.Session, complaint: Complaint) -> str:
    """``"bot"``, ``"queue"`` (handed over, no agent yet) or ``"agent:<username>"``."""
    for entry in reversed(store.events_for(session, complaint)):
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


def record_customer_message(
    sender_id: str, text: str, url: str, retry_seconds: float = 0.0
) -> None:
    """Keep a message the customer wrote while a person holds the conversation (waiting out a
    database outage of up to ``retry_seconds``)."""

    def keep() -> None:
        with store.session_scope(url) as session:
            complaint = store.latest_for_sender(session, sender_id)
            if complaint is not None:
                store.append_event(
                    session, complaint, "message_customer", "customer", {"text": clean_text(text)}
                )

    retry_db(keep, retry_seconds)


def _complaint(session: store.Session, ticket: str) -> Complaint:
    complaint = store.get_by_ticket(session, ticket)
    if complaint is None:
        raise LookupError(f"no complaint with ticket {ticket!r}")
    return complaint


@cache
def _messages() -> dict[str, dict[str, str]]:
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{MESSAGES_FILE.name}: expected a mapping at the top")
    return data


def bot_is_back(language: str | None, script: str | None) -> str:
    """The customer's "you are talking to the bot again", in their language (else English).

    Reads a file: call it off the event loop.
    """
    texts = _messages()["bot_is_back"]
    key = f"{language}-{script}" if language == "sr" and script == "cyrillic" else language
    return texts.get(key or "en") or texts["en"]


async def _set_paused(app: Any, sender_id: str, paused: bool) -> None:
    """Pause or resume the Rasa tracker too, so the REST channel is quiet as well.

    The read-change-save runs under Rasa's lock for the conversation, from the lock store Rasa
    itself uses (Redis when several instances share the conversations), so a message handled
    at the same moment on another instance neither loses its events nor undoes the pause.
    """
    agent = getattr(app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return
        tracker.update(ConversationPaused() if paused else ConversationResumed())
        if not paused and tracker.latest_action_name != ACTION_LISTEN_NAME:
            # action_hand_off paused the tracker, so Rasa never ran action_listen after it:
            # without one the rules see no "listening" state and the bot stays silent on the
            # next message.
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await agent.tracker_store.save(tracker)


async def _emit(app: Any, sender_id: str, text: str, metadata: dict[str, Any]) -> None:
    sio = getattr(app.ctx, "complaint_sio", None)
    if sio is None:
        return
    event = getattr(app.ctx, "complaint_bot_event", "bot_uttered")
    await sio.emit(event, {"text": text, "metadata": metadata}, room=sender_id)


async def take_over(app: Any, url: str, ticket: str, agent: str) -> None:
    """``agent`` claims the conversation: the bot is paused and the customer is told."""

    def claim() -> str:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            if complaint.status in ("resolved", "closed"):
                raise ValueError(f"complaint {complaint.ticket} is {complaint.status}")
            if complaint.status != "in_progress":
                store.set_status(session, complaint, "in_progress", f"agent:{agent}")
            complaint.assigned_agent = agent
            store.append_event(session, complaint, "taken_over", f"agent:{agent}")
            return str(complaint.sender_id)

    sender_id = await run_db(claim)
    await _set_paused(app, sender_id, True)


async def send_agent_message(
    app: Any, url: str, ticket: str, agent: str, text: str, retry_seconds: float = 0.0
) -> None:
    """Deliver an agent's reply to the customer's widget, labelled as coming from a person
    (kept first, waiting out a database outage of up to ``retry_seconds``)."""
    message = clean_text(text)
    if not message:
        raise ValueError("an empty reply cannot be sent")

    def keep() -> tuple[str, str]:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            if _holder_of(session, complaint) != f"agent:{agent}":
                raise ValueError(f"claim complaint {complaint.ticket} before replying")
            store.append_event(
                session, complaint, "message_agent", f"agent:{agent}", {"text": message}
            )
            if complaint.first_response_at is None:
                complaint.first_response_at = complaint.updated_at
            staff = store.get_agent(session, agent)
            return complaint.sender_id, staff.display_name if staff is not None else agent

    # Kept first (waiting out a brief database outage off the event loop), then delivered.
    sender_id, name = await run_db(retry_db, keep, retry_seconds)
    await _emit(app, sender_id, message, {"sender": "agent", "agent_name": name})


async def hand_back(app: Any, url: str, ticket: str, agent: str) -> None:
    """Give the conversation back to the bot, which answers the customer's next message."""

    def give_back() -> str:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            if _holder_of(session, complaint) == BOT:
                raise ValueError(f"complaint {complaint.ticket} is not held by a person")
            store.append_event(session, complaint, "handed_back", f"agent:{agent}")
            return str(complaint.sender_id)

    sender_id = await run_db(give_back)
    await _set_paused(app, sender_id, False)


async def settle(
    app: Any, url: str, ticket: str, status: str, actor: str, note: str | None = None
) -> dict[str, Any]:
    """Resolve or close the ticket (``status``); returns the complaint as a dict.

    A conversation a person held (an agent, or the queue) goes back to the bot with it: the
    tracker is resumed and the customer told, in their language, that the bot is back.
    Otherwise the bot would stay paused and silent until Rasa's session expired. Raises
    :class:`LookupError` for an unknown ticket and :class:`bot.store.StoreError` for a status
    change that is not allowed.
    """

    def change() -> tuple[dict[str, Any], str, str | None]:
        with store.session_scope(url) as session:
            complaint = _complaint(session, ticket)
            held = _holder_of(session, complaint) != BOT
            store.set_status(session, complaint, status, actor, note)
            if held:
                store.append_event(session, complaint, "handed_back", actor, {"reason": status})
            sender_id = str(complaint.sender_id)
            # Another active complaint of the same customer may still be with a person.
            back = held and _holder_of_sender(session, sender_id) == BOT
            told = bot_is_back(complaint.language, complaint.script) if back else None
            return store.complaint_to_dict(complaint), sender_id, told

    data, sender_id, told = await run_db(change)
    if told is not None:
        await _set_paused(app, sender_id, False)
        await _emit(app, sender_id, told, {"sender": "bot"})
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
    if target.on_duty:
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
