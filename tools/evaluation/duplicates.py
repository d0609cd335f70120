"""The near-duplicate check between an evaluation set and the training data.

A set sentence nearly duplicates a training example when either

* their **folded character 5-grams** (lower case, Cyrillic -> Latin, no diacritics, every run
  of non-letters/digits one space; :func:`bot.text.fold.fold`) have a Jaccard similarity of
  at least :data:`JACCARD_THRESHOLD` (0.5), or
* they have the **same set of content lemmas** (the folded lemmas of
  :func:`bot.text.lemmas.tokenize` that are words, minus the function words of
  ``stopwords.yml``), at least :data:`MIN_CONTENT_LEMMAS` of them.

**Exempt** (they cannot be reworded, so matching them says nothing): a sentence that, once
e-mail addresses, phone numbers and order/ticket numbers are taken out, has at most
:data:`MAX_EXEMPT_WORDS` words left ("yes", "ne znam", "ORD-48213", "ana@example.com",
"moj broj: 091 555 1234" is *not* exempt: three words remain).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ruamel.yaml import YAML

from bot.settings import PROJECT_ROOT
from bot.text.fold import fold

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
STOPWORDS_FILE = Path(__file__).with_name("stopwords.yml")
JACCARD_THRESHOLD = 0.5
NGRAM = 5
MIN_CONTENT_LEMMAS = 2
MAX_EXEMPT_WORDS = 2
#: The language of each training file's examples (bot.text.lemmas pipelines).
FILE_LANGUAGE = {"en": "en", "hr": "hr", "bs": "bs", "sr_latn": "sr", "sr_cyrl": "sr"}

_EMAIL = re.compile(r"\S+@\S+")
_PHONE = re.compile(r"\+?\d[\d\s/().-]{5,}\d")
#: Order and ticket numbers: a word of at least four characters with a digit in it.
_REFERENCE = re.compile(r"\b(?=[\w-]*\d)[\w-]{4,}\b")
_NON_WORD = re.compile(r"[\W_]+")


def folded(text: str) -> str:
    """``text`` folded, with every run of non-letters/digits one space."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def ngrams(text: str, n: int = NGRAM) -> frozenset[str]:
    """The character n-grams of the folded text (the whole text when it is shorter)."""
    norm = folded(text)
    if len(norm) <= n:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i : i + n] for i in range(len(norm) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def is_exempt(text: str) -> bool:
    """An e-mail, a phone number, an order number or a one/two-word answer."""
    rest = _REFERENCE.sub(" ", _PHONE.sub(" ", _EMAIL.sub(" ", text)))
    return len(folded(rest).split()) <= MAX_EXEMPT_WORDS


@cache
def stopwords() -> dict[str, frozenset[str]]:
    with STOPWORDS_FILE.open(encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    return {key: frozenset(fold(str(word)) for word in words) for key, words in data.items()}


def content_lemmas(text: str, language: str) -> frozenset[str]:
    """The folded lemmas of the words of ``text`` that are not function words."""
    from bot.text.lemmas import tokenize

    stop = stopwords()["en" if language == "en" else "bcs"]
    lemmas = set()
    for token in tokenize(text, language):
        lemma = _NON_WORD.sub("", token.lemma)
        if token.is_punct or not lemma or lemma.isdigit() or "@" in token.text:
            continue
        if lemma not in stop and _NON_WORD.sub("", fold(token.text)) not in stop:
            lemmas.add(lemma)
    return frozenset(lemmas)


@dataclass(frozen=True)
class Example:
    """One sentence and the language its lemmas are read in (``en``, ``hr``, ``bs``, ``sr``)."""

    text: str
    language: str
    source: str = ""


@dataclass(frozen=True)
class Pair:
    """A set sentence, the training example it nearly duplicates, and why."""

    sentence: Example
    training: Example
    jaccard: float
    same_lemmas: bool

    def describe(self, show_sentence: bool = True) -> str:
        """The pair for a failure message; a test-set sentence is named by its item only
        (``show_sentence`` false), so that reading the failure does not reveal it."""
        why = f"5-gram Jaccard {self.jaccard:.2f}" + (
            ", same content lemmas" if self.same_lemmas else ""
        )
        sentence = f": {self.sentence.text!r}" if show_sentence else " (text not shown)"
        return (
            f"{self.sentence.source}{sentence}\n"
            f"    ~ {self.training.source}: {self.training.text!r} ({why})"
        )


def training_examples(nlu_dir: Path = NLU_DIR) -> list[Example]:
    """The example texts of ``data/nlu/*.yml`` (entity annotations removed)."""
    from rasa.shared.nlu.training_data.loading import load_data

    found = []
    for path in sorted(nlu_dir.glob("*.yml")):
        language = FILE_LANGUAGE.get(path.stem, "en")
        for example in load_data(str(path)).training_examples:
            if example.get("text"):
                found.append(Example(str(example.get("text")), language, f"data/nlu/{path.name}"))
    return found


class TrainingIndex:
    """The training examples indexed by 5-gram and by content-lemma set."""

    def __init__(self, examples: Iterable[Example]) -> None:
        self.examples = list(examples)
        self.grams = [ngrams(e.text) for e in self.examples]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, grams in enumerate(self.grams):
            for gram in grams:
                self.postings[gram].append(index)
        self.by_lemmas: dict[frozenset[str], int] = {}
        for index, example in enumerate(self.examples):
            lemmas = content_lemmas(example.text, example.language)
            if len(lemmas) >= MIN_CONTENT_LEMMAS:
                self.by_lemmas.setdefault(lemmas, index)

    def match(self, sentence: Example) -> Pair | None:
        """The closest training example ``sentence`` nearly duplicates, if any."""
        grams = ngrams(sentence.text)
        best, best_score = -1, 0.0
        if grams:
            shared: Counter[int] = Counter()
            for gram in grams:
                shared.update(self.postings.get(gram, ()))
            for index, common in shared.items():
                # Jaccard >= t needs common >= t * max(|A|, |B|); skip the rest cheaply.
                if common < JACCARD_THRESHOLD * len(grams):
                    continue
                score = common / (len(grams) + len(self.grams[index]) - common)
                if score > best_score:
                    best, best_score = index, score
        lemmas = content_lemmas(sentence.text, sentence.language)
        same = self.by_lemmas.get(lemmas) if len(lemmas) >= MIN_CONTENT_LEMMAS else None
        if best_score >= JACCARD_THRESHOLD:
            return Pair(
                sentence,
                self.examples[best],
                best_score,
                content_lemmas(self.examples[best].text, self.examples[best].language) == lemmas,
            )
        if same is not None:
            return Pair(sentence, self.examples[same], jaccard(grams, self.grams[same]), True)
        return None


def near_duplicates(sentences: Sequence[Example], index: TrainingIndex) -> list[Pair]:
    """The sentences (exempt ones skipped) that nearly duplicate a training example."""
    found = []
    for sentence in sentences:
        if is_exempt(sentence.text):
            continue
        if (pair := index.match(sentence)) is not None:
            found.append(pair)
    return found
