"""The agent console (``/console``) and its JSON API (``/api/``).

One blueprint, :data:`console_routes`, mounted by the staff app (:mod:`bot.web.staff`).
Every API route answers JSON: 401 signed out, 403 wrong role or
missing CSRF token, 400/404/409/413/422 for bad input, never a traceback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from functools import wraps
from pathlib import Path
from typing import Any, Optional

from pydantic import (
    BaseModel,
    ConstrainedStr,
    StrictBool,
    StrictStr,
    conint,
    constr,
    validator,
)
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import or_, select

from bot import handoff
from bot.dialogue.deadlines import format_deadline
from bot.handoff import csat, replies
from bot.handoff.presence import start_watch as start_presence_watch
from bot.handoff.presence import stop_watch as stop_presence_watch
from bot.policy.clocks import CLOCK_STATES
from bot.store import (
    ACTIVE_STATUSES,
    STATUSES,
    Complaint,
    activate_agent,
    append_event,
    complaint_to_dict,
    deactivate_agent,
    duty_state,
    event_to_dict,
    events_for,
    get_agent,
    get_by_ticket,
    is_present,
    mark_seen,
    read_scope,
    revoke_tokens,
    session_scope,
    set_on_duty,
)
from bot.store.blocking import run_staff_db
from bot.store.canned import PLACEHOLDERS, delete_canned, list_canned, save_canned
from bot.store.clock_view import clocks_of, urgency
from bot.store.db import StoreError
from bot.store.erasure import erase_customer, export_customer
from bot.store.inbox import (
    CUSTOMER_KINDS,
    DEADLINES,
    LIVE_WINDOW,
    MESSAGE_KINDS,
    NEAR_DEADLINE,
    VIEWS,
    InboxFilters,
    inbox_counts,
    inbox_rows,
    latest_event_id,
    team_counts,
)
from bot.store.register import record_extension
from bot.store.retry import is_transient, retry_db_async
from bot.store.tables import (
    CANNED_TEXT_LENGTH,
    CANNED_TITLE_LENGTH,
    OUTCOMES,
    Agent,
    ComplaintEvent,
    utcnow,
)
from bot.text.clean import MAX_MESSAGE_CHARS as MAX_REPLY_CHARS
from bot.text.clean import remove_controls
from bot.text.languages import languages
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
from bot.web.inbox_pages import SharedPages
from bot.web.shared_assets import JS_CONTENT_TYPE, shared_module_response
from bot.web.staff_push import StaffPush

logger = logging.getLogger(__name__)

CONSOLE_DIR = Path(__file__).resolve().parent / "static" / "console"
MAX_NOTE_CHARS = 2000
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_QUERY_CHARS = 200

I18N_FILE = Path(__file__).resolve().parent / "i18n" / "console.json"
#: Modules of the complaint's detail pane that other parts of the product may add; each
#: registers its panel with ``panels.js`` (see docs/architecture.md, "The agent console").
PANEL_MODULES: tuple[str, ...] = ("history.js", "delivery.js", "commitments.js")

_ASSETS: dict[str, str] = {
    "console.js": JS_CONTENT_TYPE,
    "panels.js": JS_CONTENT_TYPE,
    "alerts.js": JS_CONTENT_TYPE,
    "console.css": "text/css; charset=utf-8",
    **{name: JS_CONTENT_TYPE for name in PANEL_MODULES},
}

console_routes = Blueprint("staff_console")


# --------------------------------------------------------------------------- helpers


#: The console's heartbeat is written at most this often, and at least four times within the
#: time after which an agent counts as gone (``agent_disconnect_seconds``): every API call
#: marks its agent seen, and a write per call was a write transaction per console request.
HEARTBEAT_EVERY = timedelta(seconds=10)


def _sign_in(url: str, principal: Principal, every: timedelta = HEARTBEAT_EVERY) -> None:
    """Mark the agent seen, unless it was within ``every``: the console's heartbeat."""
    with read_scope(url) as session:  # most calls: no write, and so no write lock
        agent = session.get(Agent, principal.agent_id)
        seen = agent.last_seen_at if agent is not None else None
        if agent is None or (seen is not None and utcnow() - seen < every):
            return
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
                gone = settings_of(request.app).agent_disconnect_seconds
                every = min(HEARTBEAT_EVERY, timedelta(seconds=gone / 4))
                await run_staff_db(_sign_in, database_url(request.app), principal, every)
                return principal

            try:
                # A briefly unavailable database delays the call instead of failing it.
                principal = await retry_db_async(sign_in, settings_of(request.app).db_retry_seconds)
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


