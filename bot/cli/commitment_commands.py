"""``complaint-bot commitments sweep|list``: commitment reminders and missed ones, for cron.

``sweep`` does once what the Rasa server does every ``commitment_sweep_seconds``
(:mod:`bot.ops.commitment_sweep`), e-mails included (queued in the mail outbox, sent by the
Rasa server's mail sender); ``--now`` sets the time it sweeps as of (for a catch-up, or a
test). It prints one JSON line: how many were reminded, flagged missed and settled.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.cli.registry import GROUPS, arg, command, format_table
from bot.cli.store_commands import _require_schema
from bot.handoff.reminders import run_sweep
from bot.ops.commitment_sweep import mail_sender
from bot.store import session_scope
from bot.store.commitments import board, missed

GROUPS.setdefault("commitments", "promises to customers: reminders and missed ones")


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected a time such as 2026-12-05T14:00:00+01:00, got {value!r}"
        ) from error
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. +01:00 or Z")
    return moment.astimezone(timezone.utc)


@command(
    "commitments",
    "sweep",
    help="remind owners of commitments due soon and flag the missed ones (for cron)",
    arguments=[
        arg("--now", type=_moment, metavar="TIME", help="sweep as of TIME (default: now)"),
    ],
)
def cmd_commitments_sweep(args: argparse.Namespace) -> int:
    settings = args.settings
    _require_schema(settings.database_url)
    now = args.now or datetime.now(timezone.utc)
    lead = timedelta(minutes=settings.commitment_reminder_minutes)
    send = mail_sender(settings)
    result, notices = run_sweep(settings.database_url, now, lead, send, settings.timezone)
    summary = {
        "now": now.isoformat(),
        "reminded": len(result.reminded),
        "missed": len(result.missed),
        "settled": result.settled,
        "notices": [
            {"kind": n.kind, "audience": n.audience, "owner": n.username, "subject": n.subject}
            for n in notices
        ],
    }
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0


@command(
    "commitments",
    "list",
    help="the team's overdue and due-today commitments, or the missed ones (--missed)",
    arguments=[
        arg("--missed", action="store_true", help="only those flagged missed, not yet kept"),
        arg("--now", type=_moment, metavar="TIME", help="as of TIME (default: now)"),
    ],
)
def cmd_commitments_list(args: argparse.Namespace) -> int:
    settings = args.settings
    _require_schema(settings.database_url)
    now = args.now or datetime.now(timezone.utc)
    with session_scope(settings.database_url) as session:
        if args.missed:
            groups = {"missed": missed(session)}
        else:
            found = board(session, now, ZoneInfo(settings.timezone))
            groups = {"overdue": found["overdue"], "due today": found["due_today"]}
    rows = [
        [
            group,
            item["ticket"],
            item["kind"],
            item["due_at"],
            item["owner"] or "team",
            item["status"],
        ]
        for group, items in groups.items()
        for item in items
    ]
    if not rows:
        print("No commitments to show.")
        return 0
    print(format_table(rows, ["when", "ticket", "kind", "due", "owner", "status"]))
    return 0
