"""The promised deadline, worded for the customer's language and script."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime, get_timezone

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
