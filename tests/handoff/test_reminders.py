"""Reminders and missed-commitment alerts through an injected sender, with the clock set by
the test: the sweep function, the Rasa server's background task and the cron command."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.handoff.reminders import Notice, run_sweep, told_text
from bot.ops.commitment_sweep import listeners
from bot.settings import get_settings
from bot.store import create_agent, create_complaint, events_for, session_scope
from bot.store.commitments import add_commitment, record_bot_promise
from bot.store.tables import Commitment, Complaint

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
LEAD = timedelta(minutes=60)


def _seed(url: str, t0: datetime = T0) -> dict[str, int]:
    with session_scope(url) as session:
        create_agent(session, username="ana", password="correct horse battery", role="agent")
        complaint = create_complaint(
            session, sender_id="s-1", channel="socketio", language="sr", script="cyrillic",
            category="delivery", severity=2, anger_score=0.0, description="Paket kasni",
            deadline_hours=8, prefix="C", now=t0,
        )  # fmt: skip
        answer = record_bot_promise(session, complaint, t0)
        visit = add_commitment(
            session, complaint, kind="visit", due_at=t0 + timedelta(hours=2), owner="ana",
            actor="agent:ana", note="Technician 10-12", now=t0,
        )  # fmt: skip
        return {"answer": answer.id, "visit": visit.id}


def test_owner_reminded_and_supervisors_alerted_by_the_sender(sqlite_url: str) -> None:
    ids = _seed(sqlite_url)
    sent: list[Notice] = []
    result, notices = run_sweep(
        sqlite_url, T0 + timedelta(hours=1, minutes=30), LEAD, sent.append, "Europe/Zagreb"
    )
    assert sent == notices
    assert [(n.kind, n.audience, n.username) for n in sent] == [("reminder", "owner", "ana")]
    assert sent[0].commitment["id"] == ids["visit"]
    assert (
        sent[0].subject == f"Reminder: visit for {result.reminded[0]['ticket']} is due "
        "2026-12-07 12:00 CET"
    )
    assert "Technician 10-12" in sent[0].text
    # The team's answer (due at 8h) is reminded to the team; the visit, past due, is missed.
    sent.clear()
    run_sweep(sqlite_url, T0 + timedelta(hours=7, minutes=30), LEAD, sent.append, "UTC")
    assert [(n.kind, n.audience, n.username, n.commitment["id"]) for n in sent] == [
        ("missed", "supervisors", "ana", ids["visit"]),
        ("reminder", "team", None, ids["answer"]),
    ]
    assert sent[0].subject.startswith("Missed: visit for C-")
    assert "owner: ana" in sent[0].text


def test_a_failing_sender_loses_nothing_in_the_store(sqlite_url: str) -> None:
    ids = _seed(sqlite_url)

    def broken(_notice: Notice) -> None:
        raise ConnectionError("mail server away")

    result, notices = run_sweep(sqlite_url, T0 + timedelta(hours=3), LEAD, broken)
    assert len(notices) == 1 and [item["id"] for item in result.missed] == [ids["visit"]]
    with session_scope(sqlite_url) as session:
        assert session.get(Commitment, ids["visit"]).status == "missed"


def test_the_customer_is_told_in_their_language() -> None:
    assert told_text("refund", "C-ABCDEF", "sr", "cyrillic").startswith("Хвала на стрпљењу.")
    assert "C-ABCDEF" in told_text("visit", "C-ABCDEF", "hr", "latin")
    assert told_text("call_back", "C-ABCDEF", "en", "latin").startswith("Thank you")
    assert "Posjeta" in told_text("visit", "C-ABCDEF", "bs", "latin")
    assert "Poseta" in told_text("visit", "C-ABCDEF", "sr", "latin")


async def test_the_rasa_servers_background_task_sweeps_with_the_injected_sender(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The task reads the real clock: the visit was due an hour ago.
    ids = _seed(sqlite_url, datetime.now(timezone.utc) - timedelta(hours=3))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BOT_COMMITMENT_SWEEP_SECONDS", "1")
    get_settings.cache_clear()
    settings = get_settings()
    get_settings.cache_clear()
    sent: list[Notice] = []
    got_one = asyncio.Event()

    def sender(notice: Notice) -> None:
        sent.append(notice)
        loop.call_soon_threadsafe(got_one.set)

    loop = asyncio.get_running_loop()

    class App:
        class ctx:
            commitment_sender = staticmethod(sender)

    (start, start_event), (stop, stop_event) = listeners(settings)
    assert (start_event, stop_event) == ("after_server_start", "before_server_stop")
    await start(App)
    try:
        await asyncio.wait_for(got_one.wait(), 20)
    finally:
        await stop(App)
    assert [(n.kind, n.commitment["id"]) for n in sent] == [("missed", ids["visit"])]


def test_the_cron_command_sweeps_as_of_now(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _seed(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("BOT_COMMITMENT_REMINDER_MINUTES", "30")
    get_settings.cache_clear()
    try:
        assert main(["commitments", "sweep", "--now", "2026-12-07T10:45:00+01:00"]) == 0
        quiet = json.loads(capsys.readouterr().out)
        assert (quiet["reminded"], quiet["missed"]) == (0, 0)  # 1h15 before: lead is 30 min
        assert main(["commitments", "sweep", "--now", "2026-12-07T11:40:00+01:00"]) == 0
        reminded = json.loads(capsys.readouterr().out)
        assert (reminded["reminded"], reminded["missed"]) == (1, 0)
        assert reminded["notices"][0]["owner"] == "ana"
        assert main(["commitments", "sweep", "--now", "2026-12-07T12:01:00+01:00"]) == 0
        flagged = json.loads(capsys.readouterr().out)
        assert (flagged["reminded"], flagged["missed"]) == (0, 1)
        assert main(["commitments", "list", "--missed"]) == 0
        listing = capsys.readouterr().out
        assert "visit" in listing and "ana" in listing and "missed" in listing
        assert main(["commitments", "sweep", "--now", "yesterday"]) == 2
        assert "expected a time" in capsys.readouterr().err
        assert main(["commitments", "sweep", "--now", "2026-12-07T12:00:00"]) == 2
        assert "offset" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
    with session_scope(sqlite_url) as session:
        complaint = session.query(Complaint).one()
        kinds = [entry.kind for entry in events_for(session, complaint)]
        assert kinds.count("commitment_reminded") == 1 and kinds.count("commitment_missed") == 1
        assert session.get(Commitment, ids["answer"]).status == "open"


async def test_reminders_and_missed_alerts_arrive_by_email(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The e-mail seam for real: notices queued in the mail outbox, sent by the mail sender to
    an SMTP server (aiosmtpd) started here; the owner gets the reminder, the supervisors the
    missed alert."""
    from aiosmtpd.controller import Controller

    from bot.ops.commitment_sweep import mail_sender
    from bot.ops.mailer import mailer_of
    from tests.served import free_port
    from tests.web.test_mail import Collector

    ids = _seed(sqlite_url)
    port = free_port()
    settings_file = tmp_path / "bot.yml"
    settings_file.write_text("staff_emails:\n  ana: ana.agent@shop.example\n", encoding="utf-8")
    for name, value in {
        "DATABASE_URL": sqlite_url,
        "BOT_SETTINGS_FILE": str(settings_file),
        "SMTP_URL": f"smtp://127.0.0.1:{port}",
        "MAIL_FROM": "Complaints <care@shop.example>",
        "BOT_SUPERVISOR_EMAIL": "boss@shop.example",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    settings = get_settings()
    get_settings.cache_clear()
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        send = mail_sender(settings)
        run_sweep(sqlite_url, T0 + timedelta(hours=1, minutes=30), LEAD, send, "Europe/Zagreb")
        run_sweep(sqlite_url, T0 + timedelta(hours=2, minutes=5), LEAD, send, "Europe/Zagreb")
        mailer = mailer_of(settings)
        assert mailer is not None
        assert await mailer.send_due() == {"sent": 2, "retry": 0, "failed": 0}
    finally:
        controller.stop()
    received = {tuple(to): message for to, message in collector.mails}
    reminder = received[("ana.agent@shop.example",)]
    alert = received[("boss@shop.example",)]
    assert reminder["Subject"].startswith("Reminder: visit for C-")
    assert "12:00 CET" in reminder["Subject"]
    assert "Technician 10-12" in reminder.get_content()
    assert alert["Subject"].startswith("Missed: visit for C-")
    assert "owner: ana" in alert.get_content()
    assert ids["visit"]
