"""The consumer of the conversation events Rasa publishes to RabbitMQ: an audit trail.

``python -m bot events consume`` reads the queue ``BOT_EVENT_QUEUE`` (bound to the exchange
``BOT_EVENT_EXCHANGE``, declared the same way as the broker does, :mod:`bot.ops.broker`) and
writes every event to the table ``conversation_events`` (:mod:`bot.store.event_audit`). A
message is acknowledged only after its batch is committed, so a consumer that dies or a database
that is away loses nothing: RabbitMQ delivers the message again, and a redelivered event is
stored once. Rows older than ``BOT_EVENT_RETENTION_DAYS`` are deleted at start and every hour,
so neither the queue nor the table grows without end. A message that is not a Rasa event is
kept as an ``unreadable`` row rather than dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from bot.ops.broker import declare_topology
from bot.settings import Settings
from bot.store import session_scope
from bot.store.blocking import run_db
from bot.store.event_audit import purge_older_than, record_events

logger = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600.0
#: How long a failed database write waits before the batch is delivered again.
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class ConsumerConfig:
    rabbitmq_url: str
    queue: str
    exchange: str
    database_url: str
    retention_days: int
    batch_size: int = 200
    #: How long a batch waits to fill up before it is written.
    batch_seconds: float = 1.0
    #: Stop after this many seconds without a message (``--drain``); ``None``: run for ever.
    idle_exit_seconds: float | None = None
    #: Give up (raise) after this many failed writes in a row; ``None``: keep retrying.
    max_failed_writes: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> ConsumerConfig:
        """The queue, exchange, database and retention of ``settings``; ``options`` the rest."""
        return cls(
            rabbitmq_url=settings.rabbitmq_url,
            queue=settings.event_queue,
            exchange=settings.event_exchange,
            database_url=settings.database_url,
            retention_days=settings.event_retention_days,
            **options,
        )


@dataclass
class ConsumerStats:
    received: int = 0
    stored: int = 0
    purged: int = 0
    failed_writes: int = 0
    batches: list[int] = field(default_factory=list)


def _store_batch(database_url: str, bodies: list[bytes]) -> int:
    with session_scope(database_url) as session:
        return record_events(session, bodies)


def _purge(database_url: str, days: int) -> int:
    with session_scope(database_url) as session:
        return purge_older_than(session, days)


async def _next_batch(
    inbox: asyncio.Queue[AbstractIncomingMessage], config: ConsumerConfig, stop: asyncio.Event
) -> list[AbstractIncomingMessage]:
    """Up to ``batch_size`` messages: waits for the first (until ``stop`` is set or, with
    ``idle_exit_seconds``, that long), then up to ``batch_seconds`` for more."""
    idle_since = time.monotonic()
    while True:
        try:
            first = await asyncio.wait_for(inbox.get(), timeout=0.5)
            break
        except asyncio.TimeoutError:
            idle = time.monotonic() - idle_since
            if stop.is_set() or (
                config.idle_exit_seconds is not None and idle >= config.idle_exit_seconds
            ):
                return []
    batch = [first]
    deadline = time.monotonic() + config.batch_seconds
    while len(batch) < config.batch_size:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            batch.append(await asyncio.wait_for(inbox.get(), timeout=remaining))
        except asyncio.TimeoutError:
            break
    return batch


async def _settle(batch: list[AbstractIncomingMessage], stored: bool) -> None:
    """Ack (or give back) a batch. After a reconnect the old delivery tags are gone, and
    RabbitMQ delivers those messages again anyway, so a failure here loses nothing."""
    for message in batch:
        with contextlib.suppress(Exception):
            if stored:
                await message.ack()
            else:
                await message.nack(requeue=True)


async def consume(config: ConsumerConfig, stop: asyncio.Event | None = None) -> ConsumerStats:
    """Consume until ``stop`` is set (or the queue stayed idle ``idle_exit_seconds``)."""
    stats = ConsumerStats()
    stop = stop or asyncio.Event()
    connection = await aio_pika.connect_robust(config.rabbitmq_url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=config.batch_size)
        await declare_topology(channel, config.exchange, [config.queue])
        queue = await channel.declare_queue(config.queue, durable=True)
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        await queue.consume(inbox.put)
        stats.purged += await run_db(_purge, config.database_url, config.retention_days)
        last_purge = time.monotonic()
        failures = 0
        while not stop.is_set():
            batch = await _next_batch(inbox, config, stop)
            if not batch:
                break
            stats.received += len(batch)
            try:
                new = await run_db(_store_batch, config.database_url, [m.body for m in batch])
            except Exception as error:
                stats.failed_writes += 1
                failures += 1
                logger.error("event batch not stored (delivered again in %.0f s): %s",
                             RETRY_SECONDS, error)
                await _settle(batch, stored=False)
                if config.max_failed_writes is not None and failures >= config.max_failed_writes:
                    raise
                await asyncio.sleep(RETRY_SECONDS)
                continue
            failures = 0
            await _settle(batch, stored=True)
            stats.stored += new
            stats.batches.append(len(batch))
            if time.monotonic() - last_purge > PURGE_EVERY_SECONDS:
                stats.purged += await run_db(_purge, config.database_url, config.retention_days)
                last_purge = time.monotonic()
    finally:
        await connection.close()
    return stats
