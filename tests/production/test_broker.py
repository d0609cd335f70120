"""The event broker and its consumer on the real RabbitMQ: every event published before
``close()`` is in the queue afterwards (Rasa's own broker drops the ones still in flight), the
exchange is ours, and the consumer stores each event once, acknowledges only stored events,
keeps what is not an event, and applies the retention."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

import aio_pika
import pytest
from sqlalchemy import select, update

from bot.ops.broker import ConfirmingPikaEventBroker
from bot.ops.events import ConsumerConfig, consume
from bot.store import session_scope
from bot.store.event_audit import UNREADABLE, count_events, purge_older_than
from bot.store.tables import ConversationEvent, utcnow
from tests.conftest import require_service

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture()
async def names() -> AsyncIterator[tuple[str, str]]:
    """A queue and an exchange of this test's own, deleted afterwards."""
    require_service("RabbitMQ", "127.0.0.1", 5672)
    token = secrets.token_hex(4)
    queue, exchange = f"cb_test_events_{token}", f"cb_test_exchange_{token}"
    yield queue, exchange
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


def _broker(queue: str, exchange: str) -> ConfirmingPikaEventBroker:
    return ConfirmingPikaEventBroker(
        "127.0.0.1", "guest", "guest", port=5672, queues=[queue], exchange_name=exchange,
        virtual_host="/", event_loop=asyncio.get_running_loop(),
    )


def _event(sender: str, number: int) -> dict[str, object]:
    return {"sender_id": sender, "event": "user", "timestamp": 1_700_000_000 + number,
            "text": f"message {number}", "parse_data": {"intent": {"name": "greet"}}}


async def _depth(queue: str) -> int:
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True, passive=True)
        return int(declared.declaration_result.message_count or 0)


async def test_close_waits_until_every_event_is_confirmed(names: tuple[str, str]) -> None:
    queue, exchange = names
    broker = _broker(queue, exchange)
    await broker.connect()
    for number in range(400):
        broker.publish(_event("closing", number))  # fire-and-forget, as the tracker store does
    await broker.close()  # a restart: Rasa's broker closes without waiting
    assert await _depth(queue) == 400
    assert not broker._unpublished_events


async def test_the_exchange_is_ours_and_durable(names: tuple[str, str]) -> None:
    queue, exchange = names
    broker = _broker(queue, exchange)
    await broker.connect()
    await broker.close()
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        # passive: fails unless it exists, durable, as declared
        await channel.declare_exchange(exchange, aio_pika.ExchangeType.FANOUT, durable=True,
                                       passive=True)
    assert broker.exchange_name == exchange != "rasa-exchange"


async def test_the_consumer_stores_each_event_once_and_acks_only_what_it_stored(
    names: tuple[str, str], sqlite_url: str
) -> None:
    queue, exchange = names
    broker = _broker(queue, exchange)
    await broker.connect()
    for number in range(50):
        broker.publish(_event("audited", number))
    broker.publish(_event("audited", 7))  # a redelivery: the same event again
    await broker.flush()
    connection = await aio_pika.connect_robust(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        target = await channel.get_exchange(exchange)
        await target.publish(aio_pika.Message(b"\xff not json"), "")
    await broker.close()

    config = ConsumerConfig(RABBITMQ_URL, queue, exchange, sqlite_url, retention_days=30,
                            batch_size=20, batch_seconds=0.2, idle_exit_seconds=2)
    stats = await consume(config)
    assert (stats.received, stats.stored) == (52, 51)
    assert await _depth(queue) == 0  # all acknowledged
    with session_scope(sqlite_url) as session:
        assert count_events(session, "audited") == 50
        rows = session.execute(select(ConversationEvent)).scalars().all()
        unreadable = [row for row in rows if row.event_type == UNREADABLE]
        assert len(unreadable) == 1 and "not json" in unreadable[0].body
        kept = json.loads(next(r.body for r in rows if r.sender_id == "audited"))
        assert "parse_data" not in kept and kept["text"].startswith("message")
    assert (await consume(config)).received == 0

    with session_scope(sqlite_url) as session:
        session.execute(
            update(ConversationEvent)
            .where(ConversationEvent.event_time < 1_700_000_010)
            .values(received_at=utcnow() - timedelta(days=31))
        )
    with session_scope(sqlite_url) as session:
        assert purge_older_than(session, 30) == 10
        assert count_events(session, "audited") == 40


async def test_a_consumer_whose_database_fails_acks_nothing(
    names: tuple[str, str], tmp_path: object
) -> None:
    queue, exchange = names
    broker = _broker(queue, exchange)
    await broker.connect()
    for number in range(5):
        broker.publish(_event("kept", number))
    await broker.close()
    missing = f"sqlite:///{tmp_path}/no/such/dir/bot.db"  # cannot be opened
    config = ConsumerConfig(RABBITMQ_URL, queue, exchange, missing, retention_days=30,
                            idle_exit_seconds=1)
    with pytest.raises(Exception):  # noqa: B017  (the retention's first write fails loudly)
        await consume(config)
    assert await _depth(queue) == 5
