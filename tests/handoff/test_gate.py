"""The one read before Rasa (:func:`bot.handoff.gate.may_skip_bot`) says yes whenever the
satisfaction question or the hand-off would take the message, and no for a message to the bot,
on a real SQLite store."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from bot import handoff
from bot.handoff import csat, gate
from tests.handoff.test_csat import Recorder, _complaint

TEXT = "where is my parcel?"


def taken(sender: str, text: str, url: str, now: datetime) -> bool:
    """Whether the two checks before Rasa take ``text`` (they may write: asked after the gate)."""
    if csat.take_widget_message(sender, text, url, now) is not None:
        return True
    return handoff.take_customer_message(sender, text, url, now=now) is not None


def test_a_message_to_the_bot_is_let_through(sqlite_url: str) -> None:
    now = datetime.now(timezone.utc)
    assert not gate.may_skip_bot("nobody", TEXT, sqlite_url, now)
    _complaint(sqlite_url, "plain")
    assert not gate.may_skip_bot("plain", TEXT, sqlite_url, now)
    assert not taken("plain", TEXT, sqlite_url, now)


def test_a_conversation_a_person_holds_is_not_let_through(sqlite_url: str) -> None:
    _complaint(sqlite_url, "queued")
    assert handoff.record_handoff_request("queued", sqlite_url) is not None
    now = datetime.now(timezone.utc)
    assert gate.may_skip_bot("queued", TEXT, sqlite_url, now)
    assert taken("queued", TEXT, sqlite_url, now)


async def test_a_rating_and_the_answer_a_low_rating_awaits_are_not_let_through(
    sqlite_url: str,
) -> None:
    ticket = _complaint(sqlite_url, "rated")
    app = SimpleNamespace(ctx=SimpleNamespace(complaint_sio=Recorder()))
    await handoff.settle(app, sqlite_url, ticket, "resolved", "agent:ana", "Done")
    now = datetime.now(timezone.utc)
    low = csat.rating_buttons(ticket)[1]["payload"]
    assert gate.may_skip_bot("rated", low, sqlite_url, now)
    assert taken("rated", low, sqlite_url, now)
    answer = "Answer sooner next time, please."
    assert gate.may_skip_bot("rated", answer, sqlite_url, now)
    assert taken("rated", answer, sqlite_url, now)
    # answered: the next message is the bot's again
    assert not gate.may_skip_bot("rated", TEXT, sqlite_url, now)
    assert not taken("rated", TEXT, sqlite_url, now)
