"""The promised deadline: computed from the settings' jurisdiction and business calendar, and
worded for the customer's language and script."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from babel.dates import format_datetime, get_timezone

from bot.policy.clocks import (
    BusinessCalendar,
    ComplaintClocks,
    business_calendar,
    compute_clocks,
    get_jurisdiction,
)
from bot.settings import CalendarSettings, Settings
from bot.text.languages import languages


def format_deadline(due_at: datetime, language: str, script: str, timezone: str) -> str:
    """``due_at`` as the customer reads it, e.g. ``ponedjeljak, 23. studenoga 2026., 15:05``.

    The locale and pattern are the registry entry's (``bot/languages.yml``); Croatian and
    Bosnian have no Cyrillic entry, so their dates stay Latin, like their responses.
    """
    entry = languages().for_slots(language, script)
    return str(
        format_datetime(
            due_at, entry.date_pattern, tzinfo=get_timezone(timezone), locale=entry.locale
        )
    )


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
