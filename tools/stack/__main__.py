"""``python -m tools.stack up``: several Rasa and action servers behind nginx (production mode)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from bot.runner import VAR_DIR, latest_model
from bot.settings import get_settings
from tools.stack.cluster import Layout, ProductionStack


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.stack", description="the multi-instance production stack"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    up = commands.add_parser(
        "up", help="run several Rasa and action servers behind nginx (production mode)"
    )
    up.add_argument("--instances", type=int, default=2, help="Rasa servers (default 2)")
    up.add_argument("--action-servers", type=int, default=2, help="action servers (default 2)")
    up.add_argument("--port", type=int, default=8080, help="nginx's public port (default 8080)")
    up.add_argument("--work-dir", type=Path, default=VAR_DIR / "prod", help="config and logs")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not get_settings().is_production:
        parser.error("set BOT_ENV=production (or BOT_SETTINGS_FILE=deploy/production.yml)")
    if args.instances < 1 or args.action_servers < 1:
        parser.error("--instances and --action-servers must be at least 1")
    model = latest_model()
    if model is None:
        print("no trained model in models/: run `python -m bot train` first", file=sys.stderr)
        return 1
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


if __name__ == "__main__":
    sys.exit(main())
