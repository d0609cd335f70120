"""The command line, called as ``main([...])`` and once as ``python -m bot``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot import runner
from bot.cli.main import main
from bot.settings import Settings, get_settings
from bot.store import (
    COMPLAINT_KEYS,
    create_complaint,
    dispose_engines,
    escalate,
    head_revision,
    migrate,
    session_scope,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'cli.db'}"
    dispose_engines()


@pytest.fixture
def seeded(url: str) -> list[str]:
    """Three complaints; returns their tickets, oldest first."""
    migrate(url)
    tickets = []
    with session_scope(url) as session:
        for index, (sender, category) in enumerate(
            [("anna", "delivery"), ("boris", "billing"), ("anna", "safety")]
        ):
            complaint = create_complaint(
                session,
                sender_id=sender,
                channel="rest",
                language="hr",
                script="latin",
                category=category,
                severity=2,
                anger_score=0.2,
                description=f"Opis\nbroj {index}",
                deadline_hours=24,
                prefix="C",
                now=T0 + timedelta(minutes=index),
            )
            tickets.append(complaint.ticket)
        escalate(session, complaint, ["safety"], now=T0 + timedelta(minutes=5))
    return tickets


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_db_migrate_and_current(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--database-url", url, "db", "current")
    assert code == 0
    head = head_revision()
    assert head[:4].isdigit()
    assert out.startswith(f"none (head is {head}")
    assert run(capsys, "--database-url", url, "db", "migrate")[0] == 0
    code, out, _ = run(capsys, "--database-url", url, "db", "current")
    assert (code, out) == (0, f"{head} (head)\n")


def test_database_url_defaults_to_settings(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_SETTINGS_FILE", str(tmp_path / "absent.yml"))
    get_settings.cache_clear()
    try:
        assert run(capsys, "db", "migrate")[0] == 0
        assert run(capsys, "db", "current")[1] == f"{head_revision()} (head)\n"
    finally:
        get_settings.cache_clear()


def test_complaints_list_jsonl(
    url: str, seeded: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--database-url", url, "complaints", "list", "--format", "jsonl")
    assert (code, err) == (0, "")
    items = [json.loads(line) for line in out.splitlines()]
    assert [item["ticket"] for item in items] == seeded[::-1]
    for item in items:
        assert tuple(item) == COMPLAINT_KEYS
    assert items[0]["status"] == "escalated"
    assert items[0]["escalation_reasons"] == ["safety"]
    assert items[-1]["description"] == "Opis\nbroj 0"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["--sender-id", "anna"], [2, 0]),
        (["--status", "open"], [1, 0]),
        (["--status", "escalated", "--sender-id", "boris"], []),
        (["--limit", "2"], [2, 1]),
    ],
)
def test_complaints_list_filters(
    url: str,
    seeded: list[str],
    capsys: pytest.CaptureFixture[str],
    filters: list[str],
    expected: list[int],
) -> None:
    code, out, _ = run(
        capsys, "--database-url", url, "complaints", "list", "--format", "jsonl", *filters
    )
    assert code == 0
    assert [json.loads(line)["ticket"] for line in out.splitlines()] == [
        seeded[index] for index in expected
    ]


def test_complaints_list_table(
    url: str, seeded: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--database-url", url, "complaints", "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0].split() == [
        "TICKET",
        "STATUS",
        "SEV",
        "CATEGORY",
        "LANG",
        "CREATED",
        "DUE",
        "REASONS",
        "SENDER",
    ]
    assert lines[1].startswith(seeded[2])
    assert "2024-05-01 10:02Z" in lines[1]
    assert "safety" in lines[1]
    status_column = lines[0].index("STATUS")
    assert [line[status_column:].split()[0] for line in lines[1:]] == ["escalated", "open", "open"]


def test_complaints_list_table_when_empty(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    migrate(url)
    assert run(capsys, "--database-url", url, "complaints", "list")[1] == "no complaints\n"


def test_complaints_show(url: str, seeded: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--database-url", url, "complaints", "show", f" {seeded[2].lower()} "
    )
    assert code == 0
    data = json.loads(out)
    assert data["complaint"]["ticket"] == seeded[2]
    assert [event["kind"] for event in data["events"]] == ["created", "escalated"]
    assert set(data["events"][0]) == {"kind", "actor", "data", "created_at"}


def test_complaints_show_unknown_ticket(
    url: str, seeded: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--database-url", url, "complaints", "show", "C-ZZZZZZ")
    assert (code, out) == (1, "")
    assert err == "complaint-bot: error: no complaint with ticket 'C-ZZZZZZ'\n"


def test_unmigrated_database_is_reported(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database-url", url, "complaints", "list")
    assert code == 1
    assert "run 'complaint-bot db migrate' first" in err
    assert len(err.splitlines()) == 1


def test_errors_are_one_line_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--database-url", "nosuchdialect://u:secret@h/d", "db", "current")
    assert code == 1
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert "secret" not in err


def test_debug_shows_the_exception(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError):
        main(["--debug", "--database-url", "nosuchdialect://h/d", "db", "current"])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], 2),
        (["db"], 2),
        (["nonsense"], 2),
        (["complaints", "list", "--limit", "0"], 2),
        (["complaints", "list", "--status", "bogus"], 2),
        (["complaints", "list", "--format", "xml"], 2),
        (["--help"], 0),
        (["complaints", "--help"], 0),
    ],
)
def test_usage(argv: list[str], expected: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == expected
    capsys.readouterr()


@pytest.fixture
def fake_runner(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    calls: list[tuple[str, Any]] = []

    def train(settings: Settings, force: bool) -> int:
        calls.append(("train", force))
        return 0

    def run(settings: Settings) -> int:
        calls.append(("run", settings.database_url))
        return 3

    monkeypatch.setattr(runner, "train", train)
    monkeypatch.setattr(runner, "run", run)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return calls


def test_train_and_run_call_the_runner(
    fake_runner: list[tuple[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train"]) == 0
    assert main(["train", "--force"]) == 0
    assert main(["--database-url", "sqlite:////tmp/x.db", "run"]) == 3
    assert "DATABASE_URL" not in os.environ  # handed to the runner, not exported
    assert fake_runner == [("train", False), ("train", True), ("run", "sqlite:////tmp/x.db")]


def test_python_dash_m_bot(url: str, seeded: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--database-url",
            url,
            "complaints",
            "list",
            "--format",
            "jsonl",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["ticket"] for item in items] == seeded[::-1]
    assert all(set(item) == set(COMPLAINT_KEYS) for item in items)


def test_an_account_is_deactivated_signed_out_and_reopened(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.store import authenticate, create_agent
    from bot.web.auth import _principal_sync, issue_token

    migrate(url)
    with session_scope(url) as session:
        agent_id = create_agent(
            session, username="ana", password="correct horse battery", role="agent"
        ).id
    session_token, _, _ = issue_token(url, agent_id, "session")
    api_token, _, _ = issue_token(url, agent_id, "api")
    assert main(["--database-url", url, "agents", "revoke-tokens", "ana", "--kind", "api"]) == 0
    assert "1 session(s) and token(s) of ana revoked" in capsys.readouterr().out
    assert _principal_sync(url, f"Bearer {api_token}", None) is None
    assert _principal_sync(url, "", session_token) is not None

    assert main(["--database-url", url, "agents", "deactivate", "ana"]) == 0
    assert "1 session(s) and token(s) revoked" in capsys.readouterr().out
    assert _principal_sync(url, "", session_token) is None
    with session_scope(url) as session:
        assert authenticate(session, "ana", "correct horse battery") is None
    assert main(["--database-url", url, "agents", "list"]) == 0
    assert "deactivated" in capsys.readouterr().out

    assert main(["--database-url", url, "agents", "activate", "ana"]) == 0
    with session_scope(url) as session:
        assert authenticate(session, "ana", "correct horse battery") is not None
    assert main(["--database-url", url, "agents", "deactivate", "nobody"]) == 1
    assert "no account named 'nobody'" in capsys.readouterr().err


def test_agents_list_tells_on_duty_from_a_console_that_closed(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """'on duty' only while the console's heartbeat is fresh: a closed console is 'away'."""
    from bot.store import create_agent, get_agent, set_on_duty
    from bot.store.agents import PRESENCE_TIMEOUT

    migrate(url)
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        for name in ("here", "gone", "home"):
            create_agent(session, username=name, password="correct horse battery", role="agent")
        set_on_duty(session, get_agent(session, "here"), True, now=now)
        set_on_duty(
            session,
            get_agent(session, "gone"),
            True,
            now=now - PRESENCE_TIMEOUT - timedelta(seconds=5),
        )
    code, out, _ = run(capsys, "--database-url", url, "agents", "list")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()}
    assert "on duty" in rows["here"]
    assert "away" in rows["gone"] and "on duty" not in rows["gone"]
    assert "off duty" in rows["home"]
