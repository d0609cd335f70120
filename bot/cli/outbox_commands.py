"""``complaint-bot outbox failed|retry|drop``: the action calls the replay set aside.

The Rasa server replays the outbox by itself (:mod:`bot.ops.replay`); a call it could not run
(a 4xx, an unreadable file, too many attempts) waits in ``failed/`` for a person to retry it
(after a fix) or drop it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone

from bot.cli.registry import GROUPS, CliError, arg, command, format_table
from bot.settings import Settings
from bot.store.outbox import Outbox, UnreadableEntry

GROUPS.setdefault("outbox", "action calls the replay set aside (failed/)")


def _outbox(settings: Settings) -> Outbox:
    return Outbox(settings.outbox_dir, retention_days=settings.outbox_retention_days)


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M")


@command("outbox", "failed", help="list the action calls set aside, with the reason")
def cmd_outbox_failed(args: argparse.Namespace) -> int:
    outbox = _outbox(args.settings)
    rows = [
        [path.name, _when(entry.created_at), entry.action, str(entry.attempts),
         entry.reason or ""]
        if entry is not None
        else [path.name, "?", "?", "?", "unreadable"]
        for path, entry in outbox.dead_letters()
    ]  # fmt: skip
    waiting = len(outbox.waiting())
    if rows:
        sys.stdout.write(
            format_table(rows, ["FILE", "KEPT (UTC)", "ACTION", "ATTEMPTS", "REASON"]) + "\n"
        )
    sys.stdout.write(f"{len(rows)} set aside, {waiting} waiting for a replay\n")
    return 0


@command(
    "outbox",
    "retry",
    help="queue a set-aside call again (the Rasa server replays it)",
    arguments=[arg("file", help="the file name shown by 'outbox failed'")],
)
def cmd_outbox_retry(args: argparse.Namespace) -> int:
    try:
        _outbox(args.settings).retry_dead_letter(args.file, time.time())
    except (FileNotFoundError, UnreadableEntry) as error:
        raise CliError(str(error)) from error
    sys.stdout.write(f"{args.file} queued again\n")
    return 0


@command(
    "outbox",
    "drop",
    help="delete a set-aside call (the customer's message is then not handled)",
    arguments=[
        arg("file", help="the file name shown by 'outbox failed'"),
        arg("--yes", action="store_true", help="really delete it"),
    ],
)
def cmd_outbox_drop(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("dropping cannot be undone: add --yes to confirm", exit_code=2)
    try:
        _outbox(args.settings).drop_dead_letter(args.file)
    except FileNotFoundError as error:
        raise CliError(str(error)) from error
    sys.stdout.write(f"{args.file} deleted\n")
    return 0
