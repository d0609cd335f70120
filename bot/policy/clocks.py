"""The clocks of a complaint: the company's own SLA and the law's deadlines.

Pure functions of the jurisdiction (``bot/policy/jurisdictions.yml``, sources in
``docs/jurisdictions.md``), the company's SLA hours and a business calendar; nothing here reads
settings or the clock.

* The **SLA** (the company's promise of a first answer) counts business time: only the opening
  hours of working days that are not public holidays. It is never later than the statutory
  first-answer deadline.
* **Statutory** deadlines follow the law's own counting: "within N days from the day of receipt"
  does not count the day of receipt and ends at the end of the N-th day (local time). Calendar
  days unless the jurisdiction says ``day_count: working``. A deadline that ends on a holiday is
  not moved: the laws read do not say so, and the earlier date is the safe one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_package
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

JURISDICTIONS_FILE = Path(__file__).with_name("jurisdictions.yml")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_COUNTS: tuple[str, ...] = ("calendar", "working")
MINUTES_PER_DAY = 24 * 60
#: How far a business-time search looks before it gives up (a calendar with no open hour).
MAX_SEARCH_DAYS = 3 * 366


class ClockError(ValueError):
    """A jurisdiction, a calendar or an extension that cannot be used."""


@dataclass(frozen=True)
class Extension:
    """How often the resolution deadline may be extended, and whether only with consent."""

    times: int
    consent_required: bool


@dataclass(frozen=True)
class CalendarDefaults:
    working_days: tuple[str, ...]
    opens: str
    closes: str


@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction's complaint rules (see ``jurisdictions.yml`` for the fields)."""

    code: str
    law: str | None
    first_answer_days: int | None
    resolution_days: int | None
    day_count: str
    extension: Extension | None
    register_number: bool
    retention_years: int | None
    out_of_court_notice: bool
    holidays: str | None
    verified: bool
    calendar: CalendarDefaults


