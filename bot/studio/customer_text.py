"""Customer text that the review inbox copied into the project, found and removed again.

The review inbox (:mod:`bot.studio.review`) copies a customer's message into
``data/nlu/<language>.yml`` as a training example and a whole conversation into
``tests/stories/test_<language>.yml`` as a test story. An erasure request must take those
copies out too: :func:`find_copies` lists them (examples matched on their plain text, markup
removed; test stories that hold a matching customer step) and :func:`remove_copies` deletes
them under the studio's project lock, validated as any studio edit is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.studio.files import LANGUAGES, nlu_file, test_file
from bot.studio.project import Change, read_data, save
from bot.studio.training_examples import delete_example, parse_example
from bot.text.clean import one_line


@dataclass(frozen=True)
class Copy:
    """One place in the project that holds a customer's text."""

    kind: str  # "example" or "test story"
    file: str
    language: str
    name: str  # the intent of the example, or the story's title
    text: str  # the example line as stored, or the matching customer step

    def describe(self) -> str:
        where = "intent" if self.kind == "example" else "story"
        return f"{self.file}: {self.kind} of {where} {self.name!r}"


def _key(text: str) -> str:
    return one_line(text).casefold()


def _plain(line: str) -> str:
    return parse_example(line)["plain"] if "[" in line else line


def _example_lines(block: Any) -> list[str]:
    return [line[2:] for line in str(block or "").splitlines() if line.startswith("- ")]


def find_copies(root: Path, texts: Iterable[str]) -> list[Copy]:
    """Examples and test stories of the project that hold one of ``texts``."""
    wanted = {_key(text) for text in texts if text and text.strip()}
    if not wanted:
        return []
    found: list[Copy] = []
    for language in LANGUAGES:
        rel = nlu_file(language)
        for item in (read_data(root, rel) or {}).get("nlu") or []:
            if not isinstance(item, dict) or "intent" not in item:
                continue
            for line in _example_lines(item.get("examples")):
                if _key(_plain(line)) in wanted:
                    found.append(Copy("example", rel, language, str(item["intent"]), line))
        rel = test_file(language)
        for story in (read_data(root, rel) or {}).get("stories") or []:
            if not isinstance(story, dict):
                continue
            for step in story.get("steps") or []:
                user = step.get("user") if isinstance(step, dict) else None
                if isinstance(user, str) and _key(_plain(user)) in wanted:
                    found.append(Copy("test story", rel, language, str(story.get("story")), user))
                    break
    return found


def remove_copies(root: Path, copies: Iterable[Copy]) -> int:
    """Delete the examples and test stories ``copies``; returns how many were removed."""
    removed = 0
    stories: dict[str, set[str]] = {}
    for copy in copies:
        if copy.kind == "example":
            delete_example(root, copy.name, copy.language, copy.text)
            removed += 1
        else:
            stories.setdefault(copy.file, set()).add(copy.name)
    if stories:

        def edit(change: Change) -> int:
            count = 0
            for rel, names in stories.items():
                items = change.changes(rel).get("stories") or []
                for index in reversed(range(len(items))):
                    if isinstance(items[index], dict) and str(items[index].get("story")) in names:
                        del items[index]
                        count += 1
            return count

        removed += save(root, edit)[0]
    return removed
