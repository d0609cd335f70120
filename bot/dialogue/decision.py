"""Is this message a complaint, and in which category? Decided on its own, biased towards
logging (docs/categories.md, "First question").

A message is a complaint when the classifier says so, when the complaint intents together are
likely even though another intent won (a rant read as an insult, praise followed by a
problem), or when it names a problem or demands a remedy in words the cue lists know
(``bot/text/data/complaint_cues.yml``). The category is the best complaint intent when the
classifier is fairly sure of it, else the category whose problem cues match most
(``bot/text/data/problems.yml``), else ``other``: a problem is never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX, category_from_intent
from bot.text.problems import complaint_signals, matching_cues, problem_cues

#: Complaint intents together at least this likely: a complaint, whatever won.
COMPLAINT_MASS = 0.4
#: The best complaint intent names the category from this confidence on...
CONFIDENT_CATEGORY = 0.3
#: ... or from this one when no problem cue names a category ("refund me, it leaks": the
#: money words pull the classifier towards billing, the cue "leaks" says product_quality).
MIN_CATEGORY_CONFIDENCE = 0.1


@dataclass(frozen=True)
class ComplaintDecision:
    """The decision and why it was taken (shown in the parse data and the logs)."""

    is_complaint: bool
    category: str | None
    why: tuple[str, ...] = ()


def _best_complaint_intent(ranking: Sequence[tuple[str, float]]) -> tuple[str | None, float]:
    scored = [(name, conf) for name, conf in ranking if name.startswith(COMPLAINT_INTENT_PREFIX)]
    return max(scored, key=lambda item: item[1], default=(None, 0.0))


def category_from_cues(text: str) -> str | None:
    """The category whose problem cues match ``text`` most (file order breaks ties)."""
    best, best_hits = None, 0
    for category, problems in problem_cues().items():
        hits = sum(len(matching_cues(text, cues)) for cues in problems.values())
        if hits > best_hits:
            best, best_hits = category, hits
    return best


def decide(
    text: str,
    intent: str | None,
    ranking: Sequence[tuple[str, float]],
    known_categories: tuple[str, ...],
    *,
    demand_is_complaint: bool = False,
    use_mass: bool = True,
) -> ComplaintDecision:
    """Decide whether ``text`` is a complaint and choose its category.

    ``demand_is_complaint``: the message stated a wish outside a complaint flow ("refund me
    now" as a first message), which is a complaint by itself. ``use_mass``: whether the
    complaint intents' summed confidence counts (not where praise was already put first for
    naming no problem).
    """
    category = category_from_intent(intent, known_categories)
    if category is not None:
        return ComplaintDecision(True, category, (f"intent:{intent}",))
    why: list[str] = []
    best_intent, best_confidence = _best_complaint_intent(ranking)
    mass = sum(c for name, c in ranking if name.startswith(COMPLAINT_INTENT_PREFIX))
    if use_mass and mass >= COMPLAINT_MASS:
        why.append(f"complaint-intents:{mass:.2f}")
    signals = complaint_signals(text)
    why += [f"problem:{cue}" for cue in signals.get("problem", [])]
    why += [f"demand:{cue}" for cue in signals.get("demand", [])]
    if demand_is_complaint:
        why.append(f"wish-outside-complaint:{intent}")
    if not why:
        return ComplaintDecision(False, None)
    cue_category = category_from_cues(text)
    if cue_category not in known_categories:
        cue_category = None
    if best_intent is not None and (
        best_confidence >= CONFIDENT_CATEGORY
        or (cue_category is None and best_confidence >= MIN_CATEGORY_CONFIDENCE)
    ):
        category = category_from_intent(best_intent, known_categories)
        why.append(f"category-intent:{best_intent}:{best_confidence:.2f}")
    else:
        category = cue_category or "other"
        why.append(f"category-cues:{category}")
    return ComplaintDecision(True, category or "other", tuple(why))
