"""The agent console's JSON API and sign-in, served by the real Rasa app (``configure_app``
with our socket.io channel) on a real port, against a migrated SQLite database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.run import configure_app
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot import handoff
from bot import settings as bot_settings
from bot.store import (
    append_event,
    create_agent,
    create_complaint,
    events_for,
    get_by_ticket,
    session_scope,
)
from bot.store.tables import Agent, StaffToken
from bot.web.auth import SESSION_COOKIE, hash_token
from bot.web.channel import ComplaintSocketIOInput
from bot.web.staff import StaffApp
from tests.served import serving
from tests.store.test_register import BELGRADE, ZAGREB, new_complaint

PASSWORD = "correct horse battery"
SENDER = "sender-1"


class FakeAgent:
    """What the console needs of Rasa's Agent: its tracker and lock stores."""

    def __init__(self, tracker_store: Any) -> None:
        self.tracker_store = tracker_store
        self.lock_store = InMemoryLockStore()


@dataclass
class Console:
    base: str
    url: str  # database
    app: Sanic

    def client(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def token(self, username: str) -> dict[str, str]:
        async with (
            self.client() as http,
            http.post(
                f"{self.base}/api/tokens", json={"username": username, "password": PASSWORD}
            ) as res,
        ):
            assert res.status == 201, await res.text()
            return {"Authorization": f"Bearer {(await res.json())['token']}"}

    async def sign_in(self, http: aiohttp.ClientSession, username: str) -> str:
        """Sign ``http`` in through the form; returns the session's CSRF token."""
        async with http.get(f"{self.base}/console/login") as res:
            page = await res.text()
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        assert csrf
        form = {"username": username, "password": PASSWORD, "csrf_token": csrf.group(1)}
        async with http.post(f"{self.base}/console/login", data=form, allow_redirects=False) as res:
            assert res.status == 303
            assert res.headers["Location"] == "/console"
        async with http.get(f"{self.base}/api/me") as res:
            assert res.status == 200
            token: str = (await res.json())["csrf_token"]
        return token


def _seed(url: str) -> dict[str, str]:
    now = datetime.now(timezone.utc)
    tickets: dict[str, str] = {}
    with session_scope(url) as session:
        for name, role in (("ana", "agent"), ("boss", "admin"), ("tina", "trainer")):
            create_agent(session, username=name, password=PASSWORD, role=role)
        specs = [
            ("calm", "sender-2", [], 1, 24, "Parcel late, order ORD-111"),
            ("urgent", SENDER, ["safety"], 4, 1, "The heater smoked"),
            ("late", "sender-3", [], 3, 0.5, "Wrong bill"),
        ]
        for key, sender, reasons, severity, hours, text in specs:
            complaint = create_complaint(
                session,
                sender_id=sender,
                channel="socketio",
                language="hr",
                script="latin",
                category="delivery",
                severity=severity,
                anger_score=0.2,
                description=text,
                order_ref="ORD-111" if key == "calm" else None,
                contact="ana@example.com" if key == "calm" else None,
                escalation_reasons=reasons,
                deadline_hours=hours,
                prefix="C",
                now=now - timedelta(hours=1) if key == "late" else now,
            )
            tickets[key] = complaint.ticket
        urgent = session.query(type(complaint)).filter_by(ticket=tickets["urgent"]).one()
        append_event(session, urgent, "message_agent", "agent:ana", {"text": "Hello, Ana here"})
    return tickets


@pytest.fixture()
async def console(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Console, dict[str, str]]]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    bot_settings.get_settings.cache_clear()
    monkeypatch.setattr(Sanic, "test_mode", True)
    tickets = _seed(sqlite_url)
    store = InMemoryTrackerStore(Domain.empty())
    earlier = (datetime.now(timezone.utc) - timedelta(minutes=30)).timestamp()
    tracker = DialogueStateTracker.from_events(
        SENDER,
        [
            UserUttered("grijalica se dimi", timestamp=earlier - 60),
            BotUttered("Hvala što ste nam javili.", timestamp=earlier),
        ],
    )
    await store.save(tracker)

    channel = ComplaintSocketIOInput(
        settings=bot_settings.get_settings(), session_persistence=True, secret_key="k" * 40
    )
    staff = StaffApp(bot_settings.get_settings())
    app = configure_app([channel, staff], enable_api=False, use_uvloop=False)
    app.ctx.console_database_url = sqlite_url
    app.ctx.agent = FakeAgent(store)
    try:
        async with serving(app) as base:
            yield Console(base, sqlite_url, app), tickets
    finally:
        bot_settings.get_settings.cache_clear()


