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
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings
from bot.store import Agent, authenticate, session_scope
from bot.store.db import StoreError
from bot.store.tables import StaffToken, utcnow
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


def database_url(app: Sanic) -> str | None:
    """The database the console uses: ``app.ctx.console_database_url`` or ``DATABASE_URL``."""
    return getattr(app.ctx, "console_database_url", None)


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
    return response.json({"error": message, "status": status, **extra}, status=status)


# --------------------------------------------------------------------------- tokens


def issue_token(url: str | None, agent_id: int, kind: str) -> tuple[str, str | None, str]:
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


def revoke_token(url: str | None, token: str) -> None:
    with session_scope(url) as session:
        session.query(StaffToken).filter(StaffToken.token_hash == hash_token(token)).delete()


def _lookup(url: str | None, token: str, kind: str) -> Principal | None:
    if not token or len(token) > 256:
        return None
    with session_scope(url) as session:
        row = (
            session.query(StaffToken)
            .filter(StaffToken.token_hash == hash_token(token), StaffToken.kind == kind)
            .one_or_none()
        )
        if row is None:
            return None
        if row.expires_at <= utcnow():
            session.delete(row)
            return None
        agent: Agent = row.agent
        if agent is None or not agent.active:
            return None
        return Principal(
            agent_id=agent.id,
            username=agent.username,
            display_name=agent.display_name,
            role=agent.role,
            via=kind,
            csrf_token=row.csrf_token,
        )


def principal_of(request: Request) -> Principal | None:
    """Who sent ``request``: a bearer token first, else the console session cookie."""
    url = database_url(request.app)
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return _lookup(url, token.strip(), "api")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return _lookup(url, cookie, "session")
    return None


def csrf_ok(request: Request, principal: Principal, form_value: str | None = None) -> bool:
    """Whether a state-changing request carries the session's CSRF token (API tokens need
    none: a browser never sends them on its own)."""
    if principal.via != "session":
        return True
    sent = form_value if form_value is not None else request.headers.get("x-csrf-token", "")
    expected = principal.csrf_token or ""
    return bool(sent and expected) and hmac.compare_digest(sent, expected)


def require(request: Request, roles: tuple[str, ...] = AGENT_ROLES) -> Principal | HTTPResponse:
    """The principal, or the JSON refusal: 401 signed out, 403 wrong role or missing CSRF."""
    principal = principal_of(request)
    if principal is None:
        return error(401, "Sign in first: send a bearer token or the console session cookie.")
    if principal.role not in roles:
        return error(403, f"Your role ({principal.role}) may not use this.")
    if request.method in UNSAFE_METHODS and not csrf_ok(request, principal):
        return error(403, "Missing or wrong X-CSRF-Token header.")
    return principal


