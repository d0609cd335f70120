"""The trainer studio's editing pages in a real browser (Debian's Chromium driven by
Playwright) against the real web app serving a temporary copy of the project: a trainer signs
in, adds a Croatian example with an entity, adds a new intent with a response in every
language and a rule for it, and sees Rasa's validator refuse a broken story. Text typed into
the studio is shown as text, never parsed as HTML.

Saves the story editor's screenshot to ``docs/screenshots/studio-stories.png``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import store
from bot.settings import PROJECT_ROOT
from tests.served import free_port
from tests.studio.conftest import copy_project
from tests.web.test_widget import browser

__all__ = ["browser"]  # the fixture, shared with the widget's browser tests

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
SCREENSHOT = PROJECT_ROOT / "docs" / "screenshots" / "studio-stories.png"
TIMEOUT_MS = 60_000
SERVER = """
import sys
from rasa.core.run import configure_app
from bot.settings import get_settings
from bot.web.channel import ComplaintSocketIOInput
from bot.web.staff import StaffApp

channel = ComplaintSocketIOInput(
    settings=get_settings(), session_persistence=True, secret_key="s" * 40
)
app = configure_app([channel, StaffApp(get_settings())], enable_api=False, use_uvloop=False)
app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=1, access_log=False)
"""
RESPONSE_TEXTS = {
    "en": "I'm sorry the packaging let you down — a parcel should arrive whole.",
    "hr": "Žao nam je što Vas je ambalaža iznevjerila — paket treba stići čitav.",
    "bs": "Žao nam je što Vas je ambalaža iznevjerila — paket treba stići čitav.",
    "sr_latn": "Žao nam je što Vas je ambalaža izneverila — paket treba da stigne čitav.",
    "sr_cyrl": "Жао нам је што Вас је амбалажа изневерила — пакет треба да стигне читав.",
}


@pytest.fixture(scope="module")
def studio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The web app in its own process on a free port (a fixed one may be held by a server left
    over from an interrupted run, which would answer instead), editing a copy of the project."""
    base = tmp_path_factory.mktemp("studio-editor")
    project = copy_project(base / "project")
    url = f"sqlite:///{base / 'bot.db'}"
    store.migrate(url)
    with store.session_scope(url) as session:
        store.create_agent(session, username="tina", password=PASSWORD, role="trainer")
        store.create_agent(session, username="boss", password=PASSWORD, role="admin")
    env = {**os.environ, "DATABASE_URL": url, "BOT_PROJECT_DIR": str(project)}
    log = open(base / "server.log", "wb")  # noqa: SIM115 - closed below
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{address}/console/login", timeout=2) as res:
                    if res.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    "studio server did not start: " + (base / "server.log").read_text()[-3000:]
                )
            time.sleep(0.5)
        yield address, project
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        store.dispose_engines()


def _message(page: Any, kind: str) -> str:
    box = page.locator(f"#studio-message.{kind}")
    box.wait_for(state="visible", timeout=TIMEOUT_MS)
    return str(box.inner_text())


def _saved(page: Any, phrase: str) -> None:
    """Wait until the page reports ``phrase`` as saved; fail with the refusal if it shows one."""
    page.wait_for_function(
        "phrase => { const b = document.querySelector('#studio-message');"
        " return b && !b.hidden && (b.textContent.includes(phrase)"
        " || b.classList.contains('error')); }",
        arg=phrase,
        timeout=TIMEOUT_MS,
    )
    box = page.locator("#studio-message")
    assert "error" not in (box.get_attribute("class") or ""), box.inner_text()


