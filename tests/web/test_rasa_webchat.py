"""A standard client of Rasa's socket.io protocol works against our channel: the real
``rasa-webchat`` package from npm, loaded in Debian's Chromium, holds a complaint conversation.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT, Settings
from tests.test_smoke import complaints_of, matches, response_texts
from tests.web.test_widget import _missing, browser

__all__ = ["browser"]  # the fixture, shared with the widget's browser tests

pytestmark = pytest.mark.slow

RASA_WEBCHAT = PROJECT_ROOT / "node_modules" / "rasa-webchat" / "lib" / "index.js"
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head>
<body><div id="webchat"></div><script src="rasa-webchat.js"></script></body></html>"""


STACK_PORT = 5505  # the module's own stack (tests/conftest.py)


@pytest.fixture(scope="module", autouse=True)
def _webchat_built() -> None:
    """Checked before the browser and the stack start."""
    if not RASA_WEBCHAT.is_file():
        _missing(f"{RASA_WEBCHAT} is missing (make test runs npm install)")


def bot_texts(page: Any) -> list[str]:
    texts = (text.strip() for text in page.locator(".rw-response").all_inner_texts())
    return [text for text in texts if text]


def wait_for_replies(page: Any, count: int, timeout: float = 60.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = bot_texts(page)
        if len(texts) >= count:
            return texts
        page.wait_for_timeout(250)
    raise AssertionError(f"expected {count} bot messages, got {bot_texts(page)}")


def test_rasa_webchat_holds_a_complaint_conversation(browser: Any, stack: Settings) -> None:
    context = browser.new_context()
    page = context.new_page()
    # The shop page and the npm bundle are served by Playwright under the bot's own origin
    # (Chromium refuses a page from another origin to reach 127.0.0.1); nothing leaves the host.
    page_url = f"http://{stack.host}:{stack.rasa_port}/__webchat_test/"
    page.route(page_url, lambda route: route.fulfill(body=PAGE, content_type="text/html"))
    page.route(
        page_url + "rasa-webchat.js",
        lambda route: route.fulfill(path=str(RASA_WEBCHAT), content_type="text/javascript"),
    )
    try:
        page.goto(page_url)
        page.evaluate(
            """(socketUrl) => WebChat.default({
                selector: "#webchat",
                initPayload: "",
                socketUrl: socketUrl,
                socketPath: "/socket.io/",
                title: "Customer care",
                params: {storage: "local"},
            }, null)""",
            f"http://{stack.host}:{stack.rasa_port}",
        )
        page.locator(".rw-launcher").click()
        # rasa-webchat opens with its (empty) initPayload: our channel answers it politely.
        greeting = wait_for_replies(page, 1)
        assert "empty" in greeting[0]
        box = page.locator(".rw-new-message")
        box.fill("My order ORD-48213 from last week still hasn't arrived")
        box.press("Enter")
        replies = wait_for_replies(page, 4)[1:]
        assert matches(replies[0], response_texts("utter_thank_for_complaint", "en"))
        assert matches(replies[1], response_texts("utter_acknowledge", "en", category="delivery"))
        assert matches(replies[2], response_texts("utter_ask_desired_resolution", "en"))

        session_id = page.evaluate(
            "() => JSON.parse(localStorage.getItem('chat_session') || '{}').session_id"
        )
        assert session_id, "rasa-webchat kept no session id"
        [row] = complaints_of(stack, session_id)
        assert (row["category"], row["order_ref"], row["channel"]) == (
            "delivery",
            "ORD-48213",
            "socketio",
        )
    finally:
        context.close()
