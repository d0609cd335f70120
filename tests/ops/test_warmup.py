"""The warm-up (:mod:`bot.ops.warmup`): the listener the Rasa server runs after it starts
trains the learned escalation models and loads simplemma's lexicons in a worker thread."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from bot.ops import warmup
from bot.policy import learned


async def test_the_start_listener_loads_the_models_and_lexicons_in_the_background() -> None:
    learned.models.cache_clear()
    app = SimpleNamespace(ctx=SimpleNamespace())  # what the listener uses of the Sanic app
    [(start, event)] = warmup.listeners()
    assert event == "after_server_start"
    await start(app)
    assert learned.models.cache_info().currsize == 0  # started, not awaited: the start goes on
    await app.ctx.warmup_task
    assert learned.models.cache_info().currsize == 1
    assert "simplemma" in sys.modules


def test_warm_says_how_long_it_took() -> None:
    assert warmup.warm() >= 0.0
    assert learned.models.cache_info().currsize == 1
