"""How angry a message reads, as a score from 0 to 1 with the reasons behind it.

Each signal found in the message has a weight; the score combines them as independent pieces
of evidence: ``1 - (1 - w1) * (1 - w2) * ...``. One insult is enough to pass the default
threshold (0.6); a polite complaint with a negative word ("late, and I am disappointed") is not.

Signals (the word lists are in :mod:`bot.policy.lexicons`):

* insults and profanity (en, BCS) .................................. 0.65 each
* contempt ("useless", "sramota"): 0.45, or 0.65 when aimed at "you" / "vi ste"
* strong feelings ("furious", "katastrofa") 0.25, mild ones ("disappointed") 0.1
* shouting: 60 % or more of the letters in capitals 0.5; two or more words in capitals 0.25
  (messages with fewer than 12 letters are never shouting)
* repeated "!!!" / "???" 0.3 ("!!" 0.15)
* a threat to leave or to warn others ("never again", "konkurencija") 0.35
* sarcasm: praise ("great job", "svaka čast") in a message about a problem 0.5, each further
  marker 0.25; "thanks for nothing" / "hvala na ničemu" need no problem word
* an intensifier ("absolutely", "totalno") next to any of the above 0.1
* the learned anger model (:mod:`bot.policy.learned`, examples in ``bot/policy/examples``): from
  probability 0.5 up to 0.6 at the model's threshold. It stands in for what the lists miss
  (idioms, abuse in words no list has) and does not add to them: the score is the larger of
  the combined list signals and the learned one, so "katastrofa" is not counted twice
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.policy import learned, lexicons
from bot.policy.lexicons import Lexicon, Prepared, find_affirmed, prepare

INSULT_WEIGHT = 0.65
PROFANITY_WEIGHT = 0.65
CONTEMPT_WEIGHT = 0.45
AIMED_CONTEMPT_WEIGHT = 0.65
#: Idiomatic exasperation ("you're taking the mickey", "pa vi se sprdate sa mnom").
EXASPERATION_WEIGHT = 0.45
STRONG_EMOTION_WEIGHT = 0.25
MILD_EMOTION_WEIGHT = 0.1
SHOUTING_WEIGHT = 0.5
CAPITAL_WORDS_WEIGHT = 0.25
LONG_PUNCTUATION_WEIGHT = 0.3
SHORT_PUNCTUATION_WEIGHT = 0.15
THREAT_WEIGHT = 0.35
SARCASM_WEIGHT = 0.5
EXTRA_SARCASM_WEIGHT = 0.25
INTENSIFIER_WEIGHT = 0.1
#: Weight of the learned anger signal at (and above) the model's threshold.
LEARNED_WEIGHT = 0.6
#: Below this probability the learned model says nothing.
LEARNED_FLOOR = 0.5

#: Fewer letters than this and capitals are not read as shouting ("OK", "NE", "HITNO").
MIN_LETTERS_FOR_SHOUTING = 12
#: Share of capital letters that reads as shouting.
SHOUTING_RATIO = 0.6

#: "You" up to four words before a contempt word (en: you / your; BCS: vi, vaš, ti, tvoj) ...
_YOU_BEFORE = Lexicon(["you|youre|your|yours|u|ur|yall|vi|vas*|vam|vama|ti|tvoj*|tebe|tebi"])
#: ... or "ste" / "si" / "su" right after it ("nesposobni ste").
_YOU_AFTER = Lexicon(["ste|si|su"])
_PUNCTUATION_RUN = re.compile(r"[!?¡¿]{2,}")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Signal:
    """One piece of evidence of anger: what it is and how much it weighs."""

    label: str
    weight: float
    #: From the learned model (:mod:`bot.policy.learned`), not from the word lists.
    learned: bool = False


def _lexicon_signals(prepared: Prepared) -> list[Signal]:
    signals: list[Signal] = []
    insults = lexicons.INSULTS.find(prepared)
    profanity = lexicons.PROFANITY.find(prepared)
    for hit in insults:
        signals.append(Signal(f"insult '{hit.phrase}'", INSULT_WEIGHT))
    for hit in profanity:
        signals.append(Signal(f"profanity '{hit.phrase}'", PROFANITY_WEIGHT))
    abusive = {(hit.clause, index) for hit in insults + profanity for index in hit.indexes}
    for hit in find_affirmed(prepared, lexicons.CONTEMPT, lexicons.PLAIN_NEGATIONS, window=2):
        if any((hit.clause, index) in abusive for index in hit.indexes):
            continue
        tokens = prepared.clauses[hit.clause]
        aimed = _YOU_BEFORE.search(tokens[max(0, hit.start - 4) : hit.start]) or (
            _YOU_AFTER.search(tokens[hit.end : hit.end + 1])
        )
        if aimed:
            label = f"contempt aimed at the staff '{hit.phrase}'"
            signals.append(Signal(label, AIMED_CONTEMPT_WEIGHT))
        else:
            signals.append(Signal(f"contempt '{hit.phrase}'", CONTEMPT_WEIGHT))
    for hit in lexicons.EXASPERATION.find(prepared):
        signals.append(Signal(f"exasperation '{hit.phrase}'", EXASPERATION_WEIGHT))
    for hit in find_affirmed(prepared, lexicons.STRONG_EMOTION, lexicons.PLAIN_NEGATIONS, 2):
        signals.append(Signal(f"strong feeling '{hit.phrase}'", STRONG_EMOTION_WEIGHT))
    for hit in find_affirmed(prepared, lexicons.MILD_EMOTION, lexicons.PLAIN_NEGATIONS, 2):
        signals.append(Signal(f"displeasure '{hit.phrase}'", MILD_EMOTION_WEIGHT))
    threats = lexicons.THREATS_TO_LEAVE.find(prepared)
    if threats:
        signals.append(Signal(f"threat to leave '{threats[0].phrase}'", THREAT_WEIGHT))
    return signals


def _sarcasm_signals(prepared: Prepared) -> list[Signal]:
    """Praise in a message about a problem: the first marker weighs 0.5, each further 0.25."""
    problems = lexicons.PROBLEM_WORDS.find(prepared)
    found = {
        hit.phrase: f"sarcasm '{hit.phrase}'" for hit in lexicons.SARCASM_ON_ITS_OWN.find(prepared)
    }
    for marker in lexicons.SARCASM_MARKERS.find(prepared):
        outside = [
            problem
            for problem in problems
            if problem.clause != marker.clause or not marker.start <= problem.start < marker.end
        ]
        if outside and not any(marker.phrase in phrase for phrase in found):
            found[marker.phrase] = (
                f"sarcasm '{marker.phrase}' in a message about a problem ('{outside[0].phrase}')"
            )
    return [
        Signal(label, SARCASM_WEIGHT if index == 0 else EXTRA_SARCASM_WEIGHT)
        for index, label in enumerate(found.values())
    ]


def _shouting_signal(text: str) -> Signal | None:
    words = _WORD.findall(text)
    letters = [char for word in words for char in word]
    if len(letters) < MIN_LETTERS_FOR_SHOUTING:
        return None
    ratio = sum(1 for char in letters if char.isupper()) / len(letters)
    if ratio >= SHOUTING_RATIO:
        return Signal(f"shouting: {ratio:.0%} of letters in capitals", SHOUTING_WEIGHT)
    capital_words = [word for word in words if len(word) >= 4 and word.isupper()]
    if len(capital_words) >= 2:
        return Signal(f"words in capitals: {', '.join(capital_words)}", CAPITAL_WORDS_WEIGHT)
    return None


def _punctuation_signal(text: str) -> Signal | None:
    runs = _PUNCTUATION_RUN.findall(text)
    if not runs:
        return None
    longest = max(runs, key=len)
    weight = LONG_PUNCTUATION_WEIGHT if len(longest) >= 3 else SHORT_PUNCTUATION_WEIGHT
    return Signal(f"repeated punctuation '{longest}'", weight)


def _learned_signal(text: str) -> Signal | None:
    prediction = learned.predict(text)["anger"]
    if prediction.probability < LEARNED_FLOOR:
        return None
    share = (prediction.probability - LEARNED_FLOOR) / (prediction.threshold - LEARNED_FLOOR)
    return Signal(prediction.explain(), round(LEARNED_WEIGHT * min(1.0, share), 3), learned=True)


def anger_signals(text: str) -> list[Signal]:
    """Every anger signal found in ``text``, each with its weight."""
    prepared = prepare(text)
    signals = _lexicon_signals(prepared) + _sarcasm_signals(prepared)
    for extra in (_shouting_signal(text), _punctuation_signal(text)):
        if extra is not None:
            signals.append(extra)
    if signals:
        sarcasm = {word for hit in lexicons.SARCASM_MARKERS.find(prepared) for word in hit.words}
        intensifiers = [
            hit for hit in lexicons.INTENSIFIERS.find(prepared) if hit.phrase not in sarcasm
        ]
        if intensifiers:
            signals.append(Signal(f"intensifier '{intensifiers[0].phrase}'", INTENSIFIER_WEIGHT))
    learned_signal = _learned_signal(text)
    if learned_signal is not None:
        signals.append(learned_signal)
    return signals


def combine(weights: list[float]) -> float:
    """Combine independent pieces of evidence: ``1 - product(1 - w)``, rounded to 3 places."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 3)


def anger_score(text: str) -> float:
    """How angry ``text`` reads, from 0 (calm) to 1 (furious): the list signals combined, or
    the learned signal when that is higher."""
    signals = anger_signals(text)
    listed = combine([signal.weight for signal in signals if not signal.learned])
    return max([listed, *(signal.weight for signal in signals if signal.learned)])


def anger_explanation(text: str) -> list[str]:
    """Plain-English reasons behind :func:`anger_score`, e.g. ``["insult 'idioti'"]``."""
    return [signal.label for signal in anger_signals(text)]
