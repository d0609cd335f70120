"""The agent console in a real browser (Debian's Chromium driven by Playwright), against the
real staff app and socket.io server on a real port and a real SQLite store of several hundred
complaints, in English and Croatian:

* a takeover reaches an agent whose console tab is in the background: a desktop notification
  (the Notification API, permission granted), a count in the tab title, and the conversation
  on top of "needs a person";
* the views and filters show the right complaints; ticket numbers never wrap at 1280 px;
* Enter sends, Shift+Enter starts a new line, the confirmation is next to the form;
* the keyboard alone opens a complaint; axe-core finds no serious or critical problem on the
  console and on its sign-in page.

Saves ``docs/screenshots/queue-volume.png`` and ``takeover-notification.png``.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlparse

import pytest
from rasa.core.run import configure_app
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot import settings as bot_settings
from bot.settings import PROJECT_ROOT
from bot.store import (
    append_event,
    dispose_engines,
    events_for,
    get_by_ticket,
    migrate,
    read_scope,
    session_scope,
)
from bot.store.inbox import InboxFilters, inbox_counts
from bot.web.channel import ComplaintSocketIOInput
from bot.web.staff import StaffApp
from tests.served import free_port
from tests.web.inbox_seed import PASSWORD, Seeded, seed_inbox
from tests.web.test_console_api import FakeAgent
from tests.web.test_widget import browser

__all__ = ["browser"]

pytestmark = pytest.mark.slow

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
#: Records every desktop notification the page shows (the real one is still shown).
NOTIFICATION_SPY = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.__shown = [];
  class Spy extends Real {
    constructor(title, options) {
      super(title, options);
      window.__shown.push({ title, body: (options || {}).body || "" });
    }
  }
  Object.defineProperty(Spy, "permission", { get: () => Real.permission });
  Spy.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Spy;
})();
"""


class Served:
    def __init__(self, base: str, url: str, seeded: Seeded) -> None:
        self.base, self.url, self.seeded = base, url, seeded


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The socket.io channel and the staff app on a real port, in a thread of their own."""
    database = tmp_path_factory.mktemp("console") / "bot.db"
    url = f"sqlite:///{database}"
    migrate(url)
    seeded = seed_inbox(url)
    port = free_port()
    ready = threading.Event()
    control: dict[str, Any] = {}

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        # the seed's agents never open a console: the presence sweep must not move their claims
        patch.setenv("BOT_AGENT_DISCONNECT_SECONDS", "86400")
        patch.setattr(Sanic, "test_mode", True)
        bot_settings.get_settings.cache_clear()
        settings = bot_settings.get_settings()

        async def main() -> None:
            channel = ComplaintSocketIOInput(
                settings=settings, session_persistence=True, secret_key="k" * 40
            )
            app = configure_app([channel, StaffApp(settings)], enable_api=False, use_uvloop=False)
            app.ctx.console_database_url = url
            app.ctx.agent = FakeAgent(InMemoryTrackerStore(Domain.empty()))
            server = await app.create_server(
                host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
            )
            assert server is not None
            await server.startup()
            await server.before_start()
            await server.after_start()
            control["stop"] = asyncio.Event()
            control["loop"] = asyncio.get_running_loop()
            ready.set()
            await control["stop"].wait()
            await server.before_stop()
            closing = server.close()
            if closing is not None:
                await closing
            await server.after_stop()

        thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
        thread.start()
        assert ready.wait(60), "the console server did not start"
        try:
            yield Served(f"http://127.0.0.1:{port}", url, seeded)
        finally:
            control["loop"].call_soon_threadsafe(control["stop"].set)
            thread.join(30)
            bot_settings.get_settings.cache_clear()
            dispose_engines()


def sign_in(
    browser: Any, served: Served, username: str, locale: str, width: int = 1280, **options: Any
) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    context = browser.new_context(
        locale=locale, viewport={"width": width, "height": 900}, **options
    )
    context.grant_permissions(["notifications"], origin=served.base)
    context.add_init_script(NOTIFICATION_SPY)
    page = context.new_page()
    page.on("pageerror", lambda error: print("page error:", error))
    page.goto(f"{served.base}/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{served.base}/console")
    expect(page.locator("body[data-ready]")).to_have_count(1, timeout=20_000)
    return context, page


def shown_tickets(page: Any) -> list[str]:
    return page.locator("#inbox button.row").evaluate_all("rows => rows.map(r => r.dataset.ticket)")


def axe_problems(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


LANGUAGES = [
    pytest.param(("en-US", "Needs a person", "needs a person", "Reply sent.", "Mine"), id="en"),
    pytest.param(("hr-HR", "Treba osobu", "treba osobu", "Odgovor poslan.", "Moje"), id="hr"),
]


def settled_title(console: Any, url: str, username: str, seconds: float = 15.0) -> str:
    """The console's title once its count is what the inbox API would answer now (the
    complaints needing a person and ``username``'s unanswered ones)."""
    deadline = time.monotonic() + seconds
    while True:
        with read_scope(url) as session:
            tallies = inbox_counts(session, InboxFilters(), username, datetime.now(timezone.utc))
        attention = tallies.counts["needs_person"] + tallies.mine_unread
        title = str(console.title())
        if title.startswith(f"({attention})") or time.monotonic() > deadline:
            assert title.startswith(f"({attention})"), (title, attention)
            return title
        time.sleep(0.2)


