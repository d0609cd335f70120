"""Language, variant and script detection for English and Croatian/Serbian/Bosnian (BCS).

``detect(text)`` answers three questions about one chat message:

1. **Script** - ``cyrillic`` when most letters are Cyrillic, else ``latin``.
2. **Family** - English or BCS. Evidence per word, on folded text (:func:`bot.text.fold.fold`,
   so ``šta``/``sta``/``шта`` count alike):

   * spaCy's stop-word lists (English; Croatian; Serbian, whose Cyrillic list is folded),
     minus the words both sides share (``a``, ``i``, ``to``, ``on``, ``no``, ...);
     a word of one or two letters counts 0.6, a longer one 1.0;
   * the complaint vocabularies below (:data:`ENGLISH_WORDS`, :data:`BCS_WORDS`) and every
     variant marker word except names and towns: 1.0 each;
   * a word written with ``čćšžđ``: +0.5; a Cyrillic word: +1.0.

3. **Variant** (hr, sr or bs) - explainable weighted markers: the word groups, bigrams and
   loan-verb prefixes of ``bot/text/data/variant_markers.yml`` (:data:`MARKERS`) and
   :func:`_pattern_markers`. Each group has a label and a weight
   per variant; the weights are summed per variant. The main families of markers:

   * **jat reflex**: ijekavian ``vrijeme, uvijek, mlijeko, prije, dijete, cijena, lijepo,
     gdje, dvije, čovjek`` (hr and bs) versus ekavian ``vreme, uvek, mleko, pre, dete, cena,
     lepo, gde, dve, čovek`` (sr);
   * **Croatian words**: ``što`` (what), ``tko``, ``tjedan``, ``tisuća``, ``kruh``, ``kava``,
     ``vlak``, ``obitelj``, ``točno``, ``tijekom``, ``jamstvo``, ``obveza``, ``isprika``,
     ``kupnja``, months ``siječanj`` .. ``prosinac``, ``kn``/``kuna``; the
     Croatian future ``vratit ću`` and ``ću`` + infinitive; ``s`` before a word that does not
     begin with a sibilant (``s novim``); a modal verb before an infinitive (``želim
     razgovarati``, also Bosnian); an infinitive that lost its ``-i`` after such a verb
     (``moram platit``, ``ne da mi se čekat``: Croatian and Bosnian speech, see
     ``truncated_infinitives`` in the marker file);
   * **Serbian words** (often shared with Bosnian): ``šta``, ``ko``, ``hiljada``, ``porodica``,
     ``tačno``, ``voz``, ``izvinite``, ``uslov``, ``tokom``, ``uopšte``; Serbian only:
     ``hleb``, ``porudžbina``, ``poručio``, ``takođe``, ``juče``, ``opština``, ``evra``,
     ``dinara``; the constructions ``da li``, ``ću da``, ``moram da``, ``sa novim`` and the
     fused future ``vratiću`` (Bosnian customers write it too);
   * **Bosnian words**: ``sedmica``, ``hljeb``, ``kahva``, ``lahko``, ``sahat``, ``uposlenik``,
     ``historija``, ``vjerovatno``, ``jarane``, ``ahbab``, ``selam``, ``KM``/``maraka``.
     Turkish loanwords (``insan``, ``belaj``, ``sabahile``, ``džezva``); spoken participles
     in ``-o`` for ``-ao`` (``došo``, ``reko``, ``mogo``; heard in Serbia too).
     Bosnian has no marker of its own for most words, so it wins when ijekavian forms
     (shared with hr) meet Serbian-Bosnian words (``šta``, ``hiljada``, ``tačno``...),
     often in different messages of one conversation (see ``earlier`` below).
   * **everyday words**: ``hladnjak``/``frižider``, ``kat``/``sprat``, ``okus``/``ukus``,
     ``tvornica``/``fabrika``, ``jamstvo``/``garancija``...; loan verbs ``rezervirati`` (hr)
     against ``rezervisati`` (sr, bs);
   * **towns and first names** (delivery addresses, signatures): ``Zagreb``, ``Novi Sad``,
     ``Sarajevo``, ``Mirza``... They weigh for the variant only, never for the family;
   * **contacts** (:mod:`bot.text.origin`): the country domain of an e-mail or web address
     (``.hr``, ``.ba``, ``.rs``), the country of a phone number (``+387``; ``098 ...`` fits
     only Croatia's plan, ``062 ...`` Bosnia's and Serbia's) and first names in e-mail
     addresses (``lejla.b@...``); variant only.

   ``račun``, ``molim Vas`` and ``hoćeš`` are used alike in all three, so they are no markers;
   ``što`` counts for hr only where it opens a question (``Što se događa?``), not inside a
   sentence (``nakon što``, ``drago mi je što``, ``sto puta``).
   Cyrillic text starts with a strong Serbian prior: only clear Croatian or Bosnian words
   outweigh it. Without any marker the priors make ``hr`` the default BCS variant.

4. **Reply variant** (:func:`reply_variant`, policy in ``bot/text/data/variants.yml``): the
   summed weights become probabilities by a softmax with a temperature calibrated on the
   training files (``python -m tools.evaluation calibrate-variants``). The most likely variant
   answers, unless the message carries markers and the two most likely variants are within
   the policy's margin: then the variant the customer most likely accepts best (expected
   acceptance), which is Bosnian, the middle variant, only when the evidence points both ways.
   A message without markers is no reason to leave the default variant.

5. **The conversation** (``earlier`` of :func:`detect`, :func:`conversation_evidence`): the
   markers of the customer's earlier messages of the session are added to the message's, so
   the variant rests on everything the customer has written; ``previous`` then only breaks
   ties (:data:`_KEEP_VARIANT_PRIOR`), so the reply does not switch variant on even evidence.

**Confidence** is ``P(family) * strength`` for English and
``P(family) * strength * (0.75 + 0.25 * P(variant))`` for BCS (:data:`VARIANT_DOUBT`), where
``strength`` grows with the amount of evidence (``E / (E + 1.5)``): a clearly BCS message
without variant markers is still confident enough to set the conversation's language (the
default variant, hr). A message whose family confidence is below
:data:`KEEP_PREVIOUS_BELOW` ("ok", "da", "hvala", "C-4KX9TR") keeps ``previous.code`` (and,
unless it is written in Cyrillic, ``previous.script``); ``previous`` is also a prior for the
variant, so a Bosnian conversation stays Bosnian through neutral messages.

No spaCy import happens here: the stop-word lists are read from spaCy's source files, so the
module stays cheap to import in the action server (importing spaCy imports TensorFlow).
"""

