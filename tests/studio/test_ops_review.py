"""The review inbox from a real Rasa SQL tracker store: low-confidence, fallback and
misunderstood messages and agents' corrections; a logged low-confidence message becomes an
example of the right intent, a conversation a test story."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from ruamel.yaml import YAML

from bot import store
from bot.settings import get_settings
from bot.studio import review
from bot.studio.errors import StudioError
from tests.web.test_console_api import Console

from .conftest import sign_in

UNSURE = "paket mi je stigao poderan i mokar"
FALLBACK = "qwe zxc asd"
MISUNDERSTOOD = "a šta sad"
SURE = "dobar dan"

#: The settings' NLU confidence below which a message is reviewed.
THRESHOLD = get_settings().escalation.nlu_confidence_threshold


def _user(text: str, intent: str, confidence: float, at: float, code: str = "hr") -> UserUttered:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "language": {"code": code, "script": "latin", "confidence": 0.9},
    }
    return UserUttered(text, intent={"name": intent, "confidence": confidence},
                       parse_data=parse, timestamp=at)


async def _log(database: str, project: Path) -> None:
    """Two conversations in Rasa's own SQL tracker store, in the test database."""
    domain = Domain.load(str(project / "domain.yml"))
    tracker_store = SQLTrackerStore(domain, dialect="sqlite", db=database.removeprefix("sqlite:///"))
    first = DialogueStateTracker.from_events(
        "customer-1",
        [
            ActionExecuted("action_listen", timestamp=1000),
            _user(SURE, "greet", 0.97, 1001),
            ActionExecuted("utter_greet", timestamp=1002),
            BotUttered("Dobar dan!", timestamp=1002),
            ActionExecuted("action_listen", timestamp=1003),
            _user(UNSURE, "complain_delivery", 0.12, 1010),
            ActionExecuted("action_listen", timestamp=1011),
        ],
    )
    second = DialogueStateTracker.from_events(
        "customer-2",
        [
            ActionExecuted("action_listen", timestamp=2000),
            _user(FALLBACK, "nlu_fallback", 0.25, 2001),
            ActionExecuted("action_not_understood", timestamp=2002),
            ActionExecuted("action_listen", timestamp=2003),
            _user(MISUNDERSTOOD, "affirm", 0.6, 2010),
            ActionExecuted("action_not_understood", timestamp=2011),
            ActionExecuted("action_listen", timestamp=2012),
        ],
    )
    await tracker_store.save(first)
    await tracker_store.save(second)


@pytest.fixture()
async def logged(database: str, project: Path) -> list[dict[str, Any]]:
    await _log(database, project)
    return review.inbox(project, database, THRESHOLD)


def _by_text(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["text"]: item for item in items}


async def test_inbox_lists_what_the_bot_did_not_understand(logged: list[dict[str, Any]]) -> None:
    items = _by_text(logged)
    assert set(items) == {UNSURE, FALLBACK, MISUNDERSTOOD}  # not the confident greeting
    assert items[UNSURE]["reasons"] == ["low_confidence"]
    assert items[UNSURE]["confidence"] == pytest.approx(0.12)
    assert items[UNSURE]["data_language"] == "hr"
    assert set(items[FALLBACK]["reasons"]) == {"fallback", "not_understood"}
    assert items[MISUNDERSTOOD]["reasons"] == ["not_understood"]
    assert [item["text"] for item in logged] == [MISUNDERSTOOD, FALLBACK, UNSURE]  # newest first


async def test_a_threshold_of_zero_lists_only_fallbacks_and_misunderstandings(
    logged: list[dict[str, Any]], database: str, project: Path
) -> None:
    items = _by_text(review.inbox(project, database, 0.0))
    assert UNSURE not in items and FALLBACK in items


async def test_a_logged_low_confidence_message_becomes_an_example(
    logged: list[dict[str, Any]], database: str, project: Path
) -> None:
    item = _by_text(logged)[UNSURE]
    done = review.add_as_example(
        project, item["id"], "complain_product_quality", "tina", database, THRESHOLD
    )
    assert done["intent"] == "complain_product_quality" and done["language"] == "hr"
    nlu = YAML(typ="safe").load((project / "data/nlu/hr.yml").read_text(encoding="utf-8"))
    examples = next(
        entry["examples"] for entry in nlu["nlu"]
        if entry.get("intent") == "complain_product_quality"
    )
    assert f"- {UNSURE}" in examples.splitlines()
    assert UNSURE not in _by_text(review.inbox(project, database, THRESHOLD))  # handled
    everything = _by_text(review.inbox(project, database, THRESHOLD, include_done=True))
    assert everything[UNSURE]["done"]["by"] == "tina"


