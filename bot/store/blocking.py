"""The one way async code (the web routes, live hand-off) reaches blocking work.

Database sessions, password hashing and file reads would stall the event loop that also
answers customers; :func:`run_db` runs them in the loop's default thread pool instead.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a worker thread, awaited without blocking the loop."""
    call = functools.partial(function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(None, call)
