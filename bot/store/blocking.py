"""The one way async code (the web routes, live hand-off) reaches blocking work.

Database sessions, password hashing and file reads would stall the event loop that also
answers customers; :func:`run_db` runs them in the loop's default thread pool instead.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

#: The thread pool of the current task's blocking work (``None``: the loop's default pool).
_pool: ContextVar[Executor | None] = ContextVar("blocking_pool", default=None)


def use_pool(pool: Executor | None) -> None:
    """Run the current task's blocking work (:func:`run_db`) on ``pool`` from now on.

    The staff app's requests use a small pool of their own (:mod:`bot.web.staff`): five
    consoles reloading at once after a push filled the default pool, and a customer's message
    waited for a thread behind them.
    """
    _pool.set(pool)


async def run_db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a worker thread, awaited without blocking the loop."""
    call = functools.partial(function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_pool.get(), call)