from __future__ import annotations

import ast
import importlib.util
import math
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.text.fold import cyrillic_share, fold, is_cyrillic_char, to_latin
from bot.text.origin import address_words, domain_countries, phone_countries

BCS_CODES: tuple[str, ...] = ("hr", "sr", "bs")
CODES: tuple[str, ...] = ("en", *BCS_CODES)
#: Below this family confidence a message is "short or ambiguous" and keeps the previous code.
KEEP_PREVIOUS_BELOW = 0.5
#: Below this confidence a message says nothing of its language ("ok", "ej", "C-4KX9TR"): the
#: first message of a session sets the conversation's language only from this confidence up.
NO_EVIDENCE_BELOW = 0.25
#: A detection's ``source`` when its language is the customer's page's, not the message's.
SOURCE = "source"
FROM_PAGE = "page"
#: Share of the BCS confidence that depends on the variant. A clearly BCS message with weak
#: variant evidence must still be confident enough to set the conversation's language (the
#: action server's threshold is 0.4): otherwise the customer is answered in English.
VARIANT_DOUBT = 0.25
#: Evidence at which the strength factor reaches one half.
_STRENGTH_HALF = 1.5
#: The same when all the evidence points to one family: two unopposed BCS content words
#: ("paket kasni", "dupla naplata") are enough to answer in BCS.
_STRENGTH_HALF_UNOPPOSED = 0.6
#: ... but one word alone ("hvala" in an English chat) keeps the conversation's language.
_UNOPPOSED_MIN_EVIDENCE = 1.2
#: simplemma's Serbo-Croatian lexicon ("hbs") and English lexicon: a word only one of them
#: knows is evidence for that family (see :func:`_lexicon_evidence`).
_LEXICON_WEIGHT = 1.0
#: Variant priors (small): without any marker they make Croatian the default variant.
_VARIANT_PRIOR: dict[str, float] = {"hr": 0.3, "sr": 0.2, "bs": 0.0}
VARIANTS_FILE = Path(__file__).with_name("data") / "variants.yml"
#: Cyrillic is written in Serbia (and by Bosnian Serbs); Croatian is never written in it.
_CYRILLIC_PRIOR: dict[str, float] = {"sr": 2.5}
#: Bonus for the variant of the previous message.
_PREVIOUS_PRIOR = 1.0
#: The same when the earlier messages' evidence is summed (``earlier`` of :func:`detect`):
#: the evidence decides, the conversation's variant only breaks a tie, so the reply does
#: not switch variant on equal evidence.
_KEEP_VARIANT_PRIOR = 0.5

_BCS_LETTERS = frozenset("čćšžđČĆŠŽĐ")


@dataclass(frozen=True)
class Detection:
    """The language of one message.

    ``scores`` holds a probability-like score per code (they sum to 1); ``markers`` names the
    evidence that decided the variant (``"ijekavian:vrijeme"``, ``"bigram:da li"``...).
    """

    code: str
    script: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    markers: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_bcs(self) -> bool:
        return self.code in BCS_CODES

    def as_dict(self) -> dict[str, Any]:
        """The JSON-friendly form stored in the parse data under ``language``."""
        return {
            "code": self.code,
            "script": self.script,
            "confidence": round(self.confidence, 3),
            "scores": {code: round(score, 3) for code, score in self.scores.items()},
            "markers": list(self.markers),
        }


@dataclass(frozen=True)
class _Marker:
    label: str
    weights: Mapping[str, float]


