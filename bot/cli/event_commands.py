"""``complaint-bot events consume|purge``: the audit trail of conversation events."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from bot.cli.registry import GROUPS, CliError, arg, command
from bot.ops.events import ConsumerConfig, ConsumerStats, consume
from bot.store import session_scope
from bot.store.event_audit import purge_older_than

GROUPS.setdefault("events", "the conversation events Rasa publishes to RabbitMQ (audit trail)")


async def _consume_until_terminated(config: ConsumerConfig) -> ConsumerStats:
    """:func:`consume`, stopped cleanly (batch stored and acknowledged) by SIGTERM."""
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    return await consume(config, stop)


@command(
    "events",
    "consume",
    help="store the events of the RabbitMQ queue in the audit table (runs until stopped)",
    arguments=[
        arg("--drain", action="store_true",
            help="stop once the queue has been empty for --idle-seconds (for cron or tests)"),
        arg("--idle-seconds", type=float, default=5.0,
            help="with --drain: how long the queue must stay empty (default 5)"),
    ],
)
def cmd_events_consume(args: argparse.Namespace) -> int:
    settings = args.settings
    if not settings.rabbitmq_url:
        raise CliError("RABBITMQ_URL is not set: there is no event queue to consume")
    config = ConsumerConfig.from_settings(
        settings,
        idle_exit_seconds=args.idle_seconds if args.drain else None,
        max_failed_writes=3 if args.drain else None,
    )
    stats = asyncio.run(_consume_until_terminated(config))
    summary = {"received": stats.received, "stored": stats.stored, "purged": stats.purged,
               "failed_writes": stats.failed_writes}
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


@command(
    "events",
    "purge",
    help="delete audit rows older than the retention (BOT_EVENT_RETENTION_DAYS)",
    arguments=[arg("--days", type=int, default=None, help="keep this many days instead")],
)
def cmd_events_purge(args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else args.settings.event_retention_days
    if days < 0:
        raise CliError("--days must be 0 or more", exit_code=2)
    with session_scope(args.settings.database_url) as session:
        deleted = purge_older_than(session, days)
    sys.stdout.write(json.dumps({"deleted": deleted, "days": days}) + "\n")
    return 0
