"""``EntityRules``: the rule-based entities of :mod:`bot.text.entities` as Rasa entities.

Place it after the classifiers: it adds ``order_ref``, ``ticket``, ``email``, ``phone`` and
``amount`` with ``extractor: EntityRules`` and skips any span that overlaps an entity of the
same type that is already there (from another extractor or an earlier run).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.text.entities import ENTITY_TYPES, EntitySpan, extract_entities


def _overlaps(span: EntitySpan, entity: dict[str, Any]) -> bool:
    start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    if entity.get(ENTITY_ATTRIBUTE_TYPE) != span.entity:
        return False
    if not isinstance(start, int) or not isinstance(end, int):
        return True  # same type without a position: treat it as the same entity
    return start < span.end and span.start < end


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class EntityRules(GraphComponent, EntityExtractorMixin):
    """Adds rule-based entities (no training, no learned model)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            # Entity types to extract; any subset of bot.text.entities.ENTITY_TYPES.
            "entities": list(ENTITY_TYPES),
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        unknown = set(self._config["entities"]) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"EntityRules: unknown entity types {sorted(unknown)}")
        self.entity_types = frozenset(self._config["entities"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityRules:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the rule-based entities of each message's text to its ``entities``."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            existing: list[dict[str, Any]] = list(message.get(ENTITIES) or [])
            found = [
                span.as_dict()
                for span in extract_entities(text)
                if span.entity in self.entity_types
                and not any(_overlaps(span, entity) for entity in existing)
            ]
            message.set(ENTITIES, existing + self.add_extractor_name(found), add_to_output=True)
        return messages
