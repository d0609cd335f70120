"""The one place where settings are read: built-in defaults, then ``bot.yml``, then the environment.

* ``BOT_SETTINGS_FILE`` names the YAML file (default: ``bot.yml`` in the working directory; a
  missing file is fine, a malformed one is an error).
* Environment variables override the file: ``DATABASE_URL``, ``BOT_ENV``, ``BOT_SECRET_KEY``,
  ``BOT_RESPONSE_DEADLINE_HOURS``, ``BOT_TICKET_PREFIX``, ``BOT_TIMEZONE``, ``BOT_HOST``,
  ``BOT_RASA_PORT``, ``BOT_ACTIONS_PORT``, ``BOT_WEB_PORT``, ``BOT_PROJECT_DIR``;
  production: ``REDIS_URL``, ``RABBITMQ_URL``, ``BOT_RASA_AUTH_TOKEN``, ``BOT_RASA_JWT_SECRET``,
  ``BOT_EVENT_QUEUE``, ``BOT_EVENT_EXCHANGE``, ``BOT_EVENT_RETENTION_DAYS``,
  ``BOT_ACTION_ENDPOINT_URL``, ``BOT_AGENT_DISCONNECT_SECONDS``,
  ``BOT_DB_RETRY_SECONDS``.

Nothing here connects to anything; :func:`get_settings` only parses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "change-me-local-only"

#: The built-in complaint categories. More can be added under ``categories:`` in ``bot.yml``.
BUILTIN_CATEGORIES: tuple[str, ...] = (
    "delivery",
    "product_quality",
    "billing",
    "service_quality",
    "technical",
    "safety",
    "other",
)


class SettingsError(ValueError):
    """A setting is missing, malformed or unsafe for the chosen environment."""


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` events per ``seconds`` (``count`` 0: no limit)."""

    count: int
    seconds: int


#: Rate limits by name (see :mod:`bot.web.ratelimit`); ``rate_limits:`` in bot.yml or
#: ``BOT_RATE_LIMITS="login_ip=5/300,widget_message_session=10/60"`` (or ``off``) change them.
RATE_LIMIT_DEFAULTS: dict[str, RateLimit] = {
    "widget_connect_ip": RateLimit(60, 60),
    "widget_message_session": RateLimit(30, 60),
    "widget_message_ip": RateLimit(120, 60),
    "rest_message_sender": RateLimit(30, 60),
    "rest_message_ip": RateLimit(120, 60),
    "login_ip": RateLimit(20, 300),
    "login_user": RateLimit(10, 300),
}


@dataclass(frozen=True)
class CategorySettings:
    """A complaint category: its slug and the severity a complaint of it starts with (1-4)."""

    slug: str
    default_severity: int = 2
    #: Whether the bot asks for an order reference for complaints of this category.
    needs_order_ref: bool = False
    #: One line for agents and trainers (docs/categories.md has the full guide).
    description: str = ""


@dataclass(frozen=True)
class EscalationSettings:
    """Thresholds of the escalation policy (see :mod:`bot.policy`)."""

    #: Anger score (0..1) at or above which a message counts as angry.
    anger_threshold: float = 0.6
    #: Rise of the anger score between two messages that counts as "getting angrier".
    anger_rise: float = 0.3
    #: Consecutive misunderstood messages that send the conversation to a person.
    max_failed_understandings: int = 2
    #: How far back an earlier complaint about the same matter makes this one a repeat.
    repeat_window_days: int = 90
    #: NLU confidence below which a message counts as not understood.
    nlu_confidence_threshold: float = 0.25
    #: Confidence an ``insult``/``request_human`` intent needs to escalate on its own.
    intent_escalation_confidence: float = 0.75


