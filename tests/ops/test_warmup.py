"""The warm-up (:mod:`bot.ops.warmup`): once a server with its listener runs, the learned
escalation models are trained and simplemma's lexicons loaded, off the event loop."""

from __future__ import annotations

import asyncio
import sys

from sanic import HTTPResponse, Request, Sanic
from sanic.response import text

from bot.ops import warmup
from bot.policy import learned
from tests.served import serving


async def test_a_started_server_loads_the_models_and_lexicons_in_the_background() -> None:
    learned.models.cache_clear()
    app = Sanic(f"warmup_{id(object())}")

    @app.get("/")
    async def hello(_request: Request) -> HTTPResponse:  # Sanic refuses an app with no routes
        return text("ok")

    for listener, event in warmup.listeners():
        app.register_listener(listener, event)
    async with serving(app):
        for _ in range(200):
            if learned.models.cache_info().currsize:
                break
            await asyncio.sleep(0.05)
    assert learned.models.cache_info().currsize == 1
    assert "simplemma" in sys.modules


def test_warm_says_how_long_it_took() -> None:
    assert warmup.warm() >= 0.0
    assert learned.models.cache_info().currsize == 1
