"""``NothingSaidYet``: "I have a problem" as a first message asks what happened.

"I have a problem", "imam reklamaciju", "the thing from tuesday" or "ej imam problem s onim"
announce a complaint, or point at one, without saying what it is
(:func:`bot.text.vague.says_nothing_yet`). The classifier still picks an intent: a complaint
category whose acknowledgement is then a guess ("I'm sorry your order hasn't reached you"), a
chase of an old complaint, or even ``goodbye``. When no complaint is open in the conversation,
such a message is read as not understood (``nlu_fallback``): the bot asks what happened
(``action_not_understood`` says so in words that fit an announcement), and a second message that
still says nothing brings a person, as two misunderstandings in a row do. Inside a complaint
the form reads the answer as it is. Place it last, after ``NothingToUnderstand``.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.gibberish import set_fallback
from bot.nlu.outside_complaint import OutsideComplaintCorrection
from bot.nlu.tfidf_classifier import CLAUSE_COMPLAINT
from bot.text.vague import says_nothing_yet


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NothingSaidYet(OutsideComplaintCorrection):
    """Reads a first message that says nothing yet as not understood."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        # the confidence given to nlu_fallback, as NothingToUnderstand gives it
        return {"confidence": 1.0}

    def correct(self, message: Message, text: str) -> None:
        """Sets ``nlu_fallback`` on a message that says nothing yet, also when the
        ``FallbackClassifier`` already did: the classifier's guesses at a matter nobody named
        (its ranking, its best complaint of one clause) are dropped, so that they do not
        become the category when two such messages bring a person."""
        if message.get(ENTITIES) or not says_nothing_yet(text):
            return
        set_fallback(message, float(self.config["confidence"]), keep_ranking=False)
        if message.get(CLAUSE_COMPLAINT) is not None:
            message.set(CLAUSE_COMPLAINT, None, add_to_output=True)
