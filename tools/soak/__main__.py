"""``python -m tools.soak``: many conversations against the production stack, with restarts."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.runner import VAR_DIR
from tools.soak.run import run_soak


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.soak",
        description="soak test: many conversations against the production stack, with restarts",
    )
    parser.add_argument(
        "--messages", type=int, default=10_000, help="customer messages (default 10000)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=24, help="customers at once (default 24)"
    )
    parser.add_argument("--port", type=int, default=6400, help="nginx port; uses port..port+70")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL admin URL; the soak creates and drops its own database",
    )
    parser.add_argument(
        "--rabbitmq", default="amqp://guest:guest@127.0.0.1:5672/", help="RabbitMQ URL"
    )
    parser.add_argument(
        "--work-dir", type=Path, default=VAR_DIR / "soak", help="logs and results"
    )
    parser.add_argument("--seed", type=int, default=6)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    result = run_soak(
        messages=args.messages,
        port=args.port,
        postgres_admin_url=args.postgres,
        rabbitmq_url=args.rabbitmq,
        work_dir=args.work_dir.resolve(),
        concurrency=args.concurrency,
        seed=args.seed,
    )
    print("\n".join(result.lines()), flush=True)
    print(json.dumps(asdict(result)), flush=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
