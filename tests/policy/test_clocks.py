"""Complaint clocks per jurisdiction: fixed datetimes, real holiday calendars, no sleeping."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.policy.clocks import (
    ClockError,
    add_business_hours,
    business_calendar,
    compute_clocks,
    extend_resolution,
    get_jurisdiction,
    jurisdiction_codes,
)

ZAGREB = ZoneInfo("Europe/Zagreb")
BELGRADE = ZoneInfo("Europe/Belgrade")
SARAJEVO = ZoneInfo("Europe/Sarajevo")
ZONES = {"none": ZAGREB, "hr": ZAGREB, "rs": BELGRADE, "ba": SARAJEVO}


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def clocks_for(code: str, received: datetime, sla_hours: float = 24):
    zone = ZONES[code]
    calendar = business_calendar(get_jurisdiction(code), str(zone))
    return compute_clocks(get_jurisdiction(code), sla_hours, calendar, received)


# (jurisdiction, received local, SLA hours, SLA due local, answer due local, resolution due local)
CASES = [
    # none: today's behaviour, 24 h round the clock, no statutory clock.
    ("none", (2026, 12, 4, 15, 0), 24, (2026, 12, 5, 15, 0), None, None),
    # hr: Friday 15:00 + 24 business hours (08-16, Mon-Fri) = 1 h Fri + 8 Mon + 8 Tue + 7 Wed.
    ("hr", (2026, 12, 4, 15, 0), 24, (2026, 12, 9, 15, 0), (2026, 12, 19, 23, 59, 59), None),
    # hr: received on Saturday: the SLA starts on Monday 08:00.
    ("hr", (2026, 12, 5, 10, 0), 8, (2026, 12, 7, 16, 0), (2026, 12, 20, 23, 59, 59), None),
    # hr: Christmas (Fri 25th) and St Stephen's (Sat 26th) are holidays: Thu 24th 15:00 + 2 h
    # ends on Monday 28th 09:00.
    ("hr", (2026, 12, 24, 15, 0), 2, (2026, 12, 28, 9, 0), (2027, 1, 8, 23, 59, 59), None),
    # hr: a long SLA is capped at the statutory 15 days.
    ("hr", (2026, 12, 4, 15, 0), 200, (2026, 12, 19, 23, 59, 59), (2026, 12, 19, 23, 59, 59), None),
    # rs: 8 days to answer, 15 to resolve, calendar days; 8 business hours from 09:00 run
    # over into Tuesday.
    (
        "rs",
        (2026, 3, 2, 9, 0),
        8,
        (2026, 3, 3, 9, 0),
        (2026, 3, 10, 23, 59, 59),
        (2026, 3, 17, 23, 59, 59),
    ),
    # rs: Orthodox Christmas (7 Jan) and New Year (1-2 Jan) are Serbian holidays.
    (
        "rs",
        (2026, 1, 6, 15, 0),
        2,
        (2026, 1, 8, 9, 0),
        (2026, 1, 14, 23, 59, 59),
        (2026, 1, 21, 23, 59, 59),
    ),
    # rs: Statehood Day 15-17 Feb 2026 (observed Tuesday).
    (
        "rs",
        (2026, 2, 13, 15, 0),
        4,
        (2026, 2, 18, 11, 0),
        (2026, 2, 21, 23, 59, 59),
        (2026, 2, 28, 23, 59, 59),
    ),
    # ba: 1 May (Friday) and 2 May are holidays; unverified 8-day first answer.
    ("ba", (2026, 4, 30, 15, 0), 2, (2026, 5, 4, 9, 0), (2026, 5, 8, 23, 59, 59), None),
    # A complaint at 23:30 local counts from the next day; DST change on 29 March.
    ("hr", (2026, 3, 27, 23, 30), 8, (2026, 3, 30, 16, 0), (2026, 4, 11, 23, 59, 59), None),
]


@pytest.mark.parametrize(("code", "received", "sla_hours", "sla", "answer", "resolution"), CASES)
def test_clocks_per_jurisdiction(code, received, sla_hours, sla, answer, resolution) -> None:
    zone = ZONES[code]
    clocks = clocks_for(code, local(zone, *received), sla_hours)
    assert clocks.sla_due_at == local(zone, *sla).astimezone(timezone.utc)
    assert clocks.sla_due_at.tzinfo == timezone.utc
    expected_answer = local(zone, *answer).astimezone(timezone.utc) if answer else None
    expected_resolution = local(zone, *resolution).astimezone(timezone.utc) if resolution else None
    assert clocks.statutory_answer_due_at == expected_answer
    assert clocks.statutory_resolution_due_at == expected_resolution
    if answer:
        assert clocks.sla_due_at <= clocks.statutory_answer_due_at


@pytest.mark.parametrize(
    ("code", "register", "retention", "extensions", "consent"),
    [
        ("none", False, None, 0, False),
        ("hr", False, date(2027, 12, 4), 0, False),
        ("rs", True, date(2028, 12, 4), 1, True),
        ("ba", False, None, 0, False),
    ],
)
def test_register_rules(code, register, retention, extensions, consent) -> None:
    clocks = clocks_for(code, local(ZONES[code], 2026, 12, 4, 10, 0))
    assert clocks.register_number_required is register
    assert clocks.retention_until == retention
    assert clocks.extensions_allowed == extensions
    assert clocks.extension_needs_consent is consent


def test_only_ba_is_unverified() -> None:
    assert set(jurisdiction_codes()) == {"none", "hr", "rs", "ba"}
    assert [code for code in jurisdiction_codes() if not get_jurisdiction(code).verified] == ["ba"]


def test_rs_extension_once_with_consent() -> None:
    clocks = clocks_for("rs", local(BELGRADE, 2026, 3, 2, 9, 0))
    later = local(BELGRADE, 2026, 3, 27, 12, 0)
    with pytest.raises(ClockError, match="consent"):
        extend_resolution(clocks, new_due_at=later, consent=False, extensions_used=0)
    with pytest.raises(ClockError, match="later"):
        extend_resolution(
            clocks, new_due_at=local(BELGRADE, 2026, 3, 5), consent=True, extensions_used=0
        )
    extended = extend_resolution(clocks, new_due_at=later, consent=True, extensions_used=0)
    assert extended.statutory_resolution_due_at == later.astimezone(timezone.utc)
    with pytest.raises(ClockError, match="already extended 1"):
        extend_resolution(extended, new_due_at=later, consent=True, extensions_used=1)


@pytest.mark.parametrize("code", ["none", "hr", "ba"])
def test_no_extension_where_the_law_has_none(code: str) -> None:
    clocks = clocks_for(code, local(ZONES[code], 2026, 3, 2, 9, 0))
    with pytest.raises(ClockError, match="0 time"):
        extend_resolution(
            clocks, new_due_at=local(ZAGREB, 2026, 5, 1), consent=True, extensions_used=0
        )


def test_calendar_overrides_from_settings() -> None:
    hr = get_jurisdiction("hr")
    calendar = business_calendar(
        hr,
        "Europe/Zagreb",
        working_days=("mon", "tue", "wed", "thu", "fri", "sat"),
        opens="09:00",
        closes="13:00",
        holidays="none",
        extra_holidays=(date(2026, 12, 7),),
    )
    # Friday 12:00 + 3 h: 1 h Friday, Saturday 09-11 (a working day now).
    start = local(ZAGREB, 2026, 12, 4, 12, 0)
    assert add_business_hours(start, 3, calendar) == local(ZAGREB, 2026, 12, 5, 11, 0)
    # Saturday 12:00 + 2 h: Monday 7th is an extra holiday, so Tuesday 10:00.
    start = local(ZAGREB, 2026, 12, 5, 12, 0)
    assert add_business_hours(start, 2, calendar) == local(ZAGREB, 2026, 12, 8, 10, 0)
    # Christmas is no holiday with holidays: none.
    assert calendar.is_working_day(date(2026, 12, 25))


@pytest.mark.parametrize(
    "overrides",
    [
        {"working_days": ("mon", "funday")},
        {"opens": "16:00", "closes": "08:00"},
        {"opens": "25:00"},
        {"opens": "8h"},
        {"holidays": "XX"},
    ],
)
def test_bad_calendars_are_refused(overrides) -> None:
    with pytest.raises(ClockError):
        business_calendar(get_jurisdiction("hr"), "Europe/Zagreb", **overrides)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ClockError, match="unknown jurisdiction"):
        get_jurisdiction("de")
    with pytest.raises(ClockError, match="time zone"):
        business_calendar(get_jurisdiction("hr"), "Mars/Olympus")
    calendar = business_calendar(get_jurisdiction("hr"), "Europe/Zagreb", working_days=())
    with pytest.raises(ClockError, match="no business hours"):
        add_business_hours(local(ZAGREB, 2026, 1, 1), 1, calendar)
    with pytest.raises(ClockError, match="aware"):
        compute_clocks(get_jurisdiction("hr"), 8, calendar, datetime(2026, 1, 1))
