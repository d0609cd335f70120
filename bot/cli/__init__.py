"""The command line (``complaint-bot``, ``python -m bot``): the top layer.

:mod:`bot.cli.main` builds the parser and runs a command; :mod:`bot.cli.registry` is how a
command is declared; each ``*_commands`` module holds one group's commands. Nothing outside
this package imports it.
"""

from bot.cli.registry import GROUPS, CliError, arg, command, format_table

__all__ = ["GROUPS", "CliError", "arg", "command", "format_table"]
