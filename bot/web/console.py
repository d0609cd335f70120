"""The agent console (``/console``) and its JSON API (``/api/``).

One blueprint, :data:`console_routes`, mounted by the staff app (:mod:`bot.web.staff`).
Every API route answers JSON: 401 signed out, 403 wrong role or
missing CSRF token, 400/404/409/413/422 for bad input, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from functools import wraps
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConstrainedStr, StrictBool, StrictStr, conint, validator
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import or_, select

from bot import handoff
from bot.handoff.presence import start_watch as start_presence_watch
from bot.handoff.presence import stop_watch as stop_presence_watch
from bot.store import (
    ACTIVE_STATUSES,
    STATUSES,
    Complaint,
    activate_agent,
    append_event,
    complaint_to_dict,
    deactivate_agent,
    event_to_dict,
    events_for,
    get_agent,
    get_by_ticket,
    mark_seen,
    revoke_tokens,
    session_scope,
    set_on_duty,
)
from bot.store.blocking import run_db
from bot.store.db import StoreError
from bot.store.erasure import erase_customer, export_customer
from bot.store.retry import is_transient, retry_db_async
from bot.store.tables import Agent
from bot.text.clean import MAX_MESSAGE_CHARS as MAX_REPLY_CHARS
from bot.text.clean import remove_controls
from bot.web.auth import (
    AGENT_ROLES,
    SESSION_COOKIE,
    Handler,
    Principal,
    authorised,
    database_url,
    json_body,
    principal_of,
    revoke_token,
    settings_of,
)
from bot.web.errors import ApiError
from bot.web.forms import parse, query_of
from bot.web.shared_assets import JS_CONTENT_TYPE, shared_module

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

console_routes = Blueprint("staff_console")


# --------------------------------------------------------------------------- helpers


def _sign_in(url: str, principal: Principal) -> None:
    """Mark the agent seen: the console's heartbeat."""
    with session_scope(url) as session:
        agent = session.get(Agent, principal.agent_id)
        if agent is not None:
            mark_seen(session, agent)


