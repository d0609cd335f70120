"""Word lists of the escalation policy and the small matcher that applies them.

Every list is written in *folded* form (see :func:`bot.text.fold.fold`): lower-case ASCII, Cyrillic
transliterated, ``č ć š ž`` written ``c c s z`` and ``đ`` written ``dj``. One entry therefore
covers ``povređen``, ``povredjen``, ``povreden`` and ``повређен``: customers who type ``đ`` as a
plain ``d`` are matched too, since a ``dj`` of an entry (or of a listed word) also matches a plain
``d`` (``djubre`` matches ``dubre``, ``obicna kradja`` matches ``obicna krada``); an entry of three
letters or fewer (``dj``) is taken as written.

Pattern syntax (one entry is one phrase, words separated by spaces):

* ``word``      the exact word;
* ``stem*``     any word starting with ``stem`` (``otrov*`` matches ``otrovan``, ``otrovala``);
* ``a|b*|c``    any of the alternatives (for one word: ``a|b c`` is "a c" or "b c");
* ``word?``     an optional word (alternatives allowed: ``mi|me?``);
* ``..``        up to three arbitrary words; ``..5`` up to five.

Lexicons marked ``fuzzy`` also forgive one typo (a wrong, missing, extra or swapped letter) in
single words of seven letters or more: ``advoakt`` is read as ``advokat``, ``ekspoldirao`` as
``eksplodir*``. The last letter of a stem must match, so ``eksploatacija`` is not ``eksploz*``,
and so must the first letter, so ``dvokatni`` (two-storey) is not ``advokat``. Real words that
are still one typo away from a listed word (``pozicija`` / ``policij*``, ``povezao`` /
``porezao``) are listed as exclusions.

The lists themselves are data: ``bot/policy/wordlists/<language>.yml`` (``en``, and ``bcs`` for
Croatian, Serbian and Bosnian), which trainers edit; :func:`load_lexicons` reads and checks them,
and :func:`check_wordlists` reports every problem with its file and list.

Phrases never match across clauses: a text is split into clauses at punctuation and at words
such as "but" / "ali", so "nobody was hurt, but the kettle exploded" keeps the explosion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.text.fold import fold

# --------------------------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------------------------

#: Punctuation that ends a clause.
_CLAUSE_PUNCTUATION = re.compile(r"[.!?;:,\n\r\t\u2026()\[\]\"“”„«»]+|\s[-–—]+\s")
_TOKEN = re.compile(r"[a-z0-9]+")
_NOT_CONTRACTION = re.compile(r"n['’]t\b")
#: A thousands or decimal separator inside a number ("12.000 dinara", "45,90 KM"), which must
#: not end a clause.
_NUMBER_SEPARATOR = re.compile(r"(?<=\d)[.,](?=\d)")


@dataclass(frozen=True)
class Prepared:
    """A message folded and split into clauses of word tokens."""

    clauses: tuple[tuple[str, ...], ...]


def prepare(text: str) -> Prepared:
    """Fold ``text``, expand "n't" to " not" and split it into clauses of tokens."""
    folded = _NUMBER_SEPARATOR.sub("", _NOT_CONTRACTION.sub(" not", fold(text)))
    clauses: list[tuple[str, ...]] = []
    for chunk in _CLAUSE_PUNCTUATION.split(folded):
        current: list[str] = []
        for token in _TOKEN.findall(chunk):
            if token in CONTRAST_WORDS:
                if current:
                    clauses.append(tuple(current))
                current = []
            else:
                current.append(token)
        if current:
            clauses.append(tuple(current))
    return Prepared(clauses=tuple(clauses))


@dataclass(frozen=True)
class Hit:
    """One match of a lexicon phrase: where it is and the folded words it covers."""

    pattern: str
    clause: int
    start: int
    end: int
    words: tuple[str, ...]
    #: For a typo forgiven by a fuzzy lexicon: the word it was read as.
    read_as: str | None = None

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    @property
    def shown(self) -> str:
        """The phrase in quotes, with the word it was read as when it had a typo."""
        return f"'{self.phrase}'" + (f" (read as '{self.read_as}')" if self.read_as else "")

    @property
    def indexes(self) -> range:
        """The positions of the matched words in their clause."""
        return range(self.start, self.end)


#: Entries (or listed words) shorter than this keep their ``dj`` as written (see
#: :func:`plain_d`).
MIN_PLAIN_D_LENGTH = 4


def _letters_regex(letters: str) -> str:
    """``letters`` as a regular expression in which ``dj`` (a folded ``đ``) also matches the
    plain ``d`` that customers without diacritics type."""
    escaped = re.escape(letters)
    return escaped.replace("dj", "dj?") if len(letters) >= MIN_PLAIN_D_LENGTH else escaped


def plain_d(words: Iterable[str]) -> set[str]:
    """``words`` together with each one's spelling with ``d`` for a folded ``đ`` (``dj``):
    ``medjutim`` gives ``medjutim`` and ``medutim``, the way customers type it without
    diacritics."""
    found = set(words)
    found.update(
        word.replace("dj", "d") for word in list(found) if len(word) >= MIN_PLAIN_D_LENGTH
    )
    return found


def _word_regex(word: str) -> str:
    alternatives = []
    for alternative in word.split("|"):
        if alternative.endswith("*"):
            alternatives.append(_letters_regex(alternative[:-1]) + "[a-z0-9]*")
        else:
            alternatives.append(_letters_regex(alternative))
    return "(?:" + "|".join(alternatives) + ")"


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Turn one pattern (see the module docstring) into a regular expression over a clause."""
    words = pattern.split()
    if not words or words[-1].startswith("..") or words[-1].endswith("?"):
        raise ValueError(f"a pattern must end with a required word: {pattern!r}")
    body = ""
    for word in words:
        if word.startswith(".."):
            limit = int(word[2:] or 3)
            body += f"(?:[a-z0-9]+ ){{0,{limit}}}"
        elif word.endswith("?"):
            body += "(?:" + _word_regex(word[:-1]) + " )?"
        else:
            body += _word_regex(word) + " "
    return re.compile("(?<= )" + body[:-1] + "(?= )")


