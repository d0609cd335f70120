"""``PraiseOverComplaint``: praise of staff is not a service-quality complaint.

Service-quality complaints and praise talk about the same people ("the lady at your
checkout", "prodavačica"), and the training data has many more complaints about staff than
praise of them, so the TF-IDF classifier often reads "the cashier was really kind to my
mother" as ``complain_service_quality``. This component runs after the intent classifier
(before the ``FallbackClassifier``) and puts ``praise`` first when the top intent is one of
:data:`STAFF_COMPLAINTS` and the message

* praises someone (:data:`bot.policy.lexicons.PRAISE`, not negated: "wasn't helpful" does
  not count),
* has no contrast word ("but", "ali": praise, then the problem) and does not open with praise
  on its own ("wow, ...", "odlično, ...": sarcasm),
* and names no problem, wrongdoing or bad feeling (problem words, "rude"/"bezobrazna",
  waiting ("forty minutes", "tri puta"), contempt, insults, profanity, strong or mild
  displeasure, sarcasm, threats to leave).

The classifier's confidences are kept (see :func:`bot.nlu.ranking.promote`).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.ranking import promote, top_intent
from bot.policy import lexicons
from bot.policy.lexicons import find_affirmed, prepare
from bot.text.fold import fold

PRAISE_INTENT = "praise"
#: Intents that praise of staff is mistaken for.
STAFF_COMPLAINTS = frozenset({"complain_service_quality", "complain_other"})
#: Lexicons of which any match means the message reports a problem.
_COMPLAINT_SIGNS = (
    lexicons.PROBLEM_WORDS,
    lexicons.SERVICE_FAULTS,
    lexicons.CONTEMPT,
    lexicons.DISGRACE,
    lexicons.INSULTS,
    lexicons.PROFANITY,
    lexicons.STRONG_EMOTION,
    lexicons.MILD_EMOTION,
    lexicons.SARCASM_ON_ITS_OWN,
    lexicons.THREATS_TO_LEAVE,
)


def praise_without_complaint(text: str) -> bool:
    """Whether ``text`` praises someone and reports no problem (see the module docstring)."""
    if set(fold(text).replace("'", " ").split()) & lexicons.CONTRAST_WORDS:
        return False
    prepared = prepare(text)
    opener = prepared.clauses[0] if len(prepared.clauses) > 1 else ()
    if opener and all(word in lexicons.SARCASTIC_OPENERS for word in opener):
        return False
    if not find_affirmed(prepared, lexicons.PRAISE, lexicons.PLAIN_NEGATIONS, window=3):
        return False
    return not any(lexicon.find(prepared) for lexicon in _COMPLAINT_SIGNS)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PraiseOverComplaint(GraphComponent, IntentClassifier):
    """Puts ``praise`` before a staff complaint when the message only praises."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            # The intents that praise may be put before.
            "complaint_intents": sorted(STAFF_COMPLAINTS),
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self.complaint_intents = frozenset(self._config["complaint_intents"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PraiseOverComplaint:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Swaps a staff complaint and ``praise`` in the ranking of praising messages."""
        for message in messages:
            text = message.get(TEXT)
            if top_intent(message) not in self.complaint_intents or not isinstance(text, str):
                continue
            if praise_without_complaint(text):
                promote(message, PRAISE_INTENT)
        return messages
