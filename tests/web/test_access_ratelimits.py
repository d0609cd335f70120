"""Rate limits: the limiters (in memory, and in the real Redis shared by two instances), the
widget's connects and messages per IP and per session, the REST channel per sender, and
sign-in (brute force gets 429 with Retry-After), the mail provider's webhooks and the rating
link (429 with Retry-After, nothing stored)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from sanic import Sanic

from bot.handoff.csat import rating_token
from bot.settings import RateLimit, get_settings, load_settings
from bot.store import events_for, get_by_ticket, session_scope, set_status
from bot.store.csat import rating_of
from bot.web.channel import REFUSALS, ComplaintSocketIOInput
from bot.web.ratelimit import MemoryLimiter, RateLimits, RedisLimiter
from tests.conftest import require_service
from tests.web.test_channel import KEY, Collector, FakeServer
from tests.web.test_console_api import Console, console  # noqa: F401  (fixture)
from tests.web.test_rest_access import rest_server

REDIS_URL = "redis://127.0.0.1:6379/0"
THREE_PER_MINUTE = RateLimit(3, 60)

pytestmark = pytest.mark.usefixtures("database")


def limits(**overrides: RateLimit) -> RateLimits:
    settings = get_settings()
    return RateLimits(replace(settings, rate_limits={**settings.rate_limits, **overrides}))


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    if request.param == "memory":
        yield MemoryLimiter()
        return
    require_service("Redis", "127.0.0.1", 6379)
    redis_limiter = RedisLimiter(REDIS_URL, prefix=f"test-ratelimit:{secrets.token_hex(4)}")
    yield redis_limiter
    await redis_limiter.close()


async def test_a_limiter_allows_count_hits_per_window_and_then_says_how_long_to_wait(
    limiter: Any,
) -> None:
    assert [await limiter.hit("login_ip", "10.0.0.1", THREE_PER_MINUTE) for _ in range(3)] == [
        None,
        None,
        None,
    ]
    wait = await limiter.hit("login_ip", "10.0.0.1", THREE_PER_MINUTE)
    assert wait is not None and 0 < wait <= 60
    assert await limiter.hit("login_ip", "10.0.0.2", THREE_PER_MINUTE) is None  # other key
    assert await limiter.hit("login_user", "10.0.0.1", THREE_PER_MINUTE) is None  # other limit
    assert await limiter.hit("login_ip", "10.0.0.1", RateLimit(0, 60)) is None  # 0: no limit


async def test_two_instances_share_one_count_in_redis() -> None:
    require_service("Redis", "127.0.0.1", 6379)
    prefix = f"test-ratelimit:{secrets.token_hex(4)}"
    first, second = RedisLimiter(REDIS_URL, prefix), RedisLimiter(REDIS_URL, prefix)
    try:
        assert await first.hit("login_ip", "ip", THREE_PER_MINUTE) is None
        assert await second.hit("login_ip", "ip", THREE_PER_MINUTE) is None
        assert await first.hit("login_ip", "ip", THREE_PER_MINUTE) is None
        assert await second.hit("login_ip", "ip", THREE_PER_MINUTE) is not None
    finally:
        await first.close()
        await second.close()


async def test_redis_out_of_reach_lets_requests_through() -> None:
    unreachable = RedisLimiter("redis://127.0.0.1:1/0")
    try:
        for _ in range(5):
            assert await unreachable.hit("login_ip", "ip", RateLimit(1, 60)) is None
    finally:
        await unreachable.close()


def test_settings_read_rate_limits_from_the_environment() -> None:
    settings = load_settings({"BOT_RATE_LIMITS": "login_ip=5/300, widget_message_session=2/10"})
    assert settings.rate_limits["login_ip"] == RateLimit(5, 300)
    assert settings.rate_limits["widget_message_session"] == RateLimit(2, 10)
    assert settings.rate_limits["login_user"] == RateLimit(10, 300)  # default
    off = load_settings({"BOT_RATE_LIMITS": "off"})
    assert {limit.count for limit in off.rate_limits.values()} == {0}
    assert load_settings({"REDIS_URL": REDIS_URL}).redis_url == REDIS_URL
    for bad in ("nope=1/2", "login_ip=many", "login_ip=3/0"):
        with pytest.raises(ValueError):
            load_settings({"BOT_RATE_LIMITS": bad})


# --------------------------------------------------------------------------- the widget


def _channel(**overrides: RateLimit) -> ComplaintSocketIOInput:
    channel = ComplaintSocketIOInput(
        settings=get_settings(), session_persistence=True, secret_key=KEY
    )
    channel.sio = FakeServer()  # type: ignore[assignment]
    channel._rate_limits = limits(**overrides)
    return channel


def _environ(ip: str) -> dict[str, Any]:
    return {"sanic.request": SimpleNamespace(remote_addr="", ip=ip)}


async def test_widget_connects_are_limited_per_ip() -> None:
    channel = _channel(widget_connect_ip=THREE_PER_MINUTE)
    results = [await channel.on_connect(f"sid{n}", _environ("10.1.1.1")) for n in range(4)]
    assert results == [True, True, True, False]
    assert await channel.on_connect("other", _environ("10.1.1.2")) is True


async def test_widget_messages_are_limited_per_session_and_per_ip() -> None:
    channel = _channel(widget_message_session=RateLimit(2, 60), widget_message_ip=RateLimit(3, 60))
    collect = Collector()
    for sid in ("a", "b"):
        assert await channel.on_connect(sid, _environ("10.2.2.2"))
        await channel.on_session_request(sid, {})
    for _ in range(3):
        await channel.on_user_message("a", {"message": "my parcel never arrived"}, collect)
    assert len(collect.messages) == 2  # the session's limit
    await channel.on_user_message("b", {"message": "hello"}, collect)
    assert len(collect.messages) == 2  # the IP's limit (3 counted already)
    server = channel.sio
    assert isinstance(server, FakeServer)
    too_fast = [data for event, data, _ in server.emitted if event == "bot_uttered"]
    assert too_fast == [{"text": REFUSALS["too_fast"]["en"]}] * 2


# --------------------------------------------------------------------------- REST and sign-in


async def test_rest_messages_are_limited_per_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    async with rest_server("", rest_message_sender=RateLimit(2, 60)) as (url, received):
        statuses = []
        async with aiohttp.ClientSession() as http:
            for sender in ("ana", "ana", "ana", "ivo"):
                async with http.post(url, json={"sender": sender, "message": "hi"}) as res:
                    statuses.append(res.status)
                    if res.status == 429:
                        assert int(res.headers["Retry-After"]) >= 1
        assert statuses == [200, 200, 429, 200]
        assert [message.sender_id for message in received] == ["ana", "ana", "ivo"]


async def test_sign_in_brute_force_gets_429_with_retry_after(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, _ = console
    server.app.ctx.rate_limits = limits(login_ip=RateLimit(4, 300), login_user=RateLimit(3, 300))
    async with server.client() as http:
        statuses = []
        for _ in range(4):
            async with http.post(
                f"{server.base}/api/tokens", json={"username": "ana", "password": "guess"}
            ) as res:
                statuses.append(res.status)
                retry_after = res.headers.get("Retry-After")
        assert statuses == [401, 401, 401, 429]
        assert retry_after is not None and int(retry_after) >= 1
        # the right password does not help once the account's limit is reached
        async with http.post(
            f"{server.base}/api/tokens",
            json={"username": "ana", "password": "correct horse battery"},
        ) as res:
            assert res.status == 429
        # the form: another username, but this IP's limit is reached too
        async with http.get(f"{server.base}/console/login") as res:
            page = await res.text()
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"username": "boss", "password": "guess", "csrf_token": csrf}
        async with http.post(
            f"{server.base}/console/login", data=form, allow_redirects=False
        ) as res:
            assert res.status == 429
            assert int(res.headers["Retry-After"]) >= 1
            assert "Too many sign-in attempts" in await res.text()


# --------------------------------------------------------------------------- mail and rating


async def test_mail_webhooks_are_limited_per_ip_and_nothing_is_stored_past_the_limit(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, tickets = console
    server.app.ctx.settings = replace(server.app.ctx.settings, mail_inbound_secret="m" * 40)
    server.app.ctx.rate_limits = limits(
        mail_inbound_ip=RateLimit(2, 60), mail_bounce_ip=RateLimit(1, 60)
    )
    auth = {"Authorization": "Bearer " + "m" * 40}
    mail = {"from": "ana@example.com", "subject": f"Re: [{tickets['calm']}]"}
    statuses = []
    async with server.client() as http:
        for n in range(3):
            form = {**mail, "text": f"reply {n}"}
            async with http.post(f"{server.base}/api/mail/inbound", data=form, headers=auth) as res:
                statuses.append(res.status)
                refusal = await res.json()
                retry_after = res.headers.get("Retry-After")
        assert statuses == [200, 200, 429]
        assert retry_after is not None and int(retry_after) >= 1
        assert refusal["status"] == 429 and "Too many requests" in refusal["error"]
        # a wrong secret counts too: guessing it is as slow as posting
        bounce = {"message_id": "<nope@example.com>", "reason": "gone"}
        async with http.post(f"{server.base}/api/mail/bounce", json=bounce) as res:
            assert res.status == 401
        async with http.post(f"{server.base}/api/mail/bounce", json=bounce, headers=auth) as res:
            assert res.status == 429 and int(res.headers["Retry-After"]) >= 1
    with session_scope(server.url) as session:
        complaint = get_by_ticket(session, tickets["calm"])
        assert complaint is not None
        kept = [
            e.data["text"] for e in events_for(session, complaint) if e.kind == "message_customer"
        ]
    assert kept == ["reply 0", "reply 1"]


async def test_the_rating_link_is_limited_per_ip_and_per_link_and_nothing_is_stored(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, tickets = console
    settings = server.app.ctx.complaint_rating_settings
    server.app.ctx.rate_limits = limits(rating_token=RateLimit(2, 60), rating_ip=RateLimit(4, 60))
    with session_scope(server.url) as session:
        for key in ("calm", "late"):
            complaint = get_by_ticket(session, tickets[key])
            assert complaint is not None
            set_status(session, complaint, "resolved", "agent:ana", "done")
    calm, late = (rating_token(tickets[key], settings.secret_key) for key in ("calm", "late"))
    statuses = []
    async with server.client() as http:
        for link in (calm, calm, calm, late, late):
            async with http.post(f"{server.base}/widget/rate/{link}", json={"rating": 5}) as res:
                statuses.append(res.status)
                if res.status == 429:
                    assert int(res.headers["Retry-After"]) >= 1
                    assert (await res.json())["error"].startswith("Too many requests")
        # the first rating counted, the second was refused (409); the link's third call and
        # the address's fifth are over the limits
        assert statuses == [200, 409, 429, 200, 429]
    with session_scope(server.url) as session:
        for key in ("calm", "late"):
            complaint = get_by_ticket(session, tickets[key])
            assert complaint is not None
            found = rating_of(session, complaint)
            assert found is not None and found.rating == 5
