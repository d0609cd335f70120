"""Live handoff end to end in real browsers (Debian's Chromium driven by Playwright) against the
real model and servers: an agent signs in to the console and goes on duty, a customer's safety
complaint in the widget is handed over, the agent claims it from the polled queue, replies
(the widget labels the reply as a person's), the bot stays quiet while the agent holds the
conversation, the agent hands back, the bot answers again, and the agent resolves it.
With nobody on duty the complaint waits in the queue with a ticket and a deadline.

Saves the console screenshots ``docs/screenshots/queue.png`` and ``conversation.png``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest

from bot import store
from bot.settings import PROJECT_ROOT, Settings
from tests.test_smoke import TICKET, complaints_of, matches, response_texts
from tests.web.test_widget import bot_texts, browser, send, wait_for_replies

__all__ = ["browser"]  # the fixture, shared with the widget's browser tests

pytestmark = pytest.mark.slow

REPLY_TIMEOUT = 60.0
QUIET_SECONDS = 4.0
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Script:
    """What the customer and the agent say in one language."""

    language: str
    locale: str
    open_chat: str
    person_label: str
    complaint: str
    resolution: str
    contact: str
    reply: str
    while_held: str
    goodbye: str
    note: str
    with_agent: str
    resolved: str
    claimed: str
    sent: str
    handed_back: str
    resolved_done: str
    outcome_label: str


ENGLISH = Script(
    language="en",
    locale="en-US",
    open_chat="Open chat",
    person_label="customer care (a person)",
    complaint="My son got sick after drinking your juice",
    resolution="I want a refund and an explanation of what happened",
    contact="ana.horvat@example.com",
    reply="Hello, I'm Ana from customer care. I'm very sorry — how is your son now?",
    while_held="He is better now, thank you for asking",
    goodbye="thank you, bye",
    note="Called the customer, refund sent, batch sent to the lab.",
    with_agent="With an agent",
    resolved="Resolved",
    claimed="You have the conversation now. The customer can see your replies.",
    sent="Reply sent.",
    handed_back="Handed back: the bot answers the next message.",
    resolved_done="Complaint resolved; the customer was told the bot is back.",
    outcome_label="Outcome for the register",
)
CROATIAN = Script(
    language="hr",
    locale="hr-HR",
    open_chat="Otvori razgovor",
    person_label="korisnička služba (osoba)",
    complaint="Sin mi je završio u bolnici nakon što je popio vaš sok",
    resolution="Želim povrat novca i objašnjenje što se dogodilo",
    contact="ivana.kovac@example.com",
    reply="Dobar dan, ovdje Ivana iz korisničke službe. Jako mi je žao, kako je sin sada?",
    while_held="Sada je bolje, hvala što pitate",
    goodbye="hvala, doviđenja",
    note="Nazvala kupca, novac vraćen, serija poslana na analizu.",
    with_agent="Kod agenta",
    resolved="Riješeno",
    claimed="Razgovor je sada vaš. Kupac vidi vaše odgovore.",
    sent="Odgovor poslan.",
    handed_back="Vraćeno botu: bot odgovara na sljedeću poruku.",
    resolved_done="Pritužba riješena; kupcu je javljeno da je bot ponovno tu.",
    outcome_label="Ishod za evidenciju",
)
SCRIPTS = [pytest.param(ENGLISH, id="en"), pytest.param(CROATIAN, id="hr")]


#: The module's own stack (tests/conftest.py); the tests create agents in its database.
STACK_PORT = 5305


@pytest.fixture(scope="module")
def lonely_stack(
    browser: Any, fresh_stack: Callable[[str, int], AbstractContextManager[Settings]]
) -> Iterator[Settings]:
    """A stack whose database has no agent at all."""
    with fresh_stack("no-agent", 5405) as settings:
        yield settings


def base_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.rasa_port}"


# --------------------------------------------------------------------------- the widget


def open_widget(browser: Any, settings: Settings, script: Script) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    context = browser.new_context(locale=script.locale, viewport={"width": 900, "height": 760})
    page = context.new_page()
    page.goto(f"{base_url(settings)}/widget/demo")
    page.get_by_role("button", name=script.open_chat).click()
    expect(page.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
    return context, page


def complain(page: Any, script: Script) -> None:
    """The safety complaint: thank, acknowledge, ask; then the customer's answer is sent."""
    send(page, script.complaint)
    replies = wait_for_replies(
        page, 0, response_texts("utter_ask_desired_resolution", script.language), count=3
    )
    assert len(replies) == 3, replies
    assert matches(replies[0], response_texts("utter_thank_for_complaint", script.language))
    assert matches(
        replies[1], response_texts("utter_acknowledge", script.language, category="safety")
    ), replies
    send(page, script.resolution)