@pytest.mark.parametrize("words", LANGUAGES)
def test_a_takeover_reaches_an_agent_whose_console_is_in_the_background(
    browser: Any, served: Served, words: tuple[str, str, str, str, str]
) -> None:
    from playwright.sync_api import expect

    locale, view, notified, _, _ = words
    on_duty = "You are on duty." if locale == "en-US" else "Na dužnosti ste."
    context, console = sign_in(browser, served, "ana", locale)
    try:
        if console.locator("#duty").is_checked():  # still on duty from the other language's run
            console.locator("#duty").uncheck()
            off_duty = "You are off duty." if locale == "en-US" else "Niste na dužnosti."
            expect(console.locator("#status")).to_have_text(off_duty)
            expect(console.locator("#duty")).to_be_enabled()
        console.locator("#duty").check()
        expect(console.locator("#status")).to_have_text(on_duty)
        expect(console.locator("body[data-live='on']")).to_have_count(1, timeout=15_000)
        expect(console.locator("#views button[aria-pressed='true']")).to_contain_text(view)
        # the title once it shows what the store holds (going on duty reloads the inbox, and
        # the reload may land after this point: a title read too early jumped 101 -> 152)
        before = settled_title(console, served.url, "ana")
        # the console goes to the background: another tab in front, focus no longer emulated
        cdp = context.new_cdp_session(console)
        cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": False})
        other = context.new_page()
        other.goto("about:blank")
        other.bring_to_front()
        assert console.evaluate("document.hasFocus()") is False

        # a customer of a conversation the bot had asks for a person: the bot hands over
        ticket = next(
            t
            for t in served.seeded.tickets
            if served.seeded.kind[t] == "bot"
            and served.seeded.status[t] == "open"
            and not served.seeded.__dict__.setdefault("used", set()).__contains__(t)
        )
        served.seeded.__dict__["used"].add(ticket)
        with session_scope(served.url) as session:
            complaint = get_by_ticket(session, ticket)
            append_event(
                session, complaint, "message_customer", "customer", {"text": "I want a person"}
            )
            append_event(
                session,
                complaint,
                "escalated",
                "bot",
                {"reasons": ["human_request"], "added": ["human_request"]},
            )
            complaint.status = "escalated"
            append_event(session, complaint, "handoff_requested", "bot")

        console.wait_for_function(
            "t => (window.__shown || []).some(n => n.title.includes(t))", arg=ticket, timeout=15_000
        )
        shown = console.evaluate("window.__shown")
        assert any(notified in n["title"].lower() and ticket in n["title"] for n in shown), shown
        # one more conversation needs someone: the count in the tab title goes up
        console.wait_for_function("b => document.title !== b", arg=before, timeout=10_000)
        after = settled_title(console, served.url, "ana")
        counts = [int(title.split(")")[0].strip("(")) for title in (before, after)]
        assert counts[1] == counts[0] + 1, (before, after)
        # on top of "needs a person", marked live
        expect(console.locator("#inbox button.row").first).to_have_attribute(
            "data-ticket", ticket, timeout=10_000
        )
        expect(console.locator("#inbox button.row").first.locator(".badge.live")).to_be_visible()
        if locale == "en-US":
            console.bring_to_front()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            console.screenshot(path=str(SCREENSHOTS / "takeover-notification.png"))
    finally:
        context.close()


