"""A customer message is logged once, however often its action runs (action server killed
mid-call, nginx retrying on the other action server, the fallback, an outbox replay)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot import store
from bot.dialogue import service
from bot.dialogue.turn import Turn
from bot.settings import get_settings


def turn(text: str, ticket: str | None = None) -> Turn:
    return Turn(
        sender_id="idem-ana",
        text=text,
        intent="complain_delivery",
        category="delivery",
        ticket=ticket,
    )


def test_the_same_message_creates_one_complaint(database: str) -> None:
    settings = get_settings()
    first = service.register_complaint(turn("my parcel never came"), settings, "idem-ana:m1")
    again = service.register_complaint(turn("my parcel never came"), settings, "idem-ana:m1")
    assert again.ticket == first.ticket
    other = service.register_complaint(turn("and the lamp is broken"), settings, "idem-ana:m2")
    assert other.ticket != first.ticket  # a new message, no open ticket in the turn: new one
    with store.session_scope(database) as session:
        assert len(store.list_complaints(session, sender_id="idem-ana")) == 2


def test_more_of_the_story_is_added_once(database: str) -> None:
    settings = get_settings()
    view = service.register_complaint(turn("my parcel never came"), settings, "idem-ana:m1")
    follow = turn("it was a birthday present", ticket=view.ticket)
    for _ in range(3):
        service.register_complaint(follow, settings, "idem-ana:m2")
    with store.session_scope(database) as session:
        complaint = store.get_by_ticket(session, view.ticket)
        assert complaint is not None
        assert complaint.description.count("birthday present") == 1
        described = [e for e in store.events_for(session, complaint) if e.kind == "described"]
        assert len(described) == 1


def test_twins_racing_create_one_complaint(database: str) -> None:
    settings = get_settings()
    with ThreadPoolExecutor(max_workers=4) as pool:
        views = list(
            pool.map(
                lambda _: service.register_complaint(
                    turn("my parcel never came"), settings, "idem-ana:race"
                ),
                range(4),
            )
        )
    assert len({view.ticket for view in views}) == 1
    with store.session_scope(database) as session:
        assert len(store.list_complaints(session, sender_id="idem-ana")) == 1
