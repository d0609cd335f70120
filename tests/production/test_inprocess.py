"""Custom actions run inside the Rasa process (``BOT_ACTIONS_IN_PROCESS``), with real parts:
Rasa's RemoteAction pointed at a port where nothing listens, the project's domain and actions
run by rasa_sdk's executor, and a real SQLite database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection as SdkRejection

from bot import store
from bot.ops import fallback, inprocess
from bot.rasa_patches import RASA_REMOTE_ACTION_RUN
from bot.runner import PROJECT_ROOT
from bot.settings import SettingsError, get_settings, load_settings
from bot.store.outbox import Outbox
from tests.production.test_fallback import tracker_with_complaint as complaint_tracker

REGISTER = "action_register_complaint"
NOBODY = "http://127.0.0.1:6293/webhook"  # no action server here: it must not be needed


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def in_process(database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("BOT_ACTIONS_IN_PROCESS", "true")
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()


@pytest.fixture()
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


async def run(
    domain: Domain, action_name: str, state: DialogueStateTracker, outbox: Path
) -> list[Any]:
    action = RemoteAction(action_name, EndpointConfig(NOBODY))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    channel = CollectingOutputChannel()
    runner = fallback.Fallback(
        RASA_REMOTE_ACTION_RUN, actions_in_process=True, outbox=Outbox(outbox)
    )
    return list(await runner.run(action, channel, nlg, state, domain))


def tickets(events: list[Any]) -> list[str]:
    return [e.value for e in events if isinstance(e, SlotSet) and e.key == "complaint_ticket"]


async def test_the_complaint_is_written_here_without_any_action_server(
    domain: Domain, in_process: str, outbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    events = await run(domain, REGISTER, complaint_tracker("inproc-ana", "m-1"), outbox)
    assert tickets(events) and tickets(events)[0].startswith("C-")
    assert not [e for e in events if isinstance(e, BotUttered) and e.metadata.get("apology")]
    # the action server was never tried: no failure was logged, nothing waits in the outbox
    assert "action server failed" not in caplog.text
    assert not (outbox.exists() and any(outbox.iterdir()))
    with store.session_scope(in_process) as session:
        rows = store.list_complaints(session, sender_id="inproc-ana")
    assert [row.ticket for row in rows] == tickets(events)


async def test_a_message_run_twice_is_still_one_complaint(
    domain: Domain, in_process: str, outbox: Path
) -> None:
    first = await run(domain, REGISTER, complaint_tracker("inproc-ivo", "m-7"), outbox)
    second = await run(domain, REGISTER, complaint_tracker("inproc-ivo", "m-7"), outbox)
    assert tickets(first) and tickets(first) == tickets(second)
    with store.session_scope(in_process) as session:
        assert len(store.list_complaints(session, sender_id="inproc-ivo")) == 1


class RejectingAction(Action):
    def name(self) -> str:
        return "action_that_rejects"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        raise SdkRejection(self.name(), "not now")


async def test_a_rejection_reaches_rasa_as_its_own_rejection(
    domain: Domain, in_process: str, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executor = ActionExecutor()
    executor.register_action(RejectingAction())
    monkeypatch.setattr(inprocess, "_executor", executor)
    with pytest.raises(ActionExecutionRejection) as raised:
        await run(domain, "action_that_rejects", complaint_tracker("inproc-eva", "m-2"), outbox)
    assert raised.value.action_name == "action_that_rejects"


async def test_an_action_that_fails_here_apologises_and_keeps_the_call(
    domain: Domain, in_process: str, outbox: Path
) -> None:
    tracker = complaint_tracker("inproc-zoe", "m-3")
    events = await run(domain, "action_that_does_not_exist", tracker, outbox)
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert events[0].metadata == {"apology": True}
    assert events[0].text == fallback.apology("hr")
    assert len(list(outbox.glob("*.json"))) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("on", True), ("false", False), ("", True)],
)
def test_the_older_setting_reads_yes_and_no(value: str, expected: bool) -> None:
    assert load_settings({"BOT_ACTIONS_IN_PROCESS": value}).actions_in_process is expected


def test_the_actions_run_in_the_rasa_process_by_default(tmp_path: Path) -> None:
    settings = load_settings({}, settings_file=tmp_path / "absent.yml")
    assert settings.actions_in_process is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [("inprocess", True), ("in-process", True), ("server", False), ("SERVER", False)],
)
def test_bot_actions_picks_where_the_actions_run(value: str, expected: bool) -> None:
    assert load_settings({"BOT_ACTIONS": value}).actions_in_process is expected


def test_bot_yml_picks_the_action_server(tmp_path: Path) -> None:
    path = tmp_path / "bot.yml"
    path.write_text("actions: server\n", encoding="utf-8")
    assert load_settings({}, settings_file=path).actions_in_process is False


def test_an_unknown_layout_is_refused() -> None:
    with pytest.raises(SettingsError, match="actions must be one of inprocess, server"):
        load_settings({"BOT_ACTIONS": "lambda"})


def test_contradicting_settings_are_refused() -> None:
    with pytest.raises(SettingsError, match="contradicts"):
        load_settings({"BOT_ACTIONS": "server", "BOT_ACTIONS_IN_PROCESS": "true"})
    both = load_settings({"BOT_ACTIONS": "server", "BOT_ACTIONS_IN_PROCESS": "false"})
    assert both.actions_in_process is False


def test_a_setting_that_is_neither_yes_nor_no_is_refused() -> None:
    with pytest.raises(SettingsError, match="actions_in_process"):
        load_settings({"BOT_ACTIONS_IN_PROCESS": "sometimes"})
