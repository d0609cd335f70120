"""Copies Rasa 3.6 makes on every message that nothing reads.

Measured with ``python -m tools.bench.turns --profile`` (``docs/benchmarks.md``, session 13):

* **Deep copies for debug lines.** Rasa's processor, forms and policies pass
  ``copy.deepcopy(events)``, ``copy.deepcopy(states)`` and the like to ``structlogger.debug``,
  so that Rasa Pro's log anonymiser may change them. The copy is made before structlog looks at
  the level, on every message, at any level: 4 % of a turn. :class:`DebugOnlyCopies` stands in
  for the ``copy`` module inside those Rasa modules (which use it for nothing else) and copies
  only while the module's logger is enabled for debug, so a debug log is as Rasa makes it.
* **The active loop's deep copy.** ``DialogueStateTracker.current_state``, which Rasa calls for
  every custom action call, converts the active form with ``dataclasses.asdict``, a deep copy of
  the message that started it (parse data with every intent's ranking): 5 % of a turn. The
  events of the same state carry the same parse data by reference (``UserUttered.as_dict``), so
  :func:`current_state` hands the active loop over the same way.
* **The rule policy's states as text.** For every prediction the rule policy formats the
  conversation's states for a debug line (``Policy.format_tracker_states``) at any level: 0.05
  ms per message (``tools/bench/notes.md``, session 16). :func:`format_tracker_states` formats
  them only while the rule policy's module logs debug.
"""

from __future__ import annotations

import copy
import importlib
import logging
from types import ModuleType
from typing import Any, TypeVar

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import (
    ACTIVE_LOOP,
    FOLLOWUP_ACTION,
    DialogueStateTracker,
    EventVerbosity,
)

Value = TypeVar("Value")

#: The Rasa modules whose ``copy`` is used only for the values of debug log lines.
DEBUG_COPYING_MODULES = (
    "rasa.core.processor",
    "rasa.core.actions.forms",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
)

#: Rasa's own ``DialogueStateTracker.current_state`` (for tests and A/B pairs).
RASA_CURRENT_STATE = DialogueStateTracker.current_state
#: Rasa's own ``Policy.format_tracker_states`` (for tests and A/B pairs).
RASA_FORMAT_TRACKER_STATES = RulePolicy.format_tracker_states
_rule_policy_logger = logging.getLogger("rasa.core.policies.rule_policy")


class DebugOnlyCopies:
    """The ``copy`` module, as one Rasa module sees it: ``deepcopy`` only while that module's
    logger (the one structlog's ``filter_by_level`` asks) is enabled for debug."""

    def __init__(self, module_name: str) -> None:
        self._logger = logging.getLogger(module_name)

    def deepcopy(self, value: Value, memo: dict[int, Any] | None = None) -> Value:
        if self._logger.isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def current_state(
    self: DialogueStateTracker, event_verbosity: EventVerbosity = EventVerbosity.NONE
) -> dict[str, Any]:
    """``DialogueStateTracker.current_state`` with the active loop as a plain dict of its
    fields (its trigger message by reference, as the events carry theirs)."""
    events: list[Event] | None = self._events_for_verbosity(event_verbosity)
    loop = self.active_loop
    return {
        "sender_id": self.sender_id,
        "slots": self.current_slot_values(),
        "latest_message": self._latest_message_data(),
        "latest_event_time": self.events[-1].timestamp if self.events else None,
        FOLLOWUP_ACTION: self.followup_action,
        "paused": self.is_paused(),
        "events": [e.as_dict() for e in events] if events is not None else None,
        "latest_input_channel": self.get_latest_input_channel(),
        ACTIVE_LOOP: {
            "name": loop.name,
            "is_interrupted": loop.is_interrupted,
            "rejected": loop.rejected,
            "trigger_message": loop.trigger_message,
        }
        if loop
        else {},
        "latest_action": self.latest_action,
        "latest_action_name": self.latest_action_name,
    }


def format_tracker_states(states: list[dict[str, Any]]) -> str:
    """``Policy.format_tracker_states`` for the rule policy's debug line: the states as text
    while the rule policy's module logs debug, else nothing (the line is not written)."""
    if _rule_policy_logger.isEnabledFor(logging.DEBUG):
        return str(RASA_FORMAT_TRACKER_STATES(states))
    return ""


def use_fewer_copies(ours: bool) -> None:
    """This module's copies, or Rasa's own (``ours`` false: for A/B pairs)."""
    for name in DEBUG_COPYING_MODULES:
        module: ModuleType = importlib.import_module(name)
        module.copy = DebugOnlyCopies(name) if ours else copy  # type: ignore[attr-defined]
    DialogueStateTracker.current_state = current_state if ours else RASA_CURRENT_STATE
    RulePolicy.format_tracker_states = staticmethod(
        format_tracker_states if ours else RASA_FORMAT_TRACKER_STATES
    )
