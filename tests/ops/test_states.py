"""The incremental dialogue states (:mod:`bot.ops.states`) equal Rasa's own, event by event.

Every test story and every rule of the project is replayed into a tracker one event
at a time, as a conversation grows while Rasa predicts; after each event the memo's states are
compared with Rasa 3.6's ``Domain.states_for_tracker_history`` for the settings the rule and
memoization policies use. Reverted turns, restarts, a new tracker object and an unhappy form
path must give Rasa's answer too (the memo starts over).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.ops.states import StatesMemo
from bot.rasa_patches import RASA_STATES_FOR_TRACKER_HISTORY
from bot.settings import PROJECT_ROOT

STORY_FILES = [
    *sorted((PROJECT_ROOT / "tests" / "stories").glob("*.yml")),
    PROJECT_ROOT / "data" / "rules.yml",
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def rule_only_data(domain: Domain) -> dict[str, Any]:
    """Rule-only slots and loops as the rule policy hands them over (some of the domain's)."""
    return {
        "rule_only_slots": [slot.name for slot in domain.slots][:3],
        "rule_only_loops": list(domain.form_names)[:1],
    }


def story_events(domain: Domain, path: Path) -> list[tuple[str, list[Event]]]:
    steps = YAMLStoryReader(domain).read_from_file(str(path))
    return [(step.block_name, step.explicit_events(domain)) for step in steps]


def assert_same_as_rasa(
    memo: StatesMemo, domain: Domain, tracker: DialogueStateTracker, data: dict[str, Any]
) -> None:
    for options in ((False, False, None), (False, True, data), (True, True, data)):
        ours = memo.states(domain, tracker, *options)
        rasa = RASA_STATES_FOR_TRACKER_HISTORY(domain, tracker, *options)
        assert ours == rasa, options


def grow(
    memo: StatesMemo, domain: Domain, events: list[Event], data: dict[str, Any]
) -> DialogueStateTracker:
    tracker = DialogueStateTracker("grown", domain.slots)
    assert_same_as_rasa(memo, domain, tracker, data)
    for event in events:
        tracker.update(event, domain)
        assert_same_as_rasa(memo, domain, tracker, data)
    return tracker


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
def test_every_story_gives_rasas_states_after_every_event(domain: Domain, path: Path) -> None:
    memo = StatesMemo()
    stories = story_events(domain, path)
    assert stories, path
    for _name, events in stories:
        grow(memo, domain, events, rule_only_data(domain))


def test_the_states_are_copies_the_featurisers_may_edit(domain: Domain) -> None:
    memo = StatesMemo()
    _name, events = story_events(domain, STORY_FILES[0])[0]
    tracker = DialogueStateTracker("edit", domain.slots)
    for event in events:
        tracker.update(event, domain)
    first = memo.states(domain, tracker)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
    assert memo.states(domain, tracker) == RASA_STATES_FOR_TRACKER_HISTORY(domain, tracker)


def reverted_and_restarted(domain: Domain) -> list[Event]:
    """A conversation with a reverted utterance, a reverted action, a form and a restart."""
    form = next(iter(domain.form_names))
    slot = next(iter(domain.slots)).name
    intent = domain.intents[0]
    listen = ActionExecuted("action_listen")
    return [
        listen,
        UserUttered("my parcel is late", {"name": intent, "confidence": 1.0}),
        ActionExecuted(form),
        ActiveLoop(form),
        SlotSet("requested_slot", slot),
        listen,
        UserUttered("what?", {"name": intent, "confidence": 1.0}),
        UserUtteranceReverted(),
        listen,
        UserUttered("it is ORD-1", {"name": intent, "confidence": 1.0}),
        ActionExecuted(form),
        ActionExecuted("utter_greet"),
        ActionReverted(),
        ActionExecuted(form),
        ActiveLoop(None),
        ActionExecuted("action_listen"),
        Restarted(),
        listen,
        UserUttered("hello again", {"name": intent, "confidence": 1.0}),
        ActionExecuted("utter_greet"),
    ]


def test_reverted_turns_restarts_and_unhappy_form_paths_start_over(domain: Domain) -> None:
    grow(StatesMemo(), domain, reverted_and_restarted(domain), rule_only_data(domain))


def test_another_domain_starts_over(domain: Domain) -> None:
    memo = StatesMemo()
    _name, events = story_events(domain, STORY_FILES[0])[0]
    tracker = DialogueStateTracker("domains", domain.slots)
    for event in events:
        tracker.update(event, domain)
    memo.states(domain, tracker)
    other = Domain.from_dict(domain.as_dict())
    assert memo.states(other, tracker) == RASA_STATES_FOR_TRACKER_HISTORY(other, tracker)


def test_a_replay_goes_with_its_tracker(domain: Domain) -> None:
    memo = StatesMemo()
    tracker = DialogueStateTracker("gone", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    memo.states(domain, tracker)
    assert len(memo) == 1
    del tracker
    gc.collect()
    assert len(memo) == 0


def _read_back(tracker: DialogueStateTracker, domain: Domain) -> DialogueStateTracker:
    """The tracker as the tracker store gives it back for the next message: new objects."""
    events = [event.as_dict() for event in tracker.events]
    return DialogueStateTracker.from_dict(tracker.sender_id, events, domain.slots)


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
def test_a_tracker_read_back_for_the_next_message_continues_the_replay(
    domain: Domain, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_replays: list[str] = []
    rasa_init_copy = DialogueStateTracker.init_copy

    def counted(self: DialogueStateTracker) -> DialogueStateTracker:
        fresh_replays.append(self.sender_id)
        return rasa_init_copy(self)

    memo = StatesMemo()
    data = rule_only_data(domain)
    read_backs = fresh_after_read_back = 0
    for name, events in story_events(domain, path):
        tracker = DialogueStateTracker(name, domain.slots)
        for event in events:
            read_back = isinstance(event, UserUttered) and bool(tracker.events)
            if read_back:
                tracker = _read_back(tracker, domain)  # each message: a tracker from the store
                read_backs += 1
            tracker.update(event, domain)
            before = len(fresh_replays)
            for options in ((False, False, None), (False, True, data), (True, True, data)):
                monkeypatch.setattr(DialogueStateTracker, "init_copy", counted)
                ours = memo.states(domain, tracker, *options)
                monkeypatch.setattr(DialogueStateTracker, "init_copy", rasa_init_copy)
                assert ours == RASA_STATES_FOR_TRACKER_HISTORY(domain, tracker, *options)
            if read_back and len(fresh_replays) > before:
                fresh_after_read_back += 1
    assert read_backs > 3
    # a story's own history read back is taken over, not replayed again
    assert fresh_after_read_back == 0, (fresh_after_read_back, read_backs)


def test_a_history_changed_in_the_store_is_replayed_from_the_start(domain: Domain) -> None:
    memo = StatesMemo()
    slot = next(slot for slot in domain.slots if slot.influence_conversation)
    first, other = slot.values[:2]  # type: ignore[attr-defined]
    listen = ActionExecuted("action_listen")
    intent = domain.intents[0]
    tracker = DialogueStateTracker("changed", domain.slots)
    for event in (listen, UserUttered("hi", {"name": intent, "confidence": 1.0})):
        tracker.update(event, domain)
    tracker.update(SlotSet(slot.name, first, timestamp=7.0), domain)
    tracker.update(ActionExecuted("utter_greet"), domain)
    memo.states(domain, tracker)
    changed = _read_back(tracker, domain)
    rewritten = [
        SlotSet(slot.name, other, timestamp=7.0) if isinstance(event, SlotSet) else event
        for event in changed.events
    ]
    reread = DialogueStateTracker.from_events("changed", rewritten, domain.slots)
    expected = RASA_STATES_FOR_TRACKER_HISTORY(domain, reread)
    assert expected != RASA_STATES_FOR_TRACKER_HISTORY(domain, tracker)  # the change shows
    assert memo.states(domain, reread) == expected
