"""Escalation policy: when a person must take over, how angry a message is, what is wanted.

Plain Python, no Rasa imports. Every decision comes with a plain-English explanation.
"""

from bot.policy.anger import anger_explanation, anger_score
from bot.policy.escalation import (
    REASONS,
    ConversationContext,
    EscalationDecision,
    MessageSignals,
    assess,
)
from bot.policy.resolution import (
    RESOLUTIONS,
    classify_resolution,
    demanded_resolution,
    restated_resolution,
)

__all__ = [
    "REASONS",
    "RESOLUTIONS",
    "ConversationContext",
    "EscalationDecision",
    "MessageSignals",
    "anger_explanation",
    "anger_score",
    "assess",
    "classify_resolution",
    "demanded_resolution",
    "restated_resolution",
]
