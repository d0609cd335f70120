"""What Rasa does when the action server is gone: run the action here, or apologise.

Rasa 3.6 logs a failed custom action and carries on "without the action's events": the ticket
is never written and the customer gets the next canned answer without it. :func:`install`
replaces :meth:`RemoteAction.run` in the Rasa server process (``python -m bot.ops.rasa_main``)
with :func:`run_with_fallback`:

1. the action server is asked as usual;
2. if it cannot be reached or answers 5xx, the same action call runs in this process with
   rasa_sdk's :class:`ActionExecutor` over the ``actions`` package (the Rasa server can import
   it: same code, same database) — the complaint is written by this fallback path;
3. if that fails too, the customer gets a polite apology in their language and the action call
   is kept in the outbox (``var/outbox/``); once the action server answers again, the outbox is
   replayed there.

Complaint writes are idempotent per customer message (``origin_key`` = sender id and Rasa's
message id, see :mod:`bot.dialogue.service`), so an action that ran on the action server before
it died, and then again here or from the outbox, still writes one complaint.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

from bot.ops.inprocess import run_here
from bot.settings import get_settings

logger = logging.getLogger(__name__)

OUTBOX_DIR = Path(__file__).resolve().parents[2] / "var" / "outbox"
#: How often (at most) a working action server is handed the outbox.
REPLAY_EVERY_SECONDS = 5.0

#: The apology when neither the action server nor the fallback could run an action.
APOLOGIES: dict[str, str] = {
    "en": (
        "I'm sorry, part of our system is briefly unavailable. Your message is saved and "
        "will be handled; please bear with us for a moment."
    ),
    "hr": (
        "Ispričavamo se, dio našeg sustava trenutno nije dostupan. Vaša poruka je spremljena "
        "i bit će obrađena; molimo vas za trenutak strpljenja."
    ),
    "sr": (
        "Izvinjavamo se, deo našeg sistema trenutno nije dostupan. Vaša poruka je sačuvana i "
        "biće obrađena; molimo vas za trenutak strpljenja."
    ),
    "bs": (
        "Izvinjavamo se, dio našeg sistema trenutno nije dostupan. Vaša poruka je sačuvana i "
        "bit će obrađena; molimo vas za trenutak strpljenja."
    ),
}

_original_run = RemoteAction.run
_last_replay = 0.0


def apology(language: object, script: object = "latin") -> str:
    """The apology in the customer's language (``en`` when unknown); Serbian in Cyrillic too."""
    text = APOLOGIES.get(language if isinstance(language, str) else "en", APOLOGIES["en"])
    if language == "sr" and script == "cyrillic":
        from bot.text.fold import to_cyrillic

        return to_cyrillic(text)
    return text


def spool(action_call: dict[str, Any], outbox: Path | None = None) -> Path:
    """Keep an action call that could not run, for :func:`replay_outbox`."""
    directory = outbox or OUTBOX_DIR
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{time.time():.6f}-{uuid.uuid4().hex}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(action_call), encoding="utf-8")
    temporary.rename(target)
    return target


async def replay_outbox(action: RemoteAction, outbox: Path | None = None) -> int:
    """Send the kept action calls to the action server, oldest first; returns how many went.

    A call is deleted only once the action server has run it; the writes are idempotent, so a
    call replayed twice (two instances sharing the directory) still writes one complaint.
    """
    directory = outbox or OUTBOX_DIR
    sent = 0
    for path in sorted(directory.glob("*.json")):
        try:
            call = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if action.action_endpoint is None:
            break
        try:
            await action.action_endpoint.request(json=call, method="post", timeout=30)
        except Exception as error:  # still away: try again later
            logger.info("outbox replay deferred: %s", error)
            break
        path.unlink(missing_ok=True)
        sent += 1
    if sent:
        logger.warning("replayed %d action call(s) from the outbox", sent)
    return sent


def _maybe_replay(action: RemoteAction) -> None:
    global _last_replay
    now = time.monotonic()
    if now - _last_replay < REPLAY_EVERY_SECONDS:
        return
    _last_replay = now
    if OUTBOX_DIR.is_dir() and any(OUTBOX_DIR.glob("*.json")):
        asyncio.get_running_loop().create_task(replay_outbox(action))


def _slot(action_call: dict[str, Any], name: str) -> object:
    slots = (action_call.get("tracker") or {}).get("slots") or {}
    return slots.get(name)


async def run_with_fallback(
    self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> list[Event]:
    """:meth:`RemoteAction.run`, falling back to this process, then to an apology.

    With ``actions_in_process`` set, the action server is not asked: the action runs here
    first (:mod:`bot.ops.inprocess`); the apology and the outbox still cover a failure. A
    form's rejection is passed on as Rasa's, as over HTTP.
    """
    if not get_settings().actions_in_process:
        try:
            events = await _original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException as error:
            logger.warning("action server failed on %s (%s); running it here", self.name(), error)
        else:
            _maybe_replay(self)
            return events
    try:
        return await run_here(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception:
        logger.exception("could not run %s in this process; apologising", self.name())
        action_call = self._action_call_format(tracker, domain)  # afresh: the run may alter it
        spool(action_call)
        text = apology(_slot(action_call, "language"), _slot(action_call, "script"))
        return [BotUttered(text, metadata={"apology": True})]


def install() -> None:
    """Make every custom action call in this process fall back as described above."""
    RemoteAction.run = run_with_fallback