def test_trainer_edits_examples_intents_responses_and_rules(
    browser: Any, studio_server: tuple[str, Path]
) -> None:
    address, project = studio_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        # signing in from a studio page comes back to it
        page.goto(f"{address}/studio/intents")
        page.fill("input[name=username]", "tina")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{address}/studio/intents")

        # a Croatian example with an order number marked as an entity
        page.click("[data-intent=complain_delivery]")
        page.click("[data-language=hr]")
        text = "paket ORD-55555 nije stigao ni nakon tri tjedna"
        field = page.locator("#intent-detail .example-editor").first.locator("input.example-input")
        field.fill(text)
        field.evaluate("(input) => input.setSelectionRange(6, 15)")
        page.select_option("#intent-detail .example-editor select", "order_ref")
        page.click("#intent-detail .example-editor >> text=Mark selected text")
        page.click("#intent-detail >> text=Add example")
        _saved(page, "Example added to complain_delivery (Croatian)")
        entity = page.locator("#intent-detail .examples mark.entity", has_text="ORD-55555")
        entity.wait_for()
        hr = (project / "data/nlu/hr.yml").read_text(encoding="utf-8")
        assert "    - paket [ORD-55555](order_ref) nije stigao ni nakon tri tjedna\n" in hr

        # a new intent, with an English example; then a Croatian one
        page.fill("input[aria-label='New intent name']", "complain_packaging")
        page.select_option("select[aria-label='Language of the first example']", "en")
        page.fill(
            "input[aria-label='First example']", "the box arrived crushed and the tape was torn"
        )
        page.click("text=Add intent")
        _saved(page, "Intent complain_packaging added")
        page.click("[data-language=hr]")
        field = page.locator("#intent-detail input.example-input").first
        field.fill("kutija je stigla zgnječena i poderana")
        page.click("#intent-detail >> text=Add example")
        _saved(page, "Example added to complain_packaging (Croatian)")
        assert "- complain_packaging\n" in (project / "domain.yml").read_text(encoding="utf-8")

        # HTML typed as an example is shown as text
        page.click("[data-language=en]")
        hostile = '<img src=x onerror="document.title=1">the box <b>was</b> wet'
        page.locator("#intent-detail input.example-input").first.fill(hostile)
        page.click("#intent-detail >> text=Add example")
        _saved(page, "Example added to complain_packaging (English)")
        page.locator("#intent-detail .examples li", has_text="onerror").wait_for()
        assert page.locator("#intent-detail img, #intent-detail .examples b").count() == 0
        assert page.title() != "1"

        # a response in every language
        page.click("nav >> text=Responses")
        page.wait_for_url(f"{address}/studio/responses")
        page.fill("input[aria-label='New response name']", "utter_packaging_sorry")
        for language, response_text in RESPONSE_TEXTS.items():
            page.fill(
                f"textarea[data-language={language}][aria-label^='New response']", response_text
            )
        page.click("text=Add response")
        _saved(page, "Response utter_packaging_sorry added")
        page.locator("[data-response=utter_packaging_sorry] .badge.good").wait_for()
        assert "Жао нам је што Вас је амбалажа" in (project / "domain.yml").read_text(
            encoding="utf-8"
        )

        # an existing response: the catch-all variation names its untranslated languages (not
        # flagged missing, as every category case has every language); one is added in place
        page.click("[data-response=utter_acknowledge]")
        general = page.locator("#response-detail section.case", has_text="catch-all")
        general.locator(".badge", has_text="not in").filter(has_text="hr").first.wait_for()
        general.locator("textarea[data-language=hr]").fill("Žao mi je što se to dogodilo.")
        general.locator("textarea[data-language=hr] + .row button", has_text="Add").click()
        _saved(page, "Croatian text added")
        assert general.locator("textarea[data-language=hr]").input_value() == (
            "Žao mi je što se to dogodilo."
        )
        badge = general.locator(".badge").first.inner_text()
        assert "hr" not in badge.replace("catch-all", ""), badge

        # a rule from a template
        page.click("nav >> text=Stories & rules")
        page.wait_for_url(f"{address}/studio/stories")
        page.locator("#template option").first.wait_for(state="attached")
        page.select_option("#template", "rule_answer")
        page.fill("#template-name", "packaging complaints get an apology")
        page.fill("#template-intent", "complain_packaging")
        page.fill("#template-response", "utter_packaging_sorry")
        page.click("text=Start editing")
        page.click("#save-story")
        _saved(page, 'Saved "packaging complaints get an apology"')
        rules = (project / "data/rules.yml").read_text(encoding="utf-8")
        assert rules.endswith(
            "- rule: packaging complaints get an apology\n  steps:\n"
            "  - intent: complain_packaging\n  - action: utter_packaging_sorry\n"
        )

        # a broken story is refused with Rasa's message, and nothing is written
        page.select_option("#template", "story_greet_answer")
        page.fill("#template-name", "packaging, answered with a response that does not exist")
        page.fill("#template-intent", "complain_packaging")
        page.fill("#template-response", "utter_packaging_sorry")
        page.click("text=Start editing")
        last = page.locator("#story-editor ol[aria-label=Steps] > li").last
        last.locator("input").fill("utter_packaging_apology")
        page.click("#story-editor [data-add=action]")
        page.locator("#story-editor ol[aria-label=Steps] > li").last.locator("input").fill(
            "utter_goodbye"
        )
        page.click("#save-story")
        refusal = _message(page, "error")
        assert "Rasa's validator refused this change" in refusal
        assert "utter_packaging_apology" in refusal and "not a valid utterance action" in refusal
        assert page.locator("#studio-message[role=alert]").count() == 1
        refused = page.locator("#story-editor ol[aria-label=Steps] > li.refused")
        assert refused.count() == 1
        assert refused.locator("input").input_value() == "utter_packaging_apology"
        assert not (project / "data/stories.yml").exists()
        assert page.locator("#diagram svg .node").count() == 5
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        # fixed, it saves
        page.locator("#story-editor ol[aria-label=Steps] > li").nth(3).locator("input").fill(
            "utter_packaging_sorry"
        )
        page.click("#save-story")
        _saved(page, "Saved")
        assert "utter_packaging_sorry" in (project / "data/stories.yml").read_text(encoding="utf-8")
        assert problems == []
    finally:
        page.close()


def test_every_studio_page_and_the_console_run_their_modules(
    browser: Any, studio_server: tuple[str, Path]
) -> None:
    """Each page's ES module and its imports (studio.js, /<app>/shared/*.js) load and run:
    the navigation or the signed-in name appears and no script fails."""
    from bot.web.studio import PAGES

    address, _ = studio_server
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed: list[str] = []
    page.on("response", lambda res: failed.append(res.url) if res.status >= 400 else None)
    try:
        page.goto(f"{address}/console/login")
        page.fill("input[name=username]", "boss")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{address}/console")
        page.locator("#me", has_text="(admin)").wait_for()
        page.locator("#inbox li").first.wait_for()
        for name, title in PAGES:
            page.goto(f"{address}/studio/{name}")
            current = page.locator("#studio-nav a[aria-current=page]")
            current.wait_for()
            assert current.inner_text() == title
            page.locator("#studio-nav .who", has_text="(admin)").wait_for()
        assert problems == []
        assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    finally:
        page.close()
