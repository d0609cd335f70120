"""The bot's own promise ("we will answer by ...") is a commitment of the team, made once per
complaint (however often the action runs), due when the customer is told, and kept when a
person first answers."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from bot import handoff, store
from bot.dialogue import service
from bot.dialogue.turn import Turn
from bot.settings import get_settings
from bot.store.commitments import for_complaint


def _turn(text: str) -> Turn:
    return Turn(sender_id="promise-1", text=text, intent="complain_billing", category="billing")


async def test_the_bots_promise_is_a_team_commitment_kept_by_the_first_answer(
    database: str,
) -> None:
    settings = dataclasses.replace(get_settings(), jurisdiction="hr")
    view = service.register_complaint(_turn("charged twice for one order"), settings, "p:m1")
    service.register_complaint(_turn("charged twice for one order"), settings, "p:m1")
    with store.session_scope(database) as session:
        create = store.create_agent
        create(session, username="ana", password="correct horse battery", role="agent")
        complaint = store.get_by_ticket(session, view.ticket)
        assert complaint is not None
        made = for_complaint(session, complaint)
        assert [(c.kind, c.owner, c.created_by, c.status) for c in made] == [
            ("answer", None, "bot", "open")
        ]
        assert made[0].due_at == complaint.due_at  # the time the customer is told
    # An agent takes over and answers: the promise is kept. (An app without Rasa's agent or
    # socket.io: only the database side of the hand-off runs.)
    app = SimpleNamespace(ctx=SimpleNamespace())
    await handoff.take_over(app, database, view.ticket, "ana")
    await handoff.send_agent_message(app, database, view.ticket, "ana", "Hello, Ana here")
    with store.session_scope(database) as session:
        complaint = store.get_by_ticket(session, view.ticket)
        assert complaint is not None
        (answer,) = for_complaint(session, complaint)
        assert answer.status == "done" and answer.done_at == complaint.first_response_at
