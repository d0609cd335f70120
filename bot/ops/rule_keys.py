"""Rasa's rule lookup with each rule parsed once, not once per check.

For every predicted action the rule policy narrows its rules (about 160 in this project) to
those whose states match the conversation's, walking back one turn at a time. Rasa 3.6's
``RulePolicy._get_possible_keys`` does that through ``_is_rule_applicable``, which for every rule
and every turn takes the rule's parsed states from a cache, reverses them into a new list, and
compares sub-states, converting each JSON list back into a tuple on the way: about two fifths of
the rule policy's time per prediction (``python -m tools.bench.turns``).

:func:`possible_keys` keeps the same decisions (Rasa's conditions, in Rasa's order) over rules
compiled once per rule key: reversed, with each state's checks flattened and its lists already
tuples. Installed by :func:`bot.rasa_patches.install` in place of ``_get_possible_keys``.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET

State = dict[str, dict[str, Any]]
#: One rule state as checks: (sub-state name, key, the rule's value), and whether it has a
#: previous action (a rule state without one is a conversation start).
_CompiledState = tuple[bool, tuple[tuple[str, str, Any], ...]]


#: Rules of the models loaded in this process (about 160 per model; a new model adds its own).
@functools.lru_cache(maxsize=4096)
def compiled_rule(rule_key: str) -> tuple[_CompiledState, ...]:
    """The rule's states, last first, as flat checks (one rule key is one rule's states)."""
    compiled = []
    for state in reversed(json.loads(rule_key)):
        checks = tuple(
            (state_type, key, tuple(value) if isinstance(value, list) else value)
            for state_type, sub_state in state.items()
            for key, value in sub_state.items()
        )
        compiled.append((bool(state.get(PREVIOUS_ACTION)), checks))
    return tuple(compiled)


def _state_matches(checks: tuple[tuple[str, str, Any], ...], conversation_state: State) -> bool:
    """``RulePolicy._does_rule_match_state`` over compiled checks."""
    for state_type, key, rule_value in checks:
        conversation_value = conversation_state.get(state_type, {}).get(key)
        if rule_value == SHOULD_NOT_BE_SET:
            if conversation_value and conversation_value != SHOULD_NOT_BE_SET:
                return False
        elif rule_value and conversation_value != rule_value:
            return False
    return True


def _applicable(rule_key: str, turn_index: int, conversation_state: State) -> bool:
    """``RulePolicy._is_rule_applicable`` over the compiled rule."""
    rule = compiled_rule(rule_key)
    if turn_index >= len(rule):
        return True
    rule_has_previous_action, checks = rule[turn_index]
    has_previous_action = bool(conversation_state.get(PREVIOUS_ACTION))
    if not rule_has_previous_action and not has_previous_action:
        return True
    if not rule_has_previous_action or not has_previous_action:
        return False
    return _state_matches(checks, conversation_state)


def possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    """``RulePolicy._get_possible_keys``: the rule keys of ``lookup`` that ``states`` match."""
    keys = set(lookup)
    for turn_index, state in enumerate(reversed(states)):
        keys = {key for key in keys if _applicable(key, turn_index, state)}
    return keys
