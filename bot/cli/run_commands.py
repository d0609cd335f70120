"""``complaint-bot train|run`` and ``eval crossval``: train and start the bot, measure the NLU."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot import runner
from bot.cli.registry import arg, command
from bot.cli.store_commands import _positive_int

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
    # heavy: cross-validation loads Rasa's NLU stack and scikit-learn; other commands do not
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
    return int(runner.train(args.settings, force=args.force))


@command("run", help="train if needed, migrate, and start the Rasa and action servers")
def cmd_run(args: argparse.Namespace) -> int:
    return int(runner.run(args.settings))
