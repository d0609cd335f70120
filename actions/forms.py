"""The one-question forms: what we can do, the order number, a contact, and a one-time code.

Each question is asked by the action that decided to ask it (``bot/dialogue/data/script.yml``);
the ``action_ask_*`` actions only repeat it when the form has to ask again, e.g. after an
interruption or an answer that could not be used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    DomainDict,
    in_thread,
    origin_key,
    say,
    settings,
    turn_from_tracker,
)
from bot.dialogue import script, service
from bot.dialogue.service import NOT_GIVEN
from bot.dialogue.turn import COMPLAINT_INTENT_PREFIX, clean_text, first_entities
from bot.policy import classify_resolution

#: Intents that mean "I don't have it / I'd rather not say".
_DECLINING_INTENTS = ("deny",)
#: Longest answer taken as a typed order number when the NLU found none ("it's on the receipt:
#: 4821 3"); a longer one with numbers in it is more of the story.
_MAX_TYPED_ORDER_REF_WORDS = 8
#: Times "what can we do for you?" is asked before any answer is taken as the wish.
_MAX_RESOLUTION_ASKS = 2


def _latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def times_asked_since_complaint(tracker: Tracker, response: str) -> int:
    """How often ``response`` was said since the complaint was last registered or opened."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") in (
            "action_register_complaint",
            "action_note_details",
            "action_complaint_status",
        ):
            break
        if (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == response
        ):
            count += 1
    return count


def question_pending(tracker: Tracker, response: str) -> bool:
    """Whether ``response`` was the bot's last message and the customer has not answered yet."""
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return False
        if kind == "bot":
            return (event.get("metadata") or {}).get("utter_action") == response
    return False


