"""TfidfIntentClassifier: trains on lemmas and folded text, persists, predicts across scripts."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse

from bot.dialogue.decision import CONFIDENT_CATEGORY
from bot.nlu.language_detector import LanguageDetector
from bot.nlu.lemma_tokenizer import LemmaTokenizer
from bot.nlu.tfidf_classifier import Predictor, TfidfIntentClassifier, message_views

EXAMPLES = {
    "complain_delivery": [
        "my parcel has not arrived yet",
        "the courier never delivered my order",
        "paket još nije stigao",
        "čekam dostavu već dva tjedna",
        "porudžbina nije stigla ni posle nedelju dana",
        "dostavljač nije došao",
    ],
    "greet": ["hello there", "hi", "good morning", "dobar dan", "zdravo", "bok"],
    "request_human": [
        "I want to talk to a person",
        "get me a human agent",
        "želim razgovarati s osobom",
        "dajte mi živog čovjeka",
        "hoću da pričam sa operaterom",
        "spojite me s kolegom",
    ],
}


def _context(tmp_path: Path) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    return LocalModelStorage(tmp_path), Resource("tfidf"), ExecutionContext(GraphSchema({}), "t")


def _prepare(messages: list[Message], tmp_path: Path) -> None:
    storage, _, context = _context(tmp_path)
    LanguageDetector.create({}, storage, Resource("lang"), context).process(messages)
    tokenizer = LemmaTokenizer.create(
        {**LemmaTokenizer.get_default_config(), "preload_languages": []},
        storage,
        Resource("tok"),
        context,
    )
    tokenizer.process(messages)


@pytest.fixture()
def trained(tmp_path: Path) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    messages = [
        Message(data={TEXT: text, INTENT: intent})
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    _prepare(messages, tmp_path)
    storage, resource, context = _context(tmp_path)
    classifier = TfidfIntentClassifier.create({}, storage, resource, context)
    classifier.train(TrainingData(training_examples=messages))
    return storage, resource, context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my order has still not arrived", "complain_delivery"),
        ("Пакет још није стигао", "complain_delivery"),  # Cyrillic, never seen in training
        ("paket jos nije stigao", "complain_delivery"),  # no diacritics
        ("can I talk to a person please", "request_human"),
        ("хоћу да разговарам са особом", "request_human"),
        ("hello", "greet"),
    ],
)
def test_a_loaded_model_understands_every_script(
    trained: tuple[LocalModelStorage, Resource, ExecutionContext],
    tmp_path: Path,
    text: str,
    expected: str,
) -> None:
    storage, resource, context = trained
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    message = Message(data={TEXT: text})
    _prepare([message], tmp_path)
    loaded.process([message])
    intent = message.get(INTENT)
    assert intent["name"] == expected
    ranking = message.get("intent_ranking")
    assert ranking[0] == intent and len(ranking) == len(EXAMPLES)
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_untrained_component_predicts_nothing(tmp_path: Path) -> None:
    storage, resource, context = _context(tmp_path)
    classifier = TfidfIntentClassifier.load({}, storage, resource, context)
    message = Message(data={TEXT: "hello"})
    classifier.process([message])
    assert message.get(INTENT) is None


def test_the_direct_prediction_equals_the_pipelines_own(
    trained: tuple[LocalModelStorage, Resource, ExecutionContext], tmp_path: Path
) -> None:
    storage, resource, context = trained
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    assert loaded.pipeline is not None
    messages = [Message(data={TEXT: text}) for text in ("paket kasni", "hello", "Пакет", "?")]
    _prepare(messages, tmp_path)
    views = [message_views(message) for message in messages]
    classifier = loaded.pipeline.named_steps["classifier"]
    assert classifier.coef_.T.flags["C_CONTIGUOUS"]  # no copy of the weights per message
    direct = Predictor.of(loaded.pipeline).predict_proba(views)
    assert direct.shape == (4, len(EXAMPLES))
    classifier.coef_ = numpy.ascontiguousarray(classifier.coef_)  # as scikit-learn fits it
    assert numpy.allclose(direct, loaded.pipeline.predict_proba(views), rtol=0, atol=1e-12)


def _nlu_sentences(per_file: int) -> list[str]:
    """The first ``per_file`` examples of each language file of data/nlu."""
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.settings import PROJECT_ROOT

    sentences: list[str] = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        examples = load_data(str(path)).training_examples[:per_file]
        sentences.extend(str(example.get(TEXT)) for example in examples)
    return sentences


def test_the_rows_give_the_same_numbers_as_the_matrices_did(
    trained: tuple[LocalModelStorage, Resource, ExecutionContext], tmp_path: Path
) -> None:
    """Session 17 computes the TF-IDF row by row and stacks the views once: on sentences of
    every language file the probabilities equal, to the last bit, those of each view's SciPy
    matrix stacked with ``hstack`` (how it was computed before), one message at a time and in
    a batch."""
    storage, resource, context = trained
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    assert loaded.pipeline is not None
    messages = [Message(data={TEXT: text}) for text in [*_nlu_sentences(120), "", "?", "ok"]]
    _prepare(messages, tmp_path)
    views = [message_views(message) for message in messages]
    predictor = Predictor.of(loaded.pipeline)

    def by_matrix(rows: list[tuple[str, str]]) -> numpy.ndarray:
        parts = [tfidf.transform_by_matrix(select(rows)) for select, tfidf in predictor.views]
        return predictor.classifier.predict_proba(sparse.hstack(parts).tocsr())

    one_by_one = numpy.vstack([predictor.predict_proba([view]) for view in views])
    assert numpy.array_equal(one_by_one, numpy.vstack([by_matrix([view]) for view in views]))
    assert numpy.array_equal(predictor.predict_proba(views), by_matrix(views))
    assert len(views) > 500


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # the matter in a clause of its own, drowned in the whole message's ranking
        ("I want to talk to a person, please, the courier never delivered my order", True),
        ("Želim razgovarati s osobom. Paket još nije stigao!", True),
        # one clause, or clauses too short to name anything: the message's own ranking
        ("get me a human agent", False),
        ("I want to talk to a person, please, now", False),
    ],
)
def test_a_request_for_a_person_is_read_clause_by_clause(
    trained: tuple[LocalModelStorage, Resource, ExecutionContext],
    tmp_path: Path,
    text: str,
    named: bool,
) -> None:
    storage, resource, context = trained
    config = {"clause_intents": ["request_human", "complain_delivery"]}
    loaded = TfidfIntentClassifier.load(config, storage, resource, context)
    message = Message(data={TEXT: text})
    _prepare([message], tmp_path)
    loaded.process([message])
    found = message.get("clause_complaint")
    if named:
        assert found["name"] == "complain_delivery"
        assert found["confidence"] >= 0.5
    else:
        assert found is None or found["confidence"] < CONFIDENT_CATEGORY, found
