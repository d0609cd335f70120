"""Rasa's Redis lock store, with each change to a conversation's lock made atomically.

Rasa 3.6's ``RedisLockStore`` changes a lock by reading it, changing it in Python and writing
it back. Two Rasa servers asking for the same conversation's lock at the same instant both read
"no lock", both issue ticket 0, and both handle a message of that conversation at once: the
tracker store then writes the session's first events twice (seen in
``tests/ops/test_stores.py``, which runs two instances under one Redis). A finished holder can
also delete the lock just after another server queued a ticket in it, and that server's message
fails with a ``LockError``.

:class:`AtomicRedisLockStore` keeps Rasa's ticket lock and its key layout, and makes each
read-change-write one Redis transaction: redis-py's ``Redis.transaction`` watches the key and
runs the change again if anyone wrote the key in between (Redis's optimistic locking, ``WATCH``
/ ``MULTI`` / ``EXEC``). It is ``lock_store: type: bot.ops.locks.AtomicRedisLockStore`` with the
keys of Rasa's ``type: redis``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.client import Pipeline

Outcome = TypeVar("Outcome")
#: What a change does to the stored lock: the lock to store (``None``: delete the key) and the
#: change's result.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Outcome]]


class AtomicRedisLockStore(RedisLockStore):
    """:class:`RedisLockStore` whose ticket issue, release and expiry are Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            # how Rasa builds a lock store named by its class in endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _changed(self, conversation_id: str, change: Change[Outcome]) -> Outcome:
        """Apply ``change`` to the stored lock in one transaction (retried if the key moved)."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Pipeline) -> Outcome:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            after, outcome = change(lock)
            pipe.multi()
            if after is None:
                pipe.delete(key)
            else:
                pipe.set(key, after.dumps())
            return outcome

        outcome: Outcome = self.red.transaction(attempt, key, value_from_callable=True)
        return outcome

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = 60) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._changed(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._changed(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._changed(conversation_id, _without(ticket_number, delete_when_idle=False))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release ``ticket_number`` and delete the lock if nobody else holds a ticket, in one
        transaction (Rasa's checks and deletes in two steps)."""
        self._changed(conversation_id, _without(ticket_number, delete_when_idle=True))


def _without(ticket_number: int, *, delete_when_idle: bool) -> Change[None]:
    def release(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
        if lock is None:
            return None, None
        lock.remove_ticket_for(ticket_number)
        if delete_when_idle and not lock.is_someone_waiting():
            return None, None
        return lock, None

    return release
