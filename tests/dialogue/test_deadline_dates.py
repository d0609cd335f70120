"""Dates in words are grammatical in every language: the day of the month takes the genitive
month name in Croatian, Serbian and Bosnian ("6. decembra 2026.", not "6. decembar 2026.")."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.dialogue.deadlines import format_deadline, month_names
from bot.text.languages import languages

# (language slot, script, UTC time) -> the date as the customer reads it (Europe/Belgrade).
CASES = [
    ("en", "latin", datetime(2026, 12, 6, 14, 5), "Sunday 6 December 2026, 15:05"),
    ("hr", "latin", datetime(2026, 12, 6, 14, 5), "nedjelja, 6. prosinca 2026., 15:05"),
    ("bs", "latin", datetime(2026, 12, 6, 14, 5), "nedjelja, 6. decembra 2026., 15:05"),
    ("sr", "latin", datetime(2026, 12, 6, 14, 5), "nedelja, 6. decembra 2026., 15:05"),
    ("sr", "cyrillic", datetime(2026, 12, 6, 14, 5), "недеља, 6. децембра 2026., 15:05"),
    ("hr", "latin", datetime(2026, 8, 3, 7, 0), "ponedjeljak, 3. kolovoza 2026., 09:00"),
    ("bs", "latin", datetime(2026, 8, 3, 7, 0), "ponedjeljak, 3. augusta 2026., 09:00"),
    ("sr", "latin", datetime(2026, 8, 3, 7, 0), "ponedeljak, 3. avgusta 2026., 09:00"),
    ("sr", "cyrillic", datetime(2026, 8, 3, 7, 0), "понедељак, 3. августа 2026., 09:00"),
    ("sr", "latin", datetime(2027, 3, 1, 10, 30), "ponedeljak, 1. marta 2027., 11:30"),
    ("hr", "latin", datetime(2027, 3, 1, 10, 30), "ponedjeljak, 1. ožujka 2027., 11:30"),
    ("en", "latin", datetime(2027, 3, 1, 10, 30), "Monday 1 March 2027, 11:30"),
    # 23:30 UTC on 31 December is already January in Belgrade: the month of the local date.
    ("sr", "latin", datetime(2026, 12, 31, 23, 30), "petak, 1. januara 2027., 00:30"),
    ("sr", "cyrillic", datetime(2026, 12, 31, 23, 30), "петак, 1. јануара 2027., 00:30"),
]


@pytest.mark.parametrize(("language", "script", "when", "expected"), CASES)
def test_dates_are_grammatical(language: str, script: str, when: datetime, expected: str) -> None:
    assert (
        format_deadline(when.replace(tzinfo=timezone.utc), language, script, "Europe/Belgrade")
        == expected
    )


def test_a_naive_time_is_read_as_utc() -> None:
    naive = datetime(2026, 12, 31, 23, 30)
    assert (
        format_deadline(naive, "sr", "latin", "Europe/Belgrade") == "petak, 1. januara 2027., 00:30"
    )


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("code", sorted(month_names()))
def test_every_listed_month_is_used_and_ends_in_the_genitive(code: str, month: int) -> None:
    entry = next(language for language in languages().languages if language.code == code)
    when = datetime(2026, month, 15, 10, 0, tzinfo=timezone.utc)
    worded = format_deadline(when, entry.slot, entry.script, "UTC")
    name = month_names()[code][month - 1]
    assert f"15. {name} 2026." in worded
    assert name.endswith(("a", "а"))  # Latin a, Cyrillic а: the genitive ending


def test_every_listed_language_is_in_the_registry() -> None:
    codes = {language.code for language in languages().languages}
    assert set(month_names()) <= codes
