"""The promised deadline, worded for the customer's language and script."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime, get_timezone

_LOCALES = {
    ("en", "latin"): "en_GB",
    ("hr", "latin"): "hr",
    ("bs", "latin"): "bs",
    ("sr", "latin"): "sr_Latn",
    ("sr", "cyrillic"): "sr_Cyrl",
    # Croatian and Bosnian responses exist in Latin only, so their dates stay Latin too.
    ("bs", "cyrillic"): "bs",
    ("hr", "cyrillic"): "hr",
}
_PATTERNS = {"en": "EEEE d MMMM y, HH:mm"}
_BCS_PATTERN = "EEEE, d. MMMM y., HH:mm"


def format_deadline(due_at: datetime, language: str, script: str, timezone: str) -> str:
    """``due_at`` as the customer reads it, e.g. ``ponedjeljak, 23. studenoga 2026., 15:05``."""
    locale = _LOCALES.get((language, script), "en_GB")
    pattern = _PATTERNS.get(language, _BCS_PATTERN)
    return str(format_datetime(due_at, pattern, tzinfo=get_timezone(timezone), locale=locale))