def _expand(spec: str) -> list[str]:
    """Expand ``stem(a|e|)`` into ``[stema, steme, stem]``; plain words stay as they are."""
    words: list[str] = []
    for item in spec.split():
        match = re.fullmatch(r"([a-z]*)\(([a-z|]*)\)([a-z]*)", item)
        if match is None:
            words.append(item)
            continue
        stem, endings, tail = match.groups()
        words.extend(stem + ending + tail for ending in endings.split("|"))
    return words


MARKERS_FILE = Path(__file__).with_name("data") / "variant_markers.yml"
_SPEC = re.compile(r"[a-z]+|[a-z]*\([a-z|]*\)[a-z]*")


@dataclass(frozen=True)
class VariantMarkers:
    """The marker data of ``bot/text/data/variant_markers.yml`` (see its header)."""

    #: (label, weights, folded word spec); a word belongs to one group only.
    groups: tuple[tuple[str, dict[str, float], str], ...]
    #: (label, weights, word beginnings) for loan verbs.
    prefixes: tuple[tuple[str, dict[str, float], tuple[str, ...]], ...]
    bigrams: dict[tuple[str, str], _Marker]
    #: Marker words English has too: evidence for the variant, not for the family.
    variant_only: frozenset[str]
    #: Infinitives without their final ``-i`` ("moram platit"), if the file describes them.
    truncated: TruncatedInfinitives | None = None
    #: Variant weights of the countries that contacts point to (``{"HR": {"hr": 1.5}}``).
    countries: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class TruncatedInfinitives:
    """``truncated_infinitives`` of the marker file: a word in ``-at``/``-et``/``-it``/``-ut``
    after a verb that takes an infinitive (clitics between them skipped) is an infinitive that
    lost its ``-i`` ("moram platit", "ne da mi se objašnjavat", "morali smo mu dat")."""

    label: str
    weights: Mapping[str, float]
    after: frozenset[str]
    skip: frozenset[str]
    not_infinitives: frozenset[str]


def _marker_error(where: str, problem: str) -> ValueError:
    return ValueError(f"{MARKERS_FILE}: {where}: {problem}")


def _weights(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, dict) or not raw or not set(raw) <= set(BCS_CODES):
        raise _marker_error(where, f"weights must map some of {BCS_CODES} to numbers")
    weights: dict[str, float] = {}
    for code, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 5:
            raise _marker_error(where, f"weight of {code} must be a number in (0, 5]")
        weights[str(code)] = float(value)
    return weights


