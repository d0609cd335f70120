"""Training and starting the two bots under test, each on its own ports.

* our stack: the project's model (trained now, timed), ``rasa_sdk`` with ``actions`` and
  ``rasa run`` with ``credentials.yml`` (REST and our socket.io channel), on SQLite or on a
  PostgreSQL database created for the run and dropped afterwards;
* Rasa's starter bot: ``rasa init``'s project (copied by Rasa's own scaffold function into a
  temporary folder), trained now, with its own action server, REST and Rasa's socket.io channel.

Server start time is measured from process start until the server answers HTTP.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

from bot.runner import (
    actions_server_command,
    child_env,
    create_tracker_tables,
    rasa_command,
    rasa_server_command,
    rasa_server_env,
    with_actions_token,
    write_endpoints,
)
from bot.settings import PROJECT_ROOT, load_settings

#: How long a server may take to answer after its start before the run gives up.
START_TIMEOUT = 600.0


class StackError(RuntimeError):
    """Training failed, or a server did not come up."""


@dataclass
class Stack:
    """The running processes of one bot and how long each took to answer."""

    name: str
    base_url: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    start_seconds: dict[str, float] = field(default_factory=dict)
    database_url: str | None = None

    @property
    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}


def _yaml() -> YAML:
    yaml = YAML()
    yaml.default_flow_style = False
    return yaml


def train(args: list[str], cwd: Path, log: Path) -> tuple[Path, float]:
    """``rasa train ARGS`` in ``cwd``; the new model and the seconds it took."""
    out = cwd / "bench-models" if "--out" not in args else Path(args[args.index("--out") + 1])
    started = time.perf_counter()
    with log.open("wb") as handle:
        code = subprocess.call(
            rasa_command("train", "--force", *args),
            cwd=cwd,
            env=child_env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    seconds = time.perf_counter() - started
    models = sorted(out.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if code != 0 or not models:
        raise StackError(f"training failed (exit {code}); see {log}")
    return models[-1], seconds


def train_ours(workdir: Path) -> tuple[Path, float]:
    """The project's model, trained from scratch into ``workdir/models``."""
    out = workdir / "models"
    args = ["--domain", "domain.yml", "--config", "config.yml", "--data", "data", "--out", str(out)]
    return train(args, PROJECT_ROOT, workdir / "train-ours.log")


def scaffold_starter(folder: Path) -> Path:
    """``rasa init``'s starter project in ``folder`` (Rasa's own scaffold, without training)."""
    from rasa.cli.scaffold import create_initial_project

    create_initial_project(str(folder))
    return folder


def train_starter(folder: Path) -> tuple[Path, float]:
    return train(["--out", str(folder / "models")], folder, folder / "train.log")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_up(
    url: str, process: subprocess.Popen[bytes], started: float, timeout: float = START_TIMEOUT
) -> float:
    """Seconds from ``started`` until ``url`` answers; raises if the process dies first."""
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise StackError(f"{url}: the server exited with status {process.returncode}")
        if _answers(url):
            return time.perf_counter() - started
        time.sleep(0.1)
    raise StackError(f"{url} did not answer within {timeout:.0f} s")


def _spawn(
    args: list[str], cwd: Path, env: dict[str, str], log: IO[bytes]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)


def _start(
    stack: Stack,
    cwd: Path,
    env: dict[str, str],
    commands: dict[str, tuple[list[str], str]],
    logdir: Path,
) -> Stack:
    """Start ``commands`` (name -> (argv, health URL)) at once and time each until it answers.

    A health URL that answers before anything started means another server holds the port:
    its figures would be someone else's, so the stack is refused.
    """
    if busy := [url for _, url in commands.values() if _answers(url)]:
        raise StackError(f"{stack.name}: something already answers at {', '.join(busy)}")
    logdir.mkdir(parents=True, exist_ok=True)
    starts: dict[str, float] = {}
    for name, (args, _) in commands.items():
        log = (logdir / f"{stack.name}-{name}.log").open("ab")
        starts[name] = time.perf_counter()
        stack.processes[name] = _spawn(args, cwd, env, log)
        log.close()
    try:
        for name, (_, url) in commands.items():
            stack.start_seconds[name] = _wait_until_up(url, stack.processes[name], starts[name])
    except StackError:
        stop(stack)
        raise
    return stack


