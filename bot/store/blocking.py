"""The one way async code (the web routes, live hand-off) reaches blocking work.

Database sessions, password hashing and file reads would stall the event loop that also
answers customers; :func:`run_db` runs them in the loop's default thread pool instead, and
:func:`run_staff_db` the staff app's in a small pool of their own.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


#: Threads for the staff app's blocking work (console, studio): five consoles reloading at
#: once after a push filled the loop's default pool, and a customer's message waited for a
#: thread behind them. On a pool of their own, consoles queue behind each other instead.
STAFF_THREADS = 2

_staff_pool: ThreadPoolExecutor | None = None
_staff_pool_lock = threading.Lock()


async def _in_pool(
    pool: ThreadPoolExecutor | None, function: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    call = functools.partial(function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(pool, call)


async def run_db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a worker thread, awaited without blocking the loop."""
    return await _in_pool(None, function, *args, **kwargs)


def staff_pool() -> ThreadPoolExecutor:
    """The staff app's :data:`STAFF_THREADS` threads (made on first use, one per process)."""
    global _staff_pool
    with _staff_pool_lock:
        if _staff_pool is None:
            _staff_pool = ThreadPoolExecutor(STAFF_THREADS, thread_name_prefix="staff")
        return _staff_pool


async def run_staff_db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """:func:`run_db` for the staff app's requests: on :func:`staff_pool`, never on the
    threads the customers' messages wait for."""
    return await _in_pool(staff_pool(), function, *args, **kwargs)
