"""A customer's connection to the bot: Rasa's REST channel, or socket.io as the widget uses it.

REST answers a message with every reply at once. Over socket.io replies arrive one by one, so
a turn is complete once the number of replies the same turn got over REST has arrived (see
:mod:`tools.bench.load`, which learns the counts in a warm-up); without a known count, the turn
ends when no reply came for :data:`QUIET_SECONDS`.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Protocol

import aiohttp
import socketio

if not hasattr(aiohttp, "ClientWSTimeout"):
    # python-engineio 4.15 passes aiohttp >= 3.10's ClientWSTimeout to ws_connect; Rasa 3.6
    # pins aiohttp 3.9, whose ws_connect takes the same close timeout as a plain number.
    aiohttp.ClientWSTimeout = lambda ws_close=10.0, **_: ws_close

#: Silence that ends a socket.io turn whose number of replies is not known.
QUIET_SECONDS = 0.5


class TransportError(Exception):
    """A message went unanswered; ``kind`` names why (``http_500``, ``timeout``...)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Client(Protocol):
    sender_id: str

    async def connect(self) -> None: ...

    async def new_conversation(self) -> str: ...

    async def say(self, text: str, expected_replies: int | None) -> list[str]: ...

    async def close(self) -> None: ...


def _text(message: Any) -> str:
    """The text of one bot message ('' for images, buttons only and the like)."""
    if isinstance(message, dict) and isinstance(message.get("text"), str):
        return str(message["text"])
    return ""


class RestClient:
    """Rasa's REST channel: one POST per message, the replies in the response.

    Each conversation is a new visitor with a connection of its own (kept alive for the
    conversation), as a browser would have: customers do not share pooled connections, which
    would also pin them all to whichever server worker accepted the pool's first connections.
    """

    def __init__(self, session: aiohttp.ClientSession, base_url: str, tag: str) -> None:
        self.timeout = session.timeout
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.tag = tag
        self.sender_id = ""
        self.session: aiohttp.ClientSession | None = None

    async def connect(self) -> None:
        return None

    async def new_conversation(self) -> str:
        await self.close()
        self.session = aiohttp.ClientSession(
            timeout=self.timeout, connector=aiohttp.TCPConnector(limit=1)
        )
        self.sender_id = f"{self.tag}-{uuid.uuid4().hex[:16]}"
        return self.sender_id

    async def say(self, text: str, expected_replies: int | None) -> list[str]:
        if self.session is None:
            raise TransportError("no_conversation")
        try:
            async with self.session.post(
                self.url, json={"sender": self.sender_id, "message": text}
            ) as response:
                if response.status != 200:
                    raise TransportError(f"http_{response.status}")
                messages = await response.json(content_type=None)
        except asyncio.TimeoutError as error:
            raise TransportError("timeout") from error
        except aiohttp.ClientError as error:
            raise TransportError(type(error).__name__) from error
        if not isinstance(messages, list):
            raise TransportError("malformed_reply")
        return [_text(message) for message in messages]

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


class SocketIOClient:
    """One browser-like socket.io connection; each conversation asks for a new session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        timeout: float = 30.0,
        socket_per_conversation: bool = False,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        #: A new connection per conversation, the socket id as the conversation (for Rasa's
        #: own channel, see :mod:`tools.bench.stacks`), instead of a session per conversation.
        self.socket_per_conversation = socket_per_conversation
        self._conversations = 0
        self.sender_id = ""
        self.sio = socketio.AsyncClient(reconnection=False, http_session=session)
        self._replies: asyncio.Queue[str] = asyncio.Queue()
        self._confirmed: asyncio.Future[str] | None = None
        self.sio.on("bot_uttered", self._on_bot_uttered)
        self.sio.on("session_confirm", self._on_session_confirm)

    async def _on_bot_uttered(self, data: Any = None, *_: Any) -> None:
        self._replies.put_nowait(_text(data))

    async def _on_session_confirm(self, data: Any = None, *_: Any) -> None:
        session_id = data.get("session_id") if isinstance(data, dict) else data
        if self._confirmed is not None and not self._confirmed.done():
            self._confirmed.set_result(str(session_id))

    async def connect(self) -> None:
        try:
            await self.sio.connect(self.base_url, transports=["websocket"], wait_timeout=10)
        except (socketio.exceptions.ConnectionError, aiohttp.ClientError) as error:
            raise TransportError("connect_failed") from error

    async def new_conversation(self) -> str:
        while not self._replies.empty():
            self._replies.get_nowait()
        if self.socket_per_conversation:
            if self._conversations:
                await self.sio.disconnect()
                await self.connect()
            self._conversations += 1
            self.sender_id = self.sio.get_sid() or ""
            return self.sender_id
        self._confirmed = asyncio.get_running_loop().create_future()
        await self.sio.emit("session_request", {"session_id": None})
        try:
            self.sender_id = await asyncio.wait_for(self._confirmed, self.timeout)
        except asyncio.TimeoutError as error:
            raise TransportError("no_session_confirm") from error
        return self.sender_id

    async def say(self, text: str, expected_replies: int | None) -> list[str]:
        if not self.sio.connected:
            raise TransportError("disconnected")
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.sender_id})
        replies: list[str] = []
        if expected_replies == 0:
            return replies
        try:
            replies.append(await asyncio.wait_for(self._replies.get(), self.timeout))
            while expected_replies is None or len(replies) < expected_replies:
                wait = QUIET_SECONDS if expected_replies is None else self.timeout
                replies.append(await asyncio.wait_for(self._replies.get(), wait))
        except asyncio.TimeoutError as error:
            if expected_replies is None and replies:
                return replies
            raise TransportError("timeout") from error
        return replies

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
