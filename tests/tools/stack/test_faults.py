"""Faults the production stack must survive, against the real services.

One stack for the module: two Rasa servers and two action servers behind Debian's nginx, on a
private PostgreSQL cluster and a private redis-server (their own ports and data directories,
so stopping them disturbs nobody else) and the machine's RabbitMQ (a queue of its own). Each
test makes its own customers and conversations; a test that stops something starts it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio
from sqlalchemy import func, select
from websockets.client import connect as websocket_connect

from bot import store
from bot.handoff import holder
from bot.store.tables import Complaint, ComplaintEvent
from tests.conftest import require_nginx, require_service
from tests.test_smoke import TICKET
from tools.stack.cluster import Layout, ProductionStack
from tools.stack.services import PrivatePostgres, PrivateRedis, queue_depth

pytestmark = [pytest.mark.slow, pytest.mark.services]

PORT = 6200  # nginx; Rasa 6210-6211, actions 6260-6261, PostgreSQL 6202, Redis 6203
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
DISCONNECT_SECONDS = 15
PASSWORD = "prod-fault-tests-pw"
COMPLAINT = (
    "I ordered a desk lamp eleven days ago and the tracking page still says awaiting dispatch"
)
REPLY_TIMEOUT = 90.0


@dataclass
class Prod:
    stack: ProductionStack
    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str
    queue: str

    @property
    def public(self) -> str:
        return self.stack.layout.public_url

    def rasa(self, index: int) -> str:
        return self.stack.layout.rasa_url(index)


def production_env(database_url: str, redis_url: str, queue: str, work: Path) -> dict[str, str]:
    """The settings of a test production stack on these services (RabbitMQ: the machine's)."""
    return {
        "BOT_ENV": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RABBITMQ_URL": RABBITMQ_URL,
        "BOT_EVENT_QUEUE": queue,
        "BOT_EVENT_EXCHANGE": queue,  # an exchange of its own: no other stack's events
        "BOT_SECRET_KEY": secrets.token_hex(32),
        "BOT_RASA_AUTH_TOKEN": secrets.token_hex(32),
        "BOT_ACTIONS_TOKEN": secrets.token_hex(32),
        "BOT_REST_PUBLIC": "true",  # the test plays an unauthenticated public caller
        "BOT_AGENT_DISCONNECT_SECONDS": str(DISCONNECT_SECONDS),
        "BOT_RATE_LIMITS": "off",
        "BOT_SETTINGS_FILE": str(work / "none.yml"),
    }


@pytest.fixture(scope="module")
def prod(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prod]:
    require_service("RabbitMQ", "127.0.0.1", 5672)
    require_nginx()
    work = tmp_path_factory.mktemp("prod")
    # Not under pytest's temporary directory: the postgres user must reach the data directory.
    postgres = PrivatePostgres(PORT + 2, Path(tempfile.mkdtemp(prefix="cb_prod_pg_"))).start()
    redis: PrivateRedis | None = None
    stack: ProductionStack | None = None
    queue = f"cb_prod_test_{secrets.token_hex(4)}"
    try:
        database_url = postgres.create_database("complaints")
        redis = PrivateRedis(PORT + 3, work / "redis").start()
        env = production_env(database_url, redis.url, queue, work)
        stack = ProductionStack(Layout(PORT), trained_model, work / "stack", env).start()
        with store.session_scope(database_url) as session:
            store.create_agent(
                session, username="ana", password=PASSWORD, role="agent", display_name="Ana"
            )
        yield Prod(stack, postgres, redis, database_url, queue)
    finally:
        if stack is not None:
            stack.stop()
        if redis is not None:
            redis.stop()
        store.dispose_engines()
        postgres.destroy()
        with contextlib.suppress(Exception):  # the queue may never have been declared
            queue_depth(RABBITMQ_URL, queue, delete=True)


# --------------------------------------------------------------------------- helpers


class Customer:
    """A widget customer on socket.io (long-polling: python-engineio's websocket client needs
    a newer aiohttp than Rasa 3.6 allows; the websocket upgrade through nginx is checked with
    the ``websockets`` library instead)."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.browser_key = secrets.token_urlsafe(32)
        self.session_id: str | None = None
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.sio.on("bot_uttered", self._on_bot)
        self.sio.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Any) -> None:
        await self.inbox.put(data if isinstance(data, dict) else {"text": str(data)})

    async def _on_confirm(self, data: Any) -> None:
        await self._confirmed.put(data["session_id"] if isinstance(data, dict) else data)

    async def connect(self, url: str) -> str:
        await self.sio.connect(url, socketio_path="/socket.io", transports=["polling"])
        await self.sio.emit(
            "session_request", {"session_id": self.session_id, "browser_key": self.browser_key}
        )
        self.session_id = await asyncio.wait_for(self._confirmed.get(), 30)
        return self.session_id

    async def say(self, text: str) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def replies(self, quiet: float = 4.0, timeout: float = REPLY_TIMEOUT) -> list[str]:
        """Texts received until ``quiet`` seconds pass with nothing new (after the first)."""
        texts = [str((await asyncio.wait_for(self.inbox.get(), timeout)).get("text"))]
        while True:
            try:
                texts.append(str((await asyncio.wait_for(self.inbox.get(), quiet)).get("text")))
            except asyncio.TimeoutError:
                return texts

    async def silence(self, seconds: float) -> list[dict[str, Any]]:
        """Whatever arrives within ``seconds`` (expected: nothing)."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(await asyncio.wait_for(self.inbox.get(), left))
            except asyncio.TimeoutError:
                break
        return got

    async def close(self) -> None:
        await self.sio.disconnect()


class Agent:
    """An agent using the JSON API (bearer token) on one Rasa instance."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.token = ""

    async def sign_in(self) -> None:
        async with self.http.post(
            f"{self.base}/api/tokens", json={"username": "ana", "password": PASSWORD}
        ) as answer:
            assert answer.status == 201, await answer.text()
            self.token = (await answer.json())["token"]

    async def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.http.request(
            method, f"{self.base}{path}", headers=headers, **kwargs
        ) as answer:
            return answer.status, await answer.json(content_type=None)

    @asynccontextmanager
    async def console_open(self) -> AsyncIterator[None]:
        """The console's poll: every API call is the agent's heartbeat."""

        async def beat() -> None:
            while True:
                await self.call("GET", "/api/me")
                await asyncio.sleep(2)

        task = asyncio.create_task(beat())
        try:
            yield
        finally:
            task.cancel()


async def rest(http: aiohttp.ClientSession, url: str, sender: str, text: str) -> list[str]:
    async with http.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
    ) as answer:
        assert answer.status == 200, await answer.text()
        return [str(item.get("text")) for item in await answer.json()]


def ticket_of(prod: Prod, sender: str) -> str:
    """The ticket of the customer's complaint (the bot tells it only at the end)."""
    with store.session_scope(prod.database_url) as session:
        complaint = store.latest_for_sender(session, sender)
        assert complaint is not None, f"no complaint logged for {sender}"
        assert TICKET.fullmatch(complaint.ticket)
        return str(complaint.ticket)


def complaints_for(prod: Prod, sender: str) -> int:
    with store.session_scope(prod.database_url) as session:
        return int(
            session.execute(
                select(func.count(Complaint.id)).where(Complaint.sender_id == sender)
            ).scalar_one()
        )


def events_of(prod: Prod, ticket: str, kind: str) -> list[dict[str, Any]]:
    with store.session_scope(prod.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        rows = session.execute(
            select(ComplaintEvent).where(
                ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == kind
            )
        ).scalars()
        return [dict(row.data or {}) for row in rows]


async def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(check):
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"timed out waiting until {what}")


@asynccontextmanager
async def held_conversation(
    prod: Prod, http: aiohttp.ClientSession
) -> AsyncIterator[tuple[Customer, Agent, str]]:
    """A customer on Rasa instance 0 whose complaint agent Ana (on instance 1) has claimed."""
    customer = Customer()
    await customer.connect(prod.rasa(0))
    await customer.say(COMPLAINT)
    assert await customer.replies()
    ticket = ticket_of(prod, customer.session_id or "")
    agent = Agent(http, prod.rasa(1))
    await agent.sign_in()
    status, body = await agent.call("POST", f"/api/complaints/{ticket}/claim")
    assert status == 200, body
    await customer.silence(1)  # "a colleague is joining", if the console says so
    try:
        yield customer, agent, ticket
    finally:
        await customer.close()


async def agent_reply_arrives(customer: Customer, agent: Agent, ticket: str, text: str) -> bool:
    status, body = await agent.call("POST", f"/api/complaints/{ticket}/reply", json={"text": text})
    assert status == 200, body
    for message in await customer.silence(6):
        if message.get("text") == text:
            assert (message.get("metadata") or {}).get("sender") == "agent"
            return True
    return False


# --------------------------------------------------------------------------- the tests


async def test_nginx_serves_rest_and_websockets_and_events_reach_rabbitmq(prod: Prod) -> None:
    async with aiohttp.ClientSession() as http:
        sender = f"nginx-{secrets.token_hex(4)}"
        assert await rest(http, prod.public, sender, COMPLAINT)
        customer = Customer()
        await customer.connect(prod.public)
        await customer.say("hello")
        assert await customer.replies()
        await customer.close()
        # nginx upgrades socket.io to a websocket: engine.io's open packet, socket.io's connect.
        ws_url = prod.public.replace("http://", "ws://")
        async with websocket_connect(f"{ws_url}/socket.io/?EIO=4&transport=websocket") as ws:
            opened = str(await asyncio.wait_for(ws.recv(), 30))
            assert opened.startswith("0") and '"sid"' in opened
            await ws.send("40")
            assert str(await asyncio.wait_for(ws.recv(), 30)).startswith("40")
        async with http.get(f"{prod.rasa(0)}/status") as answer:
            assert answer.status == 401  # the HTTP API is not open
    assert complaints_for(prod, sender) == 1
    assert await asyncio.to_thread(queue_depth, RABBITMQ_URL, prod.queue) > 0


async def test_agent_reply_reaches_the_customer_on_another_instance(prod: Prod) -> None:
    async with aiohttp.ClientSession() as http, held_conversation(prod, http) as held:
        customer, agent, ticket = held
        async with agent.console_open():
            assert await agent_reply_arrives(customer, agent, ticket, "Ana here, checking now.")


async def test_redis_restart_locks_and_pubsub_recover(prod: Prod) -> None:
    async with aiohttp.ClientSession() as http, held_conversation(prod, http) as held:
        customer, agent, ticket = held
        async with agent.console_open():
            await asyncio.to_thread(prod.redis.restart, 1.0)
            # Locks: conversations through either instance are answered again.
            sender = f"redis-{secrets.token_hex(4)}"
            for url in (prod.rasa(0), prod.rasa(1), prod.public):
                assert await rest(http, url, sender, "hello")
            # Pub/sub: the subscriber on instance 0 reconnects; a reply from instance 1 arrives.
            deadline = time.monotonic() + 60
            delivered = False
            while not delivered and time.monotonic() < deadline:
                delivered = await agent_reply_arrives(customer, agent, ticket, "After Redis.")
            assert delivered, "agent replies never reached the customer after Redis restarted"


async def test_rasa_restart_during_takeover_keeps_the_conversation_with_the_agent(
    prod: Prod,
) -> None:
    async with aiohttp.ClientSession() as http, held_conversation(prod, http) as held:
        customer, agent, ticket = held
        async with agent.console_open():
            await customer.close()
            await asyncio.to_thread(prod.stack.restart_rasa, 0)
            assert (
                await asyncio.to_thread(holder, customer.session_id or "", prod.database_url)
                == "agent:ana"
            )
            await customer.connect(prod.rasa(0))  # the widget reconnects with its session
            await customer.say("Are you still there? The lamp is still not here.")
            assert await customer.silence(8) == []  # the bot does not talk over the agent
            kept = events_of(prod, ticket, "message_customer")
            assert any("still not here" in event.get("text", "") for event in kept)
            assert await agent_reply_arrives(customer, agent, ticket, "Still here, sorry!")


async def test_agent_browser_closing_returns_the_conversation_to_the_queue(prod: Prod) -> None:
    async with aiohttp.ClientSession() as http, held_conversation(prod, http) as held:
        customer, agent, ticket = held
        async with agent.console_open():
            await asyncio.sleep(DISCONNECT_SECONDS + 4)
            assert (
                await asyncio.to_thread(holder, customer.session_id or "", prod.database_url)
                == "agent:ana"
            )  # a console that keeps polling keeps the conversation
        # The browser is closed: no more polls.
        await wait_until(
            lambda: holder(customer.session_id or "", prod.database_url) == "queue",
            DISCONNECT_SECONDS + 30,
            "the conversation is back in the queue",
        )
        with store.session_scope(prod.database_url) as session:
            complaint = store.get_by_ticket(session, ticket)
            assert complaint is not None
            assert (complaint.status, complaint.assigned_agent) == ("escalated", None)
        await customer.say("hello?")
        # Still waiting for a person: told so with the ticket (never silence), not answered
        # by Rasa's dialogue.
        waiting = [m.get("text", "") for m in await customer.silence(5)]
        assert len(waiting) == 1 and ticket in waiting[0], waiting
        status, body = await agent.call("POST", f"/api/complaints/{ticket}/claim")
        assert status == 200, body  # the next agent (here: Ana again) takes it from the queue


async def test_database_briefly_unavailable_loses_nothing(prod: Prod) -> None:
    async with aiohttp.ClientSession() as http, held_conversation(prod, http) as held:
        customer, agent, ticket = held
        async with agent.console_open():
            sender = f"db-{secrets.token_hex(4)}"
            await asyncio.to_thread(prod.postgres.stop)
            try:
                complaint = asyncio.create_task(rest(http, prod.public, sender, COMPLAINT))
                reply = asyncio.create_task(
                    agent.call("POST", f"/api/complaints/{ticket}/reply", json={"text": "DB test"})
                )
                await asyncio.sleep(5)
                assert not complaint.done() and not reply.done()  # deferred, not failed
            finally:
                await asyncio.to_thread(prod.postgres.start)
            assert await asyncio.wait_for(complaint, REPLY_TIMEOUT)
            status, body = await asyncio.wait_for(reply, REPLY_TIMEOUT)
            assert status == 200, body
            assert any(m.get("text") == "DB test" for m in await customer.silence(5))
    assert complaints_for(prod, sender) == 1
    assert [event["text"] for event in events_of(prod, ticket, "message_agent")].count(
        "DB test"
    ) == 1


async def test_action_servers_killed_the_customer_is_answered_and_the_complaint_kept_once(
    prod: Prod,
) -> None:
    stack = prod.stack
    sender = f"actions-{secrets.token_hex(4)}"
    async with aiohttp.ClientSession() as http:
        for index in range(stack.layout.action_servers):
            await asyncio.to_thread(stack.stop_actions, index, True)
        try:
            assert await rest(http, prod.public, sender, COMPLAINT)
            ticket = ticket_of(prod, sender)  # written by the fallback in the Rasa process
            more = await rest(http, prod.public, sender, "just tell me when it will ship")
            assert more, "silence after the action servers died"
        finally:
            for index in range(stack.layout.action_servers):
                await asyncio.to_thread(stack.start_actions, index)
                await asyncio.to_thread(stack.wait_actions, index)
        assert await rest(http, prod.public, sender, "ORD-48213")
    assert complaints_for(prod, sender) == 1
    with store.session_scope(prod.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None and complaint.origin_key
        assert complaint.desired_resolution is not None
