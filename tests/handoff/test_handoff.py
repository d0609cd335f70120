"""Live handoff: who holds a conversation, taking over, agent replies, handing back."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import handoff, store
from bot.settings import get_settings
from bot.web.channel import ComplaintSocketIOInput

pytestmark = pytest.mark.usefixtures("database")


class RecordingServer:
    """Stands in for the socket.io server: records what is emitted to which room."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, Any, str | None]] = []

    async def emit(self, event: str, data: Any, room: str | None = None, **_: Any) -> None:
        self.emitted.append((event, data, room))

    def enter_room(self, *_: Any, **__: Any) -> None:
        return None

    def leave_room(self, *_: Any, **__: Any) -> None:
        return None


@pytest.fixture()
def complaint(database: str) -> tuple[str, str]:
    """(ticket, sender id) of an escalated complaint, with agent accounts ``ana`` (on duty)
    and ``ivo`` (off duty)."""
    with store.session_scope(database) as session:
        row = store.create_complaint(
            session,
            sender_id="customer-1",
            channel="socketio",
            language="hr",
            script="latin",
            category="safety",
            severity=4,
            anger_score=0.0,
            description="Dijete je završilo u bolnici nakon vašeg soka",
            escalation_reasons=("safety",),
            deadline_hours=24,
            prefix="C",
        )
        store.create_agent(
            session,
            username="ana",
            password="correct horse battery",
            role="agent",
            display_name="Ana Horvat",
        )
        ana = store.get_agent(session, "ana")
        assert ana is not None
        store.set_on_duty(session, ana, True)
        store.create_agent(session, username="ivo", password="correct horse battery", role="agent")
        return row.ticket, row.sender_id


@pytest.fixture()
def app() -> Any:
    """A Rasa-server stand-in: the tracker store and the socket.io server handoff uses."""
    tracker_store = InMemoryTrackerStore(Domain.empty())
    return SimpleNamespace(
        ctx=SimpleNamespace(
            agent=SimpleNamespace(tracker_store=tracker_store, lock_store=InMemoryLockStore()),
            complaint_sio=RecordingServer(),
            complaint_bot_event="bot_uttered",
        )
    )


async def _save_tracker(app: Any, sender_id: str) -> None:
    tracker = DialogueStateTracker.from_events(sender_id, [UserUttered("pomoć")])
    await app.ctx.agent.tracker_store.save(tracker)


async def _paused(app: Any, sender_id: str) -> bool:
    tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    return bool(tracker.is_paused())


async def test_a_conversation_moves_from_bot_to_queue_to_agent_and_back(
    app: Any, complaint: tuple[str, str], database: str
) -> None:
    ticket, sender = complaint
    await _save_tracker(app, sender)
    assert handoff.holder(sender, database) == "bot"

    assert handoff.record_handoff_request(sender, database) == ticket
    assert handoff.holder(sender, database) == "queue" and handoff.with_person(sender, database)

    await handoff.take_over(app, database, ticket, "ana")
    assert handoff.holder(sender, database) == "agent:ana"
    assert await _paused(app, sender)
    with store.session_scope(database) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        assert (row.status, row.assigned_agent) == ("in_progress", "ana")

    await handoff.send_agent_message(
        app, database, ticket, "ana", "Dobar dan, ovdje Ana. Kako je dijete?"
    )
    event, data, room = app.ctx.complaint_sio.emitted[-1]
    assert (event, room) == ("bot_uttered", sender)
    assert data["text"] == "Dobar dan, ovdje Ana. Kako je dijete?"
    assert data["metadata"] == {"sender": "agent", "agent_name": "Ana Horvat"}

    await handoff.hand_back(app, database, ticket, "ana")
    assert handoff.holder(sender, database) == "bot" and not handoff.with_person(sender, database)
    assert not await _paused(app, sender)


