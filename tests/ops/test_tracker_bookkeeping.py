"""The slot copies and applied events of :mod:`bot.ops.tracker_bookkeeping` equal Rasa's own.

Every test story and rule is grown into a tracker one event at a time, and after each event
the memo's applied events are compared with Rasa 3.6's ``applied_events``; so are reverted
turns, restarts, unhappy form paths, a loop first activated late in the conversation (which
changes how earlier events fold) and a history cut short by ``max_event_history``.
"""

from __future__ import annotations

import copy
import gc
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import (
    AnySlot,
    BooleanSlot,
    CategoricalSlot,
    FloatSlot,
    ListSlot,
    Slot,
    TextSlot,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.tracker_bookkeeping import (
    RASA_TEMPORARY_TRACKER,
    AppliedEventsMemo,
    clone_tracker,
    copy_slot,
    temporary_form_tracker,
)
from bot.rasa_patches import RASA_APPLIED_EVENTS, RASA_TRACKER_COPY
from tests.ops.test_states import STORY_FILES, domain, reverted_and_restarted, story_events

__all__ = ["domain"]  # the fixture, shared with test_states


def grow(
    memo: AppliedEventsMemo, events: list[Event], max_event_history: int | None = None
) -> DialogueStateTracker:
    """A tracker grown event by event, checked against Rasa after each one (and twice in a
    row, as Rasa asks for the same tracker's applied events several times per prediction)."""
    tracker = DialogueStateTracker("grown", [], max_event_history)
    assert memo.applied_events(tracker) == RASA_APPLIED_EVENTS(tracker) == []
    for event in events:
        tracker.update(event)
        expected = RASA_APPLIED_EVENTS(tracker)
        assert memo.applied_events(tracker) == expected
        assert memo.applied_events(tracker) == expected
    return tracker


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda path: path.name)
def test_every_story_gives_rasas_applied_events_after_every_event(
    domain: Domain, path: Path
) -> None:
    memo = AppliedEventsMemo()
    stories = story_events(domain, path)
    assert stories, path
    for _name, events in stories:
        grow(memo, events)


def unhappy_conversation(domain: Domain) -> list[Event]:
    """Reverts, a restart, and a form whose execution was rejected (an unhappy path)."""
    form = next(iter(domain.form_names))
    events = reverted_and_restarted(domain)
    rejected: list[Event] = [
        ActionExecutionRejected(form),
        ActionExecuted("utter_greet"),
        ActionExecuted(form),
    ]
    return [SessionStarted(), *events[:7], *rejected, *events[7:]]


def test_reverted_turns_restarts_and_unhappy_form_paths(domain: Domain) -> None:
    tracker = grow(AppliedEventsMemo(), unhappy_conversation(domain))
    assert len(RASA_APPLIED_EVENTS(tracker)) < len(tracker.events)  # something was dropped


def test_a_loop_activated_late_refolds_the_earlier_events(domain: Domain) -> None:
    """A form's earlier executions fold differently once an ``ActiveLoop`` names it."""
    form = next(iter(domain.form_names))
    intent = domain.intents[0]
    listen = ActionExecuted("action_listen")
    events: list[Event] = [
        listen,
        UserUttered("one", {"name": intent, "confidence": 1.0}),
        ActionExecuted(form),
        ActionExecuted(form),
        listen,
        UserUttered("two", {"name": intent, "confidence": 1.0}),
        ActionExecuted(form),
        ActiveLoop(form),
        ActionExecuted(form),
    ]
    memo = AppliedEventsMemo()
    tracker = grow(memo, events[:-2])
    before = list(memo.applied_events(tracker))
    for event in events[-2:]:
        tracker.update(event)
    after = memo.applied_events(tracker)
    assert after == RASA_APPLIED_EVENTS(tracker)
    assert after[: len(before)] != before  # the late loop changed the earlier fold


def test_a_history_cut_by_max_event_history(domain: Domain) -> None:
    grow(AppliedEventsMemo(), unhappy_conversation(domain), max_event_history=6)


def test_the_list_returned_is_the_callers(domain: Domain) -> None:
    memo = AppliedEventsMemo()
    tracker = grow(memo, unhappy_conversation(domain)[:8])
    memo.applied_events(tracker).clear()
    assert memo.applied_events(tracker) == RASA_APPLIED_EVENTS(tracker) != []


