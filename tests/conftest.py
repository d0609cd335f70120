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
    """The Rasa and action servers on their own ports and a fresh SQLite database;
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


@pytest.fixture()
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated database that the settings (and so the app code) point at."""
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()
