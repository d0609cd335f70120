"""Every change this project makes to Rasa's and rasa_sdk's own code, installed in one call.

Importing this module changes nothing. :func:`install` is called explicitly where a Rasa server
starts (:mod:`bot.ops.rasa_main`, which ``python -m bot run`` and the stacks in ``tools/``
launch); it refuses any Rasa but the version the patches were written against
(:data:`RASA_VERSION`), because each replaces a private Rasa function whose shape may change.

The patches, each measured under load with py-spy (``docs/benchmarks.md``, "What was
profiled, what was changed"):

* :func:`validate_action_result` for ``RemoteAction._validate_action_result``;
* :func:`tracker_engine_kwargs` for ``rasa.core.tracker_store.create_engine_kwargs``;
* :func:`resolve_event_type` for ``Event.resolve_by_type``;
* :class:`bot.ops.fallback.Fallback` for ``RemoteAction.run`` (the action-server fallback);
* :func:`configure_app` for ``rasa.core.run.configure_app``: Rasa's Sanic app gets the outbox
  replay (:mod:`bot.ops.replay`), the mail sender (:mod:`bot.ops.mailer`) and the commitment
  sweep (:mod:`bot.ops.commitment_sweep`) as background tasks, started and stopped with the
  server, its start-up heap frozen out of full garbage collections (:mod:`bot.ops.heap`), and
  the TensorFlow placeholders sealed once the model is loaded (:mod:`bot.ops.tensorflow_free`);
* :func:`bot.logmask.install`: personal data masked in every log record of the process;
* :func:`states_for_tracker_history` for ``Domain.states_for_tracker_history``: the dialogue
  states replayed once per event instead of once per prediction (:mod:`bot.ops.states`);
* :class:`bot.ops.graph_runner.SequentialGraphRunner` for the ``DaskGraphRunner`` that
  ``rasa.core.processor`` loads models with: the prediction graph run in order without dask;
* :func:`bot.ops.rule_keys.possible_keys` for ``RulePolicy._get_possible_keys``: each rule
  parsed and reversed once, not once per check;
* :func:`bot.ops.tracker_bookkeeping.copy_slot` as ``Slot.__copy__`` and
  :func:`applied_events` for ``DialogueStateTracker.applied_events``, ``clone_tracker`` for
  ``DialogueStateTracker.copy`` and ``temporary_form_tracker`` for
  ``FormAction._temporary_tracker``: slots copied directly, applied events folded once per
  event instead of once per call, trackers copied instead of replayed;
* :func:`bot.ops.copies.use_fewer_copies` for the deep copies Rasa makes for debug log lines
  (``copy`` in four Rasa modules), ``DialogueStateTracker.current_state`` and the rule
  policy's ``format_tracker_states``, and :func:`domain_is_empty` for ``Domain.is_empty``:
  copies, text and checks nothing reads, made on every message.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

import rasa
import rasa.core.processor
import rasa.core.run
import rasa.core.tracker_store
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from bot import logmask
from bot.ops import commitment_sweep, erasure, heap, mailer, replay, tensorflow_free, warmup
from bot.ops.copies import use_fewer_copies
from bot.ops.fallback import Fallback
from bot.ops.graph_runner import SequentialGraphRunner
from bot.ops.rule_keys import possible_keys
from bot.ops.states import StatesMemo
from bot.ops.tracker_bookkeeping import (
    RASA_TEMPORARY_TRACKER,
    AppliedEventsMemo,
    clone_tracker,
    copy_slot,
    temporary_form_tracker,
)
from bot.settings import Settings
from bot.store.db import SQLITE_BUSY_TIMEOUT_MS

#: The Rasa release the patches below were written against and measured on.
RASA_VERSION = "3.6.21"

_INSTALLED = "_complaint_bot_patches_installed"


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the release the patches were written for."""


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result``, with the validator built once.

    Why: Rasa's ``jsonschema.validate`` re-checked the constant schema on every action call,
    57 % of the Rasa server's CPU under closed-loop REST load (py-spy); building the validator
    once took the same load from 2.0 to 6.1 messages/s (docs/benchmarks.md, item 1).
    """
    error = best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        "the Action endpoint is valid. For more information about the format visit "
        "https://rasa.com/docs/rasa/custom-actions"
    )
    raise error


_rasa_engine_kwargs = rasa.core.tracker_store.create_engine_kwargs


def _sqlite_connector(path: str) -> Any:
    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(
            path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    return connect


def tracker_engine_kwargs(url: Any) -> dict[str, Any]:
    """Rasa's ``create_engine`` arguments for the tracker store, plus a pool for SQLite files.

    Why: SQLAlchemy 1.4 gives SQLite files no pool, so Rasa opened a connection (PRAGMAs
    included) per tracker read and save: about 8 % of the Rasa server's CPU per message
    (py-spy, docs/benchmarks.md item 3); commits use ``synchronous=NORMAL`` in WAL mode.
    """
    kwargs = dict(_rasa_engine_kwargs(url))
    parsed = make_url(str(url)) if not hasattr(url, "get_backend_name") else url
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        kwargs.update(
            poolclass=QueuePool,
            pool_size=2,
            max_overflow=4,
            creator=_sqlite_connector(parsed.database),
        )
    return kwargs


#: Rasa's own ``RemoteAction.run`` (the call to the action server), kept before any patch.
RASA_REMOTE_ACTION_RUN = RemoteAction.run
#: Rasa's own ``Domain.states_for_tracker_history``, kept before :func:`install` replaces it.
RASA_STATES_FOR_TRACKER_HISTORY = Domain.states_for_tracker_history
#: Rasa's own rule lookup (for tests and A/B pairs).
RASA_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys
#: Rasa's own ``DialogueStateTracker.applied_events`` and ``copy`` (for tests and A/B pairs).
RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events
RASA_TRACKER_COPY = DialogueStateTracker.copy
_rasa_resolve_by_type = Event.resolve_by_type
_event_types: dict[str, type[Event]] = {}


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Rasa's ``Event.resolve_by_type``, remembering each class it found.

    Why: Rasa walked every ``Event`` subclass for every event it read, 4.5 % of the Rasa
    server's CPU under load (py-spy, docs/benchmarks.md item 3).
    """
    found = _event_types.get(type_name)
    if found is not None:
        return found
    result = _rasa_resolve_by_type(type_name, default)
    if result is not None and result is not default:
        _event_types[type_name] = result
    return result