def _spec(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.split():
        raise _marker_error(where, "words must be a non-empty string")
    bad = [item for item in raw.split() if not _SPEC.fullmatch(item)]
    if bad:
        raise _marker_error(where, f"not folded words or stem(a|b) forms: {bad[:5]}")
    return " ".join(raw.split())


def _entries(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _marker_error(key, "expected a list of mappings")
    return entries


def _label(entry: Mapping[str, Any], where: str) -> str:
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _marker_error(where, "label must be a non-empty string")
    return label


def parse_markers(data: Any) -> VariantMarkers:
    """Check and convert the loaded marker file; a ``ValueError`` names what is wrong."""
    if not isinstance(data, dict):
        raise _marker_error("top", "expected a mapping")
    groups = []
    for i, entry in enumerate(_entries(data, "groups")):
        where = f"groups[{i}]"
        weights = _weights(entry.get("weights"), where)
        groups.append((_label(entry, where), weights, _spec(entry.get("words"), where)))
    prefixes = []
    for i, entry in enumerate(_entries(data, "prefixes")):
        where = f"prefixes[{i}]"
        words = tuple(_spec(entry.get("words"), where).split())
        if any("(" in word for word in words):
            raise _marker_error(where, "prefixes are plain word beginnings")
        prefixes.append((_label(entry, where), _weights(entry.get("weights"), where), words))
    bigrams: dict[tuple[str, str], _Marker] = {}
    for i, entry in enumerate(_entries(data, "bigrams")):
        where = f"bigrams[{i}]"
        pair = _spec(entry.get("words"), where).split()
        if len(pair) != 2 or any("(" in word for word in pair):
            raise _marker_error(where, "words must be two plain words")
        bigrams[(pair[0], pair[1])] = _Marker(
            _label(entry, where), _weights(entry.get("weights"), where)
        )
    variant_only = frozenset(_spec(data.get("variant_only"), "variant_only").split())
    truncated = _truncated(data.get("truncated_infinitives"))
    countries = _countries(data.get("countries"))
    return VariantMarkers(
        tuple(groups), tuple(prefixes), bigrams, variant_only, truncated, countries
    )


def _countries(raw: Any) -> dict[str, dict[str, float]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(key, str) and re.fullmatch(r"[A-Z]{2}", key) for key in raw
    ):
        raise _marker_error("countries", "expected two-letter country codes (HR, BA, RS)")
    return {key: _weights(value, f"countries.{key}") for key, value in raw.items()}


def _truncated(raw: Any) -> TruncatedInfinitives | None:
    if raw is None:
        return None
    where = "truncated_infinitives"
    if not isinstance(raw, dict):
        raise _marker_error(where, "expected a mapping")

    def words(key: str) -> frozenset[str]:
        return frozenset(_expand(_spec(raw.get(key), f"{where}.{key}")))

    return TruncatedInfinitives(
        label=_label(raw, where),
        weights=_weights(raw.get("weights"), where),
        after=words("after"),
        skip=words("skip"),
        not_infinitives=words("not_infinitives"),
    )


def load_markers(path: Path | None = None) -> VariantMarkers:
    """The variant markers from ``bot/text/data/variant_markers.yml`` (or ``path``), checked."""
    with (path or MARKERS_FILE).open(encoding="utf-8") as handle:
        return parse_markers(YAML(typ="safe").load(handle))


MARKERS = load_markers()
MARKER_GROUPS = MARKERS.groups
PREFIX_MARKERS = MARKERS.prefixes
BIGRAM_MARKERS = MARKERS.bigrams
_VARIANT_ONLY = MARKERS.variant_only
_TRUNCATED = MARKERS.truncated
_COUNTRIES = MARKERS.countries
_TRUNCATED_ENDINGS = ("at", "et", "it", "ut")
#: "ko" is also "kao" (like): "ko da je pala", "glup ko stup"; before "da" it is never "who".
_KO_AS_KAO_BEFORE = frozenset({"da"})
#: "što" is Croatian for "what?" when it opens a question ("Što se događa?"); inside a
#: sentence every variant uses it ("ono što", "nakon što", "drago mi je što"), and "sto" is
#: also a table and a hundred in Serbian and Bosnian.
_STO_OPENERS = frozenset({"a", "pa", "i", "ma", "e", "ali"})
#: "sto" is also "a hundred": "sto puta", "sto eura".
_HUNDRED_OF = frozenset(_expand("puta eura evra kuna dinara km maraka posto dana godina"))
_FUTURE_AUX = frozenset({"cu", "ces", "ce", "cemo", "cete"})
#: Dative of diminutives and surnames in "-čić"/"-ćić" ("sandučiću", "Periću"): no future.
_NOUN_ICU = ("čiću", "ćiću")
#: Every variant says "sa" before these sounds ("sa sinom", "sa ženom"); before any other word
#: "sa" is Serbian and Bosnian usage, Croatian writes "s" ("sa novim" / "s novim").
_S_BEFORE = ("s", "z", "c", "dz")
#: Words ending in "t" before "će" that are no truncated infinitives ("paket će stići").
_NOT_INFINITIVES = frozenset(
    _expand("paket kontakt predmet popust povrat opet put pet sat dvaput triput kvit iznos")
)
#: Infinitives every variant puts after "će" ("paket će biti isporučen").
_COMMON_INFINITIVES = frozenset({"biti", "moci"})
_DA_VERBS = frozenset(
    _expand(
        "hoc(u|es|e|emo|ete) nec(u|es|e|emo|ete) mor(am|as|a|amo|ate) treba trebalo "
        "zel(im|imo|ite) poce(o|la|li|lo) "
        "mo(gu|zes|ze|zete) pokusa(vam|o|la)"
    )
)
#: Modal verbs before an infinitive ("želim razgovarati", "moram platiti"): Croatian and
#: Bosnian; Serbian says "želim da razgovaram". "Moći" takes the infinitive everywhere.
_MODALS = _DA_VERBS - frozenset(_expand("mo(gu|zes|ze|zete)"))

FAMILY_WORDS_FILE = Path(__file__).with_name("data") / "family_words.yml"


def load_family_words(path: Path = FAMILY_WORDS_FILE) -> tuple[frozenset[str], frozenset[str]]:
    """(English, BCS) complaint and chat vocabulary of ``family_words.yml``, checked."""
    with path.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), str) and data[key].split() for key in ("english", "bcs")
    ):
        raise ValueError(f"{path.name}: expected two word lists, 'english' and 'bcs'")
    return frozenset(data["english"].split()), frozenset(_expand(data["bcs"]))


#: English and BCS (folded) complaint and chat vocabulary that is not in spaCy's stop words
#: nor among the variant markers.
ENGLISH_WORDS, BCS_WORDS = load_family_words()


def _stop_words_from_source(lang: str) -> frozenset[str] | None:
    """Read ``STOP_WORDS`` from spaCy's source file without importing spaCy (and TensorFlow)."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / lang / "stop_words.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "STOP_WORDS" for target in node.targets
        ):
            strings = [
                sub.value
                for sub in ast.walk(node.value)
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            ]
            words = frozenset(word for string in strings for word in string.split())
            return words or None
    return None


@cache
def spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` (``en``, ``hr``, ``sr``), folded."""
    words: Iterable[str] | None = None
    if "spacy" not in sys.modules:
        words = _stop_words_from_source(lang)
    if words is None:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
        words = module.STOP_WORDS
    return frozenset(fold(word) for word in words)


def _build_marker_index() -> dict[str, _Marker]:
    index: dict[str, _Marker] = {}
    for label, weights, spec in MARKER_GROUPS:
        for word in _expand(spec):
            index.setdefault(word, _Marker(f"{label}:{word}", weights))
    return index