#: Words (or stems) shorter than this are never matched with a typo.
MIN_FUZZY_LENGTH = 7


def within_one_edit(first: str, second: str) -> bool:
    """Whether one substitution, insertion, deletion or swap of neighbours turns one into the
    other."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diffs = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and first[i] == second[j] and first[j] == second[i]
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _fuzzy_word(token: str, alternative: str) -> bool:
    """Whether ``token`` is ``alternative`` (a word or a ``stem*``) with at most one typo; the
    first letter must be right."""
    if token[:1] != alternative[:1]:
        return False
    if not alternative.endswith("*"):
        return within_one_edit(token, alternative)
    stem = alternative[:-1]
    for size in (len(stem) - 1, len(stem), len(stem) + 1):
        prefix = token[:size]
        if len(prefix) == size and prefix[-1] == stem[-1] and within_one_edit(prefix, stem):
            return True
    return False


class Lexicon:
    """A list of phrase patterns, with optional exclusions that cancel overlapping matches."""

    def __init__(
        self, patterns: Iterable[str], exclude: Iterable[str] = (), fuzzy: bool = False
    ) -> None:
        self.patterns = tuple(patterns)
        self._compiled = tuple((p, compile_pattern(p)) for p in self.patterns)
        self._excluded = tuple(compile_pattern(p) for p in exclude)
        self._fuzzy = tuple(
            (pattern, alternative)
            for pattern in (self.patterns if fuzzy else ())
            if " " not in pattern
            for alternative in pattern.split("|")
            if len(alternative.rstrip("*")) >= MIN_FUZZY_LENGTH
        )

    def find(self, prepared: Prepared) -> list[Hit]:
        """Every match in ``prepared``, in text order, minus those inside an exclusion."""
        hits: list[Hit] = []
        for index, tokens in enumerate(prepared.clauses):
            padded = " " + " ".join(tokens) + " "
            blocked = [_token_span(padded, m) for rx in self._excluded for m in rx.finditer(padded)]
            for pattern, regex in self._compiled:
                for match in regex.finditer(padded):
                    start, end = _token_span(padded, match)
                    if any(b_start <= start and end <= b_end for b_start, b_end in blocked):
                        continue
                    hits.append(Hit(pattern, index, start, end, tokens[start:end]))
            hits.extend(self._typos(index, tokens, {hit.start for hit in hits}, blocked))
        hits.sort(key=lambda hit: (hit.clause, hit.start, -hit.end))
        return _drop_nested(hits)

    def _typos(
        self,
        clause: int,
        tokens: tuple[str, ...],
        matched: set[int],
        blocked: list[tuple[int, int]],
    ) -> list[Hit]:
        """Single words that match an alternative of this lexicon up to one typo."""
        hits: list[Hit] = []
        for position, token in enumerate(tokens):
            if position in matched or len(token) < MIN_FUZZY_LENGTH - 1:
                continue
            if any(b_start <= position < b_end for b_start, b_end in blocked):
                continue
            for pattern, alternative in self._fuzzy:
                if _fuzzy_word(token, alternative):
                    read_as = alternative.rstrip("*")
                    hits.append(Hit(pattern, clause, position, position + 1, (token,), read_as))
                    break
        return hits

    def search(self, words: Iterable[str]) -> bool:
        """Whether any pattern occurs in the given run of words (one clause)."""
        padded = " " + " ".join(words) + " "
        return any(regex.search(padded) for _, regex in self._compiled)


def _token_span(padded: str, match: re.Match[str]) -> tuple[int, int]:
    start = padded.count(" ", 0, match.start()) - 1
    return start, start + len(match.group().split())


def _drop_nested(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping matches, so "food poisoning" is not also "poisoning"."""
    kept: list[Hit] = []
    for hit in hits:
        if kept and kept[-1].clause == hit.clause and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def whole(prepared: Prepared) -> Prepared:
    """``prepared`` as one clause, for lists that read across clauses ("no oat milk. again.")."""
    return Prepared(clauses=(tuple(token for clause in prepared.clauses for token in clause),))


