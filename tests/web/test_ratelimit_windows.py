"""The in-memory limiter prunes each count by its own window and keeps memory bounded, and
sign-in is limited per username *and* address (issue 13, finding 7)."""

from __future__ import annotations

import pytest

from bot.settings import RateLimit
from bot.web import ratelimit
from bot.web.ratelimit import MemoryLimiter
from tests.web.test_access_ratelimits import limits
from tests.web.test_console_api import Console, console  # noqa: F401  (fixture)

SIGN_IN = RateLimit(3, 300)
WIDGET = RateLimit(60, 60)

pytestmark = pytest.mark.usefixtures("database")


async def test_sign_in_counters_survive_a_prune_for_a_shorter_limit() -> None:
    limiter = MemoryLimiter()
    for _ in range(3):
        assert await limiter.hit("login_user", "ana", SIGN_IN) is None
    # enough widget connects (a 60 s limit) to make the limiter prune
    for number in range(10_001):
        await limiter.hit("widget_connect_ip", f"10.0.{number // 250}.{number % 250}", WIDGET)
    assert await limiter.hit("login_user", "ana", SIGN_IN) is not None  # still counted


async def test_a_prune_forgets_only_windows_that_have_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [3000.0]  # a 300 s window starts at 3000, a 60 s one too
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    limiter = MemoryLimiter(prune_at=3)
    for _ in range(3):
        await limiter.hit("login_user", "ana", SIGN_IN)
    await limiter.hit("widget_connect_ip", "a", WIDGET)
    await limiter.hit("widget_connect_ip", "b", WIDGET)
    now[0] = 3061.0  # the 60 s windows are over, the 300 s one is not
    await limiter.hit("widget_connect_ip", "c", WIDGET)  # prunes
    assert len(limiter) == 2  # ana's sign-in count and c
    assert await limiter.hit("login_user", "ana", SIGN_IN) is not None
    now[0] = 3301.0
    assert await limiter.hit("login_user", "ana", SIGN_IN) is None  # a new window


async def test_memory_is_bounded_oldest_keys_first() -> None:
    limiter = MemoryLimiter(max_keys=100)
    await limiter.hit("login_user", "ana", RateLimit(1, 300))
    for number in range(1000):
        await limiter.hit("widget_connect_ip", f"ip-{number}", WIDGET)
        assert len(limiter) <= 100
    assert await limiter.hit("widget_connect_ip", "ip-999", RateLimit(1, 60)) is not None
    assert await limiter.hit("login_user", "ana", RateLimit(1, 300)) is None  # dropped first


async def _sign_in(server: Console, address: str, password: str) -> int:
    async with (
        server.client() as http,
        http.post(
            f"{server.base}/api/tokens",
            json={"username": "ana", "password": password},
            headers={"X-Real-IP": address},
        ) as answer,
    ):
        return answer.status


async def test_a_stranger_cannot_lock_an_agent_out(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    server, _ = console
    server.app.config.REAL_IP_HEADER = "x-real-ip"
    server.app.ctx.rate_limits = limits(login_ip=RateLimit(5, 300), login_user=RateLimit(3, 300))
    stranger = [await _sign_in(server, "203.0.113.9", "guess") for _ in range(5)]
    assert stranger == [401, 401, 401, 429, 429]
    # Ana, from her own address, still signs in
    assert await _sign_in(server, "198.51.100.7", "correct horse battery") == 201
    # the stranger's address stays limited, whatever the username
    assert await _sign_in(server, "203.0.113.9", "correct horse battery") == 429
