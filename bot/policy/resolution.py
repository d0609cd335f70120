"""What the customer wants, from their answer to "What can we do for you?".

The answer is matched against one word list per resolution (see
:data:`bot.policy.lexicons.RESOLUTION_LEXICONS`). A demand for money that the escalation's
money list finds ("vraćajte pare", "di su mi novci", "I'd expect the 8.50 back") is a refund
too, unless a compensation word names it ("nadoknadite mi", "covering the GP bill"): one
definition of an indirect money demand for both.

Wishes that are negated before ("I don't want a refund", "ne trebam novi") or after ("nova
vaza mi više ne treba") are ignored, and so is a refund that has arrived ("the refund landed
today, thanks"). The first concrete wish in the text wins, so "a new one, or my money back"
is a replacement. "Nothing" / "I don't know" counts only when no concrete wish is named: "ne
znam, možda zamjenu" is a replacement; a bare "ništa" / "nothing" / "ne treba" counts only as
a clause of its own ("Ništa posebno.", "No need, thanks."), not inside more of the story
("niko ništa ne poduzima", "ne treba mi nikakav bon"), and "nothing more" closing a wish
("Samo da me nazovete, ništa drugo") leaves the wish ``other``.

A later message of the conversation may state the wish again, more clearly or changed
(:func:`restated_resolution`): "Htio bih da ga zamijenite." and then "Ako ne može brže,
vratite mi lovu" wants the money back.
"""

from __future__ import annotations

