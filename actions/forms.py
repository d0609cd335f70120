"""The one-question forms: what we can do, the order number, and a contact.

Each question is asked explicitly by a rule (so the script is visible in the stories); the
``action_ask_*`` actions only repeat it when the form has to ask again, e.g. after an
interruption or an answer that could not be used.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.service import NOT_GIVEN
from bot.dialogue.turn import clean_text, first_entities

DomainDict = dict[str, Any]

#: Intents that mean "I don't have it / I'd rather not say".
_DECLINING_INTENTS = ("deny",)


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def question_pending(tracker: Tracker, response: str) -> bool:
    """Whether ``response`` was the bot's last message and the customer has not answered yet."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "bot":
            return (event.get("metadata") or {}).get("utter_action") == response
    return False


class _AskAgain(Action):
    """Asks the form's question unless a rule has just asked it."""

    response = ""

    def name(self) -> str:
        return "action_ask_" + self.response.removeprefix("utter_ask_")

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not question_pending(tracker, self.response):
            dispatcher.utter_message(response=self.response)
        return []


class ActionAskDesiredResolution(_AskAgain):
    response = "utter_ask_desired_resolution"


class ActionAskOrderRef(_AskAgain):
    response = "utter_ask_order_ref"


class ActionAskContact(_AskAgain):
    response = "utter_ask_contact"


class ValidateResolutionForm(FormValidationAction):
    """Accepts any answer to "what can we do for you?": the customer's words are the answer."""

    def name(self) -> str:
        return "validate_resolution_form"

    async def validate_desired_resolution(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_text(value)
        return {"desired_resolution": text or None}


class ValidateOrderForm(FormValidationAction):
    """Takes an order number if there is one; never insists, so the customer is not nagged."""

    def name(self) -> str:
        return "validate_order_form"

    async def validate_order_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        entities = first_entities(tracker.latest_message or {})
        if "order_ref" in entities:
            return {"order_ref": entities["order_ref"]}
        text = clean_text(value)
        if _latest_intent(tracker) in _DECLINING_INTENTS or sum(c.isdigit() for c in text) < 3:
            return {"order_ref": NOT_GIVEN}
        return {"order_ref": text[:64]}


class ValidateContactForm(FormValidationAction):
    """Takes an email address or phone number; asks once more, then lets it go."""

    def name(self) -> str:
        return "validate_contact_form"

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        entities = first_entities(tracker.latest_message or {})
        contact = entities.get("email") or entities.get("phone")
        if contact:
            return {"contact": contact}
        if _latest_intent(tracker) in _DECLINING_INTENTS:
            return {"contact": NOT_GIVEN}
        asked_before = sum(
            1
            for event in tracker.events
            if event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == "utter_ask_contact"
        )
        return {"contact": NOT_GIVEN if asked_before >= 2 else None}
