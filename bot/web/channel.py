"""A socket.io input channel for the website widget.

:class:`ComplaintSocketIOInput` speaks Rasa's socket.io protocol unchanged
(``session_request``/``session_confirm``, ``user_uttered``/``bot_uttered``), so standard clients
such as rasa-webchat keep working, with these differences:

* session ids are issued by the server: an id the client sends back is accepted only when it
  carries a valid HMAC signature made with ``bot.settings`` ``secret_key``; anything else gets
  a fresh id in ``session_confirm``. Messages always go to the session confirmed for the
  socket, whatever ``session_id`` the message itself names;
* a session is bound to the browser that created it: the widget keeps a random
  ``browser_key`` in localStorage and sends it with ``session_request``; the id's signature
  covers it, so the id replayed from another browser gets a fresh session (clients that send
  no key, such as rasa-webchat, get unbound ids);
* connects and messages are rate-limited per IP address and per session
  (:mod:`bot.web.ratelimit`), with a polite answer when a customer writes too fast;
* message payloads are validated (not text, empty, longer than :data:`MAX_MESSAGE_LENGTH`) and
  refused with a polite bot message instead of an exception;
* bot messages carry ``metadata.language`` (the BCP 47 tag of the response variation Rasa
  chose, from its slot conditions), so the widget switches its labels to the chat's language;
  a message kept for the person holding the conversation is answered with a ``held`` event
  (the bot will not reply, so the widget shows no typing dots);
* the blueprint also serves the widget: ``/widget/widget.js`` (an ES module),
  ``/widget/shared/<name>.js`` (the modules it imports), ``/widget/labels.json``
  (``i18n/widget.json``), ``/widget/widget.css``, ``/widget/socket.io.js`` (the socket.io
  client from ``node_modules``, installed by ``make setup``) and a demo page ``/widget/demo``
  (``templates/widget_demo.html``); the files say ``Access-Control-Allow-Origin: *``.
  The staff app (console, studio, sign-in, ``/api``) is a channel of its own:
  :class:`bot.web.staff.StaffApp`.

Used in ``credentials.yml`` as ``bot.web.channel.ComplaintSocketIOInput``.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import inspect
import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import Path
from string import Template
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED
from socketio import AsyncServer
from sqlalchemy.exc import SQLAlchemyError

from bot import handoff
from bot.handoff import csat, gate
from bot.ops.pubsub import client_manager
from bot.settings import PROJECT_ROOT, Settings, get_settings
from bot.store.blocking import run_db
from bot.text.clean import MAX_MESSAGE_CHARS as MAX_MESSAGE_LENGTH
from bot.text.languages import languages, load_texts
from bot.web.errors import install_error_handler
from bot.web.ratelimit import RateLimits, client_ip
from bot.web.rating import rating_routes
from bot.web.shared_assets import JS_CONTENT_TYPE, WIDGET_LABELS, shared_module_response

logger = logging.getLogger(__name__)

#: Largest socket.io packet (bytes): above a 1 MB message, so that one gets the polite
#: "too long" answer instead of a dropped connection.
MAX_SOCKET_PAYLOAD = 2 * 1024 * 1024

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The socket.io browser client, installed by ``make setup`` (``npm install socket.io-client``).
SOCKETIO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.js"

_NONCE_HEX = 32
_SIGNATURE_HEX = 32
_SESSION_ID = re.compile(rf"[0-9a-f]{{{_NONCE_HEX}}}\.[0-9a-f]{{{_SIGNATURE_HEX}}}")
_SIGNING_CONTEXT = b"complaint-bot/web-session/v1:"
_BOUND_CONTEXT = b"complaint-bot/web-session/v2-bound:"
_BROWSER_KEY = re.compile(r"[A-Za-z0-9_-]{32,128}")


# --------------------------------------------------------------------------- session ids


def _secret(secret_key: str) -> bytes:
    return secret_key.encode("utf-8")


def browser_key_of(value: object) -> str | None:
    """A well-formed browser key (32-128 URL-safe characters), else None."""
    return value if isinstance(value, str) and _BROWSER_KEY.fullmatch(value) else None


def _signature(nonce: str, secret_key: str, browser_key: str | None = None) -> str:
    message = _SIGNING_CONTEXT + nonce.encode("ascii")
    if browser_key is not None:
        bound = hashlib.sha256(browser_key.encode("ascii")).hexdigest().encode("ascii")
        message = _BOUND_CONTEXT + nonce.encode("ascii") + b":" + bound
    digest = hmac.new(_secret(secret_key), message, hashlib.sha256)
    return digest.hexdigest()[:_SIGNATURE_HEX]


def issue_session_id(secret_key: str, browser_key: str | None = None) -> str:
    """A fresh random session id, ``<nonce>.<signature>``, signed with the secret key (and
    bound to ``browser_key`` when given)."""
    nonce = secrets.token_hex(_NONCE_HEX // 2)
    return f"{nonce}.{_signature(nonce, secret_key, browser_key)}"


def verify_session_id(value: object, secret_key: str, browser_key: str | None = None) -> bool:
    """Whether ``value`` is a well-formed session id issued with this secret key, to this
    browser key (an id issued with a key verifies only with the same key)."""
    if not isinstance(value, str) or not _SESSION_ID.fullmatch(value):
        return False
    nonce, signature = value.split(".")
    return hmac.compare_digest(signature, _signature(nonce, secret_key, browser_key))


def is_session_id(value: object) -> bool:
    """Whether ``value`` has the shape of a widget session id (signed or not)."""
    return isinstance(value, str) and bool(_SESSION_ID.fullmatch(value))


# --------------------------------------------------------------------------- payloads

#: Polite refusals per problem and language code (``en`` is the fallback), from the data file.
REFUSALS: dict[str, dict[str, str]] = load_texts(Path(__file__).with_name("i18n") / "refusals.yml")


def clean_message(value: str) -> str:
    """``value`` without control characters (newlines and tabs stay) and lone surrogates,
    which no database or log should get."""
    return "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def validate_message(value: object) -> str | None:
    """``None`` when ``value`` is an acceptable message, else the problem:
    ``not_text``, ``empty`` or ``too_long``."""
    if not isinstance(value, str):
        return "not_text"
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in clean_message(value)):
        return "empty"
    if len(value) > MAX_MESSAGE_LENGTH:
        return "too_long"
    return None


def refusal(problem: str, language: object = None) -> str:
    """The polite refusal for ``problem`` in ``language`` (a tag like ``hr`` or ``sr-Latn``)."""
    registry = languages()
    return registry.text(REFUSALS.get(problem, REFUSALS["not_text"]), registry.for_tag(language))


def parse_metadata(value: object) -> dict[str, Any]:
    """Message metadata as a dict: a dict as is, a JSON object string parsed, anything else {}."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, dict) else {}


