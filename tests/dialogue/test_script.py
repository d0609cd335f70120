"""The responses that say each step of the script (bot/dialogue/data/script.yml)."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.dialogue import script
from bot.settings import PROJECT_ROOT

DOMAIN: dict[str, Any] = YAML(typ="safe").load(
    (PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8")
)


def test_every_response_the_script_names_is_in_the_domain() -> None:
    assert script.responses_named() <= set(DOMAIN["responses"])


@pytest.mark.parametrize("step", DOMAIN["slots"]["complaint_step"]["values"])
def test_every_next_step_but_the_escalation_is_said(step: str) -> None:
    """``escalate`` is set by action_not_understood, which says it itself."""
    if step == "escalate":
        with pytest.raises(KeyError):
            script.next_step(step)
    else:
        assert script.next_step(step)


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        (
            "registered",
            ("utter_thank_for_complaint", "utter_acknowledge", "utter_ask_desired_resolution"),
        ),
        (
            "opened",
            ("utter_thank_for_complaint", "utter_acknowledge", "utter_confirm_desired_resolution"),
        ),
        ("added", ("utter_details_noted",)),
        ("no_complaint", ("utter_details_no_complaint",)),
    ],
)
def test_a_complaint_is_thanked_for_acknowledged_and_asked(
    outcome: str, said: tuple[str, ...]
) -> None:
    assert script.opening(outcome) == said


@pytest.mark.parametrize(
    ("intent", "matter_named", "wish_given", "said"),
    [
        ("request_human", False, False, ("utter_bring_colleague",)),
        ("insult", False, False, ("utter_escalate_anger",)),
        (
            "request_human",
            True,
            False,
            (
                "utter_thank_for_complaint",
                "utter_acknowledge",
                "utter_bring_colleague",
                "utter_ask_desired_resolution",
            ),
        ),
        (
            "insult",
            True,
            False,
            (
                "utter_thank_for_complaint",
                "utter_acknowledge",
                "utter_escalate_anger",
                "utter_ask_desired_resolution",
            ),
        ),
        (
            "request_human",
            True,
            True,
            (
                "utter_thank_for_complaint",
                "utter_acknowledge",
                "utter_bring_colleague",
                "utter_confirm_desired_resolution",
            ),
        ),
    ],
)
def test_a_request_or_abuse_that_names_the_matter_gets_the_whole_script(
    intent: str, matter_named: bool, wish_given: bool, said: tuple[str, ...]
) -> None:
    assert script.escalation(intent, matter_named, wish_given) == said


def test_a_misunderstanding_is_asked_again_then_taken_to_a_person() -> None:
    assert script.not_understood(escalate=False) == ("utter_please_rephrase",)
    assert script.not_understood(escalate=True) == ("utter_bring_colleague",)


def test_an_unknown_step_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="nowhere"):
        script.next_step("nowhere")


def test_a_request_for_a_person_and_abuse_bring_a_person_whatever_is_asked() -> None:
    assert script.escalating_intents() == {"request_human", "insult"}
