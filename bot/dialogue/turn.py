"""A customer's turn as the actions see it, independent of rasa_sdk's Tracker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.text.clean import MAX_MESSAGE_CHARS

#: Complaint intents are named ``complain_<category slug>``.
COMPLAINT_INTENT_PREFIX = "complain_"

#: Longest customer text kept from a single message; longer input is cut, never rejected.
MAX_TEXT_CHARS = MAX_MESSAGE_CHARS


@dataclass(frozen=True)
class Turn:
    """One customer message with what the NLU understood of it and the conversation state."""

    sender_id: str
    text: str
    channel: str = "rest"
    intent: str | None = None
    intent_confidence: float = 1.0
    category: str | None = None
    entities: dict[str, str] = field(default_factory=dict)
    language: str = "en"
    script: str = "latin"
    previous_anger: float | None = None
    #: The anger score of each earlier customer message of the conversation, in order.
    earlier_anger: tuple[float, ...] = ()
    ticket: str | None = None
    #: The classifier's ranking, (intent, confidence) best first: the complaint decision
    #: (bot/dialogue/decision.py) looks past the top intent.
    intent_ranking: tuple[tuple[str, float], ...] = ()
    #: The best complaint intent of any one clause of a request for a person, abuse, a bot
    #: question or a chase, and its confidence there: where such a message names its matter.
    clause_complaint: tuple[str, float] | None = None


def clean_text(text: Any) -> str:
    """Printable text of at most MAX_TEXT_CHARS characters; non-strings become ''."""
    if not isinstance(text, str):
        return ""
    printable = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return printable.strip()[:MAX_TEXT_CHARS]


def category_from_intent(intent: str | None, known: tuple[str, ...]) -> str | None:
    """The complaint category of a ``complain_<category>`` intent, None for other intents.

    A category that is no longer configured maps to ``other`` so that a model trained with
    it never breaks a conversation.
    """
    if not intent or not intent.startswith(COMPLAINT_INTENT_PREFIX):
        return None
    slug = intent[len(COMPLAINT_INTENT_PREFIX) :]
    return slug if slug in known else "other"


def first_entities(parse_data: dict[str, Any]) -> dict[str, str]:
    """The first value of each entity type found in the message."""
    found: dict[str, str] = {}
    for entity in parse_data.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if isinstance(name, str) and isinstance(value, str) and name not in found:
            found[name] = value
    return found
