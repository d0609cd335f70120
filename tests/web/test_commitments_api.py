"""The commitments API and the clocks in the queue, on a bare Sanic app with the staff
blueprints and a real SQLite database (``sanic-testing``'s ASGI client)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone
from itertools import count
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sanic import Sanic

from bot.dialogue.deadlines import complaint_clocks
from bot.settings import get_settings
from bot.store import create_agent, create_complaint, events_for, session_scope
from bot.store.commitments import record_bot_promise
from bot.store.tables import Commitment, Complaint, OutgoingMail
from bot.web.staff import staff_blueprint, staff_context
from tests.studio.conftest import copy_project

pytest.importorskip("sanic_testing")

PASSWORD = "correct horse battery"
_names = count()


def _complaint(session: Any, sender: str, received: datetime, jurisdiction: str = "none") -> str:
    settings = dataclasses.replace(get_settings(), jurisdiction=jurisdiction)
    complaint = create_complaint(
        session, sender_id=sender, channel="socketio", language="en", script="latin",
        category="billing", severity=2, anger_score=0.0, description="Charged twice",
        deadline_hours=24, prefix="C", now=received,
        clocks=complaint_clocks(settings, received),
    )  # fmt: skip
    record_bot_promise(session, complaint, received)
    return str(complaint.ticket)


@pytest.fixture()
def staff(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[Sanic, str]]:
    Sanic.test_mode = True
    app = Sanic(f"staff_commitments_{next(_names)}")
    app.ctx.console_database_url = sqlite_url
    app.ctx.studio_project_dir = copy_project(tmp_path / "project")
    staff_context(app, get_settings())
    app.blueprint(staff_blueprint(get_settings()))
    with session_scope(sqlite_url) as session:
        for name, role in (("ana", "agent"), ("ivo", "agent"), ("boss", "admin")):
            create_agent(session, username=name, password=PASSWORD, role=role)
        ticket = _complaint(session, "s-1", datetime.now(timezone.utc) - timedelta(hours=1))
    yield app, ticket


async def _bearer(app: Sanic, username: str) -> dict[str, str]:
    _, res = await app.asgi_client.post(
        "/api/tokens", json={"username": username, "password": PASSWORD}
    )
    assert res.status == 201, res.text
    return {"Authorization": f"Bearer {res.json['token']}"}


def _soon(hours: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).isoformat()


def _later_today() -> str:
    """Half an hour from now, or half-way to midnight where the company is, if that is sooner
    ("today" on the board is the company's day, not the machine's)."""
    now = datetime.now(ZoneInfo(get_settings().timezone))
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), now.tzinfo)
    return (now + min(timedelta(minutes=30), (midnight - now) / 2)).isoformat()


async def test_agent_records_a_commitment_and_the_team_sees_it(
    staff: tuple[Sanic, str], sqlite_url: str
) -> None:
    app, ticket = staff
    ana = await _bearer(app, "ana")
    body = {"kind": "call-back", "due_at": _later_today(), "note": "Call 091 555 0101"}
    _, made = await app.asgi_client.post(
        f"/api/complaints/{ticket.lower()}/commitments", json=body, headers=ana
    )
    assert made.status == 201, made.text
    assert made.json["kind"] == "call_back" and made.json["owner"] == "ana"
    assert made.json["ticket"] == ticket and made.json["status"] == "open"
    _, team = await app.asgi_client.post(
        f"/api/complaints/{ticket}/commitments",
        json={"kind": "refund", "due_at": _soon(26), "owner": "team"},
        headers=ana,
    )
    assert team.status == 201 and team.json["owner"] is None
    _, listed = await app.asgi_client.get(f"/api/complaints/{ticket}/commitments", headers=ana)
    kinds = [(item["kind"], item["created_by"]) for item in listed.json["commitments"]]
    assert kinds == [("call_back", "agent:ana"), ("answer", "bot"), ("refund", "agent:ana")]
    ivo = await _bearer(app, "ivo")
    _, board = await app.asgi_client.get("/api/commitments", headers=ivo)
    assert board.status == 200
    due_today = [item["kind"] for item in board.json["due_today"]]
    assert "call_back" in due_today
    _, mine = await app.asgi_client.get("/api/commitments?scope=mine", headers=ivo)
    assert all(item["owner"] in (None, "ivo") for item in mine.json["due_today"])
    with session_scope(sqlite_url) as session:
        complaint = session.query(Complaint).one()
        made_events = [e for e in events_for(session, complaint) if e.kind == "commitment_made"]
        assert [e.data["kind"] for e in made_events] == ["answer", "call_back", "refund"]


async def test_done_and_the_customer_told_through_the_agent_reply_path(
    staff: tuple[Sanic, str], sqlite_url: str
) -> None:
    app, ticket = staff
    ana = await _bearer(app, "ana")
    _, made = await app.asgi_client.post(
        f"/api/complaints/{ticket}/commitments",
        json={"kind": "refund", "due_at": _soon(2)},
        headers=ana,
    )
    cid = made.json["id"]
    # Not holding the conversation: marked done, but the customer cannot be told.
    _, done = await app.asgi_client.post(
        f"/api/commitments/{cid}/done", json={"tell_customer": True}, headers=ana
    )
    assert done.status == 200 and done.json["commitment"]["status"] == "done"
    assert done.json["told"] is False and "claim" in done.json["problem"]
    assert done.json["commitment"]["kept_on_time"] is True
    _, twice = await app.asgi_client.post(f"/api/commitments/{cid}/done", json={}, headers=ana)
    assert twice.status == 409
    # Holding it: the reply goes out as the agent's message, and the bot's answer is settled.
    _, claimed = await app.asgi_client.post(f"/api/complaints/{ticket}/claim", headers=ana)
    assert claimed.status == 200, claimed.text
    _, visit = await app.asgi_client.post(
        f"/api/complaints/{ticket}/commitments",
        json={"kind": "visit", "due_at": _soon(3)},
        headers=ana,
    )
    with session_scope(sqlite_url) as session:  # the customer left an e-mail address
        session.query(Complaint).one().contact = "kupac@example.com"
    _, told = await app.asgi_client.post(
        f"/api/commitments/{visit.json['id']}/done", json={"tell_customer": True}, headers=ana
    )
    assert told.json["told"] is True and told.json["commitment"]["customer_told_at"]
    # The customer is not connected: the agent-reply path sends it by e-mail.
    assert told.json["via"] == "email"
    with session_scope(sqlite_url) as session:
        (mail,) = session.query(OutgoingMail).all()
        assert mail.recipient == "kupac@example.com" and ticket in mail.subject
        assert "The visit we promised" in mail.body
    with session_scope(sqlite_url) as session:
        complaint = session.query(Complaint).one()
        replies = [e.data["text"] for e in events_for(session, complaint)
                   if e.kind == "message_agent"]  # fmt: skip
        assert replies == [
            f"Thank you for your patience. The visit we promised for your complaint {ticket} "
            "has taken place."
        ]
        answer = session.query(Commitment).filter_by(kind="answer").one()
        assert answer.status == "done" and answer.done_at == complaint.first_response_at


async def test_missed_commitments_are_for_admins(staff: tuple[Sanic, str], sqlite_url: str) -> None:
    app, ticket = staff
    with session_scope(sqlite_url) as session:
        commitment = session.query(Commitment).one()
        commitment.status, commitment.missed_at = "missed", datetime.now(timezone.utc)
    ana, boss = await _bearer(app, "ana"), await _bearer(app, "boss")
    _, refused = await app.asgi_client.get("/api/commitments/missed", headers=ana)
    assert refused.status == 403
    _, listed = await app.asgi_client.get("/api/commitments/missed", headers=boss)
    assert [(item["ticket"], item["kind"]) for item in listed.json["missed"]] == [
        (ticket, "answer")
    ]


BAD_BODIES: list[tuple[Any, int, str]] = [
    ({}, 422, "kind"),
    ({"kind": "bribe", "due_at": "2030-01-01T00:00:00Z"}, 422, "kind"),
    ({"kind": 5, "due_at": "2030-01-01T00:00:00Z"}, 422, "kind"),
    ({"kind": "refund"}, 422, "due_at"),
    ({"kind": "refund", "due_at": "tomorrow"}, 422, "due_at"),
    ({"kind": "refund", "due_at": "2030-01-01T10:00:00"}, 422, "offset"),
    ({"kind": "refund", "due_at": "2020-01-01T10:00:00Z"}, 422, "future"),
    ({"kind": "refund", "due_at": "2099-01-01T10:00:00Z"}, 422, "two years"),
    ({"kind": "refund", "due_at": "9" * 500}, 413, "due_at"),
    ({"kind": "refund", "due_at": _soon(1), "owner": "ghost"}, 422, "owner"),
    ({"kind": "refund", "due_at": _soon(1), "owner": " "}, 422, "owner"),
    ({"kind": "refund", "due_at": _soon(1), "note": "x" * 5000}, 413, "note"),
    ({"kind": "refund", "due_at": _soon(1), "note": ["a"]}, 422, "note"),
]


@pytest.mark.parametrize(("body", "status", "names"), BAD_BODIES)
async def test_bad_commitments_are_refused_and_nothing_is_stored(
    staff: tuple[Sanic, str], sqlite_url: str, body: Any, status: int, names: str
) -> None:
    app, ticket = staff
    ana = await _bearer(app, "ana")
    _, res = await app.asgi_client.post(
        f"/api/complaints/{ticket}/commitments", json=body, headers=ana
    )
    assert res.status == status, res.text
    assert names in res.json["error"] if "error" in res.json else names in res.text
    with session_scope(sqlite_url) as session:
        assert session.query(Commitment).count() == 1  # the bot's own only


async def test_other_bad_requests(staff: tuple[Sanic, str]) -> None:
    app, ticket = staff
    ana = await _bearer(app, "ana")
    client = app.asgi_client
    cases = [
        (client.post, "/api/complaints/C-ZZZZZZ/commitments",
         {"json": {"kind": "refund", "due_at": _soon(1)}}, 404),
        (client.get, "/api/complaints/C-ZZZZZZ/commitments", {}, 404),
        (client.post, f"/api/complaints/{ticket}/commitments", {"data": b"\xff\xfe"}, 400),
        (client.post, f"/api/complaints/{ticket}/commitments", {"data": b"[1, 2]"}, 400),
        (client.post, "/api/commitments/999999/done", {"json": {}}, 404),
        (client.post, "/api/commitments/abc/done", {"json": {}}, 404),
        (client.post, f"/api/commitments/{'9' * 40}/done", {"json": {}}, 404),
        (client.post, f"/api/commitments/{2**31}/done", {"json": {}}, 404),
        (client.post, "/api/commitments/1/done", {"json": {"tell_customer": "yes"}}, 422),
        (client.post, "/api/commitments/1/done", {"json": {"text": "   "}}, 422),
        (client.get, "/api/commitments?scope=everyone", {}, 422),
    ]  # fmt: skip
    for call, path, extra, status in cases:
        _, res = await call(path, headers=ana, **extra)
        assert res.status == status, (path, extra, res.text)
    _, signed_out = await client.get("/api/commitments")
    assert signed_out.status == 401


# --- the clocks of each jurisdiction, in the queue and the complaint JSON ---------------------

RECEIVED = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # Tuesday 11:00 in Zagreb
CLOCKS = {
    "none": [("sla", "2026-12-02T10:00:00+00:00", False)],
    "hr": [
        ("first_answer", "2026-12-16T22:59:59+00:00", True),  # 15 calendar days, end of day
        ("sla", "2026-12-04T10:00:00+00:00", False),  # 24 business hours: Fri 11:00
    ],
    "rs": [
        ("first_answer", "2026-12-09T22:59:59+00:00", True),
        ("resolution", "2026-12-16T22:59:59+00:00", True),
        ("sla", "2026-12-04T10:00:00+00:00", False),
    ],
    "ba": [
        ("first_answer", "2026-12-09T22:59:59+00:00", True),
        ("sla", "2026-12-04T10:00:00+00:00", False),
    ],
}


@pytest.mark.parametrize("jurisdiction", sorted(CLOCKS))
async def test_each_complaint_shows_its_clocks(
    staff: tuple[Sanic, str], sqlite_url: str, jurisdiction: str
) -> None:
    app, _ = staff
    with session_scope(sqlite_url) as session:
        ticket = _complaint(session, "s-j", RECEIVED, jurisdiction)
    ana = await _bearer(app, "ana")
    _, queue = await app.asgi_client.get("/api/queue", headers=ana)
    item = next(entry for entry in queue.json if entry["ticket"] == ticket)
    got = [(c["kind"], c["due_at"], c["statutory"]) for c in item["clocks"]]
    assert got == CLOCKS[jurisdiction]
    now = datetime.now(timezone.utc)
    for clock in item["clocks"]:  # none stopped: overdue once past, else ok or soon
        past = datetime.fromisoformat(clock["due_at"]) < now
        assert clock["state"] == "overdue" if past else clock["state"] in ("ok", "soon")
        assert clock["stopped_at"] is None
    assert item["urgency"] == "overdue"  # the SLA, at least, is long past
    _, detail = await app.asgi_client.get(f"/api/complaints/{ticket}", headers=ana)
    assert detail.json["complaint"]["clocks"] == item["clocks"]


async def test_a_clock_about_to_expire_moves_the_complaint_up_the_queue(
    staff: tuple[Sanic, str], sqlite_url: str
) -> None:
    app, fresh = staff  # received an hour ago, SLA 24 h: ok; severity 2
    now = datetime.now(timezone.utc)
    with session_scope(sqlite_url) as session:
        soon = _complaint(session, "s-soon", now - timedelta(hours=23))  # 1 h left: soon
        severe = create_complaint(
            session, sender_id="s-severe", channel="socketio", language="en", script="latin",
            category="billing", severity=4, anger_score=0.0, description="Charged thrice",
            deadline_hours=24, prefix="C", now=now,
        ).ticket  # fmt: skip
    ana = await _bearer(app, "ana")
    _, queue = await app.asgi_client.get("/api/queue", headers=ana)
    order = [(item["ticket"], item["urgency"]) for item in queue.json]
    # Without the clock, severity 4 would come first.
    assert order == [(soon, "soon"), (severe, "ok"), (fresh, "ok")]
