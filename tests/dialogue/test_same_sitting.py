"""A conversation's own story told again is no repeated complaint (bot.dialogue.service).

A second row for the same chat (the first one's ticket not yet known to the dialogue, or a
hand-off row made before the matter was named) must not make the chat a "repeat": that is
"the second or third time the customer complains about the same thing", not more of the same
story. A complaint the same conversation made before this sitting still counts, and so does a
message that says it happened before.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from bot import store
from bot.dialogue import service
from bot.dialogue.turn import Turn
from bot.settings import Settings
from bot.store.tables import Complaint


@pytest.fixture
def settings(sqlite_settings: Settings) -> Settings:
    return sqlite_settings


def _register(settings: Settings, sender: str, text: str, category: str) -> list[str]:
    turn = Turn(sender_id=sender, text=text, intent=f"complain_{category}", category=category)
    return list(service.register_complaint(turn, settings).reasons)


def _backdate(settings: Settings, sender: str, by: timedelta) -> None:
    with store.session_scope(settings.database_url) as session:
        session.execute(
            update(Complaint)
            .where(Complaint.sender_id == sender)
            .values(created_at=datetime.now(timezone.utc) - by)
        )


#: (first message, the same chat's second row, category, hours since the first, repeat?)
CASES = [
    ("Naručio sam plavu lampu.", "Stigla je bijela lampa, hoću plavu.", "delivery", 0, False),
    ("Пакет још није стигао.", "Поруџбина 41207, куриру се губи траг.", "delivery", 0, False),
    ("The lamp I got is white.", "I ordered the blue one, order 5512.", "delivery", 0, False),
    ("Stigla je bijela lampa.", "Opet mi je stigla kriva lampa.", "delivery", 0, True),
    ("The lamp I got is white.", "This is my second complaint about it.", "delivery", 0, True),
    ("Stigla je bijela lampa.", "Još uvijek nemam plavu lampu.", "delivery", 3, True),
    ("The lamp I got is white.", "Still no blue lamp.", "delivery", 3, True),
    ("The lamp I got is white.", "The invoice has the wrong name.", "billing", 3, False),
]


@pytest.mark.parametrize(("first", "second", "category", "hours", "repeat"), CASES)
def test_the_same_sitting_is_no_repeat(
    settings: Settings, first: str, second: str, category: str, hours: int, repeat: bool
) -> None:
    assert "repeat" not in _register(settings, "chat-1", first, "delivery")
    _backdate(settings, "chat-1", timedelta(hours=hours))
    assert ("repeat" in _register(settings, "chat-1", second, category)) is repeat