def test_views_and_filters_show_the_right_complaints_at_volume(
    browser: Any, served: Served
) -> None:
    from playwright.sync_api import expect

    seeded = served.seeded
    context, page = sign_in(browser, served, "ana", "en-US", width=1920)
    try:
        # "Mine": every page of it, through the pager
        page.locator("#views button[data-view='mine']").click()
        expect(page.locator("#views button[aria-pressed='true']")).to_contain_text("Mine")
        page.wait_for_function(
            "n => document.querySelector('#list-status').textContent.endsWith(' of ' + n)",
            arg=len(seeded.view("mine")),
        )
        seen: list[str] = []
        while True:
            page.wait_for_timeout(300)
            seen += shown_tickets(page)
            if page.locator("#next").is_disabled():
                break
            page.locator("#next").click()
            page.wait_for_timeout(300)
        assert sorted(seen) == sorted(seeded.view("mine"))

        # "All" filtered by language and category
        page.locator("#views button[data-view='all']").click()
        page.locator("#f-language").select_option("hr")
        page.locator("#f-category").select_option("billing")
        expected = seeded.where(language="hr", category="billing")
        page.wait_for_function(
            "n => document.querySelector('#list-status').textContent.endsWith(' of ' + n)",
            arg=len(expected),
        )
        page.wait_for_timeout(300)
        assert set(shown_tickets(page)) == expected

        # search at the top finds one ticket
        page.locator("#f-language").select_option("")
        page.locator("#f-category").select_option("")
        target = seeded.tickets[41]
        page.get_by_role("searchbox", name="Search complaints").fill(target)
        page.get_by_role("searchbox", name="Search complaints").press("Enter")
        expect(page.locator("#inbox button.row")).to_have_count(1)
        assert shown_tickets(page) == [target]
        page.get_by_role("searchbox", name="Search complaints").fill("")
        page.get_by_role("searchbox", name="Search complaints").press("Enter")

        page.locator("#views button[data-view='needs_person']").click()
        # (the takeover tests may have added to it: the list agrees with its tab's count)
        page.wait_for_function(
            """() => {
              const tab = document.querySelector("#views button[data-view='needs_person']");
              const count = tab.querySelector('.count').textContent;
              return tab.getAttribute('aria-pressed') === 'true' && count &&
                document.querySelector('#list-status').textContent.endsWith(' of ' + count);
            }"""
        )
        page.locator("#inbox button.row").first.click()
        expect(page.locator("#detail")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "queue-volume.png"))
        # at 1920 px the three panes sit side by side
        boxes = [
            page.locator(s).bounding_box() for s in ("#list-pane", "#conversation", "#details-pane")
        ]
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        # at 1280 px: two panes, no sideways scrolling, ticket numbers on one line
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        heights = page.locator("#inbox .ticket").evaluate_all(
            "nodes => nodes.map(n => n.getClientRects().length)"
        )
        assert heights and set(heights) == {1}, "a ticket number wrapped"
    finally:
        context.close()


