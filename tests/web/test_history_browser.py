"""The customer's history in the agent console, in a real browser (Chromium via Playwright)
against the console served by a real Sanic server over a real SQLite database."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store import create_complaint, get_by_ticket, session_scope
from bot.store.customers import link_complaint
from tests.conftest import IN_CI
from tests.web.test_console_api import PASSWORD, Console, console  # noqa: F401 - the fixture
from tests.web.test_widget import CHROMIUM, CHROMIUM_ARGS


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}, and CI requires it")
    pytest.skip(reason)


def _same_customer_again(url: str, ticket: str) -> str:
    """The customer of ``ticket`` complains again from another browser, with the same e-mail
    address written differently; both complaints are linked as the bot links them."""
    with session_scope(url) as session:
        first = get_by_ticket(session, ticket)
        assert first is not None
        link_complaint(session, first, "HR")
        again = create_complaint(
            session,
            sender_id="another-browser",
            channel="socketio",
            language="en",
            script="latin",
            category="delivery",
            severity=2,
            anger_score=0.2,
            description="Still no parcel <script>alert(1)</script>",
            contact="ANA@Example.com",
            escalation_reasons=["repeat"],
            deadline_hours=24,
            prefix="C",
        )
        link_complaint(session, again, "HR")
        return again.ticket


async def test_the_console_shows_the_customers_other_complaints(
    console: tuple[Console, dict[str, str]],  # noqa: F811 - the fixture
) -> None:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.async_api import async_playwright  # optional: the dev extra
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    server, tickets = console
    again = _same_customer_again(server.url, tickets["calm"])
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page: Any = await browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: errors.append("dialog: " + dialog.message))
            await page.goto(f"{server.base}/console/login")
            await page.fill("input[name=username]", "ana")
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{server.base}/console")
            await page.wait_for_selector("body[data-ready]")
            await page.click("#views button[data-view='all']")
            await page.click(f"#inbox button.row[data-ticket='{again}']")
            history = page.locator("#panel-history")
            await history.locator(f"button:has-text('{tickets['calm']}')").wait_for(timeout=15000)
            text = await history.inner_text()
            assert "Customer's other complaints" in text
            assert "another conversation" in text and "e-mail ana@example.com" in text
            assert tickets["urgent"] not in text  # another customer
            # the ticket opens the other complaint
            await history.locator(f"button:has-text('{tickets['calm']}')").click()
            await page.wait_for_function(
                "t => document.getElementById('conv-title').textContent.startsWith(t)",
                arg=tickets["calm"],
            )
            await history.locator(f"button:has-text('{again}')").wait_for(timeout=15000)
            assert "<script>" in await history.inner_text()  # text, never markup
        finally:
            await browser.close()
    assert errors == []
