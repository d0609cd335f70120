"""Rasa's SQL tracker store, made to wait out a brief database outage, and to read and write
only what changed.

Used in ``endpoints.yml`` as ``type: bot.ops.stores.CachingSQLTrackerStore`` (see
:mod:`bot.ops.endpoints`) with the same keys as ``type: SQL`` plus ``retry_seconds`` and
``cache_size``, on SQLite (``make run``) and PostgreSQL (production) alike.

:class:`RetryingSQLTrackerStore` retries reads and writes on connection errors
(:mod:`bot.store.retry`), so a customer's message waits a few seconds for PostgreSQL to come
back instead of failing with a 500. Events are published to the broker at least once: a
retried ``save`` may publish them again.

:class:`CachingSQLTrackerStore` remembers each recent conversation's current session
(:mod:`bot.ops.tracker_cache`). Rasa's own store, on every message, re-reads and re-parses every
event of the session with a sub-query for the session start, then counts them again with the
same sub-query before a save, and inserts the new events one ORM object at a time. This one

* reads only the sender's rows after the highest id it has seen (plus the first and last rows
  it knows, to notice an erasure): a message handled by another instance is read, never
  missed. Anything that does not fit (a known row gone, rows it inserted not found in order)
  falls back to Rasa's full read;
* hands out the tracker it saved last, once, instead of parsing the rows again, while nothing
  was stored since and the tracker holds exactly the session's events (``Known.kept``);
* saves the events after the known session in one transaction with one bulk insert, and no
  count. A save whose commit fails, or whose outcome is unknown, forgets the sender, so the
  retry goes through Rasa's count and never inserts twice.

The known session is right at a save only if nobody else wrote to the conversation since this
process read it. Rasa's lock store gives that: a message is handled (read, predicted, saved)
under the conversation's lock, and so are the hand-off's and the outbox's changes
(:mod:`bot.handoff`, :mod:`bot.ops.delivery`). Rasa's own count relies on the same lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.ops.tracker_cache import Known, KnownTrackers, Row
from bot.store.retry import retry_db_async


class RetryingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` whose database calls are retried while the database is away."""

    def __init__(self, *args: Any, retry_seconds: float = 20, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_seconds = float(retry_seconds)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await retry_db_async(lambda: self._save_once(tracker), self.retry_seconds)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await retry_db_async(lambda: self._retrieve_once(sender_id), self.retry_seconds)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await retry_db_async(
            lambda: super(RetryingSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
            self.retry_seconds,
        )

    async def keys(self) -> Iterable[str]:
        return await retry_db_async(
            lambda: super(RetryingSQLTrackerStore, self).keys(), self.retry_seconds
        )

    async def _save_once(self, tracker: DialogueStateTracker) -> None:
        """One attempt at saving (Rasa's)."""
        await SQLTrackerStore.save(self, tracker)

    async def _retrieve_once(self, sender_id: str) -> DialogueStateTracker | None:
        """One attempt at reading the current session (Rasa's)."""
        return await SQLTrackerStore.retrieve(self, sender_id)


def _row(event: Event) -> tuple[Row, dict[str, Any]]:
    """The stored form of ``event``, as Rasa's ``SQLTrackerStore.save`` writes it."""
    data = event.as_dict()
    intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
    text = json.dumps(data)
    values = {
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": intent,
        "action_name": data.get("name"),
        "data": text,
    }
    return Row(None, event.type_name, values["timestamp"], text), values


class _Statements:
    """The caching store's three statements, built once with bound parameters.

    Why: building a SQLAlchemy statement per call (and its cache key from the new objects)
    cost more than SQLite's answer: a read of the new rows took 0.31 ms of CPU built per call,
    0.13 ms built once (``tools/bench/notes.md``, session 16).
    """

    def __init__(self, events: sa.Table) -> None:
        sender = events.c.sender_id == sa.bindparam("sender_id")
        columns = (events.c.id, events.c.type_name, events.c.timestamp, events.c.data)
        #: The sender's rows from ``last_id`` on, and the row ``first_id`` (``NULL``: none).
        self.since = (
            sa.select(*columns)
            .where(
                sender,
                sa.or_(
                    events.c.id >= sa.bindparam("last_id"),
                    events.c.id == sa.bindparam("first_id"),
                ),
            )
            .order_by(events.c.id)
        )
        # Rasa's ``SQLTrackerStore._event_query`` for the current session, in Core
        start = (
            sa.select(sa.func.max(events.c.timestamp).label("session_start"))
            .where(sender, events.c.type_name == SessionStarted.type_name)
            .subquery()
        )
        #: The sender's current session, as Rasa reads it.
        self.session = (
            sa.select(*columns)
            .where(
                sender,
                sa.or_(
                    events.c.timestamp >= start.c.session_start,
                    start.c.session_start.is_(None),
                ),
            )
            .order_by(events.c.id)
        )
        self.insert = events.insert()


class CachingSQLTrackerStore(RetryingSQLTrackerStore):
    """:class:`RetryingSQLTrackerStore` that reads only new rows and writes only new events.

    ``cache_size`` conversations are remembered (least recently used first out); 0 is Rasa's
    store exactly. ``keep_trackers`` false parses the rows on every read (for A/B pairs).
    """

    def __init__(
        self, *args: Any, cache_size: int = 1000, keep_trackers: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known = KnownTrackers(int(cache_size))
        self.keep_trackers = bool(keep_trackers)
        self._events = self.SQLEvent.__table__
        self._statements = _Statements(self._events)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        """A new model's domain: what is known was read with the old one (the trackers kept
        have its slots), so it is forgotten."""
        self._domain = domain or Domain.empty()
        known: KnownTrackers | None = getattr(self, "known", None)
        if known is not None:
            known.clear()

    async def _retrieve_once(self, sender_id: str) -> DialogueStateTracker | None:
        before = self.known.get(sender_id)
        known = self._read_back(sender_id, before) if before is not None else None
        if known is None:
            known = self._read(sender_id)
        kept = known.kept(before) if before is not None else None
        # handed out once: the entry without it, stored only by the read that found it
        stored = self.known.replace(sender_id, before, replace(known, saved=None))
        if not self.domain or not known.session:
            return None
        if kept is not None and stored and kept.sender_id == sender_id:
            return kept
        events = [json.loads(row.data) for row in known.session]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _read(self, sender_id: str) -> Known:
        """Rasa's own query for the current session, keeping each row's id."""
        with self.engine.connect() as connection:
            found = connection.execute(self._statements.session, {"sender_id": sender_id})
            return Known.read([Row(*row) for row in found])

    def _read_back(self, sender_id: str, known: Known) -> Known | None:
        """The rows stored since ``known`` (found through the ``sender_id`` index), checked
        against it; ``None`` when they do not fit."""
        values = {"sender_id": sender_id, "last_id": known.last_id, "first_id": known.first_id}
        with self.engine.connect() as connection:
            rows = [Row(*found) for found in connection.execute(self._statements.since, values)]
        return known.read_back(rows)

    async def _save_once(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        before = self.known.get(sender_id)
        if before is None:
            try:
                await super()._save_once(tracker)
            finally:
                # Rasa counted and inserted: what it wrote is read back on the next retrieve.
                self.known.forget(sender_id)
            return
        new_events = list(tracker.events)[len(before.session):]
        if not new_events:
            return
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        stored = [_row(event) for event in new_events]
        try:
            self._insert(sender_id, [values for _, values in stored])
        except BaseException:
            self.known.forget(sender_id)
            raise
        after = before.inserted([row for row, _ in stored])
        kept = tracker if self.keep_trackers else None
        self.known.replace(sender_id, before, replace(after, saved=kept))

    def _insert(self, sender_id: str, rows: Sequence[dict[str, Any]]) -> None:
        """One transaction, one executemany."""
        with self.engine.begin() as connection:
            connection.execute(
                self._statements.insert, [{"sender_id": sender_id, **row} for row in rows]
            )
