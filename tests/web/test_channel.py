"""The website channel: signed session ids, payload validation, the socket.io handlers."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.settings import get_settings, load_settings
from bot.text.fold import to_cyrillic
from bot.text.languages import languages
from bot.web.channel import (
    MAX_MESSAGE_LENGTH,
    REFUSALS,
    ComplaintSocketIOInput,
    issue_session_id,
    parse_metadata,
    refusal,
    validate_message,
    verify_session_id,
)

KEY = "test-secret-key-0123456789-abcdefghij"


pytestmark = pytest.mark.usefixtures("database")


# --------------------------------------------------------------------------- session ids


def test_issued_session_ids_verify_and_are_random() -> None:
    first, second = issue_session_id(KEY), issue_session_id(KEY)
    assert first != second
    assert verify_session_id(first, KEY) and verify_session_id(second, KEY)
    assert len(first) <= 255  # fits the store's sender_id column


def test_a_session_id_signed_with_another_key_is_refused() -> None:
    assert not verify_session_id(issue_session_id("another key"), KEY)


def test_a_tampered_session_id_is_refused() -> None:
    nonce, signature = issue_session_id(KEY).split(".")
    flipped = ("0" if nonce[0] != "0" else "1") + nonce[1:]
    assert not verify_session_id(f"{flipped}.{signature}", KEY)
    assert not verify_session_id(f"{nonce}.{signature[:-1]}", KEY)
    assert not verify_session_id(f"{nonce}.{signature.upper()}", KEY)


@pytest.mark.parametrize(
    "value",
    [None, "", 42, ["a"], {"session_id": "x"}, "abc", "a" * 65, "ana", "../../etc/passwd"],
)
def test_malformed_session_ids_are_refused(value: object) -> None:
    assert not verify_session_id(value, KEY)


def test_the_channel_signs_with_the_settings_key() -> None:
    channel = ComplaintSocketIOInput(settings=load_settings({"BOT_SECRET_KEY": KEY}))
    assert channel.secret_key == KEY
    assert verify_session_id(issue_session_id(channel.secret_key), KEY)
    given = ComplaintSocketIOInput(settings=load_settings({"BOT_SECRET_KEY": KEY}), secret_key="x")
    assert given.secret_key == "x"


# --------------------------------------------------------------------------- payloads


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "not_text"),
        (42, "not_text"),
        ({"text": "hi"}, "not_text"),
        (["hi"], "not_text"),
        (b"hi", "not_text"),
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * (MAX_MESSAGE_LENGTH + 1), "too_long"),
        ("x" * MAX_MESSAGE_LENGTH, None),
        ("My parcel never arrived", None),
        ("<img src=x onerror=alert(1)>", None),
    ],
)
def test_validate_message(value: object, problem: str | None) -> None:
    assert validate_message(value) == problem


def test_refusals_exist_for_every_problem_and_language() -> None:
    written = {language.code for language in languages().languages if not language.transliterate}
    for problem, texts in REFUSALS.items():
        assert set(texts) == written, problem
    assert refusal("empty", "sr-Cyrl-RS") == to_cyrillic(REFUSALS["empty"]["sr_latn"])
    assert refusal("empty", "sr") == REFUSALS["empty"]["sr_latn"]
    assert refusal("too_long", "hr-HR") == REFUSALS["too_long"]["hr"]
    assert refusal("empty", "sr-Latn-RS") == REFUSALS["empty"]["sr_latn"]
    assert refusal("empty", "de") == REFUSALS["empty"]["en"]
    assert refusal("empty", None) == REFUSALS["empty"]["en"]
    assert refusal("unknown-problem", 3) == REFUSALS["not_text"]["en"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"language": "hr"}, {"language": "hr"}),
        ('{"language": "hr"}', {"language": "hr"}),
        ("not json", {}),
        ("[1, 2]", {}),
        (None, {}),
        (7, {}),
    ],
)
def test_parse_metadata(value: object, expected: dict[str, Any]) -> None:
    assert parse_metadata(value) == expected


# --------------------------------------------------------------------------- handlers


class FakeServer:
    """Records what the channel does with the socket.io server."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str | None]] = []
        self.rooms: dict[str, set[str]] = {}

    async def emit(self, event: str, data: Any = None, room: str | None = None, **_: Any) -> None:
        self.emitted.append((event, data, room))

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.rooms.setdefault(sid, set()).add(room)

    async def leave_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.rooms.get(sid, set()).discard(room)


@pytest.fixture()
def channel() -> ComplaintSocketIOInput:
    channel = ComplaintSocketIOInput(
        settings=get_settings(), session_persistence=True, secret_key=KEY
    )
    channel.sio = FakeServer()  # type: ignore[assignment]
    return channel