class ExtensionRequest(BaseModel):
    """A longer statutory resolution deadline, where the complaint's jurisdiction allows one
    (Serbia: once, with the consumer's consent, which is recorded)."""

    new_due_at: datetime
    consent: StrictBool

    @validator("new_due_at")
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must say its time zone, e.g. 2026-12-20T16:00:00+01:00")
        return value


class NoteRequest(BaseModel):
    text: NoteText
    _text = validator("text", allow_reuse=True)(_not_blank)


class ResolveRequest(BaseModel):
    note: NoteText
    #: The outcome for the register, told to the customer (bot.store.tables.OUTCOMES).
    outcome: Optional[StrictStr] = None  # noqa: UP045 (pydantic reads it at run time)
    _note = validator("note", allow_reuse=True)(_not_blank)

    @validator("outcome")
    def _outcome(cls, value: str | None) -> str | None:
        if value is not None and value not in OUTCOMES:
            raise ValueError(f"must be one of {', '.join(OUTCOMES)}")
        return value


class DutyRequest(BaseModel):
    on_duty: StrictBool


class ReassignRequest(BaseModel):
    username: StrictStr
    #: Reassign even though the agent is not on duty (the console asks first).
    even_off_duty: StrictBool = False

    @validator("username")
    def _username(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a non-empty string")
        return value.strip().lower()


class QueryText(ConstrainedStr):
    max_length = MAX_QUERY_CHARS


def _optional_choice(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    """A filter that is one of ``choices``, or none when empty."""
    if value and value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}")
    return value or None


class ComplaintsQuery(BaseModel):
    """``GET /api/complaints``: filters and the page size."""

    sender_id: str | None = None
    status: str | None = None
    q: QueryText = QueryText("")
    limit: conint(ge=1, le=MAX_LIMIT) = DEFAULT_LIMIT  # type: ignore[valid-type]

    @validator("status")
    def _status(cls, value: str | None) -> str | None:
        return _optional_choice("status", value, STATUSES)

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
    item["clocks"] = clocks_of(complaint, now)
    item["urgency"] = urgency(item["clocks"])
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
    with read_scope(url) as session:
        agent = session.get(Agent, agent_id)
        return bool(agent.on_duty) if agent is not None else False


@console_routes.route("/api/me", methods=["GET"])
@api()
async def me(request: Request, principal: Principal) -> HTTPResponse:
    on_duty = await run_staff_db(_on_duty, database_url(request.app), principal.agent_id)
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
    await run_staff_db(_set_duty, database_url(request.app), principal.agent_id, body.on_duty)
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
    with read_scope(url) as session:
        return [complaint_to_dict(row) for row in session.execute(query).scalars()]


@console_routes.route("/api/complaints", methods=["GET"])
@api()
async def complaints(request: Request, principal: Principal) -> HTTPResponse:
    filters = parse(ComplaintsQuery, query_of(request.args))
    return response.json(await run_staff_db(_find_complaints, database_url(request.app), filters))


def _queue(url: str) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    with read_scope(url) as session:
        rows = list(
            session.execute(
                select(Complaint).where(Complaint.status.in_(ACTIVE_STATUSES))
            ).scalars()
        )
        items = [_queue_item(row, now) for row in rows]
        # A clock about to run out raises a complaint one step, one run out two; escalation
        # counts one step too. Then escalated first, then severity, then the SLA's due time.
        items.sort(
            key=lambda item: (
                -(CLOCK_STATES.index(item["urgency"]) + (item["status"] == "escalated")),
                item["status"] != "escalated",
                -item["severity"],
                item["due_at"],
                item["ticket"],
            )
        )
        return items


@console_routes.route("/api/queue", methods=["GET"])
@api()
async def queue(request: Request, principal: Principal) -> HTTPResponse:
    return response.json(await run_staff_db(_queue, database_url(request.app)))


# --------------------------------------------------------------------------- the inbox

MAX_INBOX_LIMIT = 200
MAX_OFFSET = 1_000_000
PREVIEW_CHARS = 140
_SLUG = r"^[a-z0-9_]{1,64}$"


class InboxQuery(BaseModel):
    """``GET /api/inbox``: a view, filters, search and one page."""

    view: str = "needs_person"
    status: str | None = None
    language: str | None = None
    category: constr(regex=_SLUG) | None = None  # type: ignore[valid-type]
    deadline: str | None = None
    q: QueryText = QueryText("")
    limit: conint(ge=1, le=MAX_INBOX_LIMIT) = DEFAULT_LIMIT  # type: ignore[valid-type]
    offset: conint(ge=0, le=MAX_OFFSET) = 0  # type: ignore[valid-type]

    @validator("view")
    def _view(cls, value: str) -> str:
        if value not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}")
        return value

    @validator("status")
    def _status(cls, value: str | None) -> str | None:
        return _optional_choice("status", value, STATUSES)

    @validator("language")
    def _language(cls, value: str | None) -> str | None:
        return _optional_choice("language", value, tuple(languages().codes))

    @validator("deadline")
    def _deadline(cls, value: str | None) -> str | None:
        return _optional_choice("deadline", value, DEADLINES)

    @validator("category", pre=True)
    def _category(cls, value: object) -> object:
        return value or None

    @validator("limit", "offset", pre=True)
    def _whole(cls, value: object) -> object:
        if isinstance(value, str) and not value.isdigit():
            raise ValueError("must be a whole number")
        return value


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1] + "…"


