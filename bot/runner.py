"""One-command start: migrate, train if the data changed, start the action and Rasa servers.

Rasa itself fingerprints the domain, config and data, so ``rasa train`` only retrains what
changed; we call it every time and let it decide.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

from bot.ops.endpoints import production_endpoints, rasa_api_args, tracker_store
from bot.rasa_process import child_env, rasa_command
from bot.settings import PROJECT_ROOT, Settings
from bot.store import get_engine, migrate
from bot.studio.model_files import active_model as studio_active_model

MODELS_DIR = PROJECT_ROOT / "models"
VAR_DIR = PROJECT_ROOT / "var"


def tracker_store_config(database_url: str) -> dict[str, object]:
    """Rasa's SQL tracker store keys for the same database as the complaint store."""
    url = make_url(database_url)
    config: dict[str, object] = {"type": "SQL", "dialect": url.get_backend_name()}
    if url.get_backend_name() == "sqlite":
        config["db"] = url.database or str(VAR_DIR / "bot.db")
        return config
    config.update(
        {
            "url": url.host or "127.0.0.1",  # Rasa passes ``url`` as the host
            "port": url.port or 5432,
            "db": url.database or "",
            "username": url.username or "",
            "password": url.password or "",
        }
    )
    return config


#: The action server's token as Rasa reads it from endpoints.yml: Rasa substitutes the
#: environment variable, so the secret is never written to the file.
ACTIONS_TOKEN_HEADER = {"Authorization": "Bearer ${BOT_ACTIONS_TOKEN}"}


def actions_address(settings: Settings) -> str:
    """Where this machine reaches the action server (loopback when it binds every interface)."""
    return "127.0.0.1" if settings.actions_host in ("", "0.0.0.0", "::") else settings.actions_host


def write_endpoints(settings: Settings, target: Path = VAR_DIR / "endpoints.yml") -> Path:
    """endpoints.yml with the action server, the tracker store and, in production, the Redis
    lock store and the RabbitMQ event broker (see :mod:`bot.ops.endpoints`).

    With ``actions_token`` set, Rasa sends it on every action call, read from the
    ``BOT_ACTIONS_TOKEN`` environment variable of the Rasa process. The file holds database
    and broker passwords, so only its owner may read it (mode 0600).
    """
    yaml = YAML()
    endpoints = yaml.load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["action_endpoint"] = {
        "url": settings.action_endpoint_url
        or f"http://{actions_address(settings)}:{settings.actions_port}/webhook"
    }
    if settings.actions_token:
        endpoints["action_endpoint"]["headers"] = dict(ACTIONS_TOKEN_HEADER)
    connection = tracker_store_config(settings.database_url)
    endpoints["tracker_store"] = tracker_store(settings, connection)
    endpoints.update(production_endpoints(settings))
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        yaml.dump(endpoints, handle)
    return target


def latest_model() -> Path | None:
    models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None


def active_model() -> Path | None:
    """The model a trainer activated in the studio (``models/active.json``), if any."""
    return studio_active_model(PROJECT_ROOT)


def train(settings: Settings, force: bool = False) -> int:
    """Train a model unless the newest one was trained on exactly this data."""
    args = [
        "train",
        "--domain", "domain.yml",
        "--config", "config.yml",
        "--data", "data",
        "--out", str(settings.models_dir),
    ]
    if force:
        args.append("--force")
    return subprocess.call(rasa_command(*args), cwd=PROJECT_ROOT, env=child_env())


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    return False


def rasa_server_env(settings: Settings, env: dict[str, str]) -> dict[str, str]:
    """``env`` for the Rasa server: Rasa's own worker count from ``rasa_workers``."""
    return {**env, "SANIC_WORKERS": str(settings.rasa_workers)}


def actions_server_command(port: int) -> list[str]:
    """The action server on ``port``: rasa_sdk with log masking (:mod:`bot.ops.actions_main`)."""
    return [sys.executable, "-m", "bot.ops.actions_main", "--actions", "actions",
            "--port", str(port)]  # fmt: skip


