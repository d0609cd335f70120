"""The answer to "what is the status of my complaint?"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import in_thread, settings, turn_from_tracker
from bot.dialogue import service
from bot.dialogue.deadlines import format_deadline

DomainDict = dict[str, Any]


class ActionComplaintStatus(Action):
    """Looks up the ticket named in the message, or this conversation's own ticket."""

    def name(self) -> str:
        return "action_complaint_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = turn_from_tracker(tracker)
        ticket = turn.entities.get("ticket") or turn.ticket
        config = settings()
        answer = await in_thread(service.status_for, ticket, turn.sender_id, config)
        events: list[EventType] = [
            SlotSet("status_lookup", answer.lookup),
            SlotSet("status_ticket", answer.ticket),
            SlotSet("status_value", answer.status),
        ]
        if answer.due_at is not None:
            due = format_deadline(answer.due_at, turn.language, turn.script, config.timezone)
            events.append(SlotSet("due_text", due))
        return events
