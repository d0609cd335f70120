"""Rasa's pika event broker, made to lose no event on a restart.

Used in ``endpoints.yml`` as ``type: bot.ops.broker.ConfirmingPikaEventBroker`` (see
:mod:`bot.ops.endpoints`; Rasa loads brokers by module path). Rasa 3.6's ``PikaEventBroker``
publishes each event in a background task and its ``close()`` does not wait for them, so the
events of the last messages before a restart are dropped; it also declares Rasa's shared
default exchange, and connects to the default vhost without TLS whatever the URL says.

This broker

* publishes on a channel with publisher confirms, and an event counts as published only once
  RabbitMQ has confirmed it (a refused or failed publish is kept and sent again);
* on ``close()`` waits (up to ``close_timeout_seconds``) for every pending publish, and sends
  what is still kept, before it closes the connection;
* declares a durable fanout exchange and durable queue of our own names
  (:func:`declare_topology`, shared with the consumer :mod:`bot.ops.events`);
* connects to the vhost of the URL, with TLS for ``amqps``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aio_pika
from rasa.core.brokers.pika import PikaEventBroker

logger = logging.getLogger(__name__)


async def declare_topology(
    channel: aio_pika.abc.AbstractChannel, exchange_name: str, queues: list[str]
) -> aio_pika.abc.AbstractExchange:
    """The durable fanout exchange ``exchange_name`` with the durable ``queues`` bound to it."""
    exchange = await channel.declare_exchange(
        exchange_name, type=aio_pika.ExchangeType.FANOUT, durable=True
    )
    for name in queues:
        queue = await channel.declare_queue(name, durable=True)
        await queue.bind(exchange, "")
    return exchange


class ConfirmingPikaEventBroker(PikaEventBroker):
    """:class:`PikaEventBroker` with publisher confirms, a draining ``close()``, our own
    exchange, the URL's vhost and TLS."""

    def __init__(
        self,
        host: str,
        *args: Any,
        virtual_host: str = "/",
        ssl: bool = False,
        close_timeout_seconds: float = 30,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, *args, **kwargs)
        self.virtual_host = virtual_host or "/"
        self.use_ssl = bool(ssl)
        self.close_timeout_seconds = float(close_timeout_seconds)

    async def _connect(self) -> aio_pika.abc.AbstractRobustConnection:
        last: Exception | None = None
        for _ in range(self._connection_attempts):
            try:
                return await aio_pika.connect_robust(
                    host=self.host,
                    port=self.port,
                    login=self.username,
                    password=self.password,
                    virtualhost=self.virtual_host,
                    ssl=self.use_ssl,
                )
            except Exception as error:  # RabbitMQ not up yet: any error until it is
                last = error
                logger.debug("connecting to RabbitMQ at %s failed: %s", self.host, error)
                await asyncio.sleep(self._retry_delay_in_seconds)
        assert last is not None
        raise last

    async def connect(self) -> None:
        self._connection = await self._connect()
        self._connection.reconnect_callbacks.add(self._publish_unpublished_messages)
        channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await declare_topology(channel, self.exchange_name, list(self.queues))
        logger.info("RabbitMQ broker connected: exchange %r, queues %s",
                    self.exchange_name, list(self.queues))

    async def _publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Publish and wait for RabbitMQ's confirm; keep the event when it is not confirmed."""
        if self._exchange is None:
            self._unpublished_events.append(event)
            return
        try:
            await self._exchange.publish(self._message(event, headers), "", mandatory=True)
        except Exception as error:
            logger.warning("event not confirmed by RabbitMQ, kept to send again: %s", error)
            self._unpublished_events.append(event)

    async def flush(self, timeout: float | None = None) -> int:
        """Wait for the pending publishes and send the kept events; returns how many are still
        unconfirmed when ``timeout`` ran out (0: everything is in RabbitMQ)."""
        limit = self.close_timeout_seconds if timeout is None else timeout
        deadline = asyncio.get_running_loop().time() + limit
        while True:
            pending = [task for task in self._background_tasks if not task.done()]
            if pending:
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                await asyncio.wait(pending, timeout=remaining)
                continue
            if not self._unpublished_events or not self.is_ready():
                break
            if asyncio.get_running_loop().time() >= deadline:
                break
            kept = list(self._unpublished_events)
            self._unpublished_events.clear()
            await asyncio.gather(*(self._publish(event) for event in kept))
            if self._unpublished_events:
                await asyncio.sleep(0.2)  # refused again: a short pause before the next try
        left = len(self._unpublished_events) + sum(
            1 for task in self._background_tasks if not task.done()
        )
        return left

    async def close(self) -> None:
        """Send everything pending (see :meth:`flush`), then close the connection."""
        if not self._connection:
            return
        left = await self.flush()
        if left:
            logger.error("closing the RabbitMQ broker with %d event(s) not confirmed", left)
        await self._connection.close()