def _language_words() -> frozenset[str]:
    """Marker words that are also evidence for the BCS family (not names or places)."""
    return frozenset(
        word
        for label, _weights, spec in MARKER_GROUPS
        if not label.startswith(("place", "name"))
        for word in _expand(spec)
    )


_WORD_MARKERS = _build_marker_index()
_EN_STOP = spacy_stop_words("en")
_BCS_STOP = spacy_stop_words("hr") | spacy_stop_words("sr")
_EN_ALL = _EN_STOP | ENGLISH_WORDS
_BCS_ALL = _BCS_STOP | BCS_WORDS | (_language_words() - _VARIANT_ONLY) | {"sto"}
#: Words both languages use ("a", "i", "to", "on", "no", ...): evidence for neither.
_SHARED = _EN_ALL & _BCS_ALL
#: Interjections that say nothing about the language.
_NEUTRAL = frozenset({"ah", "aj", "au", "eh", "ej", "hm", "hmm", "oh", "ok", "okay", "e"})

_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’][^\W\d_]+)*(?!\w)")
_FUSED_FUTURE = re.compile(r"[ai]ć(?:u|eš|emo|ete)$")
#: Ijekavian jat inside a word: "ije" after a consonant ("zagrijao", "svijeća") and short
#: "je" after t, s, v, m, p, c, r ("sjekira", "svjež", "smjer", "rječnik").
_IJEKAVIAN_INSIDE = re.compile(r"(?:^bije[ls]|[cdfghklmnprstvz]ije[a-z]|[tsvmpcr]je)")
#: Words with such letters that every variant writes alike ("nije", "pije", "bije", "prijem").
_IJEKAVIAN_LOOKALIKES = ("nije", "pij", "bije", "krij", "prijem", "vije", "projek", "trajek")
#: Ekavian masculine past participles: Serbian "hteo, video, želeo, razumeo" against
#: "htio, vidio, želio, razumio"; "deo" and "ceo" are ekavian words as well.
_EKAVIAN_PARTICIPLE = re.compile(r"[a-z]{2,}eo$")
_SHARED_EO = frozenset(
    {
        *("pepeo", "romeo", "video", "rodeo", "stereo"),
        # Verbs without jat, written alike everywhere: početi, uzeti, dovesti, sresti, jesti.
        *("poceo", "zapoceo", "uzeo", "preuzeo", "zauzeo", "oduzeo", "poduzeo", "preduzeo"),
        *("doveo", "odveo", "naveo", "izveo", "uveo", "proveo", "priveo", "zaveo", "sveo"),
        *("sreo", "jeo", "pojeo", "zapeo", "napeo"),
    }
)


@cache
def _lexicon_family(word: str) -> str | None:
    """``"bcs"``/``"en"`` when only simplemma's hbs or only its English lexicon knows ``word``.

    simplemma ships its lexicons inside the package (no download); the hbs lexicon needs the
    diacritics, so the word is looked up as written (Cyrillic transliterated).
    """
    if len(word) < 3:
        return None
    # heavy: simplemma loads its lexicons on import; only uncertain words need it
    from simplemma import is_known

    # low_memory: simplemma's compressed lexicons, 14 MB in all against 85 MB decoded into
    # dicts, with the same answers; a word is looked up once (cached), in about 0.04 ms
    in_bcs = is_known(word, lang="hbs", low_memory=True)
    in_english = is_known(word, lang="en", low_memory=True)
    if in_bcs == in_english:
        return None
    return "bcs" if in_bcs else "en"


def load_word_lexicons() -> None:
    """Load simplemma's two lexicons now (about 0.4 s) rather than inside the first message
    with an uncertain word (:mod:`bot.ops.warmup` calls it once the server runs)."""
    # heavy: simplemma loads its lexicons on import and on the first look-up of a language
    from simplemma import is_known

    for lang in ("hbs", "en"):
        is_known("a", lang=lang, low_memory=True)


def _word_weight(word: str) -> float:
    return 0.6 if len(word) <= 2 else 1.0


def _family_evidence(raw: list[str], folded: list[str]) -> tuple[float, float]:
    english = bcs = 0.0
    for original, word in zip(raw, folded, strict=True):
        if any(is_cyrillic_char(char) for char in original):
            bcs += 1.0
        elif any(char in _BCS_LETTERS for char in original):
            bcs += 0.5
        if word in _SHARED or word in _NEUTRAL:
            continue
        if word in _EN_STOP:
            english += _word_weight(word)
        elif word in ENGLISH_WORDS:
            english += 1.0
        if word in _BCS_STOP:
            bcs += _word_weight(word)
        elif word in _BCS_ALL:
            bcs += 1.0
        if word in _EN_ALL or word in _BCS_ALL:
            continue
        lexicon = _lexicon_family(fold_keep_diacritics(original))
        if lexicon == "bcs":
            bcs += _LEXICON_WEIGHT
        elif lexicon == "en":
            english += _LEXICON_WEIGHT
    return english, bcs


def _add(scores: dict[str, float], weights: Mapping[str, float]) -> None:
    for code, weight in weights.items():
        scores[code] += weight


