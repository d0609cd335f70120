"""The bad-input corpus over socket.io against the running server: ``session_request`` and
``user_uttered`` with hostile payloads, unknown events, forged and replayed session ids.

Every message gets an answer on the same connection (a polite refusal or the bot's reply),
the connection survives, and the server logs no traceback.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import socketio

from bot.web.channel import REFUSALS, validate_message, verify_session_id
from tests.hostile.cases import messages
from tests.hostile.conftest import SECRET_KEY, HostileStack

pytestmark = pytest.mark.slow

ANSWER_TIMEOUT = 90.0
#: Hostile texts the bot can read that are sent over socket.io too.
READABLE_SAMPLE = ("sql_drop", "xss_script", "emoji_flood", "unicode_mix", "nul_byte")


class Customer:
    """A socket.io client that records what the server sends."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.answers: asyncio.Queue[Any] = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.answers.put)

    async def session(self, payload: Any) -> Any:
        await self.client.emit("session_request", payload)
        return await asyncio.wait_for(self.confirmed.get(), 30)

    async def say(self, payload: Any) -> list[Any]:
        """Send ``payload`` as ``user_uttered``; the answers of this turn."""
        await self.client.emit("user_uttered", payload)
        first = await asyncio.wait_for(self.answers.get(), ANSWER_TIMEOUT)
        answers = [first]
        while True:  # the rest of the turn
            try:
                answers.append(await asyncio.wait_for(self.answers.get(), 1.5))
            except asyncio.TimeoutError:
                return answers


@asynccontextmanager
async def customers(stack: HostileStack, count: int) -> AsyncIterator[list[Customer]]:
    """``count`` connected customers, disconnected together at the end: a polling client's
    disconnect waits for its pending long poll (up to the server's ping interval, 25 s), so one
    after another they would spend most of this module's time waiting."""
    people = [Customer() for _ in range(count)]
    await asyncio.gather(
        *(person.client.connect(stack.base, transports=["polling"]) for person in people)
    )
    try:
        yield people
    finally:
        await asyncio.gather(*(person.client.disconnect() for person in people))


@asynccontextmanager
async def customer(stack: HostileStack) -> AsyncIterator[Customer]:
    async with customers(stack, 1) as [person]:
        yield person


def _key() -> str:
    return secrets.token_hex(32)


async def _session_corpus(stack: HostileStack) -> None:
    valid = _key()
    payloads: list[Any] = [
        None,
        "just a string",
        12345,
        [1, 2],
        {},
        {"session_id": None},
        {"session_id": 42},
        {"session_id": {"$ne": None}},
        {"session_id": "x" * 1_048_576},
        {"session_id": "../../etc/passwd"},
        {"session_id": "' OR 1=1 --"},
        {"session_id": "0" * 32 + "." + "0" * 32},
        {"session_id": None, "browser_key": "short"},
        {"session_id": None, "browser_key": "<script>" * 10},
        {"session_id": None, "browser_key": ["a"] * 40},
        {"session_id": None, "browser_key": valid},
    ]
    async with customer(stack) as person:
        for payload in payloads:
            confirmed = await person.session(payload)
            key = payload.get("browser_key") if isinstance(payload, dict) else None
            bound = key if key == valid else None
            assert verify_session_id(confirmed, SECRET_KEY, bound), (str(payload)[:80], confirmed)
        assert person.client.connected


