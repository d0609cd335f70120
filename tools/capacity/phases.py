"""The measured phases: Rasa 3.6's own store classes doing one customer message's work.

Every phase replays the recorded conversations (:mod:`tools.capacity.conversations`) as new
customers, and times, per message, only the store's calls (wall and this process's CPU):

* PostgreSQL: the tracker store's ``retrieve`` then ``save`` of the tracker with the turn's
  events added, as Rasa's ``MessageProcessor`` does once per message, for Rasa's
  ``SQLTrackerStore`` and the product's ``CachingSQLTrackerStore`` (:mod:`tools.capacity.stores`);
  each once without an event broker and once with one attached (then Rasa's ``save`` loads the
  session a second time to find the new events: ``TrackerStore.stream_events``; the product's
  store publishes the events it inserts). The broker attached here drops the events, so the
  phase shows the database's share alone.
* Redis: ``AtomicRedisLockStore.lock`` acquired and released, as Rasa's ``Agent.handle_message``
  does around each message.
* RabbitMQ: the turn's events published through the project's ``ConfirmingPikaEventBroker``
  (Rasa's ``PikaEventBroker`` with publisher confirms), timed until RabbitMQ confirmed all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tools.capacity.conversations import Turns
from tools.capacity.figures import Repeat
from tools.capacity.servers import cpu_used

#: One message's work: (sender id, index of the turn, the conversation's turns).
Work = Callable[[str, int, Turns], Awaitable[None]]
Reading = Callable[[], dict[int, float]]

#: Seconds the server is watched, before a repeat, to learn its idle CPU rate.
IDLE_WINDOW_S = 2.0


async def run_repeat(
    conversations: list[Turns], work: Work, reading: Reading | None, tag: str
) -> Repeat:
    """Replay every conversation once as new customers, timing ``work`` per message."""
    repeat = Repeat()
    if reading is not None:
        idle_before = reading()
        await asyncio.sleep(IDLE_WINDOW_S)
        repeat.server_idle_rate = cpu_used(idle_before, reading()) / IDLE_WINDOW_S
        before = reading()
    started = time.perf_counter()
    for number, turns in enumerate(conversations):
        sender = f"cap-{tag}-{number}-{time.monotonic_ns()}"
        for index in range(len(turns)):
            wall, cpu = time.perf_counter(), time.process_time()
            await work(sender, index, turns)
            repeat.add(time.perf_counter() - wall, time.process_time() - cpu)
    repeat.elapsed_s = time.perf_counter() - started
    if reading is not None:
        repeat.server_cpu_s = cpu_used(before, reading())
    return repeat


class DroppingBroker:
    """An event broker that drops events. Attached to a tracker store, it makes the store do
    the database work it does for a broker (Rasa's ``save`` re-reads the session to find the
    new events); the publishing is measured apart."""

    def publish(self, event: dict[str, Any]) -> None:
        return None

    def is_ready(self) -> bool:
        return True


def tracker_work(store: Any) -> Work:
    """A SQL tracker store's retrieve + save of one message (the tracker update is not timed
    apart: it is Rasa's own work, a few microseconds per event)."""
    from rasa.shared.core.events import Event

    async def work(sender: str, index: int, turns: Turns) -> None:
        tracker = await store.retrieve(sender)
        if tracker is None:
            tracker = store.init_tracker(sender)
        for data in turns[index]:
            tracker.update(Event.from_parameters(data))
        await store.save(tracker)

    return work


def lock_work(lock_store: Any) -> Work:
    """Acquire and release the conversation's lock, as Rasa does around a message."""

    async def work(sender: str, index: int, turns: Turns) -> None:
        async with lock_store.lock(sender):
            pass

    return work


def broker_work(broker: Any) -> Work:
    """Publish the turn's events (one AMQP message each, as Rasa's tracker store streams
    them) and wait until RabbitMQ confirmed them."""

    async def work(sender: str, index: int, turns: Turns) -> None:
        for data in turns[index]:
            broker.publish({"sender_id": sender, **data})
        left = await broker.flush(timeout=10)
        if left:
            raise RuntimeError(f"RabbitMQ did not confirm {left} event(s) within 10 s")

    return work