@cache
def _bcs_word(word: str) -> bool:
    """Whether simplemma's Serbo-Croatian lexicon knows ``word`` (as written, diacritics
    kept): "sat", "put", "rezultat" are words, a truncated "platit" or "pitat" is not."""
    # heavy: see _lexicon_family
    from simplemma import is_known

    return bool(is_known(word, lang="hbs", low_memory=True))


def _truncated_infinitive(raw: list[str], folded: list[str], i: int) -> _Marker | None:
    """The marker of :class:`TruncatedInfinitives` if ``folded[i]`` is one."""
    word = folded[i]
    if (
        _TRUNCATED is None
        or len(word) < 3
        or not word.endswith(_TRUNCATED_ENDINGS)
        or word in _TRUNCATED.not_infinitives
    ):
        return None
    j = i - 1
    while j >= 0 and folded[j] in _TRUNCATED.skip:
        j -= 1
    if j < 0 or folded[j] not in _TRUNCATED.after or _bcs_word(fold_keep_diacritics(raw[i])):
        return None
    return _Marker(f"{_TRUNCATED.label}:{folded[j]} {word}", _TRUNCATED.weights)


def _pattern_markers(raw: list[str], folded: list[str]) -> list[_Marker]:
    """Markers that need context or the original spelling: futures, ``da`` clauses, ``KM``."""
    found: list[_Marker] = []
    for i in range(len(folded)):
        truncated = _truncated_infinitive(raw, folded, i)
        if truncated is not None:
            found.append(truncated)
    for i, word in enumerate(folded):
        following = folded[i + 1] if i + 1 < len(folded) else ""
        preceding = folded[i - 1] if i > 0 else ""
        if word in _FUTURE_AUX and following == "da":
            found.append(_Marker("future:ću da", {"sr": 1.0, "bs": 0.6}))
        elif word in _DA_VERBS and following == "da":
            found.append(_Marker(f"da-clause:{word} da", {"sr": 0.6, "bs": 0.4}))
        if (
            word in _FUTURE_AUX
            and len(preceding) >= 4
            and preceding.endswith("t")
            and preceding not in _NOT_INFINITIVES
        ):
            found.append(_Marker(f"future:{preceding} {word}", {"hr": 1.0, "bs": 0.8}))
        if (
            word in _FUTURE_AUX
            and len(following) >= 4
            and following.endswith(("ti", "ci"))
            and following not in _COMMON_INFINITIVES
        ):
            found.append(_Marker(f"future:{word} {following}", {"hr": 0.6, "bs": 0.4}))
        latin = fold_keep_diacritics(raw[i])
        if (
            len(latin) >= 6
            and _FUSED_FUTURE.search(latin)
            and not latin.endswith(_NOUN_ICU)
            and not (i > 0 and raw[i][:1].isupper())
        ):
            found.append(_Marker(f"future:{latin}", {"sr": 1.0, "bs": 0.8}))
        if (
            word == "sa"
            and following
            and not following.startswith(_S_BEFORE)
            and following != "mnom"
        ):
            found.append(_Marker(f"preposition:sa {following}", {"sr": 0.5, "bs": 0.5}))
        if (
            word == "sto"
            and (i == 0 or raw[i][:1].isupper() or (i == 1 and preceding in _STO_OPENERS))
            and following not in _HUNDRED_OF
        ):
            found.append(_Marker("hr-word:sto", {"hr": 0.8}))
        if (
            word == "s"
            and following
            and not following.startswith(_S_BEFORE)
            and not following[:1].isdigit()
        ):
            found.append(_Marker(f"preposition:s {following}", {"hr": 0.5, "bs": 0.3}))
        if word in _MODALS and len(following) >= 4 and following.endswith(("ti", "ci")):
            found.append(_Marker(f"infinitive:{word} {following}", {"hr": 0.6, "bs": 0.4}))
        if len(word) >= 6:
            for label, weights, prefixes in PREFIX_MARKERS:
                if word.startswith(prefixes):
                    found.append(_Marker(f"{label}:{word}", weights))
        if word not in _WORD_MARKERS and not word.startswith(_IJEKAVIAN_LOOKALIKES):
            if _IJEKAVIAN_INSIDE.search(word):
                found.append(_Marker(f"ijekavian-form:{word}", {"hr": 0.8, "bs": 0.8}))
            elif _EKAVIAN_PARTICIPLE.search(word) and word not in _SHARED_EO:
                found.append(_Marker(f"ekavian-form:{word}", {"sr": 1.2}))
        if raw[i] in ("KM", "КМ"):
            found.append(_Marker("currency:KM", {"bs": 1.2, "sr": 0.3}))
    return found


def fold_keep_diacritics(word: str) -> str:
    """Lower-case Latin with diacritics kept (``Вратићу`` -> ``vratiću``)."""
    return to_latin(word).lower()


@dataclass(frozen=True)
class VariantEvidence:
    """The variant markers of one or more messages: their summed weights and their labels."""

    weights: Mapping[str, float] = field(default_factory=dict)
    markers: tuple[str, ...] = ()

    def __add__(self, other: VariantEvidence) -> VariantEvidence:
        weights = {code: self.weights.get(code, 0.0) for code in BCS_CODES}
        _add(weights, other.weights)
        return VariantEvidence(weights, self.markers + other.markers)


