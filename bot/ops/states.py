"""The dialogue states of a tracker, computed once per event instead of once per prediction.

Rasa 3.6's rule and memoization policies featurise the *whole* tracker for every action they
predict: ``Domain.states_for_tracker_history`` replays every event of the conversation into a
fresh tracker (``generate_all_prior_trackers``) and builds a state before each action. A
complaint turn predicts five or more actions, each policy asks twice (with and without the
rule-only turns), so one message replays the conversation ten times or more: 12-16 % of the Rasa
server's CPU in the profile (``docs/benchmarks.md``).

Events are only ever appended to a tracker, so the states before the last action do not
change when events are added: :class:`StatesMemo` remembers, per tracker object, the replayed
tracker, the states built so far and the loop's two flags, and on the next call replays only
the new events. It is used only when the events Rasa applies (``applied_events``, which drops
reverted turns and unhappy form paths) still begin with exactly the events it replayed (the
same objects, in the same order); anything else (a revert, a rewind, another domain or
setting) replays from the start, as Rasa does. The result is a fresh copy each time, because
the featurisers edit the states they are given.

Rasa loads a new tracker object for every message (from the tracker store), so the first
prediction of each message would replay the whole session again. The replay of the sender's
previous tracker is taken over instead when the new tracker's applied events begin with the same
events (:func:`_same_event`: type, timestamp and what the states are built from); the store only
ever appends to a conversation, so this is the usual case, and a conversation that was erased or
changed otherwise replays from the start. The last :data:`SENDERS_KEPT` senders are remembered.

The loop below is ``Domain.states_for_tracker_history`` of Rasa 3.6.21 with the replay made
incremental; ``tests/ops/test_states.py`` checks it gives the same states as Rasa's own on
every test story and on reverted and restarted conversations.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core import constants as core_constants
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

State = dict[str, dict[str, Any]]

#: Senders whose latest replays are kept for their next message's new tracker object: the
#: conversations in progress on one worker. Each costs about 130 KB (four-message complaint:
#: 250 senders kept took 33 MB more RSS than none); a sender pushed out is replayed in full.
SENDERS_KEPT = 128


@dataclass
class _Replay:
    """What one tracker's history replay has reached."""

    domain_id: int
    options: tuple[Any, ...]
    #: The applied events replayed so far, in order (the objects themselves).
    events: list[Event] = field(default_factory=list)
    #: The replayed tracker after ``events``.
    tracker: DialogueStateTracker | None = None
    #: One state per ``ActionExecuted`` in ``events`` that was not hidden.
    states: list[State] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


def _frozen(rule_only_data: dict[str, Any] | None) -> Any:
    """``rule_only_data`` as a key: Rasa hands the same content over in new dicts."""
    if rule_only_data is None:
        return None
    return tuple(sorted((key, tuple(value)) for key, value in rule_only_data.items()))


def _same_objects(replayed: list[Event], applied: list[Event]) -> bool:
    """Whether ``applied`` begins with exactly the ``replayed`` event objects."""
    start = applied[: len(replayed)]
    return all(old is new for old, new in zip(replayed, start, strict=True))


def _content(event: Event) -> Any:
    """What the dialogue states are built from, for the event kinds that shape them."""
    if isinstance(event, ActionExecuted):
        return (event.action_name, event.action_text, event.hide_rule_turn)
    if isinstance(event, UserUttered):
        return (event.text, event.intent_name, event.entities)
    if isinstance(event, SlotSet):
        return (event.key, event.value)
    if isinstance(event, ActiveLoop):
        return event.name
    if isinstance(event, DefinePrevUserUtteredFeaturization):
        return event.use_text_for_featurization
    return None


def _same_event(replayed: Event, loaded: Event) -> bool:
    """Whether ``loaded`` is ``replayed`` read back from the tracker store."""
    return (
        type(replayed) is type(loaded)
        and replayed.timestamp == loaded.timestamp
        and _content(replayed) == _content(loaded)
    )


def _copy_state(state: State) -> State:
    """A copy the caller may edit: sub-state dicts are copied, their values are immutable."""
    return {key: dict(sub_state) for key, sub_state in state.items()}