@pytest.mark.parametrize("words", LANGUAGES)
def test_enter_sends_shift_enter_breaks_the_line_and_the_keyboard_is_enough(
    browser: Any, served: Served, words: tuple[str, str, str, str, str]
) -> None:
    from playwright.sync_api import expect

    locale, _, _, sent, mine = words
    context, page = sign_in(browser, served, "ana", locale)
    try:
        # keyboard only: to the "Mine" view, down the list, open a complaint
        page.locator("#views button[data-view='mine']").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#views button[aria-pressed='true']")).to_contain_text(mine)
        page.locator("#inbox button.row").first.focus()
        page.keyboard.press("ArrowDown")
        ticket = page.evaluate("document.activeElement.dataset.ticket")
        assert ticket
        page.keyboard.press("Enter")
        expect(page.locator("#conv-title")).to_contain_text(ticket)
        expect(page.locator("#conv-title")).to_be_focused()
        box = page.locator("#reply-text")
        expect(box).to_be_enabled()
        box.focus()
        text_one, text_two = f"First line for {ticket}", "second line"
        page.keyboard.type(text_one)
        page.keyboard.press("Shift+Enter")
        page.keyboard.type(text_two)
        assert box.input_value() == f"{text_one}\n{text_two}"
        page.keyboard.press("Enter")
        expect(page.locator("#reply-status")).to_have_text(sent, timeout=10_000)
        expect(box).to_have_value("")
        expect(page.locator("#transcript .turn.agent").last).to_contain_text(text_one)
        with session_scope(served.url) as session:
            complaint = get_by_ticket(session, ticket)
            replies = [
                (e.data or {}).get("text")
                for e in events_for(session, complaint)
                if e.kind == "message_agent"
            ]
        assert replies[-1] == f"{text_one}\n{text_two}"
        # the history reads as words, not event names
        history = page.locator("#events").inner_text()
        for code in ("taken_over", "message_agent", "in_progress", "status_changed"):
            assert code not in history
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-US", "hr-HR"])
def test_axe_finds_no_serious_problem_on_the_console_and_its_sign_in(
    browser: Any, served: Served, locale: str
) -> None:
    from playwright.sync_api import expect

    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: npm install (axe-core is in package.json)")
    # bypass_csp: only so that the test can add axe's script to the page
    context = browser.new_context(locale=locale, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{served.base}/console/login")
        assert axe_problems(page) == []
    finally:
        context.close()
    context, page = sign_in(browser, served, "boss", locale, bypass_csp=True)
    try:
        assert axe_problems(page) == []
        page.locator("#inbox button.row").first.click()
        expect(page.locator("#detail")).to_be_visible()
        page.locator("#canned-admin summary").click()
        assert axe_problems(page) == []
    finally:
        context.close()


def show_all(page: Any, served: Served) -> list[str]:
    """Switch to the "All" view and wait until it is listed; return its first page's tickets.
    (Rows read before the new list arrives are the old view's.)"""
    from playwright.sync_api import expect

    page.locator("#views button[data-view='all']").click()
    expect(page.locator("#views button[aria-pressed='true']")).to_have_attribute("data-view", "all")
    page.wait_for_function(
        "n => document.querySelector('#list-status').textContent.endsWith(' of ' + n)",
        arg=len(served.seeded.view("all")),
    )
    return shown_tickets(page)


def _note(served: Served, ticket: str) -> None:
    with session_scope(served.url) as session:
        append_event(session, get_by_ticket(session, ticket), "note", "agent:ivo", {"text": "n"})


def test_a_pushed_update_reloads_the_open_complaint_only_if_about_it_and_the_list_every_3_s(
    browser: Any, served: Served
) -> None:
    from playwright.sync_api import expect

    context, page = sign_in(browser, served, "ana", "en-US")
    asked: list[tuple[str, float]] = []
    page.on("request", lambda request: asked.append((urlparse(request.url).path, time.monotonic())))
    try:
        expect(page.locator("body[data-live='on']")).to_have_count(1, timeout=15_000)
        opened = show_all(page, served)[0]
        page.locator(f"#inbox button.row[data-ticket='{opened}']").click()
        expect(page.locator("#conv-title")).to_contain_text(opened)
        other = next(ticket for ticket in served.seeded.tickets if ticket != opened)
        detail = f"/api/complaints/{opened}"
        page.wait_for_timeout(3500)  # past the list's 3 s since its last load

        # about another complaint: the list is reloaded, the open complaint is not
        asked.clear()
        with page.expect_request(lambda request: "/api/inbox" in request.url, timeout=10_000):
            _note(served, other)
        page.wait_for_timeout(1000)
        assert detail not in [path for path, _ in asked], asked

        # about the open complaint: it is reloaded
        with page.expect_request(lambda request: request.url.endswith(detail), timeout=10_000):
            _note(served, opened)

        # three updates 1.2 s apart: the list at most every 3 s
        page.wait_for_timeout(3500)
        asked.clear()
        for _ in range(3):
            _note(served, other)
            page.wait_for_timeout(1200)
        page.wait_for_timeout(3500)
        lists = [moment for path, moment in asked if path == "/api/inbox"]
        assert 1 <= len(lists) <= 3, asked
        assert all(later - first >= 2.9 for first, later in itertools.pairwise(lists)), lists
        assert detail not in [path for path, _ in asked], asked
    finally:
        context.close()


def test_an_update_about_the_complaint_the_agent_left_does_not_take_them_back_to_it(
    browser: Any, served: Served
) -> None:
    """The agent clicks another complaint while the first is still open, and an update about
    the first arrives before the second has loaded: the second is shown. (The console used to
    reload the complaint it was showing, whose answer then overtook the click's: CI saw an
    agent's click "do nothing".)"""
    from playwright.sync_api import expect

    context, page = sign_in(browser, served, "ana", "en-US")
    try:
        expect(page.locator("body[data-live='on']")).to_have_count(1, timeout=15_000)
        first, second = show_all(page, served)[:2]
        page.locator(f"#inbox button.row[data-ticket='{first}']").click()
        expect(page.locator("#conv-title")).to_contain_text(first)

        held: list[Any] = []  # the second complaint's answer, held back until the update is in
        page.route(
            lambda url: urlparse(url).path == f"/api/complaints/{second}",
            lambda route: held.append(route),
        )
        page.locator(f"#inbox button.row[data-ticket='{second}']").click()
        _note(served, first)
        page.wait_for_timeout(2000)  # the update is pushed and handled meanwhile
        assert len(held) == 1, held
        held[0].continue_()
        expect(page.locator("#conv-title")).to_contain_text(second)
        page.wait_for_timeout(1000)
        expect(page.locator("#conv-title")).to_contain_text(second)
    finally:
        context.close()