def _language_code(complaint: Complaint) -> str:
    try:
        return languages().for_slots(complaint.language, complaint.script).code
    except (KeyError, ValueError, LookupError):
        return str(complaint.language)


def _inbox_row(
    complaint: Complaint, events: list[ComplaintEvent], holder: str, now: datetime
) -> dict[str, Any]:
    item = _queue_item(complaint, now)
    item["language_code"] = _language_code(complaint)
    item["holder"] = holder
    last_in = max((e.created_at for e in events if e.kind in CUSTOMER_KINDS), default=None)
    last_out = max((e.created_at for e in events if e.kind == "message_agent"), default=None)
    messages = [e for e in events if e.kind in MESSAGE_KINDS]
    last = messages[-1] if messages else None
    item["last_message"] = {
        "from": "agent" if last is not None and last.kind == "message_agent" else "customer",
        "text": _preview(str((last.data or {}).get("text", "")) if last else complaint.description),
        "at": _iso(last.created_at if last is not None else complaint.created_at),
    }
    answered = last_out is not None and (last_in is None or last_out >= last_in)
    item["waiting_since"] = None if answered or last_in is None else _iso(last_in)
    item["waited_minutes"] = (
        None if answered or last_in is None else int((now - last_in).total_seconds() // 60)
    )
    item["unread"] = sum(
        1
        for e in events
        if e.kind == "message_customer" and (last_out is None or e.created_at > last_out)
    )
    item["live"] = last_in is not None and last_in >= now - LIVE_WINDOW
    item.setdefault("customer_online", None)
    return item


def _inbox(url: str, query: InboxQuery, username: str, pages: SharedPages) -> dict[str, Any]:
    """One page of the inbox for ``username``; its rows shared with the other consoles that
    ask for the same page before anything changes (:mod:`bot.web.inbox_pages`)."""
    now = datetime.now(timezone.utc)
    language = languages().get(query.language) if query.language else None
    filters = InboxFilters(
        view=query.view,
        status=query.status,
        language=(language.slot, language.script) if language else None,
        category=query.category,
        deadline=query.deadline,
        q=str(query.q),
        limit=query.limit,
        offset=query.offset,
    )
    # the rows of the "mine" view are the agent's own; every other view's are everyone's
    key = (filters, username if filters.view == "mine" else None)
    # the team's counts are the same for every view and page under the same filters
    team_key = ("counts", dataclasses.replace(filters, view="all", limit=0, offset=0))
    with read_scope(url) as session:
        version = latest_event_id(session)  # read first: rows read after it are as new
        team = pages.get_value(team_key, version)
        if team is None:
            team = team_counts(session, filters, now)
            pages.put_value(team_key, version, team)
        tallies = inbox_counts(session, filters, username, now, team)
        items = pages.get(key, version)
        if items is None:
            items = [
                _inbox_row(row, events, handoff.holder_in(events), now)
                for row, events in inbox_rows(session, filters, username, now)
            ]
            pages.put(key, version, items)
    return {
        "items": items,
        "total": tallies.counts.get(filters.view, 0),
        "limit": query.limit,
        "offset": query.offset,
        "view": query.view,
        "counts": tallies.counts,
        "attention": tallies.counts["needs_person"] + tallies.mine_unread,
        "facets": {
            "statuses": list(STATUSES),
            "languages": list(languages().codes),
            "categories": tallies.categories,
            "deadlines": list(DEADLINES),
        },
    }


@console_routes.route("/api/inbox", methods=["GET"])
@api()
async def inbox(request: Request, principal: Principal) -> HTTPResponse:
    """One page of a view of the inbox, with each view's count (for the tabs)."""
    filters = parse(InboxQuery, query_of(request.args))
    data = await run_staff_db(
        _inbox, database_url(request.app), filters, principal.username, request.app.ctx.inbox_pages
    )
    for item in data["items"]:  # who has the widget open on this server: in memory, no I/O
        item["customer_online"] = handoff.customer_online(request.app, item["sender_id"])
    return response.json(data, headers={"Cache-Control": "no-store"})


async def _transcript(app: Sanic, sender_id: str) -> tuple[list[dict[str, Any]], str | None]:
    """The customer's and the bot's turns from the Rasa tracker, and a problem if any."""
    agent = getattr(app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None) if agent is not None else None
    if store is None:
        return [], "The conversation store is not available."
    try:
        # Rasa's tracker stores are async in name only (synchronous SQL or Redis inside), so
        # the read runs on a worker thread with a loop of its own, not on the customers' loop.
        tracker = await run_staff_db(asyncio.run, store.retrieve(sender_id))
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
        if kind == "bot" and (getattr(event, "metadata", None) or {}).get("sender") == "agent":
            continue  # an agent's reply kept in the conversation: shown from its event
        moment = datetime.fromtimestamp(float(event.timestamp), tz=timezone.utc)
        turns.append(
            {
                "role": "customer" if kind == "user" else "bot",
                "text": event.text,
                "at": moment.isoformat(),
            }
        )
    return turns, None


def allowed_actions(status: str, holder: str, username: str) -> dict[str, bool]:
    """What the agent ``username`` may do with a complaint now: the console's buttons follow
    this, and the routes refuse the rest."""
    active = status in ACTIVE_STATUSES
    mine = holder == f"agent:{username}"
    return {
        "claim": active and not mine,
        "reply": active and mine,
        "hand_back": active and holder != handoff.BOT,
        "resolve": active,
        "close": active,
        "reassign": active,
        "note": True,
    }


def _detail(
    url: str, ticket: str, username: str, display_name: str, zone: str
) -> tuple[dict[str, Any], list[Any], list[Any], str]:
    """(complaint, events, agent and held customer turns, sender id) of ``ticket``."""
    with read_scope(url) as session:
        complaint = _load(session, ticket)
        data = complaint_to_dict(complaint)
        data["assigned_agent"] = complaint.assigned_agent
        now = datetime.now(timezone.utc)
        data.update(deadline_info(complaint, now))
        data["clocks"] = clocks_of(complaint, now)
        data["urgency"] = urgency(data["clocks"])
        events = events_for(session, complaint)
        holder = handoff.holder_in(events)
        data["holder"] = holder
        data["language_code"] = _language_code(complaint)
        data["actions"] = allowed_actions(complaint.status, holder, username)
        data["placeholders"] = {
            "ticket": complaint.ticket,
            "name": display_name,
            "deadline": format_deadline(
                complaint.due_at, complaint.language, complaint.script, zone
            ),
        }
        event_dicts = [event_to_dict(entry) for entry in events]
        # How each reply reached the customer (widget, e-mail, pending, failed, call task).
        delivery = replies.reply_states(session, complaint)
        data["contact_kind"] = replies.contact_kind(complaint.contact)
        agent_turns = [
            {
                "role": "agent",
                "agent": entry.actor.removeprefix("agent:"),
                "text": str((entry.data or {}).get("text", "")),
                "at": _iso(entry.created_at),
                "event_id": entry.id,
                "delivery": delivery.get(entry.id),
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
                "via": (entry.data or {}).get("via", "widget"),
            }
            for entry in events
            if entry.kind == "message_customer"
        ]
        # What the bot told the customer outside Rasa (waiting notices, take-over, hand-back,
        # resolution, the satisfaction question): bot.handoff keeps it as these events.
        agent_turns += [
            {
                "role": "bot",
                "text": str((entry.data or {}).get("text", "")),
                "at": _iso(entry.created_at),
            }
            for entry in events
            if entry.kind == "message_bot" and (entry.data or {}).get("notice")
        ]
        return data, event_dicts, agent_turns, complaint.sender_id


@console_routes.route("/api/complaints/<ticket:str>", methods=["GET"])
@api()
async def complaint_detail(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    data, event_dicts, agent_turns, sender_id = await run_staff_db(
        _detail,
        database_url(request.app),
        ticket,
        principal.username,
        principal.display_name,
        settings_of(request.app).timezone,
    )
    turns, problem = await _transcript(request.app, sender_id)
    transcript = sorted(turns + agent_turns, key=lambda turn: turn["at"] or "")
    return response.json(
        {
            "customer_online": handoff.customer_online(request.app, sender_id),
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
    settings = settings_of(request.app)
    sent = await _handoff(
        handoff.send_agent_message,
        request.app,
        ticket,
        principal.username,
        body.text,
        retry_seconds=settings.db_retry_seconds,
        reply_to=settings.mail_reply_to or None,
    )
    mailer = getattr(request.app.ctx, "mailer", None)
    if sent["via"] == "email" and mailer is not None:
        mailer.wake.set()  # send now, not at the next scan
    return response.json({"ticket": ticket, "sent": True, **sent})


@console_routes.route("/api/complaints/<ticket:str>/typing", methods=["POST"])
@api()
async def typing(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    """The agent is writing a reply: the customer's widget shows typing dots (the console
    sends this at most every few seconds while the agent types)."""
    await _handoff(handoff.agent_typing, request.app, ticket, principal.username)
    return response.json({"ticket": ticket, "typing": True})


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
    noted = await run_staff_db(
        _add_note, database_url(request.app), ticket, principal.actor, body.text
    )
    return response.json({"ticket": noted, "noted": True}, status=201)


def _extend(url: str, ticket: str, actor: str, body: ExtensionRequest) -> dict[str, Any]:
    with session_scope(url) as session:
        complaint = _load(session, ticket)
        if complaint.status in ("resolved", "closed"):
            raise ApiError(409, f"The complaint is {complaint.status}.")
        try:
            record_extension(
                session, complaint, new_due_at=body.new_due_at, consent=body.consent, actor=actor
            )
        except StoreError as refused:
            raise ApiError(409, f"The deadline cannot be extended: {refused}.") from None
        return {
            "ticket": complaint.ticket,
            "extension_due_at": _iso(complaint.extension_due_at),
            "consent": complaint.extension_consent,
        }


@console_routes.route("/api/complaints/<ticket:str>/extension", methods=["POST"])
@api()
async def extension(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(ExtensionRequest, json_body(request))
    extended = await run_staff_db(_extend, database_url(request.app), ticket, principal.actor, body)
    return response.json(extended, status=201)


def _reassign(
    url: str, ticket: str, actor: str, username: str, even_off_duty: bool
) -> dict[str, Any]:
    with session_scope(url) as session:
        complaint = _load(session, ticket)
        target = get_agent(session, username)
        if target is None or not target.active or target.role not in AGENT_ROLES:
            raise ApiError(422, "There is no active agent with that username.")
        if complaint.status in ("resolved", "closed"):
            raise ApiError(409, f"The complaint is {complaint.status}.")
        state = duty_state(target)
        if not is_present(target) and not even_off_duty:
            raise ApiError(
                409,
                f"{target.display_name} is {state}: they will not see this complaint until "
                "they are back. Reassign anyway, or choose an agent on duty.",
                off_duty=True,
                duty=state,
            )
        previous = complaint.assigned_agent
        complaint.assigned_agent = target.username
        append_event(
            session, complaint, "reassigned", actor, {"from": previous, "to": target.username}
        )
        moved = handoff.move_hold(session, complaint, target, actor)
        return {
            "ticket": complaint.ticket,
            "assigned_agent": target.username,
            "display_name": target.display_name,
            "duty": state,
            "message": moved,
        }


@console_routes.route("/api/complaints/<ticket:str>/reassign", methods=["POST"])
@api()
async def reassign(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(
        ReassignRequest, json_body(request), "Field 'username' must be a non-empty string."
    )
    url = database_url(request.app)
    moved = await run_staff_db(
        _reassign, url, ticket, principal.actor, body.username, body.even_off_duty
    )
    return response.json(moved)


def _agents(url: str) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    with read_scope(url) as session:
        rows = (
            session.query(Agent)
            .filter(Agent.active.is_(True), Agent.role.in_(AGENT_ROLES))
            .order_by(Agent.display_name, Agent.username)
        )
        return [
            {
                "username": agent.username,
                "display_name": agent.display_name,
                "duty": duty_state(agent, now),
                "on_duty": is_present(agent, now),
            }
            for agent in rows
        ]


@console_routes.route("/api/agents", methods=["GET"])
@api()
async def agents(request: Request, principal: Principal) -> HTTPResponse:
    """The agents a complaint can be given to, with whether they are really on duty."""
    return response.json(await run_staff_db(_agents, database_url(request.app)))


# --------------------------------------------------------------------------- canned replies


class CannedQuery(BaseModel):
    language: str | None = None
    q: QueryText = QueryText("")

    @validator("language")
    def _language(cls, value: str | None) -> str | None:
        return _optional_choice("language", value, tuple(languages().codes))


class CannedTitle(_Text):
    max_length = CANNED_TITLE_LENGTH


class CannedText(_Text):
    max_length = CANNED_TEXT_LENGTH


class CannedRequest(BaseModel):
    language: StrictStr
    title: CannedTitle
    text: CannedText
    _title = validator("title", allow_reuse=True)(_not_blank)
    _body = validator("text", allow_reuse=True)(_not_blank)

    @validator("language")
    def _language(cls, value: str) -> str:
        codes = languages().codes
        if value not in codes:
            raise ValueError(f"must be one of {', '.join(codes)}")
        return value

    @validator("text")
    def _placeholders(cls, value: str) -> str:
        for name in re.findall(r"\{([^{}]*)\}", value):
            if name not in PLACEHOLDERS:
                allowed = ", ".join("{" + known + "}" for known in PLACEHOLDERS)
                raise ValueError(f"unknown placeholder {{{name}}}: use {allowed}")
        return value


def _list_canned(url: str, query: CannedQuery) -> list[dict[str, Any]]:
    with read_scope(url) as session:
        return list_canned(session, query.language, query.q)


def _save_canned(url: str, body: CannedRequest, actor: str, reply_id: int | None) -> Any:
    with session_scope(url) as session:
        try:
            return save_canned(
                session,
                language=body.language,
                title=body.title,
                text=body.text,
                actor=actor,
                reply_id=reply_id,
            )
        except LookupError:
            raise ApiError(404, "No canned reply with that number.") from None


def _delete_canned(url: str, reply_id: int) -> None:
    with session_scope(url) as session:
        try:
            delete_canned(session, reply_id)
        except LookupError:
            raise ApiError(404, "No canned reply with that number.") from None


@console_routes.route("/api/canned", methods=["GET"])
@api()
async def canned(request: Request, principal: Principal) -> HTTPResponse:
    """Canned replies, in one language, matching a search."""
    query = parse(CannedQuery, query_of(request.args))
    return response.json(await run_staff_db(_list_canned, database_url(request.app), query))


@console_routes.route("/api/canned", methods=["POST"])
@api(roles=("admin",))
async def canned_create(request: Request, principal: Principal) -> HTTPResponse:
    body = parse(CannedRequest, json_body(request))
    saved = await run_staff_db(_save_canned, database_url(request.app), body, principal.actor, None)
    return response.json(saved, status=201)


def _reply_id(value: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise ApiError(404, "No canned reply with that number.")
    return int(value)


@console_routes.route("/api/canned/<reply_id:str>", methods=["PUT"])
@api(roles=("admin",))
async def canned_update(request: Request, principal: Principal, reply_id: str) -> HTTPResponse:
    number = _reply_id(reply_id)
    body = parse(CannedRequest, json_body(request))
    saved = await run_staff_db(
        _save_canned, database_url(request.app), body, principal.actor, number
    )
    return response.json(saved)


@console_routes.route("/api/canned/<reply_id:str>", methods=["DELETE"])
@api(roles=("admin",))
async def canned_delete(request: Request, principal: Principal, reply_id: str) -> HTTPResponse:
    await run_staff_db(_delete_canned, database_url(request.app), _reply_id(reply_id))
    return response.empty(status=204)


@console_routes.route("/api/complaints/<ticket:str>/resolve", methods=["POST"])
@api()
async def resolve(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(ResolveRequest, json_body(request))
    settle = functools.partial(handoff.settle, **_settle_mail(request.app))
    moved = await _handoff(
        settle, request.app, ticket, "resolved", principal.actor, body.note, body.outcome
    )
    return response.json(moved)


@console_routes.route("/api/complaints/<ticket:str>/close", methods=["POST"])
@api()
async def close(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    settle = functools.partial(handoff.settle, **_settle_mail(request.app))
    closed = await _handoff(settle, request.app, ticket, "closed", principal.actor, None)
    return response.json(closed)


def _settle_mail(app: Sanic) -> dict[str, Any]:
    """How :func:`bot.handoff.settle` e-mails a customer who has left: the rating link of this
    installation's public address, and the reply-to address."""
    settings = settings_of(app)
    return {
        "rating_link": functools.partial(
            csat.rating_link, settings.public_base_url, secret_key=settings.secret_key
        ),
        "reply_to": settings.mail_reply_to or None,
    }


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
        data = await run_staff_db(records.export, sender_id)
    else:
        data = await run_staff_db(export_customer, sender_id, database_url(request.app))
        data["to_do"] = [DATABASE_ONLY]
    if not any(data["tables"].values()):
        raise ApiError(404, "Nothing is stored about that customer.")
    return response.json(data, headers={"Cache-Control": "no-store"})


@console_routes.route("/api/customers/<sender_id:str>", methods=["DELETE"])
@api(roles=("admin",))
async def customer_erase(request: Request, principal: Principal, sender_id: str) -> HTTPResponse:
    records = getattr(request.app.ctx, "customer_records", None)
    if records is not None:
        erased = await run_staff_db(records.erase, sender_id, principal.actor)
    else:
        receipt = await run_staff_db(
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
        done = await run_staff_db(_account_change, database_url(request.app), username, change)
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
    await run_staff_db(revoke_token, database_url(request.app), token.strip())
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
    """The bytes of ``path``, or None when it is not a file (call it through run_staff_db)."""
    return path.read_bytes() if path.is_file() else None


@console_routes.route("/console", methods=["GET"])
async def console_page(request: Request) -> HTTPResponse:
    refused = await _console_refusal(request)
    if refused is not None:
        return refused
    page = await run_staff_db(read_file, CONSOLE_DIR / "index.html")
    if page is None:
        raise ApiError(404, "No such console file.")
    return response.raw(page, content_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


@console_routes.route("/console/static/<name:str>", methods=["GET"])
async def console_asset(request: Request, name: str) -> HTTPResponse:
    await _console_refusal(request)
    content_type = _ASSETS.get(name)
    data = await run_staff_db(read_file, CONSOLE_DIR / name) if content_type is not None else None
    if content_type is None or data is None:
        raise ApiError(404, "No such console file.")
    return response.raw(data, content_type=content_type, headers=_PAGE_HEADERS)


@console_routes.route("/console/i18n.json", methods=["GET"])
async def console_labels(request: Request) -> HTTPResponse:
    """The console's words in every language (``bot/web/i18n/console.json``)."""
    await _console_refusal(request)
    data = await run_staff_db(read_file, I18N_FILE)
    if data is None:
        raise ApiError(404, "No such console file.")
    return response.raw(data, content_type="application/json; charset=utf-8", headers=_PAGE_HEADERS)


def _present_panels() -> list[str]:
    return [name for name in PANEL_MODULES if (CONSOLE_DIR / name).is_file()]


@console_routes.route("/console/panels", methods=["GET"])
async def console_panels(request: Request) -> HTTPResponse:
    """The detail pane's panel modules this installation has (``PANEL_MODULES``)."""
    await _console_refusal(request)
    return response.json(await run_staff_db(_present_panels), headers=_PAGE_HEADERS)


@console_routes.route("/console/shared/<name:str>", methods=["GET"])
async def console_shared(request: Request, name: str) -> HTTPResponse:
    """The front end's shared ES modules (:mod:`bot.web.shared_assets`), to agents."""
    await _console_refusal(request)
    served = await shared_module_response(name, _PAGE_HEADERS)
    if served is None:
        raise ApiError(404, "No such console file.")
    return served


@console_routes.listener("after_server_start")
async def _start_presence_watch(app: Sanic, loop: Any) -> None:
    """Conversations of agents whose console went away go back to the queue."""
    seconds = app.ctx.settings.agent_disconnect_seconds
    await start_presence_watch(app, database_url(app), seconds)


@console_routes.listener("after_server_start")
async def _start_staff_push(app: Sanic, loop: Any) -> None:
    """Consoles hear of new complaint events over the widget's socket.io server, if it runs
    here (a bare staff app has none: its consoles poll)."""
    sio = getattr(app.ctx, "complaint_sio", None)
    if sio is None:
        return
    push = StaffPush(
        sio, database_url(app), disconnect_seconds=settings_of(app).agent_disconnect_seconds
    )
    push.install()
    push.start()
    app.ctx.staff_push = push


@console_routes.listener("before_server_stop")
async def _stop_presence_watch(app: Sanic, loop: Any) -> None:
    await stop_presence_watch(app)
    push = getattr(app.ctx, "staff_push", None)
    if push is not None:
        await push.stop()


__all__ = ["SESSION_COOKIE", "console_routes"]
