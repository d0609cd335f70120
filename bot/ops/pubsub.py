"""socket.io across several Rasa instances: emits go through Redis pub/sub.

A customer's socket lives in one Rasa instance, but an agent's reply may arrive at any other
(the console's API is load-balanced). With python-socketio's :class:`AsyncRedisManager` as the
server's client manager, ``emit(..., room=<session id>)`` is published on Redis and every
instance delivers it to the sockets it holds. The manager reconnects by itself when Redis
restarts.
"""

from __future__ import annotations

from socketio import AsyncRedisManager

from bot.settings import Settings

CHANNEL = "complaint_bot_socketio"


def client_manager(settings: Settings) -> AsyncRedisManager | None:
    """The Redis client manager in production or with several Rasa workers (``REDIS_URL``),
    else ``None`` (in memory)."""
    if not settings.shares_sockets_through_redis:
        return None
    return AsyncRedisManager(settings.redis_url, channel=CHANNEL)
