"""An agent whose console stops polling loses their conversations to the queue, after the
configured time and not before (real SQLite database, the real handoff functions)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from bot import handoff, store
from bot.handoff.presence import release_abandoned


def make_held(database: str) -> tuple[str, str]:
    with store.session_scope(database) as session:
        row = store.create_complaint(
            session,
            sender_id="presence-1",
            channel="socketio",
            language="en",
            script="latin",
            category="safety",
            severity=4,
            anger_score=0.0,
            description="The heater smokes",
            escalation_reasons=("safety",),
            deadline_hours=24,
            prefix="C",
        )
        store.create_agent(session, username="ana", password="correct horse", role="agent")
        return row.ticket, row.sender_id


async def test_a_silent_console_gives_the_conversation_back(database: str) -> None:
    ticket, sender = make_held(database)
    await handoff.take_over(SimpleNamespace(ctx=SimpleNamespace()), database, ticket, "ana")
    with store.session_scope(database) as session:
        agent = store.get_agent(session, "ana")
        assert agent is not None
        store.mark_seen(session, agent)  # the console's last poll
    now = datetime.now(timezone.utc)
    assert release_abandoned(database, 60, now + timedelta(seconds=30)) == []
    assert handoff.holder(sender, database) == "agent:ana"
    assert release_abandoned(database, 60, now + timedelta(seconds=61)) == [ticket]
    assert handoff.holder(sender, database) == "queue"
    with store.session_scope(database) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        assert (complaint.status, complaint.assigned_agent) == ("escalated", None)
        kinds = [event.kind for event in store.events_for(session, complaint)]
        assert kinds.count("returned_to_queue") == 1
    # A second sweep (another instance) changes nothing; the next agent can take it.
    assert release_abandoned(database, 60, now + timedelta(seconds=120)) == []
    await handoff.take_over(SimpleNamespace(ctx=SimpleNamespace()), database, ticket, "ana")
    assert handoff.holder(sender, database) == "agent:ana"


async def test_a_reassigned_conversation_follows_the_new_agents_console(database: str) -> None:
    """Reassigning moves the hold, so the sweep watches the new agent's console, not the old."""
    ticket, sender = make_held(database)
    await handoff.take_over(SimpleNamespace(ctx=SimpleNamespace()), database, ticket, "ana")
    with store.session_scope(database) as session:
        store.create_agent(session, username="ivo", password="correct horse", role="agent")
        ana, ivo = store.get_agent(session, "ana"), store.get_agent(session, "ivo")
        complaint = store.get_by_ticket(session, ticket)
        assert ana is not None and ivo is not None and complaint is not None
        store.set_on_duty(session, ivo, True)
        complaint.assigned_agent = "ivo"
        handoff.move_hold(session, complaint, ivo, "agent:ana")
    assert handoff.holder(sender, database) == "agent:ivo"
    now = datetime.now(timezone.utc)
    with store.session_scope(database) as session:
        ana = store.get_agent(session, "ana")
        assert ana is not None
        store.mark_seen(session, ana, now + timedelta(seconds=120))  # Ana's console still polls
    assert release_abandoned(database, 60, now + timedelta(seconds=61)) == [ticket]
    assert handoff.holder(sender, database) == "queue"
