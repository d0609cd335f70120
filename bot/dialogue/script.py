"""Which responses say each step of the complaint script (``bot/dialogue/data/script.yml``).

The actions that decide a step utter its responses themselves, so Rasa predicts one action
per step instead of the action and then every response after it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

SCRIPT_FILE = Path(__file__).with_name("data") / "script.yml"


@cache
def _script() -> dict[str, Any]:
    with SCRIPT_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{SCRIPT_FILE.name}: expected a mapping")
    return data


def _responses(section: str, key: str) -> tuple[str, ...]:
    responses = _script()[section].get(key)
    if responses is None:
        raise KeyError(f"{SCRIPT_FILE.name}: no '{key}' under '{section}'")
    return tuple(responses)


def opening(note_outcome: str) -> tuple[str, ...]:
    """What the bot says when a complaint or details are told, by ``note_outcome``."""
    return _responses("opening", note_outcome)


def escalation(intent: str, matter_named: bool, wish_given: bool = False) -> tuple[str, ...]:
    """What the bot says to a request for a person (``request_human``) or abuse (``insult``).

    When the message opened a complaint naming its matter, the script runs around it: thanked
    for and acknowledged first, then "what can we do for you?" (or, ``wish_given``, the wish the
    message demanded is confirmed), so the colleague who takes over knows what is wanted.
    """
    if not matter_named:
        return _responses("escalation", intent)
    then = _responses("matter_named_then", "wish" if wish_given else "ask")
    return (*_script()["matter_named"], *_responses("escalation", intent), *then)


def chase(matter_named: bool) -> tuple[str, ...]:
    """What the bot says to a chase of an old complaint that opened the conversation's
    complaint: acknowledged by the matter it names, or by the chase itself."""
    return _responses("chase", "matter_named" if matter_named else "unnamed")


def escalating_intents() -> frozenset[str]:
    """The intents that bring a person at once, whatever question is open."""
    return frozenset(_script()["escalation"])


def not_understood(escalate: bool, announced: bool = False) -> tuple[str, ...]:
    """What the bot says to a message it did not understand; ``announced``: the message said
    that something is wrong without saying what ("I have a problem")."""
    if escalate:
        return _responses("not_understood", "escalate")
    return _responses("not_understood", "announced" if announced else "ask_again")


def next_step(step: str) -> tuple[str, ...]:
    """What the bot says when ``action_complaint_next_step`` decided ``step``."""
    return _responses("next_step", step)


def responses_named() -> frozenset[str]:
    """Every response the script names (checked against the domain by the tests)."""
    script = _script()
    named: set[str] = set(script["matter_named"])
    sections = ("opening", "escalation", "matter_named_then", "chase", "not_understood",
                "next_step")  # fmt: skip
    for section in sections:
        for responses in script[section].values():
            named.update(responses)
    return frozenset(named)
