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

Nearly every check is of the conversation's current state (97 % of them in
``tools.bench.turns``): each rule whose last state names a previous action can match only a
conversation whose previous action has that name, so the first turn checks only those rules
(:class:`_FirstTurn`, built once per rule table) and the rules that name none.
"""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

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


class _FirstTurn:
    """A rule table's keys by the previous action their last state names."""

    def __init__(self, keys: list[str]) -> None:
        self.by_action: dict[Any, list[str]] = {}
        #: Rules that name no previous action in their last state (or have no state).
        self.others: list[str] = []
        for key in keys:
            action = _named_action(compiled_rule(key))
            if action is None:
                self.others.append(key)
            else:
                self.by_action.setdefault(action, []).append(key)

    def candidates(self, state: State) -> list[str]:
        """The keys that can match ``state`` (a superset of those that do)."""
        action = state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        return [*self.by_action.get(action, ()), *self.others]


def _named_action(rule: tuple[_CompiledState, ...]) -> Any:
    """The previous action's name the rule's last state requires, if it requires one:
    :func:`_applicable` is false for a conversation state without that name."""
    if not rule or not rule[0][0]:
        return None
    for state_type, key, value in rule[0][1]:
        if state_type == PREVIOUS_ACTION and key == ACTION_NAME:
            return value if value and value != SHOULD_NOT_BE_SET else None
    return None


#: The first-turn index of each rule table seen (a policy has two; by identity: the tables do
#: not change once trained, and the entry holds its table so the id is not reused).
_FIRST_TURNS: OrderedDict[int, tuple[dict[str, str], int, _FirstTurn]] = OrderedDict()
_TABLES_KEPT = 16


def _first_turn(lookup: dict[str, str]) -> _FirstTurn:
    entry = _FIRST_TURNS.get(id(lookup))
    if entry is not None and entry[0] is lookup and entry[1] == len(lookup):
        return entry[2]
    index = _FirstTurn(list(lookup))
    _FIRST_TURNS[id(lookup)] = (lookup, len(lookup), index)
    while len(_FIRST_TURNS) > _TABLES_KEPT:
        _FIRST_TURNS.popitem(last=False)
    return index


def possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    """``RulePolicy._get_possible_keys``: the rule keys of ``lookup`` that ``states`` match."""
    if not states:
        return set(lookup)
    current = states[-1]
    keys = {key for key in _first_turn(lookup).candidates(current) if _applicable(key, 0, current)}
    for turn_index, state in enumerate(reversed(states[:-1]), start=1):
        keys = {key for key in keys if _applicable(key, turn_index, state)}
    return keys
