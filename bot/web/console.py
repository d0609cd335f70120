"""The agent console (``/console``) and its JSON API (``/api/``).

Registered on the Rasa server by :class:`bot.web.channel.WidgetSocketBlueprint` through
:func:`add_console_routes`. Every API route answers JSON: 401 signed out, 403 wrong role or
missing CSRF token, 400/404/409/413/422 for bad input, never a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta, timezone
from functools import wraps
from pathlib import Path
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import or_, select

from bot.handoff.presence import start_watch as start_presence_watch
from bot.handoff.presence import stop_watch as stop_presence_watch
from bot.store import (
    ACTIVE_STATUSES,
    STATUSES,
    Complaint,
    append_event,
    complaint_to_dict,
    event_to_dict,
    events_for,
    get_agent,
    get_by_ticket,
    mark_seen,
    session_scope,
    set_on_duty,
    set_status,
)
from bot.store.db import StoreError
from bot.store.retry import is_transient, retry_db_async
from bot.store.tables import Agent
from bot.text.clean import MAX_MESSAGE_CHARS as MAX_REPLY_CHARS
from bot.text.clean import remove_controls
from bot.web.auth import (
    AGENT_ROLES,
    SESSION_COOKIE,
    Principal,
    add_auth_routes,
    database_url,
    error,
    json_body,
    principal_of,
    require,
)

logger = logging.getLogger(__name__)

CONSOLE_DIR = Path(__file__).resolve().parent / "static" / "console"
MAX_NOTE_CHARS = 2000
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_QUERY_CHARS = 200
NEAR_DEADLINE = timedelta(hours=2)

_ASSETS: dict[str, str] = {
    "console.js": "application/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "canned.json": "application/json; charset=utf-8",
}

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


# --------------------------------------------------------------------------- helpers


def api(roles: tuple[str, ...] = AGENT_ROLES) -> Callable[[Handler], Handler]:
    """Authenticate, check the role (and CSRF), mark the agent seen, map errors to JSON."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            async def sign_in() -> Principal | HTTPResponse:
                principal = require(request, roles)
                if isinstance(principal, HTTPResponse):
                    return principal
                with session_scope(database_url(request.app)) as session:
                    agent = session.get(Agent, principal.agent_id)
                    if agent is not None:
                        mark_seen(session, agent)  # the console's heartbeat
                return principal

            try:
                # A briefly unavailable database delays the call instead of failing it.
                principal = await retry_db_async(sign_in)
                if isinstance(principal, HTTPResponse):
                    return principal
                return await handler(request, principal, *args, **kwargs)
            except StoreError as problem:
                return error(422, str(problem))
            except Exception as problem:  # never a traceback to the client
                if is_transient(problem):
                    logger.warning("database unavailable on %s %s", request.method, request.path)
                    return error(503, "The database is unavailable; please try again shortly.")
                logger.exception("console API error on %s %s", request.method, request.path)
                return error(500, "Internal error; the problem has been logged.")

        return wrapper

    return decorate


def _text(body: dict[str, Any], field: str, max_chars: int) -> str | HTTPResponse:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        return error(422, f"Field {field!r} must be a non-empty string.")
    if len(value) > max_chars:
        return error(413, f"Field {field!r} is longer than {max_chars} characters.")
    return remove_controls(value)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment is not None else None


