"""Agents' consoles open while customers chat: the console's own requests, as it ships.

The console (``bot/web/static/console/console.js``) loads its inbox, connects to the socket.io
``/staff`` namespace with its session cookie, and on each ``staff_update`` with an event it has
not seen (``refreshSoon``) reloads, 250 ms later, the open complaint if an event is about it,
and the inbox page, but not within 3 s of its last load. The open complaint's panels then load
its commitments (``commitments.js``, each time) and the customer's other complaints
(``history.js``, at most every 30 s a ticket); a loaded inbox redraws the team's commitments
board at most every 3 s (``commitments.js``). Only while the socket is down does it poll, the
inbox and the open complaint every 3 s: that is the ``polling`` mode, measured beside the
shipped ``push`` one.

Each bench console models an agent reading the inbox's ``all`` view: when a loaded page has a
newer complaint on top than the open one, read for :data:`READ_SECONDS` already, the agent opens
it (which also loads the canned replies, as a click does). The agents stay off duty, so that
the customers' conversations go exactly as without consoles (an agent on duty would take
escalated customers live) and the phase measures only what the consoles cost the customers.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import statistics
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import socketio

from bot.store import session_scope
from bot.store.agents import create_agent
from bot.web.auth import SESSION_COOKIE, issue_token
from tools.bench.clients import RestClient  # with the aiohttp 3.9 shim engineio needs
from tools.bench.stats import PhaseStats, percentile

#: The console's polling interval while its socket is down (console.js ``POLL_MS``).
POLL_SECONDS = 3.0
#: ``refreshSoon``'s debounce, and the least time between two loads of the list it makes
#: (console.js ``REFRESH_MS``, ``LIST_MIN_MS``).
DEBOUNCE_SECONDS = 0.25
LIST_MIN_SECONDS = POLL_SECONDS
#: The commitments board: at most this often after an inbox load, and at least this often
#: (commitments.js ``BOARD_MIN_MS``, ``BOARD_EVERY_MS``).
BOARD_MIN_SECONDS = 3.0
BOARD_EVERY_SECONDS = 60.0
#: How long history.js keeps a customer's other complaints (``REFRESH_MS``).
HISTORY_SECONDS = 30.0
#: One inbox page (console.js ``PAGE``) and the view the bench's agents read.
PAGE = 50
VIEW = "all"
#: How long the bench's agent reads a complaint before opening a newer one.
READ_SECONDS = 10.0
#: How the consoles hear of changes: the shipped socket, or the fallback polling.
MODES = ("push", "polling")


@dataclass
class ConsoleStats:
    """What the consoles' requests met, latencies in seconds."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    #: Answered requests by what they asked for (``inbox``, ``detail``, ``board``...).
    kinds: dict[str, int] = field(default_factory=dict)
    #: ``staff_update`` messages received, and refreshes they (or the polling) caused.
    updates: int = 0
    refreshes: int = 0

    def add_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def add(self, kind: str, latency: float) -> None:
        self.latencies.append(latency)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    @classmethod
    def merged(cls, parts: Sequence[ConsoleStats]) -> ConsoleStats:
        """Several runs' figures as one."""
        whole = cls()
        for part in parts:
            whole.latencies += part.latencies
            whole.updates += part.updates
            whole.refreshes += part.refreshes
            for kind, count in part.errors.items():
                whole.errors[kind] = whole.errors.get(kind, 0) + count
            for kind, count in part.kinds.items():
                whole.kinds[kind] = whole.kinds.get(kind, 0) + count
        return whole

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "p95_ms": round(percentile(self.latencies, 95) * 1000, 1),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "request_kinds": dict(sorted(self.kinds.items())),
            "updates": self.updates,
            "refreshes": self.refreshes,
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


