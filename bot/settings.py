"""The one place where settings are read: built-in defaults, then ``bot.yml``, then the environment.

* ``BOT_SETTINGS_FILE`` names the YAML file (default: ``bot.yml`` in the working directory; a
  missing file is fine, a malformed one is an error).
* Environment variables override the file: ``DATABASE_URL``, ``BOT_ENV``, ``BOT_SECRET_KEY``,
  ``BOT_RESPONSE_DEADLINE_HOURS``, ``BOT_TICKET_PREFIX``, ``BOT_TIMEZONE``, ``BOT_JURISDICTION``,
  ``BOT_HOST``,
  ``BOT_RASA_PORT``, ``BOT_ACTIONS_PORT``, ``BOT_WEB_PORT``, ``BOT_PROJECT_DIR``;
  production: ``REDIS_URL``, ``RABBITMQ_URL``, ``BOT_RASA_AUTH_TOKEN``, ``BOT_RASA_JWT_SECRET``,
  ``BOT_EVENT_QUEUE``, ``BOT_EVENT_EXCHANGE``, ``BOT_EVENT_RETENTION_DAYS``,
  ``BOT_ACTION_ENDPOINT_URL``, ``BOT_AGENT_DISCONNECT_SECONDS``, ``BOT_DB_RETRY_SECONDS``,
  ``BOT_TRACKER_CACHE_SIZE``,
  ``BOT_ACTIONS_HOST``, ``BOT_ACTIONS_TOKEN``, ``BOT_REST_TOKEN``, ``BOT_REST_PUBLIC``;
  customers: ``BOT_PHONE_REGION``, ``BOT_VERIFICATION_CODE_MINUTES``,
  ``BOT_VERIFICATION_MAX_ATTEMPTS``;
  commitments: ``BOT_COMMITMENT_REMINDER_MINUTES``, ``BOT_COMMITMENT_SWEEP_SECONDS``,
  ``BOT_TEAM_EMAIL``, ``BOT_SUPERVISOR_EMAIL`` (``staff_emails:`` only in bot.yml);
  e-mail: ``SMTP_URL``, ``MAIL_FROM``, ``MAIL_REPLY_TO``, ``MAIL_INBOUND_SECRET``,
  ``MAIL_MAX_ATTEMPTS``, ``MAIL_FIRST_RETRY_SECONDS``.

Nothing here connects to anything; :func:`get_settings` only parses.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from email.utils import parseaddr
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


#: Jurisdictions whose consumer law sets the complaint clocks (``bot/policy/jurisdictions.yml``);
#: ``none`` keeps the company's own round-the-clock SLA only.
JURISDICTIONS: tuple[str, ...] = ("none", "hr", "rs", "ba")
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    #: per username from one address: strangers elsewhere cannot lock an agent out
    "login_user": RateLimit(10, 300),
    #: the mail provider's webhooks, per address: a provider posts from a few addresses
    "mail_inbound_ip": RateLimit(300, 60),
    "mail_bounce_ip": RateLimit(300, 60),
    #: the satisfaction page of the resolution e-mail's link, per address and per link
    "rating_ip": RateLimit(30, 60),
    "rating_token": RateLimit(10, 60),
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
class CalendarSettings:
    """``business_calendar:`` in bot.yml; ``None`` keeps the jurisdiction's default."""

    working_days: tuple[str, ...] | None = None
    opens: str | None = None
    closes: str | None = None
    #: A country code for public holidays, ``none``, or ``None`` for the jurisdiction's.
    holidays: str | None = None
    extra_holidays: tuple[date, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Every setting of the framework, immutable once read."""

    env: str = "local"
    database_url: str = ""
    secret_key: str = DEFAULT_SECRET_KEY
    response_deadline_hours: int = 24
    ticket_prefix: str = "C"
    timezone: str = "Europe/Zagreb"
    #: Whose consumer law sets the statutory complaint deadlines (:data:`JURISDICTIONS`).
    jurisdiction: str = "none"
    #: The business calendar the company's own SLA counts in (see :mod:`bot.policy.clocks`).
    business_calendar: CalendarSettings = field(default_factory=CalendarSettings)
    categories: tuple[CategorySettings, ...] = ()
    escalation: EscalationSettings = field(default_factory=EscalationSettings)
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    #: The address the action server binds to: loopback unless it must be reached from
    #: another machine (then also behind a firewall; every call needs ``actions_token``).
    actions_host: str = "127.0.0.1"
    #: Shared secret Rasa sends with every action call (``Authorization: Bearer``); the
    #: action server refuses calls without it. ``python -m bot run`` makes one per run when
    #: none is set; production refuses to start without one.
    actions_token: str = ""
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
    #: Bearer token a trusted back end sends to the REST channel (``Authorization: Bearer``);
    #: when set, calls without it are refused and limits count per sender, not per address.
    rest_token: str = ""
    #: Production only: allow a public REST channel without ``rest_token`` (explicit opt-in).
    rest_public: bool = False
    #: Where Rasa calls the actions (default: the action server on ``actions_port``), e.g. an
    #: nginx upstream in front of several action servers.
    action_endpoint_url: str = ""
    #: Where the custom actions run: in the Rasa server process (the default, ``BOT_ACTIONS=
    #: inprocess``, see :mod:`bot.ops.inprocess`), or on the separate action server over HTTP
    #: (``BOT_ACTIONS=server``: actions deployed and restarted on their own, or scaled apart).
    actions_in_process: bool = True
    #: Rasa server worker processes (Sanic workers, Rasa's ``SANIC_WORKERS``). More than one
    #: needs ``redis_url``: the lock store and socket.io delivery must span the workers.
    rasa_workers: int = 1
    #: ``auto``: the Rasa server loads TensorFlow only when its model uses it
    #: (:mod:`bot.ops.tensorflow_free`); ``load``: always (``BOT_TENSORFLOW``).
    tensorflow: str = "auto"
    #: An agent's console not seen for this long gives the conversations it holds back to the
    #: queue.
    agent_disconnect_seconds: int = 60
    #: How long database work is retried while the database is unreachable.
    db_retry_seconds: int = 20
    #: Conversations whose stored session each Rasa process remembers, so a message reads and
    #: writes only the new events (:class:`bot.ops.stores.CachingSQLTrackerStore`); 0: none.
    tracker_cache_size: int = 1000
    #: Working files: the SQLite database, logs, caches, the outbox (``BOT_VAR_DIR``).
    var_dir: Path = PROJECT_ROOT / "var"
    #: Trained Rasa models (``BOT_MODELS_DIR``).
    models_dir: Path = PROJECT_ROOT / "models"
    #: Outbox files (action calls kept for replay, with personal data) are deleted after this.
    outbox_retention_days: int = 7
    #: Attempts at one outbox file before it is set aside in ``failed/``.
    outbox_max_attempts: int = 12
    #: The first pause before an outbox file is tried again; it doubles (up to an hour).
    outbox_first_retry_seconds: int = 10
    #: The country whose national phone numbers customers type (``091 234 5678``), so that
    #: contacts become E.164 keys that recognise a customer (``BOT_PHONE_REGION``, ISO code).
    phone_region: str = "HR"
    #: A one-time code that proves a customer's e-mail address expires after this long...
    verification_code_minutes: int = 15
    #: ...and allows this many attempts.
    verification_max_attempts: int = 5
    #: How long before a commitment's due time its owner is reminded (console and e-mail).
    commitment_reminder_minutes: int = 60
    #: How often the Rasa server sweeps the commitments (reminders, missed ones).
    commitment_sweep_seconds: int = 60
    #: A customer's e-mail reply to a complaint resolved or closed at most this many days ago
    #: reopens it; a later one starts a new complaint linked to it (0: always a new one).
    reopen_within_days: int = 30
    #: Where commitment e-mails go: the team's address (reminders of the team's commitments,
    #: such as the bot's "we will answer by ..."), the supervisors' (missed commitments), and
    #: each agent's by username (``staff_emails:`` in bot.yml); empty: console only.
    team_email: str = ""
    supervisor_email: str = ""
    staff_emails: dict[str, str] = field(default_factory=dict)
    #: The mail server for replies and notices (:mod:`bot.ops.mailer`):
    #: ``smtp://host:25`` (plain), ``smtp+starttls://user:pass@host:587`` (STARTTLS) or
    #: ``smtps://user:pass@host:465`` (TLS from the start). Empty: mail is queued, not sent.
    smtp_url: str = ""
    #: The ``From`` of every mail, e.g. ``Support <support@example.com>``.
    mail_from: str = ""
    #: Where customers' replies go (the address the inbound webhook receives), if not From.
    mail_reply_to: str = ""
    #: Shared secret the mail provider sends to the inbound webhook (``/api/mail/inbound``).
    mail_inbound_secret: str = ""
    #: Attempts at one mail before it is given up (recorded on the complaint).
    mail_max_attempts: int = 10
    #: The first pause before a mail is tried again; it doubles (up to an hour).
    mail_first_retry_seconds: int = 30
    #: The address customers reach the Rasa server at (``BOT_PUBLIC_URL``, e.g.
    #: ``https://chat.example.com``), for links in e-mails such as the rating page; empty:
    #: ``http://host:rasa_port``.
    public_url: str = ""

    @property
    def public_base_url(self) -> str:
        """Where links in e-mails point: ``public_url``, else this server's own address."""
        return (self.public_url or f"http://{self.host}:{self.rasa_port}").rstrip("/")

    @property
    def outbox_dir(self) -> Path:
        """Action calls that could not run, kept for replay (:mod:`bot.store.outbox`)."""
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


#: ``BOT_ACTIONS`` / ``actions:``: where the custom actions run.
ACTIONS_LAYOUTS = {"inprocess": True, "server": False}


TENSORFLOW_CHOICES = ("auto", "load")


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return chosen


def _actions_in_process(env: Mapping[str, str], data: Mapping[str, Any]) -> bool:
    """``BOT_ACTIONS`` (``inprocess``, the default, or ``server``); the older boolean
    ``BOT_ACTIONS_IN_PROCESS`` is still read, and must not contradict it."""
    layout = env.get("BOT_ACTIONS", data.get("actions"))
    legacy = env.get("BOT_ACTIONS_IN_PROCESS", data.get("actions_in_process"))
    chosen: bool | None = None
    if layout is not None and str(layout).strip() != "":
        key = str(layout).strip().lower().replace("-", "").replace("_", "")
        if key not in ACTIONS_LAYOUTS:
            raise SettingsError(
                f"actions must be one of {', '.join(ACTIONS_LAYOUTS)}, not {layout!r}"
            )
        chosen = ACTIONS_LAYOUTS[key]
    if legacy is not None and str(legacy).strip() != "":
        old = _as_bool("actions_in_process", legacy)
        if chosen is not None and old != chosen:
            raise SettingsError(
                f"BOT_ACTIONS={layout} contradicts BOT_ACTIONS_IN_PROCESS={legacy}; set only "
                "BOT_ACTIONS"
            )
        chosen = old
    return True if chosen is None else chosen


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


def _hh_mm(name: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    hours, colon, minutes = text.partition(":")
    if not (colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise SettingsError(f"{name} must look like 08:00, got {value!r}")
    if not (int(hours) * 60 + int(minutes) <= 24 * 60 and int(minutes) < 60):
        raise SettingsError(f"{name} must be between 00:00 and 24:00, got {value!r}")
    return text


def _business_calendar(raw: Any) -> CalendarSettings:
    if raw is None:
        return CalendarSettings()
    if not isinstance(raw, dict):
        raise SettingsError("business_calendar must be a mapping")
    days = raw.get("working_days")
    if days is not None:
        if not isinstance(days, list) or not days:
            raise SettingsError("business_calendar.working_days must be a list such as [mon, tue]")
        days = tuple(str(day).strip().lower()[:3] for day in days)
        unknown = [day for day in days if day not in WEEKDAY_NAMES]
        if unknown:
            raise SettingsError(f"business_calendar.working_days: unknown days {unknown}")
    holidays = raw.get("holidays")
    if holidays is not None and not (isinstance(holidays, str) and holidays.strip()):
        raise SettingsError("business_calendar.holidays must be a country code or none")
    extra = raw.get("extra_holidays") or []
    if not isinstance(extra, list) or not all(isinstance(day, date) for day in extra):
        raise SettingsError("business_calendar.extra_holidays must be a list of dates (2026-12-24)")
    return CalendarSettings(
        working_days=days,
        opens=_hh_mm("business_calendar.opens", raw.get("opens")),
        closes=_hh_mm("business_calendar.closes", raw.get("closes")),
        holidays=holidays.strip().lower() if isinstance(holidays, str) else None,
        extra_holidays=tuple(extra),
    )


def _address(name: str, value: Any) -> str:
    """One e-mail address (or empty); its full check is the mail queue's."""
    text = "" if value is None else str(value).strip()
    if text and (text.count("@") != 1 or any(ch in text for ch in "\r\n,;<> ")):
        raise SettingsError(f"{name} must be one e-mail address, got {text!r}")
    return text


def _staff_emails(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SettingsError("staff_emails must map usernames to e-mail addresses")
    return {
        str(name).strip().lower(): _address(f"staff_emails.{name}", value)
        for name, value in raw.items()
    }


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


@dataclass(frozen=True)
class _Source:
    """Where each setting comes from: the environment variable (``BOT_`` and the setting's name
    in capitals, unless named otherwise) over the settings file's key over the default."""

    env: Mapping[str, str]
    data: Mapping[str, Any]

    def setting(self, name: str, default: Any = None, env: str | None = None) -> Any:
        """The raw value; an environment variable that is set counts even when empty."""
        return self.env.get(env or f"BOT_{name.upper()}", self.data.get(name, default))

    def text(self, name: str, default: Any = "", env: str | None = None) -> str:
        """A text setting; an empty value anywhere falls through to the next source."""
        return str(self.env.get(env or f"BOT_{name.upper()}") or self.data.get(name) or default)

    def integer(self, name: str, default: int, minimum: int = 0, env: str | None = None) -> int:
        return _as_int(name, self.setting(name, default, env), minimum)


def load_settings(
    environ: dict[str, str] | None = None, settings_file: Path | None = None
) -> Settings:
    """Read the settings from ``settings_file`` and ``environ`` (defaults: the real ones)."""
    env = dict(os.environ if environ is None else environ)
    path = settings_file or Path(env.get("BOT_SETTINGS_FILE", "bot.yml"))
    data = _load_file(path)
    source = _Source(env, data)

    settings = Settings(
        env=str(source.setting("env", "local")),
        database_url=source.text("database_url", env="DATABASE_URL"),
        secret_key=str(source.setting("secret_key", DEFAULT_SECRET_KEY)),
        response_deadline_hours=source.integer("response_deadline_hours", 24, 1),
        ticket_prefix=str(source.setting("ticket_prefix", "C")),
        timezone=str(source.setting("timezone", "Europe/Zagreb")),
        jurisdiction=str(source.setting("jurisdiction", "none")).strip().lower(),
        business_calendar=_business_calendar(data.get("business_calendar")),
        categories=_categories(data.get("categories")),
        escalation=_escalation(data.get("escalation")),
        host=str(source.setting("host", "127.0.0.1")),
        rasa_port=source.integer("rasa_port", 5005, 1),
        actions_port=source.integer("actions_port", 5055, 1),
        actions_host=source.text("actions_host", "127.0.0.1"),
        actions_token=source.text("actions_token"),
        rest_token=source.text("rest_token"),
        rest_public=_as_bool("rest_public", source.setting("rest_public", False)),
        web_port=source.integer("web_port", 8000, 1),
        project_dir=Path(source.text("project_dir", PROJECT_ROOT)),
        rate_limits=_rate_limits(data.get("rate_limits"), env.get("BOT_RATE_LIMITS")),
        redis_url=source.text("redis_url", env="REDIS_URL"),
        rabbitmq_url=source.text("rabbitmq_url", env="RABBITMQ_URL"),
        event_queue=source.text("event_queue", "complaint_bot_events"),
        event_exchange=source.text("event_exchange", "complaint_bot_exchange"),
        event_retention_days=source.integer("event_retention_days", 30, 1),
        rasa_auth_token=source.text("rasa_auth_token"),
        rasa_jwt_secret=source.text("rasa_jwt_secret"),
        action_endpoint_url=source.text("action_endpoint_url"),
        actions_in_process=_actions_in_process(env, data),
        rasa_workers=source.integer("rasa_workers", 1, 1),
        tensorflow=_choice("tensorflow", source.text("tensorflow", "auto"), TENSORFLOW_CHOICES),
        agent_disconnect_seconds=source.integer("agent_disconnect_seconds", 60, 1),
        db_retry_seconds=source.integer("db_retry_seconds", 20),
        tracker_cache_size=source.integer("tracker_cache_size", 1000),
        var_dir=Path(source.text("var_dir", PROJECT_ROOT / "var")),
        models_dir=Path(source.text("models_dir", PROJECT_ROOT / "models")),
        outbox_retention_days=source.integer("outbox_retention_days", 7, 1),
        outbox_max_attempts=source.integer("outbox_max_attempts", 12, 1),
        outbox_first_retry_seconds=source.integer("outbox_first_retry_seconds", 10, 1),
        phone_region=source.text("phone_region", "HR").strip().upper(),
        verification_code_minutes=source.integer("verification_code_minutes", 15, 1),
        verification_max_attempts=source.integer("verification_max_attempts", 5, 1),
        commitment_reminder_minutes=source.integer("commitment_reminder_minutes", 60),
        commitment_sweep_seconds=source.integer("commitment_sweep_seconds", 60, 1),
        reopen_within_days=source.integer("reopen_within_days", 30),
        team_email=_address("team_email", source.setting("team_email")),
        supervisor_email=_address("supervisor_email", source.setting("supervisor_email")),
        staff_emails=_staff_emails(data.get("staff_emails")),
        smtp_url=source.text("smtp_url", env="SMTP_URL"),
        mail_from=source.text("mail_from", env="MAIL_FROM"),
        mail_reply_to=source.text("mail_reply_to", env="MAIL_REPLY_TO"),
        mail_inbound_secret=source.text("mail_inbound_secret", env="MAIL_INBOUND_SECRET"),
        mail_max_attempts=source.integer("mail_max_attempts", 10, 1, env="MAIL_MAX_ATTEMPTS"),
        mail_first_retry_seconds=source.integer(
            "mail_first_retry_seconds", 30, 1, env="MAIL_FIRST_RETRY_SECONDS"
        ),
        public_url=source.text("public_url"),
    )
    if settings.public_url and (
        not settings.public_url.startswith(("http://", "https://"))
        or any(ch.isspace() for ch in settings.public_url)
    ):
        raise SettingsError(f"public_url must be an http(s) address, not {settings.public_url!r}")
    if settings.env not in ("local", "test", "production"):
        raise SettingsError(f"BOT_ENV must be local, test or production, not {settings.env!r}")
    if settings.jurisdiction not in JURISDICTIONS:
        raise SettingsError(
            f"jurisdiction must be one of {', '.join(JURISDICTIONS)}, not {settings.jurisdiction!r}"
        )
    if not (len(settings.phone_region) == 2 and settings.phone_region.isalpha()):
        raise SettingsError(
            f"phone_region must be a two-letter country code, not {settings.phone_region!r}"
        )
    if not settings.database_url:
        settings = replace(settings, database_url=default_database_url())
    if settings.rasa_workers > 1 and not settings.redis_url.startswith(("redis://", "rediss://")):
        raise SettingsError(
            "BOT_RASA_WORKERS above 1 needs REDIS_URL (redis://...): the workers share "
            "conversation locks and socket.io delivery through Redis"
        )
    _check_mail(settings)
    if settings.is_production:
        _refuse_unsafe_production(settings)
    return settings


#: ``SMTP_URL`` schemes: plain, STARTTLS, TLS from the start.
SMTP_SCHEMES: tuple[str, ...] = ("smtp", "smtp+starttls", "starttls", "smtps")


def _check_mail(settings: Settings) -> None:
    if not settings.smtp_url:
        return
    scheme = settings.smtp_url.split("://", 1)[0].lower() if "://" in settings.smtp_url else ""
    if scheme not in SMTP_SCHEMES:
        raise SettingsError(
            "SMTP_URL must start with smtp://, smtp+starttls:// (or starttls://) or smtps://"
        )
    address = parseaddr(settings.mail_from)[1]
    if "@" not in address or any(ch in settings.mail_from for ch in "\r\n"):
        raise SettingsError("SMTP_URL needs MAIL_FROM, one address mail is sent from")
    if settings.mail_reply_to and (
        "@" not in parseaddr(settings.mail_reply_to)[1]
        or any(ch in settings.mail_reply_to for ch in "\r\n")
    ):
        raise SettingsError("MAIL_REPLY_TO must be one e-mail address")


def _refuse_unsafe_production(settings: Settings) -> None:
    """Raise the first refusal that applies to ``settings`` in production mode."""
    short = 32  # the least length of a secret
    refusals: list[tuple[bool, str]] = [
        (
            settings.secret_key == DEFAULT_SECRET_KEY or len(settings.secret_key) < short,
            "production mode refuses the default or a short BOT_SECRET_KEY (32+ characters)",
        ),
        (
            settings.database_url.startswith("sqlite"),
            "production mode refuses SQLite: set DATABASE_URL to PostgreSQL",
        ),
        (
            not settings.rasa_jwt_secret and len(settings.rasa_auth_token) < short,
            "production mode refuses an open Rasa HTTP API: set BOT_RASA_AUTH_TOKEN "
            "(32+ characters) or BOT_RASA_JWT_SECRET",
        ),
        (
            bool(settings.rasa_jwt_secret) and len(settings.rasa_jwt_secret) < short,
            "production mode refuses a short BOT_RASA_JWT_SECRET (32+ characters)",
        ),
        (
            not settings.redis_url.startswith(("redis://", "rediss://")),
            "production mode needs REDIS_URL (redis://...) for the lock store",
        ),
        (
            not settings.rabbitmq_url.startswith(("amqp://", "amqps://")),
            "production mode needs RABBITMQ_URL (amqp://...) for the event broker",
        ),
        (
            DEFAULT_SECRET_KEY in (settings.rasa_auth_token, settings.rasa_jwt_secret),
            "production mode refuses the default secret as a Rasa token",
        ),
        (
            not settings.actions_in_process and len(settings.actions_token) < short,
            "production mode refuses an action server without BOT_ACTIONS_TOKEN "
            "(32+ characters), the secret Rasa sends with every action call",
        ),
        (
            bool(settings.rest_token) and len(settings.rest_token) < short,
            "production mode refuses a short BOT_REST_TOKEN (32+ characters)",
        ),
        (
            not settings.rest_token and not settings.rest_public,
            "production mode refuses a public, unauthenticated REST channel: set "
            "BOT_REST_TOKEN for the trusted back end, or BOT_REST_PUBLIC=true to allow it",
        ),
    ]
    refusals += [
        (
            settings.smtp_url.lower().startswith("smtp://"),
            "production mode refuses mail without TLS: SMTP_URL must be smtps:// or "
            "smtp+starttls://",
        ),
        (
            bool(settings.mail_inbound_secret) and len(settings.mail_inbound_secret) < short,
            "production mode refuses a short MAIL_INBOUND_SECRET (32+ characters)",
        ),
    ]
    for refused, message in refusals:
        if refused:
            raise SettingsError(message)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return load_settings()
