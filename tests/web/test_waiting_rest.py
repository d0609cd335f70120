"""A customer whose complaint waits for a person is always answered: against the real stack
(Rasa and action servers, the trained model, SQLite) through the REST channel, in English and
Serbian Cyrillic. The safety complaint is handed over (an agent is on duty but has not claimed
it, so it waits in the queue); "any news?" gets the notice with the ticket and the promised
time, a further line the short "added to your complaint", and every word is on the complaint
for the agents."""

from __future__ import annotations

import pytest
import requests

from bot import handoff, store
from bot.dialogue.deadlines import format_deadline
from bot.handoff import notices
from bot.settings import Settings
from tests.test_smoke import TICKET, say

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"

SCRIPTS = [
    pytest.param(
        "en", "latin",
        ["My son got sick after drinking your juice", "I want a refund and an explanation"],
        ["Any news about my complaint?", "He also has a rash now"],
        id="en",
    ),
    pytest.param(
        "sr", "cyrillic",
        ["Мој син је завршио у болници након што је попио ваш сок", "Желим повраћај новца"],
        ["Има ли новости о мојој рекламацији?", "Сада му је боље"],
        id="sr_cyrl",
    ),
]  # fmt: skip


STACK_PORT = 7305  # the module's own stack (tests/conftest.py)


@pytest.fixture(scope="module")
def stack(stack: Settings) -> Settings:
    """The module's stack with the agent ana on duty."""
    with store.session_scope(stack.database_url) as session:
        store.create_agent(session, username="ana", password=PASSWORD, role="agent")
        agent = store.get_agent(session, "ana")
        assert agent is not None
        store.set_on_duty(session, agent, True)
        store.mark_seen(session, agent)
    return stack


@pytest.mark.parametrize(("language", "script", "complaint", "waiting"), SCRIPTS)
def test_a_customer_waiting_for_a_person_is_always_answered(
    stack: Settings, language: str, script: str, complaint: list[str], waiting: list[str]
) -> None:
    sender = f"waiting-rest-{language}-{script}"
    with store.session_scope(stack.database_url) as session:
        agent = store.get_agent(session, "ana")
        assert agent is not None
        store.mark_seen(session, agent)
    said: list[str] = []
    for line in complaint:
        said = say(stack, sender, line)
    found = [TICKET.search(text) for text in said]
    tickets = [match.group(0) for match in found if match]
    assert tickets, said
    ticket = tickets[-1]
    assert handoff.holder(sender, stack.database_url) == handoff.QUEUE, said

    with store.session_scope(stack.database_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None and (row.language, row.script) == (language, script)
        due = format_deadline(row.due_at, language, script, stack.timezone)

    status_question, more = waiting
    answer = say(stack, sender, status_question)
    assert answer == [
        notices.notice("waiting_full", language, script, ticket=ticket, due=due)
    ], answer
    assert ticket in answer[0] and due in answer[0]
    short = say(stack, sender, more)
    assert short == [notices.notice("waiting_short", language, script, ticket=ticket)], short

    with store.session_scope(stack.database_url) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        events = store.events_for(session, row)
        kept = [e.data["text"] for e in events if e.kind == "message_customer"]
        told = [e.data.get("notice") for e in events if e.kind == "message_bot"]
    assert kept == [status_question, more]
    assert told == ["full", "short"]

    # the agents see the customer's words and what the bot told them, in the console's API
    base = f"http://{stack.host}:{stack.rasa_port}"
    token = requests.post(
        f"{base}/api/tokens", json={"username": "ana", "password": PASSWORD}, timeout=30
    )
    assert token.status_code == 201, token.text
    detail = requests.get(
        f"{base}/api/complaints/{ticket}",
        headers={"Authorization": f"Bearer {token.json()['token']}"},
        timeout=30,
    )
    assert detail.status_code == 200, detail.text
    turns = [(turn["role"], turn["text"]) for turn in detail.json()["transcript"]]
    assert turns[-4:] == [
        ("customer", status_question), ("bot", answer[0]), ("customer", more), ("bot", short[0]),
    ]  # fmt: skip