def _contact_markers(text: str) -> list[_Marker]:
    """Markers from the contact details of a message (:mod:`bot.text.origin`): the country
    of an address's domain or of a phone number, and first names in e-mail addresses."""
    found: list[_Marker] = []
    for country in domain_countries(text):
        if country in _COUNTRIES:
            found.append(_Marker(f"domain:.{country.lower()}", _COUNTRIES[country]))
    for _number, countries in phone_countries(text, _COUNTRIES):
        known = sorted(country for country in countries if country in _COUNTRIES)
        if known:
            # A number that fits several countries' plans shares their weights.
            shared = dict.fromkeys(BCS_CODES, 0.0)
            for country in known:
                for code, weight in _COUNTRIES[country].items():
                    shared[code] += weight / len(known)
            found.append(_Marker(f"phone:{'/'.join(known)}", shared))
    for word in address_words(text):
        marker = _WORD_MARKERS.get(fold(word))
        if marker is not None and marker.label.startswith("name"):
            found.append(_Marker(f"address-{marker.label}", marker.weights))
    return found


def _marker_evidence(raw: list[str], folded: list[str], text: str = "") -> VariantEvidence:
    """The marker weights of one message (no priors); ``text`` for its contact details."""
    weights = dict.fromkeys(BCS_CODES, 0.0)
    labels: list[str] = []
    for contact in _contact_markers(text):
        _add(weights, contact.weights)
        labels.append(contact.label)
    for i, word in enumerate(folded):
        marker = _WORD_MARKERS.get(word)
        if word == "ko" and i + 1 < len(folded) and folded[i + 1] in _KO_AS_KAO_BEFORE:
            marker = None
        if marker is not None:
            _add(weights, marker.weights)
            labels.append(marker.label)
        if i + 1 < len(folded):
            bigram = BIGRAM_MARKERS.get((word, folded[i + 1]))
            if bigram is not None:
                _add(weights, bigram.weights)
                labels.append(bigram.label)
    for marker in _pattern_markers(raw, folded):
        _add(weights, marker.weights)
        labels.append(marker.label)
    return VariantEvidence(weights, tuple(labels))


def conversation_evidence(texts: Iterable[str]) -> VariantEvidence:
    """The variant markers of the customer's earlier messages, summed: each message adds to
    what the conversation has shown, so a Bosnian customer who first writes only ijekavian
    forms ("prije", "gdje") and later a word Serbian and Bosnian share ("šta", "pare") is
    answered in Bosnian from then on."""
    total = VariantEvidence()
    for text in texts:
        total = total + _text_evidence(text)
    return total


@lru_cache(maxsize=4096)
def _text_evidence(text: str) -> VariantEvidence:
    """The marker evidence of one earlier message (a conversation re-reads its messages)."""
    raw, folded, _cyrillic = _words(text)
    return _marker_evidence(raw, folded, text)


def _variant_scores(
    message: VariantEvidence,
    script: str,
    previous: Detection | None,
    earlier: VariantEvidence | None = None,
) -> dict[str, float]:
    scores = {code: _VARIANT_PRIOR.get(code, 0.0) for code in BCS_CODES}
    if script == "cyrillic":
        _add(scores, _CYRILLIC_PRIOR)
    if previous is not None and previous.code in BCS_CODES:
        scores[previous.code] += _PREVIOUS_PRIOR if earlier is None else _KEEP_VARIANT_PRIOR
    if earlier is not None:
        _add(scores, earlier.weights)
    _add(scores, message.weights)
    return scores


@dataclass(frozen=True)
class VariantPolicy:
    """How the reply variant follows the detector's variant scores (``variants.yml``)."""

    #: ``acceptance[reply][reader]``: how well a reader of one variant accepts a reply in another.
    acceptance: Mapping[str, Mapping[str, float]]
    #: Variant probabilities are ``softmax(score / temperature)``.
    temperature: float
    #: The middle variant is considered only when the two most likely variants are this close.
    margin: float


