"""Targeted speed-ups of Rasa 3.6 internals that profiling under load showed to cost.

Rasa checks every answer of the action server with ``jsonschema.validate(result, schema)``.
That call first validates the *schema itself* (``check_schema``), on every call, although the
schema is a constant: under load (py-spy, see docs/benchmarks.md) this was more than half of
the Rasa server's CPU time. :func:`install` gives ``RemoteAction`` a validator built once for
the same schema; an invalid answer still raises jsonschema's best-matching ``ValidationError``
with Rasa's message, exactly as before.

With SQLAlchemy 1.4, Rasa's SQL tracker store opens and closes a new SQLite connection for
every read and every save of a conversation (SQLite files get no pool); that was about a tenth
of the Rasa server's CPU time per message. :func:`install` gives SQLite files a small
connection pool, with the same busy timeout as the complaint store (:mod:`bot.store.db`);
PostgreSQL is pooled by Rasa already. Tracker connections commit with ``synchronous=NORMAL``
(safe in WAL mode: an application crash loses nothing; only a power failure can lose the last
tracker writes, never a complaint row, which the complaint store writes with full sync).

Rasa finds an event's class by its type name by listing every subclass of ``Event`` for every
event it reads (``Event.resolve_by_type``); :func:`install` remembers what it found.

Installed by the channels (``bot.web.channel``), which every ``rasa run`` of this project loads
before it creates the tracker store.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

import rasa.core.tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from bot.store.db import SQLITE_BUSY_TIMEOUT_MS

_INSTALLED = "_complaint_bot_cached_validator"


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result``, with the validator built once."""
    from jsonschema.exceptions import best_match

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
    """Rasa's ``create_engine`` arguments for the tracker store, plus a pool for SQLite files."""
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


_rasa_resolve_by_type = Event.resolve_by_type
_event_types: dict[str, type[Event]] = {}


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Rasa's ``Event.resolve_by_type``, remembering each class it found."""
    found = _event_types.get(type_name)
    if found is not None:
        return found
    result = _rasa_resolve_by_type(type_name, default)
    if result is not None and result is not default:
        _event_types[type_name] = result
    return result


def install() -> None:
    """Patch Rasa (idempotent)."""
    if getattr(RemoteAction, _INSTALLED, False):
        return

    def _validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return validate_action_result(result)

    RemoteAction._validate_action_result = _validate
    rasa.core.tracker_store.create_engine_kwargs = tracker_engine_kwargs
    Event.resolve_by_type = staticmethod(resolve_event_type)
    setattr(RemoteAction, _INSTALLED, True)
