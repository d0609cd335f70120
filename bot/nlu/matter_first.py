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

from bot.dialogue.matter import matter_over_handling
from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX
from bot.nlu.complaint_decision import DECISION
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
        for message in messages:
            text, top = message.get(TEXT), top_intent(message)
            if not isinstance(text, str) or not top or not top.startswith(COMPLAINT_INTENT_PREFIX):
                continue
            known = [
                name.removeprefix(COMPLAINT_INTENT_PREFIX)
                for name, _ in ranked_pairs(message)
                if name.startswith(COMPLAINT_INTENT_PREFIX)
            ]
            category = top.removeprefix(COMPLAINT_INTENT_PREFIX)
            matter = matter_over_handling(text, category, known)
            if matter is not None and promote(message, COMPLAINT_INTENT_PREFIX + matter):
                message.set(DECISION, [f"matter-over-handling:{top}"], add_to_output=True)
        return messages