def api(roles: tuple[str, ...] = AGENT_ROLES) -> Callable[[Handler], Handler]:
    """Authenticate, check the role (and CSRF), mark the agent seen, map errors to JSON:
    :class:`ApiError` as it is, a store refusal as 422, a database outage as 503."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            async def sign_in() -> Principal:
                principal = await authorised(request, roles)
                await run_db(_sign_in, database_url(request.app), principal)
                return principal

            try:
                # A briefly unavailable database delays the call instead of failing it.
                principal = await retry_db_async(
                    sign_in, settings_of(request.app).db_retry_seconds
                )
                return await handler(request, principal, *args, **kwargs)
            except ApiError:
                raise
            except StoreError as problem:
                raise ApiError(422, str(problem)) from None
            except Exception as problem:  # never a traceback to the client
                if is_transient(problem):
                    logger.warning("database unavailable on %s %s", request.method, request.path)
                    raise ApiError(
                        503, "The database is unavailable; please try again shortly."
                    ) from None
                logger.exception("console API error on %s %s", request.method, request.path)
                raise ApiError(500, "Internal error; the problem has been logged.") from None

        return wrapper

    return decorate


def _clean(value: str) -> str:
    return remove_controls(value).strip()


class _Text(ConstrainedStr):
    strict = True


class ReplyText(_Text):
    max_length = MAX_REPLY_CHARS


class NoteText(_Text):
    max_length = MAX_NOTE_CHARS


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string")
    return _clean(value)


class ReplyRequest(BaseModel):
    text: ReplyText
    _text = validator("text", allow_reuse=True)(_not_blank)


class NoteRequest(BaseModel):
    text: NoteText
    _text = validator("text", allow_reuse=True)(_not_blank)


class ResolveRequest(BaseModel):
    note: NoteText
    _note = validator("note", allow_reuse=True)(_not_blank)


class DutyRequest(BaseModel):
    on_duty: StrictBool


class ReassignRequest(BaseModel):
    username: StrictStr

    @validator("username")
    def _username(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty string")
        return value.strip().lower()


class QueryText(ConstrainedStr):
    max_length = MAX_QUERY_CHARS


class ComplaintsQuery(BaseModel):
    """``GET /api/complaints``: filters and the page size."""

    sender_id: str | None = None
    status: str | None = None
    q: QueryText = QueryText("")
    limit: conint(ge=1, le=MAX_LIMIT) = DEFAULT_LIMIT  # type: ignore[valid-type]

    @validator("status")
    def _status(cls, value: str | None) -> str | None:
        if value and value not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return value or None

    @validator("limit", pre=True)
    def _limit(cls, value: object) -> object:
        if isinstance(value, str) and not value.isdigit():
            raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
        return value


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


async def _handoff(
    call: Callable[..., Awaitable[Any]], app: Sanic, *args: str | None, **kwargs: Any
) -> Any:
    """``call`` (a :mod:`bot.handoff` step) on the app's database; raises the refusal when it
    cannot."""
    try:
        return await call(app, database_url(app), *args, **kwargs)
    except LookupError:
        raise ApiError(404, "No complaint with that ticket.") from None
    except (ValueError, StoreError) as problem:
        raise ApiError(
            409, str(problem) or "The complaint is not in a state that allows this."
        ) from None


# --------------------------------------------------------------------------- API routes


def _on_duty(url: str, agent_id: int) -> bool:
    with session_scope(url) as session:
        agent = session.get(Agent, agent_id)
        return bool(agent.on_duty) if agent is not None else False


@console_routes.route("/api/me", methods=["GET"])
@api()
async def me(request: Request, principal: Principal) -> HTTPResponse:
    on_duty = await run_db(_on_duty, database_url(request.app), principal.agent_id)
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


def _set_duty(url: str, agent_id: int, value: bool) -> None:
    with session_scope(url) as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise ApiError(404, "Your account no longer exists.")
        set_on_duty(session, agent, value)


@console_routes.route("/api/me/duty", methods=["POST"])
@api()
async def duty(request: Request, principal: Principal) -> HTTPResponse:
    body = parse(DutyRequest, json_body(request), "Field 'on_duty' must be true or false.")
    await run_db(_set_duty, database_url(request.app), principal.agent_id, body.on_duty)
    return response.json({"username": principal.username, "on_duty": body.on_duty})


def _find_complaints(url: str, filters: ComplaintsQuery) -> list[dict[str, Any]]:
    query = select(Complaint)
    if filters.sender_id:
        query = query.where(Complaint.sender_id == filters.sender_id)
    if filters.status:
        query = query.where(Complaint.status == filters.status)
    q = filters.q.strip()
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        columns = (Complaint.ticket, Complaint.description, Complaint.contact, Complaint.order_ref)
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    query = query.order_by(Complaint.created_at.desc(), Complaint.id.desc()).limit(filters.limit)
    with session_scope(url) as session:
        return [complaint_to_dict(row) for row in session.execute(query).scalars()]


@console_routes.route("/api/complaints", methods=["GET"])
@api()
async def complaints(request: Request, principal: Principal) -> HTTPResponse:
    filters = parse(ComplaintsQuery, query_of(request.args))
    return response.json(await run_db(_find_complaints, database_url(request.app), filters))


def _queue(url: str) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        rows = list(
            session.execute(
                select(Complaint).where(Complaint.status.in_(ACTIVE_STATUSES))
            ).scalars()
        )
        rows.sort(key=lambda c: (c.status != "escalated", -c.severity, c.due_at, c.id))
        return [_queue_item(row, now) for row in rows]


@console_routes.route("/api/queue", methods=["GET"])
@api()
async def queue(request: Request, principal: Principal) -> HTTPResponse:
    return response.json(await run_db(_queue, database_url(request.app)))


async def _transcript(app: Sanic, sender_id: str) -> tuple[list[dict[str, Any]], str | None]:
    """The customer's and the bot's turns from the Rasa tracker, and a problem if any."""
    agent = getattr(app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None) if agent is not None else None
    if store is None:
        return [], "The conversation store is not available."
    try:
        # Rasa's tracker stores are async in name only (synchronous SQL or Redis inside), so
        # the read runs on a worker thread with a loop of its own, not on the customers' loop.
        tracker = await run_db(asyncio.run, store.retrieve(sender_id))
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


def _detail(url: str, ticket: str) -> tuple[dict[str, Any], list[Any], list[Any], str]:
    """(complaint, events, agent and held customer turns, sender id) of ``ticket``."""
    with session_scope(url) as session:
        complaint = _load(session, ticket)
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
        return data, event_dicts, agent_turns, complaint.sender_id


@console_routes.route("/api/complaints/<ticket:str>", methods=["GET"])
@api()
async def complaint_detail(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    data, event_dicts, agent_turns, sender_id = await run_db(
        _detail, database_url(request.app), ticket
    )
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


def _load(session: Any, ticket: str) -> Complaint:
    complaint = get_by_ticket(session, ticket)
    if complaint is None:
        raise ApiError(404, "No complaint with that ticket.")
    return complaint


@console_routes.route("/api/complaints/<ticket:str>/claim", methods=["POST"])
@api()
async def claim(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    await _handoff(handoff.take_over, request.app, ticket, principal.username)
    return response.json({"ticket": ticket, "claimed_by": principal.username})


@console_routes.route("/api/complaints/<ticket:str>/reply", methods=["POST"])
@api()
async def reply(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(ReplyRequest, json_body(request))
    await _handoff(
        handoff.send_agent_message,
        request.app,
        ticket,
        principal.username,
        body.text,
        retry_seconds=settings_of(request.app).db_retry_seconds,
    )
    return response.json({"ticket": ticket, "sent": True})


@console_routes.route("/api/complaints/<ticket:str>/hand-back", methods=["POST"])
@api()
async def hand_back(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    await _handoff(handoff.hand_back, request.app, ticket, principal.username)
    return response.json({"ticket": ticket, "handed_back": True})


def _add_note(url: str, ticket: str, actor: str, text: str) -> str:
    with session_scope(url) as session:
        complaint = _load(session, ticket)
        append_event(session, complaint, "note", actor, {"text": text})
        return complaint.ticket


@console_routes.route("/api/complaints/<ticket:str>/note", methods=["POST"])
@api()
async def note(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(NoteRequest, json_body(request))
    noted = await run_db(_add_note, database_url(request.app), ticket, principal.actor, body.text)
    return response.json({"ticket": noted, "noted": True}, status=201)


def _reassign(url: str, ticket: str, actor: str, username: str) -> dict[str, Any]:
    with session_scope(url) as session:
        complaint = _load(session, ticket)
        target = get_agent(session, username)
        if target is None or not target.active or target.role not in AGENT_ROLES:
            raise ApiError(422, "There is no active agent with that username.")
        if complaint.status == "closed":
            raise ApiError(409, "The complaint is closed.")
        previous = complaint.assigned_agent
        complaint.assigned_agent = target.username
        append_event(
            session, complaint, "reassigned", actor, {"from": previous, "to": target.username}
        )
        moved = handoff.move_hold(session, complaint, target, actor)
        return {"ticket": complaint.ticket, "assigned_agent": target.username, "message": moved}


@console_routes.route("/api/complaints/<ticket:str>/reassign", methods=["POST"])
@api()
async def reassign(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(
        ReassignRequest, json_body(request), "Field 'username' must be a non-empty string."
    )
    url = database_url(request.app)
    return response.json(await run_db(_reassign, url, ticket, principal.actor, body.username))


@console_routes.route("/api/complaints/<ticket:str>/resolve", methods=["POST"])
@api()
async def resolve(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(ResolveRequest, json_body(request))
    moved = await _handoff(
        handoff.settle, request.app, ticket, "resolved", principal.actor, body.note
    )
    return response.json(moved)


@console_routes.route("/api/complaints/<ticket:str>/close", methods=["POST"])
@api()
async def close(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    return response.json(
        await _handoff(handoff.settle, request.app, ticket, "closed", principal.actor, None)
    )


#: Said when the app was started without the Rasa glue (a bare staff app): only the tables.
DATABASE_ONLY = (
    "only the database tables were covered: run `python -m bot customers erase|export "
    "SENDER_ID` to reach the outbox, the event queue and the project's copies as well"
)


@console_routes.route("/api/customers/<sender_id:str>/export", methods=["GET"])
@api(roles=("admin",))
async def customer_export(request: Request, principal: Principal, sender_id: str) -> HTTPResponse:
    records = getattr(request.app.ctx, "customer_records", None)
    if records is not None:
        data = await run_db(records.export, sender_id)
    else:
        data = await run_db(export_customer, sender_id, database_url(request.app))
        data["to_do"] = [DATABASE_ONLY]
    if not any(data["tables"].values()):
        raise ApiError(404, "Nothing is stored about that customer.")
    return response.json(data, headers={"Cache-Control": "no-store"})


@console_routes.route("/api/customers/<sender_id:str>", methods=["DELETE"])
@api(roles=("admin",))
async def customer_erase(request: Request, principal: Principal, sender_id: str) -> HTTPResponse:
    records = getattr(request.app.ctx, "customer_records", None)
    if records is not None:
        erased = await run_db(records.erase, sender_id, principal.actor)
    else:
        receipt = await run_db(
            erase_customer,
            sender_id,
            principal.actor,
            database_url(request.app),
            settings_of(request.app).secret_key,
        )
        erased = {**receipt.as_dict(), "total": receipt.total, "to_do": [DATABASE_ONLY]}
    if not erased["total"]:
        raise ApiError(404, "Nothing is stored about that customer.")
    return response.json(erased)


def _account_change(url: str, username: str, change: str) -> dict[str, Any]:
    with session_scope(url) as session:
        if change == "deactivate":
            return {"username": username, "active": False,
                    "revoked": deactivate_agent(session, username)}  # fmt: skip
        if change == "activate":
            activate_agent(session, username)
            return {"username": username, "active": True, "revoked": 0}
        return {"username": username, "revoked": revoke_tokens(session, username)}


_ACCOUNT_CHANGES = ("deactivate", "activate", "revoke-tokens")


@console_routes.route("/api/agents/<username:str>/<change:str>", methods=["POST"])
@api(roles=("admin",))
async def account_change(
    request: Request, principal: Principal, username: str, change: str
) -> HTTPResponse:
    """An admin closes or reopens a staff account, or signs it out everywhere."""
    if change not in _ACCOUNT_CHANGES:
        raise ApiError(404, f"Use one of: {', '.join(_ACCOUNT_CHANGES)}.")
    if change == "deactivate" and username.strip().lower() == principal.username:
        raise ApiError(409, "You cannot deactivate your own account.")
    try:
        done = await run_db(_account_change, database_url(request.app), username, change)
    except StoreError as problem:
        raise ApiError(404, str(problem)) from None
    return response.json(done)


@console_routes.route("/api/tokens/current", methods=["DELETE"])
@api()
async def revoke_current_token(request: Request, principal: Principal) -> HTTPResponse:
    """Revoke the API token this request carries (a script signing itself out)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if principal.via != "api" or scheme.lower() != "bearer" or not token.strip():
        raise ApiError(400, "Send the API token to revoke as 'Authorization: Bearer <token>'.")
    await run_db(revoke_token, database_url(request.app), token.strip())
    return response.empty(status=204)


