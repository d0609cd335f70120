"""The promised deadline: computed from the settings' jurisdiction and business calendar, and
worded for the customer's language and script."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import lru_cache
from pathlib import Path

from babel.dates import format_datetime, get_timezone
from ruamel.yaml import YAML

from bot.policy.clocks import (
    BusinessCalendar,
    ComplaintClocks,
    business_calendar,
    compute_clocks,
    get_jurisdiction,
)
from bot.settings import CalendarSettings, Settings
from bot.text.languages import languages

MONTH_NAMES_FILE = Path(__file__).with_name("month_names.yml")
_MONTH = re.compile(r"(?<!M)MMMM(?!M)")


@lru_cache(maxsize=1)
def month_names() -> dict[str, tuple[str, ...]]:
    """Language code -> the twelve month names a date uses, from ``month_names.yml``."""
    with MONTH_NAMES_FILE.open(encoding="utf-8") as handle:
        raw = YAML(typ="safe").load(handle) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{MONTH_NAMES_FILE}: a mapping of language code -> 12 month names")
    names: dict[str, tuple[str, ...]] = {}
    for code, months in raw.items():
        if not (
            isinstance(months, list)
            and len(months) == 12
            and all(isinstance(month, str) and month and "'" not in month for month in months)
        ):
            raise ValueError(f"{MONTH_NAMES_FILE}: {code} needs 12 month names")
        names[str(code)] = tuple(months)
    return names


def date_pattern_for(pattern: str, code: str, month: int) -> str:
    """``pattern`` with its full month name (``MMMM``) written out from ``month_names.yml``
    when the language is listed there, else ``pattern`` as it is."""
    months = month_names().get(code)
    if months is None:
        return pattern
    return _MONTH.sub("'" + months[month - 1] + "'", pattern)


def format_deadline(due_at: datetime, language: str, script: str, timezone: str) -> str:
    """``due_at`` as the customer reads it, e.g. ``ponedjeljak, 23. studenoga 2026., 15:05``.

    The locale and pattern are the registry entry's (``bot/languages.yml``); Croatian and
    Bosnian have no Cyrillic entry, so their dates stay Latin, like their responses.
    """
    entry = languages().for_slots(language, script)
    zone = get_timezone(timezone)
    # babel reads a naive datetime as UTC; the month is the one on the customer's calendar
    aware = due_at if due_at.tzinfo is not None else due_at.replace(tzinfo=dt_timezone.utc)
    local = aware.astimezone(zone)
    pattern = date_pattern_for(entry.date_pattern, entry.code, local.month)
    return str(format_datetime(due_at, pattern, tzinfo=zone, locale=entry.locale))


@lru_cache(maxsize=8)
def _calendar(jurisdiction: str, timezone: str, config: CalendarSettings) -> BusinessCalendar:
    return business_calendar(
        get_jurisdiction(jurisdiction),
        timezone,
        working_days=config.working_days,
        opens=config.opens,
        closes=config.closes,
        holidays=config.holidays,
        extra_holidays=config.extra_holidays,
    )


def complaint_clocks(settings: Settings, received_at: datetime) -> ComplaintClocks:
    """The SLA and statutory clocks of a complaint received at ``received_at``."""
    calendar = _calendar(settings.jurisdiction, settings.timezone, settings.business_calendar)
    return compute_clocks(
        get_jurisdiction(settings.jurisdiction),
        settings.response_deadline_hours,
        calendar,
        received_at,
    )
