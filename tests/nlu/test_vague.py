"""NothingSaidYet: a first message that says nothing yet is read as not understood; inside a
complaint, or with an entity, the classifier's reading stays."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.outside_complaint import TICKET_SLOT
from bot.nlu.vague import NothingSaidYet


def _message(text: str, top: str = "complain_product_quality", **extra: Any) -> Message:
    ranking = [{"name": top, "confidence": 0.7}, {"name": "goodbye", "confidence": 0.3}]
    message = Message(data={TEXT: text, **extra})
    message.set(INTENT, dict(ranking[0]))
    message.set("intent_ranking", ranking)
    return message


def _intent(message: Message, tracker: DialogueStateTracker | None = None) -> str:
    [read] = NothingSaidYet({}).process([message], tracker)
    return str(read.get(INTENT)["name"])


def _tracker(events: list[Any]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "customer", events, slots=[TextSlot(TICKET_SLOT, mappings=[{}])]
    )


def test_a_problem_announced_first_is_not_understood() -> None:
    message = _message("I have a problem", top="goodbye")
    assert _intent(message) == "nlu_fallback"
    # the classifier's guesses are dropped: nothing named, nothing to file the matter under
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["nlu_fallback"]
    assert _intent(_message("imam reklamaciju"), _tracker([UserUttered("bok")])) == "nlu_fallback"


def test_a_named_matter_an_entity_or_an_open_complaint_keep_the_reading() -> None:
    assert _intent(_message("I have a problem with the kettle")) == "complain_product_quality"
    entity = [{"entity": "order_ref", "value": "4410", "start": 0, "end": 4}]
    assert _intent(_message("the thing", **{ENTITIES: entity})) == "complain_product_quality"
    open_complaint = _tracker([SlotSet(TICKET_SLOT, "C-ABC123")])
    assert _intent(_message("I have a problem"), open_complaint) == "complain_product_quality"


def test_a_fallback_already_set_loses_its_guesses_too() -> None:
    """"ma ono od jučer": the FallbackClassifier was unsure, but kept product quality second and
    the best complaint of a clause; neither may file the hand-over's complaint."""
    message = _message("ma ono od jučer", top="nlu_fallback")
    message.set("clause_complaint", {"name": "complain_product_quality", "confidence": 0.9})
    assert _intent(message) == "nlu_fallback"
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["nlu_fallback"]
    assert message.get("clause_complaint") is None
