"""The Rasa patches in bot.rasa_patches behave like the Rasa code they replace, are installed only
explicitly, and only on the Rasa release they were written for."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.pool import QueuePool

from bot import rasa_patches
from bot.rasa_patches import RasaVersionError, check_rasa_version
from bot.settings import PROJECT_ROOT, Settings

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [{"text": "hi"}]},
    {},
]
INVALID: list[dict[str, Any]] = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": {"text": "not a list"}},
]


@pytest.mark.parametrize("result", VALID)
def test_valid_action_results_pass(result: dict[str, Any]) -> None:
    assert rasa_patches.validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_action_results_fail_as_in_rasa(result: dict[str, Any]) -> None:
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(result, schema)
    with pytest.raises(jsonschema.ValidationError) as ours:
        rasa_patches.validate_action_result(result)
    assert ours.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_install_patches_remote_actions() -> None:
    rasa_patches.install(Settings())
    rasa_patches.install(Settings())
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(VALID[0]) is True
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result(INVALID[0])


def test_sqlite_tracker_store_is_pooled(tmp_path: Any) -> None:
    rasa_patches.install(Settings())
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    assert isinstance(store.engine.pool, QueuePool)
    assert rasa_patches.tracker_engine_kwargs("sqlite://") == {}
    assert "poolclass" not in rasa_patches.tracker_engine_kwargs("postgresql://u@h/db")


def test_event_types_resolve_as_in_rasa() -> None:
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    rasa_patches.install(Settings())
    for _ in range(2):  # found, then remembered
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    events = [{"event": "slot", "name": "a", "value": 1}, {"event": "action", "name": "x"}]
    assert [type(e) for e in deserialise(events)] == [SlotSet, ActionExecuted]


def deserialise(events: list[dict[str, Any]]) -> list[Any]:
    from rasa.shared.core.events import deserialise_events

    return deserialise_events(events)


def test_tracker_connections_sync_normally_in_wal_mode(tmp_path: Any) -> None:
    rasa_patches.install(Settings())
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


async def test_pooled_tracker_store_saves_and_reads_back(tmp_path: Any) -> None:
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_patches.install(Settings())
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    tracker = DialogueStateTracker.from_events(
        "ana", [UserUttered("dobar dan"), SlotSet("language", "hr")]
    )
    await store.save(tracker)
    await store.save(tracker)  # a second save on a pooled connection adds nothing
    loaded = await store.retrieve("ana")
    assert loaded is not None
    assert [type(e) for e in loaded.events] == [UserUttered, SlotSet]


def test_an_other_rasa_release_is_refused() -> None:
    check_rasa_version("3.6.21")
    with pytest.raises(RasaVersionError, match=r"written for Rasa 3\.6\.21"):
        check_rasa_version("3.6.22")


def test_install_replaces_the_action_run_with_the_fallback() -> None:
    rasa_patches.install(Settings())
    assert RemoteAction.run is not rasa_patches.RASA_REMOTE_ACTION_RUN
    assert RemoteAction.run.__qualname__.startswith("install.")


IMPORT_EVERYTHING = """
import importlib, logging, pkgutil, sys
import rasa.core.tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
import bot, actions
before = (RemoteAction.run, RemoteAction._validate_action_result, Event.resolve_by_type,
          rasa.core.tracker_store.create_engine_kwargs, logging.getLogRecordFactory())
for package in (bot, actions):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
after = (RemoteAction.run, RemoteAction._validate_action_result, Event.resolve_by_type,
         rasa.core.tracker_store.create_engine_kwargs, logging.getLogRecordFactory())
sys.exit(0 if before == after else 1)
"""


def test_importing_any_module_patches_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
