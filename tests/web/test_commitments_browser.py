"""Commitments in the agent console, in a real browser (Debian's Chromium, Playwright): an
agent records a commitment on a complaint, the sweep reminds her (a banner on the board), she
marks it done; the complaint's clocks are shown. The console is served by the real staff app
on a real port (the ``console`` fixture), against a real SQLite database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.handoff.reminders import Notice, run_sweep
from bot.store import session_scope
from bot.store.tables import Commitment
from tests.conftest import IN_CI
from tests.web.test_console_api import PASSWORD, Console, console  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _need_browser() -> Any:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[dev]')"
    if reason:
        if IN_CI:
            pytest.fail(f"{reason}, and CI requires it")
        pytest.skip(reason)
    return async_playwright


async def test_record_remind_and_keep_a_commitment_in_the_console(
    console: tuple[Console, dict[str, str]],  # noqa: F811
) -> None:
    async_playwright = _need_browser()
    from playwright.async_api import expect

    server, tickets = console
    ticket = tickets["calm"]
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(locale="en-US", timezone_id="Europe/Zagreb")
            page = await context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(f"{server.base}/console/login")
            await page.get_by_label("Username").fill("ana")
            await page.get_by_label("Password").fill(PASSWORD)
            await page.get_by_role("button", name="Sign in").click()
            await page.wait_for_url(f"{server.base}/console")
            board = page.locator("#commitments-board")  # under the inbox, before any complaint
            await expect(board).to_contain_text("Overdue (0)")
            await expect(board).not_to_contain_text("Missed")  # agents do not see that list
            # Open the complaint: its clocks, and no commitment yet.
            await page.locator("#views button[data-view='all']").click()
            await page.locator(f"#inbox button.row[data-ticket='{ticket}']").click()
            await expect(page.locator("#conv-title")).to_contain_text(ticket)
            await expect(page.locator("#clock-list")).to_contain_text("Our deadline")
            panel = page.locator("#panel-commitments")
            status = panel.get_by_role("status")
            await expect(panel).to_contain_text("No commitments.")
            # Record a refund due in 20 minutes (the browser's local time, Zagreb).
            due = await page.evaluate(
                "() => { const d = new Date(Date.now() + 20 * 60000);"
                " const p = (n) => String(n).padStart(2, '0');"
                " return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T"
                "${p(d.getHours())}:${p(d.getMinutes())}`; }"
            )
            await panel.get_by_label("Kind").select_option("refund")
            await panel.get_by_label("Due").fill(due)
            await panel.get_by_label("Note").fill("Refund the second charge <b>now</b>")
            await panel.get_by_role("button", name="Record commitment").click()
            await expect(status).to_have_text("Commitment recorded.")
            item = panel.locator("li.commitment")
            await expect(item).to_contain_text("refund")
            await expect(item).to_contain_text("Refund the second charge <b>now</b>")  # as text
            with session_scope(server.url) as session:
                made = session.query(Commitment).one()
                assert (made.kind, made.owner, made.status) == ("refund", "ana", "open")
                minutes = (made.due_at - datetime.now(timezone.utc)) / timedelta(minutes=1)
                assert 18 < minutes <= 20
            # The sweep (the Rasa server's task, run here) reminds her; the board says so.
            sent: list[Notice] = []
            run_sweep(server.url, datetime.now(timezone.utc), timedelta(hours=1), sent.append)
            assert [(n.kind, n.username) for n in sent] == [("reminder", "ana")]
            await expect(board.locator(".reminder")).to_contain_text(
                "Reminder: 1 commitment(s) due soon.", timeout=10_000
            )
            # Kept: marked done from the complaint.
            await item.get_by_role("button", name="Done", exact=True).click()
            await expect(status).to_have_text("Done.")
            await expect(item).to_contain_text("kept")
            with session_scope(server.url) as session:
                assert session.query(Commitment).one().status == "done"
        finally:
            await browser.close()
    assert errors == []
