"""``eval heldout``: the held-out evaluation against Rasa's default configuration."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bot.cli import CliError, arg, command
from bot.settings import PROJECT_ROOT

REPORT_DIR = PROJECT_ROOT / "docs" / "eval"


def _models(value: str) -> tuple[str, ...]:
    from bot.evaluation.heldout_run import MODEL_NAMES, PROJECT

    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names or any(n not in MODEL_NAMES for n in names):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(MODEL_NAMES)}")
    if names[0] != PROJECT:
        raise argparse.ArgumentTypeError(f"the list starts with {PROJECT}")
    return names


@command(
    "eval",
    "heldout",
    help="train the project's and Rasa's default config, score both on eval/heldout",
    arguments=(
        arg("--out", default=str(REPORT_DIR), help="report folder (default: docs/eval)"),
        arg(
            "--work-dir",
            help="keep the trained models here and reuse them while data and config are "
            "unchanged (default: a temporary folder)",
        ),
        arg(
            "--models",
            type=_models,
            default=("project", "rasa_default"),
            help="comma-separated: project[,rasa_default] (default: both)",
        ),
        arg("--actions-port", type=int, default=5650, help="port of the action server"),
        arg(
            "--default-epochs",
            type=int,
            help="train Rasa's default configuration with this many epochs instead of its "
            "own (100); the report says so",
        ),
    ),
)
def cmd_eval_heldout(args: argparse.Namespace) -> int:
    from ruamel.yaml import YAML

    from bot.evaluation.heldout import HeldoutError, coverage_problems, load_heldout
    from bot.evaluation.heldout_run import evaluate, rasa_default_config, with_epochs
    from bot.evaluation.metrics import response_variations
    from bot.evaluation.report import write_report

    try:
        variants = load_heldout()
    except HeldoutError as error:
        raise CliError(f"held-out set: {error}") from error
    if problems := [p for v in variants for p in coverage_problems(v)]:
        raise CliError("held-out set incomplete: " + "; ".join(problems))
    with (PROJECT_ROOT / "domain.yml").open(encoding="utf-8") as handle:
        variations = response_variations(YAML(typ="safe").load(handle).get("responses") or {})
    with tempfile.TemporaryDirectory(prefix="eval-") as scratch:
        work = Path(args.work_dir) if args.work_dir else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        runs = evaluate(
            variants, work.resolve(), args.models, args.actions_port, args.default_epochs
        )
    out = Path(args.out)
    command_line = "python -m bot eval heldout" + (
        f" --default-epochs {args.default_epochs}" if args.default_epochs else ""
    )
    default_config = rasa_default_config()
    if args.default_epochs:
        default_config = with_epochs(default_config, args.default_epochs)
    scores = write_report(runs, variations, default_config, out, command_line)
    for score in scores:
        if score.group in ("en", "hr", "bs", "sr_latn", "sr_cyrl", "all"):
            print(
                f"{score.model:13} {score.group:8} F1 {score.intent_macro_f1:.3f} "
                f"acc {score.intent_accuracy:.3f} esc P {score.escalation_precision:.3f} "
                f"R {score.escalation_recall:.3f} script "
                f"{'n/a' if score.script_following is None else f'{score.script_following:.3f}'}"
            )
    print(f"report: {out / 'report.md'}")
    return 0
