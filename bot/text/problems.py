"""What went wrong: cue-word matching for the problem within a category and for the
complaint decision.

The cue lists live in ``bot/text/data/problems.yml`` (category -> problem -> cues) and
``bot/text/data/complaint_cues.yml`` (problem and demand cues). Matching is on folded words
(:func:`bot.text.fold.fold`), so diacritics and Cyrillic do not matter; each cue word matches
the start of a message word, and a cue's words must come in order with at most
:data:`MAX_GAP` other words between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.text.fold import fold

DATA_DIR = Path(__file__).with_name("data")
#: Other words allowed between two words of a cue ("arrived completely broken").
MAX_GAP = 2
#: The problem of a category when no cue of its own problems matches.
GENERAL = "general"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

Cue = tuple[str, ...]


def words(text: str) -> list[str]:
    """The folded words of ``text`` (apostrophes dropped: "doesn't" -> "doesnt")."""
    return _WORD.findall(fold(text).replace("'", "").replace("’", ""))


def _cues(entries: Iterable[str]) -> tuple[Cue, ...]:
    return tuple(tuple(words(entry)) for entry in entries if words(entry))


def _load(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping at the top")
    return data


@cache
def problem_cues() -> dict[str, dict[str, tuple[Cue, ...]]]:
    """category -> problem -> cues (all languages together), in file order."""
    return {
        category: {
            problem: _cues(cue for family in by_family.values() for cue in family or ())
            for problem, by_family in problems.items()
        }
        for category, problems in _load("problems.yml").items()
    }


@cache
def complaint_cues() -> dict[str, tuple[Cue, ...]]:
    """``problem`` and ``demand`` cues (all languages together)."""
    return {
        kind: _cues(cue for family in by_family.values() for cue in family or ())
        for kind, by_family in _load("complaint_cues.yml").items()
    }


def _matches(cue: Cue, message: list[str], max_gap: int = MAX_GAP) -> bool:
    for start, word in enumerate(message):
        if not word.startswith(cue[0]):
            continue
        position, found = start, True
        for part in cue[1:]:
            window = message[position + 1 : position + 2 + max_gap]
            offset = next((i for i, w in enumerate(window) if w.startswith(part)), None)
            if offset is None:
                found = False
                break
            position += 1 + offset
        if found:
            return True
    return False


def matching_cues(text: str, cues: Iterable[Cue], max_gap: int = MAX_GAP) -> list[str]:
    """The cues (as text) found in ``text``."""
    message = words(text)
    return [" ".join(cue) for cue in cues if _matches(cue, message, max_gap)]


def detect_problem(text: str, category: str | None) -> str | None:
    """The problem within ``category`` that ``text`` names most, else :data:`GENERAL`.

    ``None`` for a category the cue file does not know (a custom category in ``bot.yml``):
    its acknowledgement is the catch-all one.
    """
    problems = problem_cues().get(category or "")
    if problems is None:
        return None
    best, best_hits = GENERAL, 0
    for problem, cues in problems.items():
        hits = len(matching_cues(text, cues))
        if hits > best_hits:
            best, best_hits = problem, hits
    return best


def complaint_signals(text: str) -> dict[str, list[str]]:
    """The problem and demand cues found in ``text`` (empty lists: none).

    Demand cues must match word for word ("repair it", not "the repair didn't help, it").
    """
    return {
        kind: matching_cues(text, cues, 0 if kind == "demand" else MAX_GAP)
        for kind, cues in complaint_cues().items()
    }
