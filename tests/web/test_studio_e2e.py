"""The trainer studio end to end, in a real browser (Debian's Chromium driven by Playwright)
against the real Rasa and action servers serving a temporary copy of the project
(``BOT_PROJECT_DIR``): a trainer adds a Croatian example, teaches a new kind of complaint (an
intent with English and Croatian examples, a response in every language and a rule), sees
Rasa's validator refuse a broken story, trains in the background, activates the new model
without a restart, and the bot then understands the new complaint in the website widget, in
English and in Croatian. A message the bot cannot place shows in the review inbox. Then the
evaluation runs from its page and the analytics page shows the figures.

Saves ``docs/screenshots/studio-evaluation.png`` and ``docs/screenshots/studio-analytics.png``.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot import store
from bot.settings import PROJECT_ROOT, Settings, get_settings
from tests.studio.conftest import copy_project
from tests.web.test_widget import bot_texts, browser, send

__all__ = ["browser"]  # the fixture, shared with the widget's browser tests

pytestmark = pytest.mark.slow

RASA_PORT = 5805
PASSWORD = "correct-horse-battery"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
TRAINING_TIMEOUT_MS = 900_000
REPLY_TIMEOUT = 60.0

INTENT = "complain_parcel_locker"
RESPONSE = "utter_parcel_locker"
EXAMPLES = {
    "en": [
        "the parcel locker won't open with my code",
        "the locker door is stuck and my parcel is inside",
        "my pickup code for the parcel locker does not work",
        "the parcel locker screen is frozen and I can't get my package out",
        "the parcel locker opened an empty compartment",
        "your parcel locker at the mall rejects the code you sent me",
        "the locker keeps saying invalid code",
        "I tried three times, the parcel locker compartment will not open",
    ],
    "hr": [
        "paketomat se ne otvara s mojim kodom",
        "vrata paketomata su zaglavljena, a paket je unutra",
        "kod za paketomat ne radi",
        "ekran paketomata je zamrznut i ne mogu izvaditi paket",
        "paketomat je otvorio prazan pretinac",
        "vaš paketomat u trgovačkom centru odbija kod koji ste mi poslali",
        "paketomat stalno javlja neispravan kod",
        "pokušala sam tri puta, pretinac paketomata se ne otvara",
    ],
}
TEXTS = {
    "en": "Sorry the parcel locker let you down. Our locker team can open it remotely.",
    "hr": "Žao nam je što vas je paketomat iznevjerio. Naš tim ga može otvoriti na daljinu.",
    "bs": "Žao nam je što vas je paketomat iznevjerio. Naš tim ga može otvoriti na daljinu.",
    "sr_latn": "Žao nam je što vas je paketomat izneverio. Naš tim može da ga otvori na daljinu.",
    "sr_cyrl": "Жао нам је што вас је пакетомат изневерио. Наш тим може да га отвори на даљину.",
}
CROATIAN_EXAMPLE = "dostavljač je paket ostavio ispred zgrade na kiši"
#: Croatian enough for the language detector to switch the reply language.
CROATIAN_QUESTION = "Paketomat mi ne otvara pretinac, a kod sam upisala točno"
GIBBERISH = "qqzx vvkj wwpt"


@pytest.fixture(scope="module")
def studio_stack(
    browser: Any,
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    start_stack: Callable[..., AbstractContextManager[Settings]],
) -> Iterator[tuple[Settings, Path]]:
    scratch = tmp_path_factory.mktemp("studio-e2e")
    project = copy_project(scratch / "project")
    (project / "models").mkdir()
    shutil.copy2(trained_model, project / "models" / trained_model.name)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("BOT_PROJECT_DIR", str(project))
    get_settings.cache_clear()
    try:
        model = project / "models" / trained_model.name
        with start_stack(model, scratch / "bot.db", rasa_port=RASA_PORT) as settings:
            with store.session_scope(settings.database_url) as session:
                store.create_agent(
                    session, username="tea.trainer", password=PASSWORD, role="trainer",
                    display_name="Tea Trainer",
                )
            yield settings, project
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def base_url(settings: Settings) -> str:
    return f"http://{settings.host}:{settings.rasa_port}"


def sign_in(browser: Any, settings: Settings, page_name: str) -> tuple[Any, Any]:
    # bypass_csp: axe-core is injected as an inline script, which the pages' CSP forbids
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{base_url(settings)}/console/login?next=/studio/{page_name}")
    page.get_by_label("Username").fill("tea.trainer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url(settings)}/studio/{page_name}")
    return context, page


SAVE_TIMEOUT_MS = 120_000


def add_examples(page: Any, language: str, texts: list[str]) -> None:
    """Add examples on the open intent's tab for ``language``, waiting for each to be saved."""
    from playwright.sync_api import expect

    page.locator(f'#intent-detail button[data-language="{language}"]').click()
    for text in texts:
        page.locator("#intent-detail .example-input").fill(text)
        page.get_by_role("button", name="Add example").click()
        expect(page.locator("#intent-detail ul.examples li").filter(has_text=text)).to_have_count(
            1, timeout=SAVE_TIMEOUT_MS
        )


