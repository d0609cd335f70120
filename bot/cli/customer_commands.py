"""``complaint-bot customers export|erase SENDER_ID``: one customer's data, out or gone."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.registry import GROUPS, CliError, arg, command
from bot.store.erasure import erase_customer, export_customer

GROUPS.setdefault("customers", "export or erase one customer's data (privacy requests)")


@command(
    "customers",
    "export",
    help="print everything stored about a customer as JSON",
    arguments=[arg("sender_id", help="the customer's sender id (see 'complaints show')")],
)
def cmd_customers_export(args: argparse.Namespace) -> int:
    data = export_customer(args.sender_id, args.settings.database_url)
    if not any(data["tables"].values()):
        raise CliError(f"nothing is stored about sender {args.sender_id!r}")
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return 0


@command(
    "customers",
    "erase",
    help="delete every complaint, event and transcript of a customer (audited)",
    arguments=[
        arg("sender_id", help="the customer's sender id"),
        arg("--yes", action="store_true", help="really erase (it cannot be undone)"),
        arg("--actor", default="cli", help="who asked, for the audit log (default: cli)"),
    ],
)
def cmd_customers_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("erasing cannot be undone: add --yes to confirm", exit_code=2)
    receipt = erase_customer(args.sender_id, f"cli:{args.actor}", args.settings.database_url)
    if not receipt.total:
        raise CliError(f"nothing is stored about sender {args.sender_id!r}")
    sys.stdout.write(json.dumps(receipt.as_dict(), indent=2) + "\n")
    return 0