class Console:
    """One agent's console on ``base_url``, signed in with ``cookie``."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        cookie: str,
        stats: ConsoleStats,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.base_url = base_url
        self.cookie = cookie
        self.stats = stats
        self.clock = clock
        self.current: str | None = None
        self.socket: socketio.AsyncClient | None = None
        self._seen: set[int] = set()
        self._refresh_timer: asyncio.Task[None] | None = None
        self._board_timer: asyncio.Task[None] | None = None
        self._board_drawn = -math.inf
        self._history_at: dict[str, float] = {}
        self._opened_at = -math.inf
        self._list_at = -math.inf
        self._stale_list = False
        self._stale_detail = False
        self._tasks: set[asyncio.Task[Any]] = set()

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def get(self, kind: str, path: str) -> Any | None:
        """GET ``path`` as the console's ``api()`` does; the JSON, or None on a failure."""
        started = time.perf_counter()
        try:
            async with self.http.get(
                self.base_url + path, cookies={SESSION_COOKIE: self.cookie}
            ) as response:
                body = await response.json(content_type=None)
                if response.status != 200:
                    self.stats.add_error(f"http_{response.status}")
                    return None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as failure:
            self.stats.add_error(type(failure).__name__)
            return None
        self.stats.add(kind, time.perf_counter() - started)
        return body

    # ------------------------------------------------------------------ console.js

    async def load_inbox(self) -> None:
        self._list_at = self.clock()
        query = urlencode({"view": VIEW, "limit": str(PAGE), "offset": "0"})
        data = await self.get("inbox", f"/api/inbox?{query}")
        if not isinstance(data, dict):
            return
        self._schedule_board()
        items = data.get("items") or []
        top = items[0].get("ticket") if items and isinstance(items[0], dict) else None
        if top and top != self.current and self.clock() - self._opened_at >= READ_SECONDS:
            self._opened_at = self.clock()
            await self.open(str(top))  # the agent opens the newest complaint

    async def open(self, ticket: str) -> None:
        data = await self.get("detail", f"/api/complaints/{quote(ticket)}")
        if not isinstance(data, dict):
            return
        changed = ticket != self.current
        self.current = ticket
        path = f"/api/complaints/{quote(ticket)}"
        panels = [self.get("commitments", f"{path}/commitments")]
        if self.clock() - self._history_at.get(ticket, -math.inf) >= HISTORY_SECONDS:
            self._history_at[ticket] = self.clock()
            panels.append(self.get("history", f"{path}/history"))
        if changed:
            language = (data.get("complaint") or {}).get("language_code") or "en"
            panels.append(self.get("canned", "/api/canned?" + urlencode({"language": language})))
        await asyncio.gather(*panels)

    async def refresh(self) -> None:
        """What a poll does: the inbox and the open complaint at once."""
        self.stats.refreshes += 1
        work = [self.load_inbox()]
        if self.current:
            work.append(self.open(self.current))
        await asyncio.gather(*work)

    def refresh_soon(self, events: Sequence[Any] | None = None) -> None:
        """What ``events`` changed (all of it without ``events``), reloaded soon."""
        self._stale_list = True
        if events is None or any(
            isinstance(event, dict) and event.get("ticket") == self.current for event in events
        ):
            self._stale_detail = True
        list_due = self._list_at + LIST_MIN_SECONDS - self.clock()
        self._refresh_in(
            DEBOUNCE_SECONDS if self._stale_detail else max(DEBOUNCE_SECONDS, list_due)
        )

    def _refresh_in(self, wait: float) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.cancel()

        async def later() -> None:
            await asyncio.sleep(wait)
            self._spawn(self._refresh_stale())

        self._refresh_timer = self._spawn(later())

    async def _refresh_stale(self) -> None:
        work = []
        if self._stale_detail:
            self._stale_detail = False
            if self.current:
                work.append(self.open(self.current))
        if self._stale_list:
            if self.clock() - self._list_at >= LIST_MIN_SECONDS:
                self._stale_list = False
                work.append(self.load_inbox())
            else:
                self._refresh_in(self._list_at + LIST_MIN_SECONDS - self.clock())
        if work:
            self.stats.refreshes += 1
            await asyncio.gather(*work)

    def on_update(self, payload: Any = None) -> None:
        self.stats.updates += 1
        events = payload.get("events") if isinstance(payload, dict) else None
        fresh = []
        for event in events or []:
            number = event.get("id") if isinstance(event, dict) else None
            if isinstance(number, int) and number not in self._seen:
                self._seen.add(number)
                fresh.append(event)
        if fresh:
            self.refresh_soon(fresh)

    def _schedule_board(self) -> None:
        if self._board_timer is not None:
            self._board_timer.cancel()
        delay = max(0.0, self._board_drawn + BOARD_MIN_SECONDS - self.clock())

        async def draw(wait: float) -> None:
            await asyncio.sleep(wait)
            self._board_drawn = self.clock()
            self._board_timer = self._spawn(draw(BOARD_EVERY_SECONDS))
            await self.get("board", "/api/commitments")

        self._board_timer = self._spawn(draw(delay))

    # ------------------------------------------------------------------ how it hears

    async def connect(self) -> bool:
        """Connect to ``/staff`` with the session cookie; False when refused."""
        self.socket = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.socket.on("staff_update", self.on_update, namespace="/staff")
        self.socket.on("connect", self.refresh_soon, namespace="/staff")
        try:
            await self.socket.connect(
                self.base_url,
                headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}"},
                namespaces=["/staff"],
                transports=["websocket"],
                wait_timeout=10,
            )
        except (socketio.exceptions.ConnectionError, aiohttp.ClientError):
            self.stats.add_error("socket_refused")
            return False
        return True

    async def poll(self, offset: float, interval: float) -> None:
        await asyncio.sleep(offset)  # consoles are opened at different moments
        while True:
            await self.refresh()
            await asyncio.sleep(interval)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.socket is not None and self.socket.connected:
            await self.socket.disconnect()


