"""The review inbox catches a request for a person the bot did not act on, and a message whose
detected language looks wrong (issue 15, item 16), from a real Rasa SQL tracker store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from ruamel.yaml import YAML

from bot.studio import review
from bot.studio.errors import StudioError
from tests.studio.test_ops_review import THRESHOLD

ASKED_MISSED = "I want to talk to a real person about this"
ASKED_HANDLED = "let me speak to a manager"
ASKED_IN_A_QUESTION = "no, I want a human being"
SERBIAN_AS_ENGLISH = "Zašto moja porudžbina još nije stigla, čekam nedelju dana"
CYRILLIC_AS_LATIN = "пакет је оштећен"


def _user(
    text: str, intent: str, at: float, code: str = "en", script: str = "latin"
) -> UserUttered:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.95},
        "entities": [],
        "language": {"code": code, "script": script, "confidence": 0.9},
    }
    return UserUttered(
        text, intent={"name": intent, "confidence": 0.95}, parse_data=parse, timestamp=at
    )


async def _log(database: str, project: Path) -> None:
    domain = Domain.load(str(project / "domain.yml"))
    tracker_store = SQLTrackerStore(
        domain, dialect="sqlite", db=database.removeprefix("sqlite:///")
    )
    conversations = {
        # asked for a person, read as a complaint, no escalation, then wrote again
        "missed": [
            _user(ASKED_MISSED, "complain_other", 1000),
            ActionExecuted("utter_thank_for_complaint", timestamp=1001),
            ActionExecuted("action_listen", timestamp=1002),
            _user("hello?", "greet", 1010),
            ActionExecuted("utter_greet", timestamp=1011),
        ],
        # asked, and the bot escalated: nothing to review
        "handled": [
            _user(ASKED_HANDLED, "request_human", 2000),
            ActionExecuted("action_escalate", timestamp=2001),
            ActionExecuted("utter_bring_colleague", timestamp=2002),
            _user("thanks", "thank_you", 2010),
        ],
        # asked while a question was open: the question's form said a colleague is coming
        # and the next step queued the complaint, both as messages of the actions
        "handled-in-a-question": [
            _user(ASKED_IN_A_QUESTION, "request_human", 2500),
            ActionExecuted("resolution_form", timestamp=2501),
            BotUttered("A colleague will take over.", metadata={
                "utter_action": "utter_bring_colleague"}, timestamp=2502),
            ActionExecuted("action_complaint_next_step", timestamp=2503),
            BotUttered("You are in the queue.", metadata={
                "utter_action": "utter_handoff_queued"}, timestamp=2504),
            ActionExecuted("action_listen", timestamp=2505),
            _user("how long will it take?", "ask_status", 2510),
        ],
        # a Serbian conversation with one message detected as English, one Cyrillic as Latin
        "serbian": [
            _user("Dobar dan, imam problem", "greet", 3000, "sr"),
            _user("Naručila sam patike pre dve nedelje", "complain_delivery", 3010, "sr"),
            _user(SERBIAN_AS_ENGLISH, "complain_delivery", 3020, "en"),
            _user("Hvala unapred", "thank_you", 3030, "sr"),
            _user(CYRILLIC_AS_LATIN, "complain_product_quality", 3040, "sr", "latin"),
        ],
    }
    for sender, events in conversations.items():
        await tracker_store.save(DialogueStateTracker.from_events(sender, events))


@pytest.fixture()
async def inbox(database: str, project: Path) -> dict[str, dict[str, Any]]:
    await _log(database, project)
    return {item["text"]: item for item in review.inbox(project, database, THRESHOLD)}


async def test_a_request_for_a_person_the_bot_missed_is_listed(
    inbox: dict[str, dict[str, Any]],
) -> None:
    assert inbox[ASKED_MISSED]["reasons"] == ["person_missed"]
    assert ASKED_HANDLED not in inbox and ASKED_IN_A_QUESTION not in inbox
    assert "hello?" not in inbox and "thanks" not in inbox


async def test_misdetected_languages_are_listed_with_the_likely_language(
    inbox: dict[str, dict[str, Any]],
) -> None:
    english = inbox[SERBIAN_AS_ENGLISH]
    assert english["reasons"] == ["language"]
    assert english["data_language"] == "en" and english["suggested_language"] == "sr_latn"
    cyrillic = inbox[CYRILLIC_AS_LATIN]
    assert "language" in cyrillic["reasons"] and cyrillic["suggested_language"] == "sr_cyrl"
    for fine in ("Dobar dan, imam problem", "Hvala unapred"):
        assert fine not in inbox


async def test_the_example_goes_to_the_language_the_trainer_chose(
    inbox: dict[str, dict[str, Any]], database: str, project: Path
) -> None:
    item = inbox[SERBIAN_AS_ENGLISH]
    with pytest.raises(StudioError) as refused:
        review.add_as_example(
            project, item["id"], "complain_delivery", "tina", database, THRESHOLD, "xx"
        )
    assert refused.value.status == 422
    done = review.add_as_example(
        project, item["id"], "complain_delivery", "tina", database, THRESHOLD, "sr_latn"
    )
    assert done["language"] == "sr_latn" and done["retrain"] is True
    nlu = YAML(typ="safe").load((project / "data/nlu/sr_latn.yml").read_text(encoding="utf-8"))
    examples = next(
        entry["examples"] for entry in nlu["nlu"] if entry.get("intent") == "complain_delivery"
    )
    assert f"- {SERBIAN_AS_ENGLISH}" in examples.splitlines()
    english = (project / "data/nlu/en.yml").read_text(encoding="utf-8")
    assert SERBIAN_AS_ENGLISH not in english


@pytest.mark.parametrize(
    ("text", "code", "script", "usual", "expected"),
    [
        ("dobar dan", "hr", "latin", "hr", None),
        ("привет", "sr", "latin", None, "sr_cyrl"),
        ("привет", "sr", "cyrillic", None, None),
        ("šta je ovo", "en", "latin", None, "hr"),
        ("šta je ovo", "en", "latin", "bs", "bs"),
        ("where is it", "en", "latin", "en", None),
        ("gdje je", "hr", "latin", "sr_latn", "sr_latn"),
    ],
)
def test_suspect_language(
    text: str, code: str, script: str, usual: str | None, expected: str | None
) -> None:
    assert review.suspect_language(text, code, script, usual) == expected