def escalates_at_once(tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
    """Whether the answer asks for a person or is abuse: the bot says a colleague is coming
    (or meets the abuse with respect), and the form must end so that the next step escalates."""
    intent = _latest_intent(tracker) or ""
    if intent not in script.escalating_intents():
        return False
    say(dispatcher, script.escalation(intent, matter_named=False))
    return True


def shows_a_reason_for_a_person(tracker: Tracker) -> bool:
    """Whether the answer shows what needs a person (a legal step, a hazard, anger, money
    back) though it is no request: the order-number or contact question then ends, so that the
    next step records it and escalates instead of asking again."""
    return bool(service.urgent_reasons(turn_from_tracker(tracker), settings()))


async def keep_references_given(tracker: Tracker) -> None:
    """An order number, e-mail or phone given in answer to another question ("what can we do
    for you?", "how can we reach you?") goes on the complaint now, not when the form ends: a
    customer who leaves after giving it would otherwise lose it."""
    entities = first_entities(tracker.latest_message or {})
    order_ref = entities.get("order_ref")
    contact = entities.get("email") or entities.get("phone")
    if order_ref or contact:
        await in_thread(
            service.record_answers,
            turn_from_tracker(tracker),
            settings(),
            order_ref=order_ref,
            contact=contact,
        )


async def add_to_complaint(tracker: Tracker) -> None:
    """More of the story, told instead of the answer asked for: added to the complaint."""
    await in_thread(
        service.register_complaint, turn_from_tracker(tracker), settings(), origin_key(tracker)
    )


class _AskAgain(Action, ABC):
    """Asks the form's question unless it was just asked (by the action that decided to ask
    it; abstract: rasa_sdk registers only the subclasses, each with its ``response``)."""

    @property
    @abstractmethod
    def response(self) -> str:
        """The question: ``utter_ask_<slot>``."""

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


class ActionAskStatusCode(_AskAgain):
    response = "utter_ask_status_code"


class ValidateResolutionForm(FormValidationAction):
    """Reads the answer to "what can we do for you?" for what it is.

    A wish is stored as the wish. A request for a person (or abuse) is no wish: the bot says
    a colleague is coming, the form ends at once and the next step escalates. An e-mail,
    phone or order number goes to its own slot (the domain's ``from_entity`` mappings) and
    more description goes to the complaint; the question is then asked once more, and from
    then on any answer is the wish.
    """

    def name(self) -> str:
        return "validate_resolution_form"

    async def validate_desired_resolution(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Route the answer by its intent (see the class docstring)."""
        text = clean_text(value)
        intent = _latest_intent(tracker) or ""
        if escalates_at_once(tracker, dispatcher):
            return {"desired_resolution": NOT_GIVEN}
        if not text:
            return {"desired_resolution": None}
        asked = times_asked_since_complaint(tracker, "utter_ask_desired_resolution")
        if asked >= _MAX_RESOLUTION_ASKS or classify_resolution(text, intent) != "other":
            return {"desired_resolution": text}
        if intent == "inform":
            await keep_references_given(tracker)
            return {"desired_resolution": None}
        if intent.startswith(COMPLAINT_INTENT_PREFIX) or intent in _DECLINING_INTENTS:
            # more of the story ("No, not with the neighbours, I checked."), not a wish
            await add_to_complaint(tracker)
            return {"desired_resolution": None}
        return {"desired_resolution": text}


class ValidateOrderForm(FormValidationAction):
    """Takes an order number if there is one; never insists, so the customer is not nagged. A
    request for a person (or abuse), or an answer that shows a reason for one ("if it isn't
    cancelled today I'm going to the police"), ends the form at once, and the next step
    escalates."""

    def name(self) -> str:
        return "validate_order_form"

    async def validate_order_ref(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if escalates_at_once(tracker, dispatcher):
            return {"order_ref": NOT_GIVEN}
        entities = first_entities(tracker.latest_message or {})
        if "order_ref" in entities:
            return {"order_ref": entities["order_ref"]}
        if shows_a_reason_for_a_person(tracker):
            return {"order_ref": NOT_GIVEN}
        text = clean_text(value)
        if len(text.split()) > _MAX_TYPED_ORDER_REF_WORDS:
            # more of the story, with numbers in it ("3 to 4 weeks? I paid 900 euros"), is no
            # order number: kept on the complaint, and the question is not asked again
            if (_latest_intent(tracker) or "").startswith(COMPLAINT_INTENT_PREFIX):
                await add_to_complaint(tracker)
            return {"order_ref": NOT_GIVEN}
        if _latest_intent(tracker) in _DECLINING_INTENTS or sum(c.isdigit() for c in text) < 3:
            return {"order_ref": NOT_GIVEN}
        return {"order_ref": text[:64]}


class ValidateContactForm(FormValidationAction):
    """Takes an email address or phone number; asks once more, then lets it go. A request for
    a person (or abuse), or an answer that shows a reason for one, without a contact ends the
    form at once, and the next step escalates."""

    def name(self) -> str:
        return "validate_contact_form"

    async def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        entities = first_entities(tracker.latest_message or {})
        contact = entities.get("email") or entities.get("phone")
        if contact:
            return {"contact": contact}
        await keep_references_given(tracker)  # an order number instead of a contact
        if escalates_at_once(tracker, dispatcher) or shows_a_reason_for_a_person(tracker):
            return {"contact": NOT_GIVEN}
        if _latest_intent(tracker) in _DECLINING_INTENTS:
            return {"contact": NOT_GIVEN}
        asked_before = sum(
            1
            for event in tracker.events
            if event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") == "utter_ask_contact"
        )
        return {"contact": NOT_GIVEN if asked_before >= 2 else None}


class ValidateStatusCodeForm(FormValidationAction):
    """Takes what looks like a typed code (four or more digits: a typo counts as an attempt);
    anything else ("no code", a question) ends the form without using an attempt, and more of
    the complaint told instead is added to the conversation's follow-up."""

    def name(self) -> str:
        return "validate_status_code_form"

    async def validate_status_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_text(value)
        if sum(ch.isdigit() for ch in text) >= 4 and len(text) <= 64:
            return {"status_code": text}
        if (_latest_intent(tracker) or "").startswith(COMPLAINT_INTENT_PREFIX):
            # More of the story instead of a code: kept on the follow-up, never lost.
            await add_to_complaint(tracker)
        return {"status_code": NOT_GIVEN}
