"""Train on what independent writers wrote: the dev sets' labelled complaints as NLU examples.

Four sessions of word lists tuned on the dev sets' misses did not move the blind test set; the
dev sets themselves, written blind by other writers, are what the model lacked. ``python -m
tools.evaluation train-on-dev --set dev --set dev2 ...`` appends each set's complaint *first
messages* that carry a category to ``data/nlu/<group>.yml`` as ``complain_<category>`` examples,
in one marked section per file, and skips texts already there (run it twice: nothing changes).
Conversations are left out: their label is the whole conversation's, not its first turn's.

A set added here is training data from then on: its category figures no longer measure
generalisation. The blind sets (``test``, ``dev5``) are refused, and ``drop-leaks`` removes
any example that nearly duplicates one of their sentences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from tools.evaluation.duplicates import NLU_DIR
from tools.evaluation.leaks import plain_text
from tools.evaluation.sets import BLIND_SETS, GROUPS, MESSAGE, Item, load_set

#: The comment that opens the section this module writes in each training file.
SECTION_HEADER = (
    "# Complaints written by the dev sets' independent writers "
    "(python -m tools.evaluation train-on-dev)"
)


class BlindSetError(ValueError):
    """A blind set was named: it must never become training data."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def trainable(items: Iterable[Item]) -> dict[str, dict[str, list[str]]]:
    """Per group, per intent, the one-line texts of the complaint first messages with a category."""
    by_group: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        if item.kind != MESSAGE or not item.complaint or item.category is None:
            continue
        text = _one_line(item.turns[0])
        if text:
            by_group[item.group][f"complain_{item.category}"].append(text)
    return by_group


def example_key(line: str) -> str | None:
    """The casefolded plain text of a training file's example line, ``None`` for other lines."""
    stripped = line.strip()
    if stripped.startswith("- ") and not stripped.startswith("- intent:"):
        return plain_text(stripped[2:]).casefold()
    return None


def _known_examples(path: Path) -> set[str]:
    keys = (example_key(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {key for key in keys if key is not None}


def section_lines(by_intent: dict[str, list[str]], known: set[str]) -> list[str]:
    """The YAML lines of the new examples (texts in ``known`` and repeats left out)."""
    lines: list[str] = []
    for intent in sorted(by_intent):
        fresh: list[str] = []
        for text in by_intent[intent]:
            if text.casefold() not in known:
                known.add(text.casefold())
                fresh.append(text)
        if fresh:
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {text}" for text in fresh]
    return lines


def add_dev_examples(set_names: Iterable[str], nlu_dir: Path = NLU_DIR) -> dict[str, int]:
    """Append the sets' complaints to the group files; the count added per file name."""
    names = list(set_names)
    blind = sorted(set(names) & set(BLIND_SETS))
    if blind:
        raise BlindSetError(f"blind sets are never training data: {', '.join(blind)}")
    by_group: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name in names:
        for group, by_intent in trainable(load_set(name).items).items():
            for intent, texts in by_intent.items():
                by_group[group][intent] += texts
    added: dict[str, int] = {}
    for group in GROUPS:
        path = nlu_dir / f"{group}.yml"
        if group not in by_group or not path.exists():
            continue
        content = path.read_text(encoding="utf-8")
        lines = section_lines(by_group[group], _known_examples(path))
        count = sum(1 for line in lines if line.startswith("    - "))
        if not count:
            continue
        if SECTION_HEADER not in content:
            lines = ["", SECTION_HEADER, *lines]
        path.write_text(content.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        added[path.name] = count
    return added