def _days(code: str, name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ClockError(f"{code}.{name} must be a positive whole number or null, got {value!r}")
    return value


def _jurisdiction(code: str, raw: Any) -> Jurisdiction:
    if not isinstance(raw, dict):
        raise ClockError(f"jurisdiction {code!r} must be a mapping")
    day_count = raw.get("day_count", "calendar")
    if day_count not in DAY_COUNTS:
        raise ClockError(f"{code}.day_count must be one of {', '.join(DAY_COUNTS)}")
    extension = raw.get("extension")
    calendar = raw.get("calendar") or {}
    return Jurisdiction(
        code=code,
        law=raw.get("law"),
        first_answer_days=_days(code, "first_answer_days", raw.get("first_answer_days")),
        resolution_days=_days(code, "resolution_days", raw.get("resolution_days")),
        day_count=day_count,
        extension=(
            Extension(
                times=int(extension.get("times", 1)),
                consent_required=bool(extension.get("consent_required", True)),
            )
            if isinstance(extension, dict)
            else None
        ),
        register_number=bool(raw.get("register_number", False)),
        retention_years=_days(code, "retention_years", raw.get("retention_years")),
        out_of_court_notice=bool(raw.get("out_of_court_notice", False)),
        holidays=raw.get("holidays"),
        verified=bool(raw.get("verified", False)),
        calendar=CalendarDefaults(
            working_days=tuple(calendar.get("working_days", WEEKDAYS[:5])),
            opens=str(calendar.get("opens", "08:00")),
            closes=str(calendar.get("closes", "16:00")),
        ),
    )


@lru_cache(maxsize=4)
def load_jurisdictions(path: Path = JURISDICTIONS_FILE) -> dict[str, Jurisdiction]:
    """Every jurisdiction of ``path``, by code."""
    try:
        raw = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as error:
        raise ClockError(f"cannot read {path.name}: {error}") from error
    if not isinstance(raw, dict):
        raise ClockError(f"{path.name} must map jurisdiction codes to their rules")
    return {str(code): _jurisdiction(str(code), rules) for code, rules in raw.items()}


def jurisdiction_codes() -> tuple[str, ...]:
    return tuple(load_jurisdictions())


def get_jurisdiction(code: str) -> Jurisdiction:
    """The rules of ``code`` (``hr``, ``rs``, ``ba`` or ``none``)."""
    rules = load_jurisdictions()
    if code not in rules:
        raise ClockError(f"unknown jurisdiction {code!r}: one of {', '.join(rules)}")
    return rules[code]


# --- the business calendar ------------------------------------------------------------------


def _minute_of_day(name: str, value: str) -> int:
    """``"08:30"`` as 510; ``"24:00"`` (end of day) is allowed."""
    hours, _, minutes = str(value).partition(":")
    try:
        total = int(hours) * 60 + int(minutes or 0)
    except ValueError as error:
        raise ClockError(f"{name} must look like 08:00, got {value!r}") from error
    if not 0 <= total <= MINUTES_PER_DAY or not 0 <= int(minutes or 0) < 60:
        raise ClockError(f"{name} must be between 00:00 and 24:00, got {value!r}")
    return total


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays_package.country_holidays(country, years=year))
    except NotImplementedError as error:
        raise ClockError(f"the holidays package has no calendar for {country!r}") from error


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days, opening hours and public holidays, in one time zone."""

    timezone: str
    working_days: frozenset[int]
    opens_minute: int
    closes_minute: int
    holiday_country: str | None = None
    extra_holidays: frozenset[date] = frozenset()

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ClockError(f"unknown time zone {self.timezone!r}") from error

    def is_holiday(self, day: date) -> bool:
        if day in self.extra_holidays:
            return True
        return bool(self.holiday_country) and day in _public_holidays(
            str(self.holiday_country), day.year
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and not self.is_holiday(day)


def business_calendar(
    jurisdiction: Jurisdiction,
    timezone_name: str,
    *,
    working_days: tuple[str, ...] | None = None,
    opens: str | None = None,
    closes: str | None = None,
    holidays: str | None = None,
    extra_holidays: tuple[date, ...] = (),
) -> BusinessCalendar:
    """The calendar of ``jurisdiction``, with whatever ``bot.yml`` overrides.

    ``holidays`` is a country code, ``"none"`` for no public holidays, or ``None`` for the
    jurisdiction's own country.
    """
    days = working_days if working_days is not None else jurisdiction.calendar.working_days
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown:
        raise ClockError(f"working days must be among {', '.join(WEEKDAYS)}; got {unknown}")
    opens_minute = _minute_of_day("opens", opens or jurisdiction.calendar.opens)
    closes_minute = _minute_of_day("closes", closes or jurisdiction.calendar.closes)
    if closes_minute <= opens_minute:
        raise ClockError("the business day must close after it opens")
    country = jurisdiction.holidays if holidays is None else holidays
    calendar = BusinessCalendar(
        timezone=timezone_name,
        working_days=frozenset(WEEKDAYS.index(day) for day in days),
        opens_minute=opens_minute,
        closes_minute=closes_minute,
        holiday_country=None if country in (None, "", "none") else str(country).upper(),
        extra_holidays=frozenset(extra_holidays),
    )
    calendar.zone()
    if calendar.holiday_country and (
        calendar.holiday_country not in holidays_package.list_supported_countries()
    ):
        raise ClockError(f"the holidays package has no calendar for {country!r}")
    return calendar


def _at_minute(day: date, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minute)


def add_business_hours(start: datetime, hours: float, calendar: BusinessCalendar) -> datetime:
    """The moment ``hours`` of business time after ``start`` (UTC)."""
    if start.tzinfo is None:
        raise ClockError("start must be a timezone-aware datetime")
    if hours <= 0:
        raise ClockError(f"hours must be positive, got {hours}")
    zone = calendar.zone()
    cursor = start.astimezone(zone)
    remaining = timedelta(hours=hours)
    day = cursor.date()
    for _ in range(MAX_SEARCH_DAYS):
        if calendar.is_working_day(day):
            window_start = _at_minute(day, calendar.opens_minute, zone)
            window_end = _at_minute(day, calendar.closes_minute, zone)
            cursor = max(cursor, window_start)
            if cursor < window_end:
                available = window_end - cursor
                if remaining <= available:
                    return (cursor + remaining).astimezone(timezone.utc)
                remaining -= available
        day += timedelta(days=1)
        cursor = _at_minute(day, 0, zone)
    raise ClockError(f"no business hours within {MAX_SEARCH_DAYS} days: check the calendar")


# --- statutory deadlines --------------------------------------------------------------------


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return (_at_minute(day, MINUTES_PER_DAY, zone) - timedelta(seconds=1)).astimezone(timezone.utc)


def statutory_deadline(
    received_at: datetime, days: int, day_count: str, calendar: BusinessCalendar
) -> datetime:
    """The end (local time) of the ``days``-th day after the day of receipt."""
    zone = calendar.zone()
    day = received_at.astimezone(zone).date()
    if day_count == "calendar":
        return _end_of_day(day + timedelta(days=days), zone)
    counted = 0
    for _ in range(MAX_SEARCH_DAYS):
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
            if counted == days:
                return _end_of_day(day, zone)
    raise ClockError(f"no {days} working days within {MAX_SEARCH_DAYS} days")


@dataclass(frozen=True)
class ComplaintClocks:
    """Every clock of one complaint, in UTC. ``None``: the law sets no such deadline."""

    jurisdiction: str
    received_at: datetime
    sla_due_at: datetime
    statutory_answer_due_at: datetime | None
    statutory_resolution_due_at: datetime | None
    extensions_allowed: int
    extension_needs_consent: bool
    register_number_required: bool
    retention_until: date | None
    #: The year (local time) of receipt, which numbers the register.
    register_year: int


def compute_clocks(
    jurisdiction: Jurisdiction,
    sla_hours: float,
    calendar: BusinessCalendar,
    received_at: datetime,
) -> ComplaintClocks:
    """The clocks of a complaint received at ``received_at``."""
    if received_at.tzinfo is None:
        raise ClockError("received_at must be a timezone-aware datetime")
    received = received_at.astimezone(timezone.utc)
    answer_due = (
        statutory_deadline(
            received, jurisdiction.first_answer_days, jurisdiction.day_count, calendar
        )
        if jurisdiction.first_answer_days
        else None
    )
    resolution_due = (
        statutory_deadline(received, jurisdiction.resolution_days, jurisdiction.day_count, calendar)
        if jurisdiction.resolution_days
        else None
    )
    sla_due = add_business_hours(received, sla_hours, calendar)
    if answer_due is not None and sla_due > answer_due:
        sla_due = answer_due
    local_day = received.astimezone(calendar.zone()).date()
    retention = None
    if jurisdiction.retention_years:
        retention = _add_years(local_day, jurisdiction.retention_years)
    extension = jurisdiction.extension
    return ComplaintClocks(
        jurisdiction=jurisdiction.code,
        received_at=received,
        sla_due_at=sla_due,
        statutory_answer_due_at=answer_due,
        statutory_resolution_due_at=resolution_due,
        extensions_allowed=extension.times if extension else 0,
        extension_needs_consent=bool(extension and extension.consent_required),
        register_number_required=jurisdiction.register_number,
        retention_until=retention,
        register_year=local_day.year,
    )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_extension(
    jurisdiction: Jurisdiction,
    *,
    current_due_at: datetime | None,
    new_due_at: datetime,
    consent: bool,
    extensions_used: int,
) -> datetime:
    """The new resolution deadline (UTC), if ``jurisdiction`` allows this extension.

    Refused when the law allows no (further) extension, when it needs the consumer's consent
    and there is none, or when the new deadline is not later than the current one.
    """
    allowed = jurisdiction.extension.times if jurisdiction.extension else 0
    if allowed <= extensions_used:
        raise ClockError(
            f"the resolution deadline may be extended {allowed} time(s) in jurisdiction "
            f"{jurisdiction.code}; already extended {extensions_used}"
        )
    if jurisdiction.extension and jurisdiction.extension.consent_required and not consent:
        raise ClockError("extending the resolution deadline needs the consumer's consent")
    if not isinstance(new_due_at, datetime) or new_due_at.tzinfo is None:
        raise ClockError("new_due_at must be a timezone-aware datetime")
    if current_due_at is not None and new_due_at <= current_due_at:
        raise ClockError("the new resolution deadline must be later than the current one")
    return new_due_at.astimezone(timezone.utc)


def extend_resolution(
    clocks: ComplaintClocks,
    *,
    new_due_at: datetime,
    consent: bool,
    extensions_used: int,
) -> ComplaintClocks:
    """``clocks`` with the resolution deadline moved to ``new_due_at`` (see
    :func:`check_extension`)."""
    new_due = check_extension(
        get_jurisdiction(clocks.jurisdiction),
        current_due_at=clocks.statutory_resolution_due_at,
        new_due_at=new_due_at,
        consent=consent,
        extensions_used=extensions_used,
    )
    return replace(clocks, statutory_resolution_due_at=new_due)


# --- how a running clock stands ---------------------------------------------------------------

#: Clock states, least urgent first.
CLOCK_STATES: tuple[str, ...] = ("ok", "soon", "overdue")
#: A clock is ``soon`` in its last fifth, and at the latest this close to its end.
SOON_FRACTION = 0.2
SOON_AT_LEAST = timedelta(hours=2)


def clock_state(
    started_at: datetime, due_at: datetime, now: datetime, stopped_at: datetime | None = None
) -> str:
    """``ok``, ``soon`` or ``overdue``: a stopped clock is ``overdue`` if it stopped late, else
    ``ok``; a running one is ``soon`` within the last fifth of its span (at least
    :data:`SOON_AT_LEAST`) before ``due_at``."""
    if stopped_at is not None:
        return "overdue" if stopped_at > due_at else "ok"
    if now > due_at:
        return "overdue"
    window = max((due_at - started_at) * SOON_FRACTION, SOON_AT_LEAST)
    return "soon" if due_at - now <= window else "ok"
