"""Rasa's validator refuses invalid changes before anything is written, with its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.studio import responses, stories, training_examples
from bot.studio.errors import StudioError
from bot.studio.validation import validate_project


def _refused(call: object, *args: object, **kwargs: object) -> StudioError:
    assert callable(call)
    with pytest.raises(StudioError) as refused:
        call(*args, **kwargs)
    assert refused.value.status == 422, refused.value.message
    return refused.value


def _unchanged(project: Path, rel: str, before: bytes) -> None:
    assert (project / rel).read_bytes() == before, f"{rel} was written despite the refusal"


def test_the_project_as_it_is_passes(project: Path) -> None:
    report = validate_project(project)
    assert report.ok, report.problems
    assert report.seconds > 0


def test_a_story_with_an_unknown_intent_is_refused(project: Path) -> None:
    body = {
        "kind": "story",
        "name": "asks about the weather",
        "steps": [
            {"type": "intent", "intent": "ask_weather"},
            {"type": "action", "action": "utter_greet"},
        ],
    }
    refusal = _refused(stories.create, project, body)
    assert "ask_weather" in refusal.message
    assert any(
        "not part of the domain" in p or "not listed" in p for p in refusal.details["problems"]
    )
    assert not (project / "data/stories.yml").exists()


def test_a_rule_using_a_missing_response_is_refused(project: Path) -> None:
    before = (project / "data/rules.yml").read_bytes()
    body = {
        "kind": "rule",
        "name": "praise is answered",
        "steps": [
            {"type": "intent", "intent": "praise"},
            {"type": "action", "action": "utter_no_such_response"},
        ],
    }
    refusal = _refused(stories.create, project, body)
    assert "utter_no_such_response" in refusal.message
    assert "not a valid utterance action" in refusal.message
    _unchanged(project, "data/rules.yml", before)


def test_the_same_example_in_two_intents_is_refused_by_rasa(project: Path) -> None:
    hr = (project / "data/nlu/hr.yml").read_text(encoding="utf-8")
    # The studio refuses this itself (409); Rasa's own check refuses it too.
    changed = hr + "- intent: greet\n  examples: |\n    - moja narudzba jos nije dosla\n"
    report = validate_project(project, {"data/nlu/hr.yml": changed})
    assert not report.ok
    assert any("labeled with multiple different intents" in p for p in report.problems)
    with pytest.raises(StudioError) as refused:
        training_examples.add_example(project, "greet", "moja narudzba jos nije dosla", "hr")
    assert refused.value.status == 409 and "complain_delivery" in refused.value.message


def test_a_broken_story_file_is_refused_with_rasas_schema_message(project: Path) -> None:
    rules = (project / "data/rules.yml").read_text(encoding="utf-8")
    report = validate_project(
        project, {"data/rules.yml": rules + "- rule: half\n  stepz:\n  - intent: greet\n"}
    )
    assert not report.ok
    assert any("Key 'stepz' was not defined" in p for p in report.problems)


def test_conflicting_stories_are_refused(project: Path) -> None:
    def story(name: str, answer: str) -> dict[str, object]:
        return {
            "kind": "story",
            "name": name,
            "steps": [
                {"type": "intent", "intent": "praise"},
                {"type": "action", "action": answer},
            ],
        }

    stories.create(project, story("praise is thanked", "utter_praise_thanks"))
    before = (project / "data/stories.yml").read_bytes()
    refusal = _refused(stories.create, project, story("praise says goodbye", "utter_goodbye"))
    assert "conflict" in " ".join(refusal.details["problems"]).lower()
    _unchanged(project, "data/stories.yml", before)


def test_a_form_step_for_an_unknown_form_is_refused(project: Path) -> None:
    body = {
        "kind": "rule",
        "name": "unknown form",
        "steps": [
            {"type": "intent", "intent": "inform"},
            {"type": "action", "action": "address_form"},
            {"type": "active_loop", "loop": "address_form"},
        ],
    }
    _refused(stories.create, project, body)


def test_a_response_variation_for_an_unknown_slot_is_refused(project: Path) -> None:
    before = (project / "domain.yml").read_bytes()
    refusal = _refused(
        responses.set_response,
        project,
        "utter_greet",
        "hr",
        "Bok!",
        case={"no_such_slot": "x"},
    )
    assert "no_such_slot" in refusal.message
    _unchanged(project, "domain.yml", before)
