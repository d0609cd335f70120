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
from bot.policy import lexicons
from bot.policy.lexicons import prepare
from bot.policy.resolution import classify_resolution
from bot.text.problems import complaint_signals, matching_cues, problem_cues

#: Complaint intents together at least this likely: a complaint, whatever won.
COMPLAINT_MASS = 0.4
#: The best complaint intent names the category from this confidence on...
CONFIDENT_CATEGORY = 0.3
#: ... or from this one when no problem cue names a category ("refund me, it leaks": the
#: money words pull the classifier towards billing, the cue "leaks" says product_quality).
MIN_CATEGORY_CONFIDENCE = 0.1
#: A wish outside a complaint flow opens a complaint when it names a remedy, or when the
#: classifier is at least this sure that it is a wish (:func:`wish_opens_complaint`).
CONFIDENT_WISH = 0.6
#: An intent that logs a complaint or calls a person, below this confidence, loses to
#: ``out_of_scope`` when that is at least :data:`UNSERVED_SHARE` as likely and the words show
#: neither a problem nor a wish for a person ("any chance of frost this week", "call the vet",
#: "i want to hear some sad songs": the classifier has seen few such requests). Praise is no
#: rival: sarcasm reads as praise.
UNSURE_INTENT = 0.5
UNSERVED_SHARE = 0.5
UNSERVED_INTENT = "out_of_scope"
#: What a customer asks of a shop, not a remedy: a wish naming none of these is no complaint.
_NO_REMEDY = frozenset({"other", "nothing"})


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


def out_of_scope_close_behind(ranking: Sequence[tuple[str, float]]) -> bool:
    """Whether the best intent is unsure (below :data:`UNSURE_INTENT`) and ``out_of_scope``
    is at least :data:`UNSERVED_SHARE` as likely."""
    if not ranking:
        return False
    confidence = ranking[0][1]
    unserved = max((c for name, c in ranking if name == UNSERVED_INTENT), default=0.0)
    return confidence < UNSURE_INTENT and unserved >= UNSERVED_SHARE * confidence


def unserved_over_weak_complaint(text: str, ranking: Sequence[tuple[str, float]]) -> bool:
    """Whether a message whose best intent is a complaint is rather a request the bot cannot
    serve: the complaint is unsure, ``out_of_scope`` is close behind
    (:func:`out_of_scope_close_behind`) and the text names no problem and demands no remedy
    (``complaint_cues.yml``), or is a task for a personal assistant ("remind me to get a refund
    form", :data:`bot.policy.lexicons.ASSISTANT_TASKS`)."""
    if not ranking or not ranking[0][0].startswith(COMPLAINT_INTENT_PREFIX):
        return False
    if not out_of_scope_close_behind(ranking):
        return False
    signals = complaint_signals(text)
    if not (signals.get("problem") or signals.get("demand")):
        return True
    return bool(lexicons.ASSISTANT_TASKS.find(prepare(text)))


#: Entities that name the customer's own complaint or order.
REFERENCE_ENTITIES = frozenset({"ticket", "order_ref"})
CHASE_INTENT = "ask_status"


def news_not_a_chase(text: str, intent: str | None, entities: frozenset[str]) -> bool:
    """Whether a status question (``ask_status``) asks for news of the world ("any news about
    the strike", "ima li vijesti o štrajku") rather than chasing a complaint: it asks for news
    (:data:`bot.policy.lexicons.WORLD_NEWS`) and names no ticket or order, nor the customer's
    own matter (:data:`bot.policy.lexicons.OWN_MATTER`: "my", "reklamacija", "I reported")."""
    if intent != CHASE_INTENT or entities & REFERENCE_ENTITIES:
        return False
    prepared = prepare(text)
    return bool(lexicons.WORLD_NEWS.find(prepared)) and not lexicons.OWN_MATTER.find(prepared)


def wish_opens_complaint(text: str, intent: str | None, confidence: float) -> bool:
    """Whether a message read as a wish (``state_resolution``) outside a complaint flow is a
    demand that opens a complaint ("refund me now", "pošaljite mi novi").

    Requests a complaint bot cannot serve are imperative too ("send an email to my boss",
    "naruči mi picu") and sometimes land on the wish intent with low confidence: they open
    nothing unless they name a remedy the resolution lists know (refund, replacement,
    repair, apology, compensation...) or the classifier is sure of the wish.

    An answer that wants nothing ("iskreno ne znam", "I just wanted you to know") opens
    nothing however sure the classifier is: it is how customers answer "what can we do for
    you?", not a demand.
    """
    if intent != "state_resolution":
        return False
    wish = classify_resolution(text, intent)
    if wish == "nothing":
        return False
    return confidence >= CONFIDENT_WISH or wish not in _NO_REMEDY


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
