"""Rasa's REST channel (``POST /webhooks/rest/webhook``), with the widget's rules.

Same protocol as Rasa's ``rest`` channel (``{"sender": ..., "message": ..., "metadata": ...}``
in, a JSON list of bot messages out, ``?stream=true`` for a stream), but:

* a payload that is not a JSON object, or has fields of the wrong type, gets a JSON 4xx
  (400 malformed, 413 too large, 422 wrong or missing fields) instead of a 500;
* message text is checked as the widget does (:func:`bot.web.channel.validate_message`):
  empty and over-long messages get 422/413 with the polite refusal in the customer's
  language, control characters are removed;
* while a person holds the conversation (live handoff), the message is kept for the agent
  and never reaches Rasa, as on the widget; the answer is an empty list;
* the sender is normalised first (NFKC, spaces and invisible characters around it removed, as
  the store would), then sender ids shaped like the widget's signed session ids are refused
  (403): a REST caller must not write into, or read the answers of, a website conversation; a
  sender that is not already in its normal form is refused (422), so ``" <widget id>"`` (a
  space, NBSP or U+2028 before it) cannot reach the victim's complaint;
* with ``rest_token`` set, only a trusted back end that sends ``Authorization: Bearer
  <rest_token>`` is served (401 otherwise); production refuses a channel without a token
  unless ``rest_public`` allows it;
* messages are rate-limited per sender and per IP address (429 with ``Retry-After``); an
  authenticated back end relays many customers from one address, so it is limited per
  sender only.

Used in ``credentials.yml`` as ``bot.web.rest.ValidatingRestInput`` in place of ``rest:``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any, Optional

import rasa.utils.endpoints
from pydantic import BaseModel
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings, get_settings
from bot.store.tables import SENDER_ID_LENGTH
from bot.web.auth import json_body
from bot.web.channel import (
    ComplaintSocketIOInput,
    clean_message,
    is_session_id,
    parse_metadata,
    refusal,
    validate_message,
)
from bot.web.errors import ApiError, json_error
from bot.web.forms import parse
from bot.web.ratelimit import RateLimits, client_ip, retry_after

logger = logging.getLogger(__name__)

_PROBLEM_STATUS = {"not_text": 422, "empty": 422, "too_long": 413}


def _invisible(ch: str) -> bool:
    """Spaces of every kind (NBSP, U+2028, ...), control and format characters (U+200B)."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def normalise_sender(value: str) -> str:
    """``value`` in NFKC without the spaces and invisible characters around it."""
    text = unicodedata.normalize("NFKC", value)
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def check_sender(value: object) -> str:
    """A usable sender id; raises the refusal. Normalised before the widget-id check, so a
    padded or look-alike widget id is refused like the id itself."""
    canonical = normalise_sender(value) if isinstance(value, str) else ""
    if not isinstance(value, str) or not canonical:
        raise ApiError(422, "Field 'sender' must be a non-empty string.")
    if is_session_id(canonical):
        raise ApiError(403, "That sender id belongs to a website conversation.")
    if (
        len(value) > SENDER_ID_LENGTH
        or clean_message(value) != value
        or canonical != value
        or any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value)
    ):
        raise ApiError(
            422,
            f"Field 'sender' must be printable, in normal form, without spaces around it, at "
            f"most {SENDER_ID_LENGTH} long.",
        )
    return value


def is_trusted_back_end(request: Request, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>`` (constant-time)."""
    sent = (request.headers.get("authorization") or "").encode()
    return bool(token) and hmac.compare_digest(sent, f"Bearer {token}".encode())


class RestMessage(BaseModel):
    """Rasa's REST payload; ``sender`` and ``message`` are checked as the widget checks them."""

    sender: Any = None
    message: Any = None
    metadata: Optional[dict[str, Any]] = None  # noqa: UP045 (pydantic reads it at run time)


class ValidatingRestInput(RestInput):
    """Rasa's REST channel with validated payloads, handoff routing and rate limits."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._rate_limits: RateLimits | None = None
        #: The trusted back end's token (empty: a public channel).
        self.token = settings.rest_token

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built once by ``rasa run``: the server's entry point for this channel's settings."""
        return cls(get_settings())

    @property
    def rate_limits(self) -> RateLimits:
        if self._rate_limits is None:
            self._rate_limits = RateLimits(self._settings)
        return self._rate_limits

    async def _check(self, request: Request) -> tuple[str, str, dict[str, Any]]:
        """(sender, text, metadata) of a valid request; raises the refusal."""
        trusted = is_trusted_back_end(request, self.token)
        if self.token and not trusted:
            raise ApiError(
                401, "This channel needs the back end's token.",
                headers={"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
        payload = json_body(request)  # 400 not a JSON object, 413 over 64 KB
        body = parse(RestMessage, payload, "Field 'metadata' must be a JSON object.")
        sender = check_sender(body.sender)
        metadata = parse_metadata(body.metadata)
        text = body.message
        problem = validate_message(text)
        if problem is not None:
            message = refusal(problem, metadata.get("language"))
            raise ApiError(_PROBLEM_STATUS[problem], message, problem=problem)
        assert isinstance(text, str)
        checks = [("rest_message_sender", sender)]
        if not trusted:
            checks.append(("rest_message_ip", client_ip(request)))
        wait = await self.rate_limits.check_all(*checks)
        if wait is not None:
            language = metadata.get("language")
            raise ApiError(
                429, refusal("too_fast", language), headers={"Retry-After": retry_after(wait)}
            )
        return sender, clean_message(text).strip(), metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("custom_webhook_ValidatingRestInput", __name__)
        webhook.exception(Exception)(json_error)  # refusals (ApiError) and the rest: JSON

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            sender, text, metadata = await self._check(request)
            settings = self._settings
            replies = await ComplaintSocketIOInput.answer_without_bot(sender, text, settings)
            if replies is not None:
                return response.json([{"recipient_id": sender, "text": r} for r in replies])
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, self.name(), metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender, input_channel=self.name(), metadata=metadata
                    )
                )
            except asyncio.CancelledError:
                logger.error("the REST message of %s timed out", sender)
            except Exception:
                logger.exception("the REST message of %s failed", sender)
                raise ApiError(503, "The assistant could not answer; please try again.") from None
            return response.json(collector.messages)

        return webhook
