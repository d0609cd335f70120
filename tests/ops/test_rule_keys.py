"""The compiled rule lookup (:mod:`bot.ops.rule_keys`) finds the rules Rasa's own lookup finds.

The trained model predicts after every event of every test story and rule; every lookup the
rule policy makes on the way is answered by both, and the answers must be the same set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.rule_keys import compiled_rule, possible_keys
from bot.rasa_patches import RASA_GET_POSSIBLE_KEYS
from tests.ops.test_states import STORY_FILES, story_events


@pytest.fixture(scope="module")
def agent(trained_model: Path) -> Agent:
    return Agent.load(str(trained_model))


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
def test_every_lookup_of_every_story_finds_rasas_rules(
    agent: Agent, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups: list[int] = []

    def both(self: RulePolicy, lookup: dict[str, str], states: list[Any]) -> set[str]:
        ours = possible_keys(self, lookup, states)
        assert ours == RASA_GET_POSSIBLE_KEYS(self, lookup, states), states
        lookups.append(len(ours))
        return ours

    monkeypatch.setattr(RulePolicy, "_get_possible_keys", both)
    domain = agent.domain
    assert domain is not None
    for name, events in story_events(domain, path):
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            tracker.update(event, domain)
            if isinstance(event, (ActionExecuted, UserUttered)):
                agent.processor._predict_next_with_tracker(tracker)  # type: ignore[union-attr]
    assert len(lookups) > 10, path
    assert any(lookups), "no lookup found a rule: the comparison would prove nothing"


def test_a_rule_is_compiled_last_state_first_with_lists_as_tuples() -> None:
    key = (
        '[{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}},'
        ' {"prev_action": {"action_name": "utter_greet"}, "slots": {"contact": [1.0]}}, {}]'
    )
    compiled = compiled_rule(key)
    assert compiled[0] == (False, ())
    assert compiled[1] == (
        True,
        (("prev_action", "action_name", "utter_greet"), ("slots", "contact", (1.0,))),
    )
    assert compiled[2][1][1] == ("user", "intent", "greet")
