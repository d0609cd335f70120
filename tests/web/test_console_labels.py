"""The console's words (bot/web/i18n/console.json): every language has every label, and every
status, event kind, escalation reason and wish the store can hold has words, so the console
never shows an internal name."""

from __future__ import annotations

import json
import re

import pytest

from bot.policy.escalation import REASONS
from bot.store.tables import DESIRED_RESOLUTIONS, EVENT_KINDS, STATUSES
from bot.text.languages import languages
from bot.web.console import I18N_FILE, VIEWS
from bot.web.staff_push import WATCHED_KINDS

LABELS = json.loads(I18N_FILE.read_text(encoding="utf-8"))


def test_every_language_of_the_registry_has_every_label() -> None:
    assert set(LABELS) == set(languages().codes)
    for code, labels in LABELS.items():
        assert set(labels) == set(LABELS["en"]), code
        for key, text in labels.items():
            assert text.strip(), (code, key)
            # the same placeholders as the English text
            assert set(re.findall(r"\{\w+\}", text)) == set(
                re.findall(r"\{\w+\}", LABELS["en"][key])
            ), (code, key)


@pytest.mark.parametrize(
    "prefix, values",
    [
        ("status.", STATUSES),
        ("view.", VIEWS),
        ("event.", tuple(EVENT_KINDS) + tuple(WATCHED_KINDS)),
        ("escalation.", tuple(REASONS)),
        ("wish.", DESIRED_RESOLUTIONS),
        ("lang.", languages().codes),
    ],
)
def test_every_stored_value_has_words(prefix: str, values: tuple[str, ...]) -> None:
    missing = [value for value in values if prefix + value not in LABELS["en"]]
    assert missing == []


def test_cyrillic_labels_are_cyrillic_apart_from_placeholders_and_keys() -> None:
    for key, text in LABELS["sr_cyrl"].items():
        rest = re.sub(r"\{\w+\}|Shift\+Enter|Enter", "", text)
        assert not re.search(r"[A-Za-zčćžšđ]", rest), (key, text)
