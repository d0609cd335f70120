"""The figures of the held-out evaluation, as plain functions of gold and predicted labels.

No Rasa here: the evaluation runner turns model output into these inputs, and the unit tests
feed them small hand-made cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sklearn.metrics import f1_score, precision_recall_fscore_support

#: The three steps of the script, in order: thank, acknowledge, ask.
SCRIPT_STEPS: tuple[str, ...] = (
    "utter_thank_for_complaint",
    "utter_acknowledge",
    "utter_ask_desired_resolution",
)


@dataclass(frozen=True)
class ClassScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class IntentScore:
    macro_f1: float
    accuracy: float
    per_class: dict[str, ClassScore]


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> IntentScore:
    """Macro-F1 over the intents of the gold labels, and accuracy.

    A prediction outside the gold intents (``nlu_fallback``, say) is a miss for the gold
    intent; it is not a class of its own, so it does not add a zero to the macro average.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")
    if not gold:
        return IntentScore(0.0, 0.0, {})
    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    per_class = {
        label: ClassScore(float(p), float(r), float(f), int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    macro = float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    return IntentScore(macro, accuracy, per_class)


def category_accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    """Share of complaints (gold ``complain_*``) given exactly the right category."""
    pairs = [(g, p) for g, p in zip(gold, predicted, strict=True) if g.startswith("complain_")]
    if not pairs:
        return None
    return sum(g == p for g, p in pairs) / len(pairs)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the counts behind them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


Span = tuple[str, int, int]


def entity_prf(gold: Iterable[Iterable[Span]], predicted: Iterable[Iterable[Span]]) -> PRF:
    """Micro precision/recall/F1 of entities per message; a hit needs the same type and the
    exact same character span."""
    tp = fp = fn = 0
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        g, p = set(gold_spans), set(predicted_spans)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return PRF(tp, fp, fn)


def escalation_prf(
    gold: Iterable[Iterable[str]], predicted: Iterable[Iterable[str]]
) -> tuple[PRF, PRF]:
    """(escalated or not per message, reasons per message) as precision/recall counts.

    The first counts messages: a message that should go to a person and does is a true
    positive, whatever the reasons. The second counts (message, reason) pairs.
    """
    decision = [0, 0, 0]
    reasons = [0, 0, 0]
    for gold_reasons, predicted_reasons in zip(gold, predicted, strict=True):
        g, p = set(gold_reasons), set(predicted_reasons)
        decision[0] += bool(g) and bool(p)
        decision[1] += bool(p) and not g
        decision[2] += bool(g) and not p
        reasons[0] += len(g & p)
        reasons[1] += len(p - g)
        reasons[2] += len(g - p)
    return PRF(*decision), PRF(*reasons)


def rate(hits: Iterable[bool]) -> float | None:
    """Share of true values; None when there is nothing to count."""
    values = list(hits)
    return sum(values) / len(values) if values else None


# --- the script -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Variation:
    """One response text and the language/script it is meant for (None: any)."""

    pattern: re.Pattern[str]
    language: str | None
    script: str | None

    def suits(self, language: str, script: str) -> bool:
        return (self.language or "en") == language and self.script in (None, script)


_PLACEHOLDER = re.compile(r"\\\{\w+\\\}")


def template_pattern(text: str) -> re.Pattern[str]:
    """A response template as a pattern: ``{slot}`` placeholders match any text."""
    return re.compile(_PLACEHOLDER.sub(".+?", re.escape(text.strip())), re.DOTALL)


def response_variations(responses: Mapping[str, object]) -> dict[str, list[Variation]]:
    """The text variations of the domain's responses with their language/script conditions."""
    variations: dict[str, list[Variation]] = {}
    for name, entries in responses.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
                continue
            conditions = {
                c.get("name"): c.get("value")
                for c in entry.get("condition") or []
                if isinstance(c, dict)
            }
            variations.setdefault(name, []).append(
                Variation(
                    template_pattern(entry["text"]),
                    conditions.get("language"),
                    conditions.get("script"),
                )
            )
    return variations


def in_language(
    action: str,
    text: str,
    language: str,
    script: str,
    variations: Mapping[str, list[Variation]],
) -> bool:
    """Whether ``text`` uttered by ``action`` is a variation meant for language and script."""
    return any(
        v.suits(language, script) and v.pattern.fullmatch(text.strip())
        for v in variations.get(action, [])
    )


def follows_script(
    utterances: Sequence[tuple[str, str]],
    language: str,
    script: str,
    variations: Mapping[str, list[Variation]],
) -> bool:
    """Whether the bot thanked, acknowledged and asked, in that order, in the customer's
    language and script. ``utterances`` are (response name, text) in the order sent.

    The three steps must follow one another directly; every one must be a variation meant
    for the customer's language and script.
    """
    names = [name for name, _ in utterances]
    steps = len(SCRIPT_STEPS)
    for start in range(len(names) - steps + 1):
        if tuple(names[start : start + steps]) == SCRIPT_STEPS:
            return all(
                in_language(name, text, language, script, variations)
                for name, text in utterances[start : start + steps]
            )
    return False
