from datetime import datetime, timezone

import pytest

from bot.dialogue.deadlines import format_deadline
from bot.dialogue.turn import MAX_TEXT_CHARS, category_from_intent, clean_text, first_entities

KNOWN = ("delivery", "billing", "other")


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("complain_delivery", "delivery"),
        ("complain_billing", "billing"),
        ("complain_retired_category", "other"),
        ("complain_", "other"),
        ("greet", None),
        (None, None),
    ],
)
def test_category_comes_from_the_complaint_intent(intent: str | None, expected: str | None) -> None:
    assert category_from_intent(intent, KNOWN) == expected


def test_clean_text_drops_control_characters_and_caps_length() -> None:
    assert clean_text("  paket\x00 kasni\x07 ") == "paket kasni"
    assert len(clean_text("x" * (MAX_TEXT_CHARS * 3))) == MAX_TEXT_CHARS
    assert clean_text(None) == ""
    assert clean_text(b"bytes") == ""


def test_first_entities_keeps_the_first_value_of_each_type() -> None:
    parse = {
        "entities": [
            {"entity": "email", "value": "a@b.hr"},
            {"entity": "email", "value": "c@d.hr"},
            {"entity": "phone", "value": "+385912345678"},
            {"entity": None, "value": "x"},
        ]
    }
    assert first_entities(parse) == {"email": "a@b.hr", "phone": "+385912345678"}


@pytest.mark.parametrize(
    ("language", "script", "expected"),
    [
        ("en", "latin", "Monday 23 November 2026, 15:05"),
        ("hr", "latin", "ponedjeljak, 23. studenoga 2026., 15:05"),
        ("sr", "latin", "ponedeljak, 23. novembra 2026., 15:05"),
        ("sr", "cyrillic", "понедељак, 23. новембра 2026., 15:05"),
        ("bs", "latin", "ponedjeljak, 23. novembra 2026., 15:05"),
    ],
)
def test_deadline_is_worded_in_the_customers_language(
    language: str, script: str, expected: str
) -> None:
    due = datetime(2026, 11, 23, 14, 5, tzinfo=timezone.utc)
    assert format_deadline(due, language, script, "Europe/Zagreb") == expected
