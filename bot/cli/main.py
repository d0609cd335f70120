"""The command line: ``python -m bot ...`` and ``complaint-bot ...``.

The settings are read once here, with ``--database-url`` applied, and handed to every command
as ``args.settings``. Errors print one line to stderr and exit non-zero; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from bot import logmask
from bot.cli import (  # noqa: F401  (imported for the commands they register)
    commitment_commands,
    customer_commands,
    event_commands,
    outbox_commands,
    register_commands,
    run_commands,
    store_commands,
    studio_commands,
    studio_ops_commands,
)
from bot.cli.registry import COMMANDS, GROUPS, PROG, CliError
from bot.settings import Settings, SettingsError, get_settings


def build_parser() -> argparse.ArgumentParser:
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


def command_settings(database_url: str | None) -> Settings:
    """The process's settings, with the database of ``--database-url`` when given."""
    settings = get_settings()
    return dataclasses.replace(settings, database_url=database_url) if database_url else settings


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
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
        args.settings = command_settings(args.database_url)
        return int(args.handler(args))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (CliError, SettingsError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.exit_code if isinstance(error, CliError) else 2
    except Exception as error:
        if args.debug:
            raise
        print(f"{PROG}: error: {_one_line(error)} (use --debug for details)", file=sys.stderr)
        return 1
