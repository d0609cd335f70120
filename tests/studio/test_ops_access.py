"""Who may use the studio's operations routes (trainers and admins; agents only the intent
correction), and bad input answered with a 4xx, never a 5xx."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.web.studio_ops import studio_ops_routes
from tests.web.staff_routes import routes_of
from tests.web.test_console_api import Console

from .conftest import sign_in

_EXAMPLE = {"<job_id:str>": "20240101-000000-abcdef", "<item_id:int>": "7"}


def _concrete(path: str) -> str:
    for pattern, value in _EXAMPLE.items():
        path = path.replace(pattern, value)
    return path


async def _status(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> int:
    async with http.request(method, url, **kwargs) as res:
        return res.status


async def test_signed_out_is_401_and_agents_are_403(studio: Console) -> None:
    async with studio.client() as http:
        for _, path, method in routes_of(studio_ops_routes):
            assert await _status(http, method, studio.base + _concrete(path)) == 401, path
    async with studio.client() as http:
        csrf = await _agent_session(studio, http)
        for _, path, method in routes_of(studio_ops_routes):
            if path.startswith("/api/review/"):
                continue
            status = await _status(
                http, method, studio.base + _concrete(path), headers={"X-CSRF-Token": csrf}
            )
            assert status == 403, path


async def _agent_session(studio: Console, http: aiohttp.ClientSession) -> str:
    return await studio.sign_in(http, "ana")


async def test_state_changes_need_the_csrf_token(studio: Console) -> None:
    async with studio.client() as http:
        await sign_in(studio, http, "tina")
        for _, path, method in routes_of(studio_ops_routes):
            if method == "POST":
                status = await _status(http, method, studio.base + _concrete(path), json={})
                assert status == 403, path


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/studio/api/training", b"\xff\xfe not json"),
        ("POST", "/studio/api/training", b"[1, 2]"),
        ("POST", "/studio/api/training", b'{"force": "yes"}'),
        ("POST", "/studio/api/training", b'{"x": "' + b"a" * 70_000 + b'"}'),
        ("GET", "/studio/api/training/not-a-job", None),
        ("GET", "/studio/api/training/20240101-000000-abcdef", None),
        ("POST", "/studio/api/training/20240101-000000-abcdef/cancel", b"{}"),
        ("POST", "/studio/api/models/activate", b"{}"),
        ("POST", "/studio/api/models/activate", b'{"model": "../../etc/passwd"}'),
        ("POST", "/studio/api/models/activate", b'{"model": "nope.tar.gz"}'),
        ("POST", "/studio/api/models/activate", b'{"model": 42}'),
        ("POST", "/studio/api/models/rollback", b"{}"),
        ("POST", "/studio/api/evaluation", b'{"folds": 1}'),
        ("POST", "/studio/api/evaluation", b'{"folds": "many"}'),
        ("POST", "/studio/api/evaluation", b'{"folds": 5}'),  # no model yet: 409
        ("GET", "/studio/api/evaluation/latest/confusion.png", None),
        ("POST", "/studio/api/review/999999/example", b'{"intent": "greet"}'),
        ("POST", "/studio/api/review/999999/story", b"{}"),
        ("POST", "/studio/api/review/999999/done", b"{}"),
        ("GET", "/studio/api/analytics?from=yesterday", None),
        ("GET", "/studio/api/analytics?from=2024-05-02&to=2024-05-01", None),
        ("GET", "/studio/api/analytics?language=xx", None),
        ("GET", "/studio/api/analytics?category=%3Cscript%3E", None),
        ("GET", "/studio/api/analytics.csv?to=2024-13-01", None),
        ("POST", "/api/review/corrections", b'{"sender_id": "sender-1"}'),
        ("POST", "/api/review/corrections", b'{"sender_id": "s", "event_id": 1, "intent": "zz"}'),
    ],
)
async def test_bad_input_gets_a_clear_4xx(
    studio: Console, method: str, path: str, body: bytes | None
) -> None:
    async with studio.client() as http:
        csrf = await sign_in(studio, http, "tina")
        headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
        async with http.request(method, studio.base + path, data=body, headers=headers) as res:
            assert 400 <= res.status < 500, (path, res.status, await res.text())
            data = await res.json()
            assert data["error"] and "Traceback" not in data["error"]
