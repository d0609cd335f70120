"""``python -m tools.evaluation``: the end-to-end evaluation (and Rasa's NLU cross-validation).

``run --set test`` (``make eval``) trains the project's config and Rasa's default config,
replays the test set through each running bot and writes ``docs/eval/``; ``--set dev`` runs
the dev set (``eval/heldout/``) the same way.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from bot.settings import PROJECT_ROOT

REPORT_DIR = PROJECT_ROOT / "docs" / "eval"


def _models(value: str) -> tuple[str, ...]:
    from tools.evaluation.run import MODEL_NAMES

    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names or any(n not in MODEL_NAMES for n in names):
        raise argparse.ArgumentTypeError(f"choose from {', '.join(MODEL_NAMES)}")
    return names


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{found} (with uncommitted changes)" if dirty else found


def cmd_run(args: argparse.Namespace) -> int:
    from tools.evaluation.history import TestRun, append_run, load_runs, overall_figures
    from tools.evaluation.report import write_report
    from tools.evaluation.responses import Catalogue
    from tools.evaluation.run import evaluate
    from tools.evaluation.sets import SetError, load_set

    try:
        eval_set = load_set(args.set)
    except SetError as error:
        print(f"error: {args.set} set: {error}", file=sys.stderr)
        return 2
    catalogue = Catalogue.from_domain()
    command = "python -m tools.evaluation run --set " + args.set
    if args.models != ("project", "rasa_default"):
        command += " --models " + ",".join(args.models)
    if args.default_epochs:
        command += f" --default-epochs {args.default_epochs}"
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "command": command,
        "default_epochs": str(args.default_epochs or "Rasa's own (100)"),
    }
    with tempfile.TemporaryDirectory(prefix="eval-") as scratch:
        work = Path(args.work_dir) if args.work_dir else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        runs = evaluate(
            eval_set.items,
            work.resolve(),
            args.models,
            args.port,
            args.concurrency,
            default_epochs=args.default_epochs,
        )
    out = Path(args.out)
    earlier = load_runs() if args.set == "test" else None
    scores = write_report(eval_set, runs, catalogue, out, meta, earlier)
    if earlier is not None:
        append_run(TestRun(meta["date"], meta["commit"], command, overall_figures(scores)))
    for score in scores:
        print(
            f"{score.model:13} {score.group:8} logged {score.complaint_logged} "
            f"non-complaints {score.non_complaints_logged} category {score.category_accuracy} "
            f"esc P {score.escalation_precision} R {score.escalation_recall} "
            f"script {score.script_followed} language {score.in_language}"
        )
    print(f"report: {out / 'report.md'}")
    return 0


def cmd_crossval(args: argparse.Namespace) -> int:
    from bot.studio.crossval import markdown_table, run_cross_validation

    rows = run_cross_validation(folds=args.folds, out=Path(args.out) if args.out else None)
    print(markdown_table(rows))
    return 0


def cmd_drop_leaks(args: argparse.Namespace) -> int:
    from tools.evaluation.leaks import blind_sentences, drop_leaks

    removed = drop_leaks(blind_sentences())
    for name, count in sorted(removed.items()):
        print(f"data/nlu/{name}: {count} examples removed")
    print(
        f"{sum(removed.values())} training examples nearly duplicated a sentence of a blind set"
        " (test, dev5)"
    )
    return 0


def cmd_train_on_dev(args: argparse.Namespace) -> int:
    from tools.evaluation.dev_training import BlindSetError, add_dev_examples

    try:
        added = add_dev_examples(args.sets)
    except BlindSetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name, count in sorted(added.items()):
        print(f"data/nlu/{name}: {count} examples added")
    print(f"{sum(added.values())} complaint first messages added; now run drop-leaks")
    return 0


def cmd_crossval_dev(args: argparse.Namespace) -> int:
    from tools.evaluation.dev_crossval import markdown_table, run_crossval

    work = Path(args.work_dir) if args.work_dir else None
    print(markdown_table(run_crossval(PROJECT_ROOT / "config.yml", work)))
    return 0


def cmd_calibrate_variants(args: argparse.Namespace) -> int:
    from tools.evaluation.variants import report

    print(report())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.evaluation", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="end to end: train, start real stacks, replay a set, read the rows back"
    )
    run.add_argument(
        "--set",
        choices=("test", "dev", "dev2", "dev3", "dev4", "dev5", "probe"),
        default="test",
        help="test: eval/test (frozen); dev: eval/heldout (for tuning); dev2: eval/dev2 (for "
        "tuning, written blind in session 10); dev3: eval/dev3 (the same, session 11, leaning on "
        "anger and the other escalation reasons); dev4: eval/dev4 (the same, session 16, leaning "
        "on category boundaries and non-complaints); dev5: eval/dev5 (the same, session 17, "
        "leaning on anger and its calm look-alikes); probe: tools/evaluation/probe (everyday "
        "requests that must log nothing). Default: test",
    )
    run.add_argument(
        "--models",
        type=_models,
        default=("project", "rasa_default"),
        help="comma-separated: project,rasa_default (default: both)",
    )
    run.add_argument("--out", default=str(REPORT_DIR), help="report folder (default: docs/eval)")
    run.add_argument(
        "--work-dir", help="keep models, databases and logs here (default: a temp dir)"
    )
    run.add_argument(
        "--port", type=_positive, default=5620, help="Rasa's port (actions on port + 50)"
    )
    run.add_argument(
        "--concurrency", type=_positive, default=4, help="customers at a time (default 4)"
    )
    run.add_argument(
        "--default-epochs",
        type=_positive,
        help="train Rasa's default configuration with this many epochs instead of its own 100 "
        "(about an hour on two shared cores); the report says so",
    )
    run.set_defaults(handler=cmd_run)
    crossval = commands.add_parser(
        "crossval", help="Rasa's NLU cross-validation on data/nlu, figures per language"
    )
    crossval.add_argument("--folds", type=_positive, default=5)
    crossval.add_argument("--out", help="keep Rasa's result files in this folder")
    crossval.set_defaults(handler=cmd_crossval)
    leaks = commands.add_parser(
        "drop-leaks",
        help="remove training examples that nearly duplicate sentences of the blind sets "
        "(test, dev5; prints counts only)",
    )
    leaks.set_defaults(handler=cmd_drop_leaks)
    on_dev = commands.add_parser(
        "train-on-dev",
        help="add the named dev sets' complaint first messages to data/nlu as training examples",
    )
    on_dev.add_argument(
        "--set",
        dest="sets",
        action="append",
        required=True,
        choices=["dev", "dev2", "dev3", "dev4"],
        help="a dev set to train on (repeat the option for several)",
    )
    on_dev.set_defaults(handler=cmd_train_on_dev)
    crossval_dev = commands.add_parser(
        "crossval-dev",
        help="category accuracy of each dev set at NLU level, trained without any dev set and "
        "on the other three (about 8 minutes)",
    )
    crossval_dev.add_argument("--work-dir", help="keep the data and models here")
    crossval_dev.set_defaults(handler=cmd_crossval_dev)
    calibrate = commands.add_parser(
        "calibrate-variants",
        help="fit the language detector's variant temperature on the training files",
    )
    calibrate.set_defaults(handler=cmd_calibrate_variants)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
