"""A customer's history for the console: the complaints of the same customer, from every
conversation (recognised by contact or order reference, :mod:`bot.store.customers`).

One blueprint, :data:`customer_routes`, mounted by the staff app (:mod:`bot.web.staff`); the
console's ``history.js`` renders it next to the complaint.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy import select

from bot.store import get_by_ticket, read_scope
from bot.store.blocking import run_staff_db
from bot.store.customers import HISTORY_LIMIT, customer_complaints
from bot.store.tables import Complaint, CustomerKey
from bot.web.auth import Principal, database_url
from bot.web.console import api
from bot.web.errors import ApiError

#: Characters of each other complaint's description shown in the list.
SUMMARY_CHARS = 200

customer_routes = Blueprint("staff_customers")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment else None


def _summary(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _entry(complaint: Complaint, of: Complaint) -> dict[str, Any]:
    return {
        "ticket": complaint.ticket,
        "status": complaint.status,
        "category": complaint.category,
        "channel": complaint.channel,
        "language": complaint.language,
        "escalation_reasons": list(complaint.escalation_reasons or []),
        "created_at": _iso(complaint.created_at),
        "due_at": _iso(complaint.due_at),
        "summary": _summary(complaint.description),
        "same_conversation": complaint.sender_id == of.sender_id,
    }


def history_of(url: str, ticket: str) -> dict[str, Any]:
    """The customer's keys and other complaints, for the complaint ``ticket``."""
    with read_scope(url) as session:
        complaint = get_by_ticket(session, ticket)
        if complaint is None:
            raise ApiError(404, "No complaint with that ticket.")
        keys: list[dict[str, str]] = []
        if complaint.customer_id is not None:
            rows = session.execute(
                select(CustomerKey.kind, CustomerKey.value)
                .where(CustomerKey.customer_id == complaint.customer_id)
                .distinct()
                .order_by(CustomerKey.kind, CustomerKey.value)
            )
            keys = [{"kind": kind, "value": value} for kind, value in rows]
        others = customer_complaints(session, complaint)
        return {
            "ticket": complaint.ticket,
            "recognised": complaint.customer_id is not None,
            "keys": keys,
            "complaints": [_entry(other, complaint) for other in others],
            "limit": HISTORY_LIMIT,
        }


@customer_routes.route("/api/complaints/<ticket:str>/history", methods=["GET"])
@api()
async def complaint_history(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    """The other complaints of the same customer, newest first (at most ``limit``)."""
    return response.json(await run_staff_db(history_of, database_url(request.app), ticket))
