"""The console's inbox API at volume (views, filters, search, pages), canned replies, the agent
list with true presence, reassigning with the off-duty warning, the buttons that follow a
complaint's state, and the staff socket: served by the real Rasa app on a real port against a
migrated SQLite store of several hundred complaints."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest
import socketio
from rasa.core.run import configure_app
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot import settings as bot_settings
from bot.store import append_event, get_by_ticket, session_scope
from bot.store.blocking import STAFF_THREADS
from bot.store.tables import Agent
from bot.web import console as console_module
from bot.web.channel import ComplaintSocketIOInput
from bot.web.staff import StaffApp
from tests.served import serving
from tests.web.inbox_seed import PASSWORD, Seeded, seed_inbox
from tests.web.test_console_api import Console, FakeAgent


@pytest.fixture()
async def inbox(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Console, Seeded]]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    # the seed's agents never open a console: the presence sweep must not move their claims
    monkeypatch.setenv("BOT_AGENT_DISCONNECT_SECONDS", "86400")
    bot_settings.get_settings.cache_clear()
    monkeypatch.setattr(Sanic, "test_mode", True)
    seeded = seed_inbox(sqlite_url)
    channel = ComplaintSocketIOInput(
        settings=bot_settings.get_settings(), session_persistence=True, secret_key="k" * 40
    )
    staff = StaffApp(bot_settings.get_settings())
    app = configure_app([channel, staff], enable_api=False, use_uvloop=False)
    app.ctx.console_database_url = sqlite_url
    app.ctx.agent = FakeAgent(InMemoryTrackerStore(Domain.empty()))
    try:
        async with serving(app) as base:
            yield Console(base, sqlite_url, app), seeded
    finally:
        bot_settings.get_settings.cache_clear()


async def _get(http: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> tuple[int, Any]:
    async with http.get(url, headers=headers) as res:
        assert res.content_type == "application/json", await res.text()
        return res.status, await res.json()


async def _all_pages(
    http: aiohttp.ClientSession, base: str, headers: dict[str, str], **params: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every item of a view, page by page (limit 40)."""
    items: list[dict[str, Any]] = []
    offset, first = 0, None
    while True:
        query = {**params, "limit": "40", "offset": str(offset)}
        status, page = await _get(http, f"{base}/api/inbox?{_qs(query)}", headers)
        assert status == 200, page
        first = first or page
        assert len(page["items"]) <= 40
        items += page["items"]
        offset += 40
        if offset >= page["total"]:
            break
    assert len(items) == first["total"]
    return items, first


