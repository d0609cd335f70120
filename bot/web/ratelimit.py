"""Rate limits for the widget (socket.io connects and messages), the REST channel, sign-in,
the mail provider's webhooks and the rating page.

Fixed windows: at most ``count`` hits per ``seconds`` for one key (a session id, an IP
address, a username). Counted in process memory by default, and in Redis when ``REDIS_URL``
is set, so that several Rasa instances behind a proxy share one count. If Redis cannot be
reached the limiter lets requests through (and logs it): a rate limit must never make the bot
unreachable.

The limits themselves are settings (``bot.settings.RATE_LIMIT_DEFAULTS``).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from typing import Any, Protocol

from sanic.request import Request

from bot.settings import RateLimit, Settings
from bot.web.errors import ApiError

logger = logging.getLogger(__name__)

#: The in-memory limiter forgets expired windows once it holds this many keys...
_PRUNE_AT = 10_000
#: ...and never holds more than this many: beyond it the least recently hit are dropped.
_MAX_KEYS = 100_000


class Limiter(Protocol):
    async def hit(self, name: str, key: str, limit: RateLimit) -> float | None:
        """Count one hit; ``None`` when allowed, else the seconds until it would be."""


def _window(limit: RateLimit, now: float) -> tuple[int, float]:
    """The current window's index and the seconds left in it."""
    index = int(now // limit.seconds)
    return index, (index + 1) * limit.seconds - now


class MemoryLimiter:
    """Counts in this process: right for one server process (the embedded default).

    Each count remembers when its own window ends, so pruning for a 60 s limit leaves the
    300 s sign-in counts alone. Memory is bounded: past ``max_keys`` the least recently hit
    keys are forgotten first.
    """

    def __init__(self, max_keys: int = _MAX_KEYS, prune_at: int = _PRUNE_AT) -> None:
        #: (limit name, key) -> (end of its window, hits in it), least recently hit first.
        self._counts: OrderedDict[tuple[str, str], tuple[float, int]] = OrderedDict()
        self._max_keys = max_keys
        self._prune_at = prune_at

    def __len__(self) -> int:
        return len(self._counts)

    def _prune(self, now: float) -> None:
        """Forget the windows that have ended, each by its own limit's length."""
        for key in [key for key, (end, _) in self._counts.items() if end <= now]:
            del self._counts[key]
        # Next prune when the live keys have doubled: pruning stays linear overall.
        self._prune_at = max(self._prune_at, 2 * len(self._counts))

    async def hit(self, name: str, key: str, limit: RateLimit) -> float | None:
        if limit.count <= 0:
            return None
        now = time.time()
        index, left = _window(limit, now)
        end = float((index + 1) * limit.seconds)
        if len(self._counts) >= self._prune_at:
            self._prune(now)
        window_end, count = self._counts.pop((name, key), (end, 0))
        count = count + 1 if window_end == end else 1
        self._counts[(name, key)] = (end, count)
        while len(self._counts) > self._max_keys:
            self._counts.popitem(last=False)
        return None if count <= limit.count else left


class RedisLimiter:
    """Counts in Redis (``INCR`` + ``EXPIRE`` per window), shared by every instance."""

    def __init__(self, url: str, prefix: str = "complaint-bot:ratelimit") -> None:
        import redis.asyncio

        self._redis: Any = redis.asyncio.Redis.from_url(url, socket_timeout=2)
        self._prefix = prefix

    async def hit(self, name: str, key: str, limit: RateLimit) -> float | None:
        if limit.count <= 0:
            return None
        index, left = _window(limit, time.time())
        redis_key = f"{self._prefix}:{name}:{key}:{index}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, limit.seconds + 1)
                count, _ = await pipe.execute()
        except Exception as problem:  # redis.RedisError, OSError: fail open, but say so
            logger.warning("rate limit %s not checked, Redis unavailable: %s", name, problem)
            return None
        return None if int(count) <= limit.count else left

    async def close(self) -> None:
        await self._redis.close()


class RateLimits:
    """The named limits of the settings, counted by one :class:`Limiter`."""

    def __init__(self, settings: Settings, limiter: Limiter | None = None) -> None:
        self.limits = dict(settings.rate_limits)
        if limiter is None:
            limiter = RedisLimiter(settings.redis_url) if settings.redis_url else MemoryLimiter()
        self.limiter = limiter

    async def check(self, name: str, key: str) -> float | None:
        """Count a hit on ``name`` for ``key``: ``None`` if allowed, else Retry-After seconds."""
        limit = self.limits.get(name)
        if limit is None or not key:
            return None
        wait = await self.limiter.hit(name, key, limit)
        if wait is not None:
            logger.warning("rate limit %s exceeded (%d per %ds)", name, limit.count, limit.seconds)
        return wait

    async def check_all(self, *checks: tuple[str, str]) -> float | None:
        """Count every ``(name, key)``; the longest wait if any limit is exceeded."""
        waits = [wait for name, key in checks if (wait := await self.check(name, key)) is not None]
        return max(waits) if waits else None


def retry_after(seconds: float) -> str:
    """The ``Retry-After`` header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


async def refuse_over_limit(limits: RateLimits, message: str, *checks: tuple[str, str]) -> None:
    """Count every ``(name, key)``; over a limit, refuse with 429, ``Retry-After`` and
    ``message`` before anything is read or stored."""
    wait = await limits.check_all(*checks)
    if wait is not None:
        seconds = retry_after(wait)
        raise ApiError(429, message, headers={"Retry-After": seconds}, retry_after=int(seconds))


def client_ip(request: Request) -> str:
    """The client's address: the proxy-reported one when Sanic is told to trust proxies
    (``PROXIES_COUNT`` / ``REAL_IP_HEADER``), else the socket's peer."""
    return str(request.remote_addr or request.ip or "unknown")


def rate_limits_of(app: Any, settings: Settings | None = None) -> RateLimits:
    """The app's :class:`RateLimits`, made on first use from ``settings`` or else the settings
    the staff app put on ``app.ctx.settings``."""
    limits = getattr(app.ctx, "rate_limits", None)
    if limits is None:
        limits = RateLimits(settings if settings is not None else app.ctx.settings)
        app.ctx.rate_limits = limits
    return limits
