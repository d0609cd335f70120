"""One real stack (Rasa + action server, trained model, SQLite) for the hostile-input tests,
seeded with staff accounts, complaints and a real conversation; its log is kept in a file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import MetaData, select

from bot.settings import PROJECT_ROOT, Settings

#: The stack's Rasa port (its action server's: +50); set another when test runs share a machine.
RASA_PORT = int(os.environ.get("BOT_TEST_HOSTILE_PORT", "5905"))
SECRET_KEY = "hostile-test-secret-key-0123456789abcdef"
PASSWORD = "correct horse battery staple"
#: Staff accounts of the stack, by role.
STAFF = {"admin": "hadmin", "agent": "hagent", "trainer": "htrainer"}
HELD_SENDER = "seed-held-by-agent"
TALK_SENDER = "seed-talk"
#: Columns that change by design when staff merely use the app.
VOLATILE = {("agents", "last_seen_at"), ("agents", "on_duty")}


@dataclass
class HostileStack:
    settings: Settings
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)  # role -> bearer token
    tickets: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def url(self) -> str:
        return self.settings.database_url

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def snapshot(url: str, stored_before: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every row of every table, keyed by table and primary key (volatile columns left out).
    With ``stored_before``, only the rows that existed then."""
    from bot.store import get_engine

    result: dict[str, Any] = {}
    with get_engine(url).connect() as connection:
        metadata = MetaData()
        metadata.reflect(bind=connection)
        for name, table in metadata.tables.items():
            if name == "alembic_version":
                continue
            rows = {}
            for row in connection.execute(select(table)):
                mapping = dict(row._mapping)
                key = tuple(mapping[column.name] for column in table.primary_key.columns)
                rows[key] = {
                    column: value
                    for column, value in mapping.items()
                    if (name, column) not in VOLATILE
                }
            if stored_before is not None:
                rows = {key: rows.get(key) for key in stored_before.get(name, {})}
            result[name] = rows
    return result


def _project_copy(target: Path) -> Path:
    """A copy of the Rasa project for the studio to edit, so hostile names touch no real file."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("domain.yml", "config.yml", "credentials.yml", "endpoints.yml"):
        shutil.copy2(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copytree(PROJECT_ROOT / "tests" / "stories", target / "tests" / "stories")
    return target


def _seed(stack: HostileStack) -> None:
    from bot.store import append_event, create_agent, create_complaint, session_scope

    with session_scope(stack.url) as session:
        for role, username in STAFF.items():
            create_agent(session, username=username, password=PASSWORD, role=role)
        complaint = create_complaint(
            session,
            sender_id=HELD_SENDER,
            channel="rest",
            language="en",
            script="latin",
            category="delivery",
            severity=3,
            anger_score=0.1,
            description="My fridge arrived broken, call me on +385 91 234 5678",
            order_ref="ORD-5551",
            contact="held@example.com",
            escalation_reasons=["human_request"],
            deadline_hours=24,
            prefix="C",
        )
        append_event(session, complaint, "handoff_requested", "bot")
        append_event(session, complaint, "taken_over", f"agent:{STAFF['agent']}")
        stack.tickets["held"] = complaint.ticket
    for role, username in STAFF.items():
        res = requests.post(
            f"{stack.base}/api/tokens",
            json={"username": username, "password": PASSWORD},
            timeout=30,
        )
        assert res.status_code == 201, res.text
        stack.tokens[role] = res.json()["token"]
    res = requests.post(
        f"{stack.base}/webhooks/rest/webhook",
        json={"sender": TALK_SENDER, "message": "My order ORD-48213 never arrived"},
        timeout=120,
    )
    assert res.status_code == 200 and res.json(), res.text


@pytest.fixture(scope="package")
def hostile_stack(
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    start_stack: Callable[..., AbstractContextManager[Settings]],
) -> Iterator[HostileStack]:
    from bot.settings import get_settings
    from bot.store import dispose_engines

    root = tmp_path_factory.mktemp("hostile")
    log = root / "server.log"
    with ExitStack() as stack, pytest.MonkeyPatch.context() as env:
        env.setenv("BOT_SECRET_KEY", SECRET_KEY)
        env.setenv("BOT_RATE_LIMITS", "off")  # the corpus is thousands of requests from one IP
        env.setenv("MAIL_INBOUND_SECRET", "m" * 40)  # the mail webhooks are on, as in production
        env.setenv("BOT_PROJECT_DIR", str(_project_copy(root / "project")))
        # agents of the browser test leave; their claims must not move while rows are compared
        env.setenv("BOT_AGENT_DISCONNECT_SECONDS", "86400")
        env.setenv("LOG_LEVEL", "DEBUG")  # Rasa logs every message: the log masking is checked
        with log.open("wb") as handle:
            saved = os.dup(1), os.dup(2)
            os.dup2(handle.fileno(), 1)
            os.dup2(handle.fileno(), 2)
            try:
                settings = stack.enter_context(
                    start_stack(trained_model, root / "bot.db", rasa_port=RASA_PORT)
                )
            except BaseException:
                print(log.read_text(errors="replace")[-5000:])
                raise
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])
        env.setenv("DATABASE_URL", settings.database_url)
        get_settings.cache_clear()
        hostile = HostileStack(settings, log)
        _seed(hostile)
        try:
            yield hostile
        finally:
            get_settings.cache_clear()
            dispose_engines()