@dataclass(frozen=True)
class Settings:
    """Every setting of the framework, immutable once read."""

    env: str = "local"
    database_url: str = ""
    secret_key: str = DEFAULT_SECRET_KEY
    response_deadline_hours: int = 24
    ticket_prefix: str = "C"
    timezone: str = "Europe/Zagreb"
    categories: tuple[CategorySettings, ...] = ()
    escalation: EscalationSettings = field(default_factory=EscalationSettings)
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8000
    #: The Rasa project the trainer studio edits (domain.yml, config.yml, data/, tests/stories).
    project_dir: Path = PROJECT_ROOT
    #: Rate limits by name (:data:`RATE_LIMIT_DEFAULTS`); counted in Redis when ``redis_url``.
    rate_limits: dict[str, RateLimit] = field(default_factory=lambda: dict(RATE_LIMIT_DEFAULTS))
    redis_url: str = ""
    #: Rasa's ``pika`` event broker (production), e.g. ``amqp://user:pass@host:5672/%2F``.
    rabbitmq_url: str = ""
    #: The RabbitMQ queue Rasa publishes conversation events to.
    event_queue: str = "complaint_bot_events"
    #: The fanout exchange of our own that Rasa publishes to (not Rasa's shared default).
    event_exchange: str = "complaint_bot_exchange"
    #: Days the event consumer keeps the audit trail (``conversation_events``).
    event_retention_days: int = 30
    #: Token for Rasa's HTTP API (``rasa run --enable-api --auth-token``).
    rasa_auth_token: str = ""
    #: Secret for JWTs on Rasa's HTTP API (``rasa run --jwt-secret``).
    rasa_jwt_secret: str = ""
    #: Where Rasa calls the actions (default: the action server on ``actions_port``), e.g. an
    #: nginx upstream in front of several action servers.
    action_endpoint_url: str = ""
    #: Run the custom actions inside the Rasa server process instead of calling the action
    #: server over HTTP (see :mod:`bot.ops.inprocess`).
    actions_in_process: bool = False
    #: Rasa server worker processes (Sanic workers, Rasa's ``SANIC_WORKERS``). More than one
    #: needs ``redis_url``: the lock store and socket.io delivery must span the workers.
    rasa_workers: int = 1
    #: An agent's console not seen for this long gives the conversations it holds back to the
    #: queue.
    agent_disconnect_seconds: int = 60
    #: How long database work is retried while the database is unreachable.
    db_retry_seconds: int = 20
    #: Working files: the SQLite database, logs, caches, the outbox (``BOT_VAR_DIR``).
    var_dir: Path = PROJECT_ROOT / "var"
    #: Trained Rasa models (``BOT_MODELS_DIR``).
    models_dir: Path = PROJECT_ROOT / "models"

    @property
    def outbox_dir(self) -> Path:
        """Action calls that could not run, kept for replay (see :mod:`bot.ops.fallback`)."""
        return self.var_dir / "outbox"

    @property
    def shares_sockets_through_redis(self) -> bool:
        """Whether socket.io emits must go through Redis: several instances (production) or
        several workers of one instance."""
        return bool(self.redis_url) and (self.is_production or self.rasa_workers > 1)

    @property
    def category_slugs(self) -> tuple[str, ...]:
        return tuple(category.slug for category in self.categories)

    def category(self, slug: str) -> CategorySettings:
        """The settings of ``slug``, or of ``other`` when the slug is unknown."""
        for category in self.categories:
            if category.slug == slug:
                return category
        return self.category("other") if slug != "other" else CategorySettings("other")

    @property
    def is_production(self) -> bool:
        return self.env == "production"


#: The built-in categories, from ``bot/categories.yml`` (data, not code).
CATEGORIES_FILE = Path(__file__).with_name("categories.yml")


def default_database_url(root: Path = PROJECT_ROOT) -> str:
    """SQLite in ``var/bot.db`` under the project: the embedded default."""
    return f"sqlite:///{root / 'var' / 'bot.db'}"


def _load_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid YAML: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping at the top level")
    return data


