"""The EntityRules component on real Rasa messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_rules import EntityRules


@pytest.fixture()
def rules(tmp_path: Path) -> EntityRules:
    return EntityRules.create(
        EntityRules.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("entity_rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _entities(message: Message) -> list[tuple[str, Any, str | None]]:
    return [(e["entity"], e["value"], e.get("extractor")) for e in message.get(ENTITIES, [])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "My order ORD-48213 arrived broken, I paid $25. Reach me at ana@example.com",
            [("order_ref", "ORD-48213"), ("amount", "25 USD"), ("email", "ana@example.com")],
        ),
        (
            "Narudžba br. 48213 nije stigla, platio sam 49,99 €, zovite 091 234 5678",
            [("order_ref", "48213"), ("amount", "49.99 EUR"), ("phone", "0912345678")],
        ),
        (
            "Šta je sa prijavom C-4KX9TR? Platio sam 30 KM",
            [("ticket", "C-4KX9TR"), ("amount", "30 BAM")],
        ),
        (
            "Поруџбина 48213 није стигла, платио сам 1.500 динара",
            [("order_ref", "48213"), ("amount", "1500 RSD")],
        ),
        ("hvala, to je sve", []),
    ],
)
def test_process_adds_rule_entities(rules: EntityRules, text: str, expected: list) -> None:
    message = Message(data={TEXT: text})
    [processed] = rules.process([message])
    assert _entities(processed) == [(entity, value, "EntityRules") for entity, value in expected]
    output = processed.as_dict(only_output_properties=True)
    assert [e["entity"] for e in output[ENTITIES]] == [entity for entity, _ in expected]
    for entity in output[ENTITIES]:
        assert text[entity["start"] : entity["end"]]


def test_existing_entities_are_not_duplicated(rules: EntityRules) -> None:
    text = "order #48213, email ana@example.com"
    existing = {
        "entity": "order_ref",
        "value": "48213",
        "start": 7,
        "end": 12,
        "extractor": "DIET",
    }
    message = Message(data={TEXT: text, ENTITIES: [existing]})
    rules.process([message])
    assert _entities(message) == [
        ("order_ref", "48213", "DIET"),
        ("email", "ana@example.com", "EntityRules"),
    ]
    # Running twice adds nothing new.
    rules.process([message])
    assert len(message.get(ENTITIES)) == 2


def test_other_entity_types_on_the_same_span_are_kept(rules: EntityRules) -> None:
    other = {"entity": "product", "value": "x", "start": 0, "end": 5}
    message = Message(data={TEXT: "C-4KX9TR", ENTITIES: [other]})
    rules.process([message])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["product", "ticket"]


def test_config_selects_entity_types() -> None:
    rules = EntityRules({"entities": ["email"]})
    message = Message(data={TEXT: "order #48213, email ana@example.com, 25 EUR"})
    rules.process([message])
    assert _entities(message) == [("email", "ana@example.com", "EntityRules")]
    with pytest.raises(ValueError, match="unknown entity types"):
        EntityRules({"entities": ["email", "iban"]})


def test_messages_without_text_are_skipped(rules: EntityRules) -> None:
    message = Message(data={INTENT: "greet"})
    rules.process([message])
    assert message.get(ENTITIES) is None