def deadline_info(complaint: Complaint, now: datetime) -> dict[str, Any]:
    left = complaint.due_at - now
    minutes = int(left.total_seconds() // 60)
    state = "breached" if left <= timedelta(0) else "near" if left <= NEAR_DEADLINE else "ok"
    return {"minutes_to_deadline": minutes, "deadline_state": state}


def _queue_item(complaint: Complaint, now: datetime) -> dict[str, Any]:
    item = complaint_to_dict(complaint)
    item["assigned_agent"] = complaint.assigned_agent
    item.update(deadline_info(complaint, now))
    return item


async def _handoff(name: str, app: Sanic, *args: str) -> HTTPResponse | None:
    """Call ``bot.handoff.<name>``; a refusal response, or None when it worked."""
    try:
        import bot.handoff as handoff
    except ImportError:
        return error(503, "Live hand-off is not available on this server.")
    function = getattr(handoff, name, None)
    if function is None:
        return error(503, f"Live hand-off has no {name}().")
    try:
        await function(app, *args)
    except LookupError:
        return error(404, "No complaint with that ticket.")
    except ValueError as problem:
        return error(409, str(problem) or "The complaint is not in a state that allows this.")
    return None


# --------------------------------------------------------------------------- API routes


@api()
async def me(request: Request, principal: Principal) -> HTTPResponse:
    with session_scope(database_url(request.app)) as session:
        agent = session.get(Agent, principal.agent_id)
        on_duty = bool(agent.on_duty) if agent is not None else False
    return response.json(
        {
            "username": principal.username,
            "display_name": principal.display_name,
            "role": principal.role,
            "on_duty": on_duty,
            "csrf_token": principal.csrf_token,
        },
        headers={"Cache-Control": "no-store"},
    )


@api()
async def duty(request: Request, principal: Principal) -> HTTPResponse:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        return body
    value = body.get("on_duty")
    if not isinstance(value, bool):
        return error(422, "Field 'on_duty' must be true or false.")
    with session_scope(database_url(request.app)) as session:
        agent = session.get(Agent, principal.agent_id)
        if agent is None:
            return error(404, "Your account no longer exists.")
        set_on_duty(session, agent, value)
    return response.json({"username": principal.username, "on_duty": value})


@api()
async def complaints(request: Request, principal: Principal) -> HTTPResponse:
    args = request.args
    query = select(Complaint)
    sender_id = args.get("sender_id")
    if sender_id:
        query = query.where(Complaint.sender_id == sender_id)
    status = args.get("status")
    if status:
        if status not in STATUSES:
            return error(422, f"status must be one of {', '.join(STATUSES)}.")
        query = query.where(Complaint.status == status)
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        return error(413, f"q is longer than {MAX_QUERY_CHARS} characters.")
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        Complaint.ticket,
                        Complaint.description,
                        Complaint.contact,
                        Complaint.order_ref,
                    )
                )
            )
        )
    raw_limit = args.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            return error(422, f"limit must be a whole number from 1 to {MAX_LIMIT}.")
        limit = int(raw_limit)
    query = query.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(limit)
    with session_scope(database_url(request.app)) as session:
        rows = [complaint_to_dict(row) for row in session.execute(query).scalars()]
    return response.json(rows)


@api()
async def queue(request: Request, principal: Principal) -> HTTPResponse:
    now = datetime.now(timezone.utc)
    with session_scope(database_url(request.app)) as session:
        rows = list(
            session.execute(
                select(Complaint).where(Complaint.status.in_(ACTIVE_STATUSES))
            ).scalars()
        )
        rows.sort(key=lambda c: (c.status != "escalated", -c.severity, c.due_at, c.id))
        items = [_queue_item(row, now) for row in rows]
    return response.json(items)


async def _transcript(app: Sanic, sender_id: str) -> tuple[list[dict[str, Any]], str | None]:
    """The customer's and the bot's turns from the Rasa tracker, and a problem if any."""
    agent = getattr(app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None) if agent is not None else None
    if store is None:
        return [], "The conversation store is not available."
    try:
        tracker = await store.retrieve(sender_id)
    except Exception:
        logger.exception("could not load the tracker of %s", sender_id)
        return [], "The conversation could not be loaded."
    if tracker is None:
        return [], None
    turns: list[dict[str, Any]] = []
    for event in tracker.events:
        kind = getattr(event, "type_name", "")
        if kind not in ("user", "bot") or not getattr(event, "text", None):
            continue
        moment = datetime.fromtimestamp(float(event.timestamp), tz=timezone.utc)
        turns.append(
            {
                "role": "customer" if kind == "user" else "bot",
                "text": event.text,
                "at": moment.isoformat(),
            }
        )
    return turns, None


