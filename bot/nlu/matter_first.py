"""``MatterOverHandling``: a complaint about how a matter was handled is filed under the matter.

Customers who chase a problem complain about the chasing: "third call and nobody has done
anything about my dead fridge", "Operater pls. Dupla naplata na narudžbi 33219". The
classifier reads the calls, the silence and the request for an operator as
``complain_service_quality``, and the acknowledgement then speaks of the service instead of
the fridge or the double charge. When the top intent is that handling category and the words
name another category's problem, that category goes first
(:func:`bot.dialogue.matter.matter_over_handling`; the rule and its exceptions are in
``bot/dialogue/data/matter_over_handling.yml``). Runs after ``ComplaintFirst``. The
classifier's confidences are kept (see :func:`bot.nlu.ranking.promote`).
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

from bot.dialogue.matter import handling_rule, matter_over_handling
from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX
from bot.nlu.complaint_decision import DECISION, complaint_categories
from bot.nlu.ranking import promote, ranked_pairs, top_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MatterOverHandling(GraphComponent, IntentClassifier):
    """Puts the matter's complaint intent before the handling's (see the module docstring)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MatterOverHandling:
        """Creates a new component (see parent class for full docstring)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Promotes the matter's complaint intent where the handling's is first."""
        handling = COMPLAINT_INTENT_PREFIX + handling_rule().handling
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or top_intent(message) != handling:
                continue  # most messages: nothing more to read
            known = complaint_categories(ranked_pairs(message))
            matter = matter_over_handling(text, handling_rule().handling, known)
            if matter is not None and promote(message, COMPLAINT_INTENT_PREFIX + matter):
                message.set(DECISION, [f"matter-over-handling:{handling}"], add_to_output=True)
        return messages
