"""The lock store the server uses with Redis (:class:`bot.ops.locks.AtomicRedisLockStore`) lets
one holder at a time handle a conversation, however the servers interleave, and loses no ticket.

Runs against the machine's Redis (skipped without it, failed in CI), each test under its own key
prefix in database 5.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.ops.endpoints import redis_lock_store
from bot.ops.locks import AtomicRedisLockStore, Change, Outcome
from tests.conftest import require_service

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture()
def prefix() -> Iterator[str]:
    require_service("Redis", "127.0.0.1", 6379)
    name = f"cblocks{secrets.token_hex(4)}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def server_lock_store(prefix: str) -> LockStore:
    """Built as Rasa builds the server's, from the endpoint :mod:`bot.ops.endpoints` writes."""
    return LockStore.create(
        EndpointConfig.from_dict({**redis_lock_store(REDIS_URL), "key_prefix": prefix})
    )


def test_the_server_gets_the_atomic_store(prefix: str) -> None:
    locks = server_lock_store(prefix)
    assert isinstance(locks, AtomicRedisLockStore)
    assert locks.key_prefix == f"{prefix}:lock:"


class _Meddled(AtomicRedisLockStore):
    """Another server issues a ticket for the same conversation between this store's read of
    the lock and its write, once."""

    def __init__(self, other: LockStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.other = other
        self.meddle = True

    def _changed(self, conversation_id: str, change: Change[Outcome]) -> Outcome:
        def meddled(lock: TicketLock | None) -> tuple[TicketLock | None, Outcome]:
            if self.meddle:
                self.meddle = False
                self.other.issue_ticket(conversation_id)
            return change(lock)

        return super()._changed(conversation_id, meddled)


class _MeddledRasa(RedisLockStore):
    """The same interleaving with Rasa's own store: the other server writes after this one read."""

    def __init__(self, other: LockStore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.other = other

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        lock = super().get_lock(conversation_id)
        self.other.issue_ticket(conversation_id)
        return lock


def _stores(prefix: str, meddled: type[_Meddled] | type[_MeddledRasa]) -> tuple[LockStore, Any]:
    keys = {"host": "127.0.0.1", "port": 6379, "db": 5, "key_prefix": prefix}
    other = AtomicRedisLockStore(**keys)
    return other, meddled(other, **keys)


def test_a_ticket_issued_in_between_is_kept_and_numbered_after(prefix: str) -> None:
    other, ours = _stores(prefix, _Meddled)
    mine = ours.issue_ticket("ana", 30)
    lock = other.get_lock("ana")
    assert lock is not None
    assert [ticket.number for ticket in lock.tickets] == [0, 1]
    assert mine == 1 and lock.is_locked(mine) and not lock.is_locked(0)


def test_rasas_store_gives_both_servers_the_lock_in_that_case(prefix: str) -> None:
    """Why :mod:`bot.ops.locks` exists: Rasa's store overwrites the other server's ticket with
    its own of the same number, so both believe they hold the lock."""
    other, rasas = _stores(prefix, _MeddledRasa)
    mine = rasas.issue_ticket("ana", 30)
    lock = other.get_lock("ana")
    assert lock is not None
    assert [ticket.number for ticket in lock.tickets] == [0] and mine == 0


def test_releasing_keeps_a_ticket_queued_meanwhile(prefix: str) -> None:
    other, ours = _stores(prefix, _Meddled)
    ours.meddle = False
    first = ours.issue_ticket("ivo", 30)
    ours.meddle = True
    ours.cleanup("ivo", first)
    lock = other.get_lock("ivo")
    assert lock is not None, "the lock was deleted under the ticket queued meanwhile"
    assert [ticket.number for ticket in lock.tickets] == [1]
    other.cleanup("ivo", 1)
    assert other.get_lock("ivo") is None


def test_two_servers_never_hold_a_conversation_at_once(prefix: str) -> None:
    """Two threads, each its own event loop and store, each with four customers' messages for
    the same conversation at once: one holder at a time, and every message handled."""
    holding = 0
    most = 0
    handled = 0
    count_lock = threading.Lock()
    failures: list[BaseException] = []

    def server() -> None:
        locks = server_lock_store(prefix)

        async def message() -> None:
            nonlocal holding, most, handled
            await asyncio.sleep(random.uniform(0, 0.01))
            async with locks.lock("eva", lock_lifetime=30, wait_time_in_seconds=0.002):
                with count_lock:
                    holding += 1
                    most = max(most, holding)
                await asyncio.sleep(random.uniform(0, 0.003))
                with count_lock:
                    holding -= 1
                    handled += 1

        async def messages() -> None:
            for _ in range(10):
                await asyncio.gather(*(message() for _ in range(4)))

        try:
            asyncio.run(messages())
        except BaseException as error:  # reported below, with the figures
            failures.append(error)

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert (most, handled) == (1, 2 * 10 * 4)
    assert server_lock_store(prefix).get_lock("eva") is None
