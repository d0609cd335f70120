"""The answer to "what is the status of my complaint?"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import customer_transcript, in_thread, origin_key, settings, turn_from_tracker
from bot.dialogue import service
from bot.dialogue.deadlines import format_deadline

DomainDict = dict[str, Any]


class ActionComplaintStatus(Action):
    """Finds the complaint by the ticket, order number or contact given, or this conversation's
    own; a chase that finds nothing is recorded and goes to a person (never a dead end)."""

    def name(self) -> str:
        return "action_complaint_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = turn_from_tracker(tracker)
        config = settings()
        answer = await in_thread(
            service.status_for, turn, config, customer_transcript(tracker), origin_key(tracker)
        )
        events: list[EventType] = [
            SlotSet("status_lookup", answer.lookup),
            SlotSet("status_ticket", answer.ticket),
            SlotSet("status_value", answer.status),
        ]
        if answer.lookup == "chase_recorded":
            events.append(SlotSet("complaint_ticket", answer.ticket))
        if answer.due_at is not None:
            due = format_deadline(answer.due_at, turn.language, turn.script, config.timezone)
            events.append(SlotSet("due_text", due))
        return events
