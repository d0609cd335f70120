"""The statutory receipt: where the jurisdiction's law asks the trader to confirm a complaint
with its register number (``register_number: true`` in ``bot/policy/jurisdictions.yml``,
Serbia), the customer is told the number and the law's deadlines for the written answer and the
resolution, once per complaint, together with the ticket. Elsewhere nothing is added: the ticket
message already gives the promised time, which is never later than the law's first-answer
deadline (``bot.policy.clocks``).

The text is ``register_receipt`` in ``bot/handoff/data/notices.yml``.
"""

from __future__ import annotations

from datetime import datetime

from bot import store
from bot.dialogue.deadlines import format_deadline
from bot.handoff.notices import notice
from bot.settings import Settings
from bot.store.tables import Complaint

#: The complaint event that records that the receipt was given.
RECEIPT_EVENT = "register_receipt"


def receipt_text(
    register_number: str,
    answer_due: datetime | None,
    resolution_due: datetime | None,
    language: str,
    script: str,
    timezone: str,
) -> str:
    """The receipt in the customer's language and script, with the deadlines in words."""

    def words(moment: datetime) -> str:
        return format_deadline(moment, language, script, timezone)

    if answer_due is None:
        raise ValueError("a register receipt needs the law's first-answer deadline")
    values = {"register_number": register_number, "answer": words(answer_due)}
    if resolution_due is None:
        return notice("register_receipt_answer", language, script, **values)
    return notice("register_receipt", language, script, **values, resolution=words(resolution_due))


def receipt_once(ticket: str, language: str, script: str, settings: Settings) -> str | None:
    """The receipt for complaint ``ticket`` if it has a register number and the customer has
    not been given it yet (recorded, so a repeated step does not say it twice); else ``None``.
    Most complaints have no register number: found out without SQLite's write lock."""
    with store.read_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        if complaint is None or not complaint.register_number:
            return None
    with store.session_scope(settings.database_url) as session:
        complaint = store.get_by_ticket(session, ticket)
        if complaint is None:
            return None
        return give_receipt(session, complaint, language, script, settings)


def give_receipt(
    session: store.Session, complaint: Complaint, language: str, script: str, settings: Settings
) -> str | None:
    """:func:`receipt_once` in the caller's transaction, for a complaint it holds."""
    if not complaint.register_number:
        return None
    if any(e.kind == RECEIPT_EVENT for e in store.events_for(session, complaint)):
        return None
    text = receipt_text(
        str(complaint.register_number),
        complaint.statutory_answer_due_at,
        complaint.statutory_resolution_due_at,
        language,
        script,
        settings.timezone,
    )
    store.append_event(
        session,
        complaint,
        RECEIPT_EVENT,
        "bot",
        {"register_number": complaint.register_number, "text": text},
    )
    return text