def session_of(page: Any) -> str:
    raw = page.evaluate(
        """() => {
          const key = Object.keys(localStorage).find(k => k.startsWith('complaintWidget:'));
          return key ? localStorage.getItem(key) : null;
        }"""
    )
    assert raw, "the widget stored nothing in localStorage"
    session: str = json.loads(raw)["session"]
    return session


# --------------------------------------------------------------------------- the console


def sign_in_on_duty(
    browser: Any, settings: Settings, username: str, name: str, locale: str = "en-US"
) -> tuple[Any, Any]:
    """An agent account in the stack's database, signed in to the console and on duty."""
    from playwright.sync_api import expect

    with store.session_scope(settings.database_url) as session:
        store.create_agent(
            session, username=username, password=PASSWORD, role="agent", display_name=name
        )
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url(settings)}/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url(settings)}/console")
    expect(page.locator("#me")).to_have_text(f"{name} (agent)")
    expect(page.locator("body[data-ready]")).to_have_count(1, timeout=20_000)
    duty = page.locator("#duty")
    expect(duty).not_to_be_checked()
    duty.check()
    expect(page.locator("#status")).to_have_text(
        "You are on duty." if locale.startswith("en") else "Na dužnosti ste."
    )
    assert page.request.get(f"{base_url(settings)}/api/me").json()["on_duty"] is True
    return context, page


def queue_row(page: Any, ticket: str) -> Any:
    return page.locator(f"#inbox button.row[data-ticket='{ticket}']")


def act(page: Any, button: Any, status: str, done: str) -> None:
    """Press a console action and wait for its confirmation, shown next to it."""
    from playwright.sync_api import expect

    button.click()
    expect(page.locator(status)).to_have_text(done, timeout=15_000)
    expect(page.locator(status)).not_to_have_class(re.compile("error"))


