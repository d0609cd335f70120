"""The answer to "what is the status of my complaint?", and the one-time code that proves a
customer's e-mail address when they ask from another conversation."""

from __future__ import annotations

from dataclasses import replace

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import TurnAction, customer_transcript, in_thread, origin_key, say
from actions.complaint import problem_slot
from bot.dialogue import script, service
from bot.dialogue.customers import code_sender
from bot.dialogue.deadlines import format_deadline
from bot.dialogue.matter import UNNAMED_MATTER
from bot.dialogue.service import StatusAnswer
from bot.dialogue.turn import Turn
from bot.settings import Settings

#: status_lookup of a chase that found nothing and opened the conversation's complaint.
CHASE_OPENED = "chase_opened"


class ActionComplaintStatus(TurnAction):
    """Finds the complaint by the ticket, order number or contact given, or this conversation's
    own; a chase that finds nothing is recorded and goes to a person (never a dead end).

    A chase is a complaint: when it opens the conversation's complaint, it is thanked for and
    acknowledged (by the matter it names, or by the chase itself), and "what can we do for
    you?" follows before the hand-over (``status_lookup`` ``chase_opened``, data/rules.yml).
    """

    action_name = "action_complaint_status"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        answer = await in_thread(
            service.status_for,
            turn,
            config,
            customer_transcript(tracker),
            origin_key(tracker),
            code_sender(config),
        )
        if answer.lookup == "chase_recorded" and answer.ticket != turn.ticket:
            opened = replace(answer, lookup=CHASE_OPENED)
            return [
                *_answer_events(opened, turn, config),
                *_chase_opened(opened, turn, tracker, dispatcher),
            ]
        events = _answer_events(answer, turn, config)
        if answer.lookup in ("chase_recorded", "verify"):
            events.append(SlotSet("complaint_ticket", answer.ticket))
        return events


def _chase_opened(
    answer: StatusAnswer, turn: Turn, tracker: Tracker, dispatcher: CollectingDispatcher
) -> list[EventType]:
    """The script's opening for a chase that opened the conversation's complaint, and the
    slots the resolution form and the acknowledgement need."""
    category = answer.category or UNNAMED_MATTER
    say(dispatcher, script.chase(matter_named=category != UNNAMED_MATTER))
    return [
        SlotSet("complaint_ticket", answer.ticket),
        SlotSet("category", category),
        problem_slot(category, turn.text, customer_transcript(tracker)),
        SlotSet("desired_resolution", None),
        SlotSet("complaint_step", None),
    ]


def _answer_events(answer: StatusAnswer, turn: Turn, config: Settings) -> list[EventType]:
    events: list[EventType] = [
        SlotSet("status_lookup", answer.lookup),
        SlotSet("status_ticket", answer.ticket),
        SlotSet("status_value", answer.status),
    ]
    if answer.due_at is not None:
        due = format_deadline(answer.due_at, turn.language, turn.script, config.timezone)
        events.append(SlotSet("due_text", due))
    return events


class ActionCheckStatusCode(TurnAction):
    """Checks the one-time code typed after a status question from another conversation:
    the status after the right code; otherwise this conversation's own follow-up."""

    action_name = "action_check_status_code"

    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        typed = tracker.get_slot("status_code")
        answer = await in_thread(service.check_code_for, turn, config, typed)
        # The slot is emptied so that a wrong code can be typed again.
        return [*_answer_events(answer, turn, config), SlotSet("status_code", None)]