async def _call(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> tuple[int, Any]:
    async with http.request(method, url, headers=headers or {}, **kwargs) as res:
        assert res.content_type == "application/json", await res.text()
        return res.status, await res.json()


# --------------------------------------------------------------------------- sign-in


async def test_sign_in_sets_a_hashed_strict_session_and_sign_out_ends_it(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, _ = console
    async with server.client() as http:
        csrf = await server.sign_in(http, "ana")
        cookie = http.cookie_jar.filter_cookies(server.base)[SESSION_COOKIE]  # type: ignore[arg-type]
        with session_scope(server.url) as session:
            row = session.query(StaffToken).one()
            assert row.token_hash == hash_token(cookie.value) != cookie.value
            assert row.expires_at > datetime.now(timezone.utc)
        async with http.get(f"{server.base}/console") as res:
            assert res.status == 200
            assert "Agent console" in await res.text()
        async with http.get(f"{server.base}/console/i18n.json") as res:
            labels = await res.json(content_type=None)
            assert {"en", "hr"} <= set(labels)
        # signing out needs the CSRF token
        async with http.post(f"{server.base}/console/logout", allow_redirects=False) as res:
            assert res.status == 403
        async with http.post(
            f"{server.base}/console/logout", data={"csrf_token": csrf}, allow_redirects=False
        ) as res:
            assert res.status == 303
        with session_scope(server.url) as session:
            assert session.query(StaffToken).count() == 0
        # the old cookie value is useless now
        status, _ = await _call(
            http, "GET", f"{server.base}/api/me", cookies={SESSION_COOKIE: cookie.value}
        )
        assert status == 401


async def test_session_cookie_flags(console: tuple[Console, dict[str, str]]) -> None:
    server, _ = console
    async with server.client() as http:
        async with http.get(f"{server.base}/console/login") as res:
            csrf = re.search(r'value="([0-9a-f]+)"', await res.text())
        assert csrf
        form = {"username": "ana", "password": PASSWORD, "csrf_token": csrf.group(1)}
        async with http.post(
            f"{server.base}/console/login", data=form, allow_redirects=False
        ) as res:
            header = next(
                v for v in res.headers.getall("Set-Cookie") if v.startswith(SESSION_COOKIE)
            )
        lowered = header.lower()
        assert "httponly" in lowered and "samesite=strict" in lowered
        assert "secure" not in lowered  # plain http here
        async with http.get(f"{server.base}/console/login") as res:
            csrf = re.search(r'value="([0-9a-f]+)"', await res.text())
        assert csrf
        form["csrf_token"] = csrf.group(1)
        async with http.post(
            f"{server.base}/console/login",
            data=form,
            allow_redirects=False,
            headers={"X-Forwarded-Proto": "https"},
        ) as res:
            https_header = next(
                v for v in res.headers.getall("Set-Cookie") if v.startswith(SESSION_COOKIE)
            )
        assert "secure" in https_header.lower()


@pytest.mark.parametrize(
    "username,password", [("ana", "wrong password!"), ("nobody", PASSWORD), ("", "")]
)
async def test_failed_sign_in_gives_one_generic_message(
    console: tuple[Console, dict[str, str]], username: str, password: str
) -> None:
    server, _ = console
    async with server.client() as http:
        async with http.get(f"{server.base}/console/login") as res:
            csrf = re.search(r'value="([0-9a-f]+)"', await res.text())
        assert csrf
        form = {"username": username, "password": password, "csrf_token": csrf.group(1)}
        async with http.post(
            f"{server.base}/console/login", data=form, allow_redirects=False
        ) as res:
            assert res.status == 401
            assert "Sign-in failed. Check your username and password." in await res.text()
        assert SESSION_COOKIE not in {c.key for c in http.cookie_jar}


async def test_sign_in_without_the_form_csrf_token_is_refused(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, _ = console
    async with (
        server.client() as http,
        http.post(
            f"{server.base}/console/login",
            data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"},
            allow_redirects=False,
        ) as res,
    ):
        assert res.status == 403
    with session_scope(server.url) as session:
        assert session.query(StaffToken).count() == 0


async def test_session_calls_that_change_state_need_the_csrf_header(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, tickets = console
    url = f"{server.base}/api/complaints/{tickets['calm']}/note"
    async with server.client() as http:
        csrf = await server.sign_in(http, "ana")
        status, body = await _call(http, "POST", url, json={"text": "hi"})
        assert status == 403 and "CSRF" in body["error"]
        status, _ = await _call(
            http, "POST", url, json={"text": "hi"}, headers={"X-CSRF-Token": "nope"}
        )
        assert status == 403
        status, _ = await _call(
            http, "POST", url, json={"text": "hi"}, headers={"X-CSRF-Token": csrf}
        )
        assert status == 201


# --------------------------------------------------------------------------- tokens


async def test_api_tokens(console: tuple[Console, dict[str, str]]) -> None:
    server, _ = console
    headers = await server.token("ana")
    with session_scope(server.url) as session:
        stored = session.query(StaffToken).one()
        assert stored.kind == "api"
        assert stored.token_hash == hash_token(headers["Authorization"].split()[1])
    async with server.client() as http:
        status, me = await _call(http, "GET", f"{server.base}/api/me", headers)
        assert (status, me["username"], me["role"]) == (200, "ana", "agent")
        status, body = await _call(
            http, "POST", f"{server.base}/api/tokens", json={"username": "ana", "password": "x"}
        )
        assert status == 401 and "Sign-in failed" in body["error"]
        status, _ = await _call(http, "POST", f"{server.base}/api/tokens", json={"username": 1})
        assert status == 422
        status, _ = await _call(http, "POST", f"{server.base}/api/tokens", data=b"{not json")
        assert status == 400
        status, _ = await _call(http, "POST", f"{server.base}/api/tokens", data=b"x" * (70 * 1024))
        assert status == 413
        status, _ = await _call(
            http, "GET", f"{server.base}/api/me", {"Authorization": "Bearer forged"}
        )
        assert status == 401


# --------------------------------------------------------------------------- reading


async def test_complaints_list_matches_the_cli_fields_newest_first(
    console: tuple[Console, dict[str, str]],
) -> None:
    from bot.store import COMPLAINT_KEYS

    server, tickets = console
    headers = await server.token("ana")
    base = f"{server.base}/api/complaints"
    async with server.client() as http:
        status, rows = await _call(http, "GET", base, headers)
        assert status == 200
        assert all(tuple(row) == COMPLAINT_KEYS for row in rows)
        assert [row["ticket"] for row in rows][-1] == tickets["late"]  # created an hour ago
        status, rows = await _call(http, "GET", f"{base}?sender_id={SENDER}", headers)
        assert [row["ticket"] for row in rows] == [tickets["urgent"]]
        status, rows = await _call(http, "GET", f"{base}?status=escalated", headers)
        assert [row["ticket"] for row in rows] == [tickets["urgent"]]
        for q in ("ord-111", "ana@example", tickets["calm"].lower(), "parcel"):
            status, rows = await _call(http, "GET", base, headers, params={"q": q})
            assert [row["ticket"] for row in rows] == [tickets["calm"]], q
        status, rows = await _call(http, "GET", base, headers, params={"q": "100%_"})
        assert rows == []
        status, rows = await _call(http, "GET", f"{base}?limit=1", headers)
        assert len(rows) == 1
        for bad in ("limit=0", "limit=abc", "limit=100000", "status=lost"):
            status, body = await _call(http, "GET", f"{base}?{bad}", headers)
            assert status == 422 and body["error"], bad
        status, _ = await _call(http, "GET", base, headers, params={"q": "x" * 500})
        assert status == 413


async def test_queue_orders_by_urgency_and_marks_deadlines(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, tickets = console
    headers = await server.token("boss")  # admins may use agent routes
    async with server.client() as http:
        status, items = await _call(http, "GET", f"{server.base}/api/queue", headers)
    assert status == 200
    assert [item["ticket"] for item in items] == [
        tickets["late"],  # its SLA ran out unanswered: the clock raises it two steps
        tickets["urgent"],  # escalated (one step); answered, so its clock has stopped
        tickets["calm"],
    ]
    urgency = {item["ticket"]: item["urgency"] for item in items}
    assert urgency == {tickets["urgent"]: "ok", tickets["late"]: "overdue", tickets["calm"]: "ok"}
    states = {item["ticket"]: item["deadline_state"] for item in items}
    assert states == {tickets["urgent"]: "near", tickets["late"]: "breached", tickets["calm"]: "ok"}
    assert all(isinstance(item["minutes_to_deadline"], int) for item in items)


async def test_complaint_detail_merges_the_transcript(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, tickets = console
    headers = await server.token("ana")
    async with server.client() as http:
        status, body = await _call(
            http, "GET", f"{server.base}/api/complaints/{tickets['urgent'].lower()}", headers
        )
        assert status == 200
        assert body["complaint"]["ticket"] == tickets["urgent"]
        assert [event["kind"] for event in body["events"]] == [
            "created",
            "escalated",
            "message_agent",
        ]
        assert [(turn["role"], turn["text"]) for turn in body["transcript"]] == [
            ("customer", "grijalica se dimi"),
            ("bot", "Hvala što ste nam javili."),
            ("agent", "Hello, Ana here"),
        ]
        # no tracker for this sender: an empty transcript, not an error
        status, body = await _call(
            http, "GET", f"{server.base}/api/complaints/{tickets['calm']}", headers
        )
        assert status == 200 and body["transcript"] == []
        for missing in ("C-ZZZZZZ", "not-a-ticket"):
            status, body = await _call(
                http, "GET", f"{server.base}/api/complaints/{missing}", headers
            )
            assert status == 404 and body["error"]


async def test_detail_without_a_tracker_store(console: tuple[Console, dict[str, str]]) -> None:
    server, tickets = console
    server.app.ctx.agent = None
    headers = await server.token("ana")
    async with server.client() as http:
        status, body = await _call(
            http, "GET", f"{server.base}/api/complaints/{tickets['urgent']}", headers
        )
    assert status == 200
    assert body["transcript_problem"]
    assert [turn["role"] for turn in body["transcript"]] == ["agent"]


# --------------------------------------------------------------------------- actions


async def test_note_reassign_resolve_close(console: tuple[Console, dict[str, str]]) -> None:
    server, tickets = console
    headers = await server.token("ana")
    base = f"{server.base}/api/complaints/{tickets['calm']}"
    async with server.client() as http:
        status, _ = await _call(http, "POST", f"{base}/note", headers, json={"text": " call "})
        assert status == 201
        for body, expected in (
            ({}, 422),
            ({"text": "   "}, 422),
            ({"text": 5}, 422),
            ({"text": "x" * 2001}, 413),
        ):
            status, answer = await _call(http, "POST", f"{base}/note", headers, json=body)
            assert status == expected and answer["error"], body
        status, _ = await _call(http, "POST", f"{base}/note", headers, data=b"[1]")
        assert status == 400

        # boss is off duty: the console is warned first, and reassigns only when told to
        status, body = await _call(
            http, "POST", f"{base}/reassign", headers, json={"username": "boss"}
        )
        assert status == 409 and body["off_duty"] is True and "off duty" in body["error"]
        status, body = await _call(
            http,
            "POST",
            f"{base}/reassign",
            headers,
            json={"username": "boss", "even_off_duty": True},
        )
        assert (status, body["assigned_agent"], body["duty"]) == (200, "boss", "off duty")
        for bad in ({"username": "tina"}, {"username": "ghost"}, {}):
            status, _ = await _call(http, "POST", f"{base}/reassign", headers, json=bad)
            assert status == 422, bad

        status, body = await _call(http, "POST", f"{base}/resolve", headers, json={})
        assert status == 422 and "note" in body["error"]
        status, body = await _call(
            http, "POST", f"{base}/resolve", headers, json={"note": "Refund sent"}
        )
        assert (status, body["status"]) == (200, "resolved")
        status, body = await _call(http, "POST", f"{base}/close", headers)
        assert (status, body["status"]) == (200, "closed")
        status, body = await _call(http, "POST", f"{base}/close", headers)
        assert status == 409 and "closed" in body["error"]
        status, _ = await _call(http, "POST", f"{base}/reassign", headers, json={"username": "ana"})
        assert status == 409

        status, detail = await _call(http, "GET", base, headers)
    kinds = [(event["kind"], event["actor"]) for event in detail["events"]]
    assert ("note", "agent:ana") in kinds and ("reassigned", "agent:ana") in kinds
    notes = [e["data"] for e in detail["events"] if e["kind"] == "note"]
    assert notes == [{"text": "call"}]
    changes = [e["data"] for e in detail["events"] if e["kind"] == "status_changed"]
    assert changes[0] == {"from": "open", "to": "resolved", "note": "Refund sent"}


async def test_reassign_and_resolve_of_a_held_conversation(
    console: tuple[Console, dict[str, str]],
) -> None:
    """Reassigning to an off-duty colleague gives the conversation to the queue, with a word to
    the reassigning agent; resolving it hands it back to the bot and resumes Rasa's tracker."""
    server, tickets = console
    headers = await server.token("ana")
    base = f"{server.base}/api/complaints/{tickets['urgent']}"
    tracker_store = server.app.ctx.agent.tracker_store
    async with server.client() as http:
        status, _ = await _call(http, "POST", f"{base}/claim", headers)
        assert status == 200
        assert (await tracker_store.retrieve(SENDER)).is_paused()
        assert handoff.holder(SENDER, server.url) == "agent:ana"

        status, body = await _call(
            http,
            "POST",
            f"{base}/reassign",
            headers,
            json={"username": "boss", "even_off_duty": True},
        )
        assert status == 200 and "off duty" in body["message"] and "queue" in body["message"]
        assert handoff.holder(SENDER, server.url) == "queue"

        status, body = await _call(http, "POST", f"{base}/resolve", headers, json={"note": "Ok"})
        assert (status, body["status"]) == (200, "resolved")
    assert handoff.holder(SENDER, server.url) == "bot"
    assert not (await tracker_store.retrieve(SENDER)).is_paused()


async def test_actions_on_an_unknown_ticket_are_404(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, _ = console
    headers = await server.token("ana")
    async with server.client() as http:
        for action, body in (
            ("note", {"text": "x"}),
            ("reassign", {"username": "boss"}),
            ("resolve", {"note": "x"}),
            ("close", {}),
        ):
            status, answer = await _call(
                http, "POST", f"{server.base}/api/complaints/C-ZZZZZZ/{action}", headers, json=body
            )
            assert status == 404 and answer["error"], action


async def test_reply_validates_before_handing_off(
    console: tuple[Console, dict[str, str]],
) -> None:
    server, tickets = console
    headers = await server.token("ana")
    url = f"{server.base}/api/complaints/{tickets['urgent']}/reply"
    async with server.client() as http:
        for body, expected in (({}, 422), ({"text": ""}, 422), ({"text": "x" * 5001}, 413)):
            status, answer = await _call(http, "POST", url, headers, json=body)
            assert status == expected and answer["error"], body
        status, _ = await _call(http, "POST", url, headers, data=b"{")
        assert status == 400


async def test_duty_toggle_and_presence(console: tuple[Console, dict[str, str]]) -> None:
    server, _ = console
    headers = await server.token("ana")
    async with server.client() as http:
        status, body = await _call(
            http, "POST", f"{server.base}/api/me/duty", headers, json={"on_duty": True}
        )
        assert (status, body["on_duty"]) == (200, True)
        with session_scope(server.url) as session:
            ana = session.query(Agent).filter_by(username="ana").one()
            assert ana.on_duty is True
            seen = ana.last_seen_at
            ana.last_seen_at = seen - timedelta(minutes=10)
        status, _ = await _call(http, "GET", f"{server.base}/api/queue", headers)
        with session_scope(server.url) as session:
            ana = session.query(Agent).filter_by(username="ana").one()
            assert ana.last_seen_at >= seen  # every API call marks the agent seen
        for bad in ({}, {"on_duty": "yes"}, {"on_duty": 1}):
            status, _ = await _call(http, "POST", f"{server.base}/api/me/duty", headers, json=bad)
            assert status == 422, bad


async def test_the_statutory_deadline_is_extended_once_with_consent(
    console: tuple[Console, dict[str, str]],
) -> None:
    """Serbia: one extension of the resolution deadline, only with the consumer's consent,
    recorded on the complaint; Croatia has none; bad input changes nothing."""
    server, _ = console
    received = datetime.now(BELGRADE) - timedelta(days=1)
    with session_scope(server.url) as session:
        serbian = new_complaint(session, "rs", received, BELGRADE, sender_id="rs-1").ticket
        croatian = new_complaint(session, "hr", received, ZAGREB, sender_id="hr-1").ticket
    later = (received + timedelta(days=30)).isoformat()
    agreed = {"new_due_at": later, "consent": True}
    headers = await server.token("ana")
    path = f"{server.base}/api/complaints/{{}}/extension"
    async with server.client() as http:
        for body, expected in (
            ({}, 422),
            ({"new_due_at": later}, 422),
            ({"new_due_at": later, "consent": "yes"}, 422),
            ({"new_due_at": "2026-13-40T99:00", "consent": True}, 422),
            ({"new_due_at": later[:19], "consent": True}, 422),  # no time zone
            ({"new_due_at": later, "consent": False}, 409),
            ({"new_due_at": received.isoformat(), "consent": True}, 409),  # not later
        ):
            status, answer = await _call(http, "POST", path.format(serbian), headers, json=body)
            assert (status, bool(answer["error"])) == (expected, True), (body, answer)
        status, answer = await _call(http, "POST", path.format(serbian), headers, json=agreed)
        assert status == 201, answer
        assert answer["consent"] is True
        assert datetime.fromisoformat(answer["extension_due_at"]) == datetime.fromisoformat(later)
        status, answer = await _call(http, "POST", path.format(serbian), headers, json=agreed)
        assert status == 409 and "already extended 1" in answer["error"]
        status, answer = await _call(
            http,
            "POST",
            path.format(croatian),
            headers,
            json={"new_due_at": later, "consent": True},
        )
        assert status == 409 and "0 time" in answer["error"]
        status, _ = await _call(
            http,
            "POST",
            path.format("C-NOPE00"),
            headers,
            json={"new_due_at": later, "consent": True},
        )
        assert status == 404
    with session_scope(server.url) as session:
        stored = get_by_ticket(session, serbian)
        assert stored is not None and stored.extension_consent is True
        assert [e.kind for e in events_for(session, stored)].count("deadline_extended") == 1
        untouched = get_by_ticket(session, croatian)
        assert untouched is not None and untouched.extended_at is None
