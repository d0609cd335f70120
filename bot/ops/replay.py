"""The outbox replay: a background task of every Rasa server that keeps the apology's promise.

Started with the server (a Sanic ``after_server_start`` listener that
:func:`bot.rasa_patches.install` adds to Rasa's app, whether the actions run on the action
server or in the Rasa process), it scans the outbox (:mod:`bot.store.outbox`) every few
seconds, whatever the customers do:

* each due file is claimed (one worker of one instance gets it), and its action call runs as
  :class:`bot.ops.fallback.Fallback` would run it: on the action server, else in this process;
* it worked: the answer goes to the customer (:mod:`bot.ops.delivery`) and the file is gone;
* a passing failure (action server away, database down): the file waits, each time twice as
  long, up to ``outbox_max_attempts``;
* a failure that will not pass (the action server's 4xx, a form's rejection, an unknown
  action), too many attempts, or a file that cannot be read: the file is set aside in
  ``failed/`` with a log line, and the next file is replayed all the same;
* files older than ``outbox_retention_days`` are deleted.

The actions' writes are idempotent per customer message, so a call replayed twice still writes
one complaint and queues one hand-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk.interfaces import ActionNotFoundException

from bot.ops.delivery import Delivery
from bot.ops.inprocess import run_action_call
from bot.settings import Settings
from bot.store.blocking import run_db
from bot.store.outbox import Entry, Outbox, UnreadableEntry

logger = logging.getLogger(__name__)

#: The longest pause between two scans of the outbox.
SCAN_EVERY_SECONDS = 5.0
#: How long one replayed call may take.
CALL_TIMEOUT_SECONDS = 120.0

#: Runs one action call; returns the action server's answer body.
ActionRunner = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
#: Delivers an answer: (sender id, action name, answer).
Deliverer = Callable[[str, str, dict[str, Any]], Awaitable[Any]]


class PermanentFailure(Exception):
    """The call will fail however often it is tried."""


def short(error: BaseException) -> str:
    """The error's type and first line: database errors go on with the SQL and its parameters,
    which hold the customer's words and belong in no log."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


async def run_call(
    call: dict[str, Any], endpoint: EndpointConfig | None, actions_in_process: bool
) -> dict[str, Any]:
    """Run ``call`` on the action server (unless the actions run here), else in this process."""
    if not actions_in_process and endpoint is not None:
        try:
            answer = await endpoint.request(json=call, method="post", timeout=30)
        except ClientResponseError as error:
            if 400 <= error.status < 500:
                raise PermanentFailure(f"the action server answered {error.status}") from error
            logger.info("outbox: the action server answered %s; running it here", error.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.info("outbox: the action server is away (%s); running it here", error)
        else:
            return dict(answer or {"events": [], "responses": []})
    try:
        return await run_action_call(call)
    except (ActionExecutionRejection, ActionNotFoundException) as error:
        raise PermanentFailure(short(error)) from error


@dataclass
class Round:
    """What one scan did."""

    replayed: int = 0
    deferred: int = 0
    set_aside: int = 0
    expired: int = 0


class Replayer:
    """Scans an outbox and replays its due files, one after the other."""

    def __init__(self, outbox: Outbox, run: ActionRunner, deliver: Deliverer) -> None:
        self.outbox = outbox
        self.run = run
        self.deliver = deliver

    async def scan(self, now: float) -> Round:
        """One round: expire, free dead workers' claims, replay what is due at ``now``."""
        done = Round(expired=await run_db(self.outbox.expire, now))
        await run_db(self.outbox.release_stale_claims, now)
        for path in await run_db(self.outbox.due, now):
            try:
                entry = await run_db(self.outbox.claim, path, now)
            except UnreadableEntry:  # set aside by the claim
                done.set_aside += 1
                continue
            if entry is None:
                continue
            outcome = await self.replay(entry, now)
            setattr(done, outcome, getattr(done, outcome) + 1)
        return done

    async def replay(self, entry: Entry, now: float) -> str:
        """Run one claimed entry; ``"replayed"``, ``"deferred"`` or ``"set_aside"``."""
        try:
            answer = await asyncio.wait_for(self.run(entry.call), CALL_TIMEOUT_SECONDS)
        except PermanentFailure as error:
            await run_db(self.outbox.set_aside, entry.path, str(error), entry)
            return "set_aside"
        except Exception as error:
            return await self._defer(entry, short(error), now)
        try:
            await self.deliver(entry.sender_id, entry.action, answer)
        except Exception as error:  # the tracker store is away: run (idempotent) and tell later
            logger.warning("outbox: %s ran, but its answer could not be delivered: %s",
                           entry.name, short(error))
            return await self._defer(entry, f"delivery: {short(error)}", now)
        await run_db(self.outbox.done, entry)
        logger.warning("outbox: replayed %s (%s) after %d failed attempt(s)",
                       entry.action, entry.name, entry.attempts)
        return "replayed"

    async def _defer(self, entry: Entry, error: str, now: float) -> str:
        again = await run_db(self.outbox.failed, entry, error, now)
        return "deferred" if again is not None else "set_aside"

    async def run_forever(
        self, interval: float = SCAN_EVERY_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        while True:
            try:
                await self.scan(clock())
            except Exception:  # a full disk, say: log and keep going
                logger.exception("outbox: the scan failed")
            await asyncio.sleep(interval)


def outbox_of(settings: Settings) -> Outbox:
    """The outbox of these settings."""
    return Outbox(
        settings.outbox_dir,
        retention_days=settings.outbox_retention_days,
        max_attempts=settings.outbox_max_attempts,
        first_retry_seconds=settings.outbox_first_retry_seconds,
    )


def listeners(
    settings: Settings, outbox: Outbox
) -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """Sanic listeners that start and stop the replay with the Rasa server."""

    async def start(app: Any, _loop: Any = None) -> None:
        async def run(call: dict[str, Any]) -> dict[str, Any]:
            agent = getattr(app.ctx, "agent", None)  # read each time: a model reload replaces it
            endpoint = agent.action_endpoint if agent is not None else None
            return await run_call(call, endpoint, settings.actions_in_process)

        replayer = Replayer(outbox, run, Delivery(app).deliver)
        interval = min(SCAN_EVERY_SECONDS, max(0.5, settings.outbox_first_retry_seconds / 2))
        app.ctx.outbox_replay = asyncio.get_running_loop().create_task(
            replayer.run_forever(interval)
        )

    async def stop(app: Any, _loop: Any = None) -> None:
        task = getattr(app.ctx, "outbox_replay", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return [(start, "after_server_start"), (stop, "before_server_stop")]
