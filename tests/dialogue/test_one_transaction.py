"""A complaint step and an escalation each in one transaction (``service.next_step``,
``service.escalate``), with what the separate calls did before: the answers stored, the
complaint opened when the conversation has none, the agents on duty counted, the receipt
given once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bot import store
from bot.dialogue import service
from bot.dialogue.turn import Turn
from bot.settings import Settings


@contextmanager
def transactions(url: str) -> Iterator[list[str]]:
    """The transactions begun on ``url``'s engine while the block runs (one entry each)."""
    begun: list[str] = []

    def count(*_args: Any) -> None:
        begun.append("begin")

    engine = store.get_engine(url)
    event.listen(engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", count)


def _registered(settings: Settings, sender: str, text: str, category: str) -> Turn:
    turn = Turn(sender_id=sender, text=text, intent=f"complain_{category}", category=category)
    view = service.register_complaint(turn, settings, f"{sender}:1")
    return dataclasses.replace(turn, ticket=view.ticket)


def test_a_next_step_stores_the_answers_in_one_transaction(sqlite_settings: Settings) -> None:
    turn = _registered(sqlite_settings, "one-1", "My parcel never arrived", "delivery")
    answer = dataclasses.replace(
        turn, text="ana@example.com", entities={"email": "ana@example.com"}
    )
    with transactions(sqlite_settings.database_url) as begun:
        decided = service.next_step(
            answer,
            sqlite_settings,
            service.Answers("send it again", "ORD-48213", "ana@example.com"),
        )
    assert len(begun) == 1
    assert decided.step == service.STEP_LOGGED
    assert decided.receipt is None  # no register number outside Serbia
    assert (decided.view.order_ref, decided.view.contact) == ("ORD-48213", "ana@example.com")
    assert decided.view.desired_resolution is not None


def test_a_next_step_without_a_complaint_opens_one_from_the_transcript(
    sqlite_settings: Settings,
) -> None:
    turn = Turn(sender_id="one-2", text="fix it", intent="state_resolution")
    with transactions(sqlite_settings.database_url) as begun:
        decided = service.next_step(
            turn,
            sqlite_settings,
            service.Answers("fix it", "ORD-1"),
            transcript="the heater I bought is broken\nfix it",
            origin_key="one-2:7",
        )
    assert len(begun) == 1
    # opened, not answered: the answers wait for the step after (as ensure_complaint did)
    assert decided.view.order_ref is None and decided.view.desired_resolution is None
    assert decided.step == service.STEP_ASK_CONTACT
    again = service.next_step(turn, sqlite_settings, service.Answers(), origin_key="one-2:7")
    assert again.view.ticket == decided.view.ticket


def test_an_escalated_step_hands_off_to_an_agent_on_duty(sqlite_settings: Settings) -> None:
    url = sqlite_settings.database_url
    turn = _registered(sqlite_settings, "one-3", "The heater caught fire", "safety")
    steps = []
    for on_duty in (False, True):
        if on_duty:
            with store.session_scope(url) as session:
                agent = store.create_agent(
                    session, username="ana", password="correct horse battery", role="agent"
                )
                store.set_on_duty(session, agent, True)
        answers = service.Answers("money back", contact="ana@example.com")
        steps.append(service.next_step(turn, sqlite_settings, answers).step)
    assert steps == [service.STEP_QUEUED, service.STEP_HAND_OFF]


def test_the_receipt_comes_with_the_step_that_gives_the_ticket_once(
    sqlite_settings: Settings,
) -> None:
    settings = dataclasses.replace(sqlite_settings, jurisdiction="rs", timezone="Europe/Belgrade")
    turn = _registered(settings, "one-4", "Paket nije stigao", "delivery")
    asking = service.next_step(turn, settings, service.Answers("pošaljite ponovo"))
    assert asking.step == service.STEP_ASK_ORDER_REF and asking.receipt is None
    answers = service.Answers("pošaljite ponovo", "ORD-5", "ana@example.com")
    logged = service.next_step(turn, settings, answers)
    assert logged.step == service.STEP_LOGGED
    with store.read_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, logged.view.ticket)
        assert complaint is not None and complaint.register_number
        number = str(complaint.register_number)
    assert logged.receipt is not None and number in logged.receipt
    assert service.next_step(turn, settings, answers).receipt is None


def test_an_escalation_opens_and_escalates_in_one_transaction(sqlite_settings: Settings) -> None:
    turn = Turn(sender_id="one-5", text="I want to talk to a person", intent="request_human")
    with transactions(sqlite_settings.database_url) as begun:
        view = service.escalate(
            turn, sqlite_settings, ("human_request",), "my order is late\nperson please", "one-5:2"
        )
    assert len(begun) == 1
    assert view.escalated and view.reasons == ("human_request",)
    again = service.escalate(turn, sqlite_settings, ("human_request",), "", "one-5:2")
    assert again.ticket == view.ticket


def test_a_chase_that_finds_nothing_is_recorded_in_one_transaction(
    sqlite_settings: Settings,
) -> None:
    url = sqlite_settings.database_url
    turn = Turn(
        sender_id="one-6",
        text="any news on ORD-7731?",
        intent="ask_status",
        entities={"order_ref": "ORD-7731"},
    )
    with transactions(url) as begun:
        answer = service.status_for(turn, sqlite_settings, "any news on ORD-7731?", "one-6:1")
    assert len(begun) == 2  # the look-up (read only), then the chase
    assert answer.lookup == "chase_recorded" and answer.ticket is not None
    with store.read_scope(url) as session:
        chased = store.get_by_ticket(session, answer.ticket)
        assert chased is not None
        assert chased.escalated and "repeat" in (chased.escalation_reasons or [])
        assert chased.order_ref == "ORD-7731"
        kinds = [entry.kind for entry in store.events_for(session, chased)]
    assert kinds.count("chase") == 1


def test_a_demanded_wish_is_stored_with_the_complaint_in_one_transaction(
    sqlite_settings: Settings,
) -> None:
    text = "The kettle leaks, I want my money back"
    turn = Turn(sender_id="one-7", text=text, intent="complain_product_quality")
    with transactions(sqlite_settings.database_url) as begun:
        view, wished = service.register_with_wish(
            turn, sqlite_settings, "one-7:1", text, always=True
        )
    assert len(begun) == 1
    assert wished and view.desired_resolution == "refund"
    more = dataclasses.replace(turn, text="or a new one, fine", ticket=view.ticket)
    again, wished_again = service.register_with_wish(
        more, sqlite_settings, "one-7:2", "or a new one, fine"
    )
    # the complaint has a wish already: the story is added, the wish is not asked about
    assert again.ticket == view.ticket
    assert not wished_again and again.desired_resolution == "refund"
