"""socket.io across several Rasa instances: emits go through Redis pub/sub.

A customer's socket lives in one Rasa instance, but an agent's reply may arrive at any other
(the console's API is load-balanced). With python-socketio's :class:`AsyncRedisManager` as the
server's client manager, ``emit(..., room=<session id>)`` is published on Redis and every
instance delivers it to the sockets it holds. The manager reconnects by itself when Redis
restarts.
"""

from __future__ import annotations

from socketio import AsyncRedisManager

from bot.settings import Settings, get_settings

CHANNEL = "complaint_bot_socketio"


def client_manager(settings: Settings | None = None) -> AsyncRedisManager | None:
    """The Redis client manager in production or with several Rasa workers (``REDIS_URL``),
    else ``None`` (in memory)."""
    config = settings or get_settings()
    if not config.shares_sockets_through_redis:
        return None
    return AsyncRedisManager(config.redis_url, channel=CHANNEL)