async def test_unknown_intents_and_items_are_refused(
    logged: list[dict[str, Any]], database: str, project: Path
) -> None:
    item = _by_text(logged)[UNSURE]
    for intent in ("no_such_intent", "nlu_fallback", "", None, "<b>"):
        with pytest.raises(StudioError) as refused:
            review.add_as_example(project, item["id"], intent, "tina", database, THRESHOLD)
        assert refused.value.status == 422
    with pytest.raises(StudioError) as missing:
        review.add_as_example(project, 10**9, "greet", "tina", database, THRESHOLD)
    assert missing.value.status == 404
    assert "no_such_intent" not in (project / "data/nlu/hr.yml").read_text(encoding="utf-8")


async def test_a_conversation_becomes_a_test_story(
    logged: list[dict[str, Any]], database: str, project: Path
) -> None:
    item = _by_text(logged)[UNSURE]
    done = review.conversation_as_story(
        project, item["id"], "tina", "late parcel", database, THRESHOLD
    )
    assert done["steps"] == 3
    stories = YAML(typ="safe").load((project / "tests/stories/test_hr.yml").read_text("utf-8"))
    story = next(s for s in stories["stories"] if s["story"] == "late parcel")
    steps = [{k: v.strip() if k == "user" else v for k, v in s.items()} for s in story["steps"]]
    assert steps == [
        {"user": SURE, "intent": "greet"},
        {"action": "utter_greet"},
        {"user": UNSURE, "intent": "complain_delivery"},
    ]


async def test_an_agent_correction_shows_in_the_inbox(studio: Console, database: str) -> None:
    project = studio.app.ctx.studio_project_dir
    await _log(database, project)
    with store.session_scope(database) as session:
        store.create_complaint(
            session, sender_id="customer-1", channel="socketio", language="hr", script="latin",
            category="delivery", severity=2, anger_score=0.0, description=UNSURE,
            escalation_reasons=[], deadline_hours=24, prefix="C",
        )
    studio.app.ctx.console_database_url = database
    async with studio.client() as http:
        csrf = await studio.sign_in(http, "ana")  # an agent, from the console
        body = {"sender_id": "customer-1", "text": SURE, "intent": "bot_challenge"}
        async with http.post(f"{studio.base}/api/review/corrections", json=body,
                             headers={"X-CSRF-Token": csrf}) as res:
            assert res.status == 201, await res.text()
    async with studio.client() as http:
        csrf = await sign_in(studio, http, "tina")
        async with http.get(f"{studio.base}/studio/api/review") as res:
            items = _by_text((await res.json())["items"])
        assert items[SURE]["reasons"] == ["corrected"]
        assert items[SURE]["corrected_intent"] == "bot_challenge"
        async with http.post(f"{studio.base}/studio/api/review/{items[SURE]['id']}/done",
                             headers={"X-CSRF-Token": csrf}) as res:
            assert res.status == 200
        async with http.get(f"{studio.base}/studio/api/review") as res:
            assert SURE not in _by_text((await res.json())["items"])


def test_trainers_see_the_words_but_not_who_wrote_them_or_their_contacts() -> None:
    item = {
        "id": 7,
        "sender_id": "widget-abc",
        "text": "Pišite na ana.horvat@example.com ili zovite +385 91 234 5678, paket kasni",
    }
    seen = review.for_trainers(item, "k" * 40)
    assert seen["text"] == "Pišite na [e-mail] ili zovite [phone], paket kasni"
    assert seen["sender_id"].startswith("conversation-") and "widget-abc" not in str(seen)
    assert review.for_trainers(item, "k" * 40)["sender_id"] == seen["sender_id"]  # stable
    assert review.for_trainers(item, "x" * 40)["sender_id"] != seen["sender_id"]  # keyed
    assert item["text"].startswith("Pišite na ana.horvat")  # the stored item is unchanged


async def test_the_review_inbox_masks_contacts_for_trainers_not_admins(
    studio: Console, database: str
) -> None:
    project = studio.app.ctx.studio_project_dir
    contact = "vratite novac na ivo@example.com"
    domain = Domain.load(str(project / "domain.yml"))
    tracker_store = SQLTrackerStore(domain, dialect="sqlite", db=database.removeprefix("sqlite:///"))
    await tracker_store.save(
        DialogueStateTracker.from_events(
            "sender-contact",
            [
                ActionExecuted("action_listen", timestamp=3000),
                _user(contact, "nlu_fallback", 0.2, 3001),
                ActionExecuted("action_not_understood", timestamp=3002),
            ],
        )
    )
    studio.app.ctx.console_database_url = database
    seen: dict[str, list[dict[str, Any]]] = {}
    for name in ("tina", "boss"):
        async with studio.client() as http:
            await sign_in(studio, http, name)
            async with http.get(f"{studio.base}/studio/api/review") as res:
                assert res.status == 200
                seen[name] = (await res.json())["items"]
    assert [i["text"] for i in seen["tina"]] == ["vratite novac na [e-mail]"]
    assert seen["tina"][0]["sender_id"] != "sender-contact"
    assert [(i["text"], i["sender_id"]) for i in seen["boss"]] == [(contact, "sender-contact")]
