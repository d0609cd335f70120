"""Commitments in the staff API: agents record what they promised, mark it kept, tell the
customer; the team sees what is due today and overdue; supervisors see what was missed.

One blueprint, :data:`commitment_routes`, mounted by the staff app (:mod:`bot.web.staff`):

=============================================  ============================================
``GET  /api/commitments?scope=team|mine``      overdue, due today, reminders (the board)
``GET  /api/commitments/missed``               flagged missed, not yet kept (admins)
``GET  /api/complaints/<ticket>/commitments``  a complaint's commitments
``POST /api/complaints/<ticket>/commitments``  ``{kind, due_at, owner?, note?}`` -> 201
``POST /api/commitments/<id>/done``            ``{tell_customer?, text?}``: kept; optionally
                                               tell the customer, through the agent-reply path
                                               (widget, e-mail or call task: ``via``)
=============================================  ============================================

Every route answers JSON; bad input is a 4xx that names the field (:func:`bot.web.forms.parse`).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConstrainedStr, StrictBool, StrictStr, validator
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import handoff
from bot.handoff.reminders import told_text
from bot.store import get_by_ticket, read_scope, session_scope
from bot.store.blocking import run_staff_db
from bot.store.commitments import (
    MAX_HORIZON,
    add_commitment,
    board,
    commitment_to_dict,
    complete,
    for_complaint,
    get_commitment,
    mark_told,
    missed,
    normalize_kind,
)
from bot.store.db import StoreError
from bot.store.tables import MAX_COMMITMENT_NOTE_CHARS, USERNAME_LENGTH
from bot.text.clean import MAX_MESSAGE_CHARS, remove_controls
from bot.web.auth import Principal, database_url, json_body, settings_of
from bot.web.console import api
from bot.web.errors import ApiError
from bot.web.forms import parse, query_of

commitment_routes = Blueprint("staff_commitments")

#: ``owner`` value for a commitment the team keeps (no one person).
TEAM = "team"
MAX_DUE_TEXT = 64


class NoteText(ConstrainedStr):
    strict = True
    max_length = MAX_COMMITMENT_NOTE_CHARS


class MessageText(ConstrainedStr):
    strict = True
    max_length = MAX_MESSAGE_CHARS


class DueText(ConstrainedStr):
    strict = True
    max_length = MAX_DUE_TEXT


class OwnerText(ConstrainedStr):
    strict = True
    max_length = USERNAME_LENGTH


class CommitmentRequest(BaseModel):
    """A new commitment: ``due_at`` is ISO 8601 with its offset (``2026-12-07T12:00+01:00``);
    ``owner`` a username or ``team`` (default: whoever records it)."""

    kind: StrictStr
    due_at: DueText
    owner: OwnerText | None = None
    note: NoteText | None = None

    @validator("kind")
    def _kind(cls, value: str) -> str:
        try:
            return normalize_kind(value)
        except StoreError as problem:
            raise ValueError(str(problem)) from None

    @validator("due_at")
    def _due(cls, value: str) -> str:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be a time such as 2026-12-07T12:00:00+01:00") from None
        if moment.tzinfo is None:
            raise ValueError("must carry its time zone offset, e.g. +01:00 or Z")
        return moment.astimezone(timezone.utc).isoformat()

    @validator("owner")
    def _owner(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be a username or 'team'")
        return value.strip().lower() if value is not None else None

    @validator("note")
    def _note(cls, value: str | None) -> str | None:
        return remove_controls(value).strip() or None if value is not None else None


class DoneRequest(BaseModel):
    """The commitment was kept; ``tell_customer`` sends ``text`` (default: the kind's
    message in the customer's language) to the customer as the agent's reply."""

    tell_customer: StrictBool = False
    text: MessageText | None = None

    @validator("text")
    def _text(cls, value: str | None) -> str | None:
        if value is not None and not remove_controls(value).strip():
            raise ValueError("must be a non-empty string")
        return remove_controls(value).strip() if value is not None else None


class BoardQuery(BaseModel):
    scope: str = "team"

    @validator("scope")
    def _scope(cls, value: str) -> str:
        if value not in ("team", "mine"):
            raise ValueError("must be team or mine")
        return value


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(settings_of(request.app).timezone)


# --------------------------------------------------------------------------- the board


def _board(url: str, zone: ZoneInfo, username: str, team: bool) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    with read_scope(url) as session:
        found = board(session, now, zone, owner=username, team=team)
    return {"now": now.isoformat(), **found}


@commitment_routes.route("/api/commitments", methods=["GET"])
@api()
async def commitments_board(request: Request, principal: Principal) -> HTTPResponse:
    query = parse(BoardQuery, query_of(request.args))
    url = database_url(request.app)
    found = await run_staff_db(
        _board, url, _zone(request), principal.username, query.scope == "team"
    )
    return response.json(found, headers={"Cache-Control": "no-store"})


def _missed(url: str) -> list[dict[str, Any]]:
    with read_scope(url) as session:
        return missed(session)


@commitment_routes.route("/api/commitments/missed", methods=["GET"])
@api(roles=("admin",))
async def commitments_missed(request: Request, principal: Principal) -> HTTPResponse:
    return response.json({"missed": await run_staff_db(_missed, database_url(request.app))})


# --------------------------------------------------------------------------- per complaint


def _load(session: Any, ticket: str) -> Any:
    complaint = get_by_ticket(session, ticket)
    if complaint is None:
        raise ApiError(404, "No complaint with that ticket.")
    return complaint


def _list(url: str, ticket: str) -> list[dict[str, Any]]:
    now = datetime.now(timezone.utc)
    with read_scope(url) as session:
        complaint = _load(session, ticket)
        return [commitment_to_dict(row, now) for row in for_complaint(session, complaint)]


@commitment_routes.route("/api/complaints/<ticket:str>/commitments", methods=["GET"])
@api()
async def complaint_commitments(
    request: Request, principal: Principal, ticket: str
) -> HTTPResponse:
    items = await run_staff_db(_list, database_url(request.app), ticket)
    return response.json({"ticket": ticket, "commitments": items})


def _add(url: str, ticket: str, principal: Principal, body: CommitmentRequest) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    due = datetime.fromisoformat(body.due_at)
    if due <= now:
        raise ApiError(422, "Field 'due_at': the due time must be in the future.")
    if due - now > MAX_HORIZON:
        raise ApiError(422, "Field 'due_at': the due time must be within two years.")
    owner = principal.username if body.owner is None else None if body.owner == TEAM else body.owner
    with session_scope(url) as session:
        complaint = _load(session, ticket)
        if complaint.status == "closed":
            raise ApiError(409, "The complaint is closed.")
        try:
            made = add_commitment(
                session,
                complaint,
                kind=body.kind,
                due_at=due,
                owner=owner,
                actor=principal.actor,
                note=body.note,
                now=now,
            )
        except StoreError as problem:
            raise ApiError(422, f"Field 'owner': {problem}.") from None
        return commitment_to_dict(made, now)


@commitment_routes.route("/api/complaints/<ticket:str>/commitments", methods=["POST"])
@api()
async def add(request: Request, principal: Principal, ticket: str) -> HTTPResponse:
    body = parse(CommitmentRequest, json_body(request))
    made = await run_staff_db(_add, database_url(request.app), ticket, principal, body)
    return response.json(made, status=201)


def _complete(url: str, commitment_id: int, actor: str) -> tuple[dict[str, Any], str, str]:
    """Mark it kept; returns it, its ticket and the default text for the customer."""
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        commitment = get_commitment(session, commitment_id)
        if commitment is None:
            raise ApiError(404, "No commitment with that id.")
        if commitment.status == "done":
            raise ApiError(409, "The commitment is done already.")
        complete(session, commitment, actor, now)
        complaint = commitment.complaint
        text = told_text(commitment.kind, complaint.ticket, complaint.language, complaint.script)
        return commitment_to_dict(commitment, now), complaint.ticket, text


def _told(url: str, commitment_id: int, actor: str) -> str | None:
    with session_scope(url) as session:
        commitment = get_commitment(session, commitment_id)
        if commitment is None:
            return None
        mark_told(session, commitment, actor)
        return commitment_to_dict(commitment)["customer_told_at"]


@commitment_routes.route("/api/commitments/<commitment_id:int>/done", methods=["POST"])
@api()
async def done(request: Request, principal: Principal, commitment_id: int) -> HTTPResponse:
    body = parse(DoneRequest, json_body(request))
    url = database_url(request.app)
    kept, ticket, default_text = await run_staff_db(_complete, url, commitment_id, principal.actor)
    told, problem, via = False, None, None
    if body.tell_customer:
        try:
            sent = await handoff.send_agent_message(
                request.app,
                url,
                ticket,
                principal.username,
                body.text or default_text,
                retry_seconds=settings_of(request.app).db_retry_seconds,
            )
        except (ValueError, LookupError, StoreError) as refusal:
            problem = f"Marked done, but the customer was not told: {refusal}."
        else:
            told, via = True, sent.get("via")  # widget, e-mail or a call task
            kept["customer_told_at"] = await run_staff_db(
                _told, url, commitment_id, principal.actor
            )
    return response.json({"commitment": kept, "told": told, "via": via, "problem": problem})


__all__ = ["commitment_routes"]