# --------------------------------------------------------------------------- static widget

_STATIC_FILES: dict[str, tuple[Path, str]] = {
    "widget.js": (STATIC_DIR / "widget.js", JS_CONTENT_TYPE),
    "widget.css": (STATIC_DIR / "widget.css", "text/css; charset=utf-8"),
    "socket.io.js": (SOCKETIO_CLIENT, JS_CONTENT_TYPE),
    "labels.json": (WIDGET_LABELS, "application/json; charset=utf-8"),
}
# The widget is an ES module on other sites' pages: browsers fetch modules (and the labels)
# with CORS, so every widget file says any origin may read it.
_WIDGET_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": "*",
}


def _widget_src(request: Request) -> str:
    return f"{request.scheme}://{request.host}/widget/widget.js"


def _embed_snippet(request: Request) -> str:
    return (
        f'<script type="module" src="{html.escape(_widget_src(request))}" '
        'data-title="Customer care" '
        'data-color="#0b5cad" async></script>'
    )


def _demo_page(src: str, snippet: str) -> str:
    """The widget's demo page, from ``templates/widget_demo.html`` (values HTML-escaped)."""
    template = Template((TEMPLATES / "widget_demo.html").read_text(encoding="utf-8"))
    return template.substitute(src=html.escape(src), snippet_text=html.escape(snippet))


async def _static(name: str, cache: str = "no-cache") -> HTTPResponse:
    path, content_type = _STATIC_FILES[name]
    data = await run_db(lambda: path.read_bytes() if path.is_file() else None)
    if data is None:
        logger.warning("widget file %s is missing (run `make setup`)", path)
        return response.text(
            f"/* {name} is not installed; run `make setup` */",
            status=404,
            content_type=content_type,
        )
    return response.raw(
        data, content_type=content_type, headers={**_WIDGET_HEADERS, "Cache-Control": cache}
    )


def _public(request: Request) -> None:
    """The widget files answer ``Access-Control-Allow-Origin: *`` themselves; this tells
    sanic-cors (Rasa's ``--cors``) not to add a second, reflected origin, which browsers
    refuse."""
    setattr(request.ctx, SANIC_CORS_EVALUATED, "1")


