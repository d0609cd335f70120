"""Satisfaction after a resolution, on a real SQLite store: asked once, rated once from the
widget's quick replies, a low rating asks what could have been done better and keeps the answer;
the signed rating link refuses forged, altered and expired tokens."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
import sqlalchemy as sa

from bot import handoff, store
from bot.handoff import csat, notices
from bot.store import csat as ratings

SECRET = "csat-test-secret-key-0123456789abcdef"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


class Recorder:
    def __init__(self) -> None:
        self.emitted: list[dict[str, Any]] = []

    async def emit(self, _event: str, data: Any, room: str | None = None, **_: Any) -> None:
        self.emitted.append(data)


def _complaint(url: str, sender: str, language: str = "en", script: str = "latin") -> str:
    with store.session_scope(url) as session:
        row = store.create_complaint(
            session, sender_id=sender, channel="socketio", language=language, script=script,
            category="delivery", severity=2, anger_score=0.0, description="late parcel",
            deadline_hours=24, prefix="C",
        )  # fmt: skip
        row.assigned_agent = "ana"
        return str(row.ticket)


def test_links_are_signed_and_expire() -> None:
    token = csat.rating_token("C-ABC234", SECRET, now=T0)
    assert csat.ticket_of(token, SECRET, now=T0 + timedelta(days=29)) == "C-ABC234"
    cases = [
        (token, "other-secret-key-0123456789abcdefghij", T0, "forged"),
        (token, SECRET, T0 + timedelta(days=30), "expired"),
        (token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), SECRET, T0, "forged"),
        ("not.a.token", SECRET, T0, "malformed"),
        ("", SECRET, T0, "malformed"),
        ("x" * 5000, SECRET, T0, "malformed"),
        # signed with the right key but for another purpose (no audience): refused
        (jwt.encode({"sub": "C-ABC234", "exp": T0 + timedelta(days=1)}, csat._key(SECRET)),
         SECRET, T0, "malformed"),
        # a JWT signed with the settings' key itself rather than the links' key: refused
        (jwt.encode({"sub": "C-1", "aud": "complaint-bot/csat", "exp": T0 + timedelta(days=1)},
                    SECRET), SECRET, T0, "forged"),
        # "none" algorithm: refused
        (jwt.encode({"sub": "C-1", "aud": "complaint-bot/csat", "exp": T0 + timedelta(days=1)},
                    None, algorithm="none"), SECRET, T0, "malformed"),
    ]  # fmt: skip
    for value, key, now, reason in cases:
        with pytest.raises(csat.BadLink) as raised:
            csat.ticket_of(value, key, now=now)
        assert raised.value.reason == reason, (value[:40], reason)
    link = csat.rating_link("https://shop.example/", "C-ABC234", SECRET, now=T0)
    assert link.startswith("https://shop.example/widget/rate/ey")


def test_quick_reply_payloads_parse_only_when_well_formed() -> None:
    buttons = csat.rating_buttons("C-ABC234")
    assert [csat.parse_payload(b["payload"]) for b in buttons] == [
        ("C-ABC234", value) for value in range(1, 6)
    ]
    for text in ['/csat{"ticket": "C-1"}', '/csat{"ticket": 5, "rating": 2}', "/csat{not json}",
                 '/csat{"ticket": "C-1", "rating": true}', "csat 5", "/csat[]", "5"]:  # fmt: skip
        assert csat.parse_payload(text) is None, text


async def test_a_resolved_complaint_is_rated_once_from_the_widget(sqlite_url: str) -> None:
    ticket = _complaint(sqlite_url, "rater-1", "hr", "latin")
    app = SimpleNamespace(ctx=SimpleNamespace(complaint_sio=Recorder()))
    pay = csat.rating_buttons(ticket)
    # not resolved yet: a rating is not taken (Rasa gets the message)
    assert csat.take_widget_message("rater-1", pay[4]["payload"], sqlite_url) is None
    await handoff.settle(app, sqlite_url, ticket, "resolved", "agent:ana", "Sent again")
    asked = [m for m in app.ctx.complaint_sio.emitted if m.get("quick_replies")]
    assert len(asked) == 1 and asked[0]["text"] == notices.notice("csat_ask", "hr", "latin")
    # someone else cannot rate this complaint
    assert csat.take_widget_message("someone-else", pay[0]["payload"], sqlite_url) is None
    thanks = csat.take_widget_message("rater-1", pay[4]["payload"], sqlite_url)
    assert thanks == "Hvala Vam na ocjeni!"
    again = csat.take_widget_message("rater-1", pay[0]["payload"], sqlite_url)
    assert again == notices.notice("csat_page_already", "hr", "latin")
    # a 5 asks nothing more: the next message goes to the bot
    assert csat.take_widget_message("rater-1", "imam još jedno pitanje", sqlite_url) is None
    # closing afterwards does not ask again
    app.ctx.complaint_sio.emitted.clear()
    await handoff.settle(app, sqlite_url, ticket, "closed", "agent:ana")
    assert not [m for m in app.ctx.complaint_sio.emitted if m.get("quick_replies")]
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        rating = ratings.rating_of(session, row)
        assert rating is not None and (rating.rating, rating.via, rating.agent) == (
            5, "widget", "ana",
        )  # fmt: skip


async def test_a_low_rating_asks_what_could_be_better_and_keeps_the_answer(
    sqlite_url: str,
) -> None:
    ticket = _complaint(sqlite_url, "rater-2", "sr", "cyrillic")
    app = SimpleNamespace(ctx=SimpleNamespace(complaint_sio=Recorder()))
    await handoff.settle(app, sqlite_url, ticket, "resolved", "agent:ana", "Done")
    now = datetime.now(timezone.utc)
    two = csat.rating_buttons(ticket)[1]["payload"]
    assert csat.take_widget_message("rater-2", two, sqlite_url, now) == (
        "Хвала Вам на искреној оцени. Шта смо могли да урадимо боље?"
    )
    answer = "Брже одговорите, чекао сам три дана."
    told = csat.take_widget_message("rater-2", answer, sqlite_url, now + timedelta(minutes=2))
    assert told == notices.notice("csat_feedback_thanks", "sr", "cyrillic")
    # the answer is kept once: the next message goes to the bot again
    assert csat.take_widget_message("rater-2", "хвала", sqlite_url, now) is None
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        rating = ratings.rating_of(session, row)
        assert rating is not None and (rating.rating, rating.feedback) == (2, answer)


async def test_the_question_after_a_low_rating_lapses(sqlite_url: str) -> None:
    ticket = _complaint(sqlite_url, "rater-3")
    app = SimpleNamespace(ctx=SimpleNamespace(complaint_sio=Recorder()))
    await handoff.settle(app, sqlite_url, ticket, "resolved", "agent:ana", "Done")
    now = datetime.now(timezone.utc)
    assert csat.take_widget_message("rater-3", csat.rating_buttons(ticket)[0]["payload"],
                                    sqlite_url, now) == (
        "Thank you for your honest rating. What could we have done better?"
    )  # fmt: skip
    later = now + csat.FEEDBACK_WINDOW + timedelta(seconds=1)
    assert csat.take_widget_message("rater-3", "I have a new problem", sqlite_url, later) is None


def test_the_store_refuses_ratings_out_of_range(sqlite_url: str) -> None:
    ticket = _complaint(sqlite_url, "rater-4")
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        with pytest.raises(store.StoreError):  # not resolved
            ratings.record_rating(session, row, 4, "link")
        store.set_status(session, row, "resolved", "agent:ana", "done")
        for bad in (0, 6, -1, True, "5", 4.5):
            with pytest.raises(store.StoreError):
                ratings.record_rating(session, row, bad, "link")  # type: ignore[arg-type]
        with pytest.raises(store.StoreError):
            ratings.record_rating(session, row, 4, "carrier-pigeon")


def test_a_message_that_answers_no_question_does_not_wait_for_the_write_lock(
    sqlite_url: str,
) -> None:
    """Nearly every widget message is asked about; the asking must not queue behind another
    conversation's write (SQLite's one write lock)."""
    _complaint(sqlite_url, "busy-1")
    engine = store.get_engine(sqlite_url)
    with engine.connect() as writer:
        writer.execute(sa.text("DELETE FROM csat_ratings"))  # this writer holds the write lock
        started = time.monotonic()
        assert csat.take_widget_message("busy-1", "where is my parcel?", sqlite_url) is None
        assert time.monotonic() - started < 2.0  # a writer's session waits out the timeout
        writer.rollback()
