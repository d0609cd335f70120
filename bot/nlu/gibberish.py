"""``NothingToUnderstand``: turns messages with no meaningful known word into ``nlu_fallback``.

The TF-IDF classifier always spreads its probability over the intents, and character n-grams
of a keyboard mash ("qwertz uiop") or of a vague reference ("that stuff from earlier")
can still push one intent above the :class:`~rasa.nlu.classifiers.fallback_classifier.
FallbackClassifier` threshold. Then the bot answers as if it had understood, and the second
misunderstanding in a row (which sends the customer to a person) is never counted.

Place it after the ``FallbackClassifier``. A message becomes ``nlu_fallback`` when it has at
least one word and

* no entity (order reference, ticket, e-mail, phone, amount) and no digit,
* no *meaningful known* word: a word is known when its folded form or folded lemma occurs in
  the training examples (the form also one typo away, "heya" for "hey", when it has four
  letters or more), or the folded form is in the hr/sr/en lemma tables of
  :mod:`bot.text.lemmas` (as a form or, for English, as a lemma); it is meaningful unless its
  folded form is a filler (:func:`bot.text.vague.fillers`, in ``bot/text/data/fillers.yml``:
  articles, pronouns, prepositions, auxiliaries, vague nouns such as "thing"/"stvar",
  references to earlier talk such as "before"/"malopre"/"said", interjections),
* and it does not contain every lemma of some training example (so a stock reply that is
  made of fillers, e.g. a training example "to je to", is still understood).

Answers such as "yes", "no", "nothing", "aha", "da", "ne", "nije", "ništa", "ne znam" and
"again"/"opet" (a repeated complaint) are not fillers.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.lemma_tokenizer import LemmaTokenizer
from bot.text.lemmas import LEMMA_RULES, fast_fold, lemma_index
from bot.text.vague import fillers

logger = logging.getLogger(__name__)

_MODEL_FILE = "nothing_to_understand.json"


_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w", re.UNICODE)
#: The lemma tables whose forms count as known words.
_TABLES = ("hr", "sr", "en")


@cache
def _english_lemmas() -> frozenset[str]:
    """Base forms of the English table (its keys are only the inflected forms)."""
    index = lemma_index("en")
    return frozenset(str(index._lemmas[i], "utf-8") for i in range(len(index._lemmas)))


def in_lemma_tables(folded: str) -> bool:
    """Whether a folded word is a form in the hr/sr/en lemma tables or an English lemma."""
    if folded in LEMMA_RULES:
        return True
    if any(lemma_index(table).get(folded) is not None for table in _TABLES):
        return True
    return folded in _english_lemmas()


def _word_tokens(message: Message) -> list[Token]:
    tokens: list[Token] = message.get(TOKENS_NAMES[TEXT]) or []
    return [token for token in tokens if _WORD.search(token.text)]


def _views(token: Token) -> tuple[str, str]:
    """(folded surface form, folded lemma) of a token."""
    return fast_fold(token.text), token.lemma or fast_fold(token.text)


#: Words at least this long also count as known one typo away from a training word.
MIN_FUZZY_LENGTH = 4
_REPEATS = re.compile(r"(.)\1{2,}")


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Vocabulary:
    """The training examples' words and lemma sets, and the test on a tokenized message."""

    def __init__(self, words: Iterable[str], examples: Iterable[Iterable[str]]) -> None:
        self.words = frozenset(words)
        self.examples = tuple(frozenset(example) for example in examples if example)
        # Symmetric-delete index: two words are one edit apart when one of them, or a
        # one-letter deletion of each, meet here.
        self._deleted = frozenset(
            variant
            for word in self.words
            if len(word) >= MIN_FUZZY_LENGTH - 1
            for variant in _deletions(word)
        )

    def near_training_word(self, surface: str) -> bool:
        """One typo (or a letter held down: "helloooo") away from a training word."""
        word = _REPEATS.sub(r"\1\1", surface)
        if word in self.words:
            return True
        if len(word) < MIN_FUZZY_LENGTH:
            return False
        if word in self._deleted:
            return True
        return any(
            variant in self.words or variant in self._deleted for variant in _deletions(word)
        )

    @classmethod
    def from_messages(cls, messages: Iterable[Message]) -> Vocabulary:
        words: set[str] = set()
        examples: set[frozenset[str]] = set()
        for message in messages:
            lemmas: set[str] = set()
            for token in _word_tokens(message):
                surface, lemma = _views(token)
                words.update((surface, lemma))
                lemmas.add(lemma)
            if lemmas:
                examples.add(frozenset(lemmas))
        return cls(words, examples)

    def is_meaningful(self, surface: str, lemma: str) -> bool:
        """A known word that is not a filler.

        Only the surface form is compared with the fillers: lemmas merge meaningful forms
        into filler ones ("nije" and "je" are both "biti", "AI" is "have" in the en table).
        """
        if surface in fillers():
            return False
        return (
            surface in self.words
            or lemma in self.words
            or in_lemma_tables(surface)
            or self.near_training_word(surface)
        )

    def nothing_to_understand(self, message: Message) -> bool:
        """Whether the tokenized message has nothing the bot could act on (see module doc)."""
        text = message.get(TEXT)
        words = _word_tokens(message)
        if not isinstance(text, str) or not words or _DIGIT.search(text):
            return False
        if message.get(ENTITIES):
            return False
        views = [_views(token) for token in words]
        if any(self.is_meaningful(surface, lemma) for surface, lemma in views):
            return False
        lemmas = {lemma for _, lemma in views}
        return not any(example <= lemmas for example in self.examples)

    def to_json(self) -> dict[str, Any]:
        return {
            "words": sorted(self.words),
            "examples": sorted(sorted(example) for example in self.examples),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Vocabulary:
        return cls(data.get("words", []), data.get("examples", []))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NothingToUnderstand(GraphComponent, IntentClassifier):
    """Predicts ``nlu_fallback`` for messages without a meaningful known word."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            # Confidence given to the fallback intent it predicts.
            "confidence": 1.0,
        }

    @staticmethod
    def required_components() -> list[type]:
        return [LemmaTokenizer]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NothingToUnderstand:
        """Creates an untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Collects the words and lemma sets of the training examples."""
        examples = [m for m in training_data.intent_examples if isinstance(m.get(TEXT), str)]
        self.vocabulary = Vocabulary.from_messages(examples)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _MODEL_FILE).write_text(
                json.dumps(self.vocabulary.to_json(), ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NothingToUnderstand:
        """Loads the vocabulary (see parent class for full docstring)."""
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / _MODEL_FILE).read_text(encoding="utf-8"))
            vocabulary: Vocabulary | None = Vocabulary.from_json(data)
        except (ValueError, FileNotFoundError):
            logger.debug("NothingToUnderstand: no vocabulary found; predicting nothing.")
            vocabulary = None
        return cls(config, model_storage, resource, vocabulary)

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces the intent of messages with nothing to understand by ``nlu_fallback``."""
        if self.vocabulary is None:
            return messages
        for message in messages:
            if is_fallback(message) or not self.vocabulary.nothing_to_understand(message):
                continue
            set_fallback(message, float(self._config["confidence"]))
        return messages


def is_fallback(message: Message) -> bool:
    """Whether ``message`` is already read as not understood."""
    intent = message.get(INTENT) or {}
    return bool(intent.get(INTENT_NAME_KEY) == DEFAULT_NLU_FALLBACK_INTENT_NAME)


def set_fallback(message: Message, confidence: float, *, keep_ranking: bool = True) -> None:
    """Read ``message`` as not understood: ``nlu_fallback`` first, and the classifier's ranking
    after it unless ``keep_ranking`` is false (its guesses then choose nothing later, such as
    the category of a complaint that a person's hand-over opens)."""
    fallback = {
        INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
        PREDICTED_CONFIDENCE_KEY: confidence,
    }
    ranking = list(message.get(INTENT_RANKING_KEY) or []) if keep_ranking else []
    message.set(INTENT, fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(fallback), *ranking], add_to_output=True)