class Consoles:
    """``len(cookies)`` consoles on ``base_url`` from ``start()`` until ``stop()``: pushed to
    over the socket (``mode="push"``, as shipped) or polling every ``interval`` seconds."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        cookies: Sequence[str],
        mode: str = "push",
        interval: float = POLL_SECONDS,
    ):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.stats = ConsoleStats()
        self.mode = mode
        self.interval = interval
        self.consoles = [Console(http, base_url, cookie, self.stats) for cookie in cookies]
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Open every console (its first inbox page, then the socket) and keep it up to date."""
        await asyncio.gather(*(console.load_inbox() for console in self.consoles))
        if self.mode == "push":
            connected = await asyncio.gather(*(console.connect() for console in self.consoles))
            polling = [c for c, up in zip(self.consoles, connected, strict=True) if not up]
        else:
            polling = self.consoles
        step = self.interval / max(len(polling), 1)
        self._tasks = [
            asyncio.create_task(console.poll(number * step + self.interval, self.interval))
            for number, console in enumerate(polling)
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await asyncio.gather(*(console.close() for console in self.consoles))


def pool(runs: Sequence[PhaseStats]) -> PhaseStats:
    """The runs of one shape as one phase: every latency and error, the time added up."""
    pooled = PhaseStats()
    offset = 0.0
    for run in runs:
        pooled.latencies += run.latencies
        # answers after a run's own time stay outside the pooled window too
        pooled.finished_at += [
            offset + moment if moment <= run.seconds else math.inf for moment in run.finished_at
        ]
        offset += run.seconds
        for kind, count in run.errors.items():
            pooled.errors[kind] = pooled.errors.get(kind, 0) + count
        for kind, count in run.deviations.items():
            pooled.deviations[kind] = pooled.deviations.get(kind, 0) + count
        pooled.conversations += run.conversations
        pooled.completed_complaints += run.completed_complaints
    pooled.seconds = offset
    return pooled


def compare(without: Sequence[PhaseStats], with_consoles: Sequence[PhaseStats]) -> dict[str, Any]:
    """Customers' p95 with consoles against without, over alternated runs (A B A B ...): the
    ratio of the pooled p95s, and each pair's ratio with their median and range."""
    pairs = []
    for before, after in zip(without, with_consoles, strict=True):
        base, load = before.latency_ms(95), after.latency_ms(95)
        ratio = load / base if base > 0 else math.nan
        pairs.append(
            {"without_p95_ms": round(base, 1), "with_p95_ms": round(load, 1), "ratio": ratio}
        )
    ratios = [pair["ratio"] for pair in pairs if not math.isnan(pair["ratio"])]
    pooled_base = pool(without).latency_ms(95)
    pooled_load = pool(with_consoles).latency_ms(95)
    for pair in pairs:
        pair["ratio"] = round(pair["ratio"], 3)
    return {
        "pairs": pairs,
        "without_p95_ms": round(pooled_base, 1),
        "with_p95_ms": round(pooled_load, 1),
        "pooled_ratio": round(pooled_load / pooled_base, 3) if pooled_base > 0 else None,
        "median_ratio": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)] if ratios else None,
    }


# ---------------------------------------------------------------------- the server's cost

#: The requests a console makes, by kind, as paths after the open complaint's ticket is known.
COST_KINDS = ("inbox", "detail", "commitments", "history", "board", "refresh")