def test_a_fold_goes_with_its_tracker(domain: Domain) -> None:
    memo = AppliedEventsMemo()
    tracker = grow(memo, unhappy_conversation(domain)[:3])
    assert len(memo) == 1
    del tracker
    gc.collect()
    assert len(memo) == 0


SLOTS: list[Slot] = [
    TextSlot("text", mappings=[{"type": "from_text"}], initial_value="x"),
    BooleanSlot("flag", mappings=[], influence_conversation=False),
    CategoricalSlot("kind", mappings=[], values=["a", "b"]),
    FloatSlot("score", mappings=[], min_value=0.0, max_value=2.0),
    ListSlot("items", mappings=[], initial_value=["a"]),
    AnySlot("anything", mappings=[]),
]


@pytest.mark.parametrize("slot", SLOTS, ids=lambda slot: type(slot).__name__)
def test_a_copied_slot_is_copy_copy(slot: Slot) -> None:
    slot.value = slot.initial_value
    ours, rasas = copy_slot(slot), copy.copy(slot)
    assert type(ours) is type(rasas) is type(slot)
    assert ours is not slot
    assert vars(ours) == vars(rasas) == vars(slot)
    ours.value = None
    assert slot.value == slot.initial_value  # the copy's value is its own


def test_every_domain_slot_copies_as_copy_copy(domain: Domain) -> None:
    for slot in domain.slots:
        assert vars(copy_slot(slot)) == vars(copy.copy(slot)), slot.name


def state_of(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Every attribute of ``tracker``, slots by their attributes, events as a list."""
    state = dict(vars(tracker))
    state["events"] = (list(tracker.events), tracker.events.maxlen)
    state["slots"] = {name: vars(slot) for name, slot in tracker.slots.items()}
    return state


def assert_same_copy(tracker: DialogueStateTracker) -> None:
    ours, rasas = clone_tracker(tracker), RASA_TRACKER_COPY(tracker)
    assert state_of(ours) == state_of(rasas)
    for name in ("slots", "events"):
        assert getattr(ours, name) is not getattr(tracker, name)
    if tracker.active_loop:
        assert ours.active_loop is not tracker.active_loop


def stories_and_unhappy_paths(domain: Domain) -> list[list[Event]]:
    stories = [events for path in STORY_FILES for _name, events in story_events(domain, path)]
    return [*stories, unhappy_conversation(domain)]


def test_a_copied_tracker_is_rasas_copy_after_every_event(domain: Domain) -> None:
    for events in stories_and_unhappy_paths(domain):
        tracker = DialogueStateTracker("copied", domain.slots)
        tracker.model_id, tracker.assistant_id = "model", "assistant"  # not copied, as Rasa
        for event in events:
            tracker.update(event, domain)
            assert_same_copy(tracker)


def test_a_copy_changes_apart_from_its_original(domain: Domain) -> None:
    events = unhappy_conversation(domain)
    tracker = DialogueStateTracker("apart", domain.slots, max_event_history=50)
    for event in events[:6]:  # the form is active, a slot requested
        tracker.update(event, domain)
    assert tracker.active_loop is not None
    before = copy.deepcopy(state_of(tracker))
    clone = clone_tracker(tracker)
    for event in events[6:9]:  # a rejection changes the active loop in place
        clone.update(event, domain)
    assert state_of(tracker) == before
    assert state_of(clone) != before


def test_the_forms_temporary_tracker_is_rasas(domain: Domain) -> None:
    forms = [FormAction(name, None) for name in domain.form_names]
    slot = next(iter(domain.slots)).name
    checked = 0
    for events in stories_and_unhappy_paths(domain):
        tracker = DialogueStateTracker("form", domain.slots)
        for event in events:
            tracker.update(event, domain)
            if tracker.active_loop_name not in domain.form_names:
                continue
            form = next(form for form in forms if form.name() == tracker.active_loop_name)
            extra: list[Event] = [SlotSet(slot, "x"), ActionExecuted("action_listen")]
            ours = temporary_form_tracker(form, tracker, extra, domain)
            rasas = RASA_TEMPORARY_TRACKER(form, tracker, extra, domain)
            assert state_of(ours) == state_of(rasas)
            checked += 1
    assert checked > 20
