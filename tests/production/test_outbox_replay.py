"""The outbox replay with real parts: the project's actions run by rasa_sdk in this process, a
real SQLite database (complaints and Rasa's SQL tracker store), a PostgreSQL address where
nothing listens for the database outage, Rasa's Agent with the project's domain for the
delivery, and a real HTTP server for the action server's answers. The clock is an argument."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic
from sqlalchemy.engine import make_url

from bot import handoff, rasa_patches, store
from bot.ops import fallback, replay
from bot.ops.delivery import Delivery
from bot.ops.inprocess import run_action_call
from bot.rasa_patches import RASA_REMOTE_ACTION_RUN
from bot.runner import PROJECT_ROOT
from bot.settings import get_settings, load_settings
from bot.store.outbox import Outbox
from tests.production.test_fallback import COMPLAINT

NOBODY = "http://127.0.0.1:6294/webhook"  # no action server here
DATABASE_AWAY = "postgresql://postgres@127.0.0.1:6295/none"  # nothing listens here
TICKET_SLOT = "complaint_ticket"


class RecordingServer:
    """Stands in for the socket.io server: records what is emitted to which room."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str | None]] = []

    async def emit(self, event: str, data: Any, room: str | None = None, **_: Any) -> None:
        self.emitted.append((event, data, room))


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture()
def app(domain: Domain, database: str) -> Any:
    """Rasa's app as the replay sees it: the agent (domain, SQL tracker store, locks) and the
    socket.io server the widget channel leaves in ``app.ctx``."""
    tracker_store = SQLTrackerStore(
        domain, dialect="sqlite", db=str(make_url(database).database)
    )
    agent = Agent(domain=domain, tracker_store=tracker_store, lock_store=InMemoryLockStore())
    return SimpleNamespace(
        ctx=SimpleNamespace(
            agent=agent, complaint_sio=RecordingServer(), complaint_bot_event="bot_uttered"
        )
    )


@pytest.fixture()
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox", max_attempts=5, first_retry_seconds=10)


def conversation(sender: str, message_id: str, channel: str = "socketio") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered(
                COMPLAINT,
                intent={"name": "complain_delivery", "confidence": 0.93},
                message_id=message_id,
                input_channel=channel,
            ),
            SlotSet("language", "hr"),
            SlotSet("script", "latin"),
        ],
    )


def complaints(url: str, sender: str) -> list[str]:
    with store.session_scope(url) as session:
        return [row.ticket for row in store.list_complaints(session, sender_id=sender)]


def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", DATABASE_AWAY)
    monkeypatch.setenv("BOT_DB_RETRY_SECONDS", "1")
    get_settings.cache_clear()