def _as_bool(name: str, value: Any) -> bool:
    """A yes/no setting: a YAML boolean, or true/false, yes/no, on/off, 1/0 from the environment."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _as_int(name: str, value: Any, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise SettingsError(f"{name} must be a whole number, got {value!r}") from error
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {number}")
    return number


def _as_float(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise SettingsError(f"{name} must be a number, got {value!r}") from error


def _category(entry: Any) -> CategorySettings:
    """One category from a ``categories:`` entry (a slug, or a mapping with its fields)."""
    entry = {"slug": entry} if isinstance(entry, str) else entry
    if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str):
        raise SettingsError(f"a category needs a slug: {entry!r}")
    slug = entry["slug"]
    if not slug.isidentifier() or not slug.islower():
        raise SettingsError(f"category slug must be lower_snake_case: {slug!r}")
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise SettingsError(f"categories.{slug}.description must be text")
    return CategorySettings(
        slug=slug,
        default_severity=_as_int(
            f"categories.{slug}.default_severity", entry.get("default_severity", 2), 1
        ),
        needs_order_ref=bool(entry.get("needs_order_ref", False)),
        description=" ".join(description.split()),
    )


def builtin_categories(path: Path = CATEGORIES_FILE) -> tuple[CategorySettings, ...]:
    """The built-in categories of ``bot/categories.yml``."""
    try:
        raw = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as error:
        raise SettingsError(f"cannot read {path.name}: {error}") from error
    if not isinstance(raw, list):
        raise SettingsError(f"{path.name} must be a list of categories")
    return tuple(_category(entry) for entry in raw)


def _categories(raw: Any) -> tuple[CategorySettings, ...]:
    categories = {category.slug: category for category in builtin_categories()}
    if raw is None:
        return tuple(categories.values())
    if not isinstance(raw, list):
        raise SettingsError("categories must be a list")
    for item in raw:
        category = _category(item)
        categories[category.slug] = category
    return tuple(categories.values())


def _escalation(raw: Any) -> EscalationSettings:
    if raw is None:
        return EscalationSettings()
    if not isinstance(raw, dict):
        raise SettingsError("escalation must be a mapping")
    defaults = EscalationSettings()
    return EscalationSettings(
        anger_threshold=_as_float(
            "escalation.anger_threshold", raw.get("anger_threshold", defaults.anger_threshold)
        ),
        anger_rise=_as_float("escalation.anger_rise", raw.get("anger_rise", defaults.anger_rise)),
        max_failed_understandings=_as_int(
            "escalation.max_failed_understandings",
            raw.get("max_failed_understandings", defaults.max_failed_understandings),
            1,
        ),
        repeat_window_days=_as_int(
            "escalation.repeat_window_days",
            raw.get("repeat_window_days", defaults.repeat_window_days),
            1,
        ),
        nlu_confidence_threshold=_as_float(
            "escalation.nlu_confidence_threshold",
            raw.get("nlu_confidence_threshold", defaults.nlu_confidence_threshold),
        ),
        intent_escalation_confidence=_as_float(
            "escalation.intent_escalation_confidence",
            raw.get("intent_escalation_confidence", defaults.intent_escalation_confidence),
        ),
    )


def _rate_limit(name: str, value: Any) -> RateLimit:
    """``"5/300"`` or ``{count: 5, seconds: 300}``."""
    count: Any
    seconds: Any
    if isinstance(value, str) and value.count("/") == 1:
        count, seconds = value.split("/")
    elif isinstance(value, dict):
        count, seconds = value.get("count"), value.get("seconds")
    else:
        raise SettingsError(f"rate limit {name} must look like 5/300, got {value!r}")
    return RateLimit(_as_int(name, count), _as_int(name, seconds, 1))


def _rate_limits(raw: Any, env_value: str | None) -> dict[str, RateLimit]:
    limits = dict(RATE_LIMIT_DEFAULTS)
    if raw is not None and not isinstance(raw, dict):
        raise SettingsError("rate_limits must be a mapping")
    items = list((raw or {}).items())
    if env_value and env_value.strip().lower() == "off":
        return {name: RateLimit(0, 1) for name in limits}
    for part in (env_value or "").split(","):
        if part.strip():
            name, _, value = part.partition("=")
            items.append((name.strip(), value.strip()))
    for name, value in items:
        if name not in limits:
            raise SettingsError(f"unknown rate limit {name!r}: one of {', '.join(limits)}")
        limits[name] = _rate_limit(name, value)
    return limits


def load_settings(
    environ: dict[str, str] | None = None, settings_file: Path | None = None
) -> Settings:
    """Read the settings from ``settings_file`` and ``environ`` (defaults: the real ones)."""
    env = dict(os.environ if environ is None else environ)
    path = settings_file or Path(env.get("BOT_SETTINGS_FILE", "bot.yml"))
    data = _load_file(path)

    settings = Settings(
        env=str(env.get("BOT_ENV", data.get("env", "local"))),
        database_url=str(env.get("DATABASE_URL") or data.get("database_url") or ""),
        secret_key=str(env.get("BOT_SECRET_KEY", data.get("secret_key", DEFAULT_SECRET_KEY))),
        response_deadline_hours=_as_int(
            "response_deadline_hours",
            env.get("BOT_RESPONSE_DEADLINE_HOURS", data.get("response_deadline_hours", 24)),
            1,
        ),
        ticket_prefix=str(env.get("BOT_TICKET_PREFIX", data.get("ticket_prefix", "C"))),
        timezone=str(env.get("BOT_TIMEZONE", data.get("timezone", "Europe/Zagreb"))),
        categories=_categories(data.get("categories")),
        escalation=_escalation(data.get("escalation")),
        host=str(env.get("BOT_HOST", data.get("host", "127.0.0.1"))),
        rasa_port=_as_int("rasa_port", env.get("BOT_RASA_PORT", data.get("rasa_port", 5005)), 1),
        actions_port=_as_int(
            "actions_port", env.get("BOT_ACTIONS_PORT", data.get("actions_port", 5055)), 1
        ),
        web_port=_as_int("web_port", env.get("BOT_WEB_PORT", data.get("web_port", 8000)), 1),
        project_dir=Path(env.get("BOT_PROJECT_DIR") or data.get("project_dir") or PROJECT_ROOT),
        rate_limits=_rate_limits(data.get("rate_limits"), env.get("BOT_RATE_LIMITS")),
        redis_url=str(env.get("REDIS_URL") or data.get("redis_url") or ""),
        rabbitmq_url=str(env.get("RABBITMQ_URL") or data.get("rabbitmq_url") or ""),
        event_queue=str(
            env.get("BOT_EVENT_QUEUE") or data.get("event_queue") or "complaint_bot_events"
        ),
        event_exchange=str(
            env.get("BOT_EVENT_EXCHANGE") or data.get("event_exchange") or "complaint_bot_exchange"
        ),
        event_retention_days=_as_int(
            "event_retention_days",
            env.get("BOT_EVENT_RETENTION_DAYS", data.get("event_retention_days", 30)),
            1,
        ),
        rasa_auth_token=str(env.get("BOT_RASA_AUTH_TOKEN") or data.get("rasa_auth_token") or ""),
        rasa_jwt_secret=str(env.get("BOT_RASA_JWT_SECRET") or data.get("rasa_jwt_secret") or ""),
        action_endpoint_url=str(
            env.get("BOT_ACTION_ENDPOINT_URL") or data.get("action_endpoint_url") or ""
        ),
        actions_in_process=_as_bool(
            "actions_in_process",
            env.get("BOT_ACTIONS_IN_PROCESS", data.get("actions_in_process", False)),
        ),
        rasa_workers=_as_int(
            "rasa_workers", env.get("BOT_RASA_WORKERS", data.get("rasa_workers", 1)), 1
        ),
        agent_disconnect_seconds=_as_int(
            "agent_disconnect_seconds",
            env.get("BOT_AGENT_DISCONNECT_SECONDS", data.get("agent_disconnect_seconds", 60)),
            1,
        ),
        db_retry_seconds=_as_int(
            "db_retry_seconds", env.get("BOT_DB_RETRY_SECONDS", data.get("db_retry_seconds", 20))
        ),
        var_dir=Path(env.get("BOT_VAR_DIR") or data.get("var_dir") or PROJECT_ROOT / "var"),
        models_dir=Path(
            env.get("BOT_MODELS_DIR") or data.get("models_dir") or PROJECT_ROOT / "models"
        ),
    )
    if settings.env not in ("local", "test", "production"):
        raise SettingsError(f"BOT_ENV must be local, test or production, not {settings.env!r}")
    if not settings.database_url:
        settings = replace(settings, database_url=default_database_url())
    if settings.rasa_workers > 1 and not settings.redis_url.startswith(("redis://", "rediss://")):
        raise SettingsError(
            "BOT_RASA_WORKERS above 1 needs REDIS_URL (redis://...): the workers share "
            "conversation locks and socket.io delivery through Redis"
        )
    if settings.is_production:
        _refuse_unsafe_production(settings)
    return settings


def _refuse_unsafe_production(settings: Settings) -> None:
    if settings.secret_key == DEFAULT_SECRET_KEY or len(settings.secret_key) < 32:
        raise SettingsError(
            "production mode refuses the default or a short BOT_SECRET_KEY (32+ characters)"
        )
    if settings.database_url.startswith("sqlite"):
        raise SettingsError("production mode refuses SQLite: set DATABASE_URL to PostgreSQL")
    if not settings.rasa_jwt_secret and len(settings.rasa_auth_token) < 32:
        raise SettingsError(
            "production mode refuses an open Rasa HTTP API: set BOT_RASA_AUTH_TOKEN "
            "(32+ characters) or BOT_RASA_JWT_SECRET"
        )
    if settings.rasa_jwt_secret and len(settings.rasa_jwt_secret) < 32:
        raise SettingsError("production mode refuses a short BOT_RASA_JWT_SECRET (32+ characters)")
    if not settings.redis_url.startswith(("redis://", "rediss://")):
        raise SettingsError("production mode needs REDIS_URL (redis://...) for the lock store")
    if not settings.rabbitmq_url.startswith(("amqp://", "amqps://")):
        raise SettingsError("production mode needs RABBITMQ_URL (amqp://...) for the event broker")
    if DEFAULT_SECRET_KEY in (settings.rasa_auth_token, settings.rasa_jwt_secret):
        raise SettingsError("production mode refuses the default secret as a Rasa token")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return load_settings()