def reopen_until(page: Any, ticket: str, locator: Any, text: str) -> None:
    """Open the complaint from the queue again until ``locator`` shows ``text``."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline:
        queue_row(page, ticket).click()
        page.wait_for_timeout(700)
        if any(text in shown for shown in locator.all_text_contents()):
            return
    raise AssertionError(f"{text!r} never appeared; shown: {locator.all_text_contents()}")


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("script", SCRIPTS)
def test_agent_takes_over_replies_hands_back_and_resolves(
    browser: Any, stack: Settings, script: Script
) -> None:
    from playwright.sync_api import expect

    username = f"agent-{script.language}"
    agent_name = "Ana Horvat" if script.language == "en" else "Ivana Kovač"
    console_context, console = sign_in_on_duty(browser, stack, username, agent_name, script.locale)
    widget_context, widget = open_widget(browser, stack, script)
    try:
        # 2. the customer's safety complaint is handed to a person
        complain(widget, script)
        replies = wait_for_replies(widget, 3, response_texts("utter_handoff_live", script.language))
        found = TICKET.search(replies[-1])
        assert found, replies
        ticket = found.group(0)
        sender_id = session_of(widget)
        [row] = complaints_of(stack, sender_id)
        assert row["ticket"] == ticket and row["escalated"] is True
        assert "safety" in row["escalation_reasons"]

        # 3. the complaint shows up in the console's queue without a reload
        row_locator = queue_row(console, ticket)
        expect(row_locator).to_have_count(1, timeout=20_000)
        expect(console.locator("#inbox button.row").first).to_have_attribute("data-ticket", ticket)
        expect(row_locator.locator(".meta")).to_contain_text(
            "safety" if script.language == "en" else "sigurnost"
        )
        if script.language == "en":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            console.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)
        row_locator.click()
        expect(console.locator("#conv-title")).to_contain_text(ticket)
        expect(console.locator("#transcript .turn.customer").first).to_contain_text(
            script.complaint
        )

        act(console, console.locator("#claim"), "#action-status", script.claimed)
        expect(console.locator("#conv-title")).to_have_text(f"{ticket} · {script.with_agent}")
        console.locator("#views button[data-view='mine']").click()
        expect(row_locator.locator(".meta")).to_contain_text(agent_name)

        reply_form = console.locator("#reply-form")
        reply_form.locator("#reply-text").fill(script.reply)
        # the customer sees the agent writing, and the dots go with the reply
        expect(widget.locator(".cbw-typing")).to_be_visible(timeout=10_000)
        act(console, reply_form.locator("button[type=submit]"), "#reply-status", script.sent)
        expect(console.locator("#transcript .turn.agent").last).to_contain_text(script.reply)

        agent_message = widget.locator(".cbw-agent").last
        expect(agent_message.locator(".cbw-text")).to_have_text(script.reply, timeout=15_000)
        expect(agent_message.locator(".cbw-author")).to_have_text(
            f"{agent_name} · {script.person_label}"
        )
        assert script.reply not in bot_texts(widget)
        expect(widget.locator(".cbw-typing")).to_be_hidden()
        if script.language == "en":
            console.screenshot(path=str(SCREENSHOTS / "conversation.png"), full_page=True)

        # 4. while the agent holds the conversation the bot keeps quiet
        before = len(bot_texts(widget))
        send(widget, script.while_held)
        expect(widget.locator(".cbw-user .cbw-text").last).to_have_text(script.while_held)
        held_turns = console.locator("#transcript .turn.customer")
        reopen_until(console, ticket, held_turns, script.while_held)
        widget.wait_for_timeout(QUIET_SECONDS * 1000)
        assert bot_texts(widget)[before:] == [], "the bot answered while a person held the chat"

        # 5. handed back, the bot answers again
        act(console, console.locator("#hand-back"), "#action-status", script.handed_back)
        before = len(bot_texts(widget))
        send(widget, script.goodbye)
        deadline = time.monotonic() + REPLY_TIMEOUT
        while len(bot_texts(widget)) <= before and time.monotonic() < deadline:
            widget.wait_for_timeout(200)
        assert len(bot_texts(widget)) > before, "the bot did not answer after the hand-back"

        # 6. the agent resolves the complaint with a note and the outcome for the register
        resolve_form = console.locator("#resolve-form")
        resolve_form.locator("textarea[name=note]").fill(script.note)
        resolve_form.get_by_label(script.outcome_label).select_option("accepted")
        act(
            console,
            resolve_form.locator("button[type=submit]"),
            "#resolve-status",
            script.resolved_done,
        )
        expect(console.locator("#conv-title")).to_have_text(f"{ticket} · {script.resolved}")
        # a resolved ticket offers no Claim, Hand back or Close
        for button in ("#claim", "#hand-back", "#close"):
            expect(console.locator(button)).to_be_hidden()
        expect(queue_row(console, ticket)).to_have_count(0, timeout=10_000)
        expect(console.locator("#events")).to_contain_text(script.note)

        api = console.request.get(
            f"{base_url(stack)}/api/complaints", params={"sender_id": sender_id}
        )
        assert api.ok, api.text()
        [listed] = api.json()
        assert listed["ticket"] == ticket and listed["status"] == "resolved"
        with store.session_scope(stack.database_url) as session:
            complaint = store.get_by_ticket(session, ticket)
            assert complaint is not None and complaint.status == "resolved"
            assert complaint.outcome == "accepted"
            assert complaint.assigned_agent == username
            kinds = [entry.kind for entry in store.events_for(session, complaint)]
            held = [
                entry.data
                for entry in store.events_for(session, complaint)
                if entry.kind == "message_customer"
            ]
        for kind in ("handoff_requested", "taken_over", "message_agent", "handed_back"):
            assert kind in kinds, kinds
        assert held == [{"text": script.while_held}]
    finally:
        widget_context.close()
        with store.session_scope(stack.database_url) as session:
            agent = store.get_agent(session, username)
            if agent is not None:
                store.set_on_duty(session, agent, False)
        console_context.close()


@pytest.mark.parametrize("script", SCRIPTS)
def test_without_an_agent_on_duty_the_complaint_is_queued(
    browser: Any, lonely_stack: Settings, script: Script
) -> None:
    from playwright.sync_api import expect

    context, page = open_widget(browser, lonely_stack, script)
    try:
        complain(page, script)
        wait_for_replies(page, 3, response_texts("utter_ask_contact", script.language))
        before = len(bot_texts(page))
        send(page, script.contact)
        replies = wait_for_replies(
            page, before, response_texts("utter_handoff_queued", script.language)
        )
        found = TICKET.search(replies[-1])
        assert found, replies
        expect(page.locator(".cbw-bot .cbw-ticket").last).to_have_text(found.group(0))
        assert page.locator(".cbw-agent").count() == 0

        [row] = complaints_of(lonely_stack, session_of(page))
        assert row["ticket"] == found.group(0)
        assert row["status"] == "escalated" and row["escalated"] is True
        assert "safety" in row["escalation_reasons"]
        assert row["contact"] == script.contact
        with store.session_scope(lonely_stack.database_url) as session:
            complaint = store.get_by_ticket(session, found.group(0))
            assert complaint is not None
            kinds = [entry.kind for entry in store.events_for(session, complaint)]
        assert "handoff_requested" not in kinds, kinds
    finally:
        context.close()