def teach_the_new_complaint(page: Any, settings: Settings, project: Path) -> None:
    """The editing pages: a Croatian example for an existing intent; a new intent with English
    and Croatian examples; a response in every language; a rule from a template; and a broken
    story that Rasa's validator refuses, with nothing written."""
    from playwright.sync_api import expect

    message = page.locator("#studio-message")
    page.goto(f"{base_url(settings)}/studio/intents")
    page.locator('#intent-list button[data-intent="complain_delivery"]').click()
    add_examples(page, "hr", [CROATIAN_EXAMPLE])
    assert CROATIAN_EXAMPLE in (project / "data/nlu/hr.yml").read_text(encoding="utf-8")

    page.get_by_label("New intent name").fill(INTENT)
    page.get_by_label("Language of the first example").select_option("en")
    page.get_by_label("First example", exact=True).fill(EXAMPLES["en"][0])
    page.get_by_role("button", name="Add intent").click()
    expect(page.locator("#intent-detail h2")).to_contain_text(INTENT, timeout=SAVE_TIMEOUT_MS)
    add_examples(page, "en", EXAMPLES["en"][1:])
    add_examples(page, "hr", EXAMPLES["hr"])

    page.goto(f"{base_url(settings)}/studio/responses")
    page.get_by_label("New response name").fill(RESPONSE)
    for language, title in (("en", "English"), ("hr", "Croatian"), ("bs", "Bosnian"),
                            ("sr_latn", "Serbian (Latin)"), ("sr_cyrl", "Serbian (Cyrillic)")):
        page.get_by_label(f"New response {title}", exact=True).fill(TEXTS[language])
    page.get_by_role("button", name="Add response").click()
    expect(message).to_contain_text(f"Response {RESPONSE} added", timeout=SAVE_TIMEOUT_MS)

    page.goto(f"{base_url(settings)}/studio/stories")
    start_from_template(page, "rule_answer", "parcel locker complaint", RESPONSE)
    page.locator("#save-story").click()
    expect(message).to_contain_text('Saved "parcel locker complaint"', timeout=SAVE_TIMEOUT_MS)

    stories_file = project / "data" / "stories.yml"
    before = stories_file.read_bytes() if stories_file.exists() else None
    start_from_template(page, "story_greet_answer", "broken story", "utter_no_such_response")
    page.locator("#save-story").click()
    expect(message).to_contain_text("utter_no_such_response", timeout=SAVE_TIMEOUT_MS)
    expect(message).to_have_class(re.compile(r"\berror\b"))
    assert (stories_file.read_bytes() if stories_file.exists() else None) == before


def start_from_template(page: Any, template: str, name: str, response: str) -> None:
    page.locator("#template").select_option(template)
    page.locator("#template-name").fill(name)
    page.locator("#template-intent").fill(INTENT)
    page.locator("#template-response").fill(response)
    page.get_by_role("button", name="Start editing").click()


def train_and_activate(page: Any, settings: Settings) -> str:
    from playwright.sync_api import expect

    page.goto(f"{base_url(settings)}/studio/training")
    serving_before = page.locator("#serving")
    expect(serving_before).to_contain_text("The bot is answering with")
    page.get_by_role("button", name="Train a new model").click()
    expect(page.locator("#training-state")).to_contain_text("Training…", timeout=30_000)
    expect(page.locator("#training-state")).to_contain_text(
        "Last training finished", timeout=TRAINING_TIMEOUT_MS
    )
    state = page.locator("#training-state").text_content() or ""
    match = re.search(r"(\S+\.tar\.gz)", state)
    assert match, state
    model = match.group(1)
    old = (page.locator("#serving").text_content() or "").split("with ", 1)[1].rstrip(".")
    # One truth: the new model is trained, not serving; the old one serves; nothing says both.
    assert_serving(page, old, [model])
    expect(page.locator("#training-state")).to_contain_text("trained, not serving")

    page.get_by_role("button", name=f"Activate {model}").click()
    assert_serving(page, model, [old])
    expect(page.locator("#training-state")).to_contain_text("The bot is answering with it.")

    page.get_by_role("button", name=f"Roll back to {old}").click()
    assert_serving(page, old, [model])
    expect(page.locator("#training-state")).to_contain_text("trained, not serving")

    page.get_by_role("button", name=f"Activate {model}").click()  # the new one, for the rest
    assert_serving(page, model, [old])
    return model


