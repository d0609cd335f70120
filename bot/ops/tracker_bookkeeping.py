"""Two pieces of Rasa's tracker bookkeeping done with less work, same results.

Both are installed by :func:`bot.rasa_patches.install`; ``tests/ops/test_tracker_bookkeeping.py``
checks them against Rasa 3.6.21's own code on every test story and rule.

* **Slot copies.** Every new tracker (one per form validation, per ``tracker.copy()``, per
  replay) copies each of the domain's slots with ``copy.copy``, which goes through
  ``__reduce_ex__`` and ``copyreg``: 10 % of the CPU of a complaint turn in the profile
  (``python -m tools.bench.turns --profile``). :func:`copy_slot`, as ``Slot.__copy__``, makes the
  same shallow copy directly: a new object of the same class with the same attribute dict
  entries, which is what ``copy.copy`` does for a class without ``__reduce__``, ``__getstate__``
  or ``__setstate__`` (Rasa's slots define none).
* **Applied events.** ``DialogueStateTracker.applied_events`` folds over *every* event of the
  conversation, and Rasa asks for it before each prediction (twice: the rule and memoization
  policies' dialogue states) and more: 9 % of the turn's CPU. Events are only ever appended,
  so :class:`AppliedEventsMemo` keeps each tracker's fold and continues it over the new events.
  The fold depends on one thing computed from *all* events, the names of the loops activated
  anywhere in the conversation; a new event that activates a loop not seen before, a first or
  last event that is no longer the one folded (the deque was cut or rebuilt), or a shorter
  history, starts the fold again from the first event, as Rasa does.
* **Tracker copies.** ``DialogueStateTracker.copy()`` replays every event of the conversation
  into a new tracker; Rasa copies the tracker before each action it runs (``_run_action``,
  so that a rejected action leaves no trace), and a form validation builds a tracker from all
  events again (``FormAction._temporary_tracker``). A tracker's state is what its events make
  it (Rasa's own rule: "MUST be re-creatable by processing all the events"), so
  :func:`clone_tracker` copies that state instead: the same attributes, the events in a new
  deque, each slot copied, the active loop and latest action copied (events change them in
  place), and, as Rasa's copy, no model id, assistant id or sender source.
  :func:`temporary_form_tracker` is the form's temporary tracker built on such a copy; with a
  ``Restarted`` event in the history (Rasa then keeps only the events after it), or slots other
  than the domain's, it is Rasa's.
"""

from __future__ import annotations

import itertools
import weakref
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from rasa.core.actions.forms import FormAction
from rasa.shared.constants import DEFAULT_SENDER_ID
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

#: Rasa's own ``FormAction._temporary_tracker`` (kept before any patch).
RASA_TEMPORARY_TRACKER = FormAction._temporary_tracker


def copy_slot(slot: Slot) -> Slot:
    """``copy.copy(slot)`` without the generic ``__reduce_ex__`` machinery."""
    clone = object.__new__(type(slot))
    clone.__dict__.update(slot.__dict__)
    return clone


@dataclass
class _Fold:
    """How far one tracker's applied events have been folded."""

    count: int = 0
    first: Event | None = None
    last: Event | None = None
    loop_names: frozenset[str] = frozenset()
    applied: list[Event] = field(default_factory=list)


def _loop_names(events: Any) -> frozenset[str]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def _fold(tracker: DialogueStateTracker, fold: _Fold, events: Any) -> None:
    """Rasa 3.6.21's ``applied_events`` loop, over ``events``, continuing ``fold.applied``."""
    applied = fold.applied
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in fold.loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


class AppliedEventsMemo:
    """Per-tracker folds of ``applied_events`` (weakly held: one goes with its tracker).

    Used by one event loop at a time (Rasa's server is single-threaded per worker process).
    """

    def __init__(self) -> None:
        # by id: trackers compare by content and cannot be hashed
        self._folds: dict[int, tuple[weakref.ref[DialogueStateTracker], _Fold]] = {}

    def __len__(self) -> int:
        """How many trackers have a fold (for tests)."""
        return len(self._folds)

    def _continued(self, tracker: DialogueStateTracker) -> _Fold | None:
        """The tracker's fold when its events still begin with the events folded."""
        events = tracker.events
        entry = self._folds.get(id(tracker))
        if entry is None or entry[0]() is not tracker:
            return None
        fold = entry[1]
        if fold.count > len(events) or (
            fold.count and (events[0] is not fold.first or events[fold.count - 1] is not fold.last)
        ):
            return None
        return fold

    def _remember(self, tracker: DialogueStateTracker, fold: _Fold) -> None:
        key = id(tracker)

        def forget(reference: weakref.ref[DialogueStateTracker]) -> None:
            current = self._folds.get(key)
            if current is not None and current[0] is reference:
                del self._folds[key]

        self._folds[key] = (weakref.ref(tracker, forget), fold)

    def applied_events(self, tracker: DialogueStateTracker) -> list[Event]:
        """What ``tracker.applied_events()`` returns (a new list each time)."""
        events = tracker.events
        fold = self._continued(tracker)
        new = list(itertools.islice(events, fold.count, None)) if fold else []
        if fold is None or not _loop_names(new) <= fold.loop_names:
            fold = _Fold(loop_names=_loop_names(events))
            self._remember(tracker, fold)
            new = list(events)
        _fold(tracker, fold, new)
        fold.count = len(events)
        fold.first = events[0] if events else None
        fold.last = events[-1] if events else None
        return list(fold.applied)


def clone_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """What ``tracker.copy()`` returns, without replaying the events."""
    return _clone(tracker, tracker._max_event_history)


def _clone(tracker: DialogueStateTracker, limit: int | None) -> DialogueStateTracker:
    """``tracker``'s state in a new tracker that keeps at most ``limit`` events."""
    clone: DialogueStateTracker = object.__new__(type(tracker))
    clone._max_event_history = limit
    clone.events = deque(tracker.events, limit)
    clone.sender_id = tracker.sender_id or DEFAULT_SENDER_ID
    clone.slots = {name: copy_slot(slot) for name, slot in tracker.slots.items()}
    clone.sender_source = None
    clone.is_rule_tracker = tracker.is_rule_tracker
    clone._paused = tracker._paused
    clone.followup_action = tracker.followup_action
    clone.latest_action = dict(tracker.latest_action) if tracker.latest_action else {}
    clone.latest_message = tracker.latest_message
    clone.latest_bot_utterance = tracker.latest_bot_utterance
    clone.active_loop = replace(tracker.active_loop) if tracker.active_loop else None
    clone.model_id = None
    clone.assistant_id = None
    return clone


def temporary_form_tracker(
    form: FormAction,
    current_tracker: DialogueStateTracker,
    additional_events: list[Event],
    domain: Domain,
) -> DialogueStateTracker:
    """``FormAction._temporary_tracker``: the conversation, the requested slot set, the form
    executed and ``additional_events``, on a copy of the tracker instead of a replay."""
    if current_tracker.idx_after_latest_restart() or set(current_tracker.slots) != {
        slot.name for slot in domain.slots
    }:
        return RASA_TEMPORARY_TRACKER(form, current_tracker, additional_events, domain)
    tracker = _clone(current_tracker, None)  # as Rasa's from_events: no limit
    tracker.sender_id = current_tracker.sender_id
    tracker.is_rule_tracker = False
    for event in [
        SlotSet(REQUESTED_SLOT, form.get_slot_to_fill(current_tracker)),
        ActionExecuted(form.name()),
        *additional_events,
    ]:
        tracker.update(event, domain)
    return tracker
