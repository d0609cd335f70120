"""The commitment sweep as a background task of every Rasa server (like the outbox replay).

Every ``commitment_sweep_seconds`` it runs :func:`bot.handoff.reminders.run_sweep`: owners are
reminded ``commitment_reminder_minutes`` before a due time, and a commitment past due is flagged
missed and sent to the supervisors. The sweep is idempotent (a commitment is reminded once and
flagged once, in the database), so several instances sweeping at once do no harm beyond a
duplicate e-mail in a race. ``python -m bot commitments sweep`` runs the same once, for cron.

The sender is injected: ``app.ctx.commitment_sender`` when something set it, else
:func:`mail_sender`, which queues each notice in the persistent mail outbox
(:func:`bot.store.mail.queue_mail`, sent by :mod:`bot.ops.mailer`) to the addresses of
:func:`bot.handoff.reminders.addresses`, and logs a notice that has none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from bot import store
from bot.handoff.reminders import Notice, Sender, addresses, log_sender, run_sweep
from bot.settings import Settings
from bot.store.blocking import run_db
from bot.store.mail import queue_mail

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def mail_sender(settings: Settings) -> Sender:
    """A sender that queues each notice as an e-mail (one per address, in one transaction);
    a notice with no address configured goes to the log (the console shows it anyway)."""

    def send(notice: Notice) -> None:
        to = addresses(
            notice,
            team_email=settings.team_email,
            supervisor_email=settings.supervisor_email,
            staff_emails=settings.staff_emails,
        )
        if not to:
            log_sender(notice)
            return
        with store.session_scope(settings.database_url) as session:
            for address in to:
                queue_mail(
                    session,
                    to=address,
                    subject=notice.subject,
                    body=notice.text,
                    kind=f"commitment_{notice.kind}",
                    language="en",
                )

    return send


async def sweep_forever(
    settings: Settings, send: Sender, interval: float, clock: Clock = utc_now
) -> None:
    lead = timedelta(minutes=settings.commitment_reminder_minutes)
    while True:
        try:
            await run_db(run_sweep, settings.database_url, clock(), lead, send, settings.timezone)
        except Exception as error:  # the database is away: log one line and try again later
            logger.warning("commitments: the sweep failed: %s", type(error).__name__)
        await asyncio.sleep(interval)


def listeners(settings: Settings) -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """Sanic listeners that start and stop the sweep with the Rasa server."""

    async def start(app: Any, _loop: Any = None) -> None:
        send = getattr(app.ctx, "commitment_sender", None) or mail_sender(settings)
        app.ctx.commitment_sweep = asyncio.get_running_loop().create_task(
            sweep_forever(settings, send, settings.commitment_sweep_seconds)
        )

    async def stop(app: Any, _loop: Any = None) -> None:
        task = getattr(app.ctx, "commitment_sweep", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return [(start, "after_server_start"), (stop, "before_server_stop")]
