"""A custom action's responses, rendered with the slots the action itself sets.

Rasa 3.6 renders the responses a custom action sends (``dispatcher.utter_message(response=...)``)
against the tracker as it was *before* the action, and applies the action's events afterwards.
The project's actions say the script's steps themselves (thank, acknowledge, ask: one predicted
action instead of four, see ``docs/benchmarks.md``), and those responses vary with slots the
same action sets: the acknowledgement with ``category`` and ``problem``, the confirmation with
``resolution_kind``. Rendered Rasa's way they would be chosen from stale slots, so both ways of
running an action (:mod:`bot.ops.inprocess` and the action server, :mod:`bot.ops.fallback`)
render them here against a copy of the tracker with the action's own ``SlotSet`` events applied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

#: Rasa's own ``RemoteAction.run``: the call to the action server.
RasaRun = Callable[[RemoteAction, Any, Any, Any, Any], Awaitable[list[Event]]]


def with_own_slots(tracker: DialogueStateTracker, events: list[Event]) -> DialogueStateTracker:
    """``tracker`` as the action's responses should see it: with ``events``' slots set (a copy;
    ``tracker`` itself is the one Rasa applies the events to afterwards)."""
    slots = [event for event in events if isinstance(event, SlotSet)]
    if not slots:
        return tracker
    rendering = tracker.copy()
    for event in slots:
        rendering.update(event)
    return rendering


async def utter_with_own_slots(
    action: RemoteAction,
    responses: list[dict[str, Any]],
    events: list[Event],
    output_channel: Any,
    nlg: Any,
    tracker: DialogueStateTracker,
) -> list[Event]:
    """What :meth:`RemoteAction.run` returns: the action's messages, then its events (no
    tracker copy when the action says nothing)."""
    if not responses:
        return list(events)
    messages = await action._utter_responses(
        responses, output_channel, nlg, with_own_slots(tracker, events)
    )
    return [*messages, *events]


async def run_on_action_server(
    rasa_run: RasaRun,
    action: RemoteAction,
    output_channel: Any,
    nlg: Any,
    tracker: DialogueStateTracker,
    domain: Any,
) -> list[Event]:
    """Rasa's call to the action server (its errors and rejections unchanged), with the
    responses rendered after the answer's slots are known.

    Rasa's ``run`` renders the responses itself, between reading the answer and returning its
    events; for that one call this action instance keeps them aside instead (Rasa makes a new
    :class:`RemoteAction` for every action it runs, so no other call sees the change).
    """
    kept: list[dict[str, Any]] = []

    async def keep(responses: list[dict[str, Any]], *_: Any) -> list[Event]:
        kept.extend(responses)
        return []

    action._utter_responses = keep
    try:
        events = await rasa_run(action, output_channel, nlg, tracker, domain)
    finally:
        del action._utter_responses
    return await utter_with_own_slots(action, kept, events, output_channel, nlg, tracker)
