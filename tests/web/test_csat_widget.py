"""Satisfaction in a real browser (Debian's Chromium via Playwright) against the real stack: a
customer's complaint waits in the queue, an agent resolves it from the console's API with the
outcome, and the customer, still in the widget, is told the resolution and asked for a 1-5
rating with quick-reply buttons; a 2 asks "what could we have done better?", and the answer is
kept with the rating."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot import store
from bot.handoff import notices
from bot.settings import Settings
from bot.store import csat as ratings
from tests.test_smoke import TICKET, response_texts
from tests.web.test_takeover import ENGLISH, complain, open_widget, session_of
from tests.web.test_widget import bot_texts, browser, send, wait_for_replies

__all__ = ["browser"]

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
TIMEOUT = 60.0


STACK_PORT = 7325  # the module's own stack (tests/conftest.py)


@pytest.fixture(scope="module")
def stack(stack: Settings) -> Settings:
    """The module's stack with the agent ana."""
    with store.session_scope(stack.database_url) as session:
        store.create_agent(session, username="ana", password=PASSWORD, role="agent")
    return stack


def _wait_for_text(page: Any, text: str) -> list[str]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        texts = bot_texts(page)
        if text in texts:
            return texts
        page.wait_for_timeout(200)
    raise AssertionError(f"{text!r} never came; the bot said {bot_texts(page)}")


def test_the_customer_rates_the_resolution_in_the_widget(browser: Any, stack: Settings) -> None:
    import requests
    from playwright.sync_api import expect

    base = f"http://{stack.host}:{stack.rasa_port}"
    context, page = open_widget(browser, stack, ENGLISH)
    try:
        complain(page, ENGLISH)
        wait_for_replies(page, 3, response_texts("utter_ask_contact", "en"))
        before = len(bot_texts(page))
        send(page, ENGLISH.contact)
        replies = wait_for_replies(page, before, response_texts("utter_handoff_queued", "en"))
        found = TICKET.search(replies[-1])
        assert found, replies
        ticket = found.group(0)

        token = requests.post(
            f"{base}/api/tokens", json={"username": "ana", "password": PASSWORD}, timeout=30
        ).json()["token"]
        res = requests.post(
            f"{base}/api/complaints/{ticket}/resolve",
            json={"note": "Refund sent, batch to the lab", "outcome": "accepted"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert res.status_code == 200, res.text

        _wait_for_text(page, notices.notice("resolved_accepted", "en", "latin", ticket=ticket))
        _wait_for_text(page, notices.notice("csat_ask", "en", "latin"))
        buttons = page.locator(".cbw-reply")
        expect(buttons).to_have_text(["1", "2", "3", "4", "5"], timeout=10_000)
        buttons.nth(1).click()
        _wait_for_text(page, notices.notice("csat_ask_better", "en", "latin"))
        better = "Answer faster, please: I waited a long time."
        send(page, better)
        _wait_for_text(page, notices.notice("csat_feedback_thanks", "en", "latin"))

        with store.session_scope(stack.database_url) as session:
            complaint = store.get_by_ticket(session, ticket)
            assert complaint is not None and complaint.sender_id == session_of(page)
            assert (complaint.status, complaint.outcome) == ("resolved", "accepted")
            row = ratings.rating_of(session, complaint)
            assert row is not None and (row.rating, row.via, row.feedback) == (2, "widget", better)
    finally:
        context.close()
