"""Statutory wording per jurisdiction, on a real SQLite store: the acknowledgement carries the
register number and the law's deadlines where the law asks for a register number (rs), and
nothing is added elsewhere (hr, ba, none); the promised time follows the jurisdiction's clock."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import store
from bot.dialogue import receipt
from bot.dialogue.deadlines import complaint_clocks, format_deadline
from bot.settings import get_settings

#: Monday 7 December 2026, 09:00 in Belgrade/Zagreb.
RECEIVED = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
TZ = "Europe/Belgrade"


def _settings(url: str, jurisdiction: str) -> object:
    return dataclasses.replace(
        get_settings(), database_url=url, jurisdiction=jurisdiction, timezone=TZ
    )


def _complaint(url: str, settings: object, language: str, script: str) -> str:
    with store.session_scope(url) as session:
        row = store.create_complaint(
            session, sender_id=f"receipt-{language}-{script}", channel="rest", language=language,
            script=script, category="product_quality", severity=2, anger_score=0.0,
            description="the fridge leaks", deadline_hours=24, prefix="C", now=RECEIVED,
            clocks=complaint_clocks(settings, RECEIVED),  # type: ignore[arg-type]
        )  # fmt: skip
        return str(row.ticket)


@pytest.mark.parametrize(
    ("jurisdiction", "answer_days", "resolution_days", "register", "sla_until"),
    [
        # Serbia: receipt with the register number; 8 days to answer, 15 to resolve
        # (the SLA: 24 business hours, 08:00-16:00 on working days, so Thursday 09:00)
        ("rs", 8, 15, True, datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc)),
        # Croatia: 15 days to answer in writing, no register number
        ("hr", 15, None, False, datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc)),
        # Bosnia and Herzegovina (unverified): 8 days to answer, no register number
        ("ba", 8, None, False, datetime(2026, 12, 10, 8, 0, tzinfo=timezone.utc)),
        # none: today's behaviour, a flat 24 hours round the clock
        ("none", None, None, False, RECEIVED + timedelta(hours=24)),
    ],
)
@pytest.mark.parametrize(
    ("language", "script", "words"),
    [
        ("en", "latin", ["complaint register under number", "written answer by"]),
        ("hr", "latin", ["evidenciju prigovora pod brojem", "Pisani odgovor"]),
        ("bs", "latin", ["evidenciju reklamacija pod brojem", "Pisani odgovor"]),
        ("sr", "latin", ["Zakonom o zaštiti potrošača", "pod brojem", "rešena"]),
        ("sr", "cyrillic", ["Законом о заштити потрошача", "под бројем", "решена"]),
    ],
)
def test_the_acknowledgement_follows_the_jurisdiction(
    sqlite_url: str,
    jurisdiction: str,
    answer_days: int | None,
    resolution_days: int | None,
    register: bool,
    sla_until: datetime,
    language: str,
    script: str,
    words: list[str],
) -> None:
    settings = _settings(sqlite_url, jurisdiction)
    ticket = _complaint(sqlite_url, settings, language, script)
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        number = row.register_number
        answer_due, resolution_due = row.statutory_answer_due_at, row.statutory_resolution_due_at
        assert row.due_at == sla_until  # the promised time ("due_text") follows the clock
    if answer_days is None:
        assert answer_due is None
    else:
        # "within N days from receipt": until the end of the N-th day after the day of receipt
        assert answer_due is not None
        last_moment = (answer_due - timedelta(seconds=1)).astimezone(ZoneInfo(TZ))
        assert last_moment.date() == date(2026, 12, 7) + timedelta(days=answer_days)
    assert (resolution_due is not None) == (resolution_days is not None)

    said = receipt.receipt_once(ticket, language, script, settings)  # type: ignore[arg-type]
    if not register:
        assert number is None and said is None
        return
    assert number == "2026-000001"
    assert said is not None and number in said
    assert answer_due is not None and resolution_due is not None
    assert format_deadline(answer_due, language, script, TZ) in said
    assert format_deadline(resolution_due, language, script, TZ) in said
    for word in words:
        assert word in said, (word, said)
    # once per complaint
    assert receipt.receipt_once(ticket, language, script, settings) is None  # type: ignore[arg-type]
