"""The complaint register: statutory clocks and register numbers stamped at creation, answers
and extensions recorded, and ``register export`` checked field by field, on SQLite and (when
reachable, always in CI) PostgreSQL."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from bot.cli.main import main
from bot.dialogue.deadlines import complaint_clocks
from bot.policy.clocks import (
    ComplaintClocks,
    business_calendar,
    compute_clocks,
    get_jurisdiction,
)
from bot.settings import SettingsError, get_settings, load_settings
from bot.store import (
    StoreError,
    create_complaint,
    dispose_engines,
    migrate,
    session_scope,
    set_details,
)
from bot.store.register import record_answer, record_extension
from bot.store.tables import Complaint
from tests.conftest import postgres_database

BELGRADE = ZoneInfo("Europe/Belgrade")
ZAGREB = ZoneInfo("Europe/Zagreb")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'register.db'}"
        migrate(database_url)
        yield database_url
        dispose_engines()
    else:
        with postgres_database("complaint_bot_register") as database_url:
            migrate(database_url)
            yield database_url


def clocks(code: str, received: datetime, zone: ZoneInfo, sla_hours: float = 24) -> ComplaintClocks:
    calendar = business_calendar(get_jurisdiction(code), str(zone))
    return compute_clocks(get_jurisdiction(code), sla_hours, calendar, received)


def new_complaint(
    session: Session, code: str, received: datetime, zone: ZoneInfo, **fields: Any
) -> Complaint:
    values: dict[str, Any] = {
        "sender_id": "web-1",
        "channel": "socketio",
        "language": "sr",
        "script": "latin",
        "category": "product_quality",
        "severity": 2,
        "anger_score": 0.1,
        "description": "Frižider ne hladi.",
        "deadline_hours": 24,
        "prefix": "C",
    }
    values.update(fields)
    return create_complaint(session, now=received, clocks=clocks(code, received, zone), **values)


def test_rs_complaints_get_sequential_register_numbers_per_year(url: str) -> None:
    received = [
        datetime(2026, 3, 2, 9, 0, tzinfo=BELGRADE),
        datetime(2026, 3, 2, 9, 5, tzinfo=BELGRADE),
        datetime(2026, 12, 31, 23, 59, tzinfo=BELGRADE),
        # 31 Dec 23:30 UTC is already 1 January in Belgrade: a new year, a new sequence.
        datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc),
        datetime(2027, 1, 2, 8, 0, tzinfo=BELGRADE),
    ]
    with session_scope(url) as session:
        numbers = [
            new_complaint(session, "rs", when, BELGRADE).register_number for when in received
        ]
    assert numbers == ["2026-000001", "2026-000002", "2026-000003", "2027-000001", "2027-000002"]
    with session_scope(url) as session:
        first = session.query(Complaint).filter_by(register_number="2026-000001").one()
        assert first.jurisdiction == "rs"
        # SLA: 09:00 + 24 business hours (08-16, Mon-Fri) = Thursday 09:00.
        assert first.due_at == datetime(2026, 3, 5, 9, 0, tzinfo=BELGRADE)
        assert first.statutory_answer_due_at == datetime(2026, 3, 10, 23, 59, 59, tzinfo=BELGRADE)
        assert first.statutory_resolution_due_at == datetime(
            2026, 3, 17, 23, 59, 59, tzinfo=BELGRADE
        )


def test_hr_and_none_get_no_register_number(url: str) -> None:
    received = datetime(2026, 12, 4, 15, 0, tzinfo=ZAGREB)
    with session_scope(url) as session:
        hr = new_complaint(session, "hr", received, ZAGREB, language="hr")
        none = new_complaint(session, "none", received, ZAGREB, language="hr")
        legacy = create_complaint(
            session,
            sender_id="web-2",
            channel="rest",
            language="en",
            script="latin",
            category="delivery",
            severity=1,
            anger_score=0.0,
            description="late",
            deadline_hours=24,
            prefix="C",
            now=received,
        )
        assert hr.register_number is None and none.register_number is None
        assert hr.statutory_answer_due_at == datetime(2026, 12, 19, 23, 59, 59, tzinfo=ZAGREB)
        assert hr.statutory_resolution_due_at is None
        assert hr.due_at == datetime(2026, 12, 9, 15, 0, tzinfo=ZAGREB)
        # none keeps today's round-the-clock promise, exactly like a complaint without clocks.
        assert none.due_at == legacy.due_at == received + timedelta(hours=24)
        assert none.statutory_answer_due_at is None
        assert legacy.jurisdiction is None


def test_answer_and_extension_are_recorded(url: str) -> None:
    received = datetime(2026, 3, 2, 9, 0, tzinfo=BELGRADE)
    later = datetime(2026, 3, 31, 12, 0, tzinfo=BELGRADE)
    with session_scope(url) as session:
        complaint = new_complaint(session, "rs", received, BELGRADE)
        with pytest.raises(StoreError, match="consent"):
            record_extension(session, complaint, new_due_at=later, consent=False, actor="agent:ana")
        record_extension(
            session, complaint, new_due_at=later, consent=True, actor="agent:ana", now=received
        )
        with pytest.raises(StoreError, match="already extended 1"):
            record_extension(
                session,
                complaint,
                new_due_at=later + timedelta(days=1),
                consent=True,
                actor="agent:ana",
            )
        with pytest.raises(StoreError, match="outcome"):
            record_answer(session, complaint, text="x", outcome="maybe", actor="agent:ana")
        with pytest.raises(StoreError, match="non-empty"):
            record_answer(session, complaint, text="  ", outcome="accepted", actor="agent:ana")
        record_answer(
            session,
            complaint,
            text="Zamena\x00 u roku.",
            outcome="accepted",
            actor="agent:ana",
            now=received + timedelta(days=1),
        )
        hr = new_complaint(session, "hr", received, ZAGREB, sender_id="web-9")
        with pytest.raises(StoreError, match="0 time"):
            record_extension(session, hr, new_due_at=later, consent=True, actor="agent:ana")
        ticket = complaint.ticket
    with session_scope(url) as session:
        stored = session.query(Complaint).filter_by(ticket=ticket).one()
        assert stored.extension_consent is True
        assert stored.extension_due_at == later
        assert stored.extended_at == received
        assert stored.answer_text == "Zamena u roku."
        assert stored.outcome == "accepted"
        kinds = [event.kind for event in stored.events]
        assert kinds[-2:] == ["deadline_extended", "answered"]


@pytest.fixture
def rs_settings(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    settings_file = tmp_path / "bot.yml"
    settings_file.write_text("jurisdiction: rs\ntimezone: Europe/Belgrade\n", encoding="utf-8")
    monkeypatch.setenv("BOT_SETTINGS_FILE", str(settings_file))
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("BOT_JURISDICTION", "BOT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


HOSTILE = '=HYPERLINK("http://x","y") <script>alert(1)</script> "quoted", comma'


def seed_register(url: str) -> list[str]:
    with session_scope(url) as session:
        first = new_complaint(
            session,
            "rs",
            datetime(2026, 11, 30, 23, 30, tzinfo=BELGRADE),  # before the period
            BELGRADE,
        )
        second = new_complaint(
            session,
            "rs",
            datetime(2026, 12, 1, 0, 10, tzinfo=BELGRADE),
            BELGRADE,
            sender_id="web-7",
            contact="ana@example.com",
            order_ref="ORD-77",
            description=HOSTILE,
        )
        set_details(
            session, second, desired_resolution="refund", desired_resolution_text="novac nazad"
        )
        record_extension(
            session,
            second,
            new_due_at=datetime(2026, 12, 30, 12, 0, tzinfo=BELGRADE),
            consent=True,
            actor="agent:ana",
            now=datetime(2026, 12, 5, 10, 0, tzinfo=BELGRADE),
        )
        record_answer(
            session,
            second,
            text="Odbijeno <b>ne</b>.",
            outcome="refused",
            actor="agent:ana",
            now=datetime(2026, 12, 6, 10, 0, tzinfo=BELGRADE),
        )
        third = new_complaint(
            session,
            "rs",
            datetime(2026, 12, 31, 23, 59, tzinfo=BELGRADE),
            BELGRADE,
            sender_id="web-8",
        )
        outside = new_complaint(
            session, "rs", datetime(2027, 1, 1, 0, 0, tzinfo=BELGRADE), BELGRADE
        )
        return [first.ticket, second.ticket, third.ticket, outside.ticket]


def export(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["register", "export", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_register_export_csv_field_by_field(
    rs_settings: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = seed_register(rs_settings)
    code, out, err = export(capsys, "--from", "2026-12-01", "--to", "2026-12-31")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["ticket"] for row in rows] == tickets[1:3]
    assert rows[0] == {
        "register_number": "2026-000002",
        "ticket": tickets[1],
        "received_at": "2026-12-01T00:10:00+01:00",
        "customer": "web-7",
        "contact": "ana@example.com",
        "product_or_service": "product_quality / ORD-77",
        "description": "'" + HOSTILE,
        "remedy_requested": "refund — novac nazad",
        "statutory_answer_due_at": "2026-12-09T23:59:59+01:00",
        "statutory_resolution_due_at": "2026-12-16T23:59:59+01:00",
        "answered_at": "2026-12-06T10:00:00+01:00",
        "answer": "Odbijeno <b>ne</b>.",
        "outcome": "refused",
        "extended_at": "2026-12-05T10:00:00+01:00",
        "extension_consent": "yes",
        "extension_due_at": "2026-12-30T12:00:00+01:00",
    }
    assert rows[1]["register_number"] == "2026-000003"
    assert rows[1]["answered_at"] == rows[1]["outcome"] == rows[1]["extension_consent"] == ""


def test_register_export_html_is_printable_and_escaped(
    rs_settings: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tickets = seed_register(rs_settings)
    target = tmp_path / "register.html"
    code, out, err = export(
        capsys, "--from", "2026-12-01", "--to", "2026-12-31", "--format", "html", "-o", str(target)
    )
    assert (code, out) == (0, ""), err
    html = target.read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>ne</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Odbijeno &lt;b&gt;ne&lt;/b&gt;." in html
    assert "@page" in html and "Sl. glasnik RS 88/2021" in html
    for value in (
        "2026-000002",
        tickets[1],
        "2026-12-01 00:10",
        "web-7",
        "ana@example.com",
        "product_quality / ORD-77",
        "refund — novac nazad",
        "2026-12-09 23:59",
        "2026-12-16 23:59",
        "2026-12-06 10:00",
        "refused",
        "2026-12-05 10:00",
        "yes",
        "2026-12-30 12:00",
        "2026-000003",
    ):
        assert f">{value}<" in html, value
    assert "times in Europe/Belgrade" in html
    assert tickets[0] not in html and tickets[3] not in html


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--from", "2026-12-31", "--to", "2026-12-01"), "--to must not be before --from"),
        (("--from", "31.12.2026", "--to", "2026-12-31"), "expected a date"),
        (("--from", "2026-12-01", "--to", "2026-12-31", "--format", "pdf"), "invalid choice"),
        (("--to", "2026-12-31"), "required"),
    ],
)
def test_register_export_bad_input(
    rs_settings: str, argv: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = export(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err


def test_jurisdiction_and_calendar_settings(tmp_path: Path) -> None:
    settings_file = tmp_path / "bot.yml"
    settings_file.write_text(
        "jurisdiction: hr\nbusiness_calendar:\n  working_days: [mon, tue, wed, thu, fri, sat]\n"
        "  opens: '09:00'\n  closes: '17:30'\n  holidays: none\n"
        "  extra_holidays: [2026-12-24]\n",
        encoding="utf-8",
    )
    settings = load_settings({}, settings_file)
    assert settings.jurisdiction == "hr"
    calendar = settings.business_calendar
    assert calendar.working_days == ("mon", "tue", "wed", "thu", "fri", "sat")
    assert (calendar.opens, calendar.closes, calendar.holidays) == ("09:00", "17:30", "none")
    assert calendar.extra_holidays == (date(2026, 12, 24),)
    assert load_settings({"BOT_JURISDICTION": "RS"}, settings_file).jurisdiction == "rs"
    assert load_settings({}, tmp_path / "absent.yml").jurisdiction == "none"
    with pytest.raises(SettingsError, match="jurisdiction"):
        load_settings({"BOT_JURISDICTION": "de"}, settings_file)
    for bad in (
        "business_calendar: [mon]\n",
        "business_calendar:\n  working_days: [funday]\n",
        "business_calendar:\n  opens: '8h'\n",
        "business_calendar:\n  closes: '25:00'\n",
        "business_calendar:\n  extra_holidays: [tomorrow]\n",
    ):
        settings_file.write_text(bad, encoding="utf-8")
        with pytest.raises(SettingsError, match="business_calendar"):
            load_settings({}, settings_file)


def test_settings_drive_the_clocks(tmp_path: Path) -> None:
    received = datetime(2026, 12, 4, 15, 0, tzinfo=ZAGREB)  # a Friday
    absent = tmp_path / "absent.yml"
    none = complaint_clocks(load_settings({}, absent), received)
    assert none.sla_due_at == received + timedelta(hours=24)  # today's behaviour: Saturday
    assert none.statutory_answer_due_at is None and not none.register_number_required
    hr = complaint_clocks(load_settings({"BOT_JURISDICTION": "hr"}, absent), received)
    assert hr.sla_due_at == datetime(2026, 12, 9, 15, 0, tzinfo=ZAGREB)
    settings_file = tmp_path / "bot.yml"
    settings_file.write_text(
        "jurisdiction: rs\ntimezone: Europe/Belgrade\nresponse_deadline_hours: 4\n"
        "business_calendar: {opens: '09:00', closes: '17:00', extra_holidays: [2026-12-07]}\n",
        encoding="utf-8",
    )
    rs = complaint_clocks(load_settings({}, settings_file), received)
    # 2 h on Friday (15-17), Monday 7th closed, 2 h on Tuesday from 09:00.
    assert rs.sla_due_at == datetime(2026, 12, 8, 11, 0, tzinfo=BELGRADE)
    assert rs.register_number_required and rs.extensions_allowed == 1


def test_concurrent_writers_get_distinct_consecutive_numbers(url: str) -> None:
    received = datetime(2026, 6, 1, 10, 0, tzinfo=BELGRADE)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for index in range(5):
                with session_scope(url) as session:
                    new_complaint(
                        session,
                        "rs",
                        received + timedelta(minutes=index),
                        BELGRADE,
                        sender_id=f"web-{worker}-{index}",
                    )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with session_scope(url) as session:
        numbers = sorted(number for (number,) in session.query(Complaint.register_number))
    assert numbers == [f"2026-{n:06d}" for n in range(1, 21)]
