"""``python -m tools.bench`` (``make bench``): the load benchmark against Rasa's starter bot."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tools.bench import report, run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description="load benchmark: our stack (SQLite, PostgreSQL) against Rasa's starter bot",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short phases (8 s paced, 6 s closed loop; full: 20 s, 15 s)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL stacks")
    parser.add_argument(
        "--variant",
        action="append",
        help="only this variant of our stack (repeatable; default: all of "
        "ours-sqlite, ours-sqlite-server, ours-sqlite-2w, ours-postgres, ours-postgres-2w)",
    )
    parser.add_argument("--no-starter", action="store_true", help="skip Rasa's starter bot")
    parser.add_argument(
        "--transport",
        choices=("rest", "socketio"),
        action="append",
        help="only this transport (repeatable; default: both)",
    )
    parser.add_argument(
        "--shape",
        action="append",
        help="only this load shape (repeatable; default: all). A console shape alone still "
        "runs its baseline, alternated with it",
    )
    parser.add_argument(
        "--closed-customers",
        type=int,
        default=10,
        help="concurrent customers of the closed-loop shape (default 10)",
    )
    parser.add_argument(
        "--model", help="use this trained model instead of training ours (no training time)"
    )
    parser.add_argument("--port-base", type=int, default=6500, help="first port (default 6500)")
    parser.add_argument(
        "--out",
        default=str(PROJECT_ROOT / "docs" / "benchmarks.md"),
        help="the Markdown report (default docs/benchmarks.md)",
    )
    parser.add_argument(
        "--chart",
        default=str(PROJECT_ROOT / "docs" / "bench.png"),
        help="the chart (default docs/bench.png)",
    )
    parser.add_argument(
        "--from-json",
        metavar="FILE",
        help="run nothing: write the report and chart again from a saved results file "
        "(e.g. after the targets changed)",
    )
    parser.add_argument(
        "--json",
        default=str(PROJECT_ROOT / "var" / "bench" / "results.json"),
        help="every figure as JSON (default var/bench/results.json)",
    )
    return parser


_PATH_OPTIONS = ("--model", "--out", "--chart", "--json", "--from-json")


def _without_paths(args: list[str]) -> list[str]:
    """``args`` without the options that name files of this machine's run (the model and the
    output paths): what is left is what another machine can run again."""
    kept: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _PATH_OPTIONS:
            skip = True
        elif not arg.startswith(tuple(f"{option}=" for option in _PATH_OPTIONS)):
            kept.append(arg)
    return kept


def bench_command(args: list[str]) -> str:
    """How to run the benchmark that gave these figures again (``make bench`` + its args)."""
    return "make bench" + (f" BENCH_ARGS={shlex.quote(' '.join(args))}" if args else "")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.closed_customers < 1:
        parser.error("--closed-customers must be at least 1")
    known = {variant.name: variant for variant in run.VARIANTS}
    if unknown := [name for name in args.variant or () if name not in known]:
        parser.error(f"unknown variant {', '.join(unknown)}: one of {', '.join(known)}")
    all_shapes = run.shapes(args.quick, args.closed_customers)
    shape_names = [shape.name for shape in all_shapes]
    if unknown := [name for name in args.shape or () if name not in shape_names]:
        parser.error(f"unknown shape {', '.join(unknown)}: one of {', '.join(shape_names)}")
    plan = run.Plan(
        shapes=tuple(s for s in all_shapes if not args.shape or s.name in args.shape),
        postgres=not args.no_postgres,
        starter=not args.no_starter,
        transports=tuple(args.transport or run.TRANSPORTS),
        port_base=args.port_base,
        model=Path(args.model) if args.model else None,
        postgres_shapes=("paced-20", f"closed-{args.closed_customers}"),
        variants=tuple(known[name] for name in args.variant or known),
    )
    json_path, out, chart = Path(args.json), Path(args.out), Path(args.chart)
    if args.from_json:
        data = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
    else:
        data = run.run(plan)
        data["plan"] = json.loads(json.dumps(dataclasses.asdict(plan), default=str))
        data["command_args"] = _without_paths(list(sys.argv[1:] if argv is None else argv))
        run.save_json(data, json_path)
    report.chart(data, chart)
    try:
        chart_ref = str(chart.resolve().relative_to(out.resolve().parent))
    except ValueError:
        chart_ref = str(chart)
    command_line = bench_command(data.get("command_args", []))
    notes_file = Path(__file__).with_name("notes.md")
    notes = notes_file.read_text(encoding="utf-8") if notes_file.exists() else ""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.markdown(data, command_line, chart_ref, notes), encoding="utf-8")
    for target, measured, met in report.targets(data):
        status = {True: "met", False: "NOT MET", None: "not measured"}[met]
        print(f"{status:>12}  {target}: {measured}")
    print(f"report: {out}, chart: {chart}, figures: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
