"""The start-up heap of a Rasa server, frozen out of the garbage collector's full collections.

Why: once the model, Rasa's modules and the lexicons are loaded, a Rasa
process holds about 640,000 objects that live as long as it does. Python's full (generation 2)
collection walks every one of them: about 250 ms of CPU, during which the worker's event loop
answers no one, and in ``tools.bench.turns`` it came about once per 160 messages (1.5 ms per
message on average, all of it falling on a few customers' replies). ``gc.freeze()`` moves the
objects alive at that moment into a permanent generation that collections skip; the objects
made afterwards (trackers, messages, rows) are collected as before. A model loaded later (a
reload through Rasa's API) is not frozen: it is collected as Rasa's own objects always were.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)


def freeze_startup_heap() -> int:
    """Collect once, then freeze what is left; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def listeners() -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """A Sanic listener that freezes the heap once the server has loaded its model (Rasa loads
    it before the server starts)."""

    async def freeze(_app: Any, _loop: Any = None) -> None:
        logger.info(
            "heap: %d start-up objects frozen out of full collections", freeze_startup_heap()
        )

    return [(freeze, "after_server_start")]
