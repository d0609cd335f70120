"""Hand-off state across two Rasa instances that share PostgreSQL and Redis (issue 13, #4).

One stack for the module (``tools.stack``): two Rasa servers and one action server behind
nginx, on a fresh database of the machine's PostgreSQL, the machine's Redis (Rasa's lock store
and socket.io's pub/sub) and RabbitMQ (a queue of its own). The customer talks to instance 0,
the agents use instance 1 (or the other way round), as a load balancer would send them:

* resolving a ticket while holding the conversation gives it back to the bot, which answers the
  customer's next message, and the customer is told the bot is back;
* the agent's claim pauses Rasa's tracker under the same Redis lock Rasa takes for a message,
  so a message handled meanwhile keeps its events and the pause stays;
* reassigning moves the hold to the new agent, whose silent console then loses it to the queue;
  an off-duty colleague gets nothing: the conversation goes back to the queue at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url

from bot import handoff, store
from bot.ops.endpoints import redis_lock_store
from bot.settings import PROJECT_ROOT
from tests.conftest import postgres_database, require_nginx, require_service
from tests.tools.stack.test_faults import (
    DISCONNECT_SECONDS,
    PASSWORD,
    RABBITMQ_URL,
    Agent,
    Customer,
    production_env,
    rest,
    wait_until,
)
from tools.stack.cluster import Layout, ProductionStack
from tools.stack.services import queue_depth

pytestmark = [pytest.mark.slow, pytest.mark.services]

PORT = 6700  # nginx; Rasa 6710-6711, actions 6760
REDIS_URL = "redis://127.0.0.1:6379/5"
COMPLAINT = "I ordered a kettle two weeks ago and it arrived with a cracked lid"
ANSWER_TIMEOUT = 45.0


@dataclass
class Stack:
    stack: ProductionStack
    database_url: str

    def rasa(self, index: int) -> str:
        return self.stack.layout.rasa_url(index)


@pytest.fixture(scope="module")
def two(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_service("Redis", "127.0.0.1", 6379)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    require_nginx()
    work = tmp_path_factory.mktemp("handoff")
    queue = f"cb_handoff_test_{secrets.token_hex(4)}"
    with postgres_database("cb_handoff") as database_url:
        env = production_env(database_url, REDIS_URL, queue, work)
        layout = Layout(PORT, instances=2, action_servers=1)
        stack = ProductionStack(layout, trained_model, work / "stack", env)
        try:
            stack.start()
            with store.session_scope(database_url) as session:
                for name in ("ana", "ivo", "eva"):
                    store.create_agent(
                        session, username=name, password=PASSWORD, role="agent",
                        display_name=name.title(),
                    )  # fmt: skip
            yield Stack(stack, database_url)
        finally:
            stack.stop()
            with contextlib.suppress(Exception):  # the queue may never have been declared
                queue_depth(RABBITMQ_URL, queue, delete=True)


class Staff(Agent):
    """An agent of this module's stack, signed in by name."""

    async def sign_in_as(self, username: str) -> None:
        async with self.http.post(
            f"{self.base}/api/tokens", json={"username": username, "password": PASSWORD}
        ) as answer:
            assert answer.status == 201, await answer.text()
            self.token = (await answer.json())["token"]


async def staff(http: aiohttp.ClientSession, base: str, username: str) -> Staff:
    member = Staff(http, base)
    await member.sign_in_as(username)
    return member


def ticket_of(database_url: str, sender: str) -> str:
    with store.session_scope(database_url) as session:
        complaint = store.latest_for_sender(session, sender)
        assert complaint is not None, f"no complaint logged for {sender}"
        return str(complaint.ticket)


def tracker_store(database_url: str) -> SQLTrackerStore:
    """Rasa's tracker store on the stack's database, as the instances open it."""
    parsed = make_url(database_url)
    return SQLTrackerStore(
        Domain.load(PROJECT_ROOT / "domain.yml"),
        dialect="postgresql",
        host=parsed.host,
        port=parsed.port,
        db=parsed.database,
        username=parsed.username,
    )


