"""``LanguageDetector``: puts ``{"code", "script", "confidence", ...}`` under ``language``.

Runs before the tokenizer, on training data and on every message, so the
:class:`~bot.nlu.lemma_tokenizer.LemmaTokenizer` lemmatizes with the right tables and
``tracker.latest_message["language"]`` carries the detection.

At prediction time the conversation so far is the ``previous`` detection for
:func:`bot.text.language.detect`: the ``language``/``script`` slots when the domain has them
and they are set, else the ``language`` of the previous user message. A short or ambiguous
message ("ok", "da") therefore keeps the conversation's language. A first message that says
nothing of its language ("ej", "ok") takes the language of the customer's page or browser,
which the widget sends as ``metadata.language`` (:func:`page_language`). The variant (hr, bs, sr) is
decided on the variant markers of every customer message of the session so far
(:func:`earlier_texts`, :func:`bot.text.language.conversation_evidence`), not on the latest
message alone: later messages add evidence the first short one did not have.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text.language import (
    CODES,
    FROM_PAGE,
    NO_EVIDENCE_BELOW,
    SOURCE,
    Detection,
    VariantEvidence,
    conversation_evidence,
    detect,
)
from bot.text.languages import languages

LANGUAGE = "language"
METADATA = "metadata"
SCRIPTS = ("latin", "cyrillic")
#: The customer's latest messages whose variant markers are summed (a session is rarely longer).
EARLIER_MESSAGES = 20


def earlier_texts(tracker: DialogueStateTracker | None) -> list[str]:
    """The customer's messages of the current session before the one being parsed, oldest
    first (at most :data:`EARLIER_MESSAGES`; button payloads such as ``/affirm`` left out)."""
    if tracker is None:
        return []
    texts: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted) or len(texts) >= EARLIER_MESSAGES:
            break
        if isinstance(event, UserUttered) and event.text and not event.text.startswith("/"):
            texts.append(event.text)
    return texts[::-1]


def _slot_was_set(tracker: DialogueStateTracker) -> bool:
    return any(isinstance(event, SlotSet) and event.key == LANGUAGE for event in tracker.events)


def previous_detection(tracker: DialogueStateTracker | None) -> Detection | None:
    """The conversation's language before the message being parsed, if known: the slots once
    they have been set (their initial value, English, is no evidence about the customer),
    else the previous message's detection."""
    if tracker is None:
        return None
    if LANGUAGE in tracker.slots and _slot_was_set(tracker):
        code = tracker.get_slot(LANGUAGE)
        script = tracker.get_slot("script") if "script" in tracker.slots else None
        if code in CODES:
            return Detection(code, script if script in SCRIPTS else "latin", 1.0)
    latest = tracker.latest_message
    data = latest.parse_data.get(LANGUAGE) if latest is not None else None
    if isinstance(data, dict) and data.get("code") in CODES:
        script = data.get("script")
        return Detection(
            str(data["code"]),
            str(script) if script in SCRIPTS else "latin",
            float(data.get("confidence", 0.0)),
        )
    return None


def page_language(message: Message) -> Detection | None:
    """The language of the customer's page or browser, as the widget sends it with each
    message (``metadata.language``, a tag such as ``hr-HR`` or ``sr-Cyrl``). None without a
    tag, or for a language the bot does not speak."""
    metadata = message.get(METADATA)
    tag = metadata.get(LANGUAGE) if isinstance(metadata, dict) else None
    if not isinstance(tag, str) or not tag.strip():
        return None
    language = languages().for_tag(tag)
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    if language.tag.lower().split("-")[0] != primary or language.slot not in CODES:
        return None
    return Detection(language.slot, language.script, 0.0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Detects language (en, hr, sr, bs) and script (latin, cyrillic) of each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            # Use the conversation's previous language for short or ambiguous messages.
            "use_previous": True,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def _annotate(
        self,
        message: Message,
        previous: Detection | None,
        earlier: VariantEvidence | None = None,
    ) -> None:
        """The message's detection; a first message that says nothing of its language ("ej")
        takes the page's (:func:`page_language`), marked ``"source": "page"``, never one with
        words of its own ("hi" stays English on a Croatian page)."""
        text = message.get(TEXT)
        if not isinstance(text, str):
            return
        detection = detect(text, previous, earlier)
        page = page_language(message) if previous is None else None
        if page is not None and detection.confidence < NO_EVIDENCE_BELOW:
            found = {**detect(text, page, earlier).as_dict(), SOURCE: FROM_PAGE}
        else:
            found = detection.as_dict()
        message.set(LANGUAGE, found, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Annotates every training example that has a text."""
        for example in training_data.training_examples:
            self._annotate(example, None)
        return training_data

    def process(
        self,
        messages: list[Message],
        tracker: Optional[DialogueStateTracker] = None,  # noqa: UP045 (Rasa's graph validation)
    ) -> list[Message]:
        """Annotates incoming messages; ``tracker`` is the conversation so far, if any."""
        previous = earlier = None
        if self._config["use_previous"]:
            previous = previous_detection(tracker)
            texts = earlier_texts(tracker)
            earlier = conversation_evidence(texts) if texts else None
        for message in messages:
            self._annotate(message, previous, earlier)
        return messages
