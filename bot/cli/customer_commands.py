"""``complaint-bot customers export|erase SENDER_ID``: one customer's data, out or gone.

Both cover every store (see :mod:`bot.ops.erasure`): the database, the outbox, the event queue
and the project's training data; the erasure prints what a person must still do (logs).
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.registry import GROUPS, CliError, arg, command
from bot.ops.erasure import erase_everywhere, export_everywhere

GROUPS.setdefault("customers", "export or erase one customer's data (privacy requests)")


@command(
    "customers",
    "export",
    help="print everything stored about a customer as JSON",
    arguments=[arg("sender_id", help="the customer's sender id (see 'complaints show')")],
)
def cmd_customers_export(args: argparse.Namespace) -> int:
    data = export_everywhere(args.settings, args.sender_id)
    if not any(data["tables"].values()) and not data["outbox"] and not data["project_copies"]:
        raise CliError(f"nothing is stored about sender {args.sender_id!r}")
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return 0


@command(
    "customers",
    "erase",
    help="delete a customer's complaints, events, transcript, outbox files and copied "
    "training data (audited); lists what a person must still do",
    arguments=[
        arg("sender_id", help="the customer's sender id"),
        arg("--yes", action="store_true", help="really erase (it cannot be undone)"),
        arg("--actor", default="cli", help="who asked, for the audit log (default: cli)"),
    ],
)
def cmd_customers_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("erasing cannot be undone: add --yes to confirm", exit_code=2)
    receipt = erase_everywhere(args.settings, args.sender_id, f"cli:{args.actor}")
    if not receipt.total:
        raise CliError(f"nothing is stored about sender {args.sender_id!r}")
    sys.stdout.write(json.dumps(receipt.as_dict(), indent=2, ensure_ascii=False) + "\n")
    for item in receipt.to_do:
        print(f"still to do: {item}", file=sys.stderr)
    return 0