def rasa_server_command(settings: Settings, model: Path, endpoints: Path) -> list[str]:
    """``rasa run`` with the action fallback (:mod:`bot.ops.rasa_main`); the HTTP API only
    with a token or JWT secret (added by rasa_main from the settings), never open."""
    return [
        sys.executable, "-m", "bot.ops.rasa_main", "run",
        "--model", str(model),
        "--endpoints", str(endpoints),
        "--credentials", "credentials.yml",
        "--interface", settings.host,
        "--port", str(settings.rasa_port),
        "--cors", "*",
        *rasa_api_args(settings, with_secrets=False),
    ]


def create_tracker_tables(database_url: str) -> None:
    """Create Rasa's tracker table (``events``) now, before several workers start.

    Every worker's tracker store creates it at start-up; on a new database they race, and all
    but one log an error for a table that another has just made.
    """
    # heavy: Rasa's tracker store module imports Rasa (seconds); only the workers path needs it
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.Base.metadata.create_all(get_engine(database_url))


def with_actions_token(settings: Settings) -> Settings:
    """``settings`` with an action-server token: the configured one, else a new one for this
    run (development; production refuses to start without one)."""
    if settings.actions_token:
        return settings
    return replace(settings, actions_token=secrets.token_urlsafe(32))


def start_servers(settings: Settings, model: Path) -> list[subprocess.Popen[bytes]]:
    """Start the action server (unless the actions run in the Rasa process) and the Rasa
    server; return once they answer. Both get the action server's token in the environment."""
    settings = with_actions_token(settings)
    env = {
        **child_env(),
        "DATABASE_URL": settings.database_url,
        "BOT_ACTIONS_TOKEN": settings.actions_token,
    }
    # one file per port: stacks started side by side must not read each other's endpoints
    endpoints = write_endpoints(settings, VAR_DIR / f"endpoints-{settings.rasa_port}.yml")
    if settings.rasa_workers > 1:
        create_tracker_tables(settings.database_url)
    checks: list[tuple[str, subprocess.Popen[bytes]]] = []
    if not settings.actions_in_process:
        actions = subprocess.Popen(
            actions_server_command(settings.actions_port), cwd=PROJECT_ROOT, env=env
        )
        address = actions_address(settings)
        checks.append((f"http://{address}:{settings.actions_port}/health", actions))
    rasa = subprocess.Popen(
        rasa_server_command(settings, model, endpoints),
        cwd=PROJECT_ROOT,
        env=rasa_server_env(settings, env),
    )
    checks.append((f"http://{settings.host}:{settings.rasa_port}/", rasa))
    processes = [process for _, process in checks]
    for url, process in checks:
        if not _wait_until_up(url, process, timeout=180):
            stop(processes)
            raise RuntimeError(f"server did not come up: {url}")
    return processes


def stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def run(settings: Settings) -> int:
    """Migrate, train if needed, start everything, and wait until interrupted."""
    migrate(settings.database_url)
    if train(settings) != 0:
        print("training failed; see the messages above", file=sys.stderr)
        return 1
    model = active_model() or latest_model()
    if model is not None and model != latest_model():
        print(f"serving the model activated in the studio: {model.name}", flush=True)
    if model is None:
        print("no trained model in models/", file=sys.stderr)
        return 1
    processes = start_servers(settings, model)
    actions = (
        "actions in the Rasa process"
        if settings.actions_in_process
        else f"actions on {settings.actions_port}"
    )
    print(
        f"Complaint bot is up: REST http://{settings.host}:{settings.rasa_port}"
        f"/webhooks/rest/webhook, socket.io on the same port, {actions}. Ctrl+C stops it.",
        flush=True,
    )
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.5)
    finally:
        stop(processes)
    return 0 if stopping else 1