async def test_replies_need_a_claim_and_text(
    app: Any, complaint: tuple[str, str], database: str
) -> None:
    ticket, _ = complaint
    with pytest.raises(ValueError, match="claim"):
        await handoff.send_agent_message(app, database, ticket, "ana", "hello")
    await handoff.take_over(app, database, ticket, "ana")
    with pytest.raises(ValueError, match="empty"):
        await handoff.send_agent_message(app, database, ticket, "ana", " \x00 ")
    with pytest.raises(LookupError):
        await handoff.take_over(app, database, "C-NOSUCH", "ana")
    await handoff.hand_back(app, database, ticket, "ana")
    with pytest.raises(ValueError, match="not held"):
        await handoff.hand_back(app, database, ticket, "ana")


async def test_customer_messages_go_to_the_person_not_the_bot(
    app: Any, complaint: tuple[str, str], database: str
) -> None:
    ticket, sender = complaint
    channel = ComplaintSocketIOInput(settings=get_settings(), session_persistence=False)
    channel.sio = RecordingServer()  # type: ignore[assignment]
    received: list[UserMessage] = []

    async def to_rasa(message: UserMessage) -> None:
        received.append(message)

    await channel.on_user_message(sender, {"message": "ima li koga?"}, to_rasa)
    assert len(received) == 1  # with the bot: Rasa gets it

    await handoff.take_over(app, database, ticket, "ana")
    await channel.on_user_message(sender, {"message": "dijete je bolje, hvala"}, to_rasa)
    assert len(received) == 1  # with Ana: Rasa never sees it, even if its tracker un-pauses
    with store.session_scope(database) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        kept = [e.data for e in store.events_for(session, row) if e.kind == "message_customer"]
    assert kept == [{"text": "dijete je bolje, hvala"}]

    await handoff.hand_back(app, database, ticket, "ana")
    await channel.on_user_message(sender, {"message": "još nešto"}, to_rasa)
    assert [m.text for m in received] == ["ima li koga?", "još nešto"]


def _kinds(database: str, ticket: str) -> list[str]:
    with store.session_scope(database) as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        return [entry.kind for entry in store.events_for(session, row)]


@pytest.mark.parametrize("status", ["resolved", "closed"])
async def test_resolving_or_closing_a_held_conversation_gives_it_back_to_the_bot(
    app: Any, complaint: tuple[str, str], database: str, status: str
) -> None:
    ticket, sender = complaint
    await _save_tracker(app, sender)
    await handoff.take_over(app, database, ticket, "ana")
    assert await _paused(app, sender)

    data = await handoff.settle(app, database, ticket, status, "agent:ana", "Refund sent")
    assert data["status"] == status
    assert handoff.holder(sender, database) == "bot"
    assert not await _paused(app, sender)
    kinds = _kinds(database, ticket)
    changed = kinds.index("status_changed", kinds.index("taken_over"))
    assert kinds[changed + 1] == "handed_back"
    # The complaint is in Croatian: so is the news of the resolution and that the bot is back.
    emitted = app.ctx.complaint_sio.emitted
    assert {(event, room) for event, _, room in emitted} == {("bot_uttered", sender)}
    said = [data for _, data, _ in emitted]
    back = {"text": handoff.bot_is_back("hr", "latin"), "metadata": {"sender": "bot"}}
    assert back in said
    assert back["text"].startswith("Ponovno razgovarate")
    # resolved: the rating question comes last; closed: no rating is asked
    assert said[-2 if status == "resolved" else -1] == back
    assert said[0]["text"].startswith("Sada se dopisujete s osobom")  # Ana took it over
    assert said[1]["text"].startswith(f"Vaš prigovor {ticket} je")