def negated(prepared: Prepared, hit: Hit, negations: Lexicon, window: int = 3) -> bool:
    """Whether a negation from ``negations`` occurs in the ``window`` words before ``hit``."""
    tokens = prepared.clauses[hit.clause]
    return negations.search(tokens[max(0, hit.start - window) : hit.start])


def find_affirmed(
    prepared: Prepared, lexicon: Lexicon, negations: Lexicon, window: int = 3
) -> list[Hit]:
    """The matches of ``lexicon`` that are not negated."""
    return [hit for hit in lexicon.find(prepared) if not negated(prepared, hit, negations, window)]


# --------------------------------------------------------------------------------------------
# The word lists, from bot/policy/wordlists/*.yml
# --------------------------------------------------------------------------------------------

WORDLISTS_DIR = Path(__file__).with_name("wordlists")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class WordlistError(ValueError):
    """A word-list file is malformed: the message names the file, the list and the entry."""


def _expand(pattern: str, sets: dict[str, Any], where: str) -> list[str]:
    """``pattern`` with every ``{set}`` filled in; a list-valued set gives one pattern per item."""
    match = _PLACEHOLDER.search(pattern)
    if match is None:
        return [pattern]
    name = match.group(1)
    if name not in sets:
        raise WordlistError(f"{where}: unknown set {{{name}}} in {pattern!r}")
    values = sets[name] if isinstance(sets[name], list) else [sets[name]]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [
        expanded for value in values for expanded in _expand(head + str(value) + tail, sets, where)
    ]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as error:
        raise WordlistError(f"{path.name}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("lexicons"), dict):
        raise WordlistError(f"{path.name}: needs a 'lexicons:' mapping")
    return data


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise WordlistError(f"{where}: must be a list of non-empty strings")
    return list(value)


def load_wordlists(
    directory: Path = WORDLISTS_DIR,
) -> tuple[dict[str, Lexicon], dict[str, frozenset[str]]]:
    """Every lexicon and word set of the ``*.yml`` files in ``directory``, all languages merged.

    Raises :class:`WordlistError` for a malformed file, an unknown set or a pattern that does
    not compile.
    """
    patterns: dict[str, list[str]] = {}
    excluded: dict[str, list[str]] = {}
    fuzzy: dict[str, bool] = {}
    words: dict[str, set[str]] = {}
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise WordlistError(f"no word lists in {directory}")
    for path in files:
        data = _read(path)
        sets = data.get("sets") or {}
        for name, entry in data["lexicons"].items():
            where = f"{path.name}: {name}"
            if not isinstance(entry, dict):
                raise WordlistError(f"{where}: must be a mapping with 'match' (and 'exclude')")
            for key, into in (("match", patterns), ("exclude", excluded)):
                for pattern in _strings(entry.get(key), f"{where}.{key}"):
                    into.setdefault(name, []).extend(_expand(pattern, sets, where))
            fuzzy[name] = fuzzy.get(name, False) or bool(entry.get("fuzzy", False))
        for name, values in (data.get("words") or {}).items():
            words.setdefault(name, set()).update(_strings(values, f"{path.name}: words.{name}"))
    lexicons: dict[str, Lexicon] = {}
    for name in patterns.keys() | excluded.keys():
        try:
            lexicons[name] = Lexicon(patterns.get(name, []), excluded.get(name, []), fuzzy[name])
        except re.error as error:
            raise WordlistError(f"{name}: a pattern does not compile: {error}") from error
    return lexicons, {name: frozenset(plain_d(values)) for name, values in words.items()}


def check_wordlists(directory: Path = WORDLISTS_DIR) -> list[str]:
    """The problems of the word lists in ``directory`` (none: an empty list)."""
    try:
        lexicons, words = load_wordlists(directory)
    except WordlistError as error:
        return [str(error)]
    missing = [name for name in REQUIRED_LEXICONS if name not in lexicons]
    missing += [f"words.{name}" for name in REQUIRED_WORDS if name not in words]
    return [f"missing list: {name}" for name in missing]


#: The lists the policy reads; a word-list file set without one of them is refused.
REQUIRED_LEXICONS: tuple[str, ...] = (
    "plain_negations",
    "wish_negations",
    "safety",
    "legal",
    "human_request",
    "repeat",
    "repeat_again",
    "repeat_ongoing",
    "money",
    "money_received",
    "money_return_it",
    "money_charged",
    "insults",
    "profanity",
    "contempt",
    "disgrace",
    "exasperation",
    "exasperated_interjections",
    "anger_states",
    "strong_emotion",
    "mild_emotion",
    "intensifiers",
    "threats_to_leave",
    "sarcasm_markers",
    "sarcasm_on_its_own",
    "praise",
    "service_faults",
    "problem_words",
    "failures",
    "resolution_refund",
    "resolution_replacement",
    "resolution_repair",
    "resolution_apology",
    "resolution_compensation",
    "resolution_nothing",
    "resolution_nothing_alone",
    "wish_negations_after",
    "assistant_tasks",
    "call_back_request",
    "world_news",
    "own_matter",
)
REQUIRED_WORDS: tuple[str, ...] = (
    "clause_words",
    "address_words",
    "rhetorical_words",
    "polite_words",
    "exasperated_particles",
    "first_person",
    "sarcastic_openers",
    "sarcasm_fillers",
    "verdict_fillers",
    "bot_words",
    "impatient_calls",
    "thanks",
    "money_pending",
    "swearing_emoji",
    "angry_emoji",
    "nothing_fillers",
    "nothing_more",
    "wish_frames",
    "closing_thanks_fillers",
)

_LEXICONS, _WORDS = load_wordlists()
_problems = check_wordlists()
if _problems:
    raise WordlistError("; ".join(_problems))

#: Plain negation before a health/safety or emotion word ("nobody was hurt", "nitko nije
#: ozlijeđen").
PLAIN_NEGATIONS = _LEXICONS["plain_negations"]
#: Negation of a wish ("I don't want a refund", "ne trebam povrat novca").
WISH_NEGATIONS = _LEXICONS["wish_negations"]
#: Negation after a wish: "nova vaza mi više ne treba", "a new one is not needed".
WISH_NEGATIONS_AFTER = _LEXICONS["wish_negations_after"]
SAFETY = _LEXICONS["safety"]
LEGAL = _LEXICONS["legal"]
HUMAN_REQUEST = _LEXICONS["human_request"]
ASSISTANT_TASKS = _LEXICONS["assistant_tasks"]
#: A call asked for ("call me back please", "nazovite me"), for bot/nlu/call_back.py.
CALL_BACK_REQUEST = _LEXICONS["call_back_request"]
WORLD_NEWS = _LEXICONS["world_news"]
OWN_MATTER = _LEXICONS["own_matter"]
REPEAT = _LEXICONS["repeat"]
#: "again" / "opet" on its own: a repeat unless :data:`REPEAT_ONGOING` matches the message.
REPEAT_AGAIN = _LEXICONS["repeat_again"]
#: A shortage or unwanted messages that keep coming ("no oat milk. again.", "opet mi stižu
#: mailovi"): a bare "again" about them is no repeated complaint. Read over the whole message.
REPEAT_ONGOING = _LEXICONS["repeat_ongoing"]
MONEY = _LEXICONS["money"]
#: A refund that has arrived ("the refund landed today", "sjeo mi je povrat"): no demand for
#: money, unless its clause negates it ("the refund still hasn't landed").
MONEY_RECEIVED = _LEXICONS["money_received"]
#: "Give it back" without naming money ("vratite mi to", "put it back on my card"): a demand
#: for money when the message also names a charge (:data:`MONEY_CHARGED`).
MONEY_RETURN_IT = _LEXICONS["money_return_it"]
MONEY_CHARGED = _LEXICONS["money_charged"]
#: Words that make a refund awaited, not received ("it should have landed", "još nije sjeo").
MONEY_PENDING: frozenset[str] = _WORDS["money_pending"]
#: Anger (the weights are in bot.policy.anger).
INSULTS = _LEXICONS["insults"]
PROFANITY = _LEXICONS["profanity"]
CONTEMPT = _LEXICONS["contempt"]
#: A verdict of disgrace ("shameful", "sramota"): anger on its own.
DISGRACE = _LEXICONS["disgrace"]
EXASPERATION = _LEXICONS["exasperation"]
#: Exasperation said as a clause of its own ("Ma dajte,", "For crying out loud,", "Ajde
#: molim vas,"): the same words inside a request ("ma dajte mi broj") are not it.
EXASPERATED_INTERJECTIONS = _LEXICONS["exasperated_interjections"]
#: Anger a customer can say of themself ("furious", "bijesna"); with a word of
#: :data:`FIRST_PERSON` beside it, it is their own ("I'm furious", "bijesna sam").
ANGER_STATES = _LEXICONS["anger_states"]
#: First-person words ("I", "I'm", "sam", "me").
FIRST_PERSON: frozenset[str] = _WORDS["first_person"]
STRONG_EMOTION = _LEXICONS["strong_emotion"]
MILD_EMOTION = _LEXICONS["mild_emotion"]
INTENSIFIERS = _LEXICONS["intensifiers"]
THREATS_TO_LEAVE = _LEXICONS["threats_to_leave"]
#: Giving up on the conversation as a clause of its own ("You know what, forget it.", "Ma
#: pustite to."): anger only beside another sign.
GIVING_UP = _LEXICONS["giving_up"]
#: An ultimatum ("someone had better call me today", "zadnja prilika"): pressure, like a legal
#: step, never anger alone.
ULTIMATUM = _LEXICONS["ultimatum"]
#: Words of a deadline ("today", "odmah") that, written in capitals, press like an ultimatum.
DEADLINE_WORDS: frozenset[str] = _WORDS["deadline_words"]
SARCASM_MARKERS = _LEXICONS["sarcasm_markers"]
SARCASM_ON_ITS_OWN = _LEXICONS["sarcasm_on_its_own"]
PRAISE = _LEXICONS["praise"]
SERVICE_FAULTS = _LEXICONS["service_faults"]
#: Words that describe a problem; sarcasm markers count only next to one of them.
PROBLEM_WORDS = _LEXICONS["problem_words"]
#: Plain failures ("broken", "crklo"), without negations or spans of time: bare praise next
#: to one of them is sarcasm.
FAILURES = _LEXICONS["failures"]
#: Words that start a new clause ("but", "ali", ...); also the contrast of "praise, but ...".
CONTRAST_WORDS: frozenset[str] = _WORDS["clause_words"]
#: Praise said sarcastically opens the message on its own: "wow, ...", "odlično, ...".
SARCASTIC_OPENERS: frozenset[str] = _WORDS["sarcastic_openers"]
#: Words that may stand beside praise in a clause of bare sarcastic praise ("great job really").
SARCASM_FILLERS: frozenset[str] = _WORDS["sarcasm_fillers"]
#: Words that may stand beside a contempt word in a clause that is a verdict of its own
#: ("Pathetic.", "What a joke.", "Totalno beskorisno!").
VERDICT_FILLERS: frozenset[str] = _WORDS["verdict_fillers"]
#: What customers call the bot ("bot", "robot", "chat"): contempt beside one of them is aimed at
#: us.
BOT_WORDS: frozenset[str] = _WORDS["bot_words"]
#: Calls into silence ("hello", "ima li koga") that read as impatience before "???".
IMPATIENT_CALLS: frozenset[str] = _WORDS["impatient_calls"]
#: "You" addressed to the company ("you", "your", "vi", "vas", "vama"): the target of a
#: rhetorical question.
ADDRESS_WORDS: frozenset[str] = _WORDS["address_words"]
#: Words that turn a question to "you" into a reproach ("even", "actually", "uopće",
#: "ozbiljno"): "Do you even read my emails?" wants no answer.
RHETORICAL_WORDS: frozenset[str] = _WORDS["rhetorical_words"]
#: Words of a polite request ("please", "molim", "biste"): a question with one wants an answer.
POLITE_WORDS: frozenset[str] = _WORDS["polite_words"]
#: Particles of exasperation that make a clause of their own ("Joj,", "Čoveče,", "Seriously,",
#: "Uf,"): weak evidence, written by calm customers too, so anger only beside another sign.
EXASPERATED_PARTICLES: frozenset[str] = _WORDS["exasperated_particles"]
#: Thanks, which make bare praise sincere ("Great, thanks.").
THANKS: frozenset[str] = _WORDS["thanks"]
#: Words that may stand beside thanks in a closing sentence that reads as sarcasm after a
#: failure when nothing is asked ("Cheers for that.", "Hvala vam od srca.").
CLOSING_THANKS_FILLERS: frozenset[str] = _WORDS["closing_thanks_fillers"]
#: Emoji that swear or insult ("\U0001F92C", "\U0001F595") and emoji of an angry face.
SWEARING_EMOJI: frozenset[str] = _WORDS["swearing_emoji"]
ANGRY_EMOJI: frozenset[str] = _WORDS["angry_emoji"]
#: Desired resolutions (see bot.policy.resolution), by slug.
RESOLUTION_LEXICONS: dict[str, Lexicon] = {
    slug: _LEXICONS[f"resolution_{slug}"]
    for slug in ("refund", "replacement", "repair", "apology", "compensation", "nothing")
}
#: "Nothing" said as a clause of its own ("Ništa posebno.", "No need, thanks."), with
#: :data:`NOTHING_FILLERS` at most beside it.
RESOLUTION_NOTHING_ALONE = _LEXICONS["resolution_nothing_alone"]
NOTHING_FILLERS: frozenset[str] = _WORDS["nothing_fillers"]
#: Words that make such a clause "nothing more" ("that's all", "ništa drugo").
NOTHING_MORE: frozenset[str] = _WORDS["nothing_more"]
#: Words that frame a remedy as a wish in its clause ("want", "please", "hoću", "vratite"):
#: a remedy named in the story ("the repair didn't help") is no demand.
WISH_FRAMES: frozenset[str] = _WORDS["wish_frames"]


def refund_received(prepared: Prepared) -> set[int]:
    """The clauses that say a refund has arrived ("the refund landed today"), with no negation
    and nothing still awaited ("it should have landed"): money mentioned there is no demand."""
    return {
        hit.clause
        for hit in MONEY_RECEIVED.find(prepared)
        if not PLAIN_NEGATIONS.search(prepared.clauses[hit.clause])
        and not set(prepared.clauses[hit.clause]) & MONEY_PENDING
    }


#: Words after a wish read for a negation that follows it ("nova vaza mi više ne treba").
_AFTER_WINDOW = 5
#: Words before a wish read for a negation ("I don't want a refund", "ne trebam novi").
_BEFORE_WINDOW = 5


def refused_after(prepared: Prepared, hit: Hit) -> bool:
    """Whether the words right after ``hit`` refuse it ("pare mi ne trebaju")."""
    following = prepared.clauses[hit.clause][hit.end : hit.end + _AFTER_WINDOW]
    return bool(following) and bool(WISH_NEGATIONS_AFTER.find(Prepared(clauses=(following,))))


def find_wished(prepared: Prepared, lexicon: Lexicon) -> list[Hit]:
    """The matches of ``lexicon`` negated neither before ("I don't need a refund") nor after
    ("povrat novca ne treba"): one reading of a refused wish for the money reason and for the
    wish itself."""
    return [
        hit
        for hit in find_affirmed(prepared, lexicon, WISH_NEGATIONS, window=_BEFORE_WINDOW)
        if not refused_after(prepared, hit)
    ]
