"""Rasa's SQL tracker store, made to wait out a brief database outage.

Used in ``endpoints.yml`` as ``type: bot.ops.stores.RetryingSQLTrackerStore`` (see
:mod:`bot.ops.endpoints`) with the same keys as ``type: SQL`` plus ``retry_seconds``. Reads and
writes are retried on connection errors (:mod:`bot.store.retry`), so a customer's message waits
a few seconds for PostgreSQL to come back instead of failing with a 500. Events are published
to the broker at least once: a retried ``save`` may publish them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.store.retry import retry_db_async


class RetryingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` whose database calls are retried while the database is away."""

    def __init__(self, *args: Any, retry_seconds: float = 20, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_seconds = float(retry_seconds)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await retry_db_async(lambda: super(RetryingSQLTrackerStore, self).save(tracker),
                             self.retry_seconds)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await retry_db_async(
            lambda: super(RetryingSQLTrackerStore, self).retrieve(sender_id), self.retry_seconds
        )

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await retry_db_async(
            lambda: super(RetryingSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
            self.retry_seconds,
        )

    async def keys(self) -> Iterable[str]:
        return await retry_db_async(
            lambda: super(RetryingSQLTrackerStore, self).keys(), self.retry_seconds
        )
