"""The apology's promise kept on a real stack: the Rasa server (trained model, actions in its
process, SQLite for complaints and conversations) and a widget customer on socket.io. The
complaints table is briefly unavailable, so registering the complaint fails and the customer
is told that their message is saved; once the table is back, the Rasa server's own replay
writes the complaint and the customer gets the ticket message, with no further message of
theirs."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from bot import store
from bot.ops.fallback import APOLOGIES
from bot.settings import Settings
from bot.store.outbox import Outbox
from tests.test_smoke import TICKET
from tests.tools.stack.test_faults import COMPLAINT, Customer

pytestmark = pytest.mark.slow

RASA_PORT = 6340


def rename(database: Path, old: str, new: str) -> None:
    """The complaints table away (or back): the bot's database work fails while Rasa's
    conversations, in the same file, carry on."""
    connection = sqlite3.connect(database, timeout=30)
    try:
        connection.execute(f"ALTER TABLE {old} RENAME TO {new}")
        connection.commit()
    finally:
        connection.close()


def bot_messages(database: Path, sender: str) -> list[str]:
    connection = sqlite3.connect(database, timeout=30)
    try:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot'", (sender,)
        ).fetchall()
    finally:
        connection.close()
    return [row[0] for row in rows]


async def test_the_replay_tells_a_widget_customer_the_ticket_after_the_apology(
    trained_model: Path,
    tmp_path: Path,
    start_stack: Callable[..., AbstractContextManager[Settings]],
) -> None:
    database = tmp_path / "bot.db"
    environment = {
        "BOT_ACTIONS_IN_PROCESS": "true",
        "BOT_VAR_DIR": str(tmp_path / "var"),
        "BOT_DB_RETRY_SECONDS": "1",
        "BOT_OUTBOX_FIRST_RETRY_SECONDS": "2",
        "BOT_RATE_LIMITS": "off",
    }
    with start_stack(trained_model, database, RASA_PORT, **environment) as settings:
        customer = Customer()
        sender = await customer.connect(f"http://{settings.host}:{settings.rasa_port}")
        try:
            rename(database, "complaints", "complaints_away")
            try:
                await customer.say(COMPLAINT)
                first = await customer.replies(quiet=6)
                assert APOLOGIES["en"] in first, first
                # Waiting, or claimed by a replay that is running at this moment.
                kept = list(settings.outbox_dir.glob("*.json")) + list(
                    Outbox(settings.outbox_dir).claimed_dir.glob("*.json")
                )
                assert kept, "the action call was not kept"
                assert not any(TICKET.search(text) for text in first)
            finally:
                rename(database, "complaints_away", "complaints")
            # Nothing more from the customer: the server's replay delivers the ticket.
            deadline = time.monotonic() + 90
            later: list[dict[str, Any]] = []
            while time.monotonic() < deadline and not any(
                TICKET.search(str(m.get("text"))) for m in later
            ):
                later += await customer.silence(2)
        finally:
            await customer.close()
        with store.session_scope(settings.database_url) as session:
            (complaint,) = store.list_complaints(session, sender_id=sender)
        ticketed = [m for m in later if complaint.ticket in str(m.get("text"))]
        assert len(ticketed) == 1, later
        assert (ticketed[0].get("metadata") or {}).get("replayed") is True
        assert ticketed[0]["text"].startswith("I've recorded your complaint")
        assert any(complaint.ticket in data for data in bot_messages(database, sender))
        assert list(settings.outbox_dir.glob("*.json")) == []
        assert list((settings.outbox_dir / "failed").glob("*")) == []