_rasa_configure_app = rasa.core.run.configure_app


def with_listeners(listeners: list[tuple[Any, str]]) -> Any:
    """Rasa's ``configure_app``, adding ``listeners`` (function, Sanic event) to the app.

    Why: ``rasa run`` builds its Sanic app inside ``serve_application``; this is the one place
    where a listener for every worker can be added without a channel (the outbox replay must
    run whichever channels are configured).
    """

    @functools.wraps(_rasa_configure_app)
    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = _rasa_configure_app(*args, **kwargs)
        for listener, event in listeners:
            app.register_listener(listener, event)
        return app

    return configure_app


#: The replays of the trackers being predicted on in this process (see :mod:`bot.ops.states`).
STATES = StatesMemo()


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, dict[str, Any]]]:
    """``Domain.states_for_tracker_history``, replaying only the events added since the last
    call on the same tracker."""
    return STATES.states(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)


#: The applied-events folds of the trackers in this process (see
#: :mod:`bot.ops.tracker_bookkeeping`).
APPLIED_EVENTS = AppliedEventsMemo()


def applied_events(self: DialogueStateTracker) -> list[Event]:
    """``DialogueStateTracker.applied_events``, folding only the events added since the last
    call on the same tracker."""
    return APPLIED_EVENTS.applied_events(self)


def use_tracker_bookkeeping(ours: bool) -> None:
    """The project's slot copies, applied events and tracker copies
    (:mod:`bot.ops.tracker_bookkeeping`), or Rasa's own (``ours`` false: for A/B pairs)."""
    if ours:
        Slot.__copy__ = copy_slot
        DialogueStateTracker.applied_events = applied_events
        DialogueStateTracker.copy = clone_tracker
        FormAction._temporary_tracker = temporary_form_tracker
        return
    if "__copy__" in vars(Slot):
        del Slot.__copy__
    DialogueStateTracker.applied_events = RASA_APPLIED_EVENTS
    DialogueStateTracker.copy = RASA_TRACKER_COPY
    FormAction._temporary_tracker = RASA_TEMPORARY_TRACKER


#: Rasa's own ``Domain.is_empty`` (for tests and A/B pairs).
RASA_DOMAIN_IS_EMPTY = Domain.is_empty
_IS_EMPTY = "_complaint_bot_is_empty"


def domain_is_empty(self: Domain) -> bool:
    """``Domain.is_empty``, worked out once per domain (a loaded domain does not change).

    Why: Rasa's processor asks on every message, and Rasa answers by building an empty domain
    and comparing the two as dicts: 1.5 % of a turn (``docs/benchmarks.md``, session 13).
    """
    known = self.__dict__.get(_IS_EMPTY)
    if known is None:
        known = self.__dict__[_IS_EMPTY] = RASA_DOMAIN_IS_EMPTY(self)
    return bool(known)


def use_spared_copies(ours: bool) -> None:
    """The project's :mod:`bot.ops.copies` and :func:`domain_is_empty`, or Rasa's own (``ours``
    false: for A/B pairs)."""
    use_fewer_copies(ours)
    Domain.is_empty = domain_is_empty if ours else RASA_DOMAIN_IS_EMPTY


def check_rasa_version(version: str | None = None) -> None:
    """Refuse a Rasa other than :data:`RASA_VERSION` (the patches replace private code)."""
    found = rasa.__version__ if version is None else version
    if found != RASA_VERSION:
        raise RasaVersionError(
            f"bot.rasa_patches was written for Rasa {RASA_VERSION}, but Rasa {found} is "
            "installed: check each patch against the new Rasa and update RASA_VERSION"
        )


def install(settings: Settings) -> None:
    """Install every patch in this process (idempotent); refuses an unknown Rasa version.

    ``settings`` say whether the actions run in this process, where the outbox is and how it
    is replayed.
    """
    if getattr(RemoteAction, _INSTALLED, False):
        return
    check_rasa_version()
    logmask.install()

    def _validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return validate_action_result(result)

    RemoteAction._validate_action_result = _validate
    rasa.core.tracker_store.create_engine_kwargs = tracker_engine_kwargs
    Event.resolve_by_type = staticmethod(resolve_event_type)
    Domain.states_for_tracker_history = states_for_tracker_history
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
    RulePolicy._get_possible_keys = possible_keys
    use_tracker_bookkeeping(True)
    use_spared_copies(True)
    outbox = replay.outbox_of(settings)
    fallback = Fallback(
        rasa_run=RASA_REMOTE_ACTION_RUN,
        actions_in_process=settings.actions_in_process,
        outbox=outbox,
    )
    rasa.core.run.configure_app = with_listeners(
        [
            *replay.listeners(settings, outbox),
            *erasure.listeners(settings),
            *commitment_sweep.listeners(settings),
            *mailer.listeners(settings),
            *heap.listeners(),
            *tensorflow_free.listeners(),
            *warmup.listeners(),
        ]
    )

    async def _run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> Any:
        return await fallback.run(self, output_channel, nlg, tracker, domain)

    RemoteAction.run = _run
    setattr(RemoteAction, _INSTALLED, True)
