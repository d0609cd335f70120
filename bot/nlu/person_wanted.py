"""``PersonOrAbuseOverSmallTalk``: wanting a person, or abusing the bot, is never small talk.

"Am I chatting with a machine? I'd prefer a real person" reads like ``bot_challenge`` to the
classifier, and "this bot is rubbish, total junk" too; answered as a bot question, the first
customer is told to "just say so" after saying so, and the second is not heard at all. This
component runs after the intent classifier (before the ``FallbackClassifier``). When the top
intent is one of :data:`SMALL_TALK` (never a complaint: a complaint keeps its flow and the
escalation policy reads the same words there), it puts

* ``request_human`` first when the message asks for or prefers a person
  (:data:`bot.policy.lexicons.HUMAN_REQUEST`), and otherwise
* ``insult`` first when it insults someone, the bot included (:data:`bot.policy.lexicons.INSULTS`),
  or, but for praise, when the word lists read it as angry as a whole
  (:func:`bot.policy.anger.listed_score` at the anger threshold: "kakav si ti bot, ko da
  pričam sa zidom", "thanks for nothing").

"Are you a bot?" alone matches neither and stays an honest answer with an offer, and so does
"am I talking to a real person or a bot?": a question about the bot that asks for no one
(:func:`bot.dialogue.decision.bot_question_only`) is put back to ``bot_challenge`` when the
classifier reads it as ``request_human``.

The other way round, a task for a personal assistant about someone ("remind me to talk to the
manager", "podseti me da pozovem nekog iz banke") reads like ``request_human`` to the
classifier: when ``request_human`` is first, the word lists find no request for a person, and
the message is such a task (:data:`bot.policy.lexicons.ASSISTANT_TASKS`) or the classifier is
unsure with ``out_of_scope`` close behind ("i want to hear some sad songs",
:func:`bot.dialogue.decision.out_of_scope_close_behind`), ``out_of_scope`` is put first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.dialogue.decision import (
    BOT_QUESTION_INTENT,
    UNSERVED_INTENT,
    bot_question_only,
    out_of_scope_close_behind,
)
from bot.nlu.ranking import promote, ranked_pairs, top_intent
from bot.policy import lexicons
from bot.policy.anger import listed_score
from bot.policy.lexicons import prepare
from bot.settings import EscalationSettings

PERSON_INTENT = "request_human"
ABUSE_INTENT = "insult"
#: Praise is read as sincere unless it insults: "bolan kakva usluga, ko u Švicarskoj" is praise.
PRAISE_INTENTS = frozenset({"praise"})
#: Intents that a request for a person or abuse of the bot is mistaken for.
SMALL_TALK = frozenset(
    {"bot_challenge", "out_of_scope", "greet", "goodbye", "thank_you", "affirm", "deny", "praise"}
)


def corrected_intent(text: str) -> str | None:
    """``request_human`` or ``insult`` when ``text`` asks for a person or is abusive."""
    prepared = prepare(text)
    if lexicons.HUMAN_REQUEST.find(prepared) and not bot_question_only(text):
        return PERSON_INTENT
    if lexicons.INSULTS.find(prepared):
        return ABUSE_INTENT
    return None


def angry(text: str, threshold: float) -> bool:
    """Whether the word lists read ``text`` as angry (at or above ``threshold``); a single word
    ("vic": a joke asked for) is too little to go on."""
    if sum(len(clause) for clause in prepare(text).clauses) < 2:
        return False
    return listed_score(text) >= threshold


def no_request_for_a_person(text: str, ranking: Sequence[tuple[str, float]]) -> bool:
    """Whether a message read as ``request_human`` asks the assistant to do something about a
    person ("remind me to call someone"), or is an unsure reading of a request the bot cannot
    serve, with no words that ask for a person."""
    prepared = prepare(text)
    if lexicons.HUMAN_REQUEST.find(prepared):
        return False
    return bool(lexicons.ASSISTANT_TASKS.find(prepared)) or out_of_scope_close_behind(ranking)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonOrAbuseOverSmallTalk(GraphComponent, IntentClassifier):
    """Puts ``request_human`` or ``insult`` before small talk that asks for or abuses."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            # The intents that a request for a person or abuse may be put before.
            "small_talk_intents": sorted(SMALL_TALK),
            # The word lists' anger score from which small talk is abuse: the escalation
            # policy's default threshold (bot.yml's escalation.anger_threshold is read by the
            # actions; the model's components take their settings from config.yml).
            "anger_threshold": EscalationSettings.anger_threshold,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        self.small_talk_intents = frozenset(self._config["small_talk_intents"])
        self.anger_threshold = float(self._config["anger_threshold"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PersonOrAbuseOverSmallTalk:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Promotes ``request_human`` or ``insult`` in small talk that asks for or abuses."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            top = top_intent(message)
            if top == PERSON_INTENT and bot_question_only(text):
                promote(message, BOT_QUESTION_INTENT, insert=True)
                continue
            if top == PERSON_INTENT and no_request_for_a_person(text, ranked_pairs(message)):
                promote(message, UNSERVED_INTENT)
                continue
            if top not in self.small_talk_intents:
                continue
            corrected = corrected_intent(text)
            if (
                corrected is None
                and top not in PRAISE_INTENTS
                and angry(text, self.anger_threshold)
            ):
                corrected = ABUSE_INTENT
            if corrected is not None:
                promote(message, corrected, insert=True)
        return messages
