"""``CallBackAsPerson``: "call me back please" as a first message asks for a person.

A bare call asked for ("call me back please", "nazovite me", "можете ли ме назвати?") reads as
a wish (``state_resolution``) to the classifier. Inside a complaint that is what it is: the
answer to "what can we do for you?", recorded with the customer's contact. Outside one, nothing
has been said that the bot could thank for or acknowledge, and no bot can make a phone call:
filed as a complaint it would get an acknowledgement of a problem nobody named. So when no
complaint is open in the conversation, the message asks for a call
(:data:`bot.policy.lexicons.CALL_BACK_REQUEST`) and names no problem
(:func:`bot.dialogue.decision.names_a_problem`), ``request_human`` is put first: the customer is
told a colleague will take over and is asked how to reach them.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.dialogue.decision import UNSERVED_INTENT, WISH_INTENT, names_a_problem
from bot.nlu.outside_complaint import OutsideComplaintCorrection
from bot.nlu.person_wanted import PERSON_INTENT
from bot.nlu.ranking import promote, top_intent
from bot.policy import lexicons
from bot.policy.lexicons import prepare

#: Intents a bare call-back is read as: the wish, or a request the bot cannot serve.
CALL_BACK_READINGS = frozenset({WISH_INTENT, UNSERVED_INTENT})


def bare_call_back(text: str) -> bool:
    """Whether ``text`` asks for a call and names no problem."""
    return bool(lexicons.CALL_BACK_REQUEST.find(prepare(text))) and not names_a_problem(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CallBackAsPerson(OutsideComplaintCorrection):
    """Puts ``request_human`` first for a bare call-back outside a complaint."""

    def correct(self, message: Message, text: str) -> None:
        """Promotes ``request_human`` for a bare call-back."""
        if top_intent(message) in CALL_BACK_READINGS and bare_call_back(text):
            promote(message, PERSON_INTENT, insert=True)
