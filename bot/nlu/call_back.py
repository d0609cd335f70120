"""``CallBackAsPerson``: "call me back please" as a first message asks for a person.

A bare call asked for ("call me back please", "nazovite me", "можете ли ме назвати?") reads as
a wish (``state_resolution``) to the classifier. Inside a complaint that is what it is: the
answer to "what can we do for you?", recorded with the customer's contact. Outside one, nothing
has been said that the bot could thank for or acknowledge, and no bot can make a phone call:
filed as a complaint it would get an acknowledgement of a problem nobody named. So when no
complaint is open in the conversation (no ticket, no form running), the message asks for a call
(:data:`bot.policy.lexicons.CALL_BACK_REQUEST`) and names no problem
(:func:`bot.dialogue.decision.names_a_problem`), ``request_human`` is put first: the customer is
told a colleague will take over and is asked how to reach them.

The component reads the conversation, so it must run in the Rasa process with the tracker
(Rasa 3.6 hands it to the NLU graph's components that ask for it).
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.dialogue.decision import WISH_INTENT, names_a_problem
from bot.nlu.ranking import promote, top_intent
from bot.policy import lexicons
from bot.policy.lexicons import prepare

PERSON_INTENT = "request_human"
#: The slot that holds the open complaint's ticket (domain.yml).
TICKET_SLOT = "complaint_ticket"
#: Intents a bare call-back is read as: the wish, or a request the bot cannot serve.
CALL_BACK_READINGS = frozenset({WISH_INTENT, "out_of_scope"})


def complaint_open(tracker: DialogueStateTracker | None) -> bool:
    """Whether the conversation has a complaint or a running form."""
    if tracker is None:
        return False
    ticket = tracker.get_slot(TICKET_SLOT) if TICKET_SLOT in tracker.slots else None
    return ticket is not None or tracker.active_loop_name is not None


def bare_call_back(text: str) -> bool:
    """Whether ``text`` asks for a call and names no problem."""
    return bool(lexicons.CALL_BACK_REQUEST.find(prepare(text))) and not names_a_problem(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CallBackAsPerson(GraphComponent, IntentClassifier):
    """Puts ``request_human`` first for a bare call-back outside a complaint."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CallBackAsPerson:
        """Creates a new component (see parent class for full docstring)."""
        return cls()

    def process(
        self,
        messages: list[Message],
        tracker: Optional[DialogueStateTracker] = None,  # noqa: UP045 (Rasa's graph validation)
    ) -> list[Message]:
        """Promotes ``request_human`` for a bare call-back when no complaint is open."""
        if complaint_open(tracker):
            return messages
        for message in messages:
            text = message.get(TEXT)
            if (
                isinstance(text, str)
                and top_intent(message) in CALL_BACK_READINGS
                and bare_call_back(text)
            ):
                promote(message, PERSON_INTENT, insert=True)
        return messages
