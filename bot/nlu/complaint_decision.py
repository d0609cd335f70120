"""``ComplaintFirst``: a message that names a problem or demands a remedy is a complaint,
whatever else it also is (docs/categories.md, "First question").

Runs after the intent classifier (and :class:`~bot.nlu.praise.PraiseOverComplaint`). When the
top intent is one that logs nothing (praise, small talk, out of scope, a bot question) but the
message matches a problem or demand cue (``bot/text/data/complaint_cues.yml``), the best
complaint intent is put first; when the classifier gives no complaint intent any weight, the
category comes from the problem cues, else ``complain_other``. A message that names no problem
but says the matter was raised before ("Pozdrav, javljam se opet zbog povrata novca", read as
a greeting) is a chase: ``ask_status`` first. Like ``PraiseOverComplaint``,
the two intents swap places and confidences, and ``complaint_decision`` in the parse data says
which cues decided.

A status question that asks for news of the world with no reference to the customer's own
matter ("any news about the strike", :func:`bot.dialogue.decision.news_not_a_chase`) is no
chase of a complaint: ``out_of_scope`` too.

The other way round, an unsure complaint intent with ``out_of_scope`` close behind and no
problem or demand cue (:func:`bot.dialogue.decision.unserved_over_weak_complaint`) gives way
to ``out_of_scope``: "any chance of frost this week" logs nothing.

A hypothetical question ("what happens if my parcel comes damaged?",
:mod:`bot.nlu.hypothetical`) names a problem that has not happened: ``out_of_scope``, whatever
the classifier read.

A message that sounds like a complaint but names no problem that is still there
(:func:`bot.dialogue.decision.no_complaint_reading`, cue lists in
``bot/text/data/non_complaints.yml``) logs nothing, whatever the classifier read: a how-to or
safe-use question ("how do I change my delivery address", "smije li se ovo prati na 60")
becomes ``out_of_scope``, an all-clear ("pressed reset and now it works, thanks", "ipak je sve
stiglo, nema potrebe") ``thank_you``, an idiom ("umirem od smijeha", "killer deal")
``praise``.

Otherwise a wish or details (``state_resolution``, ``inform``) are left alone: inside the
complaint flow they are answers; outside it ``action_note_details`` opens the complaint.

``ComplaintOverFallback`` (after the ``FallbackClassifier``) applies the same decision to a
message the classifier was unsure of: "the kettle sparks at the plug" read as half product
quality, half safety, or "52 minutes on hold ... Pathetic" spread over several complaint
intents, is a complaint whose category is unsure, not a message the bot did not understand.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.dialogue.decision import (
    CHASE_INTENT,
    UNSERVED_INTENT,
    chases_a_complaint,
    decide,
    names_a_problem,
    news_not_a_chase,
    no_complaint_reading,
    unserved_over_weak_complaint,
)
from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX
from bot.nlu.hypothetical import hypothetical_question
from bot.nlu.ranking import promote, ranked_pairs, top_intent

DECISION = "complaint_decision"
#: Intents that log nothing, so a problem named in them would be lost.
NON_COMPLAINT_INTENTS = (
    "praise",
    "out_of_scope",
    "bot_challenge",
    "greet",
    "thank_you",
    "goodbye",
    "affirm",
)
#: Intents a message that names no problem is mistaken for, besides the complaints: a wish
#: ("refund landed, cheers") and a chase ("ima li novosti ... ipak je stiglo").
MISREAD_AS_COMPLAINT = ("state_resolution", "ask_status", "insult")
#: A wish read as a question ("može li serviser doći pogledati") stays a wish.
WISH_INTENT = "state_resolution"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ComplaintFirst(GraphComponent, IntentClassifier):
    """Puts a complaint intent first when a non-complaint message names a problem."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {"non_complaint_intents": list(NON_COMPLAINT_INTENTS)}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self.non_complaint_intents = frozenset(self._config["non_complaint_intents"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ComplaintFirst:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    @staticmethod
    def _misread(intent: str) -> bool:
        """Whether ``intent`` logs a complaint (or a chase) that a message may not mean."""
        return intent.startswith(COMPLAINT_INTENT_PREFIX) or intent in MISREAD_AS_COMPLAINT

    def process(self, messages: list[Message]) -> list[Message]:
        """Swaps the top intent and the decided complaint intent (see the module docstring)."""
        for message in messages:
            ranking: list[dict[str, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
            text = message.get(TEXT)
            if not ranking or not isinstance(text, str):
                continue
            top = ranking[0].get(INTENT_NAME_KEY)
            pairs = ranked_pairs(message)
            entities = frozenset(
                str(entity.get("entity")) for entity in message.get(ENTITIES) or []
            )
            # "what happens if my parcel comes damaged?": nothing has gone wrong yet ("if you
            # can't fix it, could I have a new one?" stays a wish)
            if top != WISH_INTENT and hypothetical_question(text):
                if (
                    top is not None
                    and self._misread(top)
                    and promote(message, UNSERVED_INTENT, insert=True)
                ):
                    message.set(DECISION, [f"hypothetical-over:{top}"], add_to_output=True)
                continue
            if top is not None and self._misread(top):
                reading = no_complaint_reading(text, wish=top == WISH_INTENT)
                if reading is not None and promote(message, reading.intent, insert=True):
                    message.set(DECISION, [f"{reading.why}-over:{top}"], add_to_output=True)
                    continue
            if unserved_over_weak_complaint(text, pairs) or news_not_a_chase(text, top, entities):
                if promote(message, UNSERVED_INTENT):
                    message.set(DECISION, [f"unserved-over:{top}"], add_to_output=True)
                continue
            if top not in self.non_complaint_intents:
                continue
            decision = decide(text, top, pairs, complaint_categories(pairs), use_mass=False)
            if (
                decision.is_complaint
                and decision.category is not None
                and promote(message, COMPLAINT_INTENT_PREFIX + decision.category)
            ):
                message.set(DECISION, list(decision.why), add_to_output=True)
            elif (
                # no complaint intent to put first, but the matter was raised before: a chase
                # (unless all is well now: "I called you earlier, all sorted now, thanks")
                chases_a_complaint(text)
                and no_complaint_reading(text) is None
                and promote(message, CHASE_INTENT, insert=True)
            ):
                message.set(DECISION, [f"chase-over:{top}"], add_to_output=True)
        return messages


def complaint_categories(pairs: list[tuple[str, float]]) -> tuple[str, ...]:
    """The categories of the complaint intents in a ranking, in its order."""
    return tuple(
        name.removeprefix(COMPLAINT_INTENT_PREFIX)
        for name, _ in pairs
        if name.startswith(COMPLAINT_INTENT_PREFIX)
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ComplaintOverFallback(GraphComponent, IntentClassifier):
    """Puts a complaint intent first where the ``FallbackClassifier`` put ``nlu_fallback`` but
    the words name a problem (:func:`bot.dialogue.decision.names_a_problem`); the category is
    then decided as for any complaint (:func:`bot.dialogue.decision.decide`).

    Place it right after the ``FallbackClassifier``, before ``NothingToUnderstand``: a message
    with no meaningful word stays ``nlu_fallback``.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ComplaintOverFallback:
        """Creates a new component (see parent class for full docstring)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces ``nlu_fallback`` by the decided complaint intent (see the class docstring)."""
        for message in messages:
            text = message.get(TEXT)
            if top_intent(message) != DEFAULT_NLU_FALLBACK_INTENT_NAME or not isinstance(text, str):
                continue
            pairs = [
                pair
                for pair in ranked_pairs(message)
                if pair[0] != DEFAULT_NLU_FALLBACK_INTENT_NAME
            ]
            # the classifier's mass alone proves nothing here: it spreads over the complaint
            # intents for any unfamiliar request ("shuffle my liked songs": 0.55)
            if not names_a_problem(text) or hypothetical_question(text):
                continue
            decision = decide(text, None, pairs, complaint_categories(pairs))
            if not decision.is_complaint or decision.category is None:
                continue
            if promote(message, COMPLAINT_INTENT_PREFIX + decision.category, insert=True):
                message.set(DECISION, [*decision.why, "over:nlu_fallback"], add_to_output=True)
        return messages
