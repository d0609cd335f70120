"""Injected HTML and JavaScript render inert in the widget and the agent console, in real
Chromium against the running server; and a session id copied into another browser opens a
fresh, empty conversation.

The hostile texts set ``window.__xss`` and load ``x`` if they ever run or render as HTML: each
page is checked for that flag, for ``<img>``/``<script>`` elements made from the text, for
dialogs, and for a request to ``/x``; and the text must be shown literally.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.hostile.conftest import PASSWORD, HostileStack
from tests.web.test_widget import bot_texts, browser, send, stored_state  # noqa: F401

pytestmark = pytest.mark.slow

XSS_CUSTOMER = (
    "<img src=x onerror=\"window.__xss='customer'\"> My parcel ORD-48213 never arrived "
    "<script>window.__xss='customer-script'</script>"
)
XSS_DURING = "<svg/onload=\"window.__xss='during'\"><b>still waiting</b>"
XSS_AGENT = "<img src=x onerror=\"window.__xss='agent'\">We are on it <script>alert(1)</script>"
XSS_NOTE = "<iframe src=\"javascript:window.__xss='note'\"></iframe> note"
XSS_NAME = "<img src=x onerror=\"window.__xss='name'\">Ana"
AGENT = "hxss"
TIMEOUT = 60.0


class Watch:
    """What a page did that it must not: dialogs and requests for ``/x``."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: self.requests.append(request.url))

    def assert_inert(self, page: Any, *containers: str) -> None:
        assert page.evaluate("window.__xss") is None, page.evaluate("window.__xss")
        tags = ("img", "script", "svg", "iframe", "b")
        selector = ", ".join(f"{box} {tag}" for box in containers for tag in tags)
        assert page.locator(selector).count() == 0, selector
        assert self.dialogs == []
        assert not [url for url in self.requests if url.rstrip("/").endswith("/x")]


