"""``complaint-bot train|run`` and ``eval crossval``: train and start the bot, measure the NLU."""

from __future__ import annotations

import argparse

from bot import runner
from bot.cli.registry import arg, command

# --- runner ----------------------------------------------------------------------------------


@command(
    "train",
    help="train the Rasa model (skipped when data and config are unchanged)",
    arguments=(arg("--force", action="store_true", help="train even if nothing changed"),),
)
def cmd_train(args: argparse.Namespace) -> int:
    return int(runner.train(args.settings, force=args.force))


@command("run", help="train if needed, migrate, and start the Rasa and action servers")
def cmd_run(args: argparse.Namespace) -> int:
    return int(runner.run(args.settings))