class StatesMemo:
    """Per-tracker replays (weakly held: one goes with its tracker).

    Used by one event loop at a time (Rasa's server is single-threaded per worker process).
    """

    def __init__(self) -> None:
        # by id: trackers compare by content and cannot be hashed; the weak reference drops
        # the entry with its tracker
        self._replays: dict[int, tuple[weakref.ref[DialogueStateTracker], dict[Any, _Replay]]] = {}
        self._by_sender: OrderedDict[str, dict[Any, _Replay]] = OrderedDict()

    def _of(self, tracker: DialogueStateTracker) -> dict[Any, _Replay]:
        key = id(tracker)
        entry = self._replays.get(key)
        if entry is not None and entry[0]() is tracker:
            return entry[1]

        def forget(reference: weakref.ref[DialogueStateTracker]) -> None:
            current = self._replays.get(key)
            if current is not None and current[0] is reference:
                del self._replays[key]

        replays: dict[Any, _Replay] = {}
        self._replays[key] = (weakref.ref(tracker, forget), replays)
        return replays

    def _taken_over(
        self, domain: Domain, tracker: DialogueStateTracker, options: Any, applied: list[Event]
    ) -> _Replay | None:
        """The sender's latest replay for ``options``, when ``applied`` continues its events
        (then it holds ``applied``'s own event objects and no longer its old tracker's)."""
        latest = self._by_sender.get(tracker.sender_id, {}).get(options)
        if (
            latest is None
            or latest.domain_id != id(domain)
            or len(latest.events) > len(applied)
            or not all(map(_same_event, latest.events, applied))
        ):
            return None
        latest.events = list(applied[: len(latest.events)])
        return latest

    def _remember(self, sender_id: str, options: Any, replay: _Replay) -> None:
        self._by_sender.setdefault(sender_id, {})[options] = replay
        self._by_sender.move_to_end(sender_id)
        while len(self._by_sender) > SENDERS_KEPT:
            self._by_sender.popitem(last=False)

    def __len__(self) -> int:
        """How many trackers have a replay (for tests)."""
        return len(self._replays)

    def states(
        self,
        domain: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        """What ``domain.states_for_tracker_history(tracker, ...)`` returns."""
        options = (omit_unset_slots, ignore_rule_only_turns, _frozen(rule_only_data))
        applied = tracker.applied_events()
        per_tracker = self._of(tracker)
        replay = per_tracker.get(options)
        if (
            replay is None
            or replay.domain_id != id(domain)
            or len(replay.events) > len(applied)
            or not _same_objects(replay.events, applied)
        ):
            replay = self._taken_over(domain, tracker, options, applied) or _Replay(
                id(domain), options, tracker=tracker.init_copy()
            )
            per_tracker[options] = replay
        self._remember(tracker.sender_id, options, replay)
        assert replay.tracker is not None
        running = replay.tracker
        for event in applied[len(replay.events) :]:
            if isinstance(event, ActionExecuted):
                _add_state(
                    domain, replay, running, event.hide_rule_turn, omit_unset_slots,
                    ignore_rule_only_turns, rule_only_data,
                )  # fmt: skip
            running.update(event)
            replay.events.append(event)
        # The state after the last event changes with the next event: built, never kept.
        final = _Replay(
            replay.domain_id,
            options,
            states=list(replay.states),
            last_ml_action_sub_state=replay.last_ml_action_sub_state,
            turn_was_hidden=replay.turn_was_hidden,
        )
        _add_state(
            domain, final, running, False, omit_unset_slots, ignore_rule_only_turns,
            rule_only_data,
        )  # fmt: skip
        return [_copy_state(state) for state in final.states]


def _add_state(
    domain: Domain,
    replay: _Replay,
    tr: DialogueStateTracker,
    hide_rule_turn: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> None:
    """One step of Rasa's loop over ``generate_all_prior_trackers`` (``replay`` updated)."""
    states = replay.states
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and tr.latest_action_name != tr.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if replay.last_ml_action_sub_state:
            state[core_constants.PREVIOUS_ACTION] = replay.last_ml_action_sub_state
    states.append(domain._clean_state(state))
