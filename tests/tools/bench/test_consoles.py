"""The benchmark's agents' consoles: real accounts and sessions on a real database, against the
real console API and ``/staff`` socket served by the Rasa app on a real port, doing what
console.js does (pushed to, or polling while the socket is down)."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Callable

import aiohttp
import pytest

from bot.store import append_event, get_by_ticket, session_scope
from bot.web.auth import _principal_sync
from tests.web.inbox_seed import Seeded
from tests.web.test_console_api import Console as Served
from tests.web.test_console_inbox import inbox  # noqa: F401  (the served app, a fixture)
from tools.bench import consoles
from tools.bench.stats import PhaseStats


def test_signed_in_agents_have_working_console_sessions_and_stay_off_duty(
    sqlite_url: str,
) -> None:
    from bot.store.tables import Agent

    cookies = consoles.sign_in_agents(sqlite_url, 3, "t1")
    assert len(set(cookies)) == 3
    for cookie in cookies:
        principal = _principal_sync(sqlite_url, "", cookie)
        assert principal is not None and principal.via == "session"
    with session_scope(sqlite_url) as session:
        agents = session.query(Agent).filter(Agent.username.like("bench.t1.%")).all()
        assert len(agents) == 3 and not any(agent.on_duty for agent in agents)


async def _until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _quiet(stats: consoles.ConsoleStats, seconds: float = 3.5) -> dict[str, int]:
    """Wait until the consoles asked nothing for ``seconds`` (longer than the board's 3 s):
    what they asked in all."""
    while True:
        before = dict(stats.kinds)
        await asyncio.sleep(seconds)
        if stats.kinds == before:
            return before


def _newest(url: str) -> str:
    from bot.store.tables import Complaint

    with session_scope(url) as session:
        return str(
            session.query(Complaint)
            .order_by(Complaint.created_at.desc(), Complaint.id.desc())[0]
            .ticket
        )


def _add_events(url: str, ticket: str, count: int) -> None:
    with session_scope(url) as session:
        complaint = get_by_ticket(session, ticket)
        for number in range(count):
            append_event(session, complaint, "note", "agent:ivo", {"text": f"note {number}"})


def _more(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {
        kind: count - before.get(kind, 0)
        for kind, count in after.items()
        if count != before.get(kind, 0)
    }


async def test_a_pushed_console_reloads_what_an_update_changed_and_the_list_at_most_every_3_s(
    inbox: tuple[Served, Seeded],  # noqa: F811
) -> None:
    server, seeded = inbox
    # the seed's agents never had a console: the presence sweep would hand their complaints
    # back to the queue mid-test, and those events would be pushed too
    server.app.ctx.presence_watch.cancel()
    [cookie] = consoles.sign_in_agents(server.url, 1, "push")
    newest = _newest(server.url)
    other = next(ticket for ticket in seeded.tickets if ticket != newest)
    async with aiohttp.ClientSession() as http:
        pushed = consoles.Consoles(http, server.base, [cookie], mode="push")
        await pushed.start()
        try:
            [console] = pushed.consoles
            assert console.socket is not None and console.socket.connected
            assert console.current == newest  # the agent opened the newest complaint
            # opening: the page, the complaint and its panels, the board; on connect, the
            # complaint again at once, the page and the board 3 s after their first load
            opened = await _quiet(pushed.stats)
            assert opened == {
                "inbox": 2, "detail": 2, "commitments": 2, "history": 1, "canned": 1, "board": 2,
            }  # fmt: skip
            # three events about the open complaint in one go: one update, one reload of
            # the complaint and (last loaded over 3 s ago) of the page and the board
            _add_events(server.url, newest, 3)
            await _until(lambda: pushed.stats.updates >= 1)
            after = await _quiet(pushed.stats)
            assert _more(after, opened) == {"inbox": 1, "detail": 1, "commitments": 1, "board": 1}
            # the same events again (another server's watcher): nothing new, no refresh
            console.on_update({"events": [{"id": max(console._seen)}]})
            assert await _quiet(pushed.stats, 0.6) == after
            # three updates about another complaint within 2.4 s: the open one is not asked
            # for, the page and the board at most every 3 s
            asked: list[tuple[str, float]] = []
            original = console.get

            async def recording(kind: str, path: str) -> object:
                asked.append((kind, time.monotonic()))
                return await original(kind, path)

            console.get = recording  # type: ignore[method-assign]
            for _ in range(3):
                _add_events(server.url, other, 1)
                await asyncio.sleep(1.2)
            await _quiet(pushed.stats)
            assert pushed.stats.updates == 5  # with the copy
            assert {kind for kind, _ in asked} == {"inbox", "board"}
            for kind in ("inbox", "board"):
                moments = [moment for asked_kind, moment in asked if asked_kind == kind]
                assert 1 <= len(moments) <= 2
                assert all(b - a >= 2.9 for a, b in itertools.pairwise(moments))
        finally:
            await pushed.stop()
    assert pushed.stats.errors == {}
    assert console.socket is not None and not console.socket.connected


async def test_a_console_whose_socket_is_refused_polls_and_a_polling_console_polls(
    inbox: tuple[Served, Seeded],  # noqa: F811
) -> None:
    server, _ = inbox
    [cookie] = consoles.sign_in_agents(server.url, 1, "poll")
    async with aiohttp.ClientSession() as http:
        refused = consoles.Consoles(http, server.base, ["not a session"], mode="push", interval=0.5)
        polling = consoles.Consoles(http, server.base, [cookie], mode="polling", interval=0.5)
        await refused.start()
        await polling.start()
        await asyncio.sleep(2.2)  # the first poll after one interval, then every interval
        await refused.stop()
        await polling.stop()
    assert refused.stats.errors["socket_refused"] == 1
    assert refused.stats.errors["http_401"] >= 4  # it went on asking, as console.js does
    assert polling.stats.updates == 0 and polling.stats.errors == {}
    assert polling.stats.refreshes >= 3
    kinds = polling.stats.kinds
    # the first load, and every refresh but the one cut short by stop()
    assert polling.stats.refreshes <= kinds["inbox"] <= polling.stats.refreshes + 1
    assert kinds["detail"] >= polling.stats.refreshes and kinds["history"] == 1
    with pytest.raises(ValueError):
        consoles.Consoles(http, server.base, [cookie], mode="sometimes")


def _stats(latencies_ms: list[float], seconds: float = 10.0) -> PhaseStats:
    stats = PhaseStats(seconds=seconds)
    for number, latency in enumerate(latencies_ms):
        stats.record(latency / 1000, number * seconds / len(latencies_ms))
    return stats


def test_runs_pool_into_one_phase() -> None:
    first, second = _stats([10.0] * 10), _stats([30.0] * 10)
    second.record(0.5, 12.0)  # answered in the grace time after the run
    second.add_error("timeout")
    second.conversations = 3
    pooled = consoles.pool([first, second])
    assert pooled.messages == 21 and pooled.seconds == 20.0
    assert pooled.messages_per_second == 1.0  # the late answer is outside the window
    assert pooled.errors == {"timeout": 1} and pooled.conversations == 3
    assert math.isclose(pooled.latency_ms(50), 30.0)


def test_the_comparison_pools_alternated_runs_and_shows_their_spread() -> None:
    without = [_stats([40.0] * 19 + [50.0]), _stats([40.0] * 19 + [60.0])]
    with_consoles = [_stats([40.0] * 19 + [55.0]), _stats([40.0] * 19 + [54.0])]
    found = consoles.compare(without, with_consoles)
    assert [pair["ratio"] for pair in found["pairs"]] == [
        round(with_consoles[0].latency_ms(95) / without[0].latency_ms(95), 3),
        round(with_consoles[1].latency_ms(95) / without[1].latency_ms(95), 3),
    ]
    low, high = found["ratio_range"]
    assert low < 1 < high and low <= found["median_ratio"] <= high
    assert found["pooled_ratio"] == round(found["with_p95_ms"] / found["without_p95_ms"], 3)


def test_consoles_figures_of_several_runs_add_up() -> None:
    first, second = consoles.ConsoleStats(updates=2, refreshes=2), consoles.ConsoleStats()
    first.add("inbox", 0.01)
    second.add("inbox", 0.03)
    second.add("detail", 0.02)
    second.add_error("http_503")
    whole = consoles.ConsoleStats.merged([first, second])
    summary = whole.summary()
    assert summary["request_kinds"] == {"detail": 1, "inbox": 2}
    assert summary["requests"] == 3 and summary["error_kinds"] == {"http_503": 1}
    assert (summary["updates"], summary["refreshes"]) == (2, 2)
