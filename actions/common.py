"""Helpers shared by the actions: reading a Turn from the tracker, running blocking work."""

from __future__ import annotations

import asyncio
import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.turn import Turn, category_from_intent, clean_text, first_entities
from bot.policy import anger_score
from bot.settings import Settings, get_settings
from bot.store.retry import retry_db

T = TypeVar("T")
DomainDict = dict[str, Any]


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (database access) off the action server's event loop, waiting out a
    brief database outage (the work must be safe to repeat)."""
    loop = asyncio.get_running_loop()
    work = functools.partial(function, *args, **kwargs)
    retry_seconds = settings().db_retry_seconds
    return await loop.run_in_executor(None, functools.partial(retry_db, work, retry_seconds))


def origin_key(tracker: Tracker) -> str | None:
    """The customer message this turn answers (sender and Rasa's message id): the key that
    keeps a retried action from logging the same complaint twice."""
    message_id = (tracker.latest_message or {}).get("message_id")
    return f"{tracker.sender_id}:{message_id}" if message_id else None


def message_time(tracker: Tracker) -> datetime | None:
    """When the customer sent the latest message (its tracker event's time)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and event.get("timestamp") is not None:
            return datetime.fromtimestamp(float(event["timestamp"]), tz=timezone.utc)
    return None


def settings() -> Settings:
    return get_settings()


def earlier_anger(tracker: Tracker) -> tuple[float, ...]:
    """The anger score of each of the customer's earlier messages, in order."""
    texts = [
        event.get("text")
        for event in tracker.events
        if event.get("event") == "user" and isinstance(event.get("text"), str)
    ]
    return tuple(anger_score(text) for text in texts[:-1])


def turn_from_tracker(tracker: Tracker) -> Turn:
    """The latest customer message and the conversation state, as plain data."""
    parse = tracker.latest_message or {}
    intent = parse.get("intent") or {}
    channel = tracker.get_latest_input_channel() or "rest"
    scores = earlier_anger(tracker)
    return Turn(
        sender_id=tracker.sender_id,
        text=clean_text(parse.get("text")),
        channel=channel,
        intent=intent.get("name"),
        intent_confidence=float(intent.get("confidence") or 0.0),
        category=category_from_intent(intent.get("name"), settings().category_slugs),
        entities=first_entities(parse),
        language=tracker.get_slot("language") or "en",
        script=tracker.get_slot("script") or "latin",
        previous_anger=max(scores, default=None),
        earlier_anger=scores,
        ticket=tracker.get_slot("complaint_ticket"),
        intent_ranking=tuple(
            (str(item.get("name")), float(item.get("confidence") or 0.0))
            for item in parse.get("intent_ranking") or []
            if item.get("name")
        ),
        clause_complaint=_clause_complaint(parse),
    )


def _clause_complaint(parse: dict[str, Any]) -> tuple[str, float] | None:
    """The NLU's best complaint intent of one clause (``clause_complaint``), if it set one."""
    found = parse.get("clause_complaint")
    if not isinstance(found, dict) or not isinstance(found.get("name"), str):
        return None
    return found["name"], float(found.get("confidence") or 0.0)


def customer_transcript(tracker: Tracker) -> str:
    """Everything the customer wrote in this conversation, one message per line."""
    lines = [
        clean_text(event.get("text"))
        for event in tracker.events
        if event.get("event") == "user" and event.get("text")
    ]
    return "\n".join(line for line in lines if line)


class TurnAction(Action, ABC):
    """An action that works on the latest turn: subclasses name themselves with
    ``action_name`` and implement :meth:`act` (abstract, so rasa_sdk registers only them)."""

    action_name: ClassVar[str]

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await self.act(turn_from_tracker(tracker), settings(), tracker, dispatcher)

    @abstractmethod
    async def act(
        self, turn: Turn, config: Settings, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> list[EventType]:
        """The events of this action for ``turn``."""


def say(dispatcher: CollectingDispatcher, responses: Iterable[str]) -> None:
    """Utter ``responses`` (domain.yml) in order; rendered with the slots the action sets."""
    for response in responses:
        dispatcher.utter_message(response=response)
