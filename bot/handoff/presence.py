"""Conversations of agents whose console went away go back to the queue.

The console polls the API every few seconds, and every API call marks the agent seen
(``agents.last_seen_at``): that is the heartbeat. An agent holding a conversation whose console
has not been seen for ``agent_disconnect_seconds`` (``BOT_AGENT_DISCONNECT_SECONDS``) — the
browser was closed, the laptop went to sleep — loses it: a ``returned_to_queue`` event puts it
back in the queue (status ``escalated``, no assigned agent) for the next agent. The customer's
messages keep going to the console meanwhile; the bot stays silent.

Every Rasa instance runs :func:`watch`, on the database and with the time its caller passes in
(from the staff app's settings); the check and the event are one transaction per conversation,
and a conversation already back in the queue is skipped, so two instances sweeping at once do
no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot import store
from bot.handoff import RETURNED, _holder_of
from bot.store.blocking import run_db
from bot.store.tables import Agent, Complaint

logger = logging.getLogger(__name__)


def release_abandoned(url: str, seconds: int, now: datetime | None = None) -> list[str]:
    """Give back to the queue the conversations of agents not seen for ``seconds``; returns
    their tickets."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(seconds=seconds)
    released: list[str] = []
    with store.session_scope(url) as session:
        query = (
            select(Complaint)
            .join(Agent, Agent.username == Complaint.assigned_agent)
            .where(Complaint.status == "in_progress")
            .where((Agent.last_seen_at.is_(None)) | (Agent.last_seen_at < cutoff))
            .with_for_update(of=Complaint, skip_locked=True)
        )
        for complaint in session.execute(query).scalars():
            agent = complaint.assigned_agent
            if _holder_of(session, complaint) != f"agent:{agent}":
                continue
            store.append_event(
                session, complaint, RETURNED, "system", {"agent": agent, "reason": "disconnected"}
            )
            store.set_status(session, complaint, "escalated", "system")
            complaint.assigned_agent = None
            released.append(complaint.ticket)
    if released:
        logger.warning("agent console gone: back to the queue: %s", ", ".join(released))
    return released


async def watch(url: str, seconds: int, interval: float | None = None) -> None:
    """Run :func:`release_abandoned` every few seconds while the server runs."""
    pause = interval if interval is not None else max(1.0, min(10.0, seconds / 4))
    while True:
        await asyncio.sleep(pause)
        try:
            await run_db(release_abandoned, url, seconds)
        except SQLAlchemyError as error:  # the database is away; try again next round
            logger.warning("could not check agent presence: %s", error)


async def start_watch(app: Any, url: str, seconds: int) -> None:
    """Start :func:`watch` in the background (from a Sanic ``after_server_start`` listener)."""
    app.ctx.presence_watch = asyncio.get_running_loop().create_task(watch(url, seconds))


async def stop_watch(app: Any) -> None:
    """Stop :func:`watch` (from a Sanic ``before_server_stop`` listener)."""
    task = getattr(app.ctx, "presence_watch", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
