"""The command line: ``python -m bot ...`` and ``complaint-bot ...``.

Commands are registered with :func:`command`: one small function per command, taking the
parsed arguments and returning the exit status. ``command("db", "migrate", ...)`` becomes
``complaint-bot db migrate``; a new group needs an entry in :data:`GROUPS`.

Errors print one line to stderr and exit non-zero; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from bot.settings import get_settings
from bot.store import (
    STATUSES,
    Agent,
    complaint_to_dict,
    create_agent,
    current_revision,
    event_to_dict,
    events_for,
    get_by_ticket,
    head_revision,
    list_complaints,
    migrate,
    session_scope,
)

Handler = Callable[[argparse.Namespace], int]

PROG = "complaint-bot"

#: Help of the command groups (first word of a two-word command).
GROUPS: dict[str, str] = {
    "db": "database schema",
    "complaints": "inspect logged complaints",
    "agents": "staff accounts (agents, trainers, admins)",
    "eval": "measure the bot",
}


class CliError(Exception):
    """An error to report to the user as one line, with an exit status."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Argument:
    """The arguments of one ``ArgumentParser.add_argument`` call."""

    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


def arg(*flags: str, **options: Any) -> Argument:
    return Argument(flags, options)


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    help: str
    handler: Handler
    arguments: tuple[Argument, ...] = ()


COMMANDS: list[Command] = []


def command(
    *path: str, help: str, arguments: Sequence[Argument] = ()
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the command ``path`` (one or two words)."""

    def register(handler: Handler) -> Handler:
        if not 1 <= len(path) <= 2 or (len(path) == 2 and path[0] not in GROUPS):
            raise ValueError(f"command path must be 'name' or '<group> name': {path!r}")
        COMMANDS.append(Command(tuple(path), help, handler, tuple(arguments)))
        return handler

    return register


#: Modules whose import registers more commands with :func:`command` (one per area, so that
#: each area keeps its commands beside its code). Imported when the parser is built.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.store.customer_commands",
    "bot.studio.ops_commands",
    "bot.studio.commands",
    "bot.evaluation.commands",
)


def _load_command_modules() -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(module)


def build_parser() -> argparse.ArgumentParser:
    _load_command_modules()
    parser = argparse.ArgumentParser(
        prog=PROG, description="Complaint-handling chatbot on Rasa Open Source."
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="database to use (default: DATABASE_URL / bot.yml, else SQLite var/bot.db)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.set_defaults(handler=None, group_parser=parser)
    top = parser.add_subparsers(title="commands", metavar="COMMAND")
    groups: dict[str, Any] = {}
    for cmd in COMMANDS:
        if len(cmd.path) == 1:
            leaf = top.add_parser(cmd.path[0], help=cmd.help, description=cmd.help)
        else:
            group, name = cmd.path
            if group not in groups:
                group_parser = top.add_parser(group, help=GROUPS[group], description=GROUPS[group])
                group_parser.set_defaults(handler=None, group_parser=group_parser)
                groups[group] = group_parser.add_subparsers(title="commands", metavar="COMMAND")
            leaf = groups[group].add_parser(name, help=cmd.help, description=cmd.help)
        for argument in cmd.arguments:
            leaf.add_argument(*argument.flags, **argument.options)
        leaf.set_defaults(handler=cmd.handler)
    return parser


def _one_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None)  # SQLAlchemy wraps the driver's error
    text = str(orig if orig is not None else error).strip()
    first = text.splitlines()[0] if text else ""
    return first or type(error).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    from bot import logmask

    logmask.install()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error already printed by argparse
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.handler is None:
        args.group_parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except CliError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:
        if args.debug:
            raise
        print(f"{PROG}: error: {_one_line(error)} (use --debug for details)", file=sys.stderr)
        return 1


# --- helpers ---------------------------------------------------------------------------------


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


def _require_schema(url: str | None) -> None:
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


def format_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


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
    migrate(args.database_url)
    print(f"database at revision {current_revision(args.database_url)} (head)")
    return 0


@command("db", "current", help="print the schema revision of the database")
def cmd_db_current(args: argparse.Namespace) -> int:
    current, head = current_revision(args.database_url), head_revision()
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
    _require_schema(args.database_url)
    with session_scope(args.database_url) as session:
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
    _require_schema(args.database_url)
    with session_scope(args.database_url) as session:
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
    _require_schema(args.database_url)
    password = _read_password(args.password_env)
    with session_scope(args.database_url) as session:
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
    _require_schema(args.database_url)
    with session_scope(args.database_url) as session:
        rows = [
            [a.username, a.display_name, a.role, "on duty" if a.on_duty else "off duty"]
            for a in session.query(Agent).order_by(Agent.username)
        ]
    print(format_table(rows, ("username", "name", "role", "duty")))
    return 0


# --- evaluation -----------------------------------------------------------------------------


@command(
    "eval",
    "crossval",
    help="NLU cross-validation (rasa test nlu --cross-validation), figures per language",
    arguments=(
        arg("--folds", type=_positive_int, default=5),
        arg("--out", help="keep Rasa's result files in this folder"),
    ),
)
def cmd_eval_crossval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.evaluation.crossval import markdown_table, run_cross_validation

    rows = run_cross_validation(folds=args.folds, out=Path(args.out) if args.out else None)
    print(markdown_table(rows))
    return 0


# --- runner ----------------------------------------------------------------------------------


@command(
    "train",
    help="train the Rasa model (skipped when data and config are unchanged)",
    arguments=(arg("--force", action="store_true", help="train even if nothing changed"),),
)
def cmd_train(args: argparse.Namespace) -> int:
    from bot.runner import train

    return int(train(force=args.force))


@command("run", help="train if needed, migrate, and start the Rasa and action servers")
def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run

    if args.database_url:
        # The servers read the URL from the settings; exporting it reaches child processes too.
        os.environ["DATABASE_URL"] = args.database_url
        get_settings.cache_clear()
    return int(run())
