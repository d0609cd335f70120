"""The last line of defence (:mod:`bot.web.errors`): an exception that escapes a route is a
short JSON answer, 4xx for Sanic's request errors and a bare 500 otherwise, never a trace."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.web.errors import install_error_handler
from tests.served import serving


@pytest.fixture()
async def base(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic(f"errors_{secrets.token_hex(3)}")

    async def broken(_: Request) -> HTTPResponse:
        raise RuntimeError("database password is hunter2 in /srv/secret.py")

    async def parses(request: Request) -> HTTPResponse:
        return response.json({"got": request.json})

    app.add_route(broken, "/broken", methods=["GET"])
    app.add_route(parses, "/parses", methods=["POST"])
    install_error_handler(app)
    async with serving(app, listeners=False) as base:
        yield base


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/broken", None, 500),
        ("GET", "/nowhere/../../etc/passwd", None, 404),
        ("DELETE", "/broken", None, 405),
        ("POST", "/parses", b"[" * 50_000, 400),
        ("POST", "/parses", b"\xff\xfe not json", 400),
    ],
)
async def test_escaped_errors_are_short_json(
    base: str, method: str, path: str, body: bytes | None, status: int
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, base + path, data=body, headers={"Content-Type": "application/json"}
        ) as res,
    ):
        assert res.status == status
        assert res.content_type == "application/json"
        text = await res.text()
        answer = await res.json()
    assert answer["status"] == status and answer["error"]
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret.py", 'File "'):
        assert leak not in text
