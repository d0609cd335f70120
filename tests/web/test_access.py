"""Every console and API route refuses the signed-out and trainers, on the real app."""

from __future__ import annotations

import re

import aiohttp
import pytest

from bot.web.console import console_routes
from tests.web.staff_routes import routes_of
from tests.web.test_console_api import Console, console  # noqa: F401  (fixture)

#: Routes anyone may call: the sign-in form, its stylesheet, sign-out, token issuing.
PUBLIC = {"/console/login", "/console/login.css", "/console/logout", "/api/tokens"}
ALL_ROUTES = [(path, method) for _, path, method in routes_of(console_routes)]


def _concrete(path: str, ticket: str) -> str:
    path = path.replace("<ticket:str>", ticket)
    return re.sub(r"<name:str>", "console.js", path)


def test_every_console_and_api_route_is_walked() -> None:
    from sanic import Sanic

    from bot.settings import get_settings
    from bot.web.staff import staff_blueprint

    app = Sanic("console_access_walk")
    app.blueprint(staff_blueprint(get_settings()))
    registered = {
        "/" + route.path.strip("/")
        for route in app.router.routes
        if route.path.strip("/").startswith(("api", "console"))
    }
    walked = {re.sub(r"<(\w+):str>", r"<\1>", p) for p, _ in ALL_ROUTES}
    normalised = {re.sub(r"<(\w+)(:\w+)?>", r"<\1>", p) for p in registered}
    # every listed route is served; routes of other areas (studio, review) are walked from the
    # router itself in test_access_walk.py
    assert walked <= normalised - PUBLIC


@pytest.mark.parametrize("path,method", ALL_ROUTES)
async def test_signed_out_is_refused(
    console: tuple[Console, dict[str, str]],  # noqa: F811
    path: str,
    method: str,
) -> None:
    server, tickets = console
    url = server.base + _concrete(path, tickets["urgent"])
    async with (
        server.client() as http,
        http.request(method, url, json={"text": "x"}, allow_redirects=False) as res,
    ):
        if path == "/console":
            assert res.status == 303 and res.headers["Location"] == "/console/login"
        else:
            assert res.status == 401
            body = await res.json()
            assert body["error"]
    # with a forged cookie and a forged bearer token too
    for kwargs in (
        {"cookies": {"console_session": "forged"}},
        {"headers": {"Authorization": "Bearer forged"}},
        {"headers": {"Authorization": "Basic YW5hOmFuYQ=="}},
    ):
        async with (
            server.client() as http,
            http.request(method, url, json={"text": "x"}, allow_redirects=False, **kwargs) as res,
        ):
            assert res.status in (401, 303), kwargs


@pytest.mark.parametrize("path,method", ALL_ROUTES)
async def test_trainers_are_refused(
    console: tuple[Console, dict[str, str]],  # noqa: F811
    path: str,
    method: str,
) -> None:
    server, tickets = console
    url = server.base + _concrete(path, tickets["urgent"])
    headers = await server.token("tina")
    async with server.client() as http:
        async with http.request(method, url, json={"text": "x"}, headers=headers) as res:
            assert res.status == 403
            assert "trainer" in (await res.json())["error"]
        # and through a console session (with a valid CSRF token)
        await _sign_in_trainer(server, http)
        async with http.request(
            method, url, json={"text": "x"}, headers={"X-CSRF-Token": "irrelevant"}
        ) as res:
            assert res.status == 403


async def _sign_in_trainer(server: Console, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{server.base}/console/login") as res:
        csrf = re.search(r'value="([0-9a-f]+)"', await res.text())
    assert csrf
    form = {"username": "tina", "password": "correct horse battery", "csrf_token": csrf.group(1)}
    async with http.post(f"{server.base}/console/login", data=form, allow_redirects=False) as res:
        assert res.status == 303  # trainers may sign in, but the console refuses them


async def test_trainer_state_is_unchanged(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    from bot.store import get_by_ticket, session_scope

    server, tickets = console
    headers = await server.token("tina")
    async with server.client() as http:
        for action, body in (("close", {}), ("note", {"text": "x"}), ("resolve", {"note": "x"})):
            async with http.post(
                f"{server.base}/api/complaints/{tickets['calm']}/{action}",
                json=body,
                headers=headers,
            ) as res:
                assert res.status == 403
    with session_scope(server.url) as session:
        complaint = get_by_ticket(session, tickets["calm"])
        assert complaint is not None and complaint.status == "open"
        assert [event.kind for event in complaint.events] == ["created"]
