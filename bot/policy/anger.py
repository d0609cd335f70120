"""How angry a message reads, as a score from 0 to 1 with the reasons behind it.

Each signal found in the message has a weight; the score combines them as independent pieces
of evidence: ``1 - (1 - w1) * (1 - w2) * ...``. One insult is enough to pass the default
threshold (0.6); a polite complaint with a negative word ("late, and I am disappointed") is not.

Signals (the word lists are in :mod:`bot.policy.lexicons`); those that weigh 0.6 or more are
anger on their own, because a customer-service lead reads them so whatever else the message
says:

* insults and profanity (en, BCS), abuse of the bot, sending someone away ("idite bre") . 0.65
* a verdict of disgrace ("shameful", "a disgrace", "sramota", "bruka", "sram vas bilo") . 0.6
* contempt ("useless", "nesposobni"): 0.45, or 0.65 when aimed at "you" / "vi ste" / "od vas"
  or at the bot ("useless bot")
* a verdict: a contempt word that makes a clause of its own ("Pathetic.", "Absolutely
  useless!", "What a joke.") 0.6
* exasperation ("fed up", "had it with you", "dosta mi je vaših izgovora", "smučilo mi se") 0.6
* a threat to leave, to warn others, to post bad reviews or to go to the press ("never again",
  "I'll tell everyone", "napisat ću na fejsu", "idem u novine") 0.6; a review or a
  cancellation asked for calmly is no threat
* a rhetorical question at the company: a question to "you" / "vi" with a word that makes it
  a reproach ("Do you people even read my emails?", "Čitate li vi uopće ...?", "Ко вас је
  уопште запослио?") 0.6; a polite word ("please", "molim", "biste") makes it a request
* exasperation as a clause of its own ("Ma dajte, ...", "For crying out loud, ...", "Ајде
  молим вас, ...") 0.6; a particle of exasperation as a clause of its own ("Joj,",
  "Čoveče,", "Seriously,") 0.3: calm customers write those too, so anger only beside another
  sign
* strong feelings ("furious", "katastrofa") 0.25, or 0.45 when emphasised (the same word
  twice, or "!!" right after it), or 0.6 when said of "you" in a message without thanks ("You
  people are unbelievable", "Vi ste nevjerojatni"); mild ones ("disappointed") 0.1
* shouting: 60 % or more of the letters in capitals 0.5, or 0.6 when the message names a
  problem ("WHY IS NOBODY ANSWERING"); two or more words in capitals 0.25 (messages with
  fewer than 12 letters are never shouting)
* repeated "!!!" / "???" 0.3 ("!!" 0.15), or 0.6 with two or more words in capitals in a
  message without thanks ("You CHARGED me TWICE!!!"); a call into silence before "??"
  ("hello????", "halo???") 0.45
* anger the customer says of themself: an anger word beside "I" / "sam" ("I'm absolutely
  raging", "bijesna sam ko ris"), not negated 0.6
* sarcasm: thanks for a harm ("thanks for nothing", "hvala što ste mi upropastili vikend")
  0.6; praise standing alone as a clause of its own next to a plain failure, or closing a
  message about a problem ("Ma super.") ("Lovely.
  The blender died on day two.", "Bravo, opet pogrešna veličina", "Deveti dan čekam. Ma
  genijalno.") 0.6; praise ("great job",
  "svaka čast") elsewhere in a message about a problem 0.5; each further marker 0.25. Praise
  with thanks ("Great, thanks.") or followed by "but" stays sincere
* emoji: one that swears or insults (face with symbols, middle finger) 0.65, an angry face
  0.45, angry faces repeated 0.6
* an intensifier ("absolutely", "totalno") next to any of the above 0.1
* emphasis by repetition: a short sentence that only repeats earlier words ("Sole flapping
  off after two walks. Two.", "TRI NEDELJE.") 0.6; two clauses that open with the same two
  words ("treći put zovem, treći put nitko ništa") 0.45
* thanks closing a report of a failure in which nothing is asked ("Nobody. Not even a text.
  Cheers for that.") 0.45: sarcasm, but as often wry as angry, so anger only beside another sign
* pressure: a legal step or a complaint made before said beside another sign of anger
  ("Unbelievable. I'm taking this to consumer protection.", "Dosta mi je, sve ide
  odvjetniku.") 0.47; never on its own (a calm "or I'll go to the ombudsman" is no anger), and
  words in capitals (often acronyms: "GDPR") or a repetition (often the count of the calls
  itself) do not count as that other sign
* the learned anger model (:mod:`bot.policy.learned`, examples in ``bot/policy/examples``): 0.6
  when it fires (its probability at or above the threshold in ``anger.yml``), nothing below:
  an unsure model alone must not make a customer "getting angrier". It stands in for what the
  lists miss (idioms, irony, abuse in words no list has) and does not add to them: the score
  is the larger of the combined list signals and the learned one, so "katastrofa" is not
  counted twice
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.policy import learned, lexicons
from bot.policy.lexicons import Hit, Lexicon, Prepared, find_affirmed, prepare
from bot.text.clean import SENTENCE_BREAK
from bot.text.fold import fold
from bot.text.language import spacy_stop_words

INSULT_WEIGHT = 0.65
PROFANITY_WEIGHT = 0.65
CONTEMPT_WEIGHT = 0.45
AIMED_CONTEMPT_WEIGHT = 0.65
DISGRACE_WEIGHT = 0.6
#: Idiomatic exasperation ("you're taking the mickey", "pa vi se sprdate sa mnom").
EXASPERATION_WEIGHT = 0.6
#: A question to "you" that wants no answer ("Do you even read my emails?").
RHETORICAL_QUESTION_WEIGHT = 0.6
#: Exasperation said as a clause of its own ("Ma dajte,", "For crying out loud,").
INTERJECTION_WEIGHT = 0.6
#: A particle of exasperation as a clause of its own ("Joj,", "Seriously,"): only beside
#: another sign.
PARTICLE_WEIGHT = 0.3
STRONG_EMOTION_WEIGHT = 0.25
#: Anger the customer says of themself ("I'm furious", "bijesna sam").
OWN_ANGER_WEIGHT = 0.6
#: A strong feeling said of "you" ("you are unbelievable", "vi ste nevjerojatni").
AIMED_WEIGHT = 0.6
EMPHASISED_EMOTION_WEIGHT = 0.45
MILD_EMOTION_WEIGHT = 0.1
SHOUTING_WEIGHT = 0.5
SHOUTING_ABOUT_A_PROBLEM_WEIGHT = 0.6
CAPITAL_WORDS_WEIGHT = 0.25
LONG_PUNCTUATION_WEIGHT = 0.3
SHORT_PUNCTUATION_WEIGHT = 0.15
IMPATIENT_CALL_WEIGHT = 0.45
SWEARING_EMOJI_WEIGHT = 0.65
ANGRY_EMOJI_WEIGHT = 0.45
#: Angry faces repeated ("😡😡"): emphasised, as a strong word said twice is.
ANGRY_EMOJI_REPEATED_WEIGHT = 0.6
THREAT_WEIGHT = 0.6
#: Sarcasm that is unmistakable: thanks for a harm, or praise standing alone by a failure.
PLAIN_SARCASM_WEIGHT = 0.6
SARCASM_WEIGHT = 0.5
EXTRA_SARCASM_WEIGHT = 0.25
INTENSIFIER_WEIGHT = 0.1
#: A contempt word that is a clause of its own ("Pathetic.", "What a joke.").
VERDICT_WEIGHT = 0.6
#: Capital words and "!!!" in a message without thanks ("You CHARGED me TWICE!!!").
EMPHATIC_FORM_WEIGHT = 0.6
#: Weight of the learned anger signal when the model fires (at or above its threshold); below
#: it the model says nothing: an unsure model must not make a customer "getting angrier".
LEARNED_WEIGHT = 0.6
#: A sentence of one to three words that repeats words of an earlier one ("Two walks. Two.",
#: "Tri nedelje čekam sto. TRI NEDELJE.").
ECHO_WEIGHT = 0.6
#: Two clauses that open with the same two words ("treći put zovem, treći put nitko ništa").
ANAPHORA_WEIGHT = 0.45
#: Thanks closing a report of a failure in which nothing is asked ("Nobody came. Cheers for
#: that."): sarcasm, but written wryly as often as in anger, so anger only beside another sign.
CLOSING_THANKS_WEIGHT = 0.45
#: A legal step or a complaint made before, said beside other anger: pressure that adds to
#: that anger, never anger on its own (a calm "or I go to the ombudsman" is no anger); with
#: a strong feeling (0.25) it reaches the threshold ("Dosta mi je, sve ide odvjetniku.").
PRESSURE_WEIGHT = 0.47
#: The least weight of another signal that pressure adds to ("!!" alone, 0.15, is enough).
PRESSURE_COMPANION = 0.15
#: Giving up on the conversation as a clause of its own ("You know what, forget it."): only
#: beside another sign, in the message or (:mod:`bot.policy.escalation`) earlier in the
#: conversation.
GIVING_UP_WEIGHT = 0.3

#: Fewer letters than this and capitals are not read as shouting ("OK", "NE", "HITNO").
MIN_LETTERS_FOR_SHOUTING = 12
#: Share of capital letters that reads as shouting.
SHOUTING_RATIO = 0.6

#: "You" up to four words before a contempt word (en: you / your, texted "u r"; BCS: vi, vaš,
#: ti, tvoj, and the auxiliary of "you are": "koliko ste glupi", "baš si jadan"); a bare "u" is
#: the BCS preposition ("račun sam bacio u smeće") ...
_YOU_BEFORE = Lexicon(
    [
        "you|youre|your|yours|ur|yall|vi|vas*|vam|vama|ti|tvoj*|tebe|tebi|ste|si",
        "u r|are|re|were",
    ]
)
#: ... or "ste" / "si" / "su" right after it ("nesposobni ste"), or "od vas" ("bezobrazno od
#: vas").
_YOU_AFTER = Lexicon(["ste|si|su", "od vas|vama|tebe"])
#: "You are" before a feeling word ("you are", "you're", "you lot are", "vi ste"); a bare
#: "ste" / "si" counts right beside it only ("smiješni ste"), since it is also the auxiliary
#: of the past ("poslali ste mi grozan paket").
_YOU_ARE = Lexicon(["you|yall|u ..2 are|re|r", "vi|ti ..1 ste|si"])
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_FOLDED_WORD = re.compile(r"[a-z0-9]+")
_PUNCTUATION_RUN = re.compile(r"[!?¡¿]{2,}")
_WORD = re.compile(r"[^\W\d_]+")
#: A call into silence followed by two or more question marks ("hello????", "ima li koga??").
_IMPATIENT_CALL = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(
        r"\s+".join(re.escape(word) for word in call.split())
        for call in sorted(lexicons.IMPATIENT_CALLS, key=len, reverse=True)
    )
    + r")\s*\?{2,}"
)


@dataclass(frozen=True)
class Signal:
    """One piece of evidence of anger: what it is and how much it weighs."""

    label: str
    weight: float
    #: From the learned model (:mod:`bot.policy.learned`), not from the word lists.
    learned: bool = False
    #: Evidence that counts only beside another sign (a particle of exasperation).
    supporting: bool = False


def _lexicon_signals(prepared: Prepared, folded: str) -> list[Signal]:
    signals: list[Signal] = []
    insults = lexicons.INSULTS.find(prepared)
    profanity = lexicons.PROFANITY.find(prepared)
    for hit in insults:
        signals.append(Signal(f"insult '{hit.phrase}'", INSULT_WEIGHT))
    for hit in profanity:
        signals.append(Signal(f"profanity '{hit.phrase}'", PROFANITY_WEIGHT))
    disgrace = find_affirmed(prepared, lexicons.DISGRACE, lexicons.PLAIN_NEGATIONS, window=2)
    for hit in disgrace:
        signals.append(Signal(f"disgrace '{hit.phrase}'", DISGRACE_WEIGHT))
    abusive = {
        (hit.clause, index) for hit in insults + profanity + disgrace for index in hit.indexes
    }
    for hit in find_affirmed(prepared, lexicons.CONTEMPT, lexicons.PLAIN_NEGATIONS, window=2):
        if any((hit.clause, index) in abusive for index in hit.indexes):
            continue
        tokens = prepared.clauses[hit.clause]
        aimed = _YOU_BEFORE.search(tokens[max(0, hit.start - 4) : hit.start]) or (
            _YOU_AFTER.search(tokens[hit.end : hit.end + 2])
        )
        at_bot = lexicons.BOT_WORDS & set(tokens[max(0, hit.start - 3) : hit.end + 3])
        if aimed or at_bot:
            whom = "the bot" if at_bot and not aimed else "the staff"
            label = f"contempt aimed at {whom} '{hit.phrase}'"
            signals.append(Signal(label, AIMED_CONTEMPT_WEIGHT))
        elif _is_verdict(tokens, hit):
            signals.append(Signal(f"verdict on its own '{hit.phrase}'", VERDICT_WEIGHT))
        else:
            signals.append(Signal(f"contempt '{hit.phrase}'", CONTEMPT_WEIGHT))
    for hit in lexicons.EXASPERATION.find(prepared):
        signals.append(Signal(f"exasperation '{hit.phrase}'", EXASPERATION_WEIGHT))
    interjection = _interjection_signal(prepared)
    own = _own_anger_signal(prepared)
    if own is not None:
        signals.append(own)
    signals.extend(_strong_feelings(prepared, folded))
    for hit in find_affirmed(prepared, lexicons.MILD_EMOTION, lexicons.PLAIN_NEGATIONS, 2):
        signals.append(Signal(f"displeasure '{hit.phrase}'", MILD_EMOTION_WEIGHT))
    threats = lexicons.THREATS_TO_LEAVE.find(prepared)
    if threats:
        label = f"threat to leave or go public '{threats[0].phrase}'"
        signals.append(Signal(label, THREAT_WEIGHT))
    if interjection is not None:
        signals.append(interjection)
    return signals


def _is_verdict(tokens: tuple[str, ...], hit: Hit) -> bool:
    """Whether the contempt word ``hit`` is a clause of its own, but for fillers and "this is" /
    "what a" ("Pathetic.", "What a joke.", "Totalno beskorisno!"): a verdict, not a
    description ("the app is useless on Android")."""
    rest = tokens[: hit.start] + tokens[hit.end :]
    return all(token in lexicons.VERDICT_FILLERS for token in rest)


def _own_anger_signal(prepared: Prepared) -> Signal | None:
    """Anger the customer says of themself: an anger word with a first-person word up to three
    words before it or two after it ("I'm absolutely raging", "bijesna sam ko ris", "it makes
    me livid"), not negated ("I'm not angry, just tired")."""
    for hit in find_affirmed(prepared, lexicons.ANGER_STATES, lexicons.PLAIN_NEGATIONS, 2):
        tokens = prepared.clauses[hit.clause]
        near = set(tokens[max(0, hit.start - 3) : hit.start] + tokens[hit.end : hit.end + 2])
        if near & lexicons.FIRST_PERSON:
            return Signal(f"anger of the customer's own '{hit.phrase}'", OWN_ANGER_WEIGHT)
    return None


def _interjection_signal(prepared: Prepared) -> Signal | None:
    """Exasperation that makes a clause of its own, beside particles at most ("Ma dajte,",
    "Ajde bre,", "Oh come on,"), or else a clause of particles only ("Joj,", "Uf,",
    "Seriously,"): the words inside a longer clause are often a request ("ma dajte mi broj")."""
    for hit in lexicons.EXASPERATED_INTERJECTIONS.find(prepared):
        tokens = prepared.clauses[hit.clause]
        if all(
            index in hit.indexes or token in lexicons.EXASPERATED_PARTICLES
            for index, token in enumerate(tokens)
        ):
            return Signal(f"exasperated interjection '{hit.phrase}'", INTERJECTION_WEIGHT)
    for tokens in prepared.clauses:
        if tokens and set(tokens) <= lexicons.EXASPERATED_PARTICLES:
            label = f"exasperated particle '{' '.join(tokens)}'"
            return Signal(label, PARTICLE_WEIGHT, supporting=True)
    return None


def _rhetorical_question_signal(sentences: list[tuple[str, tuple[str, ...]]]) -> Signal | None:
    """A question to "you" with a word that makes it a reproach: it wants no answer ("Do you
    people even read my emails?", "Да ли ви уопште знате шта радите?"). A polite word
    ("please", "molim", "biste") makes it a request ("Could you even check, please?")."""
    for sentence, words in sentences:
        present = set(words)
        if (
            "?" in sentence
            and present & lexicons.ADDRESS_WORDS
            and present & lexicons.RHETORICAL_WORDS
            and not present & lexicons.POLITE_WORDS
        ):
            return Signal(f"rhetorical question '{sentence}'", RHETORICAL_QUESTION_WEIGHT)
    return None


def _said_of_you(prepared: Prepared, hit: Hit) -> bool:
    """Whether ``hit`` is said of "you" with a copula: "you are unbelievable", "you're
    ridiculous", "vi ste nevjerojatni", "smiješni ste"; not "your delivery was terrible"."""
    tokens = prepared.clauses[hit.clause]
    before = tokens[max(0, hit.start - 3) : hit.start]
    beside = tokens[max(0, hit.start - 1) : hit.start] + tokens[hit.end : hit.end + 1]
    return bool(_YOU_ARE.search(before)) or bool({"ste", "si"} & set(beside))


def _strong_feelings(prepared: Prepared, folded: str) -> list[Signal]:
    """One signal per strong feeling; emphasised when it is repeated or "!!" follows it, anger
    when it is said of "you" ("you are unbelievable", "vi ste nevjerojatni") in a message
    without thanks. (A strong feeling on its own, "Užas, pravi užas.", "Unacceptable.", stays a
    feeling: polite customers write it too.)"""
    hits = find_affirmed(prepared, lexicons.STRONG_EMOTION, lexicons.PLAIN_NEGATIONS, 2)
    phrases = [hit.phrase for hit in hits]
    thanked = set(_FOLDED_WORD.findall(folded)) & lexicons.THANKS
    aimed = set() if thanked else {hit.phrase for hit in hits if _said_of_you(prepared, hit)}
    signals: list[Signal] = []
    for phrase in dict.fromkeys(phrases):
        exclaimed = re.search(
            r"(?<![a-z0-9])" + r"\W+".join(map(re.escape, phrase.split())) + r"\s*!{2,}", folded
        )
        if phrase in aimed:
            signals.append(Signal(f"strong feeling aimed at the staff '{phrase}'", AIMED_WEIGHT))
        elif phrases.count(phrase) > 1 or exclaimed:
            how = "repeated" if phrases.count(phrase) > 1 else "exclaimed"
            label = f"strong feeling '{phrase}', {how}"
            signals.append(Signal(label, EMPHASISED_EMOTION_WEIGHT))
        else:
            signals.append(Signal(f"strong feeling '{phrase}'", STRONG_EMOTION_WEIGHT))
    return signals


def _bare_praise(prepared: Prepared, markers: list[Hit]) -> tuple[int, str] | None:
    """The first clause that is praise and nothing else ("Lovely.", "Bravo, stvarno,", "great
    job really", "Brilliant system." between two sentences about a lost parcel): its index and
    words."""
    filler = lexicons.SARCASTIC_OPENERS | lexicons.SARCASM_FILLERS
    for index in range(len(prepared.clauses)):
        tokens = prepared.clauses[index]
        marked = {i for hit in markers if hit.clause == index for i in hit.indexes}
        praise = marked or {
            i
            for i, token in enumerate(tokens)
            if token in lexicons.SARCASTIC_OPENERS and token not in lexicons.SARCASM_FILLERS
        }
        if praise and all(i in marked or token in filler for i, token in enumerate(tokens)):
            return index, " ".join(tokens)
    return None


def _sarcasm_signals(prepared: Prepared, folded: str) -> list[Signal]:
    """Sarcasm: thanks for a harm, or praise standing alone next to a failure (0.6 each), or
    praise in a message about a problem (0.5); each further marker weighs 0.25."""
    found = {
        hit.phrase: (f"sarcasm '{hit.phrase}'", PLAIN_SARCASM_WEIGHT)
        for hit in lexicons.SARCASM_ON_ITS_OWN.find(prepared)
    }
    markers = lexicons.SARCASM_MARKERS.find(prepared)
    # thanks ("Great, thanks.") or a contrast ("Great, but the lid is cracked") make praise
    # sincere; prepare() has dropped the contrast words, so look for them in the text
    sincere = set(re.findall(r"[a-z]+", folded)) & (lexicons.THANKS | lexicons.CONTRAST_WORDS)
    bare = None if sincere or len(prepared.clauses) < 2 else _bare_praise(prepared, markers)
    if bare is not None:
        failures = [hit for hit in lexicons.FAILURES.find(prepared) if hit.clause != bare[0]]
        if not failures and bare[0] == len(prepared.clauses) - 1 and "?" not in folded:
            # praise that closes a report of a problem ("... stignu razbijeni. Ma super.")
            failures = [
                hit for hit in lexicons.PROBLEM_WORDS.find(prepared) if hit.clause != bare[0]
            ]
        if failures:
            found[bare[1]] = (
                f"sarcasm: praise '{bare[1]}' on its own beside '{failures[0].phrase}'",
                PLAIN_SARCASM_WEIGHT,
            )
    problems = lexicons.PROBLEM_WORDS.find(prepared)
    for marker in markers:
        outside = [
            problem
            for problem in problems
            if problem.clause != marker.clause or not marker.start <= problem.start < marker.end
        ]
        if outside and not any(marker.phrase in phrase for phrase in found):
            found[marker.phrase] = (
                f"sarcasm '{marker.phrase}' in a message about a problem ('{outside[0].phrase}')",
                SARCASM_WEIGHT,
            )
    ranked = sorted(found.values(), key=lambda item: -item[1])
    return [
        Signal(label, weight if index == 0 else EXTRA_SARCASM_WEIGHT)
        for index, (label, weight) in enumerate(ranked)
    ]


def _shouting_signal(text: str, prepared: Prepared) -> Signal | None:
    words = _WORD.findall(text)
    letters = [char for word in words for char in word]
    if len(letters) < MIN_LETTERS_FOR_SHOUTING:
        return None
    ratio = sum(1 for char in letters if char.isupper()) / len(letters)
    if ratio >= SHOUTING_RATIO:
        problems = lexicons.PROBLEM_WORDS.find(prepared)
        if problems:
            label = f"shouting about a problem ('{problems[0].phrase}'): {ratio:.0%} of letters"
            return Signal(f"{label} in capitals", SHOUTING_ABOUT_A_PROBLEM_WEIGHT)
        return Signal(f"shouting: {ratio:.0%} of letters in capitals", SHOUTING_WEIGHT)
    capital_words = [word for word in words if len(word) >= 4 and word.isupper()]
    if len(capital_words) >= 2:
        return Signal(f"words in capitals: {', '.join(capital_words)}", CAPITAL_WORDS_WEIGHT)
    return None


def _punctuation_signals(text: str, folded: str) -> list[Signal]:
    runs = _PUNCTUATION_RUN.findall(text)
    if not runs:
        return []
    longest = max(runs, key=len)
    weight = LONG_PUNCTUATION_WEIGHT if len(longest) >= 3 else SHORT_PUNCTUATION_WEIGHT
    signals = [Signal(f"repeated punctuation '{longest}'", weight)]
    call = _IMPATIENT_CALL.search(folded)
    if call is not None:
        signals.append(Signal(f"impatient call '{call.group(0)}'", IMPATIENT_CALL_WEIGHT))
    return signals


def _emoji_signals(text: str) -> list[Signal]:
    """An emoji that swears (0.65) or an angry face (0.45, or 0.6 when there are two or
    more), each kind counted once."""
    signals: list[Signal] = []
    for emoji_set, kind, weight in (
        (lexicons.SWEARING_EMOJI, "swearing emoji", SWEARING_EMOJI_WEIGHT),
        (lexicons.ANGRY_EMOJI, "angry emoji", ANGRY_EMOJI_WEIGHT),
    ):
        found = [emoji for emoji in emoji_set if emoji in text]
        if not found:
            continue
        if emoji_set is lexicons.ANGRY_EMOJI and sum(text.count(e) for e in found) >= 2:
            weight = ANGRY_EMOJI_REPEATED_WEIGHT
        signals.append(Signal(f"{kind} {''.join(sorted(found))}", weight))
    return signals


def _sentences(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The sentences of ``text``, each as written and as folded words."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for sentence in SENTENCE_BREAK.split(text.strip()):
        words = tuple(_FOLDED_WORD.findall(fold(sentence).replace("'", "")))
        if words:
            found.append((sentence.strip(), words))
    return found


def _echo_signal(sentences: list[tuple[str, tuple[str, ...]]]) -> Signal | None:
    """A short sentence that only repeats words said before it: emphasis a calm report does
    not use ("Sole flapping off after two walks. Two.", "Са рупом у екрану. РУПОМ.")."""
    seen: set[str] = set()
    for index, (sentence, words) in enumerate(sentences):
        if (
            index
            and len(words) <= 3
            and not any(word.isdigit() for word in words)
            and any(len(word) >= 3 for word in words)
            and all(word in seen for word in words)
        ):
            return Signal(f"emphatic echo '{sentence}'", ECHO_WEIGHT)
        seen.update(words)
    return None


def _anaphora_signal(text: str) -> Signal | None:
    """Two clauses that open with the same two words, one of them a content word ("treći put
    zovem, treći put nitko ništa"), or the same content word said as a clause three times
    ("useless, useless, useless"). E-mail addresses and links are left out ("Marija,
    marija.ilic@...")."""
    openings: list[tuple[str, ...]] = []
    for tokens in prepare(_ADDRESS.sub(" ", text)).clauses:
        opening = tokens[:2] if len(tokens) >= 2 else tokens
        if any(char.isdigit() for word in opening for char in word):
            continue  # a reference said twice ("Order 5512 is late. Order 5512.")
        content = [word for word in opening if len(word) >= 3 and word not in _function_words()]
        times = openings.count(opening) + 1
        pair = len(opening) == 2 and times >= 2
        if content and (pair or (len(content[0]) >= 4 and times >= 3)):
            return Signal(f"emphatic repetition '{' '.join(opening)}'", ANAPHORA_WEIGHT)
        openings.append(opening)
    return None


def _closing_thanks_signal(
    text: str, sentences: list[tuple[str, tuple[str, ...]]]
) -> Signal | None:
    """Thanks that close a report of a failure in which nothing is asked: sarcasm ("It's half
    4. Nobody. Not even a text. Cheers for that.", "Ni poruke. Hvala vam lijepa."). A question
    or a wish anywhere ("could you", "molim") makes the thanks polite."""
    if len(sentences) < 2 or "?" in text:
        return None
    closing, words = sentences[-1]
    if not set(words) & lexicons.THANKS or not set(words) <= (
        lexicons.THANKS | lexicons.CLOSING_THANKS_FILLERS
    ):
        return None
    if any(set(other) & lexicons.WISH_FRAMES for _sentence, other in sentences):
        return None
    before = prepare(" ".join(sentence for sentence, _words in sentences[:-1]))
    failures = lexicons.FAILURES.find(before) or lexicons.PROBLEM_WORDS.find(before)
    if not failures:
        return None
    return Signal(
        f"sarcastic thanks '{closing}' after '{failures[0].phrase}'", CLOSING_THANKS_WEIGHT
    )


def _capital_deadline(text: str) -> str | None:
    """A word of a deadline written in capitals ("call me TODAY", "nazovite me DANAS")."""
    for word in _WORD.findall(text):
        if len(word) >= 3 and word.isupper() and fold(word) in lexicons.DEADLINE_WORDS:
            return word
    return None


def pressure_phrase(text: str, prepared: Prepared | None = None) -> str | None:
    """The words of pressure in ``text``, whatever else it says: a legal step, a complaint
    made before, an ultimatum ("someone had better call me today") or a deadline in capitals
    ("DANAS")."""
    prepared = prepare(text) if prepared is None else prepared
    hits = (
        lexicons.LEGAL.find(prepared)
        or lexicons.REPEAT.find(prepared)
        or lexicons.ULTIMATUM.find(prepared)
    )
    return hits[0].phrase if hits else _capital_deadline(text)


def _pressure_signal(text: str, prepared: Prepared, others: list[Signal]) -> Signal | None:
    """Pressure (:func:`pressure_phrase`) beside another anger signal (``others``: those that
    count; words in capitals, often acronyms such as "GDPR", and a repetition, often the count
    of the earlier calls itself, do not)."""
    if not any(signal.weight + 1e-9 >= PRESSURE_COMPANION for signal in others):
        return None
    phrase = pressure_phrase(text, prepared)
    if phrase is None:
        return None
    return Signal(f"pressure: '{phrase}' said in anger", PRESSURE_WEIGHT)


def _giving_up(prepared: Prepared) -> str | None:
    """Giving up on the conversation as a clause of its own, beside particles at most ("You
    know what, forget it.", "Ma pustite to."): the words inside a longer clause are often
    plain ("I forgot it at home" is no hit; "never mind the box, the lid is cracked" is one
    clause), and thanks make it relief ("Never mind, found it, thanks!")."""
    if {token for clause in prepared.clauses for token in clause} & lexicons.THANKS:
        return None
    for hit in lexicons.GIVING_UP.find(prepared):
        tokens = prepared.clauses[hit.clause]
        if all(
            index in hit.indexes or token in lexicons.EXASPERATED_PARTICLES
            for index, token in enumerate(tokens)
        ):
            return hit.phrase
    return None


def conversation_sign(text: str) -> str | None:
    """What in ``text`` reads as anger after a customer showed some earlier in the
    conversation, though not alone: pressure (:func:`pressure_phrase`) or giving up
    (:func:`_giving_up`)."""
    prepared = prepare(text)
    giving_up = _giving_up(prepared)
    if giving_up is not None:
        return f"giving up '{giving_up}'"
    pressure = pressure_phrase(text, prepared)
    return None if pressure is None else f"pressure '{pressure}'"


@cache
def _function_words() -> frozenset[str]:
    return spacy_stop_words("en") | spacy_stop_words("hr") | spacy_stop_words("sr")


def _learned_signal(text: str) -> Signal | None:
    prediction = learned.predict(text)["anger"]
    if not prediction.fires:
        return None
    return Signal(prediction.explain(), LEARNED_WEIGHT, learned=True)


def listed_signals(text: str) -> list[Signal]:
    """The anger signals of the word lists and of the message's form (capitals, "!!!"),
    without the learned model."""
    prepared = prepare(text)
    folded = fold(text)
    signals = _lexicon_signals(prepared, folded) + _sarcasm_signals(prepared, folded)
    shouting = _shouting_signal(text, prepared)
    punctuation = _punctuation_signals(text, folded)
    if (
        shouting is not None
        and shouting.weight == CAPITAL_WORDS_WEIGHT
        and punctuation
        and punctuation[0].weight == LONG_PUNCTUATION_WEIGHT
        and not set(_WORD.findall(folded)) & lexicons.THANKS
    ):
        # capital words and "!!!" read as shouting, each alone does not (nor both with thanks:
        # "Thank you, it ARRIVED, GREAT!!!")
        label = f"emphatic: {shouting.label} and {punctuation[0].label}"
        shouting, punctuation = Signal(label, EMPHATIC_FORM_WEIGHT), punctuation[1:]
    if shouting is not None:
        signals.append(shouting)
    signals.extend(punctuation)
    signals.extend(_emoji_signals(text))
    sentences = _sentences(text)
    echo, thanks = _echo_signal(sentences), _closing_thanks_signal(text, sentences)
    rhetorical = _rhetorical_question_signal(sentences)
    signals.extend(signal for signal in (echo, thanks, rhetorical) if signal is not None)
    capital_words = shouting is not None and shouting.weight == CAPITAL_WORDS_WEIGHT
    pressure = _pressure_signal(
        text, prepared, [signal for signal in signals if not (capital_words and signal is shouting)]
    )
    anaphora = _anaphora_signal(text)
    giving_up = _giving_up(prepared)
    signals.extend(signal for signal in (pressure, anaphora) if signal is not None)
    if giving_up is not None:
        signals.append(Signal(f"giving up '{giving_up}'", GIVING_UP_WEIGHT, supporting=True))
    if all(signal.supporting for signal in signals):
        return []
    if signals:
        sarcasm = {word for hit in lexicons.SARCASM_MARKERS.find(prepared) for word in hit.words}
        intensifiers = [
            hit for hit in lexicons.INTENSIFIERS.find(prepared) if hit.phrase not in sarcasm
        ]
        if intensifiers:
            signals.append(Signal(f"intensifier '{intensifiers[0].phrase}'", INTENSIFIER_WEIGHT))
    return signals


@lru_cache(maxsize=256)
def _all_signals(text: str) -> tuple[Signal, ...]:
    """Kept per text: :func:`bot.policy.escalation.assess` asks for the score and for the
    explanation of the same message."""
    learned_signal = _learned_signal(text)
    return (*listed_signals(text), *([] if learned_signal is None else [learned_signal]))


def anger_signals(text: str) -> list[Signal]:
    """Every anger signal found in ``text``, each with its weight."""
    return list(_all_signals(text))


def combine(weights: list[float]) -> float:
    """Combine independent pieces of evidence: ``1 - product(1 - w)``, rounded to 3 places."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 3)


def listed_score(text: str) -> float:
    """How angry the word lists and the message's form read ``text``, without the learned
    model: the reading that may change what a message is taken for (abuse, not small talk)."""
    return combine([signal.weight for signal in anger_signals(text) if not signal.learned])


def anger_score(text: str) -> float:
    """How angry ``text`` reads, from 0 (calm) to 1 (furious): the list signals combined, or
    the learned signal when that is higher."""
    signals = anger_signals(text)
    listed = combine([signal.weight for signal in signals if not signal.learned])
    return max([listed, *(signal.weight for signal in signals if signal.learned)])


def anger_explanation(text: str) -> list[str]:
    """Plain-English reasons behind :func:`anger_score`, e.g. ``["insult 'idioti'"]``."""
    return [signal.label for signal in anger_signals(text)]
