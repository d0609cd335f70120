"""Staff authentication for the agent console and its JSON API.

Two kinds of credentials, both random secrets of which only the SHA-256 is stored
(:class:`bot.store.tables.StaffToken`) with an expiry:

* a console **session**: the ``console_session`` cookie (HttpOnly, SameSite=Strict, Secure on
  https), set by the sign-in form at ``/console/login``. Each session has its own CSRF token;
  state-changing requests made with the cookie must echo it (form field ``csrf_token`` or
  header ``X-CSRF-Token``);
* an **API token**: ``Authorization: Bearer <token>``, issued by ``POST /api/tokens``.

The sign-in form itself is protected with a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, StrictStr
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from bot.store import Agent, authenticate, read_scope, session_scope
from bot.store.blocking import run_staff_db
from bot.store.db import StoreError
from bot.store.tables import StaffToken, utcnow
from bot.web.errors import ApiError
from bot.web.forms import parse
from bot.web.ratelimit import client_ip, rate_limits_of, retry_after

logger = logging.getLogger(__name__)

SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"
SESSION_LIFETIME = timedelta(hours=12)
API_TOKEN_LIFETIME = timedelta(days=30)
#: Roles that may use the console and the complaint routes.
AGENT_ROLES: tuple[str, ...] = ("agent", "admin")
#: Roles that may use the trainer studio (``/studio``).
TRAINER_ROLES: tuple[str, ...] = ("trainer", "admin")
#: Largest request body the console and API accept (bytes).
MAX_BODY_BYTES = 64 * 1024
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_FAILED = "Sign-in failed. Check your username and password."
TOO_MANY = "Too many sign-in attempts. Please wait a few minutes and try again."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def settings_of(app: Sanic) -> Settings:
    """The settings the server was started with (put on ``app.ctx`` once, by the staff app)."""
    settings: Settings = app.ctx.settings
    return settings


def database_url(app: Sanic) -> str:
    """The database the staff app uses: ``app.ctx.console_database_url``, set once when the
    staff app starts (from the settings unless a test set it first)."""
    url = getattr(app.ctx, "console_database_url", None)
    if not isinstance(url, str) or not url:
        raise RuntimeError("the staff app's database is not set: mount it with staff_context()")
    return url


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.scheme == "https" or forwarded.split(",")[0].strip().lower() == "https"


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member of a request."""

    agent_id: int
    username: str
    display_name: str
    role: str
    via: str  # "session" or "api"
    csrf_token: str | None

    @property
    def actor(self) -> str:
        return f"agent:{self.username}"


def error(status: int, message: str, **extra: Any) -> HTTPResponse:
    """The JSON refusal itself, for the few places that answer rather than raise."""
    return ApiError(status, message, **extra).response()


# --------------------------------------------------------------------------- tokens


