"""What the customer wants, from their answer to "What can we do for you?".

The answer is matched against one word list per resolution (see
:data:`bot.policy.lexicons.RESOLUTION_LEXICONS`). Wishes that are negated ("I don't want a
refund", "ne trebam novi") are ignored, and so is a refund that has arrived ("the refund
landed today, thanks"). The first concrete wish in the text wins, so "a new one,
or my money back" is a replacement. "Nothing" / "I don't know" counts only when no
concrete wish is named: "ne znam, možda zamjenu" is a replacement.
"""

from __future__ import annotations

from bot.policy.lexicons import (
    RESOLUTION_LEXICONS,
    WISH_NEGATIONS,
    Hit,
    find_affirmed,
    prepare,
    refund_received,
)
from bot.store.tables import DESIRED_RESOLUTIONS

#: The resolutions a customer can ask for: the store's list (one definition).
RESOLUTIONS: tuple[str, ...] = DESIRED_RESOLUTIONS

#: Intents that answer "nothing" on their own ("no", "ne", "hvala, to je sve") ...
_NOTHING_INTENTS = frozenset({"deny", "thank_you", "goodbye"})
#: ... in a short answer only: "No, not with the neighbours, I checked." tells more of the
#: story, it does not say that nothing is wanted.
_SHORT_ANSWER_WORDS = 4


def resolution_hits(text: str) -> dict[str, list[Hit]]:
    """The matches of every resolution's word list in ``text``; negated wishes are left out
    ("nothing" is never negated: "I don't need anything" is still nothing)."""
    prepared = prepare(text)
    received = refund_received(prepared)
    return {
        slug: (
            lexicon.find(prepared)
            if slug == "nothing"
            else [
                hit
                for hit in find_affirmed(prepared, lexicon, WISH_NEGATIONS, window=5)
                if slug != "refund" or hit.clause not in received
            ]
        )
        for slug, lexicon in RESOLUTION_LEXICONS.items()
    }


def classify_resolution(text: str, intent: str | None = None) -> str:
    """The resolution slug (one of :data:`RESOLUTIONS`) that ``text`` asks for.

    ``intent`` is the NLU intent of the message; it decides only when no word matches: "deny"
    ("no"), "thank_you" or "goodbye" in a short answer mean nothing is wanted, anything else
    is ``other``.
    """
    hits = resolution_hits(text)
    concrete = [
        (hit.clause, hit.start, slug)
        for slug, slug_hits in hits.items()
        if slug != "nothing"
        for hit in slug_hits
    ]
    if concrete:
        return min(concrete)[2]
    short = len(text.split()) <= _SHORT_ANSWER_WORDS
    if hits["nothing"] or (intent in _NOTHING_INTENTS and short):
        return "nothing"
    return "other"
