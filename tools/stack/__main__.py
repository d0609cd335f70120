"""``python -m bot prod ...``: run the multi-instance production stack, and soak it."""

from __future__ import annotations

import argparse
import json
import signal
import time
from dataclasses import asdict
from pathlib import Path

from bot.cli import CliError, arg, command
from bot.runner import VAR_DIR, latest_model


@command(
    "prod",
    "up",
    help="run several Rasa and action servers behind nginx (production mode)",
    arguments=[
        arg("--instances", type=int, default=2, help="Rasa servers (default 2)"),
        arg("--action-servers", type=int, default=2, help="action servers (default 2)"),
        arg("--port", type=int, default=8080, help="nginx's public port (default 8080)"),
        arg("--work-dir", type=Path, default=VAR_DIR / "prod", help="config and logs"),
    ],
)
def cmd_prod_up(args: argparse.Namespace) -> int:
    from bot.ops.stack import Layout, ProductionStack
    from bot.settings import get_settings

    if not get_settings().is_production:
        raise CliError("set BOT_ENV=production (or BOT_SETTINGS_FILE=deploy/production.yml)")
    if args.instances < 1 or args.action_servers < 1:
        raise CliError("--instances and --action-servers must be at least 1", 2)
    model = latest_model()
    if model is None:
        raise CliError("no trained model in models/: run `python -m bot train` first")
    layout = Layout(args.port, args.instances, args.action_servers)
    stack = ProductionStack(layout, model, args.work_dir.resolve())
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    with stack:
        print(
            f"Up: {layout.public_url} (nginx) -> Rasa on {layout.rasa_ports}, actions on "
            f"{layout.action_ports} via :{layout.actions_proxy_port}. Logs in "
            f"{stack.work_dir / 'logs'}. Ctrl+C stops it.",
            flush=True,
        )
        while not stopping and stack.alive():
            time.sleep(0.5)
    return 0 if stopping else 1


@command(
    "prod",
    "soak",
    help="soak test: many conversations against the production stack, with restarts",
    arguments=[
        arg("--messages", type=int, default=10_000, help="customer messages (default 10000)"),
        arg("--concurrency", type=int, default=24, help="customers at once (default 24)"),
        arg("--port", type=int, default=6400, help="nginx port; uses port..port+70"),
        arg("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
            help="PostgreSQL admin URL; the soak creates and drops its own database"),
        arg("--rabbitmq", default="amqp://guest:guest@127.0.0.1:5672/", help="RabbitMQ URL"),
        arg("--work-dir", type=Path, default=VAR_DIR / "soak", help="logs and results"),
        arg("--seed", type=int, default=6),
    ],
)
def cmd_prod_soak(args: argparse.Namespace) -> int:
    from bot.ops.soak import run_soak

    if args.messages < 1:
        raise CliError("--messages must be at least 1", 2)
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
