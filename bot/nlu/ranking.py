"""Putting one intent first in an NLU result, for the components that correct the classifier.

The classifier's confidences are kept: the promoted intent and the former top swap places and
values, so the ranking stays a probability distribution and the fallback threshold still applies.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


def top_intent(message: Message) -> str | None:
    """The name of the first intent of the ranking, if there is one."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    name = ranking[0].get(INTENT_NAME_KEY) if ranking else None
    return name if isinstance(name, str) else None


def ranked_pairs(message: Message) -> list[tuple[str, float]]:
    """The ranking as (intent, confidence) pairs, best first."""
    return [
        (str(entry.get(INTENT_NAME_KEY)), float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
        for entry in message.get(INTENT_RANKING_KEY) or []
    ]


def promote(message: Message, intent: str, *, insert: bool = False) -> bool:
    """Put ``intent`` first in ``message``'s ranking; False when it is not in the ranking.

    ``insert``: an intent missing from the (shortened) ranking takes the place and the
    confidence of the last entry first.
    """
    ranking: list[dict[str, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
    position = next(
        (i for i, entry in enumerate(ranking) if entry.get(INTENT_NAME_KEY) == intent), None
    )
    if position is None and insert and ranking:
        position = len(ranking) - 1
        ranking[position] = {**ranking[position], INTENT_NAME_KEY: intent}
    if position is None:
        return False
    if position == 0:
        return True
    top, promoted = ranking[0], ranking[position]
    ranking[0] = {**promoted, PREDICTED_CONFIDENCE_KEY: top.get(PREDICTED_CONFIDENCE_KEY)}
    ranking[position] = {**top, PREDICTED_CONFIDENCE_KEY: promoted.get(PREDICTED_CONFIDENCE_KEY)}
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    return True
