"""Command-line parity for the studio's operations: ``python -m bot studio train|models|
activate|rollback|evaluate|review|review-add|review-story|review-done|analytics``.

They work on the project of ``BOT_PROJECT_DIR`` (default: the repository) and the database of
``--database-url`` / ``DATABASE_URL``, exactly like the studio's pages. Training and
evaluation run in the foreground here (one line per stage) and take the same lock as the
studio, so a training started in the browser and one started here never overlap.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.registry import GROUPS, CliError, arg, command, format_table
from bot.studio import analytics, eval_jobs, model_files, review, training
from bot.studio.errors import StudioError
from bot.studio.jobs import Job, JobRunner

GROUPS.setdefault("studio", "the trainer studio: edit, train, evaluate, review, analytics")


def _root(args: argparse.Namespace) -> Path:
    return Path(args.settings.project_dir)


def _run_in_foreground(runner: JobRunner) -> Job:
    """Run a job here, printing each new stage with the elapsed time."""
    started = time.monotonic()
    shown = {"stage": ""}

    def on_line(_: str) -> None:
        if runner.job.stage != shown["stage"]:
            shown["stage"] = runner.job.stage
            print(f"[{time.monotonic() - started:6.1f}s] {runner.job.stage}", flush=True)

    runner.on_line = on_line
    try:
        runner.acquire()
    except StudioError as problem:
        raise CliError(problem.message) from None
    return runner.run()


def _report(job: Job) -> int:
    if job.state == "succeeded":
        return 0
    print(f"{job.kind} {job.state}: {job.error or ''}", file=sys.stderr)
    return 1


def _threshold(args: argparse.Namespace) -> float:
    """The NLU confidence below which a message is reviewed (the settings')."""
    return float(args.settings.escalation.nlu_confidence_threshold)


def _studio(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except StudioError as problem:
        raise CliError(problem.message) from None


@command(
    "studio",
    "train",
    help="train a new model (as the studio's Training page does); it is not activated",
    arguments=(arg("--force", action="store_true", help="retrain every component"),),
)
def cmd_train(args: argparse.Namespace) -> int:
    job = _run_in_foreground(training.prepare(_root(args), "cli", force=args.force))
    if job.state == "succeeded":
        print(f"trained {job.result['model']} in {job.elapsed_seconds():.0f}s; "
              "activate it with: studio activate " + job.result["model"])
    return _report(job)


@command("studio", "models", help="list the trained models; * marks the active one")
def cmd_models(args: argparse.Namespace) -> int:
    rows = [
        [
            ("* " if item["active"] else "  ") + item["name"],
            item["trained_at"][:19].replace("T", " "),
            f"{item['size_bytes'] / 1_000_000:.1f} MB",
            item["data_version"] or "-",
            item["trained_by"] or "-",
        ]
        for item in model_files.list_models(_root(args))
    ]
    if not rows:
        print("no trained models")
        return 0
    print(format_table(rows, ("MODEL", "TRAINED", "SIZE", "DATA", "BY")))
    return 0


@command(
    "studio",
    "activate",
    help="make MODEL the active model; running servers load it within seconds",
    arguments=(arg("model", help="the model's file name, as listed by 'studio models'"),),
)
def cmd_activate(args: argparse.Namespace) -> int:
    path = _studio(model_files.activate, _root(args), args.model, "cli")
    print(f"active model: {path.name}")
    return 0


@command("studio", "rollback", help="activate the model that was active before the current one")
def cmd_rollback(args: argparse.Namespace) -> int:
    path = _studio(model_files.rollback, _root(args), "cli")
    print(f"rolled back; active model: {path.name}")
    return 0


@command(
    "studio",
    "evaluate",
    help="NLU cross-validation and the test stories, stored for the Evaluation page",
    arguments=(arg("--folds", type=int, default=eval_jobs.DEFAULT_FOLDS),),
)
def cmd_evaluate(args: argparse.Namespace) -> int:
    job = _run_in_foreground(_studio(eval_jobs.prepare, _root(args), "cli", args.folds))
    summary = eval_jobs.latest_summary(_root(args)) if job.state == "succeeded" else None
    if summary:
        rows = [
            [name, f"{v['precision']:.3f}", f"{v['recall']:.3f}", f"{v['f1']:.3f}",
             str(v["support"])]
            for name, v in sorted(summary["intents"].items())
        ]
        print(format_table(rows, ("INTENT", "PRECISION", "RECALL", "F1", "SUPPORT")))
        stories = summary["stories"]
        print(f"test stories: {stories['failed_count']} failed of {stories['total']}")
        for story in stories["failed"]:
            print(f"  failed: {story['name']}")
    return _report(job)


@command(
    "studio",
    "review",
    help="the review inbox: messages below the confidence threshold, fallbacks, "
    "misunderstandings and agents' corrections",
    arguments=(
        arg("--all", action="store_true", help="include items already done"),
        arg("--format", choices=("table", "jsonl"), default="table"),
    ),
)
def cmd_review(args: argparse.Namespace) -> int:
    items = _studio(
        review.inbox, _root(args), args.settings.database_url, _threshold(args), args.all
    )
    if args.format == "jsonl":
        for item in items:
            print(json.dumps(item, ensure_ascii=False))
        return 0
    if not items:
        print("nothing to review")
        return 0
    rows = [
        [
            str(item["id"]),
            ",".join(item["reasons"]),
            item["intent"] or "-",
            f"{item['confidence']:.2f}" if isinstance(item["confidence"], float) else "-",
            item["data_language"],
            " ".join(item["text"].split())[:70],
        ]
        for item in items
    ]
    print(format_table(rows, ("ID", "WHY", "INTENT", "CONF", "LANG", "MESSAGE")))
    return 0


@command(
    "studio",
    "review-add",
    help="add the review item ID as an example of INTENT (validated like the studio)",
    arguments=(arg("id", type=int), arg("intent")),
)
def cmd_review_add(args: argparse.Namespace) -> int:
    url = args.settings.database_url
    done = _studio(
        review.add_as_example, _root(args), args.id, args.intent, "cli", url, _threshold(args)
    )
    print(f"added item {done['item']} as an example of {done['intent']} ({done['language']})")
    return 0


@command(
    "studio",
    "review-story",
    help="turn the whole conversation of review item ID into a test story",
    arguments=(arg("id", type=int), arg("--name", help="the story's name (default: review ID)")),
)
def cmd_review_story(args: argparse.Namespace) -> int:
    done = _studio(
        review.conversation_as_story,
        _root(args),
        args.id,
        "cli",
        args.name,
        args.settings.database_url,
        _threshold(args),
    )
    print(f"test story {done['story']!r} with {done['steps']} steps")
    return 0


@command(
    "studio",
    "review-done",
    help="mark review item ID as handled without changing the data",
    arguments=(arg("id", type=int),),
)
def cmd_review_done(args: argparse.Namespace) -> int:
    item = _studio(
        review.get_item, _root(args), args.id, args.settings.database_url, _threshold(args)
    )
    review.mark_done(_root(args), item["id"], "cli", "done")
    print(f"item {item['id']} handled")
    return 0


def _date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2024-05-01, got {value!r}"
        ) from None
    return value


@command(
    "studio",
    "analytics",
    help="complaint figures (per day, category, language; escalations; deadlines; times)",
    arguments=(
        arg("--from", dest="start", type=_date, help="first day (YYYY-MM-DD)"),
        arg("--to", dest="end", type=_date, help="last day (YYYY-MM-DD)"),
        arg("--language"),
        arg("--category"),
        arg("--csv", action="store_true", help="one CSV row per complaint instead"),
    ),
)
def cmd_analytics(args: argparse.Namespace) -> int:
    filters = _studio(
        analytics.parse_filters,
        {"from": args.start, "to": args.end, "language": args.language,
         "category": args.category},
        args.settings,
    )
    if args.csv:
        rows = analytics.complaint_rows(filters, args.settings)
        sys.stdout.write(analytics.to_csv(rows))
        return 0
    figures = analytics.summary(filters, args.settings)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0
