"""The status of a complaint asked from another conversation, through the actions as the
action server runs them: the code goes into the real mail outbox (``mail_outbox``) addressed to
the complaint's e-mail, and only the code typed in the asking conversation tells the status."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from actions.complaint import ActionNoteDetails, ActionRegisterComplaint
from actions.forms import ValidateStatusCodeForm
from actions.status import ActionCheckStatusCode, ActionComplaintStatus
from bot import store
from bot.settings import get_settings
from bot.store.tables import OutgoingMail
from tests.actions.test_complaint_actions import DOMAIN, run, stored, tracker

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture()
def mail_configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A mail server is configured (nothing listens: the mail only has to be queued)."""
    monkeypatch.setenv("SMTP_URL", "smtp://127.0.0.1:9")
    monkeypatch.setenv("MAIL_FROM", "care@example.com")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _owned_complaint() -> tuple[str, str]:
    registered, _ = await run(
        ActionRegisterComplaint(), tracker("The washing machine leaks", "complain_product_quality")
    )
    ticket = registered["complaint_ticket"]
    with store.session_scope(get_settings().database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        assert complaint is not None
        owner = complaint.sender_id
    await run(
        ActionNoteDetails(),
        tracker(
            "mia@example.com",
            "inform",
            entities=[{"entity": "email", "value": "mia@example.com"}],
            sender_id=owner,
            slots={"complaint_ticket": ticket},
        ),
    )
    return ticket, owner


def _queued_codes(url: str) -> list[OutgoingMail]:
    with store.session_scope(url) as session:
        rows = list(session.execute(select(OutgoingMail).order_by(OutgoingMail.id)).scalars())
        for row in rows:
            session.expunge(row)
        return rows


@pytest.mark.usefixtures("mail_configured")
async def test_the_code_is_queued_to_the_stored_address_and_tells_the_status(
    database: str,
) -> None:
    ticket, _ = await _owned_complaint()
    entity = [{"entity": "ticket", "value": ticket}]
    asked, _ = await run(
        ActionComplaintStatus(),
        tracker(f"any news on {ticket}?", "ask_status", entities=entity, sender_id="new-browser"),
    )
    assert asked["status_lookup"] == "verify" and asked["status_ticket"] != ticket
    assert asked["complaint_ticket"] == asked["status_ticket"] and asked["due_text"]
    mails = _queued_codes(database)
    assert [(m.kind, m.recipient) for m in mails] == [("one_time_code", "mia@example.com")]
    assert ticket in mails[0].subject
    code = re.search(r"^(\d{6})$", mails[0].body, re.MULTILINE)
    assert code

    # the form takes digits; anything else is no attempt
    form = ValidateStatusCodeForm()
    typed = tracker(f"the code is {code.group(1)}", "inform", sender_id="new-browser")
    assert await form.validate_status_code(typed.latest_message["text"], None, typed, DOMAIN) == {
        "status_code": f"the code is {code.group(1)}"
    }
    no_code = tracker("I have no code", "deny", sender_id="new-browser")
    assert await form.validate_status_code("I have no code", None, no_code, DOMAIN) == {
        "status_code": "-"
    }

    story = tracker(
        "and the drum makes a horrible noise too",
        "complain_product_quality",
        sender_id="new-browser",
        slots={"complaint_ticket": asked["status_ticket"]},
    )
    assert await form.validate_status_code(story.latest_message["text"], None, story, DOMAIN) == {
        "status_code": "-"
    }
    follow_up = stored(database, asked["status_ticket"])
    assert "horrible noise" in follow_up["description"]

    elsewhere, _ = await run(
        ActionCheckStatusCode(),
        tracker("code", "inform", sender_id="third-browser", slots={"status_code": code.group(1)}),
    )
    assert elsewhere["status_lookup"] == "code_refused" and elsewhere["status_ticket"] is None

    told, _ = await run(
        ActionCheckStatusCode(),
        tracker("code", "inform", sender_id="new-browser", slots={"status_code": code.group(1)}),
    )
    assert (told["status_lookup"], told["status_ticket"], told["status_value"]) == (
        "found",
        ticket,
        "open",
    )
    assert told["status_code"] is None and told["due_text"]


async def test_without_a_mail_server_no_code_is_promised(database: str) -> None:
    ticket, _ = await _owned_complaint()
    asked, _ = await run(
        ActionComplaintStatus(),
        tracker(
            f"any news on {ticket}?",
            "ask_status",
            entities=[{"entity": "ticket", "value": ticket}],
            sender_id="new-browser",
        ),
    )
    assert asked["status_lookup"] == "chase_opened"
    assert _queued_codes(database) == []
