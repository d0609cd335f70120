"""Agents' consoles polling the server while customers chat: the console's own requests.

Each console does what ``bot/web/static/console/console.js`` does every 3 s: it fetches the
queue, and then opens the newest complaint in it (what an agent reading the queue does). The
agents stay off duty, so that the customers' conversations go exactly as without consoles
(an agent on duty would take escalated customers live) and the phase measures only what the
polling costs the customers.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.store import session_scope
from bot.store.agents import create_agent
from bot.web.auth import SESSION_COOKIE, issue_token
from tools.bench.stats import percentile

#: The console's own polling interval (console.js).
POLL_SECONDS = 3.0


@dataclass
class ConsoleStats:
    """What the consoles' requests met, latencies in seconds."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def add_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "p95_ms": round(percentile(self.latencies, 95) * 1000, 1),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
        }


def sign_in_agents(database_url: str, count: int, run_tag: str) -> list[str]:
    """``count`` new agent accounts (off duty) with a console session each: their cookies."""
    sessions: list[str] = []
    for number in range(count):
        with session_scope(database_url) as session:
            agent = create_agent(
                session,
                username=f"bench.{run_tag}.{number}",
                password=secrets.token_urlsafe(16),
                role="agent",
            )
            agent_id = int(agent.id)
        token, _, _ = issue_token(database_url, agent_id, "session")
        sessions.append(token)
    return sessions


async def _get(
    http: aiohttp.ClientSession, url: str, cookie: str, stats: ConsoleStats
) -> Any | None:
    started = time.perf_counter()
    try:
        async with http.get(url, cookies={SESSION_COOKIE: cookie}) as response:
            body = await response.json(content_type=None)
            if response.status != 200:
                stats.add_error(f"http_{response.status}")
                return None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as failure:
        stats.add_error(type(failure).__name__)
        return None
    stats.latencies.append(time.perf_counter() - started)
    return body


async def _console(
    http: aiohttp.ClientSession,
    base_url: str,
    cookie: str,
    stats: ConsoleStats,
    offset: float,
    interval: float,
) -> None:
    await asyncio.sleep(offset)  # consoles are opened at different moments
    while True:
        rows = await _get(http, f"{base_url}/api/queue", cookie, stats)
        if isinstance(rows, list) and rows and isinstance(rows[0], dict) and rows[0].get("ticket"):
            await _get(http, f"{base_url}/api/complaints/{rows[0]['ticket']}", cookie, stats)
        await asyncio.sleep(interval)


class Consoles:
    """Consoles polling ``base_url`` from ``start()`` until ``stop()``."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        cookies: Sequence[str],
        interval: float = POLL_SECONDS,
    ):
        self.stats = ConsoleStats()
        self.interval = interval
        self._http = http
        self._base_url = base_url
        self._cookies = list(cookies)
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        step = self.interval / max(len(self._cookies), 1)
        self._tasks = [
            asyncio.create_task(
                _console(
                    self._http, self._base_url, cookie, self.stats, number * step, self.interval
                )
            )
            for number, cookie in enumerate(self._cookies)
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
