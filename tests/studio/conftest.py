"""Studio fixtures: a temporary copy of the Rasa project, and the real console/studio server
(the console API's fixture) editing that copy."""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp
import pytest

from tests.project_copy import PROJECT_PARTS, copy_project
from tests.web.test_console_api import PASSWORD, Console, console

# the server fixture, shared with the console API tests; the project copy, used by web tests
__all__ = ["PROJECT_PARTS", "console", "copy_project"]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture()
async def studio(console: tuple[Console, dict[str, str]], project: Path) -> Console:
    server, _ = console
    server.app.ctx.studio_project_dir = project
    return server


async def sign_in(server: Console, http: aiohttp.ClientSession, username: str) -> str:
    """Sign ``http`` in as a trainer/admin through the form; returns the CSRF token."""
    async with http.get(f"{server.base}/console/login?next=/studio/intents") as res:
        page = await res.text()
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert csrf
    form = {
        "username": username,
        "password": PASSWORD,
        "csrf_token": csrf.group(1),
        "next": "/studio/intents",
    }
    async with http.post(f"{server.base}/console/login", data=form, allow_redirects=False) as res:
        assert res.status == 303
        assert res.headers["Location"] == "/studio/intents"
    async with http.get(f"{server.base}/studio/api/me") as res:
        assert res.status == 200, await res.text()
        token: str = (await res.json())["csrf_token"]
    return token