def assert_serving(page: Any, serving: str, others: list[str]) -> None:
    """The page says one thing: ``serving`` serves, every other model is trained, not serving,
    and only those can be activated."""
    from playwright.sync_api import expect

    expect(page.locator("#serving")).to_have_text(
        f"The bot is answering with {serving}.", timeout=180_000
    )
    expect(page.locator(f'tr[data-model="{serving}"] td.model-state')).to_have_text("Serving")
    expect(page.get_by_role("button", name=f"Activate {serving}")).to_have_count(0)
    for other in others:
        expect(page.locator(f'tr[data-model="{other}"] td.model-state')).to_have_text(
            "Trained, not serving"
        )
        expect(page.get_by_role("button", name=f"Activate {other}")).to_be_enabled()
    expect(page.locator("td.model-state").filter(has_text=re.compile(r"^Serving$"))).to_have_count(1)


def ask_the_widget(browser: Any, settings: Settings, locale: str, label: str, text: str) -> str:
    from playwright.sync_api import expect

    context = browser.new_context(locale=locale, viewport={"width": 900, "height": 760})
    page = context.new_page()
    try:
        page.goto(f"{base_url(settings)}/widget/demo")
        page.get_by_role("button", name=label).click()
        expect(page.locator(".cbw-root[data-session-ready]")).to_have_count(1, timeout=20_000)
        send(page, text)
        deadline = time.monotonic() + REPLY_TIMEOUT
        while time.monotonic() < deadline and not bot_texts(page):
            page.wait_for_timeout(200)
        page.wait_for_timeout(700)
        replies = bot_texts(page)
        assert replies, "the bot did not answer"
        return " ".join(replies)
    finally:
        context.close()


def seed_complaints(settings: Settings) -> None:
    """A few days of complaints for the analytics page."""
    now = datetime.now(timezone.utc)
    specs = [
        (0, "hr", "delivery", ["anger"], 2, 6),
        (0, "en", "billing", [], 30, None),
        (1, "en", "delivery", ["money"], 1, 20),
        (1, "sr", "product_quality", [], None, None),
        (2, "bs", "technical", ["safety"], 3, 4),
        (2, "hr", "delivery", [], 5, 26),
        (3, "hr", "service_quality", ["human_request"], 1, 2),
        (4, "en", "delivery", [], None, 3),
    ]
    with store.session_scope(settings.database_url) as session:
        for index, (days, language, category, reasons, reply, resolve) in enumerate(specs):
            created = now - timedelta(days=days, hours=8)
            complaint = store.create_complaint(
                session, sender_id=f"seed-{index}", channel="socketio", language=language,
                script="latin", category=category, severity=2, anger_score=0.2,
                description="seeded for the analytics page", escalation_reasons=reasons,
                deadline_hours=24, prefix="C", now=created,
            )
            if reply is not None:
                store.append_event(session, complaint, "message_agent", "agent:ana",
                                   {"text": "hello"}, now=created + timedelta(hours=reply))
            if resolve is not None:
                store.set_status(session, complaint, "resolved", "agent:ana", "done",
                                 now=created + timedelta(hours=resolve))


def review_a_misunderstood_message(browser: Any, page: Any, settings: Settings) -> None:
    """A message the bot cannot place shows in the review inbox; the trainer handles it."""
    from playwright.sync_api import expect

    ask_the_widget(browser, settings, "en-US", "Open chat", GIBBERISH)
    page.goto(f"{base_url(settings)}/studio/review")
    row = page.locator("#inbox tbody tr").filter(has_text=GIBBERISH)
    expect(row).to_have_count(1, timeout=20_000)
    row.get_by_role("button", name="Handled").click()
    expect(page.locator("#studio-message")).to_have_text("Marked as handled.")
    expect(page.locator("#inbox tbody tr").filter(has_text=GIBBERISH)).to_have_count(0)


