"""Custom actions run inside the Rasa server process, without the HTTP hop.

Rasa 3.6 always calls custom actions over HTTP: for every call it serialises the whole tracker
to JSON, opens a new connection to the action server, and checks the answer against a JSON
schema. On one machine that hop is the largest cost of a turn (see ``docs/benchmarks.md``).
With ``actions_in_process`` (``BOT_ACTIONS_IN_PROCESS=true``) the Rasa server runs the same
``actions`` package with rasa_sdk's own :class:`ActionExecutor`, the way Rasa Pro 3.10's
``actions_module`` endpoint does. The actions, their database work (in threads) and their
idempotent writes are unchanged; the action server is then not started.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import Event, deserialise_events
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection

from bot.ops.action_responses import utter_with_own_slots

ACTIONS_PACKAGE = "actions"

_executor: Any = None


def executor() -> Any:
    """rasa_sdk's executor over the project's actions, registered once per process."""
    global _executor
    if _executor is None:
        created = ActionExecutor()
        created.register_package(ACTIONS_PACKAGE)
        _executor = created
    return _executor


async def run_action_call(action_call: dict[str, Any]) -> dict[str, Any]:
    """Run ``action_call`` (an action server's request body); the server's answer body.

    A form validation that rejects the call raises Rasa's :class:`ActionExecutionRejection`,
    as the action server's 400 answer does over HTTP.
    """
    try:
        result = await executor().run(action_call)
    except SdkRejection as rejection:
        raise ActionExecutionRejection(rejection.action_name, rejection.message) from rejection
    return result or {"events": [], "responses": []}


async def run_here(
    action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> list[Event]:
    """What :meth:`RemoteAction.run` returns, with the action run in this process.

    The request body is handed over as built (no JSON round trip): Rasa builds fresh dicts
    for it, and the executor's answer comes from rasa_sdk's own event helpers. The responses
    see the slots the action sets (:mod:`bot.ops.action_responses`).
    """
    response = await run_action_call(action._action_call_format(tracker, domain))
    events = deserialise_events(response.get("events", []))
    return await utter_with_own_slots(
        action, response.get("responses", []), events, output_channel, nlg, tracker
    )
