"""Push updates to the agents' consoles over the socket.io server Rasa already runs.

Consoles connect to the ``/staff`` namespace of the widget channel's socket.io server; the
handshake carries the console's session cookie (same origin, SameSite=Strict), and only a
signed-in agent or admin is let in, to the ``staff`` room. Each Rasa instance watches the
complaint events (one cheap query a second, and only while a console is connected to it) and
sends the new ones to the consoles connected *to it*: the emit is local on purpose (the base
manager's ``emit``), because every instance watches the same database, so going through the
Redis pub/sub (:mod:`bot.ops.pubsub`) would deliver each update once per instance.

A connected console is also the agent's heartbeat: the watcher marks the agents of its
sockets seen, so an agent whose console closed stops being "on duty" after
:data:`bot.store.agents.PRESENCE_TIMEOUT`, and their live conversations go back to the queue
(:mod:`bot.handoff.presence`). The console polls only when the socket cannot connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from typing import Any

from socketio import AsyncManager
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.store import mark_seen, read_scope, session_scope
from bot.store.blocking import run_staff_db
from bot.store.inbox import latest_event_id as newest_event_id
from bot.store.tables import Agent, Complaint, ComplaintEvent
from bot.web.auth import AGENT_ROLES, principal_of

logger = logging.getLogger(__name__)

NAMESPACE = "/staff"
ROOM = "staff"
EVENT = "staff_update"
#: What a console needs to hear about.
WATCHED_KINDS: tuple[str, ...] = (
    "created",
    "escalated",
    "handoff_requested",
    "message_customer",
    "message_agent",
    "taken_over",
    "handed_back",
    "returned_to_queue",
    "status_changed",
    "reassigned",
    "note",
    # a finished complaint the customer wrote about again: back in front of a person
    "reopened",
    "followed_up",
    # the team's commitments board changes with these (reminders fall due with time)
    "commitment_made",
    "commitment_done",
    "commitment_reminded",
    "commitment_missed",
)
#: Largest number of events sent in one update (the console reloads its list anyway).
MAX_BATCH = 200
HEARTBEAT_SECONDS = 15.0


def latest_event_id(url: str) -> int:
    with read_scope(url) as session:
        return newest_event_id(session)


def events_after(url: str, last_id: int) -> list[dict[str, Any]]:
    """The watched events after ``last_id``, with their complaint's ticket and state."""
    query = (
        select(ComplaintEvent, Complaint)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.id > last_id)
        .order_by(ComplaintEvent.id)
        .limit(MAX_BATCH)
    )
    # a read: on SQLite it must not queue for the write lock behind the customers' writes
    with read_scope(url) as session:
        found = []
        for event, complaint in session.execute(query).all():
            data = event.data or {}
            found.append(
                {
                    "id": event.id,
                    "kind": event.kind,
                    "watched": event.kind in WATCHED_KINDS,
                    "actor": event.actor,
                    "to": data.get("to") if event.kind == "reassigned" else None,
                    "ticket": complaint.ticket,
                    "status": complaint.status,
                    "assigned_agent": complaint.assigned_agent,
                    "language": complaint.language,
                    "category": complaint.category,
                    "at": event.created_at.isoformat() if event.created_at else None,
                }
            )
        return found


def mark_agents_seen(url: str, agent_ids: list[int]) -> None:
    with session_scope(url) as session:
        for agent in session.query(Agent).filter(Agent.id.in_(agent_ids)):
            mark_seen(session, agent)


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value


class StaffPush:
    """The ``/staff`` namespace's handlers and the event watcher of one server."""

    def __init__(
        self, sio: Any, url: str, interval: float = 1.0, disconnect_seconds: int = 60
    ) -> None:
        self.sio = sio
        self.url = url
        self.interval = interval
        #: Mark connected agents seen well within the presence sweep's limit.
        self.heartbeat = max(interval, min(HEARTBEAT_SECONDS, disconnect_seconds / 3))
        #: socket id -> the agent's id
        self.sockets: dict[str, int] = {}
        self.task: asyncio.Task[None] | None = None

    def install(self) -> None:
        self.sio.on("connect", self.on_connect, namespace=NAMESPACE)
        self.sio.on("disconnect", self.on_disconnect, namespace=NAMESPACE)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: object = None) -> bool:
        request = environ.get("sanic.request")
        if request is None:
            return False
        try:
            principal = await principal_of(request)
        except Exception:  # the database is away: the console falls back to polling
            logger.warning("staff socket refused: could not check the session", exc_info=True)
            return False
        if principal is None or principal.role not in AGENT_ROLES:
            return False
        self.sockets[sid] = principal.agent_id
        await _maybe_await(self.sio.enter_room(sid, ROOM, namespace=NAMESPACE))
        await run_staff_db(mark_agents_seen, self.url, [principal.agent_id])
        return True

    async def on_disconnect(self, sid: str, reason: object = None) -> None:
        self.sockets.pop(sid, None)

    async def send(self, events: list[dict[str, Any]]) -> None:
        """To this server's consoles only (see the module's note on Redis)."""
        await AsyncManager.emit(
            self.sio.manager, EVENT, {"events": events}, namespace=NAMESPACE, room=ROOM
        )

    async def watch(self) -> None:
        last = await run_staff_db(latest_event_id, self.url)
        beat = 0.0
        while True:
            await asyncio.sleep(self.interval)
            try:
                if not self.sockets:
                    last = await run_staff_db(latest_event_id, self.url)
                    continue
                beat += self.interval
                if beat >= self.heartbeat:
                    beat = 0.0
                    await run_staff_db(
                        mark_agents_seen, self.url, sorted(set(self.sockets.values()))
                    )
                found = await run_staff_db(events_after, self.url, last)
                if not found:
                    continue
                last = found[-1]["id"]
                watched = [entry for entry in found if entry.pop("watched")]
                if watched:
                    await self.send(watched)
            except SQLAlchemyError as error:  # the database is away; try again next round
                logger.warning("could not watch complaint events: %s", error)

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.watch())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
