"""The flow of issue 14 in real browsers (Debian's Chromium via Playwright), with the real model
and servers and a real SMTP server (``aiosmtpd``, started here):

1. a customer complains in the widget (nobody on duty, so the complaint is queued with their
   e-mail address) and leaves;
2. an agent answers from the console, which says the customer is not connected;
3. the e-mail arrives at the SMTP server, with the ticket in the subject and the agent's words;
4. the customer reopens the widget and sees the answer;
5. the customer replies by e-mail (posted to the inbound webhook, as a provider would), and the
   reply appears in the console.
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import requests
from aiosmtpd.controller import Controller

from bot import store
from bot.settings import Settings
from tests.served import free_port
from tests.test_smoke import TICKET, response_texts
from tests.web.test_takeover import (
    ENGLISH,
    base_url,
    complain,
    open_widget,
    queue_row,
    session_of,
    sign_in_on_duty,
)
from tests.web.test_widget import bot_texts, browser, send, wait_for_replies

__all__ = ["browser"]

pytestmark = pytest.mark.slow

SECRET = "inbound-" + "x" * 40
RASA_PORT = 7205
REPLY = "I am so sorry about this. Your refund of 49.90 EUR is on its way and arrives by Friday."
CUSTOMER_MAIL = "Thank you, I will watch my account on Friday."


class Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.arrived.set()
        return "250 Message accepted"


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def stack(
    browser: Any,
    inbox: tuple[Inbox, int],
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    start_stack: Callable[..., AbstractContextManager[Settings]],
) -> Iterator[Settings]:
    database = tmp_path_factory.mktemp("mail") / "bot.db"
    with start_stack(
        trained_model,
        database,
        rasa_port=RASA_PORT,
        SMTP_URL=f"smtp://127.0.0.1:{inbox[1]}",
        MAIL_FROM="Customer care <care@shop.example>",
        MAIL_INBOUND_SECRET=SECRET,
    ) as settings:
        yield settings


def test_a_departed_customer_gets_the_answer_by_mail_and_in_the_widget_and_replies_by_mail(
    browser: Any, stack: Settings, inbox: tuple[Inbox, int]
) -> None:
    from playwright.sync_api import expect

    mailbox, _ = inbox
    script = ENGLISH
    # 1. the customer complains (nobody on duty: queued with their e-mail) and leaves
    widget_context, widget = open_widget(browser, stack, script)
    complain(widget, script)
    wait_for_replies(widget, 3, response_texts("utter_ask_contact", script.language))
    before = len(bot_texts(widget))
    send(widget, script.contact)
    said = wait_for_replies(widget, before, response_texts("utter_handoff_queued", script.language))
    found = TICKET.search(said[-1])
    assert found, said
    ticket = found.group(0)
    sender_id = session_of(widget)
    kept = widget_context.storage_state()
    widget_context.close()

    # 2. the agent answers from the console; the console says the customer is away
    console_context, console = sign_in_on_duty(browser, stack, "ana", "Ana Horvat")
    try:
        row = queue_row(console, ticket)
        expect(row).to_have_count(1, timeout=20_000)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the server notices the widget is gone
            row.click()
            console.wait_for_timeout(500)
            if "Not connected" in console.locator("#customer-presence").inner_text():
                break
        expect(console.locator("#customer-presence")).to_contain_text(
            f"Not connected: replies go by e-mail to {script.contact}"
        )
        console.get_by_role("button", name="Claim").click()
        expect(console.locator("#action-status")).to_have_text(
            "You have the conversation now. The customer can see your replies.", timeout=15_000
        )
        console.locator("#views button[data-view='mine']").click()  # claimed: hers now
        expect(row).to_have_count(1)
        reply_form = console.locator("#reply-form")
        reply_form.get_by_label("Reply to customer").fill(REPLY)
        reply_form.get_by_role("button", name="Send").click()
        expect(console.locator("#reply-status")).to_have_text("Reply sent.", timeout=15_000)
        expect(console.locator("#transcript .turn.agent").last).to_contain_text(REPLY)

        # 3. the e-mail arrives: to the contact, the ticket in the subject, the agent's words
        assert mailbox.arrived.wait(30), "no mail arrived at the SMTP server"
        [(recipients, message)] = mailbox.messages
        assert recipients == [script.contact]
        assert message["Subject"] == f"[{ticket}] An answer to your complaint"
        assert message["Content-Language"] == "en"
        body = message.get_content()
        assert REPLY in body and "Ana Horvat" in body and "thank you" in body.lower()
        deadline = time.monotonic() + 20
        badge = console.locator("#transcript .turn.agent").last.locator(".delivery")
        while time.monotonic() < deadline and "Sent by e-mail" not in badge.inner_text():
            row.click()
            console.wait_for_timeout(500)
        expect(badge).to_contain_text(f"Sent by e-mail · to {script.contact}")

        # 4. the customer reopens the widget and sees the answer
        widget_context = browser.new_context(
            locale=script.locale, viewport={"width": 900, "height": 760}, storage_state=kept
        )
        widget = widget_context.new_page()
        widget.goto(f"{base_url(stack)}/widget/demo")
        if widget.locator(".cbw-root[data-session-ready]").count() == 0:
            opener = widget.get_by_role("button", name=script.open_chat)
            if opener.is_visible():
                opener.click()
        expect(widget.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
        assert session_of(widget) == sender_id
        expect(widget.locator(".cbw-agent .cbw-text").last).to_have_text(REPLY, timeout=15_000)
        widget_context.close()

        # 5. the customer replies by e-mail; it appears in the console
        answer = requests.post(
            f"{base_url(stack)}/api/mail/inbound",
            headers={"Authorization": f"Bearer {SECRET}"},
            data={
                "from": f"Customer <{script.contact}>",
                "to": "care@shop.example",
                "subject": f"Re: {message['Subject']}",
                "text": f"{CUSTOMER_MAIL}\n\nOn Sat, Care wrote:\n> {REPLY}",
            },
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        deadline = time.monotonic() + 20
        customer = console.locator("#transcript .turn.customer")
        while time.monotonic() < deadline and CUSTOMER_MAIL not in " ".join(
            customer.all_text_contents()
        ):
            row.click()
            console.wait_for_timeout(500)
        expect(customer.last).to_contain_text(CUSTOMER_MAIL)
        expect(customer.last.locator(".delivery")).to_have_text("Came by e-mail")
        with store.session_scope(stack.database_url) as session:
            complaint = store.get_by_ticket(session, ticket)
            assert complaint is not None
            kinds = [entry.kind for entry in store.events_for(session, complaint)]
        assert {"message_agent", "mail_sent", "reply_shown", "message_customer"} <= set(kinds)
    finally:
        console_context.close()
