"""The socket.io customer against a real python-socketio server that answers like Rasa's
channel: a session per conversation, or (Rasa's own channel) a socket per conversation."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
import socketio
from aiohttp import web

from tools.bench.clients import SocketIOClient


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
async def server() -> AsyncIterator[str]:
    """Echoes each message as two replies, to the session's room or to the socket."""
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)

    @sio.on("session_request")
    async def session_request(sid: str, data: object = None) -> None:
        session_id = f"session-{sid}"
        await sio.enter_room(sid, session_id)
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: dict[str, str]) -> None:
        room = data.get("session_id") or sid
        sender = room if room.startswith("session-") else sid
        await sio.emit("bot_uttered", {"text": f"{sender}: {data['message']}"}, room=room)
        await sio.emit("bot_uttered", {"text": "anything else?"}, room=room)

    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await sio.shutdown()
    await runner.cleanup()


async def test_a_session_per_conversation(server: str) -> None:
    async with aiohttp.ClientSession() as http:
        client = SocketIOClient(http, server, timeout=5)
        await client.connect()
        first = await client.new_conversation()
        assert first.startswith("session-")
        assert await client.say("hello", 2) == [f"{first}: hello", "anything else?"]
        second = await client.new_conversation()
        assert await client.say("again", None) == [f"{second}: again", "anything else?"]
        await client.close()


async def test_a_socket_per_conversation(server: str) -> None:
    async with aiohttp.ClientSession() as http:
        client = SocketIOClient(http, server, timeout=5, socket_per_conversation=True)
        await client.connect()
        first = await client.new_conversation()
        assert await client.say("hello", 2) == [f"{first}: hello", "anything else?"]
        second = await client.new_conversation()
        assert second and second != first
        assert await client.say("again", 2) == [f"{second}: again", "anything else?"]
        await client.close()


@pytest.fixture()
async def rest_server() -> AsyncIterator[tuple[str, list[int]]]:
    """Answers like Rasa's REST channel and notes the client port of every request."""
    ports: list[int] = []

    async def webhook(request: web.Request) -> web.Response:
        ports.append(request.transport.get_extra_info("peername")[1])  # type: ignore[union-attr]
        body = await request.json()
        return web.json_response([{"recipient_id": body["sender"], "text": body["message"]}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}", ports
    await runner.cleanup()


async def test_each_rest_conversation_is_a_visitor_with_its_own_connection(
    rest_server: tuple[str, list[int]],
) -> None:
    from tools.bench.clients import RestClient

    base_url, ports = rest_server
    async with aiohttp.ClientSession() as shared:
        client = RestClient(shared, base_url, "t")
        first = await client.new_conversation()
        assert await client.say("one", None) == ["one"]
        assert await client.say("two", None) == ["two"]
        second = await client.new_conversation()
        assert await client.say("three", None) == ["three"]
        await client.close()
    assert first != second
    assert ports[0] == ports[1]  # kept alive within a conversation
    assert ports[2] != ports[0]  # a new visitor, a new connection
