"""A hypothetical question names a problem that has not happened: it logs no complaint.

"What happens if my parcel turns up damaged?" or "ako povrat ne legne, kome da se javim?" asks
about a problem before it happens (docs/categories.md, "First question": questions log
nothing). The problem words in it ("damaged", "povrat") would otherwise make it a complaint
(:mod:`bot.nlu.complaint_decision`). The openers are in ``bot/text/data/non_complaints.yml``
(``hypothetical``, ``hypothetical_if``); the message stays a complaint when a later sentence
names a problem ("What if it breaks? Mine already has a crack."), when it complains ("why",
"still", "three days": the ``complaint_question`` words), is angry, legal or sarcastic ("what
if you delivered on time for once": ``hypothetical_blockers``), or gives an order number (a
real order, not a supposed one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ruamel.yaml import YAML

from bot.dialogue.decision import (
    NON_COMPLAINTS_FILE,
    names_a_problem,
    non_complaint_cues,
    reads_angry,
)
from bot.policy.lexicons import Lexicon, Prepared, prepare
from bot.text.clean import SENTENCE_BREAK

#: An order or reference number: the customer speaks of a real order.
_REFERENCE = re.compile(r"\d{3,}")


@dataclass(frozen=True)
class HypotheticalCues:
    """The ``hypothetical`` openers, the ``hypothetical_if`` words and the
    ``hypothetical_blockers``."""

    openers: Lexicon
    if_words: frozenset[str]
    blockers: Lexicon


@cache
def hypothetical_cues() -> HypotheticalCues:
    """The cues of ``non_complaints.yml``."""
    data = YAML(typ="safe").load(NON_COMPLAINTS_FILE.read_text(encoding="utf-8"))
    return HypotheticalCues(
        openers=Lexicon(str(pattern) for pattern in data["hypothetical"]),
        if_words=frozenset(str(word) for word in data["hypothetical_if"]),
        blockers=Lexicon(str(pattern) for pattern in data["hypothetical_blockers"]),
    )


def _opening_words(prepared: Prepared, clause: int, start: int) -> list[str]:
    """The words of ``prepared`` before position ``start`` of clause ``clause``."""
    before = [word for words in prepared.clauses[:clause] for word in words]
    return before + list(prepared.clauses[clause][:start])


def _opens_hypothetically(text: str, prepared: Prepared) -> bool:
    cues = hypothetical_cues()
    openers = non_complaint_cues().how_to_openers
    for hit in cues.openers.find(prepared):
        if all(word in openers for word in _opening_words(prepared, hit.clause, hit.start)):
            return True
    words = [word for clause in prepared.clauses for word in clause if word not in openers]
    return bool(words) and words[0] in cues.if_words and text.rstrip().endswith("?")


def hypothetical_question(text: str) -> bool:
    """Whether ``text`` is a hypothetical question and no complaint (see the module docstring)."""
    prepared = prepare(text)
    if not _opens_hypothetically(text, prepared):
        return False
    if _REFERENCE.search(text) or non_complaint_cues().complaint_question.find(prepared):
        return False
    if reads_angry(prepared) or hypothetical_cues().blockers.find(prepared):
        return False
    _, *rest = SENTENCE_BREAK.split(text.strip(), maxsplit=1)
    return not (rest and names_a_problem(rest[0]))