from bot.policy.lexicons import (
    MONEY,
    MONEY_CHARGED,
    MONEY_RETURN_IT,
    NOTHING_FILLERS,
    NOTHING_MORE,
    RESOLUTION_LEXICONS,
    RESOLUTION_NOTHING_ALONE,
    WISH_FRAMES,
    Hit,
    Prepared,
    find_wished,
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
#: Words a clause may have beside a remedy, for it to be a demand of its own ("Refund pls.",
#: "a new one"; not "Nova stranica je lijepa", "To nije ono što sam platio", "Kupon od 20%":
#: a first message that demands a remedy gets it confirmed, not asked for, so unsure is no).
_DEMAND_OTHER_WORDS = 1
#: The money list's patterns: a refund found by one of them is demanded already.
_MONEY_PATTERNS = frozenset(MONEY.patterns)


def _said_alone(prepared: Prepared, hit: Hit) -> bool:
    """Whether ``hit`` is its clause, with nothing beside it but filler words ("Ništa
    posebno", "Nothing really")."""
    clause = prepared.clauses[hit.clause]
    return all(word in NOTHING_FILLERS for word in clause[: hit.start] + clause[hit.end :])


def _closes_a_wish(prepared: Prepared, hit: Hit) -> bool:
    """Whether the "nothing" clause of ``hit`` means "nothing more" ("that's all", "ništa
    drugo") after an earlier clause that says something: "Just call me back, that's all" wants
    the call, "Thanks, that's all" wants nothing."""
    if NOTHING_MORE.isdisjoint(prepared.clauses[hit.clause]):
        return False
    return any(
        any(word not in NOTHING_FILLERS for word in clause)
        for clause in prepared.clauses[: hit.clause]
    )


def _overlap(first: Hit, second: Hit) -> bool:
    return first.clause == second.clause and first.start < second.end and second.start < first.end


def _money_demands(prepared: Prepared, received: set[int]) -> list[Hit]:
    """A demand for money as the escalation reads it (the money list; "vratite mi to" beside
    a charge), outside clauses that say a refund has arrived."""
    hits = find_wished(prepared, MONEY)
    if not hits and MONEY_CHARGED.find(prepared):
        hits = find_wished(prepared, MONEY_RETURN_IT)
    return [hit for hit in hits if hit.clause not in received]


def _resolution_hits(prepared: Prepared) -> dict[str, list[Hit]]:
    """The matches of every resolution's word list in the prepared text; negated wishes are
    left out ("nothing" is never negated: "I don't need anything" is still nothing)."""
    received = refund_received(prepared)
    hits: dict[str, list[Hit]] = {}
    for slug, lexicon in RESOLUTION_LEXICONS.items():
        if slug == "nothing":
            alone = [
                hit
                for hit in RESOLUTION_NOTHING_ALONE.find(prepared)
                if _said_alone(prepared, hit) and not _closes_a_wish(prepared, hit)
            ]
            hits[slug] = sorted(lexicon.find(prepared) + alone, key=lambda h: (h.clause, h.start))
        else:
            hits[slug] = [
                hit
                for hit in find_wished(prepared, lexicon)
                if slug != "refund" or hit.clause not in received
            ]
    # money wanted back is a refund, unless a compensation word names it ("nadoknadite mi")
    hits["refund"] = sorted(
        hits["refund"]
        + [
            hit
            for hit in _money_demands(prepared, received)
            if not any(_overlap(hit, other) for other in hits["compensation"])
        ],
        key=lambda h: (h.clause, h.start),
    )
    return hits


def _concrete(hits: dict[str, list[Hit]]) -> list[tuple[int, int, str, Hit]]:
    """The concrete wishes among ``hits``, in text order."""
    return sorted(
        (
            (hit.clause, hit.start, slug, hit)
            for slug, slug_hits in hits.items()
            if slug != "nothing"
            for hit in slug_hits
        ),
        key=lambda item: item[:3],
    )


def _framed(prepared: Prepared, slug: str, hit: Hit) -> bool:
    """Whether the remedy ``hit`` is framed as a wish in its clause: a word of wanting,
    asking or ordering (words.wish_frames), a short clause of its own ("Refund pls.", "Pare
    nazad.", "a new one"), or a money demand as the money list reads it."""
    words = prepared.clauses[hit.clause]
    alone = len(words) - (hit.end - hit.start) <= _DEMAND_OTHER_WORDS
    money = slug == "refund" and hit.pattern in _MONEY_PATTERNS
    return alone or money or not WISH_FRAMES.isdisjoint(words)


def classify_resolution(text: str, intent: str | None = None) -> str:
    """The resolution slug (one of :data:`RESOLUTIONS`) that ``text`` asks for.

    Of several remedies, the first one framed as a wish wins ("kod za popust ne prolazi,
    možete mi vratiti razliku?" wants the money back, not a discount), else the first.
    ``intent`` is the NLU intent of the message; it decides only when no word matches: "deny"
    ("no"), "thank_you" or "goodbye" in a short answer mean nothing is wanted, anything else
    is ``other``.
    """
    prepared = prepare(text)
    hits = _resolution_hits(prepared)
    concrete = _concrete(hits)
    if concrete:
        framed = [item for item in concrete if _framed(prepared, item[2], item[3])]
        return (framed or concrete)[0][2]
    short = len(text.split()) <= _SHORT_ANSWER_WORDS
    if hits["nothing"] or (intent in _NOTHING_INTENTS and short):
        return "nothing"
    return "other"


def restated_resolution(stored: str | None, text: str) -> str | None:
    """The wish a later message of the conversation states instead of ``stored``, if any.

    Only a concrete remedy framed as a wish counts (:func:`demanded_resolution`), and only one
    that differs from the stored wish: it makes a vague first answer clear ("other" or
    "nothing", then "vratite novce i zbogom"), or changes the wish ("a repair would be fine",
    then "just refund it, I'm done"). More of the story ("the replacement broke too"),
    "nothing" or "thanks, that's all" never replace a wish.
    """
    wish = demanded_resolution(text)
    if wish is not None and wish != stored:
        return wish
    return None


def demanded_resolution(text: str) -> str | None:
    """The remedy a complaint message itself demands ("Refund pls.", "Vraćajte lovu odmah",
    "Would it be possible to swap it?"), or ``None``.

    A remedy named in the story is no demand ("the repair didn't help", "I already got a
    replacement", "Nova stranica je lijepa, ali ..."): the wish must be framed as one in its
    clause (:func:`_framed`). "Nothing" and "other" are never demanded: the bot asks what it
    can do.
    """
    prepared = prepare(text)
    for _clause, _start, slug, hit in _concrete(_resolution_hits(prepared)):
        if _framed(prepared, slug, hit):
            return slug
    return None
