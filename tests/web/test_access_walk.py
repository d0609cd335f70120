"""Every staff route of the real app (console, ``/api``, studio: walked from the Sanic router,
not from a list) needs sign-in and refuses the wrong role on the server; the customer data
routes are for admins only; CSRF and the cookie flags hold."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import aiohttp
import pytest
from sanic import Sanic

from tests.web.test_console_api import SENDER, Console, console  # noqa: F401  (fixture)

#: Routes anyone may call: the sign-in form and stylesheet, sign-out, token issuing; and the
#: mail provider's webhooks (inbound mail, bounces), called with a secret of their own
#: (tested in tests/web/test_mail.py).
PUBLIC = {
    "/console/login",
    "/console/login.css",
    "/console/logout",
    "/api/tokens",
    "/api/mail/inbound",
    "/api/mail/bounce",
}
STAFF_PREFIXES = ("/api", "/console", "/studio")
#: Routes for every signed-in role on purpose: agents and trainers both correct intents.
ANY_STAFF_ROLE = {"/api/review/corrections"}
_PARAM = re.compile(r"<([^:>]+)(?::([^>]+))?>")


def staff_routes(app: Sanic) -> list[tuple[str, str]]:
    """(path, method) of every staff route the app serves."""
    found = set()
    for route in app.router.routes:
        path = "/" + route.path.strip("/")
        if path.startswith(STAFF_PREFIXES) and path not in PUBLIC:
            found.update((path, method) for method in route.methods if method != "OPTIONS")
    return sorted(found)


def concrete(path: str, ticket: str) -> str:
    """A path with real-looking values, so that the route's own code runs."""
    from bot.web import studio

    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if kind == "int":
            return "1"
        if name == "ticket":
            return ticket
        if name == "sender_id":
            return SENDER
        if name == "page":
            return str(studio.PAGES[0][0])
        if name == "name":
            return "studio.js" if path.startswith("/studio") else "console.js"
        return "x"

    return _PARAM.sub(value, path)


def test_the_walk_finds_console_api_studio_and_customer_routes(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, _ = console
    paths = {path for path, _ in staff_routes(server.app)}
    assert {"/console", "/api/queue", "/api/customers/<sender_id:str>", "/studio"} <= paths
    assert len(paths) >= 20


#: READ_EVERY_BODY: every response is read to its end before the next request. aiohttp puts a
#: kept-alive connection back in its pool when a response is left unread; the next request then
#: waits behind the server still writing the unread one (the studio's 160 KB list of responses)
#: until the client's 5-minute timeout. A browser always reads what it asked for.

#: Routes that revoke the very token they are called with.
REVOKES_THE_CALLERS_TOKEN = frozenset({"/api/tokens/current"})


async def test_every_staff_route_needs_sign_in_and_the_right_role(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, tickets = console
    tokens = {
        role: await server.token(name) for role, name in (("agent", "ana"), ("trainer", "tina"))
    }
    problems: list[str] = []
    async with server.client() as http:
        for path, method in staff_routes(server.app):
            url = server.base + concrete(path, tickets["calm"])
            # a body no route accepts: an allowed role gets a 4xx, and no job is ever started
            body = None if method == "GET" else b"["
            kwargs = {"data": body, "headers": {"Content-Type": "application/json"}}
            async with http.request(method, url, allow_redirects=False, **kwargs) as res:
                await res.read()  # see READ_EVERY_BODY
                location = res.headers.get("Location", "")
                if not (res.status == 401 or (res.status == 303 and "/console/login" in location)):
                    problems.append(f"signed out {method} {path} -> {res.status}")
            if path in REVOKES_THE_CALLERS_TOKEN:
                continue  # any role may; walking it would sign the roles out (tested apart)
            refused_by = []
            for role, headers in tokens.items():
                sent = {**kwargs, "headers": {**kwargs["headers"], **headers}}
                async with http.request(method, url, allow_redirects=False, **sent) as res:
                    await res.read()
                    if res.status == 403:
                        refused_by.append(role)
            if path.startswith("/api/customers"):
                expected_refusals = ["agent", "trainer"]
                if refused_by != expected_refusals:
                    problems.append(f"{method} {path} refused {refused_by}, not agent and trainer")
            elif path in ANY_STAFF_ROLE:
                if refused_by:
                    problems.append(f"{method} {path} refused {refused_by}")
            elif not refused_by:
                problems.append(f"{method} {path} lets agents and trainers alike in")
    assert not problems, "\n".join(problems)


async def test_state_changes_through_the_console_session_need_the_csrf_token(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, tickets = console
    async with server.client() as http:
        csrf = await server.sign_in(http, "boss")
        ticket_url = f"{server.base}/api/complaints/{tickets['calm']}/note"
        erase_url = f"{server.base}/api/customers/{SENDER}"
        for headers in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": ""}):
            async with http.post(ticket_url, json={"text": "x"}, headers=headers) as res:
                assert res.status == 403
            async with http.delete(erase_url, headers=headers) as res:
                assert res.status == 403
        async with http.post(f"{server.base}/console/logout", allow_redirects=False) as res:
            assert res.status == 403  # sign-out is a state change too
        async with http.get(f"{server.base}/api/customers/{SENDER}/export") as res:
            assert res.status == 200  # reading needs no token
        async with http.post(ticket_url, json={"text": "x"}, headers={"X-CSRF-Token": csrf}) as res:
            assert res.status == 201


async def test_the_sign_in_form_needs_its_own_csrf_cookie(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, _ = console
    form = {"username": "ana", "password": "correct horse battery", "csrf_token": "f" * 64}
    async with (
        server.client() as http,
        http.post(f"{server.base}/console/login", data=form, allow_redirects=False) as res,
    ):
        assert res.status == 403
        assert "console_session" not in res.cookies


def _cookie(header_values: list[str], name: str) -> str:
    return next(value for value in header_values if value.startswith(f"{name}="))


@pytest.mark.parametrize("https", [False, True])
async def test_session_cookies_are_httponly_samesite_and_secure_under_https(
    console: tuple[Console, dict[str, str]],  # noqa: F811
    https: bool,
) -> None:
    server, _ = console
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    # a client of plain http would not send back a Secure cookie: this one sends it by hand
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(f"{server.base}/console/login", headers=headers) as res:
            page = await res.text()
            login_cookie = _cookie(res.headers.getall("Set-Cookie"), "console_login_csrf")
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        assert csrf
        form = {"username": "ana", "password": "correct horse battery", "csrf_token": csrf[1]}
        sent = {**headers, "Cookie": f"console_login_csrf={csrf[1]}"}
        async with http.post(
            f"{server.base}/console/login", data=form, headers=sent, allow_redirects=False
        ) as res:
            assert res.status == 303
            session_cookie = _cookie(res.headers.getall("Set-Cookie"), "console_session")
    for raw in (login_cookie, session_cookie):
        morsel = next(iter(SimpleCookie(raw).values()))
        assert morsel["httponly"] and morsel["samesite"] == "Strict", raw
        assert bool(morsel["secure"]) is https, raw


async def test_production_mode_marks_cookies_secure_even_behind_plain_http(
    console: tuple[Console, dict[str, str]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    from bot.settings import get_settings
    from bot.web import auth

    production = replace(get_settings(), env="production")
    monkeypatch.setattr(auth, "settings_of", lambda app: production)
    server, _ = console
    async with server.client() as http, http.get(f"{server.base}/console/login") as res:
        raw = _cookie(res.headers.getall("Set-Cookie"), "console_login_csrf")
    assert next(iter(SimpleCookie(raw).values()))["secure"], raw