def server(channel: ComplaintSocketIOInput) -> FakeServer:
    assert isinstance(channel.sio, FakeServer)
    return channel.sio


class Collector:
    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)


@pytest.mark.parametrize(
    "data", [None, {}, {"session_id": None}, {"session_id": "ana"}, {"session_id": 5}, "x"]
)
async def test_session_request_without_a_valid_id_gets_a_fresh_one(
    channel: ComplaintSocketIOInput, data: object
) -> None:
    await channel.on_session_request("sid1", data)
    [(event, session_id, room)] = server(channel).emitted
    assert event == "session_confirm" and room == "sid1"
    assert verify_session_id(session_id, KEY)
    assert session_id != "ana"
    assert server(channel).rooms["sid1"] == {session_id}
    assert channel.sessions["sid1"] == session_id


async def test_session_request_with_an_issued_id_keeps_it(
    channel: ComplaintSocketIOInput,
) -> None:
    issued = issue_session_id(KEY)
    await channel.on_session_request("sid1", {"session_id": issued})
    assert server(channel).emitted == [("session_confirm", issued, "sid1")]
    assert server(channel).rooms["sid1"] == {issued}


async def test_messages_go_to_the_confirmed_session_not_the_named_one(
    channel: ComplaintSocketIOInput,
) -> None:
    await channel.on_session_request("sid1", {})
    confirmed = channel.sessions["sid1"]
    collect = Collector()
    other = issue_session_id(KEY)
    await channel.on_user_message(
        "sid1",
        {"message": "  My parcel never arrived ", "session_id": other, "metadata": '{"a": 1}'},
        collect,
    )
    [message] = collect.messages
    assert message.sender_id == confirmed
    assert message.text == "My parcel never arrived"
    assert message.metadata == {"a": 1}
    assert message.input_channel == "socketio"


async def test_a_message_before_session_request_gets_a_session(
    channel: ComplaintSocketIOInput,
) -> None:
    collect = Collector()
    await channel.on_user_message("sid9", {"message": "hello", "session_id": "chosen"}, collect)
    [message] = collect.messages
    assert message.sender_id != "chosen" and verify_session_id(message.sender_id, KEY)
    assert server(channel).emitted == [("session_confirm", message.sender_id, "sid9")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"message": 42}, "not_text"),
        ({"message": None}, "not_text"),
        ({}, "not_text"),
        ({"message": ["a"]}, "not_text"),
        ("just a string", "not_text"),
        (None, "not_text"),
        ({"message": "   "}, "empty"),
        ({"message": "x" * (MAX_MESSAGE_LENGTH + 1)}, "too_long"),
        ({"message": "", "metadata": {"language": "hr-HR"}}, "empty"),
        ({"message": 1, "metadata": "{broken"}, "not_text"),
    ],
)
async def test_bad_payloads_are_refused_politely(
    channel: ComplaintSocketIOInput, data: object, problem: str
) -> None:
    await channel.on_session_request("sid1", {})
    server(channel).emitted.clear()
    collect = Collector()
    await channel.on_user_message("sid1", data, collect)
    assert collect.messages == []
    [(event, payload, room)] = server(channel).emitted
    assert event == "bot_uttered" and room == "sid1"
    metadata = data.get("metadata") if isinstance(data, dict) else None
    assert payload == {"text": refusal(problem, parse_metadata(metadata).get("language"))}


async def test_disconnect_forgets_the_socket(channel: ComplaintSocketIOInput) -> None:
    await channel.on_session_request("sid1", {})
    await channel.on_disconnect("sid1")
    assert "sid1" not in channel.sessions


async def test_without_session_persistence_the_socket_is_the_sender() -> None:
    channel = ComplaintSocketIOInput(
        settings=get_settings(), session_persistence=False, secret_key=KEY
    )
    channel.sio = FakeServer()  # type: ignore[assignment]
    collect = Collector()
    await channel.on_user_message("sid1", {"message": "hi"}, collect)
    assert collect.messages[0].sender_id == "sid1"


def test_from_credentials_reads_the_socketio_settings() -> None:
    channel = ComplaintSocketIOInput.from_credentials(
        {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
        }
    )
    assert isinstance(channel, ComplaintSocketIOInput)
    assert channel.session_persistence is True
    assert channel.name() == "socketio"


def test_the_blueprint_serves_the_widget_files() -> None:
    channel = ComplaintSocketIOInput(
        settings=get_settings(), session_persistence=True, secret_key=KEY
    )
    app = Sanic("widget_routes_test")
    app.blueprint(channel.blueprint(Collector()), url_prefix="/webhooks/socketio")
    paths = {route.path.strip("/") for route in app.router.routes}
    assert {"widget/widget.js", "widget/widget.css", "widget/socket.io.js", "widget/demo"} <= paths
    assert "webhooks/socketio" in paths