async def _message_corpus(stack: HostileStack) -> dict[str, list[Any]]:
    answers: dict[str, list[Any]] = {}
    odd: dict[str, Any] = {
        "payload_none": None,
        "payload_string": "hello",
        "payload_list": ["hello"],
        "payload_number": 7,
        "message_missing": {"session_id": "x"},
        "message_number": {"message": 5},
        "message_object": {"message": {"text": "hi"}},
        "message_list": {"message": ["hi"]},
        "message_bytes": {"message": b"\xff\xfe binary"},
        "metadata_garbage": {"message": "hello", "metadata": "{not json"},
        "metadata_deep": {"message": "hello", "metadata": {"a": [[[[[[{"b": 1}]]]]]]}},
    }
    cases: dict[str, Any] = {**odd}
    # Texts the bot reads go to Rasa (slow on two cores): a sample here, all of them through
    # the REST webhook in test_http_corpus; every text the channel refuses is sent.
    cases.update(
        {
            name: {"message": text}
            for name, text in messages().items()
            if validate_message(text) is not None or name in READABLE_SAMPLE
        }
    )

    def refused(payload: Any) -> bool:
        return not isinstance(payload, dict) or validate_message(payload.get("message")) is not None

    readable = {name: payload for name, payload in cases.items() if not refused(payload)}

    async def refusals(person: Customer) -> None:
        # one conversation: refusals leave it as it was
        await person.session({"session_id": None, "browser_key": _key()})
        for name, payload in cases.items():
            if refused(payload):
                answers[name] = await person.say(payload)
                assert person.client.connected, f"the server dropped the connection after {name}"

    async def converse(name: str, person: Customer) -> None:
        # a fresh conversation each: an escalated one is held for a person, and stays quiet
        await person.session({"session_id": None, "browser_key": _key()})
        answers[name] = await person.say(readable[name])

    async def unknown_events(person: Customer) -> None:
        await person.session({"session_id": None, "browser_key": _key()})
        # unknown events, and events only the server should send
        for event in ("foo", "bot_uttered", "session_confirm", "connect_error", "x" * 500):
            await person.client.emit(event, {"text": "<script>window.__xss=1</script>"})
        answers["after_unknown_events"] = await person.say({"message": "hello"})

    # the customers arrive at once, each on a connection of their own
    async with customers(stack, len(readable) + 2) as people:
        await asyncio.gather(
            refusals(people[0]),
            unknown_events(people[1]),
            *(converse(name, person) for name, person in zip(readable, people[2:], strict=True)),
        )
    return answers


def test_session_requests_with_hostile_payloads_get_a_valid_server_id(
    hostile_stack: HostileStack,
) -> None:
    asyncio.run(_session_corpus(hostile_stack))


def test_every_hostile_message_gets_an_answer_and_no_traceback(
    hostile_stack: HostileStack,
) -> None:
    answers = asyncio.run(_message_corpus(hostile_stack))
    refusals = {text for texts in REFUSALS.values() for text in texts.values()}

    def said(name: str) -> list[str]:
        return [str(answer.get("text")) for answer in answers[name]]

    for name in ("payload_none", "payload_list", "message_number", "message_bytes"):
        assert said(name) == [REFUSALS["not_text"]["en"]], name
    for name in ("empty", "whitespace_only", "only_controls", "nbsp_only", "zero_width"):
        assert said(name) == [REFUSALS["empty"]["en"]], name
    for name in ("one_megabyte", "one_megabyte_words", "just_over_limit", "emoji_flood_over_limit"):
        assert said(name) == [REFUSALS["too_long"]["en"]], name
    # texts the bot can read get a real answer from the bot, not a refusal
    for name in READABLE_SAMPLE:
        assert said(name) and not set(said(name)) & refusals, (name, said(name))
    assert said("after_unknown_events")
    assert "Traceback" not in hostile_stack.log_text()


async def _replay(stack: HostileStack) -> tuple[str, str, str, str, int, int]:
    from sqlalchemy import text

    from bot.store import get_engine

    def events_of(sender: str) -> int:
        with get_engine(stack.url).connect() as connection:
            query = text("SELECT COUNT(*) FROM events WHERE sender_id = :s")
            return int(connection.execute(query, {"s": sender}).scalar_one())

    owner_key = _key()
    # three connections (the owner's, the thief's, the owner's next visit), used in turn
    async with customers(stack, 3) as (owner, thief, owner_later):
        original = await owner.session({"session_id": None, "browser_key": owner_key})
        await owner.say({"message": "My parcel never arrived, order ORD-48213"})
        owned_events = events_of(original)
        with_other_key = await thief.session({"session_id": original, "browser_key": _key()})
        without_key = await thief.session({"session_id": original})
        await thief.say({"message": "what is the status of my complaint?", "session_id": original})
        again = await owner_later.session({"session_id": original, "browser_key": owner_key})
    return original, with_other_key, without_key, again, owned_events, events_of(original)


def test_a_replayed_session_id_from_another_browser_gets_a_fresh_session(
    hostile_stack: HostileStack,
) -> None:
    original, with_other_key, without_key, again, before, after = asyncio.run(
        _replay(hostile_stack)
    )
    assert with_other_key != original and without_key != original
    assert again == original, "the browser that created the session keeps it"
    assert after == before > 0, "the replayed id's messages reached the original conversation"
