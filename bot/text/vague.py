"""Words that say nothing yet: fillers, and a first message that announces a problem or points
at "the thing" without saying what it is.

The word lists are data (``bot/text/data/fillers.yml``, folded words; a trailing ``*`` marks a
stem). :func:`fillers` feeds the "nothing to understand" check (bot/nlu/gibberish.py);
:func:`says_nothing_yet` tells a message such as "I have a problem", "imam reklamaciju", "the
thing from tuesday" or "ono sa stvarima za bebu" from one that names its matter ("I have a
problem with my order"), so that the bot asks what happened instead of thanking for and
acknowledging a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.text.problems import words

FILLERS_FILE = Path(__file__).with_name("data") / "fillers.yml"
FAMILIES = ("en", "bcs")


@dataclass(frozen=True)
class WordSet:
    """Whole words and stems (a listed word ending in ``*``)."""

    whole: frozenset[str]
    stems: tuple[str, ...]

    @classmethod
    def of(cls, listed: list[str]) -> WordSet:
        return cls(
            frozenset(word for word in listed if not word.endswith("*")),
            tuple(word[:-1] for word in listed if word.endswith("*")),
        )

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (
            word in self.whole or any(word.startswith(stem) for stem in self.stems)
        )


def _listed(value: Any, where: str) -> list[str]:
    """Both families' words of one list (a YAML list, or a folded block of words)."""
    if not isinstance(value, dict) or set(value) != set(FAMILIES):
        raise ValueError(f"{FILLERS_FILE.name}: {where} needs the lists {', '.join(FAMILIES)}")
    listed: list[str] = []
    for family in FAMILIES:
        words_of = value[family]
        if isinstance(words_of, str):
            words_of = words_of.split()
        if not isinstance(words_of, list) or not all(isinstance(w, str) for w in words_of):
            raise ValueError(f"{FILLERS_FILE.name}: {where}.{family} must list words")
        listed.extend(words_of)
    return listed


@cache
def _data() -> dict[str, Any]:
    with FILLERS_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{FILLERS_FILE.name}: expected a mapping")
    return data


@cache
def fillers() -> frozenset[str]:
    """Folded words that carry no request or complaint on their own."""
    return frozenset(_listed(_data().get("fillers"), "fillers"))


@cache
def _nothing_said_yet() -> tuple[WordSet, WordSet, WordSet]:
    section = _data().get("nothing_said_yet")
    if not isinstance(section, dict):
        raise ValueError(f"{FILLERS_FILE.name}: no 'nothing_said_yet' section")
    return tuple(  # type: ignore[return-value]
        WordSet.of(_listed(section.get(name), f"nothing_said_yet.{name}"))
        for name in ("problem", "vague", "framing")
    )


def says_nothing_yet(text: str) -> bool:
    """Whether ``text`` announces a problem or points at a matter without naming it: a word
    of the ``problem`` or ``vague`` list, and nothing but those, fillers and framing words
    (greetings, wanting, days). A digit (an order number, a date) says something."""
    if any(character.isdigit() for character in text):
        return False
    found = words(text)
    problem, vague, framing = _nothing_said_yet()
    if not any(word in problem or word in vague for word in found):
        return False
    filler = fillers()
    return all(
        word in filler or word in problem or word in vague or word in framing for word in found
    )
