"""The Rasa speed-ups in bot.speedups behave like the Rasa code they replace."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.pool import QueuePool

from bot import speedups

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
    assert speedups.validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_action_results_fail_as_in_rasa(result: dict[str, Any]) -> None:
    schema = RemoteAction.action_response_format_spec()
    with pytest.raises(jsonschema.ValidationError) as rasa_error:
        jsonschema.validate(result, schema)
    with pytest.raises(jsonschema.ValidationError) as ours:
        speedups.validate_action_result(result)
    assert ours.value.message.startswith(rasa_error.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_install_patches_remote_actions() -> None:
    speedups.install()
    speedups.install()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(VALID[0]) is True
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result(INVALID[0])


def test_sqlite_tracker_store_is_pooled(tmp_path: Any) -> None:
    speedups.install()
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    assert isinstance(store.engine.pool, QueuePool)
    assert speedups.tracker_engine_kwargs("sqlite://") == {}
    assert "poolclass" not in speedups.tracker_engine_kwargs("postgresql://u@h/db")


def test_event_types_resolve_as_in_rasa() -> None:
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    speedups.install()
    for _ in range(2):  # found, then remembered
        assert Event.resolve_by_type("slot") is SlotSet
        assert Event.resolve_by_type("user") is UserUttered
        assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    events = [{"event": "slot", "name": "a", "value": 1}, {"event": "action", "name": "x"}]
    assert [type(e) for e in speedups_deserialise(events)] == [SlotSet, ActionExecuted]


def speedups_deserialise(events: list[dict[str, Any]]) -> list[Any]:
    from rasa.shared.core.events import deserialise_events

    return deserialise_events(events)


def test_tracker_connections_sync_normally_in_wal_mode(tmp_path: Any) -> None:
    speedups.install()
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


async def test_pooled_tracker_store_saves_and_reads_back(tmp_path: Any) -> None:
    from rasa.shared.core.events import SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    speedups.install()
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    tracker = DialogueStateTracker.from_events(
        "ana", [UserUttered("dobar dan"), SlotSet("language", "hr")]
    )
    await store.save(tracker)
    await store.save(tracker)  # a second save on a pooled connection adds nothing
    loaded = await store.retrieve("ana")
    assert loaded is not None
    assert [type(e) for e in loaded.events] == [UserUttered, SlotSet]
