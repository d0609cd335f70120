"""What Rasa does when the action server is gone: run the action here, or apologise.

Rasa 3.6 logs a failed custom action and carries on "without the action's events": the ticket
is never written and the customer gets the next canned answer without it.
:func:`bot.rasa_patches.install` replaces :meth:`RemoteAction.run` in the Rasa server process
(``python -m bot.ops.rasa_main``) with :meth:`Fallback.run`:

1. the action server is asked as usual;
2. if it cannot be reached or answers 5xx, the same action call runs in this process with
   rasa_sdk's :class:`ActionExecutor` over the ``actions`` package (the Rasa server can import
   it: same code, same database) — the complaint is written by this fallback path;
3. if that fails too, the customer gets a polite apology in their language and the action call
   is kept in the outbox (:mod:`bot.store.outbox`, ``var/outbox/``); the replay
   (:mod:`bot.ops.replay`, a background task of the Rasa server) runs it again with backoff and
   delivers its answer to the customer (:mod:`bot.ops.delivery`).

Complaint writes are idempotent per customer message (``origin_key`` = sender id and Rasa's
message id, see :mod:`bot.dialogue.service`), so an action that ran on the action server before
it died, and then again here or from the outbox, still writes one complaint.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from bot.ops.action_responses import RasaRun, run_on_action_server
from bot.ops.inprocess import run_here
from bot.store.blocking import run_db
from bot.store.outbox import Outbox
from bot.text.languages import languages, load_texts

logger = logging.getLogger(__name__)

#: The apology when neither the action server nor the fallback could run an action.
APOLOGIES: dict[str, str] = load_texts(Path(__file__).with_name("apologies.yml"))["apology"]

def apology(language: object, script: object = "latin") -> str:
    """The apology in the customer's language (``en`` when unknown); Serbian in Cyrillic too."""
    registry = languages()
    return registry.text(APOLOGIES, registry.for_slots(language, script))


def _slot(action_call: dict[str, Any], name: str) -> object:
    slots = (action_call.get("tracker") or {}).get("slots") or {}
    return slots.get(name)


class Fallback:
    """:meth:`RemoteAction.run`, falling back to this process, then to an apology.

    Why: without it Rasa 3.6 drops a failed action's events, so a complaint is lost while the
    action server restarts; the fault tests (``tests/tools/stack/test_faults.py``) and the soak
    test (``make soak``: 10,000 messages with restarts, one complaint per conversation) measure
    it.
    """

    def __init__(self, rasa_run: RasaRun, actions_in_process: bool, outbox: Outbox) -> None:
        self.rasa_run = rasa_run
        self.actions_in_process = actions_in_process
        self.outbox = outbox

    async def run(
        self, action: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> list[Event]:
        """Run ``action`` as Rasa would, with the fallbacks.

        With ``actions_in_process`` the action server is not asked: the action runs here first
        (:mod:`bot.ops.inprocess`); the apology and the outbox still cover a failure. A form's
        rejection is passed on as Rasa's, as over HTTP.
        """
        if not self.actions_in_process:
            try:
                events = await run_on_action_server(
                    self.rasa_run, action, output_channel, nlg, tracker, domain
                )
            except ActionExecutionRejection:
                raise
            except RasaException as error:
                logger.warning(
                    "action server failed on %s (%s); running it here", action.name(), error
                )
            else:
                return events
        try:
            return await run_here(action, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception:
            logger.exception("could not run %s in this process; apologising", action.name())
            # afresh: the run may alter it
            action_call = action._action_call_format(tracker, domain)
            await run_db(self.outbox.keep, action_call, time.time())
            text = apology(_slot(action_call, "language"), _slot(action_call, "script"))
            return [BotUttered(text, metadata={"apology": True})]
