"""Inbox pages worked out once for every console that asks for the same page at the same time.

Every change a console shows (a new complaint, a customer's message, a take-over) adds a
complaint event, and the push (:mod:`bot.web.staff_push`) makes every open console reload its
inbox page 250 ms after it: five agents reading the same view asked this process for the same
50 complaints with their events five times at once, each a query and 50 shaped rows, in the
process that also answers the customers (``docs/benchmarks.md``: five consoles moved the
customers' p95 by 1.75-2.2x). :class:`SharedPages` keeps each page's shaped rows under the
newest event id they were read at; a request that finds the same id, within
:data:`FRESH_SECONDS`, gets a copy. The counts on the tabs are shared the same way, but for the
agent's own (``mine``, the unanswered), which are always read: the team's counts are a pass
over every complaint with its latest messages (4 ms of CPU for 300 complaints, session 18),
the agent's a look at their own.

The time limit bounds what a change without an event (none is known, see
``tests/web/test_inbox_pages.py``) or the clock (minutes waited, the 30-minute "live" window)
could leave stale. Nothing here touches the database.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

#: How long shaped rows are handed out for the same newest event id.
FRESH_SECONDS = 1.5
#: How many pages (view, filters, page) are kept.
PAGES_KEPT = 64


@dataclass(frozen=True)
class _Page:
    version: int
    made: float
    #: shaped rows (handed out as copies), or an immutable value (handed out as it is)
    items: Any


class SharedPages:
    """Shaped inbox rows per page key, valid for one store version and a short time; safe
    across the threads the database work runs on."""

    def __init__(
        self,
        fresh_seconds: float = FRESH_SECONDS,
        kept: int = PAGES_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fresh_seconds = fresh_seconds
        self.kept = kept
        self._clock = clock
        self._pages: OrderedDict[Hashable, _Page] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: int) -> list[dict[str, Any]] | None:
        """A copy of the rows of ``key`` read at ``version``, if fresh (each row its own dict:
        the caller adds what is per request)."""
        items = self.get_value(key, version)
        return None if items is None else [dict(item) for item in items]

    def put(self, key: Hashable, version: int, items: list[dict[str, Any]]) -> None:
        """Keep ``items`` (read at ``version``) for ``key``; a newer version is not replaced by
        an older one read beside it."""
        self.put_value(key, version, tuple(dict(item) for item in items))

    def get_value(self, key: Hashable, version: int) -> Any:
        """The value kept for ``key`` at ``version``, if fresh, as it is (``None``: none)."""
        with self._lock:
            page = self._pages.get(key)
            if (
                page is None
                or page.version != version
                or self._clock() - page.made > self.fresh_seconds
            ):
                self.misses += 1
                return None
            self.hits += 1
            self._pages.move_to_end(key)
            return page.items

    def put_value(self, key: Hashable, version: int, value: Any) -> None:
        """Keep an immutable ``value`` read at ``version`` for ``key`` (as :meth:`put`)."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None and page.version > version:
                return
            self._pages[key] = _Page(version, self._clock(), value)
            self._pages.move_to_end(key)
            while len(self._pages) > self.kept:
                self._pages.popitem(last=False)
