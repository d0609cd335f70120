"""Waiting out a brief database outage.

A PostgreSQL restart drops every pooled connection; the next statement on each fails with an
``OperationalError`` (the pool then discards the connection) and statements fail until the
server is back. Work that is safe to repeat is retried with a growing pause for up to
``db_retry_seconds`` (see :mod:`bot.settings`) instead of failing the customer's message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)
T = TypeVar("T")

_FIRST_PAUSE = 0.2
_LONGEST_PAUSE = 2.0


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` means the database is (briefly) unreachable, not that the work is
    wrong."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def retry_db(function: Callable[[], T], seconds: float) -> T:
    """``function()``, repeated while the database is unreachable, for up to ``seconds`` (the
    settings' ``db_retry_seconds``, passed down by the caller)."""
    deadline = time.monotonic() + seconds
    pause = _FIRST_PAUSE
    while True:
        try:
            return function()
        except Exception as error:
            if not is_transient(error) or time.monotonic() + pause > deadline:
                raise
            logger.warning("database unreachable, retrying in %.1f s: %s", pause, error)
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)


async def retry_db_async(function: Callable[[], Awaitable[T]], seconds: float) -> T:
    """:func:`retry_db` for coroutines: ``await function()`` until it works or time is up."""
    deadline = time.monotonic() + seconds
    pause = _FIRST_PAUSE
    while True:
        try:
            return await function()
        except Exception as error:
            if not is_transient(error) or time.monotonic() + pause > deadline:
                raise
            logger.warning("database unreachable, retrying in %.1f s: %s", pause, error)
        await asyncio.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)