async def test_settling_a_conversation_the_bot_holds_changes_nothing_in_rasa(
    app: Any, complaint: tuple[str, str], database: str
) -> None:
    ticket, sender = complaint
    await _save_tracker(app, sender)
    before = len((await app.ctx.agent.tracker_store.retrieve(sender)).events)
    await handoff.settle(app, database, ticket, "resolved", "agent:ana", "Done")
    assert len((await app.ctx.agent.tracker_store.retrieve(sender)).events) == before
    # The customer is told of the resolution and asked for a rating, nothing about the bot.
    said = [data["text"] for _, data, _ in app.ctx.complaint_sio.emitted]
    assert said == [
        f"Vaš prigovor {ticket} je riješen. Hvala Vam što ste nam ukazali na problem i na "
        "strpljenju.",
        handoff.notices.notice("csat_ask", "hr", "latin"),
    ]
    assert "handed_back" not in _kinds(database, ticket)
    with pytest.raises(store.StoreError):
        await handoff.settle(app, database, ticket, "in_progress_typo", "agent:ana")
    with pytest.raises(LookupError):
        await handoff.settle(app, database, "C-NOSUCH", "closed", "agent:ana")


def test_the_bot_is_back_in_every_language_of_the_domain() -> None:
    texts = {
        handoff.bot_is_back(language, script)
        for language, script in [("en", "latin"), ("hr", "latin"), ("bs", "latin"),
                                 ("sr", "latin"), ("sr", "cyrillic")]
    }  # fmt: skip
    assert len(texts) == 5
    assert handoff.bot_is_back("sr", "cyrillic").startswith("Поново")
    assert handoff.bot_is_back("xx", None) == handoff.bot_is_back(None, None)
    assert handoff.bot_is_back(None, None).startswith("You are talking")


async def test_reassigning_moves_the_hold_or_gives_it_to_the_queue(
    app: Any, complaint: tuple[str, str], database: str
) -> None:
    ticket, sender = complaint
    await handoff.take_over(app, database, ticket, "ana")
    with store.session_scope(database) as session:
        row, ivo = store.get_by_ticket(session, ticket), store.get_agent(session, "ivo")
        assert row is not None and ivo is not None
        said = handoff.move_hold(session, row, ivo, "agent:ana")
        assert row.status == "escalated"
    assert "off duty" in said and "queue" in said
    assert handoff.holder(sender, database) == "queue"

    await handoff.take_over(app, database, ticket, "ana")
    with store.session_scope(database) as session:
        row, ivo = store.get_by_ticket(session, ticket), store.get_agent(session, "ivo")
        assert row is not None and ivo is not None
        store.set_on_duty(session, ivo, True)
        said = handoff.move_hold(session, row, ivo, "agent:ana")
        assert row.status == "in_progress"
    assert "moved from ana" in said
    assert handoff.holder(sender, database) == "agent:ivo"
    with pytest.raises(ValueError, match="claim"):
        await handoff.send_agent_message(app, database, ticket, "ana", "still me?")
    await handoff.send_agent_message(app, database, ticket, "ivo", "Ivo here.")


async def test_pausing_waits_for_rasas_lock_and_loses_nothing(
    app: Any, complaint: tuple[str, str], database: str
) -> None:
    """A message Rasa handles at the same moment (under its lock) keeps its events, and the
    pause is not undone: the tracker is changed under the same lock."""
    ticket, sender = complaint
    await _save_tracker(app, sender)
    agent = app.ctx.agent
    inside, finish = asyncio.Event(), asyncio.Event()

    async def rasa_handles_a_message() -> None:
        async with agent.lock_store.lock(sender):
            tracker = await agent.tracker_store.retrieve(sender)
            inside.set()
            await finish.wait()
            tracker.update(UserUttered("u međuvremenu"))
            await agent.tracker_store.save(tracker)

    message = asyncio.create_task(rasa_handles_a_message())
    await inside.wait()
    claim = asyncio.create_task(handoff.take_over(app, database, ticket, "ana"))
    await asyncio.sleep(1.5)
    assert not claim.done()  # waiting for the lock
    finish.set()
    await asyncio.wait_for(asyncio.gather(message, claim), 10)
    tracker = await agent.tracker_store.retrieve(sender)
    assert tracker.is_paused()
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "pomoć",
        "u međuvremenu",
    ]