async def test_resolving_while_holding_gives_the_conversation_back_to_the_bot(
    two: Stack,
) -> None:
    async with aiohttp.ClientSession() as http:
        customer = Customer()
        try:
            sender = await customer.connect(two.rasa(0))
            await customer.say(COMPLAINT)
            assert await customer.replies()
            ticket = ticket_of(two.database_url, sender)
            ana = await staff(http, two.rasa(1), "ana")
            status, body = await ana.call("POST", f"/api/complaints/{ticket}/claim")
            assert status == 200, body
            # Told on instance 0's socket that a person took the conversation.
            taken = await customer.replies(quiet=2.0, timeout=ANSWER_TIMEOUT)
            assert len(taken) == 1 and ticket in taken[0] and "Ana" in taken[0], taken
            await customer.say("Hello? Is anyone there?")
            assert await customer.silence(6) == []  # an agent holds it: the agent answers

            status, body = await ana.call(
                "POST", f"/api/complaints/{ticket}/resolve", json={"note": "New kettle sent"}
            )
            assert (status, body["status"]) == (200, "resolved"), body
            # Told on instance 0's socket, though the agent resolved on instance 1.
            told = await customer.replies(quiet=2.0, timeout=ANSWER_TIMEOUT)
            assert handoff.bot_is_back("en", "latin") in told, told
            assert handoff.holder(sender, two.database_url) == "bot"

            await customer.say("hello")
            assert await customer.replies(timeout=ANSWER_TIMEOUT), "the bot stayed silent"
            tracker = await tracker_store(two.database_url).retrieve(sender)
            assert tracker is not None and not tracker.is_paused()
        finally:
            await customer.close()


async def test_a_claim_waits_for_rasas_lock_and_loses_no_events(two: Stack) -> None:
    """While Rasa (here: the test, through the same Redis lock store) handles a message of the
    conversation, the claim on the other instance waits; afterwards the tracker has both the
    message and the pause."""
    sender = f"lock-{secrets.token_hex(4)}"
    async with aiohttp.ClientSession() as http:
        assert await rest(http, two.rasa(0), sender, COMPLAINT)
        ticket = ticket_of(two.database_url, sender)
        ana = await staff(http, two.rasa(1), "ana")
        trackers = tracker_store(two.database_url)
        locks = LockStore.create(EndpointConfig.from_dict(redis_lock_store(REDIS_URL)))
        async with locks.lock(sender):
            tracker = await trackers.retrieve(sender)
            assert tracker is not None and not tracker.is_paused()
            claim = asyncio.create_task(ana.call("POST", f"/api/complaints/{ticket}/claim"))
            await asyncio.sleep(4)
            assert not claim.done(), "the claim changed the tracker without Rasa's lock"
            tracker.update(UserUttered("handled meanwhile on the other instance"))
            await trackers.save(tracker)
        status, body = await asyncio.wait_for(claim, ANSWER_TIMEOUT)
        assert status == 200, body
    tracker = await trackers.retrieve(sender)
    assert tracker is not None and tracker.is_paused()
    texts = [event.text for event in tracker.events if isinstance(event, UserUttered)]
    assert texts[-1] == "handled meanwhile on the other instance"


async def test_reassigning_moves_the_hold_and_the_presence_sweep_follows(two: Stack) -> None:
    sender = f"reassign-{secrets.token_hex(4)}"
    async with aiohttp.ClientSession() as http:
        assert await rest(http, two.rasa(0), sender, COMPLAINT)
        ticket = ticket_of(two.database_url, sender)
        ana = await staff(http, two.rasa(1), "ana")
        ivo = await staff(http, two.rasa(0), "ivo")
        status, body = await ivo.call("POST", "/api/me/duty", json={"on_duty": True})
        assert status == 200, body
        path = f"/api/complaints/{ticket}"
        async with ana.console_open():
            assert (await ana.call("POST", f"{path}/claim"))[0] == 200
            # Eva is off duty: the conversation goes to the queue, and Ana is told why.
            status, body = await ana.call("POST", f"{path}/reassign", json={"username": "eva"})
            assert (status, body.get("off_duty")) == (409, True), body  # warned first
            status, body = await ana.call(
                "POST", f"{path}/reassign", json={"username": "eva", "even_off_duty": True}
            )
            assert status == 200 and "off duty" in body["message"], body
            assert handoff.holder(sender, two.database_url) == "queue"
            # Waiting for a person: the customer is told so (never silence), not answered by Rasa.
            waiting = await rest(http, two.rasa(1), sender, "still waiting")
            assert len(waiting) == 1 and ticket in waiting[0], waiting

            assert (await ana.call("POST", f"{path}/claim"))[0] == 200
            status, body = await ana.call("POST", f"{path}/reassign", json={"username": "ivo"})
            assert status == 200 and "moved" in body["message"], body
            assert handoff.holder(sender, two.database_url) == "agent:ivo"
            status, body = await ana.call("POST", f"{path}/reply", json={"text": "Ana again"})
            assert status == 409, body  # only the holder replies
            # Ivo's console stays silent while Ana's keeps polling: Ivo loses it to the queue.
            await wait_until(
                lambda: handoff.holder(sender, two.database_url) == "queue",
                DISCONNECT_SECONDS + 30,
                "Ivo's silent console lost the conversation to the queue",
            )
    with store.session_scope(two.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        assert (complaint.status, complaint.assigned_agent) == ("escalated", None)