def complaint_counts(settings: Settings) -> tuple[int, int]:
    """All complaints in the stack's database, and the Croatian ones (the widget conversations
    add to the seeded ones)."""
    with store.session_scope(settings.database_url) as session:
        rows = session.query(store.Complaint.language).all()
    return len(rows), sum(1 for (language,) in rows if language == "hr")


STUDIO_PAGES = ("intents", "responses", "stories", "training", "evaluation", "review", "analytics")


def test_every_studio_page_passes_axe_and_works_by_keyboard(
    browser: Any, studio_stack: tuple[Settings, Path]
) -> None:
    """axe-core finds no serious or critical violation on any studio page or its sign-in
    page (titled for the studio); the navigation is reached and followed by keyboard."""
    from playwright.sync_api import expect

    from tests.web.axe_check import require_axe, serious_violations

    require_axe()
    settings, _ = studio_stack
    signed_out = browser.new_context(locale="en-US", bypass_csp=True)
    try:
        login = signed_out.new_page()
        login.goto(f"{base_url(settings)}/studio/training")
        expect(login.locator("h1")).to_have_text("Trainer studio")
        assert "Trainer studio" in login.title()
        assert serious_violations(login) == []
    finally:
        signed_out.close()
    context, page = sign_in(browser, settings, "intents")
    try:
        for name in STUDIO_PAGES:
            page.goto(f"{base_url(settings)}/studio/{name}")
            expect(page.locator("#studio-nav a").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            assert serious_violations(page) == [], name
        # by keyboard: Tab reaches the navigation, Enter follows a link
        page.goto(f"{base_url(settings)}/studio/intents")
        expect(page.locator("#studio-nav a").first).to_be_visible()
        for _ in range(8):
            page.keyboard.press("Tab")
            focused = page.evaluate("() => document.activeElement.textContent.trim()")
            if focused.startswith("Training"):
                break
        assert focused.startswith("Training"), focused
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base_url(settings)}/studio/training")
    finally:
        context.close()


def test_a_trainer_teaches_the_bot_a_new_kind_of_complaint(
    browser: Any, studio_stack: tuple[Settings, Path]
) -> None:
    from playwright.sync_api import expect

    settings, project = studio_stack
    context, page = sign_in(browser, settings, "intents")
    try:
        teach_the_new_complaint(page, settings, project)
        model = train_and_activate(page, settings)
        assert (project / "models" / model).is_file()

        english = ask_the_widget(
            browser, settings, "en-US", "Open chat", "the parcel locker does not open with my code"
        )
        assert TEXTS["en"] in english, english
        croatian = ask_the_widget(
            browser, settings, "hr-HR", "Otvori razgovor", CROATIAN_QUESTION
        )
        assert TEXTS["hr"] in croatian, croatian
        review_a_misunderstood_message(browser, page, settings)

        page.goto(f"{base_url(settings)}/studio/evaluation")
        page.get_by_label("Parts (folds)").select_option("2")
        page.get_by_role("button", name="Run the evaluation").click()
        expect(page.locator("#evaluation-state")).to_contain_text(
            "Last evaluation finished", timeout=TRAINING_TIMEOUT_MS
        )
        expect(page.locator(f'#intents tr[data-intent="{INTENT}"]')).to_have_count(1)
        expect(page.locator("#stories-summary")).to_contain_text("test stories")
        page.wait_for_function(
            "() => document.getElementById('confusion').naturalWidth > 0", timeout=20_000
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "studio-evaluation.png"), full_page=True)

        seed_complaints(settings)
        total, croatian = complaint_counts(settings)
        assert total >= 8 and croatian >= 3
        page.goto(f"{base_url(settings)}/studio/analytics")
        cards = page.locator("#cards .card")
        expect(cards.first).to_have_text(re.compile(rf"Complaints\s*{total}\b"))
        expect(page.locator("#chart-day svg rect")).not_to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / "studio-analytics.png"), full_page=True)
        page.get_by_label("Language").select_option("hr")
        page.get_by_role("button", name="Show").click()
        expect(cards.first).to_have_text(re.compile(rf"Complaints\s*{croatian}\b"))
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        lines = Path(download.value.path()).read_text(encoding="utf-8").strip().splitlines()
        assert len(lines) == croatian + 1 and lines[0].startswith("ticket,")
    finally:
        context.close()
