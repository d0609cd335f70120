"""Rasa's production endpoints, built from :mod:`bot.settings`.

Production mode (``BOT_ENV=production``) is Rasa's own production architecture: the SQL tracker
store on PostgreSQL (the complaint store's database), the Redis lock store
(:mod:`bot.ops.locks`) so several Rasa servers can share conversations, and the ``pika`` event
broker on RabbitMQ (:class:`bot.ops.broker.ConfirmingPikaEventBroker`). The tracker store is
:class:`bot.ops.stores.CachingSQLTrackerStore` on every database, SQLite included.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from bot.settings import Settings, SettingsError

TRACKER_STORE = "bot.ops.stores.CachingSQLTrackerStore"
CONFIRMING_BROKER = "bot.ops.broker.ConfirmingPikaEventBroker"
LOCK_STORE = "bot.ops.locks.AtomicRedisLockStore"


def redis_lock_store(redis_url: str) -> dict[str, Any]:
    """``lock_store`` for :class:`bot.ops.locks.AtomicRedisLockStore` (Rasa's RedisLockStore,
    atomic) from ``redis://[:password@]host:port/db``."""
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise SettingsError(f"REDIS_URL must look like redis://host:6379/0, not {redis_url!r}")
    path = parts.path.strip("/")
    config: dict[str, Any] = {
        "type": LOCK_STORE,
        "url": parts.hostname,
        "port": parts.port or 6379,
        "db": int(path) if path.isdigit() else 0,
        "key_prefix": "complaint_bot",
        "use_ssl": parts.scheme == "rediss",
    }
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.username:
        config["username"] = unquote(parts.username)
    return config


def pika_event_broker(rabbitmq_url: str, queue: str, exchange: str) -> dict[str, Any]:
    """``event_broker`` for :class:`bot.ops.broker.ConfirmingPikaEventBroker` from
    ``amqp[s]://user:password@host:port/vhost``: the vhost is kept (``/`` when the path is empty,
    percent-decoded, so ``%2F`` is ``/``) and ``amqps`` means TLS (port 5671 by default)."""
    parts = urlsplit(rabbitmq_url)
    if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
        raise SettingsError(f"RABBITMQ_URL must look like amqp://user:pw@host:5672/vhost, not "
                            f"{rabbitmq_url!r}")
    tls = parts.scheme == "amqps"
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return {
        "type": CONFIRMING_BROKER,
        "url": parts.hostname,
        "port": parts.port or (5671 if tls else 5672),
        "username": unquote(parts.username or "guest"),
        "password": unquote(parts.password or "guest"),
        "virtual_host": vhost,
        "ssl": tls,
        "exchange_name": exchange,
        "queues": [queue],
        # Keep events that could not be published while RabbitMQ is away, and retry them.
        "should_keep_unpublished_messages": True,
        "raise_on_failure": False,
        "connection_attempts": 20,
        "retry_delay_in_seconds": 2,
    }


def tracker_store(settings: Settings, connection: dict[str, Any]) -> dict[str, Any]:
    """``tracker_store`` for :class:`bot.ops.stores.CachingSQLTrackerStore` from the keys of
    Rasa's ``type: SQL`` store (``connection``: dialect, database, host...)."""
    return {
        **connection,
        "type": TRACKER_STORE,
        "retry_seconds": settings.db_retry_seconds,
        "cache_size": settings.tracker_cache_size,
    }


def production_endpoints(settings: Settings) -> dict[str, Any]:
    """The endpoints that differ from the embedded default (in-memory locks, no broker)."""
    endpoints: dict[str, Any] = {}
    if settings.redis_url:
        endpoints["lock_store"] = redis_lock_store(settings.redis_url)
    if settings.rabbitmq_url:
        endpoints["event_broker"] = pika_event_broker(
            settings.rabbitmq_url, settings.event_queue, settings.event_exchange
        )
    return endpoints


def rasa_api_args(settings: Settings, with_secrets: bool = True) -> list[str]:
    """``--enable-api`` only together with ``--auth-token`` and/or ``--jwt-secret``.

    Without ``with_secrets`` only ``--enable-api`` is returned: :mod:`bot.ops.rasa_main` adds
    the secrets inside the process, so they never show in the process list.
    """
    args: list[str] = []
    if settings.rasa_auth_token:
        args += ["--auth-token", settings.rasa_auth_token]
    if settings.rasa_jwt_secret:
        args += ["--jwt-secret", settings.rasa_jwt_secret]
    if not args:
        return []
    return ["--enable-api", *args] if with_secrets else ["--enable-api"]
