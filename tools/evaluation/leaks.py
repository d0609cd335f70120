"""Keep the training data apart from the blind sets, without anyone reading them.

``python -m tools.evaluation drop-leaks`` removes from ``data/nlu/*.yml`` every training example
that nearly duplicates a sentence of the frozen test set or of the blind dev set ``dev5`` (the
measure of :mod:`tools.evaluation.duplicates`; exempt sentences protect nothing) and prints only
how many it removed per file, never the sentences: whoever tunes the bot must not learn the
blind sets from it. Run it after adding training data;
``tests/tools/evaluation/test_no_near_duplicates.py`` fails until it is run.

Lines are removed from the files as they are, so comments and layout stay (``git diff`` shows
only the removed examples).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tools.evaluation.duplicates import (
    FILE_LANGUAGE,
    NLU_DIR,
    Example,
    TrainingIndex,
    is_exempt,
)
from tools.evaluation.sets import every_text

#: One example line of an ``examples: |`` block: "    - text".
_EXAMPLE_LINE = re.compile(r"^(\s*)- (.*)$")
#: Entity markup: [text](entity), [text]{"entity": ...}.
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def plain_text(example: str) -> str:
    """The example's text as the customer would type it (entity markup removed)."""
    return _ENTITY.sub(r"\1", example).strip()


def leaking_examples(sentences: Iterable[Example], nlu_dir: Path = NLU_DIR) -> set[str]:
    """The plain texts of training examples that nearly duplicate one of ``sentences``."""
    protected = [sentence for sentence in sentences if not is_exempt(sentence.text)]
    index = TrainingIndex(protected)
    leaks: set[str] = set()
    for path in sorted(nlu_dir.glob("*.yml")):
        language = FILE_LANGUAGE.get(path.stem, "en")
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _EXAMPLE_LINE.match(line)
            if match is None:
                continue
            text = plain_text(match.group(2))
            if text and index.match(Example(text, language)) is not None:
                leaks.add(text)
    return leaks


def drop_leaks(sentences: Iterable[Example], nlu_dir: Path = NLU_DIR) -> Counter[str]:
    """Remove the leaking examples from the files; the count removed per file name."""
    leaks = leaking_examples(sentences, nlu_dir)
    removed: Counter[str] = Counter()
    for path in sorted(nlu_dir.glob("*.yml")):
        kept = []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            match = _EXAMPLE_LINE.match(line.rstrip("\n"))
            if match is not None and plain_text(match.group(2)) in leaks:
                removed[path.name] += 1
                continue
            kept.append(line)
        if removed[path.name]:
            path.write_text("".join(kept), encoding="utf-8")
    return removed


def test_set_sentences() -> list[Example]:
    """Every message and conversation turn of the frozen test set, as duplicate-check input."""
    from tools.evaluation.sets import load_test_set

    return [Example(text, item.language) for item, text in every_text(load_test_set().items)]


def blind_sentences() -> list[Example]:
    """Every message and conversation turn of the blind sets (the test set and the blind dev
    set, :data:`tools.evaluation.sets.BLIND_SETS`) that are present."""
    from tools.evaluation.sets import BLIND_SETS, SetError, load_set

    sentences: list[Example] = []
    for name in BLIND_SETS:
        try:
            items = load_set(name).items
        except SetError:
            continue
        sentences += [Example(text, item.language) for item, text in every_text(items)]
    return sentences
