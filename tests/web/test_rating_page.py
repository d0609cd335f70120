"""The satisfaction page behind the e-mail's signed link (``/widget/rate/<token>``), on a bare
Sanic app with a real SQLite database: the page in the customer's language, a rating and the
answer to "what could we have done better?", and every kind of bad input refused with a clear
4xx and nothing stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import count
from typing import Any

import pytest
from sanic import Sanic

from bot import store
from bot.handoff import csat
from bot.settings import get_settings
from bot.store import csat as ratings
from bot.web.ratelimit import RateLimits
from bot.web.rating import rating_routes

pytest.importorskip("sanic_testing")

_names = count()
BINARY = "application/octet-stream"


@pytest.fixture()
def rating_app(sqlite_url: str) -> Iterator[tuple[Sanic, dict[str, str]]]:
    """The rating routes on a bare app, with complaints: ``hr`` and ``en`` resolved, ``open``
    not yet resolved, ``gone`` (a valid link whose complaint was erased)."""
    Sanic.test_mode = True
    app = Sanic(f"rating_bare_{next(_names)}")
    settings = dataclasses.replace(get_settings(), database_url=sqlite_url)
    app.ctx.complaint_rating_settings = settings
    # these tests call one link many times; the limits are tested in test_access_ratelimits
    app.ctx.rate_limits = RateLimits(dataclasses.replace(settings, rate_limits={}))
    app.blueprint(rating_routes)
    tickets = {}
    with store.session_scope(sqlite_url) as session:
        for name, language, script, status in [
            ("hr", "hr", "latin", "resolved"), ("en", "en", "latin", "resolved"),
            ("sr", "sr", "cyrillic", "resolved"), ("open", "en", "latin", "open"),
        ]:  # fmt: skip
            row = store.create_complaint(
                session, sender_id=f"rate-{name}", channel="socketio", language=language,
                script=script, category="delivery", severity=2, anger_score=0.0,
                description="late", deadline_hours=24, prefix="C",
            )  # fmt: skip
            if status != "open":
                store.set_status(session, row, status, "agent:ana", "done")
            tickets[name] = row.ticket
    tickets["gone"] = "C-GQNE23"
    yield app, {name: csat.rating_token(t, settings.secret_key) for name, t in tickets.items()}


def _rating(url: str, ticket_token: str, secret: str) -> tuple[int, str | None] | None:
    ticket = csat.ticket_of(ticket_token, secret)
    with store.session_scope(url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        found = ratings.rating_of(session, row)
        return None if found is None else (found.rating, found.feedback)


async def test_the_page_asks_in_the_customers_language_and_keeps_the_answers(
    rating_app: tuple[Sanic, dict[str, str]], sqlite_url: str
) -> None:
    app, links = rating_app
    secret = app.ctx.complaint_rating_settings.secret_key
    _, page = await app.asgi_client.get(f"/widget/rate/{links['hr']}")
    assert page.status == 200
    assert '<html lang="hr">' in page.text and "koliko ste zadovoljni" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    # a low rating from the form: the page asks what could have been done better
    _, res = await app.asgi_client.post(f"/widget/rate/{links['hr']}", data={"rating": "2"})
    assert res.status == 200 and "Što smo mogli učiniti bolje?" in res.text
    assert _rating(sqlite_url, links["hr"], secret) == (2, None)
    better = "Brži odgovor <script>alert(1)</script>"
    _, res = await app.asgi_client.post(f"/widget/rate/{links['hr']}", data={"feedback": better})
    assert res.status == 200 and "Vaša ocjena je zabilježena" in res.text
    assert "<script>alert" not in res.text
    assert _rating(sqlite_url, links["hr"], secret) == (2, better)
    # rated once
    _, res = await app.asgi_client.post(f"/widget/rate/{links['hr']}", data={"rating": "5"})
    assert res.status == 409
    _, page = await app.asgi_client.get(f"/widget/rate/{links['hr']}")
    assert page.status == 200 and "već ocijenjen" not in page.text  # shows "recorded"
    # JSON for scripts; a 5 asks nothing more
    _, res = await app.asgi_client.post(f"/widget/rate/{links['sr']}", json={"rating": 5})
    assert res.status == 200 and res.json["state"] == "done"
    assert _rating(sqlite_url, links["sr"], secret) == (5, None)
    _, res = await app.asgi_client.post(f"/widget/rate/{links['sr']}", json={"feedback": "x"})
    assert res.status == 409


async def test_bad_input_is_refused_and_nothing_is_stored(
    rating_app: tuple[Sanic, dict[str, str]], sqlite_url: str
) -> None:
    app, links = rating_app
    secret = app.ctx.complaint_rating_settings.secret_key
    good = links["en"]
    other_key = csat.rating_token(csat.ticket_of(good, secret), "another-key-0123456789abcdefghij")
    expired = csat.rating_token(
        csat.ticket_of(good, secret), secret, now=datetime.now(timezone.utc) - timedelta(days=31)
    )
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    link_cases = [
        (other_key, 403), (tampered, 403), (expired, 410), ("not-a-token", 400),
        ("x" * 2000, 400), ("%00%ff", 400), (links["gone"], 404), (links["open"], 409),
    ]  # fmt: skip
    for token, status in link_cases:
        for method in ("get", "post"):
            call = getattr(app.asgi_client, method)
            kwargs = {"json": {"rating": 4}} if method == "post" else {}
            _, res = await call(f"/widget/rate/{token}", **kwargs)
            assert res.status == status, (token[:30], method, res.text)
            assert res.json["error"], res.text
    body_cases: list[tuple[dict[str, Any], int]] = [
        ({"json": {"rating": 0}}, 422),
        ({"json": {"rating": 6}}, 422),
        ({"json": {"rating": -1}}, 422),
        ({"json": {"rating": 4.5}}, 422),
        ({"json": {"rating": True}}, 422),
        ({"json": {"rating": "five"}}, 422),
        ({"json": {"rating": "99999999999999999999"}}, 422),
        ({"json": {"rating": [4]}}, 422),
        ({"json": {}}, 422),
        ({"json": {"feedback": "   "}}, 422),
        ({"json": {"rating": 4, "feedback": "x" * 2001}}, 413),
        ({"json": [4]}, 400),
        ({"data": "rating=4&feedback=" + "x" * 70_000}, 413),
        ({"data": b"\xff\xfe\x00binary\x81", "headers": {"content-type": BINARY}}, 400),
        ({"data": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ({"data": "rating=9"}, 422),
        ({"data": ""}, 422),
    ]  # fmt: skip
    for kwargs, status in body_cases:
        _, res = await app.asgi_client.post(f"/widget/rate/{good}", **kwargs)
        assert res.status == status, (str(kwargs)[:80], res.text)
        assert res.json["error"]
    assert _rating(sqlite_url, good, secret) is None  # nothing was stored
    _, res = await app.asgi_client.post(f"/widget/rate/{good}", data={"rating": "4"})
    assert res.status == 200
    assert _rating(sqlite_url, good, secret) == (4, None)