def _qs(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


async def test_views_and_filters_return_the_right_complaints_page_by_page(
    inbox: tuple[Console, Seeded],
) -> None:
    server, seeded = inbox
    headers = await server.token("ana")
    async with server.client() as http:
        for view in ("needs_person", "mine", "unassigned", "waiting", "all"):
            items, page = await _all_pages(http, server.base, headers, view=view)
            tickets = [item["ticket"] for item in items]
            assert len(tickets) == len(set(tickets)), f"{view}: a complaint on two pages"
            assert set(tickets) == seeded.view(view), view
            assert page["counts"][view] == len(seeded.view(view))
        # the live conversations (customer at the widget now) lead "needs a person"
        items, _ = await _all_pages(http, server.base, headers, view="needs_person")
        live = [item["ticket"] for item in items[: len(seeded.live)]]
        assert set(live) == seeded.live and all(item["live"] for item in items[: len(live)])

        # filters, alone and combined with a view
        items, _ = await _all_pages(http, server.base, headers, view="all", language="sr_cyrl")
        assert {i["ticket"] for i in items} == seeded.where(language="sr_cyrl")
        assert {i["language_code"] for i in items} == {"sr_cyrl"}
        items, _ = await _all_pages(
            http, server.base, headers, view="mine", category="billing", language="hr"
        )
        assert {i["ticket"] for i in items} == seeded.view("mine") & seeded.where(
            category="billing", language="hr"
        )
        items, _ = await _all_pages(http, server.base, headers, view="all", deadline="overdue")
        assert {i["ticket"] for i in items} == seeded.overdue
        items, _ = await _all_pages(http, server.base, headers, view="all", status="resolved")
        assert {i["ticket"] for i in items} == seeded.where(status="resolved")

        # search at the top: by ticket, and by words of the description
        target = seeded.tickets[17]
        items, _ = await _all_pages(http, server.base, headers, view="all", q=target.lower())
        assert [i["ticket"] for i in items] == [target]
        items, _ = await _all_pages(http, server.base, headers, view="all", q="number 17 about")
        assert [i["ticket"] for i in items] == [target]


async def test_each_row_tells_preview_waiting_unread_and_clock(
    inbox: tuple[Console, Seeded],
) -> None:
    server, seeded = inbox
    headers = await server.token("ana")
    async with server.client() as http:
        items, page = await _all_pages(http, server.base, headers, view="mine")
    rows = {item["ticket"]: item for item in items}
    unread = [t for t in rows if seeded.kind[t] == "mine_unread"]
    waiting = [t for t in rows if seeded.kind[t] == "mine_waiting"]
    assert unread and waiting
    for ticket in unread:
        row = rows[ticket]
        assert row["unread"] == 1
        assert row["last_message"]["from"] == "customer"
        assert row["last_message"]["text"].startswith("Customer answer")
        assert row["waited_minutes"] is not None and row["waited_minutes"] >= 0
    for ticket in waiting:
        row = rows[ticket]
        assert row["unread"] == 0 and row["waited_minutes"] is None
        assert row["last_message"]["from"] == "agent"
    for row in rows.values():
        assert row["deadline_state"] in ("ok", "near", "breached") and row["due_at"]
        assert row["holder"] == "agent:ana"
    # the tab title's count: everything in the queue plus my conversations with news
    assert page["attention"] == len(seeded.view("needs_person")) + len(unread)
    assert {row["customer_online"] for row in rows.values()} == {False}  # no widget open
    # a customer whose widget is open on this server shows as online in their row
    connected = rows[unread[0]]["sender_id"]
    server.app.ctx.customer_online = lambda sender_id: sender_id == connected
    async with server.client() as http:
        items, _ = await _all_pages(http, server.base, headers, view="mine")
    online = {item["ticket"] for item in items if item["customer_online"] is True}
    assert online == {t for t, row in rows.items() if row["sender_id"] == connected}


@pytest.mark.parametrize(
    "query",
    [
        "view=everything",
        "status=lost",
        "language=klingon",
        "category=Robert'); DROP TABLE complaints;--",
        "deadline=yesterday",
        "limit=0",
        "limit=201",
        "limit=ten",
        "offset=-1",
        "offset=99999999999",
        f"q={'x' * 201}",
    ],
)
async def test_bad_inbox_queries_are_clear_4xx(inbox: tuple[Console, Seeded], query: str) -> None:
    server, _ = inbox
    headers = await server.token("ana")
    async with server.client() as http:
        status, body = await _get(http, f"{server.base}/api/inbox?{query}", headers)
    assert status in (413, 422), body
    assert body["error"]


async def test_inbox_needs_a_signed_in_agent(inbox: tuple[Console, Seeded]) -> None:
    server, _ = inbox
    async with server.client() as http:
        status, _ = await _get(http, f"{server.base}/api/inbox", {})
    assert status == 401


async def test_buttons_follow_the_state_and_placeholders_are_filled(
    inbox: tuple[Console, Seeded],
) -> None:
    server, seeded = inbox
    headers = await server.token("ana")
    resolved = next(t for t in seeded.tickets if seeded.kind[t] == "resolved")
    mine = next(t for t in seeded.tickets if seeded.kind[t] == "mine_unread")
    queued = next(t for t in seeded.tickets if seeded.kind[t] == "queue")
    async with server.client() as http:
        _, done = await _get(http, f"{server.base}/api/complaints/{resolved}", headers)
        actions = done["complaint"]["actions"]
        assert not any(actions[name] for name in ("claim", "hand_back", "close", "reply"))
        assert actions["note"] is True
        _, held = await _get(http, f"{server.base}/api/complaints/{mine}", headers)
        assert held["complaint"]["actions"] == {
            "claim": False,
            "reply": True,
            "hand_back": True,
            "resolve": True,
            "close": True,
            "reassign": True,
            "note": True,
        }
        _, waiting = await _get(http, f"{server.base}/api/complaints/{queued}", headers)
        assert waiting["complaint"]["actions"]["claim"] is True
        assert waiting["complaint"]["actions"]["reply"] is False
        values = held["complaint"]["placeholders"]
        assert values["ticket"] == mine and values["name"] == "Ana Horvat"
        assert any(char.isdigit() for char in values["deadline"])
        # claiming a resolved complaint is refused, not silently done
        async with http.post(
            f"{server.base}/api/complaints/{resolved}/claim", headers=headers
        ) as res:
            assert res.status == 409


async def test_canned_replies_searchable_and_only_admins_edit(
    inbox: tuple[Console, Seeded],
) -> None:
    server, _ = inbox
    agent, admin = await server.token("ana"), await server.token("boss")
    async with server.client() as http:
        status, rows = await _get(http, f"{server.base}/api/canned?language=hr", agent)
        assert status == 200 and rows and {row["language"] for row in rows} == {"hr"}
        status, found = await _get(http, f"{server.base}/api/canned?language=en&q=refund", agent)
        assert found and all("refund" in (r["title"] + r["text"]).lower() for r in found)
        new = {"language": "hr", "title": "Kurir", "text": "Kurir stiže do {deadline}, {ticket}."}
        async with http.post(f"{server.base}/api/canned", json=new, headers=agent) as res:
            assert res.status == 403
        async with http.post(f"{server.base}/api/canned", json=new, headers=admin) as res:
            assert res.status == 201, await res.text()
            made = await res.json()
        _, rows = await _get(http, f"{server.base}/api/canned?language=hr&q=kurir", agent)
        assert [row["id"] for row in rows] == [made["id"]]
        changed = {**new, "text": "Kurir stiže sutra."}
        async with http.put(
            f"{server.base}/api/canned/{made['id']}", json=changed, headers=admin
        ) as res:
            assert res.status == 200 and (await res.json())["text"] == "Kurir stiže sutra."
        for bad in (
            {**new, "text": "Hello {customer}"},
            {**new, "language": "xx"},
            {**new, "title": "  "},
            {**new, "text": 5},
        ):
            async with http.post(f"{server.base}/api/canned", json=bad, headers=admin) as res:
                assert res.status == 422, bad
        async with http.post(
            f"{server.base}/api/canned", json={**new, "text": "x" * 2001}, headers=admin
        ) as res:
            assert res.status == 413
        async with http.delete(f"{server.base}/api/canned/{made['id']}", headers=admin) as res:
            assert res.status == 204
        for missing in (made["id"], "abc", "99999999999"):
            async with http.delete(f"{server.base}/api/canned/{missing}", headers=admin) as res:
                assert res.status == 404


async def test_reassigning_warns_about_an_agent_off_duty_and_presence_expires(
    inbox: tuple[Console, Seeded],
) -> None:
    server, seeded = inbox
    headers = await server.token("ana")
    ticket = next(t for t in seeded.tickets if seeded.kind[t] == "queue")
    async with server.client() as http:
        _, agents = await _get(http, f"{server.base}/api/agents", headers)
        assert {a["username"]: a["duty"] for a in agents}["ivo"] == "off duty"
        url = f"{server.base}/api/complaints/{ticket}/reassign"
        async with http.post(url, json={"username": "ivo"}, headers=headers) as res:
            assert res.status == 409
            warning = await res.json()
        assert warning["off_duty"] is True and "Ivo Ivić is off duty" in warning["error"]
        with session_scope(server.url) as session:
            assert get_by_ticket(session, ticket).assigned_agent is None  # nothing changed
        async with http.post(
            url, json={"username": "ivo", "even_off_duty": True}, headers=headers
        ) as res:
            assert res.status == 200
            assert (await res.json())["duty"] == "off duty"

        # on duty with a console seen just now: on duty; console gone for 3 minutes: away
        with session_scope(server.url) as session:
            ivo = session.query(Agent).filter_by(username="ivo").one()
            ivo.on_duty, ivo.last_seen_at = True, datetime.now(timezone.utc)
        _, agents = await _get(http, f"{server.base}/api/agents", headers)
        assert {a["username"]: a["duty"] for a in agents}["ivo"] == "on duty"
        async with http.post(url, json={"username": "ivo"}, headers=headers) as res:
            assert res.status == 200
            assert (await res.json())["duty"] == "on duty"
        with session_scope(server.url) as session:
            ivo = session.query(Agent).filter_by(username="ivo").one()
            ivo.last_seen_at = datetime.now(timezone.utc) - timedelta(minutes=3)
        _, agents = await _get(http, f"{server.base}/api/agents", headers)
        assert {a["username"]: a["duty"] for a in agents}["ivo"] == "away"
        async with http.post(url, json={"username": "ivo"}, headers=headers) as res:
            assert res.status == 409 and "away" in (await res.json())["error"]


async def test_the_staff_socket_pushes_new_events_to_signed_in_agents_only(
    inbox: tuple[Console, Seeded],
) -> None:
    server, seeded = inbox
    async with server.client() as http:
        await server.sign_in(http, "ana")
        cookie = "; ".join(
            f"{name}={morsel.value}"
            for name, morsel in http.cookie_jar.filter_cookies(server.base).items()  # type: ignore[arg-type]
        )
    received: asyncio.Queue[Any] = asyncio.Queue()
    client = socketio.AsyncClient()
    client.on("staff_update", received.put_nowait, namespace="/staff")
    await client.connect(
        server.base, headers={"Cookie": cookie}, namespaces=["/staff"], transports=["polling"]
    )
    try:
        ticket = next(t for t in seeded.tickets if seeded.kind[t] == "bot")
        with session_scope(server.url) as session:
            complaint = get_by_ticket(session, ticket)
            append_event(session, complaint, "handoff_requested", "bot")
        update = await asyncio.wait_for(received.get(), timeout=10)
        [event] = update["events"]
        assert event["kind"] == "handoff_requested" and event["ticket"] == ticket
    finally:
        await client.disconnect()
    stranger = socketio.AsyncClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await stranger.connect(
            server.base, namespaces=["/staff"], transports=["polling"], wait_timeout=5
        )
    assert PASSWORD  # the seed's accounts sign in with it


async def test_console_reads_take_no_write_lock_and_the_heartbeat_is_written_every_10_s(
    inbox: tuple[Console, Seeded],
) -> None:
    """On SQLite a write transaction (``BEGIN IMMEDIATE``) holds every other writer up, the
    customers' conversations included: a console's reads must not take one."""
    from sqlalchemy import event

    from bot.store.db import get_engine

    server, seeded = inbox
    ticket = seeded.tickets[0]
    paths = [
        "/api/inbox?view=all",
        "/api/queue",
        f"/api/complaints/{ticket}",
        f"/api/complaints/{ticket}/commitments",
        f"/api/complaints/{ticket}/history",
        "/api/commitments",
        "/api/agents",
    ]
    begun: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            begun.append(statement)

    engine = get_engine(server.url)
    async with server.client() as http:
        await server.sign_in(http, "ana")
        event.listen(engine, "before_cursor_execute", count)
        try:
            # signed in just now, so seen just now: no write at all; last seen a minute ago:
            # the first request writes the heartbeat, the others do not
            for seen_ago, writes in ((timedelta(0), 0), (timedelta(minutes=1), 1)):
                with session_scope(server.url) as session:
                    ana = session.query(Agent).filter_by(username="ana").one()
                    ana.last_seen_at = datetime.now(timezone.utc) - seen_ago
                begun.clear()
                for path in paths:
                    async with http.get(server.base + path) as res:
                        assert res.status == 200, (path, res.status)
                assert begun.count("BEGIN IMMEDIATE") == writes, begun
                assert begun.count("BEGIN") >= 2 * len(paths)  # session check + the read
        finally:
            event.remove(engine, "before_cursor_execute", count)
    with session_scope(server.url) as session:
        ana = session.query(Agent).filter_by(username="ana").one()
        assert datetime.now(timezone.utc) - ana.last_seen_at < timedelta(seconds=30)


async def test_consoles_share_a_page_until_an_event_changes_it(
    inbox: tuple[Console, Seeded],
) -> None:
    """Two agents reading "all" at once: the rows and the team's counts are worked out once; a
    customer's message shows on the next read at once; "mine" is each agent's own; the tab
    counts are per agent."""
    server, seeded = inbox
    pages = server.app.ctx.inbox_pages
    ana, ivo = await server.token("ana"), await server.token("ivo")
    async with server.client() as http:
        _, first = await _get(http, f"{server.base}/api/inbox?view=all", ana)
        misses, hits = pages.misses, pages.hits
        _, second = await _get(http, f"{server.base}/api/inbox?view=all", ivo)
        assert (pages.misses, pages.hits) == (misses, hits + 2)  # the rows, the counts
        assert second["items"] == first["items"]
        assert first["counts"]["mine"] == len(seeded.view("mine"))

        newest = first["items"][0]["ticket"]
        with session_scope(server.url) as session:
            complaint = get_by_ticket(session, newest)
            assert complaint is not None
            append_event(session, complaint, "message_customer", "customer",
                         {"text": "still nothing, hello?"})  # fmt: skip
        _, after = await _get(http, f"{server.base}/api/inbox?view=all", ana)
        assert after["items"][0]["ticket"] == newest
        assert after["items"][0]["last_message"]["text"] == "still nothing, hello?"

        _, mine_ana = await _get(http, f"{server.base}/api/inbox?view=mine", ana)
        _, mine_ivo = await _get(http, f"{server.base}/api/inbox?view=mine", ivo)
        assert {i["ticket"] for i in mine_ana["items"]} <= seeded.view("mine")
        assert not {i["ticket"] for i in mine_ivo["items"]} & seeded.view("mine")
        assert mine_ivo["counts"]["mine"] == second["counts"]["mine"] == mine_ivo["total"]
        assert mine_ivo["total"] != mine_ana["total"] == len(seeded.view("mine"))


async def test_staff_requests_use_their_own_threads(
    inbox: tuple[Console, Seeded], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A console's database work runs on the staff pool, never on the threads the customers'
    messages wait for."""
    server, _ = inbox
    threads: list[str] = []
    real = console_module._inbox

    def recorded(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(console_module, "_inbox", recorded)
    headers = await server.token("ana")
    async with server.client() as http:
        replies = await asyncio.gather(
            *(_get(http, f"{server.base}/api/inbox?view=all", headers) for _ in range(6))
        )
    assert all(status == 200 for status, _ in replies)
    assert len(threads) == 6 and all(name.startswith("staff") for name in threads), threads
    assert len(set(threads)) <= STAFF_THREADS
