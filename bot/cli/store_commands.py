"""``complaint-bot db|complaints|agents ...``: the schema, the complaints and staff accounts."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TextIO

from bot.cli.registry import PROG, CliError, arg, command, format_table
from bot.store import (
    STATUSES,
    Agent,
    Session,
    StoreError,
    activate_agent,
    complaint_to_dict,
    create_agent,
    current_revision,
    deactivate_agent,
    duty_state,
    event_to_dict,
    events_for,
    get_by_ticket,
    head_revision,
    list_complaints,
    migrate,
    revoke_tokens,
    session_scope,
)
from bot.store.agents import PRESENCE_TIMEOUT


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


def _require_schema(url: str) -> None:
    """Refuse to work on a database whose schema is not at the newest revision."""
    current, head = current_revision(url), head_revision()
    if current != head:
        raise CliError(
            f"database schema is at revision {current or 'none'}, not {head}: "
            f"run '{PROG} db migrate' first"
        )


def _write_json(data: Any, out: TextIO, indent: int | None = None) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=indent) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(str(item) for item in value) or "-"
    return " ".join(str(value).split())


def _short_time(iso: str | None) -> str:
    """``2024-05-01T10:00:00.123+00:00`` as ``2024-05-01 10:00Z``."""
    if not iso:
        return "-"
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%MZ")


TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("TICKET", "ticket"),
    ("STATUS", "status"),
    ("SEV", "severity"),
    ("CATEGORY", "category"),
    ("LANG", "language"),
    ("CREATED", "created_at"),
    ("DUE", "due_at"),
    ("REASONS", "escalation_reasons"),
    ("SENDER", "sender_id"),
)


def _table_row(item: dict[str, Any]) -> list[str]:
    cells = []
    for _, key in TABLE_COLUMNS:
        value = item[key]
        cells.append(_short_time(value) if key.endswith("_at") else _cell(value))
    return cells


# --- db --------------------------------------------------------------------------------------


@command("db", "migrate", help="create or upgrade the database schema (alembic upgrade head)")
def cmd_db_migrate(args: argparse.Namespace) -> int:
    migrate(args.settings.database_url)
    print(f"database at revision {current_revision(args.settings.database_url)} (head)")
    return 0


@command("db", "current", help="print the schema revision of the database")
def cmd_db_current(args: argparse.Namespace) -> int:
    current, head = current_revision(args.settings.database_url), head_revision()
    if current == head:
        print(f"{current} (head)")
        return 0
    print(f"{current or 'none'} (head is {head}: run '{PROG} db migrate')")
    return 0


# --- complaints ------------------------------------------------------------------------------


@command(
    "complaints",
    "list",
    help="list complaints, newest first",
    arguments=(
        arg("--format", choices=("table", "jsonl"), default="table", help="output format"),
        arg("--sender-id", help="only this conversation's complaints"),
        arg("--status", choices=STATUSES, help="only complaints in this status"),
        arg("--limit", type=_positive_int, help="at most this many"),
    ),
)
def cmd_complaints_list(args: argparse.Namespace) -> int:
    _require_schema(args.settings.database_url)
    with session_scope(args.settings.database_url) as session:
        items = [
            complaint_to_dict(complaint)
            for complaint in list_complaints(
                session, sender_id=args.sender_id, status=args.status, limit=args.limit
            )
        ]
    if args.format == "jsonl":
        for item in items:
            _write_json(item, sys.stdout)
        return 0
    if not items:
        print("no complaints")
        return 0
    headers = [header for header, _ in TABLE_COLUMNS]
    print(format_table([_table_row(item) for item in items], headers))
    return 0


@command(
    "complaints",
    "show",
    help="show one complaint and its events as JSON",
    arguments=(arg("ticket", help="ticket, e.g. C-4KX9TR (any case)"),),
)
def cmd_complaints_show(args: argparse.Namespace) -> int:
    _require_schema(args.settings.database_url)
    with session_scope(args.settings.database_url) as session:
        complaint = get_by_ticket(session, args.ticket)
        if complaint is None:
            raise CliError(f"no complaint with ticket {args.ticket.strip()!r}")
        data = {
            "complaint": complaint_to_dict(complaint),
            "events": [event_to_dict(entry) for entry in events_for(session, complaint)],
        }
    _write_json(data, sys.stdout, indent=2)
    return 0


# --- agents ---------------------------------------------------------------------------------


def _read_password(env_var: str | None) -> str:
    """The new password: from an environment variable (for scripts) or typed twice."""
    if env_var:
        value = os.environ.get(env_var)
        if not value:
            raise CliError(f"environment variable {env_var} is empty or not set")
        return value
    if not sys.stdin.isatty():
        raise CliError("no terminal to type a password; use --password-env VAR")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise CliError("the passwords differ")
    return first


@command(
    "agents",
    "create",
    help="create a staff account (the password is typed, or read from --password-env)",
    arguments=(
        arg("username", help="lower-case login name, e.g. ana.horvat"),
        arg("--role", choices=("agent", "trainer", "admin"), default="agent"),
        arg("--name", dest="display_name", help="name shown to colleagues and customers"),
        arg("--password-env", metavar="VAR", help="read the password from this variable"),
    ),
)
def cmd_agents_create(args: argparse.Namespace) -> int:
    _require_schema(args.settings.database_url)
    password = _read_password(args.password_env)
    with session_scope(args.settings.database_url) as session:
        agent = create_agent(
            session,
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.display_name,
        )
        print(f"created {agent.role} {agent.username}")
    return 0


@command("agents", "list", help="list staff accounts")
def cmd_agents_list(args: argparse.Namespace) -> int:
    _require_schema(args.settings.database_url)
    now = datetime.now(timezone.utc)
    with session_scope(args.settings.database_url) as session:
        rows = [
            [
                a.username,
                a.display_name,
                a.role,
                duty_state(a, now),
                "active" if a.active else "deactivated",
            ]
            for a in session.query(Agent).order_by(Agent.username)
        ]
    print(format_table(rows, ("username", "name", "role", "duty", "account")))
    print(
        f"'on duty': switched on duty and the console seen in the last "
        f"{int(PRESENCE_TIMEOUT.total_seconds() // 60)} minutes; 'away': on duty but the console "
        "has closed (escalations are queued, not handed to them)"
    )
    return 0


def _account_change(args: argparse.Namespace, change: Callable[[Session], object]) -> object:
    """``change(session)`` on the account database; a missing account is the user's error."""
    _require_schema(args.settings.database_url)
    try:
        with session_scope(args.settings.database_url) as session:
            return change(session)
    except StoreError as problem:
        raise CliError(str(problem)) from None


@command(
    "agents",
    "deactivate",
    help="close a staff account: no sign-in, off duty, every session and API token revoked",
    arguments=(arg("username"),),
)
def cmd_agents_deactivate(args: argparse.Namespace) -> int:
    revoked = _account_change(args, lambda session: deactivate_agent(session, args.username))
    print(f"deactivated {args.username}; {revoked} session(s) and token(s) revoked")
    return 0


@command("agents", "activate", help="reopen a deactivated staff account",
         arguments=(arg("username"),))  # fmt: skip
def cmd_agents_activate(args: argparse.Namespace) -> int:
    _account_change(args, lambda session: activate_agent(session, args.username))
    print(f"activated {args.username}")
    return 0


@command(
    "agents",
    "revoke-tokens",
    help="sign a staff account out everywhere: revoke its sessions and API tokens",
    arguments=(
        arg("username"),
        arg("--kind", choices=("session", "api"), help="only console sessions or API tokens"),
    ),
)
def cmd_agents_revoke_tokens(args: argparse.Namespace) -> int:
    revoked = _account_change(
        args, lambda session: revoke_tokens(session, args.username, args.kind)
    )
    print(f"{revoked} session(s) and token(s) of {args.username} revoked")
    return 0
