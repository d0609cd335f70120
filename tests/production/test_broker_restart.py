"""Fault test: Rasa restarted while customers talk loses no conversation event.

A real trained model on a real Rasa server (actions in process, SQLite tracker store) publishes
to the real RabbitMQ through :class:`bot.ops.broker.ConfirmingPikaEventBroker`; the event
consumer (``python -m bot events consume``) runs alongside in its own process and database.
Half-way through the conversations the Rasa server is stopped (SIGTERM, as a deployment does)
and started again. At the end, for every sender, the events in Rasa's tracker store equal the
events the consumer stored.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import uuid
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from sqlalchemy import func, select, text

from bot import store
from bot.cli.main import main
from bot.runner import PROJECT_ROOT, VAR_DIR, child_env, start_servers, stop
from bot.settings import get_settings, load_settings
from bot.store.tables import ConversationEvent
from tests.conftest import require_service
from tests.test_smoke import say
from tools.stack.services import delete_exchange, queue_depth

RASA_PORT = 6520
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
MESSAGES = ("hello", "my parcel was supposed to arrive last week and it still has not come",
            "please send it as soon as possible", "thank you")


def _say_until_answered(settings: object, sender: str, message: str) -> None:
    """A customer who sends again while the server is away (as a person would)."""
    deadline = time.monotonic() + 300
    while True:
        try:
            say(settings, sender, message)  # type: ignore[arg-type]
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def _per_sender(database_url: str, query: str) -> Counter[str]:
    with store.session_scope(database_url) as session:
        return Counter({str(s): int(n) for s, n in session.execute(text(query)).all()})


@pytest.mark.slow
@pytest.mark.services
def test_events_stored_equal_events_consumed_across_a_rasa_restart(
    trained_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_service("RabbitMQ", "127.0.0.1", 5672)
    token = uuid.uuid4().hex[:8]
    queue, exchange = f"cb_restart_events_{token}", f"cb_restart_exchange_{token}"
    tracker_url = f"sqlite:///{tmp_path / 'bot.db'}"
    audit_url = f"sqlite:///{tmp_path / 'audit.db'}"
    environment = {
        "DATABASE_URL": tracker_url,
        "BOT_RASA_PORT": str(RASA_PORT),
        "BOT_ACTIONS_IN_PROCESS": "true",
        "BOT_RATE_LIMITS": "off",
        "RABBITMQ_URL": RABBITMQ_URL,
        "BOT_EVENT_QUEUE": queue,
        "BOT_EVENT_EXCHANGE": exchange,
        "BOT_SETTINGS_FILE": str(tmp_path / "none.yml"),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    store.migrate(tracker_url)
    store.migrate(audit_url)
    consumer = subprocess.Popen(
        [sys.executable, "-m", "bot", "events", "consume"], cwd=PROJECT_ROOT,
        env={**child_env(), **environment, "DATABASE_URL": audit_url},
    )
    processes = start_servers(settings, trained_model)
    senders = [f"restart-{token}-{n:02d}" for n in range(8)]
    sent: list[str] = []  # list.append is atomic across threads
    errors: list[BaseException] = []

    def customer(sender: str) -> None:
        try:
            for message in MESSAGES:
                _say_until_answered(settings, sender, message)
                sent.append(sender)
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    try:
        threads = [threading.Thread(target=customer, args=(s,)) for s in senders]
        for thread in threads:
            thread.start()
        while len(sent) < len(senders) * len(MESSAGES) // 2 and any(t.is_alive() for t in threads):
            time.sleep(0.2)
        stop(processes)  # SIGTERM mid-way: Rasa closes its broker on the way down
        processes = start_servers(settings, trained_model)
        for thread in threads:
            thread.join(timeout=600)
        assert not errors, errors
    finally:
        stop(processes)
        consumer.send_signal(signal.SIGTERM)
        consumer.wait(timeout=60)
    assert consumer.returncode == 0
    # the events published while the consumer was stopping are still queued: drain them
    monkeypatch.setenv("DATABASE_URL", audit_url)
    get_settings.cache_clear()  # the command line reads this test's environment
    assert main(["--database-url", audit_url, "events", "consume", "--drain",
                 "--idle-seconds", "3"]) == 0
    get_settings.cache_clear()  # later tests read their own environment
    assert queue_depth(RABBITMQ_URL, queue, delete=True) == 0  # every event acknowledged
    delete_exchange(RABBITMQ_URL, exchange)
    stored = _per_sender(
        tracker_url,
        f"SELECT sender_id, count(*) FROM events WHERE sender_id LIKE 'restart-{token}-%' "
        "GROUP BY sender_id",
    )
    with store.session_scope(audit_url) as session:
        consumed = Counter({
            str(s): int(n) for s, n in session.execute(
                select(ConversationEvent.sender_id, func.count(ConversationEvent.id))
                .group_by(ConversationEvent.sender_id)
            ).all()
        })  # fmt: skip
    store.dispose_engines()
    assert set(stored) == set(senders)
    assert sum(stored.values()) > len(senders) * len(MESSAGES) * 2
    assert consumed == stored, json.dumps({"stored": stored, "consumed": consumed})
    broker = YAML(typ="safe").load(
        (VAR_DIR / f"endpoints-{RASA_PORT}.yml").read_text(encoding="utf-8")
    )["event_broker"]
    assert broker["type"] == "bot.ops.broker.ConfirmingPikaEventBroker"
    assert broker["exchange_name"] == exchange  # not Rasa's shared `rasa-exchange`
