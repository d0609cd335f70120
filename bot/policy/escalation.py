"""When a person must take over the conversation, and why.

:func:`assess` looks at one message (its text and NLU result) and at what is known of the
conversation, and returns an :class:`EscalationDecision`: the reasons that apply, each with a
plain-English explanation, the message's anger score and the complaint's severity.

The reasons are the product's rules for "when a person must take over": health or safety, legal
threats, anger (or growing anger), a request for a person, a repeated complaint, money, and the
bot failing to understand twice in a row. Thresholds come from
:class:`bot.settings.EscalationSettings`; an intent counts only when the NLU is confident enough.

The "getting angrier" rule compares with ``previous_anger``, the highest score of the
customer's earlier messages; it is ``None`` on a first message, where only the threshold counts.
Anger also builds up: several messages that each show some of it (``earlier_anger``, then this
one) are combined as independent evidence, the way one message's signals are
(:func:`bot.policy.anger.combine`), so "Seriously?", then "This is ridiculous" reads as an
angry customer although neither message does alone. And a customer who showed a little anger
earlier ("!!") and then presses (a legal step, an ultimatum, "call me TODAY") or gives up ("You
know what, forget it.") is angry: the sign such words need beside them came earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.policy import learned, lexicons
from bot.policy.anger import (
    PRESSURE_COMPANION,
    anger_explanation,
    anger_score,
    combine,
    conversation_sign,
)
from bot.policy.lexicons import (
    Hit,
    Lexicon,
    Prepared,
    find_affirmed,
    find_wished,
    prepare,
    whole,
)
from bot.settings import Settings

REASONS: tuple[str, ...] = (
    "safety",
    "legal",
    "anger",
    "human_request",
    "repeat",
    "money",
    "not_understood",
)

#: Desired resolutions that only a person may grant.
MONEY_RESOLUTIONS = frozenset({"refund", "compensation"})
MIN_SEVERITY = 1
MAX_SEVERITY = 4
#: A message adds to the anger built up over a conversation from this score on ("!!" alone,
#: 0.15, or a mild "disappointed", 0.1, does not; a strong feeling, 0.25, does).
BUILT_UP_ANGER_FLOOR = 0.25
#: Tolerance for comparing scores that are rounded to three places.
_EPSILON = 1e-9


@dataclass(frozen=True)
class MessageSignals:
    """One customer message and what the NLU made of it."""

    text: str
    intent: str | None = None
    intent_confidence: float = 1.0
    category: str | None = None


@dataclass(frozen=True)
class ConversationContext:
    """What is known about the conversation before this message."""

    previous_anger: float | None = None
    #: The anger score of each earlier customer message, in order.
    earlier_anger: tuple[float, ...] = ()
    failed_understandings: int = 0
    prior_complaints_same_matter: int = 0
    desired_resolution: str | None = None


@dataclass(frozen=True)
class EscalationDecision:
    """The outcome of :func:`assess` for one message."""

    reasons: tuple[str, ...]
    anger_score: float
    severity: int
    explanations: dict[str, str] = field(default_factory=dict)
    failed_understandings: int = 0

    @property
    def escalate(self) -> bool:
        """Whether a person must take over."""
        return bool(self.reasons)

    @property
    def shown_by_message(self) -> tuple[str, ...]:
        """The reasons the message itself shows: all but the count of misunderstood turns."""
        return tuple(reason for reason in self.reasons if reason != "not_understood")


def _mentions(hits: list[Hit]) -> str:
    return "mentions " + ", ".join(dict.fromkeys(hit.shown for hit in hits))


#: How sure the NLU must be of a ``complain_safety`` intent for its category alone to be a
#: hazard: below this another intent is about as likely ("probala sam i sa laptopa, isto" at
#: 0.3), and a real hazard usually names itself in the words of the safety list anyway.
SAFETY_CATEGORY_CONFIDENCE = 0.5


def _safety(prepared: Prepared, category: str | None, confidence: float) -> str | None:
    if category == "safety" and confidence + _EPSILON >= SAFETY_CATEGORY_CONFIDENCE:
        return "complaint category is 'safety'"
    hits = find_affirmed(prepared, lexicons.SAFETY, lexicons.PLAIN_NEGATIONS, window=3)
    return _mentions(hits) if hits else None


def _lexicon_reason(prepared: Prepared, lexicon: Lexicon) -> str | None:
    hits = lexicon.find(prepared)
    return _mentions(hits) if hits else None


def _learned(text: str, reason: str) -> str | None:
    """The learned model's explanation when it fires for ``reason`` on ``text``."""
    prediction = learned.predict(text)[reason]
    return prediction.explain() if prediction.fires else None


def _anger(
    text: str, score: float, intent: str | None, context: ConversationContext, settings: Settings
) -> str | None:
    threshold = settings.escalation.anger_threshold
    details = "; ".join(anger_explanation(text))
    if intent == "insult":
        return "message was classified as an insult" + (f" ({details})" if details else "")
    if score + _EPSILON >= threshold:
        return f"anger score {score:.2f} reaches {threshold:.2f} ({details})"
    if context.previous_anger is None:
        return None
    rise = score - context.previous_anger
    if rise + _EPSILON >= settings.escalation.anger_rise and score + _EPSILON >= threshold / 2:
        return (
            f"customer is getting angrier: anger score rose from {context.previous_anger:.2f}"
            f" to {score:.2f} ({details})"
        )
    return _built_up(score, context, threshold, details) or _pushing_on(text, context)