# --------------------------------------------------------------------------- console pages


async def _console_refusal(request: Request) -> HTTPResponse | None:
    principal = await principal_of(request)
    if principal is None and request.path == "/console":
        return response.redirect("/console/login", status=303)
    if principal is None:
        raise ApiError(401, "Sign in first.")
    if principal.role not in AGENT_ROLES:
        raise ApiError(403, f"Your role ({principal.role}) may not use the agent console.")
    return None


_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}


def read_file(path: Path) -> bytes | None:
    """The bytes of ``path``, or None when it is not a file (call it through run_db)."""
    return path.read_bytes() if path.is_file() else None


@console_routes.route("/console", methods=["GET"])
async def console_page(request: Request) -> HTTPResponse:
    refused = await _console_refusal(request)
    if refused is not None:
        return refused
    page = await run_db(read_file, CONSOLE_DIR / "index.html")
    if page is None:
        raise ApiError(404, "No such console file.")
    return response.raw(page, content_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


@console_routes.route("/console/static/<name:str>", methods=["GET"])
async def console_asset(request: Request, name: str) -> HTTPResponse:
    await _console_refusal(request)
    content_type = _ASSETS.get(name)
    data = await run_db(read_file, CONSOLE_DIR / name) if content_type is not None else None
    if content_type is None or data is None:
        raise ApiError(404, "No such console file.")
    return response.raw(data, content_type=content_type, headers=_PAGE_HEADERS)


@console_routes.route("/console/shared/<name:str>", methods=["GET"])
async def console_shared(request: Request, name: str) -> HTTPResponse:
    """The front end's shared ES modules (:mod:`bot.web.shared_assets`), to agents."""
    await _console_refusal(request)
    data = await run_db(shared_module, name)
    if data is None:
        raise ApiError(404, "No such console file.")
    return response.raw(data, content_type=JS_CONTENT_TYPE, headers=_PAGE_HEADERS)


@console_routes.listener("after_server_start")
async def _start_presence_watch(app: Sanic, loop: Any) -> None:
    """Conversations of agents whose console went away go back to the queue."""
    seconds = app.ctx.settings.agent_disconnect_seconds
    await start_presence_watch(app, database_url(app), seconds)


@console_routes.listener("before_server_stop")
async def _stop_presence_watch(app: Sanic, loop: Any) -> None:
    await stop_presence_watch(app)


__all__ = ["SESSION_COOKIE", "console_routes"]
