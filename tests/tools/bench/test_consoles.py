"""The benchmark's agents' consoles: real accounts and sessions on a real database, polling a
real HTTP server the way console.js does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.web.auth import SESSION_COOKIE, _principal_sync
from tests.tools.local_http import local_server
from tools.bench import consoles


def test_signed_in_agents_have_working_console_sessions_and_stay_off_duty(
    sqlite_url: str,
) -> None:
    from bot.store import session_scope
    from bot.store.tables import Agent

    cookies = consoles.sign_in_agents(sqlite_url, 3, "t1")
    assert len(set(cookies)) == 3
    for cookie in cookies:
        principal = _principal_sync(sqlite_url, "", cookie)
        assert principal is not None and principal.via == "session"
    with session_scope(sqlite_url) as session:
        agents = session.query(Agent).filter(Agent.username.like("bench.t1.%")).all()
        assert len(agents) == 3 and not any(agent.on_duty for agent in agents)


@pytest.fixture()
async def console_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A small HTTP server in the console API's shape that records what it was asked."""
    seen: list[str] = []

    async def queue(request: web.Request) -> web.Response:
        seen.append(f"queue {request.cookies.get(SESSION_COOKIE)}")
        return web.json_response([{"ticket": "C-ABCDEF"}, {"ticket": "C-GHJKMN"}])

    async def detail(request: web.Request) -> web.Response:
        seen.append(f"detail {request.match_info['ticket']}")
        if request.cookies.get(SESSION_COOKIE) == "bad":
            return web.json_response({"error": "sign in"}, status=401)
        return web.json_response({"ticket": request.match_info["ticket"]})

    routes = [web.get("/api/queue", queue), web.get("/api/complaints/{ticket}", detail)]
    async with local_server(routes) as base_url:
        yield base_url, seen


async def test_consoles_poll_the_queue_and_open_its_first_complaint(
    console_server: tuple[str, list[str]],
) -> None:
    base_url, seen = console_server
    async with aiohttp.ClientSession() as http:
        polling = consoles.Consoles(http, base_url, ["good", "bad"], interval=10.0)
        polling.start()
        await asyncio.sleep(5.5)  # the second console opens half an interval later
        await polling.stop()
    assert "queue good" in seen and "queue bad" in seen
    assert seen.count("detail C-ABCDEF") == 2 and "detail C-GHJKMN" not in seen
    summary = polling.stats.summary()
    assert summary["requests"] == 3  # two queues and one detail answered 200
    assert summary["error_kinds"] == {"http_401": 1}
