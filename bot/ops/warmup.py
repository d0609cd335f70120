"""What the first customer's message would otherwise wait for, loaded once the server runs.

Two things are made on first use and cached for the life of the process: the learned escalation
models (:mod:`bot.policy.learned`, trained from their examples in about 0.7 s) and simplemma's
lexicons that the language detector consults for uncertain words (about 0.4 s). Loaded lazily,
they made the first complaint after a start wait a second or more. Loading them before the
server starts would push the start past its 10 s target, so they are loaded in a worker thread
just after it starts; a customer who writes in that second shares the work instead of doing
all of it. (The separate action server trains the learned models before it serves, in
:mod:`bot.ops.actions_main`.)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.policy import learned
from bot.text.language import load_word_lexicons

logger = logging.getLogger(__name__)


def warm() -> float:
    """Load the learned models and the word lexicons; the seconds it took."""
    started = time.monotonic()
    learned.models()
    load_word_lexicons()
    return time.monotonic() - started


def listeners() -> list[tuple[Callable[..., Awaitable[None]], str]]:
    """A Sanic listener that starts :func:`warm` in a worker thread once the server runs."""

    async def start(app: Any, _loop: Any = None) -> None:
        async def in_thread() -> None:
            try:
                seconds = await asyncio.to_thread(warm)
            except Exception:  # a failure here only means the first message loads them
                logger.exception("warm-up failed; the first message will load what it needs")
            else:
                logger.info("warm-up: learned models and word lexicons loaded in %.2f s", seconds)

        # kept on the app: a task nobody references may be collected before it finishes
        app.ctx.warmup_task = asyncio.get_running_loop().create_task(in_thread())

    return [(start, "after_server_start")]
