"""CallBackAsPerson: a bare call-back as the first message asks for a person; inside a
complaint, or when a problem is named, the classifier's reading stays."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.call_back import CallBackAsPerson, bare_call_back
from bot.nlu.outside_complaint import TICKET_SLOT, complaint_open


def _message(text: str, top: str = "state_resolution") -> Message:
    ranking = [
        {"name": top, "confidence": 0.9},
        {"name": "complain_service_quality", "confidence": 0.06},
        {"name": "out_of_scope", "confidence": 0.04},
    ]
    message = Message(data={TEXT: text})
    message.set(INTENT, dict(ranking[0]))
    message.set("intent_ranking", ranking)
    return message


def _tracker(events: list[Any]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "customer", events, slots=[TextSlot(TICKET_SLOT, mappings=[{}])]
    )


def _processed(
    text: str, tracker: DialogueStateTracker | None, top: str = "state_resolution"
) -> str:
    [message] = CallBackAsPerson({}).process([_message(text, top)], tracker)
    return str(message.get(INTENT)["name"])


@pytest.mark.parametrize(
    "text",
    [
        "please call me back",
        "Can you ring me?",
        "I'd like a call back",
        "callback asap",
        "Nazovite me, molim Vas.",
        "Možete li me nazvati?",
        "pozovite me sutra",
        "Позовите ме, молим вас",
        "javite mi se telefonom",
    ],
)
def test_a_bare_call_back_before_any_complaint_asks_for_a_person(text: str) -> None:
    assert bare_call_back(text)
    assert _processed(text, None) == "request_human"
    assert _processed(text, _tracker([UserUttered("bok")]), top="out_of_scope") == "request_human"


@pytest.mark.parametrize(
    "text",
    [
        "you never called me back",
        "you said you would call me back and nobody did",
        "call me back, the fridge is broken",
        "call me a taxi",
        "pozovi mi taksi do aerodroma",
        "obećali ste da ćete me nazvati",
        "niste me nazvali",
        "i want to call my bank",
    ],
)
def test_a_problem_or_no_call_asked_for_stays_as_read(text: str) -> None:
    assert not bare_call_back(text)
    assert _processed(text, None) == "state_resolution"


def test_inside_a_complaint_a_call_back_is_the_wish() -> None:
    with_ticket = _tracker([SlotSet(TICKET_SLOT, "C-ABC123")])
    in_form = _tracker([ActiveLoop("resolution_form")])
    assert complaint_open(with_ticket)
    assert complaint_open(in_form)
    assert not complaint_open(_tracker([UserUttered("hello")]))
    assert _processed("please call me back", with_ticket) == "state_resolution"
    assert _processed("nazovite me", in_form) == "state_resolution"


def test_other_readings_are_left_alone() -> None:
    assert _processed("please call me back", None, top="greet") == "greet"
