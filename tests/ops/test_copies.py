"""The copies :mod:`bot.ops.copies` leaves out change nothing anyone reads.

``current_state`` equals Rasa's own for every test story grown event by event (forms active,
interrupted and rejected included); the debug copies are still made while debug is logged, and
a trained model's conversation gives the same events with and without the patches.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.ops.copies import (
    DEBUG_COPYING_MODULES,
    RASA_CURRENT_STATE,
    RASA_FORMAT_TRACKER_STATES,
    DebugOnlyCopies,
    current_state,
    format_tracker_states,
)
from bot.rasa_patches import RASA_DOMAIN_IS_EMPTY, domain_is_empty
from tests.ops.test_states import STORY_FILES, domain, reverted_and_restarted, story_events

__all__ = ["domain"]  # the fixture, shared with test_states


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
def test_every_story_gives_rasas_current_state_after_every_event(
    domain: Domain, path: Path
) -> None:
    stories = story_events(domain, path)
    assert stories, path
    looped = 0
    for name, events in stories:
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            tracker.update(event, domain)
            looped += tracker.active_loop is not None
            for verbosity in EventVerbosity:
                assert current_state(tracker, verbosity) == RASA_CURRENT_STATE(
                    tracker, verbosity
                )
    assert looped or "form" not in path.read_text(encoding="utf-8")


def test_a_reverted_and_restarted_conversation_gives_rasas_current_state(domain: Domain) -> None:
    tracker = DialogueStateTracker("reverted", domain.slots)
    for event in reverted_and_restarted(domain):
        tracker.update(event, domain)
        assert current_state(tracker, EventVerbosity.ALL) == RASA_CURRENT_STATE(
            tracker, EventVerbosity.ALL
        )


def test_the_active_loop_is_handed_over_with_its_trigger_message(domain: Domain) -> None:
    form = next(iter(domain.form_names))
    parse = {"intent": {"name": "complain_billing", "confidence": 0.9}, "entities": [],
             "intent_ranking": [{"name": "complain_billing", "confidence": 0.9}]}  # fmt: skip
    tracker = DialogueStateTracker("looped", domain.slots)
    for event in (
        ActionExecuted("action_listen"),
        UserUttered("charged twice", parse["intent"], [], parse),
        ActiveLoop(form),
    ):
        tracker.update(event, domain)
    ours = current_state(tracker, EventVerbosity.ALL)
    assert ours == RASA_CURRENT_STATE(tracker, EventVerbosity.ALL)
    assert ours["active_loop"]["name"] == form
    assert ours["active_loop"]["trigger_message"]["intent"]["name"] == "complain_billing"


def test_debug_copies_are_made_only_while_debug_is_logged() -> None:
    name = DEBUG_COPYING_MODULES[0]
    logger = logging.getLogger(name)
    copies = DebugOnlyCopies(name)
    value = {"events": [{"text": "hello"}]}
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert copies.deepcopy(value) is value
        logger.setLevel(logging.DEBUG)
        copied = copies.deepcopy(value)
        assert copied == value and copied is not value
        assert copied["events"][0] is not value["events"][0]
        assert copies.copy(value) is not value  # the rest of the module as it was
    finally:
        logger.setLevel(level)


def test_the_rule_policys_states_are_formatted_only_while_debug_is_logged() -> None:
    logger = logging.getLogger("rasa.core.policies.rule_policy")
    states = [{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert format_tracker_states(states) == ""
        logger.setLevel(logging.DEBUG)
        formatted = format_tracker_states(states)
        assert formatted == RASA_FORMAT_TRACKER_STATES(states) and "greet" in formatted
    finally:
        logger.setLevel(level)


def test_the_empty_domain_check_is_rasas(domain: Domain) -> None:
    for checked in (domain, Domain.empty(), Domain.from_dict({"intents": ["greet"]})):
        assert domain_is_empty(checked) == RASA_DOMAIN_IS_EMPTY(checked)
        assert domain_is_empty(checked) == RASA_DOMAIN_IS_EMPTY(checked)  # once worked out
    assert domain_is_empty(Domain.empty()) and not domain_is_empty(domain)
