"""Several Rasa workers on one port (``BOT_RASA_WORKERS``), sharing conversations through the
SQLite tracker store and Redis locks, with the actions in the Rasa process: a real trained
model, real Redis, real concurrent customers over REST."""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import pytest

from bot import store
from bot.ops.pubsub import client_manager
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import require_service
from tests.test_smoke import say
from tools.bench.scripts import COMPLAINT_SCRIPTS, Conversation

RASA_PORT = 6310
REDIS_URL = "redis://127.0.0.1:6379/3"


def test_more_than_one_worker_needs_redis() -> None:
    with pytest.raises(SettingsError, match="REDIS_URL"):
        load_settings({"BOT_RASA_WORKERS": "2"})
    with pytest.raises(SettingsError, match="rasa_workers must be at least 1"):
        load_settings({"BOT_RASA_WORKERS": "0"})


def test_socket_io_goes_through_redis_only_when_workers_share_it() -> None:
    one = load_settings({"REDIS_URL": REDIS_URL})
    two = load_settings({"REDIS_URL": REDIS_URL, "BOT_RASA_WORKERS": "2"})
    assert client_manager(one) is None
    assert type(client_manager(two)).__name__ == "AsyncRedisManager"


def test_rasas_tracker_table_is_made_once_before_the_workers_start(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from bot.runner import create_tracker_tables

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    create_tracker_tables(url)
    create_tracker_tables(url)  # a restart finds it there
    assert "events" in inspect(store.get_engine(url)).get_table_names()
    store.dispose_engines()


def _complain(settings: Settings, seed: int) -> tuple[str, Conversation]:
    """One scripted complaint, start to ticket; every message may reach either worker."""
    english = [s for s in COMPLAINT_SCRIPTS if s.name.startswith("en-")]
    rng = random.Random(seed)
    conversation = Conversation(english[seed % len(english)], rng)
    sender = f"workers-{uuid.uuid4().hex[:10]}"
    replies: list[str] | None = None
    while (text := conversation.next_message(replies)) is not None:
        replies = say(settings, sender, text)
    return sender, conversation


def test_two_workers_answer_concurrent_complaints_with_one_ticket_each(
    trained_model: Path, tmp_path: Path, start_stack: Any
) -> None:
    require_service("Redis", "127.0.0.1", 6379)
    environment = {
        "REDIS_URL": REDIS_URL,
        "BOT_RASA_WORKERS": "2",
        "BOT_ACTIONS_IN_PROCESS": "true",
        "BOT_RATE_LIMITS": "off",
    }
    with start_stack(trained_model, tmp_path / "bot.db", RASA_PORT, **environment) as settings:
        ours = ("bot.ops.rasa_main", f"--port {RASA_PORT}")  # other tests' servers may run
        listening = [
            p for p in psutil.Process().children(recursive=True)
            if all(part in " ".join(p.cmdline()) for part in ours)
        ]  # fmt: skip
        assert len(listening) == 3  # Sanic's main process and its two workers
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda seed: _complain(settings, seed), range(16)))
        with store.session_scope(settings.database_url) as session:
            for sender, conversation in results:
                assert conversation.flow_error is None, (sender, conversation.flow_error)
                rows = store.list_complaints(session, sender_id=sender)
                assert [row.ticket for row in rows] == [conversation.ticket]
