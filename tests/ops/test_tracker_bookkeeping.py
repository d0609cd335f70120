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

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SessionStarted,
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

from bot.ops.tracker_bookkeeping import AppliedEventsMemo, copy_slot
from bot.rasa_patches import RASA_APPLIED_EVENTS
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
