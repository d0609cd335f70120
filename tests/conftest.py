"""Shared fixtures: a trained model (trained once per run), fresh databases, service checks."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from bot.runner import MODELS_DIR, child_env, latest_model, rasa_command
from bot.settings import PROJECT_ROOT, Settings, load_settings

IN_CI = bool(os.environ.get("CI"))


def service_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (outside CI) or fail (in CI) when a real service is not there."""
    if service_reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if IN_CI:
        pytest.fail(f"{message}, and CI requires it")
    pytest.skip(f"{message}; start it to run this test")


def require_nginx() -> None:
    """Skip (outside CI) or fail (in CI) when Debian's nginx is not installed."""
    from tools.stack.cluster import nginx_binary

    try:
        nginx_binary()
    except RuntimeError as error:
        if IN_CI:
            pytest.fail(str(error))
        pytest.skip(str(error))


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the machine's PostgreSQL (``postgres`` at 127.0.0.1:5432,
    trusted), dropped afterwards; skips (outside CI) when PostgreSQL is not there."""
    import secrets

    import psycopg2

    from bot.store import dispose_engines

    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        dispose_engines()
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The project's model, trained now if the data, domain or config changed."""
    result = subprocess.run(
        rasa_command(
            "train",
            "--domain",
            "domain.yml",
            "--config",
            "config.yml",
            "--data",
            "data",
            "--out",
            str(MODELS_DIR),
        ),
        cwd=PROJECT_ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    model = latest_model()
    assert model is not None
    return model


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    """A migrated, empty SQLite database for one test."""
    from bot.store import dispose_engines, migrate

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    migrate(url)
    yield url
    dispose_engines()


@contextmanager
def running_stack(
    model: Path, database: Path, rasa_port: int, **environment: str
) -> Iterator[Settings]:
    """The stack `make run` starts (the Rasa server, actions in it unless
    ``BOT_ACTIONS="server"``) on its own ports and a fresh SQLite database;
    ``environment`` adds settings (e.g. ``BOT_RASA_WORKERS="2"``)."""
    from bot import store
    from bot.runner import start_servers, stop

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("BOT_RASA_PORT", str(rasa_port))
    monkeypatch.setenv("BOT_ACTIONS_PORT", str(rasa_port + 50))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    store.migrate(settings.database_url)
    processes = start_servers(settings, model)
    try:
        yield settings
    finally:
        stop(processes)
        monkeypatch.undo()
        store.dispose_engines()


@pytest.fixture(scope="session")
def start_stack() -> Callable[..., AbstractContextManager[Settings]]:
    """``running_stack`` for test modules (conftest cannot be imported under importlib mode)."""
    return running_stack


FreshStack = Callable[[str, int], AbstractContextManager[Settings]]


@pytest.fixture(scope="session")
def fresh_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> FreshStack:
    """``fresh_stack(name, port)``: the trained model's stack with Rasa on ``port`` and a fresh
    database in a temporary folder called ``name``."""

    def start(name: str, port: int) -> AbstractContextManager[Settings]:
        database = tmp_path_factory.mktemp(name) / "bot.db"
        return running_stack(trained_model, database, rasa_port=port)

    return start


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, fresh_stack: FreshStack) -> Iterator[Settings]:
    """The test module's own stack, Rasa on the module's ``STACK_PORT`` (a port per module,
    so that no module talks to another's stack); a module adds its agents by overriding
    ``stack`` with a fixture that takes this one."""
    name = request.module.__name__.rpartition(".")[2]
    with fresh_stack(name, request.module.STACK_PORT) as settings:
        yield settings


@pytest.fixture()
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated database that the settings (and so the app code) point at."""
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()
