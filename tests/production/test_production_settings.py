"""Production mode: one setting switches to Rasa's production architecture, unsafe set-ups refuse
to start, and the endpoints and ``rasa run`` arguments follow the settings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from bot.ops.endpoints import pika_event_broker, rasa_api_args, redis_lock_store
from bot.runner import PROJECT_ROOT, rasa_server_command, write_endpoints
from bot.settings import DEFAULT_SECRET_KEY, Settings, SettingsError, load_settings

SAFE = {
    "BOT_ENV": "production",
    "DATABASE_URL": "postgresql://bot:pw@db.internal:5432/complaints",
    "BOT_SECRET_KEY": "s" * 40,
    "BOT_RASA_AUTH_TOKEN": "t" * 40,
    "REDIS_URL": "redis://:redispw@cache.internal:6380/2",
    "RABBITMQ_URL": "amqp://bot:mqpw@mq.internal:5673/",
    "BOT_ACTIONS_TOKEN": "a" * 40,
    "BOT_REST_TOKEN": "r" * 40,
}


def settings_with(tmp_path: Path, **changes: str | None) -> Settings:
    environ = {key: value for key, value in {**SAFE, **changes}.items() if value is not None}
    return load_settings(environ, settings_file=tmp_path / "absent.yml")


def test_safe_production_settings_load(tmp_path: Path) -> None:
    settings = settings_with(tmp_path)
    assert settings.is_production


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"DATABASE_URL": "sqlite:///var/bot.db"}, "SQLite"),
        ({"DATABASE_URL": None}, "SQLite"),
        ({"BOT_SECRET_KEY": None}, "BOT_SECRET_KEY"),
        ({"BOT_SECRET_KEY": DEFAULT_SECRET_KEY}, "BOT_SECRET_KEY"),
        ({"BOT_SECRET_KEY": "short"}, "BOT_SECRET_KEY"),
        ({"BOT_RASA_AUTH_TOKEN": None}, "open Rasa HTTP API"),
        ({"BOT_RASA_AUTH_TOKEN": "short-token"}, "open Rasa HTTP API"),
        ({"BOT_RASA_AUTH_TOKEN": None, "BOT_RASA_JWT_SECRET": "jwt"}, "BOT_RASA_JWT_SECRET"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"RABBITMQ_URL": None}, "RABBITMQ_URL"),
        (
            {"BOT_ACTIONS": "server", "BOT_ACTIONS_TOKEN": None},
            "action server without BOT_ACTIONS_TOKEN",
        ),
        (
            {"BOT_ACTIONS": "server", "BOT_ACTIONS_TOKEN": "short"},
            "action server without BOT_ACTIONS_TOKEN",
        ),
        ({"BOT_REST_TOKEN": None}, "public, unauthenticated REST channel"),
        ({"BOT_REST_TOKEN": "short"}, "short BOT_REST_TOKEN"),
    ],
)
def test_production_refuses_unsafe_settings(
    tmp_path: Path, changes: dict[str, str | None], complaint: str
) -> None:
    with pytest.raises(SettingsError, match=complaint):
        settings_with(tmp_path, **changes)


def test_a_jwt_secret_alone_closes_the_api(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BOT_RASA_AUTH_TOKEN=None, BOT_RASA_JWT_SECRET="j" * 40)
    assert rasa_api_args(settings) == ["--enable-api", "--jwt-secret", "j" * 40]


def test_a_profile_file_switches_to_production(tmp_path: Path) -> None:
    profile = tmp_path / "production.yml"
    profile.write_text(
        (PROJECT_ROOT / "deploy" / "production.yml").read_text(encoding="utf-8"), "utf-8"
    )
    secrets = {
        "BOT_SECRET_KEY": "k" * 40,
        "BOT_RASA_AUTH_TOKEN": "t" * 40,
        "BOT_ACTIONS_TOKEN": "a" * 40,
        "BOT_REST_TOKEN": "r" * 40,
    }
    settings = load_settings({**secrets, "BOT_SETTINGS_FILE": str(profile)})
    assert settings.is_production
    assert settings.database_url.startswith("postgresql://")
    with pytest.raises(SettingsError, match="open Rasa HTTP API"):
        load_settings({"BOT_SECRET_KEY": "k" * 40, "BOT_SETTINGS_FILE": str(profile)})
    # the example Redis is protected by a password (requirepass), as the lock store needs
    assert urlsplit(settings.redis_url).password
    assert "redis://:pw@host" in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_a_public_rest_channel_in_production_is_an_explicit_choice(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BOT_REST_TOKEN=None, BOT_REST_PUBLIC="true")
    assert settings.rest_public and not settings.rest_token


def test_actions_in_process_need_no_action_server_token(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BOT_ACTIONS_TOKEN=None, BOT_ACTIONS_IN_PROCESS="true")
    assert settings.actions_in_process and not settings.actions_token


def test_the_action_server_binds_to_loopback_by_default(tmp_path: Path) -> None:
    settings = load_settings({}, settings_file=tmp_path / "absent.yml")
    assert settings.actions_host == "127.0.0.1"
    assert settings.actions_token == ""  # `python -m bot run` makes one per run
    assert load_settings({"BOT_ACTIONS_HOST": "10.0.0.5"}).actions_host == "10.0.0.5"


def test_local_mode_keeps_the_api_closed(tmp_path: Path) -> None:
    settings = load_settings({}, settings_file=tmp_path / "absent.yml")
    command = rasa_server_command(settings, Path("model.tar.gz"), Path("endpoints.yml"))
    assert "--enable-api" not in command
    assert command[:4][-2:] == ["bot.ops.rasa_main", "run"]


def test_production_endpoints(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BOT_ACTION_ENDPOINT_URL="http://127.0.0.1:9001/webhook")
    target = write_endpoints(settings, tmp_path / "endpoints.yml")
    endpoints = YAML(typ="safe").load(target.read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"] == {
        "url": "http://127.0.0.1:9001/webhook",
        # Rasa fills it in from its environment: the token itself is not in the file
        "headers": {"Authorization": "Bearer ${BOT_ACTIONS_TOKEN}"},
    }
    assert "a" * 40 not in target.read_text(encoding="utf-8")
    assert endpoints["tracker_store"] == {
        "type": "bot.ops.stores.CachingSQLTrackerStore",
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5432,
        "db": "complaints",
        "username": "bot",
        "password": "pw",
        "retry_seconds": 20,
        "cache_size": 1000,
    }
    assert endpoints["lock_store"] == {
        "type": "bot.ops.locks.AtomicRedisLockStore",
        "url": "cache.internal",
        "port": 6380,
        "db": 2,
        "key_prefix": "complaint_bot",
        "use_ssl": False,
        "password": "redispw",
    }
    broker = endpoints["event_broker"]
    assert (broker["type"], broker["url"], broker["port"]) == (
        "bot.ops.broker.ConfirmingPikaEventBroker", "mq.internal", 5673
    )
    assert (broker["username"], broker["password"]) == ("bot", "mqpw")
    assert broker["queues"] == ["complaint_bot_events"]
    # our own exchange, not Rasa's `rasa-exchange` that every Rasa on the vhost shares
    assert broker["exchange_name"] == "complaint_bot_exchange"
    assert (broker["virtual_host"], broker["ssl"]) == ("/", False)
    command = rasa_server_command(settings, Path("m.tar.gz"), target)
    assert "--enable-api" in command
    assert not any("t" * 40 in part for part in command)  # secrets stay out of `ps`


def test_local_endpoints_stay_embedded(tmp_path: Path) -> None:
    settings = load_settings({}, settings_file=tmp_path / "absent.yml")
    endpoints = YAML(typ="safe").load(
        write_endpoints(settings, tmp_path / "e.yml").read_text(encoding="utf-8")
    )
    assert endpoints["tracker_store"]["type"] == "bot.ops.stores.CachingSQLTrackerStore"
    assert endpoints["tracker_store"]["dialect"] == "sqlite"
    assert endpoints["lock_store"] == {"type": "in_memory"}
    assert "event_broker" not in endpoints


def test_malformed_service_urls_are_refused() -> None:
    with pytest.raises(SettingsError):
        redis_lock_store("http://cache:6379")
    with pytest.raises(SettingsError):
        pika_event_broker("redis://mq", "q", "x")
    assert redis_lock_store("rediss://u:p@h/5")["use_ssl"] is True


def test_the_broker_keeps_the_vhost_and_uses_tls_for_amqps() -> None:
    plain = pika_event_broker("amqp://u:p%40ss@mq/complaints", "q", "x")
    assert (plain["virtual_host"], plain["ssl"], plain["port"]) == ("complaints", False, 5672)
    assert plain["password"] == "p@ss"
    secure = pika_event_broker("amqps://u:p@mq.example/%2F", "q", "x")
    assert (secure["virtual_host"], secure["ssl"], secure["port"]) == ("/", True, 5671)
    assert pika_event_broker("amqps://u:p@mq:5999", "q", "x")["port"] == 5999


def test_rasa_main_adds_the_secrets_or_refuses_an_open_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.ops.rasa_main import with_api_secrets

    monkeypatch.setenv("BOT_SETTINGS_FILE", str(tmp_path / "absent.yml"))
    for name, value in SAFE.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    argv = with_api_secrets(["rasa", "run", "--enable-api"], settings)
    assert argv[-2:] == ["--auth-token", "t" * 40]
    assert with_api_secrets(["rasa", "run"], settings) == ["rasa", "run"]
    monkeypatch.setenv("BOT_ENV", "local")
    monkeypatch.delenv("BOT_RASA_AUTH_TOKEN")
    with pytest.raises(SystemExit, match="open"):
        with_api_secrets(["rasa", "run", "--enable-api"], load_settings())


def test_the_endpoints_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """It holds the database and broker passwords (issue 13, low item)."""
    settings = settings_with(tmp_path)
    fresh = write_endpoints(settings, tmp_path / "var" / "endpoints-5005.yml")
    assert fresh.stat().st_mode & 0o777 == 0o600
    existing = tmp_path / "endpoints-old.yml"
    existing.write_text("old: true\n", encoding="utf-8")
    existing.chmod(0o644)
    write_endpoints(settings, existing)
    assert existing.stat().st_mode & 0o777 == 0o600
    assert "mqpw" in existing.read_text(encoding="utf-8")  # rewritten, not left as it was


def test_the_default_layout_needs_no_action_server_token(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, BOT_ACTIONS_TOKEN=None)
    assert settings.actions_in_process and not settings.actions_token