@api()
async def complaint_detail(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    with session_scope(database_url(request.app)) as session:
        complaint = get_by_ticket(session, ticket)
        if complaint is None:
            return error(404, "No complaint with that ticket.")
        data = complaint_to_dict(complaint)
        data["assigned_agent"] = complaint.assigned_agent
        data.update(deadline_info(complaint, datetime.now(timezone.utc)))
        events = events_for(session, complaint)
        event_dicts = [event_to_dict(entry) for entry in events]
        agent_turns = [
            {
                "role": "agent",
                "agent": entry.actor.removeprefix("agent:"),
                "text": str((entry.data or {}).get("text", "")),
                "at": _iso(entry.created_at),
            }
            for entry in events
            if entry.kind == "message_agent"
        ]
        # What the customer wrote while a person held the conversation never reached Rasa's
        # tracker: it is kept only as these events, so merge them into the transcript too.
        agent_turns += [
            {
                "role": "customer",
                "text": str((entry.data or {}).get("text", "")),
                "at": _iso(entry.created_at),
            }
            for entry in events
            if entry.kind == "message_customer"
        ]
        sender_id = complaint.sender_id
    turns, problem = await _transcript(request.app, sender_id)
    transcript = sorted(turns + agent_turns, key=lambda turn: turn["at"] or "")
    return response.json(
        {
            "complaint": data,
            "events": event_dicts,
            "transcript": transcript,
            "transcript_problem": problem,
        }
    )


def _load(session: Any, ticket: str) -> Complaint | HTTPResponse:
    complaint = get_by_ticket(session, ticket)
    if complaint is None:
        return error(404, "No complaint with that ticket.")
    return complaint


@api()
async def claim(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    refused = await _handoff("take_over", request.app, ticket, principal.username)
    return refused or response.json({"ticket": ticket, "claimed_by": principal.username})


@api()
async def reply(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        return body
    text = _text(body, "text", MAX_REPLY_CHARS)
    if isinstance(text, HTTPResponse):
        return text
    refused = await _handoff("send_agent_message", request.app, ticket, principal.username, text)
    return refused or response.json({"ticket": ticket, "sent": True})


@api()
async def hand_back(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    refused = await _handoff("hand_back", request.app, ticket, principal.username)
    return refused or response.json({"ticket": ticket, "handed_back": True})


@api()
async def note(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        return body
    text = _text(body, "text", MAX_NOTE_CHARS)
    if isinstance(text, HTTPResponse):
        return text
    with session_scope(database_url(request.app)) as session:
        complaint = _load(session, ticket)
        if isinstance(complaint, HTTPResponse):
            return complaint
        append_event(session, complaint, "note", principal.actor, {"text": text})
        return response.json({"ticket": complaint.ticket, "noted": True}, status=201)


@api()
async def reassign(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        return body
    username = body.get("username")
    if not isinstance(username, str) or not username.strip():
        return error(422, "Field 'username' must be a non-empty string.")
    with session_scope(database_url(request.app)) as session:
        complaint = _load(session, ticket)
        if isinstance(complaint, HTTPResponse):
            return complaint
        target = get_agent(session, username.strip().lower())
        if target is None or not target.active or target.role not in AGENT_ROLES:
            return error(422, "There is no active agent with that username.")
        if complaint.status == "closed":
            return error(409, "The complaint is closed.")
        previous = complaint.assigned_agent
        complaint.assigned_agent = target.username
        append_event(
            session,
            complaint,
            "reassigned",
            principal.actor,
            {"from": previous, "to": target.username},
        )
        return response.json({"ticket": complaint.ticket, "assigned_agent": target.username})


async def _move(request: Request, principal: Principal, ticket: str, status: str) -> HTTPResponse:
    note_text: str | None = None
    if status == "resolved":
        body = json_body(request)
        if isinstance(body, HTTPResponse):
            return body
        checked = _text(body, "note", MAX_NOTE_CHARS)
        if isinstance(checked, HTTPResponse):
            return checked
        note_text = checked
    with session_scope(database_url(request.app)) as session:
        complaint = _load(session, ticket)
        if isinstance(complaint, HTTPResponse):
            return complaint
        try:
            set_status(session, complaint, status, principal.actor, note_text)
        except StoreError as problem:
            return error(409, str(problem))
        return response.json(complaint_to_dict(complaint))


@api()
async def resolve(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    return await _move(request, principal, ticket, "resolved")


@api()
async def close(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    return await _move(request, principal, ticket, "closed")


@api(roles=("admin",))
async def customer_export(request: Request, principal: Principal, sender_id: str) -> HTTPResponse:
    from bot.store.erasure import export_customer

    data = export_customer(sender_id, database_url(request.app))
    if not any(data["tables"].values()):
        return error(404, "Nothing is stored about that customer.")
    return response.json(data, headers={"Cache-Control": "no-store"})


@api(roles=("admin",))
async def customer_erase(request: Request, principal: Principal, sender_id: str) -> HTTPResponse:
    from bot.store.erasure import erase_customer

    receipt = erase_customer(sender_id, principal.actor, database_url(request.app))
    if not receipt.total:
        return error(404, "Nothing is stored about that customer.")
    return response.json(receipt.as_dict())


# --------------------------------------------------------------------------- console pages


def _console_refusal(request: Request) -> HTTPResponse | None:
    principal = principal_of(request)
    if principal is None:
        if request.path == "/console":
            return response.redirect("/console/login", status=303)
        return error(401, "Sign in first.")
    if principal.role not in AGENT_ROLES:
        return error(403, f"Your role ({principal.role}) may not use the agent console.")
    return None


_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}


async def console_page(request: Request) -> HTTPResponse:
    refused = _console_refusal(request)
    if refused is not None:
        return refused
    page = (CONSOLE_DIR / "index.html").read_bytes()
    return response.raw(page, content_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


async def console_asset(request: Request, name: str) -> HTTPResponse:
    refused = _console_refusal(request)
    if refused is not None:
        return refused
    content_type = _ASSETS.get(name)
    path = CONSOLE_DIR / name
    if content_type is None or not path.is_file():
        return error(404, "No such console file.")
    return response.raw(path.read_bytes(), content_type=content_type, headers=_PAGE_HEADERS)


#: (handler, path, methods) of every console and API route; tests walk this list.
API_ROUTES: list[tuple[Handler, str, str]] = [
    (me, "/api/me", "GET"),
    (duty, "/api/me/duty", "POST"),
    (complaints, "/api/complaints", "GET"),
    (queue, "/api/queue", "GET"),
    (complaint_detail, "/api/complaints/<ticket:str>", "GET"),
    (claim, "/api/complaints/<ticket:str>/claim", "POST"),
    (reply, "/api/complaints/<ticket:str>/reply", "POST"),
    (note, "/api/complaints/<ticket:str>/note", "POST"),
    (reassign, "/api/complaints/<ticket:str>/reassign", "POST"),
    (resolve, "/api/complaints/<ticket:str>/resolve", "POST"),
    (close, "/api/complaints/<ticket:str>/close", "POST"),
    (hand_back, "/api/complaints/<ticket:str>/hand-back", "POST"),
    (customer_export, "/api/customers/<sender_id:str>/export", "GET"),
    (customer_erase, "/api/customers/<sender_id:str>", "DELETE"),
]
CONSOLE_ROUTES: list[tuple[Handler, str, str]] = [
    (console_page, "/console", "GET"),
    (console_asset, "/console/static/<name:str>", "GET"),
]


def add_console_routes(app: Sanic) -> None:
    """Serve the sign-in pages, the console and the JSON API on ``app``."""
    add_auth_routes(app)
    for handler, path, method in API_ROUTES + CONSOLE_ROUTES:
        name = "console_" + re.sub(r"[^a-z0-9]+", "_", f"{method} {path}".lower()).strip("_")
        app.add_route(handler, path, methods=[method], name=name)
    # Conversations of agents whose console went away go back to the queue.
    app.register_listener(start_presence_watch, "after_server_start")
    app.register_listener(stop_presence_watch, "before_server_stop")
    from bot.web.studio import add_studio_routes  # the trainer studio

    add_studio_routes(app)


__all__ = ["API_ROUTES", "CONSOLE_ROUTES", "SESSION_COOKIE", "add_console_routes"]