def add_widget_routes(app: Sanic) -> None:
    """Serve the widget's files and demo page under ``/widget/`` on ``app``."""

    async def widget_js(request: Request) -> HTTPResponse:
        _public(request)
        return await _static("widget.js")

    async def widget_css(request: Request) -> HTTPResponse:
        _public(request)
        return await _static("widget.css")

    async def socketio_js(request: Request) -> HTTPResponse:
        _public(request)
        return await _static("socket.io.js")

    async def labels(request: Request) -> HTTPResponse:
        _public(request)
        return await _static("labels.json", cache="public, max-age=3600")

    async def shared(request: Request, name: str) -> HTTPResponse:
        _public(request)
        served = await shared_module_response(name, _WIDGET_HEADERS)
        if served is None:
            return response.json({"error": "No such widget file."}, 404, headers=_WIDGET_HEADERS)
        return served

    async def demo(request: Request) -> HTTPResponse:
        page = await run_db(_demo_page, _widget_src(request), _embed_snippet(request))
        return response.html(page, headers={"Cache-Control": "no-cache"})

    app.add_route(widget_js, "/widget/widget.js", methods=["GET"], name="complaint_widget_js")
    app.add_route(widget_css, "/widget/widget.css", methods=["GET"], name="complaint_widget_css")
    app.add_route(
        socketio_js, "/widget/socket.io.js", methods=["GET"], name="complaint_widget_socketio"
    )
    app.add_route(labels, "/widget/labels.json", methods=["GET"], name="complaint_widget_labels")
    app.add_route(
        shared, "/widget/shared/<name:str>", methods=["GET"], name="complaint_widget_shared"
    )
    app.add_route(demo, "/widget/demo", methods=["GET"], name="complaint_widget_demo")


class WidgetSocketBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint that also serves the widget under ``/widget/``."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        super().register(app, options)
        add_widget_routes(app)
        # The satisfaction page of the resolution e-mail's link (bot.web.rating).
        app.ctx.complaint_rating_settings = self.ctx.settings
        app.blueprint(rating_routes)
        install_error_handler(app)  # whatever escapes a route: JSON, never a traceback
        # bot.handoff reaches the customers' sockets through these.
        app.ctx.complaint_sio = self.ctx.sio
        app.ctx.complaint_bot_event = getattr(self.ctx, "bot_message_event", "bot_uttered")
        # Whether a customer has the widget open here: an agent's reply goes by e-mail if not.
        channel = getattr(self.ctx, "channel", None)
        app.ctx.customer_online = channel.customer_online if channel is not None else None
        if channel is not None:
            channel.app = app  # to give a returning customer the replies they missed


# --------------------------------------------------------------------------- bot messages

#: The event a customer's socket gets when its message waits for a person, not the bot.
HELD_EVENT = "held"


def response_language(message: dict[str, Any]) -> str | None:
    """The language tag (``hr``, ``sr-Cyrl``) of a bot message: from the slot conditions of
    the domain response variation Rasa chose (``condition`` in the message); a domain response
    chosen without a language condition is the default language's (its variation for
    customers no other language matched). None for text that is not a domain response."""
    registry = languages()
    condition = message.get("condition")
    slots = {
        item.get("name"): item.get("value")
        for item in (condition if isinstance(condition, list) else [])
        if isinstance(item, dict) and item.get("type", "slot") == "slot"
    }
    slot = slots.get("language")
    if any(entry.slot == slot for entry in registry.languages):
        return registry.for_slots(slot, slots.get("script", "latin")).tag
    if isinstance(message.get("utter_action"), str):
        return registry.default_language.tag
    return None


class ComplaintSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output that tells the widget the language of each bot message."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self._language: str | None = None

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self._language = response_language(message)
        try:
            await super().send_response(recipient_id, message)
        finally:
            self._language = None

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if self._language and isinstance(response, dict):
            response = {**response, "metadata": {"language": self._language}}
        await super()._send_message(socket_id, response)


# --------------------------------------------------------------------------- the channel


async def _maybe_await(value: object) -> None:
    """python-socketio 5 made ``enter_room`` a coroutine; older versions return None."""
    if inspect.isawaitable(value):
        await value


class ComplaintSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with server-issued session ids, validated payloads and the
    website widget's static files."""

    def __init__(
        self, *args: Any, settings: Settings, secret_key: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        #: Signs the widget's session ids (the settings' key unless a test gives one).
        self.secret_key = settings.secret_key if secret_key is None else secret_key
        #: socket id -> the session id confirmed for it
        self.sessions: dict[str, str] = {}
        #: session id -> how many sockets have it confirmed (read from worker threads: a dict
        #: look-up, never an iteration, so it is safe while the loop changes it)
        self.connected: dict[str, int] = {}
        #: socket id -> the client's IP address (for the rate limits)
        self.client_ips: dict[str, str] = {}
        self._rate_limits: RateLimits | None = None
        #: The Sanic app, once the blueprint is registered on it.
        self.app: Any = None

    @property
    def rate_limits(self) -> RateLimits:
        if self._rate_limits is None:
            self._rate_limits = RateLimits(self.settings)
        return self._rate_limits

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built once by ``rasa run``: the server's entry point for this channel's settings.

        The arguments are Rasa 3.6's own ``SocketIOInput.from_credentials``; only ``settings``
        is added (Rasa's version calls ``cls`` without it).
        """
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            settings=get_settings(),
        )

    def _server(self) -> AsyncServer:
        if self.sio is None:
            raise RuntimeError("the socket.io server exists only once the blueprint is built")
        return self.sio

    # -- event handlers (methods so tests can call them with a stand-in server) --

    async def on_connect(
        self, sid: str, environ: dict[str, Any], auth: dict[str, Any] | None = None
    ) -> bool:
        if self.jwt_key:
            token = auth.get("token") if isinstance(auth, dict) else None
            payload = None
            if token:
                payload = rasa.core.channels.channel.decode_bearer_token(
                    token, self.jwt_key, self.jwt_algorithm
                )
            if not payload:
                return False
        request = environ.get("sanic.request")
        ip = client_ip(request) if request is not None else str(environ.get("REMOTE_ADDR", ""))
        if await self.rate_limits.check("widget_connect_ip", ip):
            return False
        self.client_ips[sid] = ip
        logger.debug("User %s connected to the socket.io endpoint.", sid)
        return True

    async def on_disconnect(self, sid: str, reason: object = None) -> None:
        self._forget(self.sessions.pop(sid, None))
        self.client_ips.pop(sid, None)
        logger.debug("User %s disconnected from the socket.io endpoint.", sid)

    async def _confirm_session(self, sid: str, requested: object, browser: object = None) -> str:
        """Accept ``requested`` if we issued it to this browser, else issue a fresh id; tell
        the client."""
        key, browser_key = self.secret_key, browser_key_of(browser)
        session_id = (
            requested
            if verify_session_id(requested, key, browser_key)
            else issue_session_id(key, browser_key)
        )
        assert isinstance(session_id, str)
        sio = self._server()
        previous = self.sessions.get(sid)
        if self.session_persistence and previous and previous != session_id:
            await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
        if previous != session_id:
            self._forget(previous)
            self.connected[session_id] = self.connected.get(session_id, 0) + 1
        self.sessions[sid] = session_id
        if self.session_persistence:
            await _maybe_await(sio.enter_room(sid, session_id, namespace=self.namespace))
        await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
        if requested == session_id:
            await self._show_missed_replies(sid, session_id)
        return session_id

    def customer_online(self, sender_id: str) -> bool:
        """Whether a widget of this conversation is connected to this server."""
        return self.connected.get(sender_id, 0) > 0

    def _forget(self, session_id: str | None) -> None:
        if session_id is None:
            return
        left = self.connected.get(session_id, 0) - 1
        if left > 0:
            self.connected[session_id] = left
        else:
            self.connected.pop(session_id, None)

    async def _show_missed_replies(self, sid: str, session_id: str) -> None:
        """A returning customer sees the agents' replies sent while they were away."""
        app = self.app
        if app is None:
            return
        try:
            await handoff.show_missed_replies(app, self.settings.database_url, session_id, sid)
        except SQLAlchemyError:
            logger.exception("could not look up the missed replies of %s", session_id)

    async def on_session_request(self, sid: str, data: object = None, *_: object) -> None:
        requested = data.get("session_id") if isinstance(data, dict) else None
        browser = data.get("browser_key") if isinstance(data, dict) else None
        await self._confirm_session(sid, requested, browser)

    async def _refuse(self, sid: str, problem: str, language: object) -> None:
        await self._server().emit(
            self.bot_message_evt,
            {"text": refusal(problem, language)},
            room=sid,
            namespace=self.namespace,
        )

    async def on_user_message(
        self,
        sid: str,
        data: object,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        if not isinstance(data, dict):
            await self._refuse(sid, "not_text", None)
            return
        metadata = parse_metadata(data.get(self.metadata_key))
        text = data.get("message")
        problem = validate_message(text)
        if problem is not None:
            await self._refuse(sid, problem, metadata.get("language"))
            return
        assert isinstance(text, str)
        text = clean_message(text).strip()

        if self.session_persistence:
            sender_id = self.sessions.get(sid)
            if sender_id is None:  # the client skipped session_request
                sender_id = await self._confirm_session(
                    sid, data.get("session_id"), data.get("browser_key")
                )
        else:
            sender_id = sid

        if await self._too_fast(sid, sender_id):
            await self._refuse(sid, "too_fast", metadata.get("language"))
            return

        replies = await self._answer_without_bot(sender_id, text)
        if replies is not None:
            # Held for a person: no typing dots on the widget, and the notices (if any).
            await self._server().emit(
                HELD_EVENT, {"held": True}, room=sid, namespace=self.namespace
            )
            room = sender_id if self.session_persistence else sid
            for reply in replies:
                await self._server().emit(
                    self.bot_message_evt,
                    {"text": reply, "metadata": {"sender": "bot"}},
                    room=room,
                    namespace=self.namespace,
                )
            return

        message = UserMessage(
            text,
            ComplaintSocketIOOutput(self._server(), self.bot_message_evt),
            sender_id,
            input_channel=self.name(),
            metadata=metadata,
        )
        await on_new_message(message)

    async def _too_fast(self, sid: str, sender_id: str) -> bool:
        """Count the message against the per-session and per-IP limits."""
        return (
            await self.rate_limits.check_all(
                ("widget_message_session", sender_id),
                ("widget_message_ip", self.client_ips.get(sid, "")),
            )
            is not None
        )

    async def _answer_without_bot(self, sender_id: str, text: str) -> list[str] | None:
        return await self.answer_without_bot(sender_id, text, self.settings)

    @staticmethod
    async def answer_without_bot(sender_id: str, text: str, settings: Settings) -> list[str] | None:
        """The replies to a message that must not reach the bot, else ``None`` (Rasa answers).

        * The satisfaction question's quick reply, or the answer to "what could we have done
          better?" (:func:`bot.handoff.csat.take_widget_message`): stored, and thanked.
        * A person holds the conversation: the message is kept for the agents
          (:func:`bot.handoff.take_customer_message`). While it waits in the queue the customer
          is told it was added, with the promised time (``[]`` is never the answer then);
          while an agent is live the agent answers, so the list is empty.

        Both are asked first in one read (:func:`bot.handoff.gate.may_skip_bot`); nearly every
        message is for neither and goes to Rasa after that one read.

        A database outage of up to the settings' ``db_retry_seconds`` is waited out. If the
        database cannot be asked, the message goes to Rasa, whose tracker is paused during a
        handoff: better a message the bot ignores than one that is lost.
        """
        url, retry_seconds = settings.database_url, settings.db_retry_seconds
        try:
            if not await run_db(gate.may_skip_bot, sender_id, text, url):
                return None
        except SQLAlchemyError:
            pass  # the checks below wait out an outage, or give up, as they always have
        try:
            rated = await run_db(csat.take_widget_message, sender_id, text, url)
            if rated is not None:
                return [rated]
            held = await run_db(
                handoff.take_customer_message,
                sender_id,
                text,
                url,
                retry_seconds,
                settings.timezone,
                settings=settings,
            )
        except SQLAlchemyError:
            logger.exception("could not check who holds conversation %s", sender_id)
            return None
        if held is None:
            return None
        return [] if held.reply is None else [held.reply]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint with our handlers, plus the widget routes."""
        # cors_allowed_origins=[] leaves CORS to Sanic (`rasa run --cors`), as Rasa does.
        # In production, emits go through Redis pub/sub to whichever instance holds the socket.
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=[],
            client_manager=client_manager(self.settings),
            max_http_buffer_size=MAX_SOCKET_PAYLOAD,
        )
        blueprint = WidgetSocketBlueprint(
            sio, self.socketio_path, "complaint_socketio_webhook", __name__
        )
        self.sio = sio
        blueprint.ctx.bot_message_event = self.bot_message_evt
        blueprint.ctx.channel = self
        blueprint.ctx.settings = self.settings

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def handle_message(sid: str, data: object = None, *_: object) -> None:
            await self.on_user_message(sid, data, on_new_message)

        sio.on("connect", self.on_connect, namespace=self.namespace)
        sio.on("disconnect", self.on_disconnect, namespace=self.namespace)
        sio.on("session_request", self.on_session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