def _wait(condition: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def agent_token(hostile_stack: HostileStack) -> Iterator[dict[str, str]]:
    from bot.store import create_agent, session_scope

    with session_scope(hostile_stack.url) as session:
        create_agent(
            session, username=AGENT, password=PASSWORD, role="agent", display_name=XSS_NAME
        )
    res = requests.post(
        f"{hostile_stack.base}/api/tokens",
        json={"username": AGENT, "password": PASSWORD},
        timeout=30,
    )
    assert res.status_code == 201
    yield {"Authorization": f"Bearer {res.json()['token']}"}


def _ticket_of(stack: HostileStack, sender: str) -> str:
    """The complaint the bot logged for ``sender``; one is made if the bot did not log one."""
    from bot.store import create_complaint, latest_for_sender, session_scope

    with session_scope(stack.url) as session:
        complaint = latest_for_sender(session, sender)
        if complaint is None:
            complaint = create_complaint(
                session,
                sender_id=sender,
                channel="socketio",
                language="en",
                script="latin",
                category="delivery",
                severity=2,
                anger_score=0.0,
                description=XSS_CUSTOMER,
                escalation_reasons=[],
                deadline_hours=24,
                prefix="C",
            )
        return str(complaint.ticket)


def test_injected_html_is_shown_as_text_in_the_widget_and_the_console(
    browser: Any,  # noqa: F811
    hostile_stack: HostileStack,
    agent_token: dict[str, str],
) -> None:
    from playwright.sync_api import expect

    base = hostile_stack.base
    customer = browser.new_context(locale="en-US")
    console = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = customer.new_page()
        watch = Watch(page)
        page.goto(f"{base}/widget/demo")
        page.get_by_role("button", name="Open chat").click()
        expect(page.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
        send(page, XSS_CUSTOMER)
        expect(page.locator(".cbw-user .cbw-text").last).to_have_text(XSS_CUSTOMER)
        _wait(lambda: len(bot_texts(page)) > 0, "the bot's answer")
        ticket = _ticket_of(hostile_stack, stored_state(page)["session"])

        # an agent with a hostile display name takes over and writes hostile text
        for action, body in (
            ("claim", {}),
            ("reply", {"text": XSS_AGENT}),
            ("note", {"text": XSS_NOTE}),
        ):
            res = requests.post(
                f"{base}/api/complaints/{ticket}/{action}", json=body, headers=agent_token
            )
            assert res.status_code in (200, 201), res.text
        agent_text = page.locator(".cbw-agent .cbw-text").last
        expect(agent_text).to_have_text(XSS_AGENT, timeout=20_000)
        expect(page.locator(".cbw-agent .cbw-author").last).to_contain_text(XSS_NAME)
        send(page, XSS_DURING)
        expect(page.locator(".cbw-user .cbw-text").last).to_have_text(XSS_DURING)
        page.wait_for_timeout(1000)
        watch.assert_inert(page, ".cbw-log")

        # the agent's console shows all of it as text
        agent_page = console.new_page()
        console_watch = Watch(agent_page)
        agent_page.goto(f"{base}/console/login")
        agent_page.get_by_label("Username").fill(AGENT)
        agent_page.get_by_label("Password").fill(PASSWORD)
        agent_page.get_by_role("button", name="Sign in").click()
        agent_page.wait_for_url(f"{base}/console")
        expect(agent_page.locator("#me")).to_have_text(f"{XSS_NAME} (agent)")
        agent_page.locator("#views button[data-view='all']").click()
        row = agent_page.locator("#inbox button.row").filter(has_text=ticket)
        expect(row).to_have_count(1, timeout=20_000)
        row.click()
        transcript = agent_page.locator("#transcript")
        expect(transcript).to_contain_text(XSS_DURING, timeout=20_000)
        expect(transcript).to_contain_text(XSS_AGENT)
        expect(transcript).to_contain_text(XSS_CUSTOMER)
        expect(agent_page.locator("#events")).to_contain_text(XSS_NOTE)
        agent_page.wait_for_timeout(1000)
        console_watch.assert_inert(
            agent_page, "#conversation", "#list-pane", "#details-pane", "#me"
        )
    finally:
        customer.close()
        console.close()


def test_a_session_copied_to_another_browser_opens_an_empty_conversation(
    browser: Any,  # noqa: F811
    hostile_stack: HostileStack,
) -> None:
    from playwright.sync_api import expect

    demo = f"{hostile_stack.base}/widget/demo"
    first = browser.new_context(locale="en-US")
    second = browser.new_context(locale="en-US")
    try:
        page = first.new_page()
        page.goto(demo)
        page.get_by_role("button", name="Open chat").click()
        expect(page.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
        send(page, "My parcel ORD-48213 never arrived and I am very disappointed")
        _wait(lambda: len(bot_texts(page)) > 0, "the bot's answer")
        state = stored_state(page)
        assert len(state["browserKey"]) == 64

        # the session id (not the browser key) is replayed from a second browser
        other = second.new_page()
        other.goto(demo)
        storage_key = page.evaluate(
            "() => Object.keys(localStorage).find(k => k.startsWith('complaintWidget:'))"
        )
        stolen = {"session": state["session"], "open": True, "messages": state["messages"]}
        other.evaluate(
            "([key, value]) => localStorage.setItem(key, JSON.stringify(value))",
            [storage_key, stolen],
        )
        other.reload()
        expect(other.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
        replayed = stored_state(other)
        assert replayed["session"] != state["session"], "the copied session id was accepted"
        assert replayed["browserKey"] != state["browserKey"]
        # only the widget's own greeting, none of the copied transcript
        expect(other.locator(".cbw-message.cbw-greeting")).to_have_count(1)
        expect(other.locator(".cbw-message:not(.cbw-greeting)")).to_have_count(0)
        assert "ORD-48213" not in other.locator(".cbw-root").inner_text()

        # the first browser keeps its conversation
        page.reload()
        expect(page.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
        assert stored_state(page)["session"] == state["session"]
        assert page.locator(".cbw-message:not(.cbw-greeting)").count() > 0
    finally:
        first.close()
        second.close()