def issue_token(url: str, agent_id: int, kind: str) -> tuple[str, str | None, str]:
    """A new secret for ``agent_id``: (token, csrf token or None, ISO expiry)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_hex(32) if kind == "session" else None
    lifetime = SESSION_LIFETIME if kind == "session" else API_TOKEN_LIFETIME
    expires = utcnow() + lifetime
    with session_scope(url) as session:
        session.add(
            StaffToken(
                token_hash=hash_token(token),
                agent_id=agent_id,
                kind=kind,
                csrf_token=csrf,
                created_at=utcnow(),
                expires_at=expires,
            )
        )
    return token, csrf, expires.isoformat()


def revoke_token(url: str, token: str) -> None:
    with session_scope(url) as session:
        session.query(StaffToken).filter(StaffToken.token_hash == hash_token(token)).delete()


def _lookup(url: str, token: str, kind: str) -> Principal | None:
    if not token or len(token) > 256:
        return None
    digest = hash_token(token)
    # a read on every staff request: on SQLite it must not take the write lock
    with read_scope(url) as session:
        row = (
            session.query(StaffToken)
            .filter(StaffToken.token_hash == digest, StaffToken.kind == kind)
            .one_or_none()
        )
        if row is None:
            return None
        expired = row.expires_at <= utcnow()
        agent: Agent | None = row.agent
        principal = (
            None
            if expired or agent is None or not agent.active
            else Principal(
                agent_id=agent.id,
                username=agent.username,
                display_name=agent.display_name,
                role=agent.role,
                via=kind,
                csrf_token=row.csrf_token,
            )
        )
    if expired:
        with session_scope(url) as session:
            session.query(StaffToken).filter(StaffToken.token_hash == digest).delete()
    return principal


def _principal_sync(url: str, header: str, cookie: str | None) -> Principal | None:
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return _lookup(url, token.strip(), "api")
    if cookie:
        return _lookup(url, cookie, "session")
    return None


async def principal_of(request: Request) -> Principal | None:
    """Who sent ``request``: a bearer token first, else the console session cookie (looked
    up off the event loop)."""
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not header and not cookie:
        return None
    return await run_staff_db(_principal_sync, database_url(request.app), header, cookie)


def csrf_ok(request: Request, principal: Principal, form_value: str | None = None) -> bool:
    """Whether a state-changing request carries the session's CSRF token (API tokens need
    none: a browser never sends them on its own)."""
    if principal.via != "session":
        return True
    sent = form_value if form_value is not None else request.headers.get("x-csrf-token", "")
    expected = principal.csrf_token or ""
    return bool(sent and expected) and hmac.compare_digest(sent, expected)


def check_role(request: Request, principal: Principal | None, roles: tuple[str, ...]) -> Principal:
    """``principal`` if it may make ``request``; else raise 401 signed out, 403 wrong role or
    missing CSRF token."""
    if principal is None:
        raise ApiError(401, "Sign in first: send a bearer token or the console session cookie.")
    if principal.role not in roles:
        raise ApiError(403, f"Your role ({principal.role}) may not use this.")
    if request.method in UNSAFE_METHODS and not csrf_ok(request, principal):
        raise ApiError(403, "Missing or wrong X-CSRF-Token header.")
    return principal


async def authorised(request: Request, roles: tuple[str, ...] = AGENT_ROLES) -> Principal:
    """The signed-in principal of ``request`` with one of ``roles`` (see :func:`check_role`)."""
    return check_role(request, await principal_of(request), roles)


Handler = Callable[..., Awaitable[HTTPResponse]]


def require(roles: tuple[str, ...] = AGENT_ROLES) -> Callable[[Handler], Handler]:
    """Decorate a route: it is called as ``handler(request, principal, ...)`` once the
    principal is signed in with one of ``roles`` (and sent the CSRF token on unsafe methods)."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            principal = await authorised(request, roles)
            return await handler(request, principal, *args, **kwargs)

        return checked

    return decorate


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; raises 413 too large, 400 not a JSON object."""
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return value


# --------------------------------------------------------------------------- sign-in pages

TEMPLATES = Path(__file__).resolve().parent / "templates"
_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}

auth_routes = Blueprint("staff_auth")


def _set_cookie(resp: HTTPResponse, request: Request, name: str, value: str, max_age: int) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = max_age
    if is_https(request) or settings_of(request.app).is_production:
        cookie["secure"] = True


_NEXT_RE = re.compile(r"/(console|studio)(/[\w\-/.?=&%]*)?")


def safe_next(value: str | None) -> str | None:
    """``value`` if it is a same-origin path of the console or the studio, else None."""
    if not value or len(value) > 300 or not _NEXT_RE.fullmatch(value):
        return None
    return None if "//" in value or ".." in value else value


def landing_page(role: str | None, next_path: str | None) -> str:
    """Where sign-in sends ``role``: a safe ``next`` path, else the studio for trainers."""
    return safe_next(next_path) or ("/studio" if role == "trainer" else "/console")


def page_title(next_path: str | None) -> str:
    """The sign-in page's title, from where the user is going."""
    target = safe_next(next_path) or ""
    if target.startswith("/studio"):
        return "Trainer studio"
    if target.startswith("/console"):
        return "Agent console"
    return "Staff sign-in"


def _read_template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


async def _login_page(
    request: Request, message: str = "", status: int = 200, next_path: str | None = None
) -> HTTPResponse:
    csrf = secrets.token_hex(32)
    template = Template(await run_staff_db(_read_template, "login.html"))
    values = {
        "title": page_title(next_path),
        "message": message,
        "hidden": "" if message else " hidden",
        "csrf": csrf,
        "next": safe_next(next_path) or "",
    }
    page = template.substitute({key: html.escape(value) for key, value in values.items()})
    resp = response.html(page, status=status, headers=dict(_SECURITY_HEADERS))
    _set_cookie(resp, request, LOGIN_CSRF_COOKIE, csrf, 3600)
    return resp


