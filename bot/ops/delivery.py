"""A replayed action's answer reaches the customer: in the conversation, and on their channel.

An action kept in the outbox (:mod:`bot.store.outbox`) runs again long after the customer was
told "your message is saved and will be handled". Its answer is delivered here:

* the messages the action returned (its ``responses``) are rendered with the domain's
  responses, in the customer's language, except its questions (``utter_ask_*``): no form
  waits for their answer any more, the ticket message stands in for the next step;
* when the action gave the conversation a ticket the customer has not been told yet, the
  ticket message (:data:`REPLAY_CONFIRMATION`) is added;
* the messages are appended to the conversation's tracker (under Rasa's conversation lock),
  with the slots that describe the complaint when the tracker has none yet (only slots that do
  not steer the dialogue, ``influence_conversation: false``; a value is never overwritten), so
  the console and a returning customer see them;
* they are pushed to the customer's channel: for the website widget, an emit to the
  customer's socket.io room, which goes through Redis pub/sub to whichever Rasa instance
  holds the socket, as an agent's reply does (:mod:`bot.handoff`, :mod:`bot.ops.pubsub`).

A channel without a pusher (the REST channel) keeps the messages in the conversation only.
Agents' replies to a customer who left go by e-mail (:mod:`bot.handoff.replies`,
:mod:`bot.ops.mailer`); a replayed answer could plug e-mail in as another :data:`Pusher` in
:attr:`Delivery.pushers`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.actions.action import RemoteAction, create_bot_utterance
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.ops.action_responses import with_own_slots

logger = logging.getLogger(__name__)

#: The domain response that tells the customer the ticket of a complaint written by a replay.
REPLAY_CONFIRMATION = "utter_complaint_logged"
TICKET_SLOT = "complaint_ticket"
#: The responses that ask the customer something (a form's question), left out of a replay.
QUESTION_PREFIX = "utter_ask_"
#: Marks the messages of a replay, in the tracker and on the widget.
REPLAYED = {"replayed": True}

#: Pushes messages (``{"text": ..., ...}``) to one customer; ``True`` if it reached them.
Pusher = Callable[[str, list[dict[str, Any]]], Awaitable[bool]]


def answer_slots(answer: dict[str, Any]) -> dict[str, Any]:
    """The slots an action's answer sets, by name."""
    return {
        str(event["name"]): event.get("value")
        for event in answer.get("events") or []
        if isinstance(event, dict) and event.get("event") == "slot" and event.get("name")
    }


def told(tracker: DialogueStateTracker, text: str, *, by_replay: bool = False) -> bool:
    """Whether the bot already said ``text`` (a ticket number) in this conversation; with
    ``by_replay``, in a replayed message."""
    return any(
        isinstance(event, BotUttered)
        and text in (event.text or "")
        and (not by_replay or bool((event.metadata or {}).get("replayed")))
        for event in tracker.events
    )


def as_payload(event: BotUttered) -> dict[str, Any]:
    """A bot message as Rasa's socket.io channel emits it, marked as replayed."""
    payload: dict[str, Any] = {"text": event.text, "metadata": dict(REPLAYED)}
    buttons = (event.data or {}).get("buttons")
    if buttons:
        payload["quick_replies"] = [
            {"content_type": "text", "title": b.get("title"), "payload": b.get("payload")}
            for b in buttons
        ]
    return payload


class Delivery:
    """Delivers replayed answers through the Rasa app's agent (``app.ctx.agent``)."""

    def __init__(self, app: Any, pushers: dict[str, Pusher] | None = None) -> None:
        self.app = app
        #: input channel name -> how to reach a customer of that channel
        self.pushers: dict[str, Pusher] = {"socketio": self.emit_to_widget}
        self.pushers.update(pushers or {})

    async def deliver(
        self, sender_id: str, action: str, answer: dict[str, Any]
    ) -> list[BotUttered]:
        """Append the answer of ``action`` to the conversation and push it; the messages."""
        agent = getattr(self.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            raise RuntimeError("the Rasa agent is not loaded")
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            if tracker is None:  # erased, or never stored: nobody to tell
                logger.warning("replayed %s: conversation %s not found", action, sender_id)
                return []
            messages = await self._messages(agent, tracker, action, answer)
            for event in self._kept_slots(agent.domain, tracker, answer):
                tracker.update(event)
            for message in messages:
                tracker.update(message)
            await agent.tracker_store.save(tracker)
        channel = tracker.get_latest_input_channel() or ""
        push = self.pushers.get(channel)
        if messages and push is not None:
            await push(sender_id, [as_payload(message) for message in messages])
        elif messages:
            logger.info("replayed %s: no push for channel %r; kept in the conversation",
                        action, channel)
        return messages

    async def _messages(
        self, agent: Any, tracker: DialogueStateTracker, action: str, answer: dict[str, Any]
    ) -> list[BotUttered]:
        slots = answer_slots(answer)
        ticket = slots.get(TICKET_SLOT)
        if isinstance(ticket, str) and ticket and told(tracker, ticket, by_replay=True):
            return []  # a second copy of a call already replayed (another worker's, stale)
        # the answer's slots, for the messages only
        rendering = with_own_slots(tracker, [SlotSet(name, value) for name, value in slots.items()])
        channel = tracker.get_latest_input_channel() or CollectingOutputChannel.name()
        output = CollectingOutputChannel()
        kept = [
            response
            for response in answer.get("responses") or []
            if not str(response.get("response") or "").startswith(QUESTION_PREFIX)
        ]
        messages: list[BotUttered] = await RemoteAction(action, None)._utter_responses(
            kept, output, agent.nlg, rendering
        )
        said = " ".join(message.text or "" for message in messages)
        if isinstance(ticket, str) and ticket and ticket not in said and not told(tracker, ticket):
            draft = await agent.nlg.generate(REPLAY_CONFIRMATION, rendering, channel)
            if draft:
                draft["utter_action"] = REPLAY_CONFIRMATION
                messages.append(create_bot_utterance(draft))
        for message in messages:
            message.metadata = {**(message.metadata or {}), **REPLAYED}
        return messages

    @staticmethod
    def _kept_slots(
        domain: Any, tracker: DialogueStateTracker, answer: dict[str, Any]
    ) -> list[SlotSet]:
        """The answer's slots the conversation keeps: set, not steering, not yet filled."""
        quiet = {slot.name for slot in domain.slots if not slot.influence_conversation}
        current = tracker.current_slot_values()
        return [
            SlotSet(name, value)
            for name, value in answer_slots(answer).items()
            if name in quiet and value is not None and current.get(name) is None
        ]

    async def emit_to_widget(self, sender_id: str, messages: list[dict[str, Any]]) -> bool:
        """Emit to the customer's socket.io room (through Redis when instances share it)."""
        sio = getattr(self.app.ctx, "complaint_sio", None)
        if sio is None:
            return False
        event = getattr(self.app.ctx, "complaint_bot_event", "bot_uttered")
        for message in messages:
            await sio.emit(event, message, room=sender_id)
        return True
