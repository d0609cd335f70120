"""``LemmaTokenizer``: spaCy tokens whose ``lemma`` is the folded dictionary lemma.

Rasa's ``CountVectorsFeaturizer`` uses ``Token.lemma`` by default (``use_lemma: True``), so
``čekam``, ``cekam``, ``чекам`` and ``čekala`` all become the feature ``cekati``. Offsets stay on
the original text. The language comes from the ``language`` set by the
:class:`~bot.nlu.language_detector.LanguageDetector`; without it the tokenizer detects it.
Intent, action and response-key names are split as Rasa's ``WhitespaceTokenizer`` does.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.text.language import CODES, detect
from bot.text.lemmas import preload, tokenize

LANGUAGE = "language"


def message_language(message: Message, attribute: str, text: str) -> str:
    """The language code to lemmatize ``attribute`` of ``message`` with."""
    if attribute == TEXT:
        annotated = message.get(LANGUAGE)
        if isinstance(annotated, dict) and annotated.get("code") in CODES:
            return str(annotated["code"])
    return detect(text).code


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class LemmaTokenizer(Tokenizer):
    """Tokenizes with spaCy blank pipelines; ``Token.lemma`` is the folded lemma."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (the options of Rasa's tokenizers, plus one)."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
            # Keep punctuation tokens ("?", "!") as tokens of their own
            "keep_punctuation": False,
            # Load these languages' lemma tables when the model loads, not on the first
            # message (about 8 s for hr+sr); [] loads lazily.
            "preload_languages": ["en", "hr", "sr", "bs"],
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__({**self.get_default_config(), **config})
        self.keep_punctuation = bool(self._config["keep_punctuation"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LemmaTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        tokenizer = cls(config)
        preload(tokenizer._config["preload_languages"])
        return tokenizer

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenizes the text of ``attribute``; lemmas are folded, offsets original."""
        text = message.get(attribute)
        if not isinstance(text, str) or not text.strip():
            return []
        infos = tokenize(text, message_language(message, attribute, text))
        kept = [info for info in infos if self.keep_punctuation or not info.is_punct]
        if not kept:
            # Only punctuation or emoji (":)", "?!"): one token for the whole text, as Rasa does.
            stripped = text.strip()
            start = text.index(stripped)
            return [Token(stripped, start, start + len(stripped), lemma=stripped)]
        tokens = [Token(info.text, info.start, info.end, lemma=info.lemma) for info in kept]
        return self._apply_token_pattern(tokens)