async def _sign_in_wait(request: Request, username: str) -> float | None:
    """Count a sign-in attempt per address, and per username *from that address*: seconds to
    wait, or None. A stranger guessing an agent's password elsewhere cannot lock the agent
    out; guesses from one address are limited either way."""
    address = client_ip(request)
    return await rate_limits_of(request.app).check_all(
        ("login_ip", address), ("login_user", f"{username[:150]}@{address}")
    )


def _authenticate(url: str, username: str, password: str) -> tuple[int, str] | None:
    """(agent id, role) when the password is right (argon2: call it off the loop)."""
    try:
        with session_scope(url) as session:
            agent = authenticate(session, username, password)
            return (agent.id, agent.role) if agent is not None else None
    except StoreError:
        return None


@auth_routes.route("/console/login", methods=["GET"])
async def login_form(request: Request) -> HTTPResponse:
    return await _login_page(request, next_path=request.args.get("next"))


@auth_routes.route("/console/login.css", methods=["GET"])
async def login_css(_: Request) -> HTTPResponse:
    css = await run_staff_db(_read_template, "login.css")
    return response.text(css, content_type="text/css; charset=utf-8")


@auth_routes.route("/console/login", methods=["POST"])
async def login_submit(request: Request) -> HTTPResponse:
    if len(request.body or b"") > MAX_BODY_BYTES:
        return await _login_page(request, LOGIN_FAILED, status=413)
    form = request.form or {}
    next_path = form.get("next")
    sent = form.get("csrf_token") or ""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        return await _login_page(
            request, "The form expired. Please sign in again.", status=403, next_path=next_path
        )
    username = (form.get("username") or "").strip().lower()
    password = form.get("password") or ""
    wait = await _sign_in_wait(request, username)
    if wait is not None:
        resp = await _login_page(request, TOO_MANY, status=429, next_path=next_path)
        resp.headers["Retry-After"] = retry_after(wait)
        return resp
    url = database_url(request.app)
    found = await run_staff_db(_authenticate, url, username, password)
    if found is None:
        return await _login_page(request, LOGIN_FAILED, status=401, next_path=next_path)
    agent_id, role = found
    token, _, _ = await run_staff_db(issue_token, url, agent_id, "session")
    resp = response.redirect(landing_page(role, next_path), status=303)
    _set_cookie(resp, request, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    del resp.cookies[LOGIN_CSRF_COOKIE]
    return resp


@auth_routes.route("/console/logout", methods=["POST"])
async def logout(request: Request) -> HTTPResponse:
    principal = await principal_of(request)
    if principal is not None and principal.via == "session":
        form_value = (request.form or {}).get("csrf_token") if request.form else None
        if not csrf_ok(request, principal, form_value):
            raise ApiError(403, "Missing or wrong CSRF token.")
        token = request.cookies.get(SESSION_COOKIE, "")
        await run_staff_db(revoke_token, database_url(request.app), token)
    # back to the sign-in of the app the user left (the studio's is titled for the studio)
    back = safe_next((request.form or {}).get("next") if request.form else None)
    resp = response.redirect(
        "/console/login" + (f"?next={quote(back, safe='/')}" if back else ""), status=303
    )
    del resp.cookies[SESSION_COOKIE]
    return resp


class TokenRequest(BaseModel):
    """``POST /api/tokens``: the staff member's credentials."""

    username: StrictStr
    password: StrictStr


@auth_routes.route("/api/tokens", methods=["POST"])
async def issue_api_token(request: Request) -> HTTPResponse:
    credentials = parse(
        TokenRequest,
        json_body(request),
        "Send a JSON object with string fields username and password.",
    )
    username = credentials.username.strip().lower()
    wait = await _sign_in_wait(request, username)
    if wait is not None:
        raise ApiError(429, TOO_MANY, headers={"Retry-After": retry_after(wait)})
    url = database_url(request.app)
    found = await run_staff_db(_authenticate, url, username, credentials.password)
    if found is None:
        raise ApiError(401, LOGIN_FAILED)
    agent_id, role = found
    token, _, expires = await run_staff_db(issue_token, url, agent_id, "api")
    return response.json(
        {"token": token, "token_type": "Bearer", "expires_at": expires, "role": role},
        status=201,
        headers={"Cache-Control": "no-store"},
    )
