"""The LemmaTokenizer component: folded lemmas for Rasa's featurizers, original offsets."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, INTENT_RESPONSE_KEY, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.lemma_tokenizer import LemmaTokenizer, message_language


def _context(tmp_path: Path, name: str) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    return LocalModelStorage(tmp_path), Resource(name), ExecutionContext(GraphSchema({}), "test")


@pytest.fixture()
def tokenizer(tmp_path: Path) -> LemmaTokenizer:
    return LemmaTokenizer.create(
        {**LemmaTokenizer.get_default_config(), "preload_languages": []},
        *_context(tmp_path, "tokenizer"),
    )


def _tokens(message: Message, attribute: str = TEXT) -> list[tuple[str, int, int, str]]:
    return [(t.text, t.start, t.end, t.lemma) for t in message.get(TOKENS_NAMES[attribute])]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Čekam narudžbu!",
            {"code": "hr", "script": "latin"},
            [("Čekam", 0, 5, "cekati"), ("narudžbu", 6, 14, "narudzba")],
        ),
        (
            "cekam narudzbu",
            {"code": "bs", "script": "latin"},
            [("cekam", 0, 5, "cekati"), ("narudzbu", 6, 14, "narudzba")],
        ),
        (
            "Чекам поруџбину.",
            {"code": "sr", "script": "cyrillic"},
            [("Чекам", 0, 5, "cekati"), ("поруџбину", 6, 15, "porudzbina")],
        ),
        (
            "Orders arrived?",
            {"code": "en", "script": "latin"},
            [("Orders", 0, 6, "order"), ("arrived", 7, 14, "arrive")],
        ),
    ],
)
def test_process_uses_the_detected_language(
    tokenizer: LemmaTokenizer, text: str, language: dict[str, str], expected: list[tuple]
) -> None:
    message = Message(data={TEXT: text, "language": language})
    tokenizer.process([message])
    assert _tokens(message) == expected


def test_detects_the_language_itself_when_no_detector_ran(tokenizer: LemmaTokenizer) -> None:
    message = Message(data={TEXT: "Zašto uvek kasnite sa isporukom, čoveče?"})
    assert message_language(message, TEXT, message.get(TEXT)) == "sr"
    tokenizer.process([message])
    assert [lemma for *_rest, lemma in _tokens(message)][:3] == ["zasto", "uvek", "kasniti"]


def test_intent_and_action_names_are_split_like_rasa_does(tmp_path: Path) -> None:
    tokenizer = LemmaTokenizer(
        {"intent_tokenization_flag": True, "intent_split_symbol": "_", "preload_languages": []}
    )
    message = Message(
        data={
            TEXT: "paket kasni",
            INTENT: "complain_delivery",
            ACTION_NAME: "utter_greet",
            RESPONSE: "Žao nam je, provjerit ćemo.",
            INTENT_RESPONSE_KEY: "complain/delivery",
        }
    )
    tokenizer.process_training_data(TrainingData([message]))
    assert [t.text for t in message.get(TOKENS_NAMES[INTENT])] == ["complain", "delivery"]
    assert [t.text for t in message.get(TOKENS_NAMES[INTENT_RESPONSE_KEY])] == [
        "complain",
        "delivery",
    ]
    assert [t.text for t in message.get(TOKENS_NAMES[ACTION_NAME])] == ["utter", "greet"]
    assert [t.lemma for t in message.get(TOKENS_NAMES[RESPONSE])][:2] == ["zao", "mi"]


def test_punctuation_and_emoji_only_text_becomes_one_token(tokenizer: LemmaTokenizer) -> None:
    message = Message(data={TEXT: " ?! "})
    tokenizer.process([message])
    assert _tokens(message) == [("?!", 1, 3, "?!")]


def test_punctuation_can_be_kept(tmp_path: Path) -> None:
    tokenizer = LemmaTokenizer({"keep_punctuation": True, "preload_languages": []})
    message = Message(data={TEXT: "Gdje je paket?"})
    tokenizer.process([message])
    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == ["Gdje", "je", "paket", "?"]


def test_count_vectors_see_one_feature_for_every_spelling(
    tokenizer: LemmaTokenizer, tmp_path: Path
) -> None:
    data = TrainingData(
        [
            Message(data={TEXT: "čekam narudžbu", INTENT: "complain"}),
            Message(data={TEXT: "cekam narudzbu", INTENT: "complain"}),
            Message(data={TEXT: "чекам наруџбу", INTENT: "complain"}),
            Message(data={TEXT: "čekala sam narudžbe", INTENT: "complain"}),
        ]
    )
    tokenizer.process_training_data(data)
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), *_context(tmp_path, "cvf")
    )
    featurizer.train(data)
    vocabulary = featurizer.vectorizers[TEXT].vocabulary_
    assert sorted(vocabulary) == ["cekati", "narudzba", "sam"]


@pytest.mark.slow
def test_components_train_persist_and_load_in_rasa(tmp_path: Path) -> None:
    """A tiny project with the three components: train, load, parse."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    (tmp_path / "config.yml").write_text(
        textwrap.dedent(
            """
            recipe: default.v1
            language: en
            assistant_id: components_test
            pipeline:
              - name: bot.nlu.language_detector.LanguageDetector
              - name: bot.nlu.lemma_tokenizer.LemmaTokenizer
              - name: CountVectorsFeaturizer
              - name: CountVectorsFeaturizer
                analyzer: char_wb
                min_ngram: 1
                max_ngram: 4
              - name: DIETClassifier
                epochs: 5
                entity_recognition: false
              - name: bot.nlu.entity_rules.EntityRules
            """
        )
    )
    (tmp_path / "nlu.yml").write_text(
        textwrap.dedent(
            """
            version: "3.1"
            nlu:
            - intent: greet
              examples: |
                - hello
                - dobar dan
                - здраво
            - intent: complain
              examples: |
                - my order never arrived
                - čekam narudžbu već tjedan dana
                - чекам поруџбину две недеље
            """
        )
    )
    model = train_nlu(
        str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models")
    )
    assert model is not None
    agent = Agent.load(model)
    result = asyncio.run(agent.parse_message("Čekam porudžbinu br. 48213 već dve nedelje"))
    assert result["language"]["code"] == "sr"
    assert result["entities"] == [
        {
            "entity": "order_ref",
            "value": "48213",
            "start": 21,
            "end": 26,
            "extractor": "EntityRules",
        },
    ]
    assert result["intent"]["name"] in ("greet", "complain")
