"""The LanguageDetector component on real Rasa messages, training data and trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language_detector import LanguageDetector, earlier_texts, previous_detection


@pytest.fixture()
def detector(tmp_path: Path) -> LanguageDetector:
    return LanguageDetector.create(
        LanguageDetector.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("language_detector"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.mark.parametrize(
    ("text", "code", "script"),
    [
        ("My parcel never arrived, I want a refund", "en", "latin"),
        ("Već tjedan dana čekam narudžbu, što se događa?", "hr", "latin"),
        ("Cekam porudzbinu vec dve nedelje, sta se desava?", "sr", "latin"),
        ("Чекам поруџбину већ две недеље, шта се дешава?", "sr", "cyrillic"),
        ("Šta se dešava, čekam narudžbu već dvije sedmice!", "bs", "latin"),
    ],
)
def test_process_sets_language_in_the_parse_output(
    detector: LanguageDetector, text: str, code: str, script: str
) -> None:
    message = Message(data={TEXT: text})
    [processed] = detector.process([message])
    output = processed.as_dict(only_output_properties=True)
    assert output["language"]["code"] == code
    assert output["language"]["script"] == script
    assert output["language"]["confidence"] >= 0.5


def test_process_training_data_annotates_every_example(detector: LanguageDetector) -> None:
    data = TrainingData(
        [
            Message(data={TEXT: "where is my order", INTENT: "complain"}),
            Message(data={TEXT: "gdje je moja narudžba, čekam tjedan dana", INTENT: "complain"}),
            Message(data={TEXT: "где је моја поруџбина", INTENT: "complain"}),
        ]
    )
    detector.process_training_data(data)
    codes = [
        (example.get("language")["code"], example.get("language")["script"])
        for example in data.training_examples
    ]
    assert codes == [("en", "latin"), ("hr", "latin"), ("sr", "cyrillic")]


def test_messages_without_text_are_left_alone(detector: LanguageDetector) -> None:
    message = Message(data={INTENT: "greet"})
    detector.process([message])
    assert message.get("language") is None


def _tracker(events: list[Any], slots: list[TextSlot] | None = None) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("customer", events, slots=slots or [])


def test_short_message_keeps_the_previous_messages_language(detector: LanguageDetector) -> None:
    tracker = _tracker(
        [
            UserUttered(
                "Чекам поруџбину већ две недеље",
                parse_data={"language": {"code": "sr", "script": "cyrillic", "confidence": 0.9}},
            )
        ]
    )
    [message] = detector.process([Message(data={TEXT: "ok"})], tracker=tracker)
    assert (message.get("language")["code"], message.get("language")["script"]) == (
        "sr",
        "cyrillic",
    )


def test_slots_take_precedence_over_the_previous_message(detector: LanguageDetector) -> None:
    slots = [TextSlot("language", mappings=[]), TextSlot("script", mappings=[])]
    tracker = _tracker(
        [
            SlotSet("language", "bs"),
            SlotSet("script", "latin"),
            UserUttered("hello", parse_data={"language": {"code": "en", "script": "latin"}}),
        ],
        slots,
    )
    assert previous_detection(tracker) is not None
    [message] = detector.process([Message(data={TEXT: "da"})], tracker=tracker)
    assert message.get("language")["code"] == "bs"
    # A neutral BCS sentence stays Bosnian instead of falling back to the default (hr).
    [message] = detector.process([Message(data={TEXT: "paket nije stigao, gdje je?"})], tracker)
    assert message.get("language")["code"] == "bs"


def test_previous_can_be_switched_off(tmp_path: Path) -> None:
    detector = LanguageDetector({"use_previous": False})
    tracker = _tracker([UserUttered("x", parse_data={"language": {"code": "sr"}})])
    [message] = detector.process([Message(data={TEXT: "ok"})], tracker=tracker)
    assert message.get("language")["code"] == "en"


def test_no_previous_without_tracker_or_detection() -> None:
    assert previous_detection(None) is None
    assert previous_detection(_tracker([])) is None
    assert previous_detection(_tracker([UserUttered("x", parse_data={"language": "hr"})])) is None


def test_the_initial_slot_value_is_no_evidence(detector: LanguageDetector) -> None:
    """The slot starts as English; until it is set, a short first BCS message is read as
    BCS rather than kept English."""
    slots = [TextSlot("language", mappings=[], initial_value="en"), TextSlot("script", mappings=[])]
    tracker = _tracker([], slots)
    assert previous_detection(tracker) is None
    [message] = detector.process([Message(data={TEXT: "pošiljka kasni"})], tracker=tracker)
    assert message.get("language")["code"] == "hr"


def test_earlier_texts_are_the_sessions_customer_messages() -> None:
    tracker = _tracker(
        [
            UserUttered("from an older session"),
            SessionStarted(),
            UserUttered("Prije tri dana sam naručio stolicu."),
            UserUttered("/affirm"),
            UserUttered("još ništa"),
        ]
    )
    assert earlier_texts(tracker) == ["Prije tri dana sam naručio stolicu.", "još ništa"]
    assert earlier_texts(None) == []


def test_the_variant_follows_the_whole_conversation(detector: LanguageDetector) -> None:
    """Ijekavian first ("prije"), then words Serbian and Bosnian share ("niko", "šta"):
    Bosnian, which neither message shows on its own."""
    slots = [TextSlot("language", mappings=[]), TextSlot("script", mappings=[])]
    tracker = _tracker(
        [
            UserUttered("Prije tri dana sam naručila stolicu, nije stigla."),
            SlotSet("language", "hr"),
            SlotSet("script", "latin"),
        ],
        slots,
    )
    [message] = detector.process([Message(data={TEXT: "Niko se ne javlja, šta sad?"})], tracker)
    assert message.get("language")["code"] == "bs"


@pytest.mark.parametrize(
    ("text", "page", "code", "script", "from_page"),
    [
        # a first message that says nothing of its language takes the page's
        ("ej", "hr-HR", "hr", "latin", True),
        ("ok", "sr-Cyrl", "sr", "cyrillic", True),
        ("ej", "bs", "bs", "latin", True),
        ("ej", "en-GB", "en", "latin", True),
        # a language the bot does not speak, or no tag, is no prior: the default
        ("ej", "de-DE", "en", "latin", False),
        ("ej", "", "en", "latin", False),
        ("ej", None, "en", "latin", False),
        # the message's own words are stronger than the page, even a single one
        ("My parcel never arrived, I want a refund", "hr-HR", "en", "latin", False),
        ("hi", "hr-HR", "en", "latin", False),
        ("Paket nije stigao, čekam već tjedan dana", "en-US", "hr", "latin", False),
    ],
)
def test_a_first_message_too_short_to_tell_takes_the_pages_language(
    detector: LanguageDetector,
    text: str,
    page: str | None,
    code: str,
    script: str,
    from_page: bool,
) -> None:
    metadata = {} if page is None else {"language": page}
    [message] = detector.process([Message(data={TEXT: text, "metadata": metadata})])
    found = message.get("language")
    assert (found["code"], found["script"]) == (code, script)
    assert (found.get("source") == "page") is from_page


def test_the_conversation_outweighs_the_page(detector: LanguageDetector) -> None:
    """Once the customer has written, their language holds, whatever the page says."""
    tracker = _tracker(
        [UserUttered("Paket kasni", parse_data={"language": {"code": "bs", "script": "latin"}})]
    )
    message = Message(data={TEXT: "ok", "metadata": {"language": "en-US"}})
    [processed] = detector.process([message], tracker=tracker)
    assert processed.get("language")["code"] == "bs"
