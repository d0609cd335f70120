"""The base of the NLU corrections that apply only before a complaint is open.

Some first messages are read differently from the same words inside a complaint: "call me back
please" asks for a person before a complaint but is the wish inside one
(:mod:`bot.nlu.call_back`); "I have a problem" says nothing yet before one
(:mod:`bot.nlu.vague`). These components read the conversation (Rasa 3.6 hands the tracker to
the NLU graph's components that ask for it), so they run in the Rasa process.
"""

from __future__ import annotations

from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

#: The slot that holds the open complaint's ticket (domain.yml).
TICKET_SLOT = "complaint_ticket"


def complaint_open(tracker: DialogueStateTracker | None) -> bool:
    """Whether the conversation has a complaint or a running form."""
    if tracker is None:
        return False
    ticket = tracker.get_slot(TICKET_SLOT) if TICKET_SLOT in tracker.slots else None
    return ticket is not None or tracker.active_loop_name is not None


class OutsideComplaintCorrection(GraphComponent, IntentClassifier):
    """Corrects the reading of messages while no complaint is open (:meth:`correct`)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OutsideComplaintCorrection:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def correct(self, message: Message, text: str) -> None:
        """Change the reading of ``message`` (whose text is ``text``) where it is wrong."""
        raise NotImplementedError

    def process(
        self,
        messages: list[Message],
        tracker: Optional[DialogueStateTracker] = None,  # noqa: UP045 (Rasa's graph validation)
    ) -> list[Message]:
        """Corrects each message with a text, unless a complaint is open."""
        if complaint_open(tracker):
            return messages
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str):
                self.correct(message, text)
        return messages
