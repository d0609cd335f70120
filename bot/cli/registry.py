"""How commands are declared: :func:`command` registers one small function per command.

``command("db", "migrate", ...)`` becomes ``complaint-bot db migrate``; a new group needs an
entry in :data:`GROUPS` (or ``GROUPS.setdefault`` in its module). Each handler takes the parsed
arguments, whose ``settings`` are the :class:`~bot.settings.Settings` that
:func:`bot.cli.main.main` built once, and returns the exit status.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

PROG = "complaint-bot"

#: Help of the command groups (first word of a two-word command).
GROUPS: dict[str, str] = {
    "db": "database schema",
    "complaints": "inspect logged complaints",
    "agents": "staff accounts (agents, trainers, admins)",
    "eval": "measure the bot",
}


Handler = Callable[[argparse.Namespace], int]

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


def format_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])
