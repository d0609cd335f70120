"""NothingToUnderstand: keyboard mashes and vague references become nlu_fallback; answers,
references and real complaints keep the classifier's intent."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entity_rules import EntityRules
from bot.nlu.gibberish import NothingToUnderstand, Vocabulary
from bot.nlu.language_detector import LanguageDetector
from bot.nlu.lemma_tokenizer import LemmaTokenizer
from bot.settings import PROJECT_ROOT

EXAMPLES = {
    "complain_delivery": [
        "my parcel has not arrived yet",
        "paket još nije stigao",
        "porudžbina nije stigla ni posle nedelju dana",
    ],
    "affirm": ["yes", "da", "jeste, to je to"],
    "deny": ["no", "ne", "nije"],
    "state_resolution": ["nothing, I just wanted you to know", "ništa", "ne znam"],
    "greet": ["hello", "hey", "dobar dan", "ја сам опет"],
}
CLASSIFIED = {"name": "complain_delivery", "confidence": 0.6}


def _context(tmp_path: Path) -> tuple[LocalModelStorage, ExecutionContext]:
    return LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "t")


def _prepare(messages: list[Message], tmp_path: Path) -> None:
    storage, context = _context(tmp_path)
    LanguageDetector.create({}, storage, Resource("lang"), context).process(messages)
    tokenizer = LemmaTokenizer.create(
        {**LemmaTokenizer.get_default_config(), "preload_languages": []},
        storage,
        Resource("tok"),
        context,
    )
    tokenizer.process(messages)
    EntityRules.create({}, storage, Resource("ent"), context).process(messages)


@pytest.fixture()
def loaded(tmp_path: Path) -> NothingToUnderstand:
    """A component trained on EXAMPLES, persisted and loaded again."""
    messages = [
        Message(data={TEXT: text, INTENT: intent})
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    _prepare(messages, tmp_path)
    storage, context = _context(tmp_path)
    resource = Resource("nothing")
    NothingToUnderstand.create({}, storage, resource, context).train(
        TrainingData(training_examples=messages)
    )
    return NothingToUnderstand.load({}, storage, resource, context)


def _classified(text: str, tmp_path: Path) -> Message:
    message = Message(data={TEXT: text})
    _prepare([message], tmp_path)
    message.set(INTENT, dict(CLASSIFIED))
    message.set("intent_ranking", [dict(CLASSIFIED), {"name": "greet", "confidence": 0.4}])
    return message


@pytest.mark.parametrize(
    "text",
    [
        "qwertz uiop",
        "zzz xkcdq",
        "жжж ххх",
        "that stuff from earlier",
        "hmm, the same thing as before",
        "you said that",
        "pa ono od maloprije",
        "ono drugo što sam rekao",
        "оно од малопре",
    ],
)
def test_nothing_to_understand_becomes_fallback(
    loaded: NothingToUnderstand, tmp_path: Path, text: str
) -> None:
    message = _classified(text, tmp_path)
    loaded.process([message])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": 1.0}
    ranking = message.get("intent_ranking")
    assert [entry["name"] for entry in ranking] == ["nlu_fallback", "complain_delivery", "greet"]


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "nothing",
        "ne znam",
        "ništa",
        "nije",
        "jeste, to je to",
        "ја сам опет",
        "opet ista stvar",  # "opet" (again): a repeated complaint
        "ORD-48213",
        "C-4KX9TR",
        "ana.k@example.com",
        "xyzzy 48213",
        "the refrigerator",  # not in training, but a word of the lemma tables
        "frižider",
        "parcel",
        ":)",
        "heya",  # one letter away from "hey"
        "hellooooo",  # a letter held down
    ],
)
def test_answers_references_and_known_words_keep_their_intent(
    loaded: NothingToUnderstand, tmp_path: Path, text: str
) -> None:
    message = _classified(text, tmp_path)
    loaded.process([message])
    assert message.get(INTENT) == CLASSIFIED


def test_a_fallback_stays_as_it_is(loaded: NothingToUnderstand, tmp_path: Path) -> None:
    message = _classified("qwertz uiop", tmp_path)
    fallback = {"name": "nlu_fallback", "confidence": 0.25}
    message.set(INTENT, dict(fallback))
    message.set("intent_ranking", [dict(fallback), dict(CLASSIFIED)])
    loaded.process([message])
    assert message.get(INTENT) == fallback
    assert len(message.get("intent_ranking")) == 2


def test_untrained_component_changes_nothing(tmp_path: Path) -> None:
    storage, context = _context(tmp_path)
    component = NothingToUnderstand.load({}, storage, Resource("missing"), context)
    message = _classified("qwertz uiop", tmp_path)
    component.process([message])
    assert message.get(INTENT) == CLASSIFIED


def test_fillers_do_not_swallow_the_training_examples(tmp_path: Path) -> None:
    """Without the "contains a training example" rule, almost every training example still
    has a meaningful word: the filler list does not eat words that carry an intent."""
    training = load_data(str(PROJECT_ROOT / "data" / "nlu"))
    examples = list(training.intent_examples)
    storage, context = _context(tmp_path)
    LanguageDetector({}).process_training_data(training)
    LemmaTokenizer(LemmaTokenizer.get_default_config()).process(examples)
    EntityRules.create({}, storage, Resource("ent"), context).process(examples)
    vocabulary = Vocabulary.from_messages(examples)
    words_only = Vocabulary(vocabulary.words, [])
    flagged = [m.get(TEXT) for m in examples if words_only.nothing_to_understand(m)]
    assert len(examples) > 1000
    assert len(flagged) <= len(examples) // 200, flagged
    assert not [m.get(TEXT) for m in examples if vocabulary.nothing_to_understand(m)]