def database_back(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()


async def test_the_database_briefly_down_the_replay_delivers_the_ticket_message(
    domain: Domain, database: str, app: Any, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = "replay-ana"
    tracker = conversation(sender, "m-1")
    agent = app.ctx.agent
    await agent.tracker_store.save(tracker)

    # The database is away: the action fails in process, the customer gets the apology.
    database_down(monkeypatch)
    runner = fallback.Fallback(RASA_REMOTE_ACTION_RUN, actions_in_process=True, outbox=outbox)
    action = RemoteAction("action_register_complaint", EndpointConfig(NOBODY))
    events = await runner.run(action, CollectingOutputChannel(), agent.nlg, tracker, domain)
    assert [e.metadata for e in events if isinstance(e, BotUttered)] == [{"apology": True}]
    for event in events:
        tracker.update(event)
    await agent.tracker_store.save(tracker)
    (kept,) = outbox.waiting()

    replayer = replay.Replayer(
        outbox,
        lambda call: replay.run_call(call, None, actions_in_process=True),
        Delivery(app).deliver,
    )
    start = time.time()
    assert await replayer.scan(start) == replay.Round()  # not due yet: the first pause
    # Still down at the first attempts: the file waits 10 s, then 20 s.
    assert await replayer.scan(start + 10) == replay.Round(deferred=1)
    assert outbox.due(start + 19) == [] and outbox.due(start + 20) == [kept]
    assert await replayer.scan(start + 20) == replay.Round(deferred=1)
    assert outbox.due(start + 39) == [] and outbox.due(start + 40) == [kept]
    assert app.ctx.complaint_sio.emitted == []

    # The database is back: the replay writes the complaint and tells the customer its ticket.
    database_back(monkeypatch, database)
    assert await replayer.scan(start + 40) == replay.Round(replayed=1)
    assert outbox.waiting() == [] and outbox.dead_letters() == []
    (ticket,) = complaints(database, sender)
    # the script's thanks and acknowledgement, then the ticket; not the question, which no
    # form waits for any more
    emitted = app.ctx.complaint_sio.emitted
    assert [(event, room) for event, _, room in emitted] == [("bot_uttered", sender)] * 3
    assert [p["metadata"] for _, p, _ in emitted] == [{"replayed": True}] * 3
    assert emitted[0][1]["text"] in response_texts(domain, "utter_thank_for_complaint", "hr")
    assert emitted[1][1]["text"] in response_texts(domain, "utter_acknowledge", "hr")
    payload = emitted[-1][1]
    assert ticket in payload["text"]
    # the customer's language (the Croatian text, which Bosnian and Serbian share), not English
    assert payload["text"].startswith("Vaša reklamacija je evidentirana")
    # The conversation keeps the message and the ticket, for the console and a return.
    stored = await agent.tracker_store.retrieve(sender)
    said = [e for e in stored.events if isinstance(e, BotUttered)]
    assert said[-1].text == payload["text"] and said[-1].metadata.get("replayed")
    assert stored.get_slot(TICKET_SLOT) == ticket

    # Replayed again (a second worker's stale copy): one complaint, no second message.
    outbox.keep(kept_call(tracker, domain), start)
    assert await replayer.scan(start + 100) == replay.Round(replayed=1)
    assert complaints(database, sender) == [ticket]
    assert len(app.ctx.complaint_sio.emitted) == 3


def response_texts(domain: Domain, name: str, language: str) -> set[str]:
    """Every text of response ``name`` in ``language`` (any category or problem)."""
    return {
        variation["text"]
        for variation in domain.responses[name]
        if {"type": "slot", "name": "language", "value": language}
        in (variation.get("condition") or [])
    }


def kept_call(tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
    return RemoteAction("action_register_complaint", None)._action_call_format(tracker, domain)


async def test_a_poisoned_file_is_set_aside_and_the_next_one_replayed(
    domain: Domain, database: str, app: Any, outbox: Outbox
) -> None:
    tracker = conversation("replay-ivo", "m-2", channel="rest")
    await app.ctx.agent.tracker_store.save(tracker)
    start = time.time()
    unknown = RemoteAction("action_that_does_not_exist", None)._action_call_format(tracker, domain)
    outbox.keep(unknown, start - 3)  # oldest first: it comes before the good one
    outbox.directory.joinpath(f"{start - 2:.6f}-garbled.json").write_text("{", "utf-8")
    outbox.keep(kept_call(tracker, domain), start - 1)
    replayer = replay.Replayer(
        outbox,
        lambda call: replay.run_call(call, None, actions_in_process=True),
        Delivery(app).deliver,
    )
    assert await replayer.scan(start + 10) == replay.Round(replayed=1, set_aside=2)
    assert len(complaints(database, "replay-ivo")) == 1
    reasons = sorted(str(entry.reason if entry else "unreadable") for _, entry in
                     outbox.dead_letters())
    assert reasons[0].startswith("ActionNotFoundException") and reasons[1] == "unreadable"
    # A REST customer cannot be pushed to: the ticket message waits in the conversation.
    assert app.ctx.complaint_sio.emitted == []
    stored = await app.ctx.agent.tracker_store.retrieve("replay-ivo")
    assert any(
        isinstance(e, BotUttered) and complaints(database, "replay-ivo")[0] in (e.text or "")
        for e in stored.events
    )


async def test_the_action_servers_4xx_is_final_and_its_5xx_runs_the_call_here(
    domain: Domain, database: str, outbox: Outbox
) -> None:
    statuses = [400, 503]

    async def webhook(_: web.Request) -> web.Response:
        return web.json_response({"error": "no"}, status=statuses.pop(0))

    application = web.Application()
    application.router.add_post("/webhook", webhook)
    server = TestServer(application, host="127.0.0.1")
    await server.start_server()
    try:
        endpoint = EndpointConfig(str(server.make_url("/webhook")))
        call = kept_call(conversation("replay-eva", "m-3"), domain)
        with pytest.raises(replay.PermanentFailure, match="400"):
            await replay.run_call(call, endpoint, actions_in_process=False)
        answer = await replay.run_call(call, endpoint, actions_in_process=False)  # 503
    finally:
        await server.close()
    tickets = [e["value"] for e in answer["events"] if e.get("name") == TICKET_SLOT]
    assert tickets == complaints(database, "replay-eva")


async def test_a_hand_off_is_queued_once_per_message_and_never_after_a_hand_back(
    domain: Domain, database: str
) -> None:
    sender = "replay-zoe"
    tracker = conversation(sender, "m-4")
    await run_action_call(kept_call(tracker, domain))
    hand_off = RemoteAction("action_hand_off", None)._action_call_format(tracker, domain)
    await run_action_call(hand_off)
    await run_action_call(hand_off)  # the fallback, then the outbox: the same message again

    def queued() -> list[dict[str, Any]]:
        with store.session_scope(database) as session:
            complaint = store.latest_for_sender(session, sender)
            assert complaint is not None
            return [
                dict(e.data or {}) for e in store.events_for(session, complaint)
                if e.kind == "handoff_requested"
            ]  # fmt: skip

    assert queued() == [{"origin": f"{sender}:m-4"}]
    assert handoff.holder(sender, database) == "queue"
    older = conversation(sender, "m-5")  # a message the outbox kept...
    await asyncio.sleep(0.01)
    with store.session_scope(database) as session:  # ...and an agent hands back after it
        complaint = store.latest_for_sender(session, sender)
        assert complaint is not None
        store.append_event(session, complaint, "handed_back", "agent:ana")
    await asyncio.sleep(0.01)
    # The late replay of the older message's hand-off does not queue the customer again...
    await run_action_call(RemoteAction("action_hand_off", None)._action_call_format(older, domain))
    assert len(queued()) == 1 and handoff.holder(sender, database) == "bot"
    # ...but a new message after the hand-back does.
    newer = conversation(sender, "m-6")
    await run_action_call(RemoteAction("action_hand_off", None)._action_call_format(newer, domain))
    assert len(queued()) == 2 and handoff.holder(sender, database) == "queue"


async def test_the_replay_runs_in_the_background_from_server_start_to_stop(
    domain: Domain, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(
        {
            "DATABASE_URL": database,
            "BOT_VAR_DIR": str(tmp_path / "var"),
            "BOT_ACTIONS_IN_PROCESS": "true",
            "BOT_OUTBOX_FIRST_RETRY_SECONDS": "1",
            "BOT_SETTINGS_FILE": str(tmp_path / "none.yml"),
        }
    )
    outbox = replay.outbox_of(settings)
    tracker = conversation("replay-lea", "m-7")
    outbox.keep(
        RemoteAction("action_that_does_not_exist", None)._action_call_format(tracker, domain),
        time.time() - 60,
    )
    listeners = replay.listeners(settings, outbox)
    # Rasa's own app gets them (``install`` puts this wrapper in Rasa's place)
    monkeypatch.setattr(Sanic, "test_mode", True)  # Rasa's app name, made more than once
    rasa_app = rasa_patches.with_listeners(listeners)(enable_api=False)
    registered = [  # Sanic 21.12 keeps server listeners as signal handlers
        route.handler.keywords.get("listener")
        for route in rasa_app.signal_router.routes
        if hasattr(route.handler, "keywords")
    ]
    assert {listener for listener, _ in listeners} <= set(registered)
    (start, _), (stop, _) = listeners
    app = SimpleNamespace(ctx=SimpleNamespace(agent=None))
    await start(app)
    try:  # no customer writes: the background task alone handles the file
        for _ in range(100):
            if outbox.dead_letters():
                break
            await asyncio.sleep(0.1)
        assert [letter.action for _, letter in outbox.dead_letters() if letter] == [
            "action_that_does_not_exist"
        ]
    finally:
        await stop(app)
    assert app.ctx.outbox_replay.cancelled()


def test_a_database_error_is_kept_and_logged_without_the_customers_words() -> None:
    from sqlalchemy.exc import OperationalError

    error = OperationalError(
        "INSERT INTO complaints (description) VALUES (?)",
        ("my neighbour Ana Horvat saw the parcel",),
        Exception("no such table: complaints"),
    )
    assert "Ana Horvat" in str(error)
    assert replay.short(error) == "OperationalError: (builtins.Exception) no such table: complaints"
