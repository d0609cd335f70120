"""What a customer is told while the complaint is with the team: the waiting notices (full,
short, overdue; silent while an agent is live), the take-over, hand-back and resolution notices
with the outcome, and the out-of-court notice of a refusal where the law asks for it; in every
language and script, on a real SQLite store."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from bot import handoff, store
from bot.dialogue.deadlines import format_deadline
from bot.handoff import notices
from bot.settings import load_settings
from bot.text.fold import cyrillic_share

#: (language slot, script slot, registry code) of every language the bot speaks.
LANGUAGES = [
    ("en", "latin", "en"),
    ("hr", "latin", "hr"),
    ("bs", "latin", "bs"),
    ("sr", "latin", "sr_latn"),
    ("sr", "cyrillic", "sr_cyrl"),
]
#: A word each language's waiting notice must contain (its own variant: Croatian "prigovor",
#: Bosnian and Serbian "reklamacija", Serbian "pre" without the Croatian/Bosnian "ije").
WAITING_WORD = {
    "en": "with our team",
    "hr": "prigovor",
    "bs": "reklamacij",
    "sr_latn": "reklamacij",
    "sr_cyrl": "рекламациј",
}
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


class Recorder:
    def __init__(self) -> None:
        self.emitted: list[dict[str, Any]] = []

    async def emit(self, _event: str, data: Any, room: str | None = None, **_: Any) -> None:
        self.emitted.append(data)


def test_every_notice_is_written_for_every_language_with_the_same_placeholders() -> None:
    for key, by_code in notices.texts().items():
        assert set(by_code) == {code for _, _, code in LANGUAGES}, key
        fields = {code: set(re.findall(r"\{(\w+)\}", text)) for code, text in by_code.items()}
        assert len({frozenset(found) for found in fields.values()}) == 1, (key, fields)
        assert cyrillic_share(by_code["sr_cyrl"].replace("{", " ")) > 0.5, key
        assert cyrillic_share(by_code["sr_latn"]) == 0, key


@pytest.mark.parametrize(
    ("text", "minutes_since_full", "minutes_to_due", "answered", "expected"),
    [
        ("my fridge still leaks", None, 60, False, "full"),  # first message while waiting
        ("my fridge still leaks", 2, 60, False, "short"),  # right after the full notice
        ("and the door is bent", 29, 60, False, "short"),
        ("and the door is bent", 30, 60, False, "full"),  # back after a pause
        ("any news about my fridge", 1, 60, False, "full"),  # a status question
        ("Hello? Is my complaint being handled?", 1, 60, False, "full"),
        ("ima li novosti o frižideru", 1, 60, False, "full"),
        ("Има ли новости", 1, 60, False, "full"),
        ("jos uvijek cekam", 1, 60, False, "short"),  # no cue of a question: short
        ("i dalje čekam", 1, 60, False, "full"),
        ("my fridge still leaks", None, -5, False, "overdue"),  # the promise is broken
        ("my fridge still leaks", None, -5, True, "full"),  # a person answered already
        ("more detail", 3, -5, False, "short"),
    ],
)
def test_the_waiting_notice_rule(
    text: str, minutes_since_full: int | None, minutes_to_due: int, answered: bool, expected: str
) -> None:
    last = None if minutes_since_full is None else T0 - timedelta(minutes=minutes_since_full)
    chosen = notices.choose_waiting_notice(
        text=text,
        now=T0,
        last_full_at=last,
        due_at=T0 + timedelta(minutes=minutes_to_due),
        answered=answered,
    )
    assert chosen == expected


def _complaint(url: str, sender: str, language: str, script: str, jurisdiction: str) -> str:
    with store.session_scope(url) as session:
        row = store.create_complaint(
            session,
            sender_id=sender,
            channel="rest",
            language=language,
            script=script,
            category="product_quality",
            severity=3,
            anger_score=0.0,
            description="The fridge leaks",
            escalation_reasons=("human_request",),
            deadline_hours=24,
            prefix="C",
            now=T0,
        )
        row.jurisdiction = jurisdiction
        store.append_event(session, row, "handoff_requested", "bot", now=T0)
        return str(row.ticket)


@pytest.mark.parametrize(("language", "script", "code"), LANGUAGES)
def test_a_waiting_customer_is_always_answered_in_their_language(
    sqlite_url: str, language: str, script: str, code: str
) -> None:
    sender = f"waiting-{code}"
    ticket = _complaint(sqlite_url, sender, language, script, "none")
    due = format_deadline(T0 + timedelta(hours=24), language, script, "Europe/Zagreb")

    def say(text: str, minutes: int) -> handoff.Held | None:
        return handoff.take_customer_message(
            sender, text, sqlite_url, timezone_name="Europe/Zagreb",
            now=T0 + timedelta(minutes=minutes),
        )  # fmt: skip

    first = say("the fridge still leaks", 5)
    assert first is not None and first.reply is not None
    assert ticket in first.reply and due in first.reply and WAITING_WORD[code] in first.reply
    second = say("and it is noisy", 6)
    assert second is not None and second.reply is not None
    assert second.reply == notices.notice("waiting_short", language, script, ticket=ticket)
    status = say("any news?", 7)
    assert status is not None and status.reply == first.reply
    later = say("the floor is wet", 60)
    assert later is not None and later.reply == first.reply
    overdue = say("still nothing", 25 * 60)
    assert overdue is not None and overdue.reply is not None
    assert overdue.reply == notices.notice(
        "waiting_overdue", language, script, ticket=ticket, due=due
    )
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        events = store.events_for(session, row)
        kept = [e.data["text"] for e in events if e.kind == "message_customer"]
        told = [e.data["notice"] for e in events if e.kind == "message_bot"]
    # every word is on the complaint for the agents, and every message was answered
    assert kept == [
        "the fridge still leaks", "and it is noisy", "any news?", "the floor is wet",
        "still nothing",
    ]  # fmt: skip
    assert told == ["full", "short", "full", "full", "overdue"]


def test_a_customer_who_gets_angry_in_the_queue_is_flagged_for_the_agents(
    sqlite_url: str,
) -> None:
    """What a message to a person shows is added to the complaint's reasons: a calm one adds
    nothing, anger and a demand for money are added to the request for a person."""
    settings = load_settings()
    ticket = _complaint(sqlite_url, "waiting-angry", "hr", "latin", "none")

    def reasons_after(text: str) -> list[str]:
        handoff.take_customer_message("waiting-angry", text, sqlite_url, settings=settings)
        with store.session_scope(sqlite_url) as session:
            row = store.get_by_ticket(session, ticket)
            assert row is not None
            return list(row.escalation_reasons or [])

    assert reasons_after("ima li novosti?") == ["human_request"]
    assert reasons_after("Ovo je vrhunac bezobrazluka, sat vremena čekam!!!") == [
        "human_request",
        "anger",
    ]
    assert reasons_after("vratite mi 120 eura") == ["human_request", "anger", "money"]


def test_an_order_number_and_a_contact_given_in_the_queue_go_on_the_complaint(
    sqlite_url: str,
) -> None:
    """The first order number and contact a waiting customer gives fill the complaint's empty
    fields, for the agent; a later one changes nothing, and the message is kept as well."""
    ticket = _complaint(sqlite_url, "waiting-details", "sr", "cyrillic", "none")

    def details_after(text: str) -> tuple[str | None, str | None]:
        handoff.take_customer_message("waiting-details", text, sqlite_url)
        with store.session_scope(sqlite_url) as session:
            row = store.get_by_ticket(session, ticket)
            assert row is not None
            return row.order_ref, row.contact

    assert details_after("има ли новости?") == (None, None)
    assert details_after("поруџбина 61-2207, пошаљите ми мејл") == ("61-2207", None)
    assert details_after("mejl: mila.p@primer.rs, а поруџбина 55012") == (
        "61-2207",
        "mila.p@primer.rs",
    )
    assert details_after("мој телефон је 064 123 4567") == ("61-2207", "mila.p@primer.rs")
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        kept = [
            e.data["text"] for e in store.events_for(session, row) if e.kind == "message_customer"
        ]
    assert len(kept) == 4


async def test_an_agent_live_in_the_conversation_answers_and_the_bot_keeps_quiet(
    sqlite_url: str,
) -> None:
    ticket = _complaint(sqlite_url, "live-1", "hr", "latin", "none")
    with store.session_scope(sqlite_url) as session:
        store.create_agent(
            session, username="ana", password="correct horse battery", role="agent",
            display_name="Ana Horvat",
        )  # fmt: skip
    app = SimpleNamespace(ctx=SimpleNamespace(complaint_sio=Recorder()))
    await handoff.take_over(app, sqlite_url, ticket, "ana")
    assert app.ctx.complaint_sio.emitted[-1]["text"] == (
        f"Sada se dopisujete s osobom iz naše korisničke službe (Ana Horvat) o Vašem prigovoru "
        f"{ticket}."
    )
    held = handoff.take_customer_message("live-1", "jeste li tu?", sqlite_url)
    assert held == handoff.Held(ticket, None)  # kept for Ana, who answers it herself
    await handoff.hand_back(app, sqlite_url, ticket, "ana")
    assert app.ctx.complaint_sio.emitted[-1]["text"] == handoff.bot_is_back("hr", "latin")
    assert handoff.take_customer_message("live-1", "hvala", sqlite_url) is None  # to the bot


@pytest.mark.parametrize(("language", "script", "code"), LANGUAGES)
@pytest.mark.parametrize(
    ("jurisdiction", "outcome", "out_of_court"),
    [
        ("rs", "refused", True),  # Serbia: a refusal names out-of-court dispute resolution
        ("rs", "accepted", False),
        ("hr", "refused", False),
        ("ba", "refused", False),
        ("none", "refused", False),
        ("none", None, False),
        ("rs", "partially_accepted", False),
        ("rs", "withdrawn", False),
    ],
)
async def test_the_resolution_is_told_with_its_outcome(
    sqlite_url: str,
    language: str,
    script: str,
    code: str,
    jurisdiction: str,
    outcome: str | None,
    out_of_court: bool,
) -> None:
    sender = f"resolved-{code}"
    ticket = _complaint(sqlite_url, sender, language, script, jurisdiction)
    app = SimpleNamespace(ctx=SimpleNamespace(complaint_sio=Recorder()))
    data = await handoff.settle(
        app, sqlite_url, ticket, "resolved", "agent:ana", "We replaced the fridge", outcome
    )
    assert data["status"] == "resolved"
    said = [message["text"] for message in app.ctx.complaint_sio.emitted]
    key = notices.OUTCOME_KEYS.get(outcome or "", "resolved")
    expected = [notices.notice(key, language, script, ticket=ticket)]
    if out_of_court:
        expected.append(notices.notice("out_of_court", language, script))
    expected.append(handoff.bot_is_back(language, script))
    expected.append(notices.notice("csat_ask", language, script))
    assert said == expected
    assert ticket in said[0]
    # the rating question comes with the 1-5 quick replies
    replies = app.ctx.complaint_sio.emitted[-1]["quick_replies"]
    assert [reply["title"] for reply in replies] == ["1", "2", "3", "4", "5"]
    with store.session_scope(sqlite_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None and row.outcome == outcome
