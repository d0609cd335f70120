"""The category of a complaint opened by a message whose intent is not a complaint.

A customer who asks for a person, chases an earlier complaint or abuses the bot often names the
matter in the same message ("any news on my leaking dishwasher?", "put me through to a person,
the heater doesn't heat"). The complaint opened for them takes its category from that message
the way :func:`bot.dialogue.decision.decide` chooses one: the best complaint intent of the
classifier's ranking when it is fairly sure, else the problem cues, else a less sure complaint
intent. Abuse that names no matter but is aimed at the bot itself ("this bot is useless") is
``service_quality`` (docs/categories.md). A request for a person that names the bot ("not the
bot", "I can't explain this over chat") is no complaint about it: on the second dev set that
reading filed a heater that does not heat and an invoice question as ``service_quality``.
Otherwise there is no category, and the complaint is ``other``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ruamel.yaml import YAML

from bot.dialogue.decision import (
    CONFIDENT_CATEGORY,
    MIN_CATEGORY_CONFIDENCE,
    WISH_INTENT,
    category_from_cues,
    category_from_words,
)
from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX, category_from_intent
from bot.policy import lexicons
from bot.policy.lexicons import prepare
from bot.text.problems import detect_problem, matching_cues, problem_cues, words

BOT_MENTIONS_FILE = Path(__file__).with_name("data") / "bot_mentions.yml"
HANDLING_FILE = Path(__file__).with_name("data") / "matter_over_handling.yml"
ABOUT_THE_BOT = "service_quality"
ABUSE_INTENT = "insult"
#: The category of a complaint whose messages name no matter.
UNNAMED_MATTER = "other"


@cache
def bot_mentions() -> frozenset[str]:
    """The folded words that name the bot, every language together."""
    with BOT_MENTIONS_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{BOT_MENTIONS_FILE.name}: expected a mapping of language families")
    return frozenset(
        word for entries in data.values() for entry in entries for word in words(entry)
    )


def mentions_the_bot(text: str) -> bool:
    """Whether ``text`` names the chat bot itself."""
    return not bot_mentions().isdisjoint(words(text))


def matter_category(
    text: str,
    ranking: Sequence[tuple[str, float]],
    known: tuple[str, ...],
    *,
    about_the_bot: bool = True,
    clause_complaint: tuple[str, float] | None = None,
) -> str | None:
    """The category of the matter ``text`` names, or None when it names none. With
    ``about_the_bot`` false, naming the bot alone is no matter. ``clause_complaint``: the
    best complaint intent of one clause of the message, trusted as the whole message's is."""
    complaints = [(name, c) for name, c in ranking if name.startswith(COMPLAINT_INTENT_PREFIX)]
    best, confidence = max(complaints, key=lambda pair: pair[1], default=(None, 0.0))
    if best is not None and confidence >= CONFIDENT_CATEGORY:
        return category_from_intent(best, known)
    if clause_complaint is not None and clause_complaint[1] >= CONFIDENT_CATEGORY:
        return category_from_intent(clause_complaint[0], known)
    wish = bool(ranking) and ranking[0][0] == WISH_INTENT
    cued = category_from_words(text, wish=wish)
    if cued in known:
        return cued
    if best is not None and confidence >= MIN_CATEGORY_CONFIDENCE:
        return category_from_intent(best, known)
    if about_the_bot and mentions_the_bot(text) and ABOUT_THE_BOT in known:
        return ABOUT_THE_BOT
    return None


@dataclass(frozen=True)
class HandlingRule:
    """``matter_over_handling.yml``: the handling category and its two kinds of problems."""

    handling: str
    the_matter_itself: frozenset[str]
    handling_problems: frozenset[str]


@cache
def handling_rule() -> HandlingRule:
    """The rule of :func:`matter_over_handling`, read from its data file."""
    with HANDLING_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict) or not isinstance(data.get("handling"), str):
        raise ValueError(f"{HANDLING_FILE.name}: expected 'handling' and its problem lists")
    return HandlingRule(
        data["handling"],
        frozenset(str(p) for p in data.get("the_matter_itself") or ()),
        frozenset(str(p) for p in data.get("handling_problems") or ()),
    )


def shows_handling(text: str, rule: HandlingRule) -> bool:
    """Whether ``text`` complains about how something was handled: a handling problem's cues,
    a chase of an earlier contact, or a request for a person."""
    problems = problem_cues().get(rule.handling, {})
    if any(matching_cues(text, problems[p]) for p in rule.handling_problems if p in problems):
        return True
    prepared = prepare(text)
    return bool(lexicons.REPEAT.find(prepared) or lexicons.HUMAN_REQUEST.find(prepared))


def matter_over_handling(text: str, category: str, known: Sequence[str]) -> str | None:
    """The category of the matter a complaint about its handling names, else None.

    "Third call and nobody has done anything about my dead fridge" reads as a complaint about
    the service (calls, nobody answering), but the matter is the fridge. When ``category`` is
    the handling category, the message shows handling (:func:`shows_handling`) and names no
    problem that is a matter itself (a technician who never came, rude staff), the other
    category whose problem cues match it most wins (file order breaks ties).
    """
    rule = handling_rule()
    if category != rule.handling or detect_problem(text, category) in rule.the_matter_itself:
        return None
    if not shows_handling(text, rule):
        return None
    others = set(known) - {rule.handling, UNNAMED_MATTER}
    return category_from_cues(text, among=others)