def json_body(request: Request) -> dict[str, Any] | HTTPResponse:
    """The request's JSON object, or a 400/413 refusal."""
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        return error(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return error(400, "The request body is not valid JSON.")
    if not isinstance(value, dict):
        return error(400, "The request body must be a JSON object.")
    return value


# --------------------------------------------------------------------------- sign-in pages

_LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agent console – sign in</title>
<link rel="stylesheet" href="/console/login.css">
</head>
<body class="login">
<main>
<h1>Agent console</h1>
{message}
<form method="post" action="/console/login">
<input type="hidden" name="csrf_token" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password"
 required></label>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
"""

_LOGIN_CSS = """body.login { font-family: system-ui, sans-serif; background: #f2f4f7;
  color: #1d2733; }
main { max-width: 22rem; margin: 5rem auto; background: #fff; padding: 2rem;
  border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
label { display: block; margin: .8rem 0; }
input { display: block; width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .2rem; }
button { padding: .5rem 1.2rem; background: #0b5cad; color: #fff; border: 0; border-radius: 4px; }
.error { color: #a4001d; }
"""

_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
}


def _set_cookie(resp: HTTPResponse, request: Request, name: str, value: str, max_age: int) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = max_age
    if is_https(request) or get_settings().is_production:
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


def _login_page(
    request: Request, message: str = "", status: int = 200, next_path: str | None = None
) -> HTTPResponse:
    csrf = secrets.token_hex(32)
    notice = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    page = _LOGIN_PAGE.format(
        message=notice, csrf=html.escape(csrf), next=html.escape(safe_next(next_path) or "")
    )
    resp = response.html(page, status=status, headers=dict(_SECURITY_HEADERS))
    _set_cookie(resp, request, LOGIN_CSRF_COOKIE, csrf, 3600)
    return resp


async def _sign_in_wait(request: Request, username: str) -> float | None:
    """Count a sign-in attempt per IP and per username: seconds to wait, or None."""
    return await rate_limits_of(request.app).check_all(
        ("login_ip", client_ip(request)), ("login_user", username[:150])
    )


async def login_form(request: Request) -> HTTPResponse:
    return _login_page(request, next_path=request.args.get("next"))


async def login_css(_: Request) -> HTTPResponse:
    return response.text(_LOGIN_CSS, content_type="text/css; charset=utf-8")


async def login_submit(request: Request) -> HTTPResponse:
    if len(request.body or b"") > MAX_BODY_BYTES:
        return _login_page(request, LOGIN_FAILED, status=413)
    form = request.form or {}
    next_path = form.get("next")
    sent = form.get("csrf_token") or ""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        return _login_page(
            request, "The form expired. Please sign in again.", status=403, next_path=next_path
        )
    username = (form.get("username") or "").strip().lower()
    password = form.get("password") or ""
    wait = await _sign_in_wait(request, username)
    if wait is not None:
        resp = _login_page(request, TOO_MANY, status=429, next_path=next_path)
        resp.headers["Retry-After"] = retry_after(wait)
        return resp
    url = database_url(request.app)
    try:
        with session_scope(url) as session:
            agent = authenticate(session, username, password)
            agent_id = agent.id if agent is not None else None
            role = agent.role if agent is not None else None
    except StoreError:
        agent_id = role = None
    if agent_id is None:
        return _login_page(request, LOGIN_FAILED, status=401, next_path=next_path)
    token, _, _ = issue_token(url, agent_id, "session")
    resp = response.redirect(landing_page(role, next_path), status=303)
    _set_cookie(resp, request, SESSION_COOKIE, token, int(SESSION_LIFETIME.total_seconds()))
    del resp.cookies[LOGIN_CSRF_COOKIE]
    return resp


async def logout(request: Request) -> HTTPResponse:
    principal = principal_of(request)
    if principal is not None and principal.via == "session":
        form_value = (request.form or {}).get("csrf_token") if request.form else None
        if not csrf_ok(request, principal, form_value):
            return error(403, "Missing or wrong CSRF token.")
        revoke_token(database_url(request.app), request.cookies.get(SESSION_COOKIE, ""))
    resp = response.redirect("/console/login", status=303)
    del resp.cookies[SESSION_COOKIE]
    return resp


async def issue_api_token(request: Request) -> HTTPResponse:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        return body
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return error(422, "Send a JSON object with string fields username and password.")
    wait = await _sign_in_wait(request, username.strip().lower())
    if wait is not None:
        refused = error(429, TOO_MANY)
        refused.headers["Retry-After"] = retry_after(wait)
        return refused
    url = database_url(request.app)
    try:
        with session_scope(url) as session:
            agent = authenticate(session, username.strip().lower(), password)
            agent_id = agent.id if agent is not None else None
            role = agent.role if agent is not None else None
    except StoreError:
        agent_id = role = None
    if agent_id is None:
        return error(401, LOGIN_FAILED)
    token, _, expires = issue_token(url, agent_id, "api")
    return response.json(
        {"token": token, "token_type": "Bearer", "expires_at": expires, "role": role},
        status=201,
        headers={"Cache-Control": "no-store"},
    )


def add_auth_routes(app: Sanic) -> None:
    app.add_route(login_form, "/console/login", methods=["GET"], name="console_login_form")
    app.add_route(login_submit, "/console/login", methods=["POST"], name="console_login")
    app.add_route(login_css, "/console/login.css", methods=["GET"], name="console_login_css")
    app.add_route(logout, "/console/logout", methods=["POST"], name="console_logout")
    app.add_route(issue_api_token, "/api/tokens", methods=["POST"], name="console_api_tokens")
