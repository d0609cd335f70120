"""What one tracker store process knows of each conversation's stored events (a bounded LRU).

Rasa's SQL tracker store reads a conversation's *current session*: every stored event of the
sender whose timestamp is at least that of the sender's latest ``session_started`` (all of
them when there is none), in id order; and it saves the tracker's events after as many as that
session holds. :class:`Known` is that session as this process last read or wrote it, with the
highest id it has read back and the rows it inserted since (their ids not read back yet).
:meth:`Known.stored` applies Rasa's rule to rows added at the end, exactly: the session start
only grows, so a row left out once stays out.

Nothing here touches the database; :class:`bot.ops.stores.CachingSQLTrackerStore` does, and
checks what it reads against what is known before trusting it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rasa.shared.core.trackers import DialogueStateTracker

SESSION_STARTED = "session_started"


@dataclass(frozen=True)
class Row:
    """One stored event: its id (``None`` until read back), type, timestamp and JSON text."""

    id: int | None
    type_name: str
    timestamp: float | None
    data: str

    def same_event(self, other: Row) -> bool:
        return (self.type_name, self.timestamp, self.data) == (
            other.type_name, other.timestamp, other.data
        )  # fmt: skip


def _in_session(row: Row, session_start: float | None) -> bool:
    """Rasa's filter: ``timestamp >= session_start``, or every row when there is no start."""
    if session_start is None:
        return True
    return row.timestamp is not None and row.timestamp >= session_start


@dataclass(frozen=True)
class Known:
    """A sender's current session as stored, and how far this process has read the table."""

    #: The session's rows in id order (Rasa's retrieve turns them into the tracker).
    session: tuple[Row, ...] = ()
    #: The latest ``session_started`` timestamp among the sender's rows (``None``: none).
    session_start: float | None = None
    #: The highest id of the sender's rows read back (0: none).
    last_id: int = 0
    #: Rows this process inserted since it last read, in insertion order.
    unconfirmed: tuple[Row, ...] = ()
    #: The tracker this process saved last, while it is still :attr:`session` event for event
    #: (:meth:`kept`); the next read hands it out once instead of parsing the rows again.
    saved: DialogueStateTracker | None = field(default=None, compare=False, repr=False)

    @classmethod
    def read(cls, rows: Sequence[Row]) -> Known:
        """From Rasa's own read of the session (every row with its id, in id order)."""
        starts = [r.timestamp for r in rows
                  if r.type_name == SESSION_STARTED and r.timestamp is not None]
        return cls(
            session=tuple(rows),
            session_start=max(starts) if starts else None,
            last_id=max((r.id for r in rows if r.id is not None), default=0),
        )

    @property
    def first_id(self) -> int | None:
        """The id of the session's first row, if read back (checked to be still there)."""
        return self.session[0].id if self.session else None

    def stored(self, rows: Iterable[Row]) -> Known:
        """This knowledge after ``rows`` were stored after every row known (Rasa's rule)."""
        session = list(self.session)
        start = self.session_start
        for row in rows:
            if row.type_name == SESSION_STARTED and row.timestamp is not None and (
                start is None or row.timestamp > start
            ):
                start = row.timestamp
                session = [kept for kept in session if _in_session(kept, start)]
            if _in_session(row, start):
                session.append(row)
        return replace(self, session=tuple(session), session_start=start)

    def inserted(self, rows: Sequence[Row]) -> Known:
        """After this process inserted ``rows`` (ids not known)."""
        after = self.stored(rows)
        return replace(after, unconfirmed=self.unconfirmed + tuple(rows))

    def kept(self, before: Known) -> DialogueStateTracker | None:
        """The tracker saved last, if nothing was stored since ``before`` (this knowledge read
        back from it) and the tracker holds exactly the session's events: Rasa would build the
        same tracker from the rows. A tracker changed after its save, a new session (Rasa
        reads only its events) or rows another process wrote all make it ``None``."""
        tracker = self.saved
        if tracker is None or len(self.session) != len(before.session):
            return None
        if self.session_start != before.session_start or len(tracker.events) != len(self.session):
            return None
        return tracker

    def read_back(self, rows: Sequence[Row]) -> Known | None:
        """After reading the sender's rows with ``id >= last_id`` or ``id == first_id`` (in id
        order), or ``None`` when they do not fit what is known: a known row is gone (erased),
        or the rows after ``last_id`` do not begin with the ones this process inserted. Rows
        after those were written by another process and are added by Rasa's rule."""
        ids = {row.id for row in rows}
        if self.last_id and self.last_id not in ids:
            return None
        if self.first_id is not None and self.first_id not in ids:
            return None
        newer = [row for row in rows if row.id is not None and row.id > self.last_id]
        mine = self.unconfirmed
        found = newer[: len(mine)]
        if len(found) < len(mine) or not all(
            new.same_event(old) for new, old in zip(found, mine, strict=True)
        ):
            return None
        confirmed = {id(old): new for old, new in zip(mine, found, strict=True)}
        known = replace(
            self,
            session=tuple(confirmed.get(id(row), row) for row in self.session),
            last_id=newer[-1].id if newer and newer[-1].id is not None else self.last_id,
            unconfirmed=(),
        )
        return known.stored(newer[len(mine):])


class KnownTrackers:
    """:class:`Known` per sender, the ``size`` most recently used; safe across threads.

    Every change is made against the entry it started from (:meth:`replace`): a read or save
    that ran beside another one for the same sender (a console reading a transcript on a worker
    thread while a message is handled) drops the entry rather than guess which is newer.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, Known] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sender_id: str) -> Known | None:
        with self._lock:
            known = self._entries.get(sender_id)
            if known is not None:
                self._entries.move_to_end(sender_id)
            return known

    def replace(self, sender_id: str, before: Known | None, after: Known | None) -> bool:
        """Store ``after`` if the entry is still ``before``; otherwise forget the sender.
        Whether ``after`` was stored."""
        if self.size <= 0:
            return False
        with self._lock:
            if self._entries.get(sender_id) is not before or after is None:
                self._entries.pop(sender_id, None)
                return False
            self._entries[sender_id] = after
            self._entries.move_to_end(sender_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return True

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._entries.pop(sender_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