def _fraction(data: Mapping[str, Any], key: str, low: float, high: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low < value <= high:
        raise ValueError(f"{VARIANTS_FILE}: {key} must be a number in ({low}, {high}]")
    return float(value)


@cache
def variant_policy() -> VariantPolicy:
    """The reply-variant policy from ``bot/text/data/variants.yml``, checked."""
    with VARIANTS_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{VARIANTS_FILE}: expected a mapping")
    table = data.get("acceptance")
    if not isinstance(table, dict) or set(table) != set(BCS_CODES):
        raise ValueError(f"{VARIANTS_FILE}: acceptance needs exactly the variants {BCS_CODES}")
    checked: dict[str, dict[str, float]] = {}
    for reply, row in table.items():
        if not isinstance(row, dict) or set(row) != set(BCS_CODES):
            raise ValueError(f"{VARIANTS_FILE}: acceptance.{reply} needs {BCS_CODES}")
        values = {reader: float(value) for reader, value in row.items()}
        if values[reply] != 1.0 or not all(0.0 <= v <= 1.0 for v in values.values()):
            raise ValueError(f"{VARIANTS_FILE}: acceptance.{reply}: own variant 1, others 0..1")
        checked[str(reply)] = values
    return VariantPolicy(
        acceptance=checked,
        temperature=_fraction(data, "temperature", 0.0, 10.0),
        margin=_fraction(data, "margin", 0.0, 1.0),
    )


def acceptance() -> Mapping[str, Mapping[str, float]]:
    """``acceptance[reply][reader]`` from ``bot/text/data/variants.yml``."""
    return variant_policy().acceptance


def reply_variant(
    probabilities: Mapping[str, float],
    evidence: bool = True,
    policy: VariantPolicy | None = None,
) -> str:
    """The BCS variant to answer in.

    The most likely variant, unless the message carries variant evidence and the two most
    likely variants are within the policy's margin: then the variant the customer most likely
    accepts best (highest expected acceptance; Bosnian, the middle variant, when the evidence
    points both ways). Without any evidence the priors decide: the default variant.
    ``policy`` defaults to :func:`variant_policy`.
    """
    policy = policy or variant_policy()
    first, second = sorted(BCS_CODES, key=lambda c: probabilities.get(c, 0.0), reverse=True)[:2]
    if not evidence or probabilities.get(first, 0.0) - probabilities.get(second, 0.0) >= (
        policy.margin
    ):
        return first

    def expected(reply: str) -> float:
        table = policy.acceptance[reply]
        return sum(probabilities.get(reader, 0.0) * table[reader] for reader in BCS_CODES)

    return max(BCS_CODES, key=lambda reply: (expected(reply), probabilities.get(reply, 0.0)))


def softmax(scores: Mapping[str, float], temperature: float = 1.0) -> dict[str, float]:
    top = max(scores.values())
    exps = {code: math.exp((score - top) / temperature) for code, score in scores.items()}
    total = sum(exps.values())
    return {code: value / total for code, value in exps.items()}


def _words(text: str) -> tuple[list[str], list[str], bool]:
    """The words of ``text`` as written and folded, and whether it is written in Cyrillic."""
    cleaned = _EMAIL_OR_URL.sub(" ", text)
    raw = _WORD.findall(cleaned)
    return raw, [fold(word).replace("’", "'") for word in raw], cyrillic_share(cleaned) > 0.5


def variant_scores(text: str) -> tuple[dict[str, float], tuple[str, ...]]:
    """The variant scores of one message on its own (priors and markers, no previous
    message) and the markers found; :func:`softmax` with the policy's temperature makes them
    probabilities (``tools/evaluation/variants.py`` fits that temperature)."""
    raw, folded, has_cyrillic = _words(text)
    evidence = _marker_evidence(raw, folded, text)
    scores = _variant_scores(evidence, "cyrillic" if has_cyrillic else "latin", None)
    return scores, evidence.markers


def detect(
    text: str, previous: Detection | None = None, earlier: VariantEvidence | None = None
) -> Detection:
    """Detect the language code, script and confidence of one message.

    ``previous`` is the detection of the conversation's previous message: a short or
    ambiguous message keeps its code (and script, unless written in Cyrillic). ``earlier``
    is the variant evidence of the customer's earlier messages
    (:func:`conversation_evidence`): the variant is decided on everything the customer has
    written so far, and ``previous`` then only breaks ties.
    """
    raw, folded, has_cyrillic = _words(text)
    script = "cyrillic" if has_cyrillic else "latin"

    english, bcs = _family_evidence(raw, folded)
    total = english + bcs
    p_bcs = (bcs + 0.25) / (total + 0.5)
    unopposed = min(english, bcs) == 0 and total >= _UNOPPOSED_MIN_EVIDENCE
    half = _STRENGTH_HALF_UNOPPOSED if unopposed else _STRENGTH_HALF
    strength = total / (total + half)
    message = _marker_evidence(raw, folded, text)
    by_variant = _variant_scores(message, script, previous, earlier)
    variants = softmax(by_variant, variant_policy().temperature)
    scores = {"en": 1.0 - p_bcs, **{code: p_bcs * variants[code] for code in BCS_CODES}}
    labels = message.markers
    evidence = bool(labels) or (earlier is not None and bool(earlier.markers))

    if p_bcs > 0.5:
        code = reply_variant(variants, evidence=evidence)
        family_confidence = p_bcs * strength
        # The family decides which responses the customer can read; an unsure variant
        # (hr or bs?) lowers the confidence by a quarter at worst.
        confidence = family_confidence * (1.0 - VARIANT_DOUBT + VARIANT_DOUBT * variants[code])
    else:
        code = "en"
        family_confidence = confidence = (1.0 - p_bcs) * strength

    if family_confidence < KEEP_PREVIOUS_BELOW and previous is not None:
        code = previous.code
        script = "cyrillic" if has_cyrillic else previous.script
        confidence = family_confidence
    return Detection(
        code=code,
        script=script,
        confidence=max(0.0, min(1.0, confidence)),
        scores=scores,
        markers=tuple(labels),
    )