async def _cost_of(
    console: Console, kind: str, rasa_pid: int, count: int, idle_per_second: float
) -> tuple[float, float]:
    """(server CPU ms, median latency ms) of one request of ``kind``, ``count`` in a row; the
    server's own background work (``idle_per_second``) taken off."""
    from tools.bench.rss import tree_cpu_seconds

    ticket = quote(console.current or "")
    paths = {
        "inbox": f"/api/inbox?{urlencode({'view': VIEW, 'limit': str(PAGE), 'offset': '0'})}",
        "detail": f"/api/complaints/{ticket}",
        "commitments": f"/api/complaints/{ticket}/commitments",
        "history": f"/api/complaints/{ticket}/history",
        "board": "/api/commitments",
    }
    latencies: list[float] = []
    cpu_before, wall_before = tree_cpu_seconds(rasa_pid), time.monotonic()
    for _ in range(count):
        started = time.perf_counter()
        if kind == "refresh":
            await console.refresh()
        else:
            await console.get(kind, paths[kind])
        latencies.append(time.perf_counter() - started)
    cpu = tree_cpu_seconds(rasa_pid) - cpu_before
    cpu -= idle_per_second * (time.monotonic() - wall_before)
    return 1000 * cpu / count, 1000 * statistics.median(latencies)


async def _measure_cost(
    base_url: str,
    database_url: str,
    rasa_pid: int,
    fill_complaints: int,
    count: int,
    log: Callable[[str], None],
) -> None:
    from tools.bench.load import Calibration, Shape, run_phase, warm_up
    from tools.bench.rss import tree_cpu_seconds
    from tools.bench.scripts import OUR_SCRIPTS

    calibration: Calibration = {}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await warm_up(lambda: RestClient(http, base_url, "cost-warm"), OUR_SCRIPTS,
                      calibration)  # fmt: skip
        made = messages = 0
        while made < fill_complaints:  # closed-loop customers, 5 s at a time
            fill = await run_phase(
                Shape("fill", 10, 5.0),
                "rest",
                lambda: RestClient(http, base_url, "cost-fill"),
                OUR_SCRIPTS,
                calibration,
                seed=made,
            )
            made += fill.stats.completed_complaints
            messages += fill.stats.messages
        log(f"filled: {made} complaints, {messages} messages")
        cookies = await asyncio.get_running_loop().run_in_executor(
            None, sign_in_agents, database_url, 6, "cost"
        )
        stats = ConsoleStats()
        console = Console(http, base_url, cookies[0], stats)
        await console.load_inbox()

        async def idle_rate(seconds: float = 5.0) -> float:
            before = tree_cpu_seconds(rasa_pid)
            await asyncio.sleep(seconds)
            return (tree_cpu_seconds(rasa_pid) - before) / seconds

        idle = await idle_rate()
        log(f"server idle: {1000 * idle:.1f} ms CPU per second; open complaint {console.current}")
        for kind in COST_KINDS:
            await _cost_of(console, kind, rasa_pid, 3, idle)  # warm
            cpu, latency = await _cost_of(console, kind, rasa_pid, count, idle)
            log(f"{kind:>12}: {cpu:6.1f} ms CPU per request, median {latency:5.1f} ms")
        others = [Console(http, base_url, cookie, ConsoleStats()) for cookie in cookies[1:]]
        connected = await asyncio.gather(*(other.connect() for other in others))
        await asyncio.sleep(2.0)  # the refresh on connect
        watched = await idle_rate(10.0)
        log(
            f"{sum(connected)} consoles connected, nothing happening: "
            f"{1000 * (watched - idle):.1f} ms CPU per second more than idle"
        )
        await asyncio.gather(*(other.close() for other in others))
    if stats.errors:
        log(f"errors: {stats.errors}")


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.bench.consoles --model models/X.tar.gz``: the Rasa server's CPU time
    per console request, by kind, on a fresh SQLite stack filled by closed-loop customers, and
    what consoles connected to ``/staff`` cost it while nothing happens."""
    import argparse
    import tempfile
    from pathlib import Path

    from tools.bench import stacks

    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.consoles", description=main.__doc__
    )
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--fill-complaints", type=int, default=150, help="at least (default 150)")
    parser.add_argument("--requests", type=int, default=40, help="of each kind (default 40)")
    parser.add_argument("--port", type=int, default=6950)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cb-consoles-") as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'bot.db'}"
        stack = stacks.start_ours(stacks.Variant("ours-sqlite"), args.model, url, args.port, work)
        try:
            asyncio.run(_measure_cost(stack.base_url, url, stack.pids["rasa"], args.fill_complaints,
                                      args.requests, print))  # fmt: skip
        finally:
            stacks.stop(stack)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