def stop(stack: Stack) -> None:
    for process in stack.processes.values():
        if process.poll() is None:
            process.terminate()
    for process in stack.processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Variant:
    """One way of running our stack: database, where the actions run, how many workers."""

    name: str
    database: str = "sqlite"  # or "postgres"
    #: Actions in the Rasa process (the default, ``BOT_ACTIONS=inprocess``) or on the action
    #: server (``BOT_ACTIONS=server``).
    actions_in_process: bool = True
    #: Rasa server workers (``BOT_RASA_WORKERS``); above 1 with Redis locks (``REDIS_URL``).
    workers: int = 1

    @property
    def description(self) -> str:
        actions = "actions in the Rasa process" if self.actions_in_process else "action server"
        workers = f"{self.workers} Rasa workers, Redis locks" if self.workers > 1 else "1 worker"
        return f"{self.database}, {actions}, {workers}"


#: Redis database for the bench's lock store and socket.io manager (multi-worker variants).
BENCH_REDIS_URL = "redis://127.0.0.1:6379/9"


def start_ours(
    variant: Variant, model: Path, database_url: str, rasa_port: int, workdir: Path
) -> Stack:
    """Our Rasa server on ``rasa_port`` and, unless the actions run in it, the action server on
    ``rasa_port + 50``."""
    from bot import store

    actions_port = rasa_port + 50
    env = child_env()
    env.update(
        DATABASE_URL=database_url,
        BOT_RASA_PORT=str(rasa_port),
        BOT_ACTIONS_PORT=str(actions_port),
        BOT_ACTIONS="inprocess" if variant.actions_in_process else "server",
        BOT_RASA_WORKERS=str(variant.workers),
        # Every simulated customer comes from 127.0.0.1: per-IP limits would refuse them.
        BOT_RATE_LIMITS="off",
    )
    if variant.workers > 1:
        env["REDIS_URL"] = BENCH_REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    env.pop("BOT_ACTIONS_IN_PROCESS", None)  # BOT_ACTIONS above decides
    # The action server answers only Rasa: both processes get the run's token.
    settings = with_actions_token(load_settings(environ=env))
    env["BOT_ACTIONS_TOKEN"] = settings.actions_token
    env = rasa_server_env(settings, env)  # the action server ignores Rasa's worker count
    store.migrate(database_url)
    endpoints = write_endpoints(settings, workdir / f"{variant.name}-endpoints.yml")
    if variant.workers > 1:
        create_tracker_tables(database_url)
    host = settings.host
    commands: dict[str, tuple[list[str], str]] = {}
    if not variant.actions_in_process:
        commands["actions"] = (
            actions_server_command(actions_port),
            f"http://{host}:{actions_port}/health",
        )
    commands["rasa"] = (
        rasa_server_command(settings, model, endpoints),
        f"http://{host}:{rasa_port}/",
    )
    stack = Stack(variant.name, f"http://{host}:{rasa_port}", database_url=database_url)
    return _start(stack, PROJECT_ROOT, env, commands, workdir / "logs")


def start_starter(folder: Path, model: Path, rasa_port: int, host: str = "127.0.0.1") -> Stack:
    """The starter bot as ``rasa init`` leaves it (in-memory tracker store), plus its action
    server and Rasa's socket.io channel next to REST."""
    actions_port = rasa_port + 50
    yaml = _yaml()
    with (folder / "bench-endpoints.yml").open("w", encoding="utf-8") as handle:
        yaml.dump({"action_endpoint": {"url": f"http://{host}:{actions_port}/webhook"}}, handle)
    credentials = {
        "rest": None,
        "socketio": {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            # Rasa 3.6 calls python-socketio 5's enter_room coroutine without awaiting it, so
            # with session persistence its replies go to a room nobody joined: the socket is
            # the conversation instead (the bench opens one per conversation).
            "session_persistence": False,
        },
    }
    with (folder / "bench-credentials.yml").open("w", encoding="utf-8") as handle:
        yaml.dump(credentials, handle)
    commands = {
        "actions": (
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
            f"http://{host}:{actions_port}/health",
        ),
        "rasa": (
            rasa_command(
                "run",
                "--model",
                str(model),
                "--endpoints",
                "bench-endpoints.yml",
                "--credentials",
                "bench-credentials.yml",
                "--interface",
                host,
                "--port",
                str(rasa_port),
            ),
            f"http://{host}:{rasa_port}/",
        ),
    }
    stack = Stack("starter", f"http://{host}:{rasa_port}")
    return _start(stack, folder, child_env(), commands, folder / "logs")


# --------------------------------------------------------------------------- PostgreSQL


POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[str]:
    """A fresh database ``cb_bench_<random>`` for the run; dropped afterwards."""
    import psycopg2

    name = f"cb_bench_{secrets.token_hex(4)}"
    admin = make_url(admin_url)

    def execute(sql: str) -> None:
        connection = psycopg2.connect(
            host=admin.host,
            port=admin.port or 5432,
            user=admin.username,
            dbname=admin.database or "postgres",
            connect_timeout=5,
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(admin.set(database=name).render_as_string(hide_password=False))
    finally:
        from bot import store

        store.dispose_engines()
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
