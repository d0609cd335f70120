"""Live handoff: who holds a conversation, taking over, agent replies, handing back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import handoff, store
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
    """(ticket, sender id) of an escalated complaint, with an agent account ``ana``."""
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
        return row.ticket, row.sender_id


@pytest.fixture()
def app() -> Any:
    """A Rasa-server stand-in: the tracker store and the socket.io server handoff uses."""
    tracker_store = InMemoryTrackerStore(Domain.empty())
    return SimpleNamespace(
        ctx=SimpleNamespace(
            agent=SimpleNamespace(tracker_store=tracker_store),
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
    app: Any, complaint: tuple[str, str]
) -> None:
    ticket, sender = complaint
    await _save_tracker(app, sender)
    assert handoff.holder(sender) == "bot"

    assert handoff.record_handoff_request(sender) == ticket
    assert handoff.holder(sender) == "queue" and handoff.with_person(sender)

    await handoff.take_over(app, ticket, "ana")
    assert handoff.holder(sender) == "agent:ana"
    assert await _paused(app, sender)
    with store.session_scope() as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        assert (row.status, row.assigned_agent) == ("in_progress", "ana")

    await handoff.send_agent_message(app, ticket, "ana", "Dobar dan, ovdje Ana. Kako je dijete?")
    event, data, room = app.ctx.complaint_sio.emitted[-1]
    assert (event, room) == ("bot_uttered", sender)
    assert data["text"] == "Dobar dan, ovdje Ana. Kako je dijete?"
    assert data["metadata"] == {"sender": "agent", "agent_name": "Ana Horvat"}

    await handoff.hand_back(app, ticket, "ana")
    assert handoff.holder(sender) == "bot" and not handoff.with_person(sender)
    assert not await _paused(app, sender)


async def test_replies_need_a_claim_and_text(app: Any, complaint: tuple[str, str]) -> None:
    ticket, _ = complaint
    with pytest.raises(ValueError, match="claim"):
        await handoff.send_agent_message(app, ticket, "ana", "hello")
    await handoff.take_over(app, ticket, "ana")
    with pytest.raises(ValueError, match="empty"):
        await handoff.send_agent_message(app, ticket, "ana", " \x00 ")
    with pytest.raises(LookupError):
        await handoff.take_over(app, "C-NOSUCH", "ana")
    await handoff.hand_back(app, ticket, "ana")
    with pytest.raises(ValueError, match="not held"):
        await handoff.hand_back(app, ticket, "ana")


async def test_customer_messages_go_to_the_person_not_the_bot(
    app: Any, complaint: tuple[str, str]
) -> None:
    ticket, sender = complaint
    channel = ComplaintSocketIOInput(session_persistence=False)
    channel.sio = RecordingServer()  # type: ignore[assignment]
    received: list[UserMessage] = []

    async def to_rasa(message: UserMessage) -> None:
        received.append(message)

    await channel.on_user_message(sender, {"message": "ima li koga?"}, to_rasa)
    assert len(received) == 1  # with the bot: Rasa gets it

    await handoff.take_over(app, ticket, "ana")
    await channel.on_user_message(sender, {"message": "dijete je bolje, hvala"}, to_rasa)
    assert len(received) == 1  # with Ana: Rasa never sees it, even if its tracker un-pauses
    with store.session_scope() as session:
        row = store.get_by_ticket(session, ticket)
        assert row is not None
        kept = [e.data for e in store.events_for(session, row) if e.kind == "message_customer"]
    assert kept == [{"text": "dijete je bolje, hvala"}]

    await handoff.hand_back(app, ticket, "ana")
    await channel.on_user_message(sender, {"message": "još nešto"}, to_rasa)
    assert [m.text for m in received] == ["ima li koga?", "još nešto"]
