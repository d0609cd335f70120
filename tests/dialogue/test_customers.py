"""A customer recognised across conversations: ``repeat`` escalation and the status told only
after a one-time code, through bot.dialogue.service on SQLite and PostgreSQL.

The code mail goes through the injected sender seam; here it collects the mails it is given,
in the code's own transaction, like the mail queue does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot import store
from bot.dialogue import service
from bot.dialogue.customers import MAX_CODES_PER_HOUR, CodeMail
from bot.dialogue.turn import Turn
from bot.settings import Settings, load_settings
from bot.store.tables import Complaint, ContactVerification
from tests.conftest import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    base = load_settings({"BOT_SECRET_KEY": "k" * 40}, tmp_path / "none.yml")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'customers.db'}"
        store.migrate(url)
        yield replace(base, database_url=url)
        store.dispose_engines()
        return
    with postgres_database("cb_customers_dialogue") as url:
        store.migrate(url)
        yield replace(base, database_url=url)


class Outbox:
    """The sender seam: keeps what it was asked to send."""

    def __init__(self) -> None:
        self.mails: list[CodeMail] = []

    def __call__(self, session: store.Session, mail: CodeMail) -> None:
        assert session.is_active  # queued inside the code's transaction
        self.mails.append(mail)

    def code(self) -> str:
        found = re.search(r"^\s*(\d{6})\s*$", self.mails[-1].body, re.MULTILINE)
        assert found, self.mails[-1].body
        return found.group(1)


def turn(sender: str, text: str, intent: str, **fields: Any) -> Turn:
    category = intent.removeprefix("complain_") if intent.startswith("complain_") else None
    return Turn(sender_id=sender, text=text, intent=intent, category=category, **fields)


def complain(settings: Settings, sender: str, text: str, category: str, **fields: Any) -> str:
    """A complaint as the script makes it: registered, then the contact and order given."""
    contact = fields.pop("contact", None)
    order_ref = fields.pop("order_ref", None)
    view = service.register_complaint(
        turn(sender, text, f"complain_{category}", **fields), settings
    )
    answer = service.record_answers(
        turn(sender, contact or order_ref or "-", "inform", ticket=view.ticket, **fields),
        settings,
        contact=contact,
        order_ref=order_ref,
    )
    assert answer is not None
    return view.ticket


def reasons(settings: Settings, ticket: str) -> list[str]:
    with store.read_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        return list(complaint.escalation_reasons)


# --- repeat across conversations --------------------------------------------------------


def test_the_same_email_and_matter_from_another_browser_is_a_repeat(settings: Settings) -> None:
    first = complain(
        settings, "laptop", "My parcel never arrived", "delivery", contact="ana@example.com"
    )
    assert reasons(settings, first) == []
    again = complain(
        settings,
        "phone-browser",
        "Still no parcel, nobody tells me anything",
        "delivery",
        contact="ANA@Example.com ",
    )
    assert "repeat" in reasons(settings, again)
    # another matter of the same customer is not a repeat
    other = complain(
        settings, "tablet", "The invoice shows a wrong amount", "billing", contact="ana@example.com"
    )
    assert "repeat" not in reasons(settings, other)


def test_a_phone_written_differently_is_the_same_customer(settings: Settings) -> None:
    complain(settings, "a", "The technician never came", "service_quality", contact="091 234 5678")
    again = complain(
        settings,
        "b",
        "The technician did not come again",
        "service_quality",
        contact="+385 91 234 5678",
    )
    assert "repeat" in reasons(settings, again)


def test_the_order_number_in_the_first_message_is_enough(settings: Settings) -> None:
    complain(
        settings, "one", "Order ORD-48213 arrived broken", "product_quality", order_ref="ORD-48213"
    )
    view = service.register_complaint(
        turn(
            "two",
            "ord-48213 is broken, the blender does not start",
            "complain_product_quality",
            entities={"order_ref": "ord-48213"},
        ),
        settings,
    )
    assert "repeat" in view.reasons


def test_a_matter_settled_long_ago_is_not_a_repeat(settings: Settings) -> None:
    old = complain(settings, "2024", "The parcel is lost", "delivery", contact="old@example.com")
    long_ago = datetime.now(timezone.utc) - timedelta(
        days=settings.escalation.repeat_window_days + 5
    )
    with store.session_scope(settings.database_url) as session:
        session.execute(
            update(Complaint)
            .where(Complaint.ticket == old)
            .values(status="closed", created_at=long_ago)
        )
    again = complain(settings, "2026", "My parcel is lost", "delivery", contact="old@example.com")
    assert "repeat" not in reasons(settings, again)


def test_a_stranger_is_no_repeat(settings: Settings) -> None:
    complain(settings, "s1", "Parcel lost", "delivery", contact="one@example.com")
    fresh = complain(settings, "s2", "Parcel lost", "delivery", contact="two@example.com")
    assert "repeat" not in reasons(settings, fresh)


# --- the status, only to whom it belongs ------------------------------------------------


def ask(settings: Settings, sender: str, outbox: Outbox | None, **entities: str) -> Any:
    text = "any news about " + " ".join(entities.values())
    return service.status_for(
        turn(sender, text, "ask_status", entities=entities), settings, text, send_code=outbox
    )


def code(settings: Settings, sender: str, typed: str) -> service.StatusAnswer:
    return service.check_code_for(turn(sender, typed, "inform"), settings, typed)


def owned(settings: Settings) -> str:
    return complain(
        settings,
        "owner",
        "My fridge stopped cooling",
        "product_quality",
        contact="owner@example.com",
        order_ref="ORD-777",
        language="hr",
    )


def test_a_ticket_alone_reveals_nothing_and_the_code_goes_to_the_stored_address(
    settings: Settings,
) -> None:
    ticket = owned(settings)
    outbox = Outbox()
    answer = ask(settings, "stranger", outbox, ticket=ticket)
    assert answer.lookup == "verify" and answer.ticket != ticket
    assert answer.status == "open"  # the chase's own status, a complaint of the asker
    assert [mail.to for mail in outbox.mails] == ["owner@example.com"]
    mail = outbox.mails[0]
    assert ticket in mail.subject and mail.language == "hr" and "prigovor" in mail.body
    # the same words when the ticket does not exist, and no mail
    nothing = ask(settings, "stranger-2", outbox, ticket="C-ZZZZZZ")
    assert nothing.lookup == "verify" and len(outbox.mails) == 1
    # a code typed without one sent is refused
    assert code(settings, "stranger-2", "123456").lookup == "code_refused"


def test_the_right_code_tells_the_status(settings: Settings) -> None:
    ticket = owned(settings)
    outbox = Outbox()
    ask(settings, "returning", outbox, order_ref="ord-777")
    told = code(settings, "returning", outbox.code())
    assert (told.lookup, told.ticket, told.status) == ("found", ticket, "open")
    with store.read_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        kinds = [entry.kind for entry in store.events_for(session, complaint)]
    assert "code_sent" in kinds and "contact_verified" in kinds


def test_an_email_as_the_reference_works_too(settings: Settings) -> None:
    ticket = owned(settings)
    outbox = Outbox()
    ask(settings, "by-mail", outbox, email="Owner@Example.com")
    assert code(settings, "by-mail", outbox.code()).ticket == ticket


def test_wrong_codes_then_too_many(settings: Settings) -> None:
    ticket = owned(settings)
    outbox = Outbox()
    ask(settings, "guesser", outbox, ticket=ticket)
    right = outbox.code()
    wrong = "000000" if right != "000000" else "999999"
    answers = [code(settings, "guesser", wrong) for _ in range(settings.verification_max_attempts)]
    assert [a.lookup for a in answers[:-1]] == ["code_wrong"] * (len(answers) - 1)
    assert answers[-1].lookup == "code_refused"
    assert all(a.ticket != ticket for a in answers)
    refused = code(settings, "guesser", right)
    assert refused.lookup == "code_refused" and refused.ticket != ticket


def test_an_expired_code_is_refused(settings: Settings) -> None:
    ticket = owned(settings)
    outbox = Outbox()
    ask(settings, "slow", outbox, ticket=ticket)
    with store.session_scope(settings.database_url) as session:
        session.execute(
            update(ContactVerification).values(
                expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)
            )
        )
    answer = code(settings, "slow", outbox.code())
    assert answer.lookup == "code_refused" and answer.ticket != ticket


def test_a_code_of_one_conversation_does_not_work_in_another(settings: Settings) -> None:
    owned(settings)
    outbox = Outbox()
    ask(settings, "asker", outbox, order_ref="ORD-777")
    assert code(settings, "eavesdropper", outbox.code()).lookup == "code_refused"


def test_codes_for_one_complaint_are_capped(settings: Settings) -> None:
    ticket = owned(settings)
    outbox = Outbox()
    for n in range(MAX_CODES_PER_HOUR + 2):
        assert ask(settings, f"flood-{n}", outbox, ticket=ticket).lookup == "verify"
    assert len(outbox.mails) == MAX_CODES_PER_HOUR


def test_typing_no_code_is_skipped(settings: Settings) -> None:
    owned(settings)
    assert code(settings, "someone", "-").lookup == "code_skipped"


def test_the_own_conversation_needs_no_code_and_without_a_sender_nothing_is_offered(
    settings: Settings,
) -> None:
    ticket = owned(settings)
    mine = ask(settings, "owner", Outbox(), ticket=ticket)
    assert (mine.lookup, mine.ticket) == ("found", ticket)
    no_mail = ask(settings, "elsewhere", None, ticket=ticket)
    assert no_mail.lookup == "chase_recorded" and no_mail.ticket != ticket
    with store.read_scope(settings.database_url) as session:
        sent = session.execute(select(ContactVerification.id)).all()
    assert sent == []