def _pushing_on(text: str, context: ConversationContext) -> str | None:
    """A customer who showed some anger earlier (an earlier message scoring at least
    :data:`~bot.policy.anger.PRESSURE_COMPANION`: "!!" is enough) and now presses (a legal step,
    a complaint made before, an ultimatum, a deadline in capitals) or gives up ("You know what,
    forget it."): what would need another sign in one message has it earlier in the
    conversation."""
    if context.previous_anger is None or context.previous_anger + _EPSILON < PRESSURE_COMPANION:
        return None
    sign = conversation_sign(text)
    if sign is None:
        return None
    return (
        f"customer presses on after earlier anger: {sign} after a message scoring"
        f" {context.previous_anger:.2f}"
    )


def _built_up(
    score: float, context: ConversationContext, threshold: float, details: str
) -> str | None:
    """Anger built up over the conversation: this message and at least one earlier one each
    show some (:data:`BUILT_UP_ANGER_FLOOR`), and together they reach the threshold."""
    if score + _EPSILON < BUILT_UP_ANGER_FLOOR:
        return None
    earlier = [s for s in context.earlier_anger if s + _EPSILON >= BUILT_UP_ANGER_FLOOR]
    together = combine([*earlier, score])
    if not earlier or together + _EPSILON < threshold:
        return None
    scores = ", ".join(f"{s:.2f}" for s in [*earlier, score])
    return (
        f"anger built up over the conversation: messages scoring {scores} together reach"
        f" {together:.2f} ({details})"
    )


def _human_request(prepared: Prepared, intent: str | None) -> str | None:
    if intent == "request_human":
        return "customer asked for a person"
    reason = _lexicon_reason(prepared, lexicons.HUMAN_REQUEST)
    return f"customer asked for a person: {reason}" if reason else None


def asks_for_person(text: str, intent: str | None = None) -> bool:
    """Whether a customer's message asks for a person (its intent, or the word lists)."""
    return _human_request(prepare(text), intent) is not None


def _repeat(text: str, prepared: Prepared, context: ConversationContext) -> str | None:
    prior = context.prior_complaints_same_matter
    if prior >= 1:
        times = "once" if prior == 1 else f"{prior} times"
        return f"customer already complained about the same matter {times}"
    reason = _lexicon_reason(prepared, lexicons.REPEAT)
    if reason is None:
        again = lexicons.REPEAT_AGAIN.find(prepared)
        if again and lexicons.REPEAT_ONGOING.find(whole(prepared)):
            # "no oat milk. again.", "opet mi stižu mailovi": a shortage or a nuisance that
            # goes on, not a complaint made before (nor for the learned model)
            return None
        reason = _mentions(again) if again else _learned(text, "repeat")
    return f"customer says it happened before: {reason}" if reason else None


def _money(text: str, prepared: Prepared, context: ConversationContext) -> str | None:
    if context.desired_resolution in MONEY_RESOLUTIONS:
        return f"customer wants {context.desired_resolution}"
    received = lexicons.refund_received(prepared)
    hits = [hit for hit in find_wished(prepared, lexicons.MONEY) if hit.clause not in received]
    if not hits and lexicons.MONEY_CHARGED.find(prepared):
        # "vratite mi to" names no money, but beside a charge it asks for that money back
        hits = find_wished(prepared, lexicons.MONEY_RETURN_IT)
    if hits:
        reason: str | None = _mentions(hits)
    else:
        # a refund that has arrived is thanks, not a demand (for the learned model too)
        reason = None if received else _learned(text, "money")
    return f"customer asks for money: {reason}" if reason else None


def _severity(category: str | None, reasons: dict[str, str], settings: Settings) -> int:
    severity = settings.category(category).default_severity if category else MIN_SEVERITY
    if reasons.keys() & {"anger", "legal", "repeat"}:
        severity += 1
    if "safety" in reasons:
        severity = MAX_SEVERITY
    return max(MIN_SEVERITY, min(MAX_SEVERITY, severity))


def assess(
    message: MessageSignals, context: ConversationContext, settings: Settings
) -> EscalationDecision:
    """Decide whether ``message`` must go to a person, with the reasons and the severity."""
    limits = settings.escalation
    prepared = prepare(message.text)
    understood = (
        message.intent != "nlu_fallback"
        and message.intent_confidence + _EPSILON >= limits.nlu_confidence_threshold
    )
    # An intent that alone sends the customer to a person must be a confident one; below that,
    # only the word lists can raise these reasons.
    decisive = message.intent_confidence + _EPSILON >= limits.intent_escalation_confidence
    intent = message.intent if understood and decisive else None
    failed = 0 if understood else context.failed_understandings + 1
    score = anger_score(message.text)

    found: dict[str, str | None] = {
        "safety": _safety(prepared, message.category, message.intent_confidence),
        "legal": _lexicon_reason(prepared, lexicons.LEGAL) or _learned(message.text, "legal"),
        "anger": _anger(message.text, score, intent, context, settings),
        "human_request": _human_request(prepared, intent),
        "repeat": _repeat(message.text, prepared, context),
        "money": _money(message.text, prepared, context),
        "not_understood": (
            f"the bot failed to understand {failed} messages in a row"
            if failed >= limits.max_failed_understandings
            else None
        ),
    }
    explanations = {reason: why for reason, why in found.items() if why is not None}
    if "legal" in explanations:
        explanations["legal"] = f"customer mentions legal steps: {explanations['legal']}"
    return EscalationDecision(
        reasons=tuple(reason for reason in REASONS if reason in explanations),
        anger_score=score,
        severity=_severity(message.category, explanations, settings),
        explanations=explanations,
        failed_understandings=failed,
    )
