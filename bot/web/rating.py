"""The satisfaction page behind the signed link of the resolution e-mail (``/widget/rate/<token>``).

``GET`` shows the question in the customer's language with the 1-5 scale; ``POST`` (a plain HTML
form, or JSON for scripts) stores the rating, and for a rating of 3 or less the page asks "what
could we have done better?" and ``POST`` stores the answer. The link is the customer's only
credential (:mod:`bot.handoff.csat`): forged or altered -> 403, expired -> 410, not a link ->
400, a complaint that no longer exists -> 404, rated already -> 409, a rating out of 1-5 or an
empty answer -> 422, a body over 64 KB -> 413, too many calls from one address or on one link
(``rating_ip``, ``rating_token``) -> 429 with ``Retry-After``, nothing stored. The form needs no
CSRF token: the secret is the link itself, which a third-party page does not know.

Mounted on the widget's server by :class:`bot.web.channel.WidgetSocketBlueprint` (``/widget/``
is what nginx lets through to customers).
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from string import Template
from typing import Any, Optional, Union
from urllib.parse import parse_qs

from pydantic import BaseModel, ConstrainedStr, StrictInt, validator
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import store
from bot.handoff import csat
from bot.handoff.notices import notice
from bot.settings import Settings
from bot.store import csat as ratings
from bot.store.blocking import run_db
from bot.store.tables import MAX_FEEDBACK_CHARS, MAX_RATING, MIN_RATING
from bot.text.languages import languages
from bot.web.auth import MAX_BODY_BYTES, json_body
from bot.web.errors import ApiError, json_error
from bot.web.forms import parse
from bot.web.ratelimit import client_ip, rate_limits_of, refuse_over_limit

TEMPLATE = Path(__file__).resolve().parent / "templates" / "rate.html"
_LINK_PROBLEMS = {
    "forged": (403, "This rating link is not valid."),
    "expired": (410, "This rating link has expired."),
    "malformed": (400, "This is not a rating link."),
}
TOO_MANY = "Too many requests; please wait a minute and try again."
_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

rating_routes = Blueprint("complaint_rating", url_prefix="/widget/rate")
rating_routes.exception(Exception)(json_error)  # refusals (ApiError) and the rest: JSON


class FeedbackText(ConstrainedStr):
    max_length = MAX_FEEDBACK_CHARS


class RatingForm(BaseModel):
    """A rating (1-5), the answer to "what could we have done better?", or both."""

    rating: Optional[Union[StrictInt, str]] = None  # noqa: UP007, UP045 (pydantic, run time)
    feedback: Optional[FeedbackText] = None  # noqa: UP045 (pydantic reads it at run time)

    @validator("rating")
    def _rating(cls, value: int | str | None) -> int | None:
        if value is None:
            return None
        if isinstance(value, str):
            if not value.strip().isdigit() or len(value) > 3:
                raise ValueError(f"must be a whole number from {MIN_RATING} to {MAX_RATING}")
            value = int(value)
        if not MIN_RATING <= value <= MAX_RATING:
            raise ValueError(f"must be a whole number from {MIN_RATING} to {MAX_RATING}")
        return value

    @validator("feedback")
    def _feedback(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        return value

    @validator("feedback", always=True)
    def _something(cls, value: str | None, values: dict[str, Any]) -> str | None:
        if value is None and values.get("rating") is None:
            raise ValueError("send a rating (1-5) or what we could have done better")
        return value


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.ctx.complaint_rating_settings
    return settings


async def _limit(request: Request, token: str) -> None:
    """Count the call per client address and per link (hashed: a long forged link is one short
    key); over either limit 429 with ``Retry-After``, before the link is even read."""
    link = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]
    limits = rate_limits_of(request.app, settings_of(request))
    await refuse_over_limit(
        limits, TOO_MANY, ("rating_ip", client_ip(request)), ("rating_token", link)
    )


def _ticket(request: Request, token: str) -> str:
    try:
        return csat.ticket_of(token, settings_of(request).secret_key)
    except csat.BadLink as problem:
        status, message = _LINK_PROBLEMS[problem.reason]
        raise ApiError(status, message) from None


def _complaint_state(url: str, ticket: str) -> tuple[str, str, str] | None:
    """(language, script, state) of the complaint: ``open`` (not resolved yet), ``rate``,
    ``better`` (a low rating without its answer) or ``done``."""
    with store.read_scope(url) as session:
        complaint = store.get_by_ticket(session, ticket)
        if complaint is None:
            return None
        row = ratings.rating_of(session, complaint)
        if complaint.status not in ("resolved", "closed"):
            state = "open"
        elif row is None:
            state = "rate"
        elif row.rating <= ratings.ASK_BETTER_AT_MOST and row.feedback is None:
            state = "better"
        else:
            state = "done"
        return complaint.language, complaint.script, state


def _page(language: str, script: str, state: str) -> str:
    entry = languages().for_slots(language, script)
    said = {
        "rate": notice("csat_ask", language, script),
        "better": notice("csat_ask_better", language, script),
        "done": notice("csat_page_done", language, script),
        "already": notice("csat_page_already", language, script),
    }[state]
    buttons = "\n".join(
        f'<button type="submit" name="rating" value="{value}">{value}</button>'
        for value in range(MIN_RATING, MAX_RATING + 1)
    )
    hidden = ' hidden aria-hidden="true"'
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        lang=html.escape(entry.tag),
        title=html.escape(notice("csat_page_title", language, script)),
        said=html.escape(said),
        buttons=buttons,
        rating_hidden="" if state == "rate" else hidden,
        feedback_hidden="" if state == "better" else hidden,
        better_label=html.escape(notice("csat_page_better_label", language, script)),
        send=html.escape(notice("csat_page_send", language, script)),
    )


async def _state(request: Request, ticket: str) -> tuple[str, str, str]:
    found = await run_db(_complaint_state, settings_of(request).database_url, ticket)
    if found is None:
        raise ApiError(404, "This complaint no longer exists.")
    if found[2] == "open":
        raise ApiError(409, "This complaint is not resolved yet.")
    return found


def _wants_json(request: Request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == "application/json"


def _form(request: Request) -> dict[str, Any]:
    if _wants_json(request):
        return json_body(request)
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        text = body.decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text.strip()))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "The form could not be read.") from None
    return {name: values[0] for name, values in fields.items() if name in ("rating", "feedback")}


@rating_routes.route("/<token:str>", methods=["GET"])
async def rating_page(request: Request, token: str) -> HTTPResponse:
    await _limit(request, token)
    language, script, state = await _state(request, _ticket(request, token))
    page = await run_db(_page, language, script, state)
    return response.html(page, headers=_HEADERS)


@rating_routes.route("/<token:str>", methods=["POST"])
async def rate(request: Request, token: str) -> HTTPResponse:
    await _limit(request, token)
    ticket = _ticket(request, token)
    body = parse(RatingForm, _form(request))
    language, script, state = await _state(request, ticket)
    url = settings_of(request).database_url
    if body.rating is not None:
        if state != "rate":
            raise ApiError(409, "This complaint has been rated already.")
        try:
            rated = await run_db(csat.rate, url, ticket, body.rating, "link")
        except LookupError:
            raise ApiError(404, "This complaint no longer exists.") from None
        except store.StoreError as problem:
            raise ApiError(409, str(problem)) from None
        if rated.result == "already":
            raise ApiError(409, "This complaint has been rated already.")
        state = "better" if rated.result == "ask_better" else "done"
    if body.feedback is not None:
        if state != "better":
            raise ApiError(409, "There is no question about this complaint to answer.")
        try:
            await run_db(csat.add_feedback, url, ticket, body.feedback)
        except LookupError:
            raise ApiError(404, "This complaint no longer exists.") from None
        except store.StoreError as problem:
            raise ApiError(409, str(problem)) from None
        state = "done"
    if _wants_json(request):
        return response.json({"ticket": ticket, "state": state}, headers=_HEADERS)
    page = await run_db(_page, language, script, state)
    return response.html(page, headers=_HEADERS)
