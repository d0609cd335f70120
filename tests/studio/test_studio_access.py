"""Who may use the studio: trainers and admins; agents get 403, strangers 401 or the sign-in
page; sign-in sends trainers to the studio and honours only same-origin ``next`` paths."""

from __future__ import annotations

import re

import pytest

from bot.web.auth import landing_page, safe_next
from tests.web.test_console_api import PASSWORD, Console

from .conftest import sign_in


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/studio/intents", "/studio/intents"),
        ("/console", "/console"),
        ("//evil.example/studio", None),
        ("https://evil.example/", None),
        ("/studio/../etc/passwd", None),
        ("/studio\\@evil", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_only_same_origin_studio_or_console_paths_are_followed(
    value: str | None, expected: str | None
) -> None:
    assert safe_next(value) == expected


def test_trainers_land_in_the_studio_and_agents_in_the_console() -> None:
    assert landing_page("trainer", None) == "/studio"
    assert landing_page("agent", None) == "/console"
    assert landing_page("admin", "/studio/stories") == "/studio/stories"
    assert landing_page("agent", "//evil.example") == "/console"


async def test_trainer_signs_in_without_next_and_lands_in_the_studio(studio: Console) -> None:
    async with studio.client() as http:
        async with http.get(f"{studio.base}/console/login") as res:
            csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', await res.text())
        assert csrf
        form = {"username": "tina", "password": PASSWORD, "csrf_token": csrf.group(1)}
        async with http.post(
            f"{studio.base}/console/login", data=form, allow_redirects=False
        ) as res:
            assert res.status == 303 and res.headers["Location"] == "/studio"
        async with http.get(f"{studio.base}/studio", allow_redirects=False) as res:
            assert res.status == 303 and res.headers["Location"] == "/studio/intents"
        async with http.get(f"{studio.base}/studio/intents") as res:
            assert res.status == 200
            page = await res.text()
            assert 'data-page="intents"' in page
            assert "default-src 'self'" in res.headers["Content-Security-Policy"]
        async with http.get(f"{studio.base}/studio/static/studio.js") as res:
            assert res.status == 200 and "export { say, sayError" in await res.text()
        async with http.get(f"{studio.base}/studio/shared/dom.js") as res:
            assert res.status == 200 and "export function el(" in await res.text()
        for bad in ("../auth.py", "nope.js", "studio.html", "%2e%2e%2fauth.py"):
            async with http.get(f"{studio.base}/studio/static/{bad}") as res:
                assert res.status == 404, bad
        async with http.get(f"{studio.base}/studio/no-such-page") as res:
            assert res.status == 404


async def test_signed_out_visitors_are_sent_to_sign_in_with_next(studio: Console) -> None:
    async with studio.client() as http:
        async with http.get(f"{studio.base}/studio/stories", allow_redirects=False) as res:
            assert res.status == 303
            assert res.headers["Location"] == "/console/login?next=/studio/stories"
        async with http.get(f"{studio.base}/console/login?next=/studio/stories") as res:
            assert 'name="next" value="/studio/stories"' in await res.text()
        async with http.get(f"{studio.base}/console/login?next=//evil.example") as res:
            assert 'name="next" value=""' in await res.text()
        async with http.get(f"{studio.base}/studio/api/me") as res:
            assert res.status == 401
        async with http.get(f"{studio.base}/studio/static/studio.js") as res:
            assert res.status == 401


async def test_agents_may_not_use_the_studio_and_admins_may(studio: Console) -> None:
    async with studio.client() as http:
        await studio.sign_in(http, "ana")
        for path in ("/studio/intents", "/studio/api/me", "/studio/static/studio.css"):
            async with http.get(f"{studio.base}{path}", allow_redirects=False) as res:
                assert res.status == 403, path
    async with studio.client() as http:
        await sign_in(studio, http, "boss")
        async with http.get(f"{studio.base}/studio/api/me") as res:
            assert (await res.json())["role"] == "admin"
