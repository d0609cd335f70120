"""Replies that reach the customer (issue 14, part 2), against the real Rasa app on a real port,
a migrated SQLite database, a real SMTP server (``aiosmtpd``, started here) and a real
socket.io client for the widget.

The mail sender is driven by the test (``Mailer.send_due`` with a clock the test moves), so
"the server is down, then up" needs no sleeping.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Any

import aiohttp
import pytest
import socketio
from aiosmtpd.controller import Controller
from rasa.core.run import configure_app
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot import settings as bot_settings
from bot.handoff import notices
from bot.ops.mailer import Mailer, SmtpServer
from bot.store import create_agent, create_complaint, events_for, get_by_ticket, session_scope
from bot.store import csat as ratings
from bot.store.tables import OutgoingMail
from bot.web.channel import ComplaintSocketIOInput
from bot.web.staff import StaffApp
from tests.served import free_port, serving
from tests.web.test_console_api import FakeAgent

PASSWORD = "correct horse battery"
SECRET = "s" * 40
CONTACT = "ana.kupac@example.com"


class Collector:
    """aiosmtpd handler: keeps every accepted mail; refuses recipients in ``refuse``."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.mails.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


@dataclass
class Stack:
    base: str
    url: str
    app: Sanic
    smtp_port: int
    collector: Collector
    controller: Controller | None = None
    #: How far the mailer's clock is ahead of the real one (the test moves it).
    ahead: list[timedelta] = field(default_factory=lambda: [timedelta(0)])

    def smtp_up(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.smtp_port)
        self.controller.start()

    def mailer(self) -> Mailer:
        return Mailer(
            self.url,
            SmtpServer.from_url(f"smtp://127.0.0.1:{self.smtp_port}"),
            "Customer care <care@shop.example>",
            max_attempts=5,
            first_retry_seconds=30,
            clock=lambda: datetime.now(timezone.utc) + self.ahead[0],
        )

    async def headers(self, username: str = "ana") -> dict[str, str]:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{self.base}/api/tokens", json={"username": username, "password": PASSWORD}
            ) as res,
        ):
            assert res.status == 201, await res.text()
            return {"Authorization": f"Bearer {(await res.json())['token']}"}

    async def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, f"{self.base}{path}", headers=headers or {}, **kwargs) as res,
        ):
            return res.status, await res.json(content_type=None)


def complaint_for(
    url: str, sender: str, contact: str | None, language: str = "hr", script: str = "latin"
) -> str:
    with session_scope(url) as session:
        complaint = create_complaint(
            session,
            sender_id=sender,
            channel="socketio",
            language=language,
            script=script,
            category="delivery",
            severity=2,
            anger_score=0.1,
            description="Hladnjak je stigao oštećen",
            contact=contact,
            deadline_hours=24,
            prefix="C",
        )
        return str(complaint.ticket)


@pytest.fixture()
def smtp_port() -> int:
    return free_port()


@pytest.fixture()
async def stack(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, smtp_port: int
) -> AsyncIterator[Stack]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
    monkeypatch.setenv("MAIL_FROM", "Customer care <care@shop.example>")
    monkeypatch.setenv("MAIL_REPLY_TO", "replies@shop.example")
    monkeypatch.setenv("MAIL_INBOUND_SECRET", SECRET)
    bot_settings.get_settings.cache_clear()
    monkeypatch.setattr(Sanic, "test_mode", True)
    with session_scope(sqlite_url) as session:
        create_agent(
            session, username="ana", password=PASSWORD, role="agent", display_name="Ana Agentić"
        )
    store = InMemoryTrackerStore(Domain.empty())
    settings = bot_settings.get_settings()
    channel = ComplaintSocketIOInput(settings=settings, session_persistence=True)
    app = configure_app([channel, StaffApp(settings)], enable_api=False, use_uvloop=False)
    app.ctx.agent = FakeAgent(store)
    try:
        async with serving(app) as base:
            result = Stack(base, sqlite_url, app, smtp_port, Collector())
            try:
                yield result
            finally:
                if result.controller is not None:
                    result.controller.stop()
    finally:
        bot_settings.get_settings.cache_clear()


async def _tracker(stack: Stack, sender: str) -> None:
    tracker = DialogueStateTracker.from_events(
        sender, [UserUttered("hladnjak je oštećen"), BotUttered("Hvala što ste nam javili.")]
    )
    await stack.app.ctx.agent.tracker_store.save(tracker)


async def _reply(stack: Stack, ticket: str, text: str) -> dict[str, Any]:
    headers = await stack.headers()
    status, body = await stack.call("POST", f"/api/complaints/{ticket}/claim", headers)
    assert status == 200, body
    status, body = await stack.call(
        "POST", f"/api/complaints/{ticket}/reply", headers, json={"text": text}
    )
    assert status == 200, body
    return dict(body)


async def _detail(stack: Stack, ticket: str) -> dict[str, Any]:
    status, body = await stack.call("GET", f"/api/complaints/{ticket}", await stack.headers())
    assert status == 200, body
    return dict(body)


def _agent_turns(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return [turn for turn in detail["transcript"] if turn["role"] == "agent"]


# --------------------------------------------------------------------------- e-mail out


async def test_reply_to_a_departed_customer_arrives_by_mail_in_their_language(
    stack: Stack,
) -> None:
    stack.smtp_up()
    ticket = complaint_for(stack.url, "gone-1", CONTACT)
    await _tracker(stack, "gone-1")
    words = "Povrat novca odobren, sredstva stižu do petka.\r\nBcc: evil@attacker.example"
    sent = await _reply(stack, ticket, words)
    assert sent["via"] == "email"
    detail = await _detail(stack, ticket)
    assert detail["customer_online"] is False
    assert _agent_turns(detail)[0]["delivery"]["state"] == "pending"

    assert await stack.mailer().send_due() == {"sent": 1, "retry": 0, "failed": 0}
    [(recipients, message)] = stack.collector.mails
    assert recipients == [CONTACT]
    assert message["To"] == CONTACT
    assert ticket in message["Subject"] and "reklamaciju" in message["Subject"]
    assert message["Content-Language"] == "hr"
    assert message["Reply-To"] == "replies@shop.example"
    assert "care@shop.example" in message["From"]
    assert message["Bcc"] is None  # the agent's words stay in the body
    body = message.get_content()
    assert "Povrat novca odobren, sredstva stižu do petka." in body
    assert "Ana Agentić" in body and "hvala" in body.lower()

    detail = await _detail(stack, ticket)
    assert _agent_turns(detail)[0]["delivery"]["state"] == "email"
    assert "mail_sent" in [event["kind"] for event in detail["events"]]
    # The reply is kept in the conversation (Rasa's tracker) for the customer's return...
    tracker = await stack.app.ctx.agent.tracker_store.retrieve("gone-1")
    kept = [e for e in tracker.events if isinstance(e, BotUttered) and e.text.startswith("Povrat")]
    assert kept and kept[0].metadata["sender"] == "agent"
    # ...and shown once in the console's transcript (from its event, with the delivery).
    assert [t["text"] for t in detail["transcript"]].count(kept[0].text) == 1


@pytest.mark.parametrize(
    ("language", "script", "subject_word", "body_word"),
    [
        ("en", "latin", "An answer to your complaint", "thank you"),
        ("hr", "latin", "Odgovor na Vašu reklamaciju", "hvala"),
        ("bs", "latin", "Odgovor na Vašu reklamaciju", "uraditi"),
        ("sr", "latin", "Odgovor na Vašu reklamaciju", "da uradimo"),
        ("sr", "cyrillic", "Одговор на Вашу рекламацију", "хвала"),
    ],
)
async def test_the_mail_is_in_the_customers_language_and_script(
    stack: Stack, language: str, script: str, subject_word: str, body_word: str
) -> None:
    stack.smtp_up()
    ticket = complaint_for(stack.url, f"lang-{language}-{script}", CONTACT, language, script)
    await _reply(stack, ticket, "Odgovor agenta.")
    await stack.mailer().send_due()
    [(_, message)] = stack.collector.mails
    assert message["Subject"] == f"[{ticket}] {subject_word}"
    assert body_word in message.get_content()


async def test_a_departed_customer_is_told_the_resolution_by_mail_and_can_rate_it(
    stack: Stack,
) -> None:
    """Resolved with an outcome while the customer is away: the notices the widget would have
    shown, by e-mail in their language, with a signed link that rates the complaint."""
    stack.smtp_up()
    ticket = complaint_for(stack.url, "gone-resolved", CONTACT)
    await _reply(stack, ticket, "Šaljemo novi hladnjak u ponedjeljak.")
    status, body = await stack.call(
        "POST", f"/api/complaints/{ticket}/resolve", await stack.headers(),
        json={"note": "Zamjena odobrena.", "outcome": "accepted"},
    )  # fmt: skip
    assert status == 200, body
    assert await stack.mailer().send_due() == {"sent": 2, "retry": 0, "failed": 0}
    settled = [m for _, m in stack.collector.mails if "riješena" in m["Subject"]]
    assert [m["Subject"] for m in settled] == [f"[{ticket}] Vaša reklamacija je riješena"]
    assert settled[0]["To"] == CONTACT and settled[0]["Reply-To"] == "replies@shop.example"
    text = settled[0].get_content()
    assert (
        notices.resolution_notices("resolved", "accepted", False, "hr", "latin", ticket)[0] in text
    )
    [link] = re.findall(r"http://\S+/widget/rate/(\S+)", text)
    assert text.count("/widget/rate/") == 1 and "od 1 do 5" in text
    page_status, page = await stack.call("POST", f"/widget/rate/{link}", json={"rating": 5})
    assert page_status == 200 and page["state"] == "done", page
    with session_scope(stack.url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        rated = ratings.rating_of(session, complaint)
        assert rated is not None and rated.rating == 5


async def test_a_closed_complaint_is_told_by_mail_without_a_rating_and_a_phone_gets_none(
    stack: Stack,
) -> None:
    stack.smtp_up()
    closed = complaint_for(stack.url, "gone-closed", CONTACT, "sr", "cyrillic")
    by_phone = complaint_for(stack.url, "gone-phone", "+385 91 234 5678")
    headers = await stack.headers()
    for ticket in (closed, by_phone):
        status, body = await stack.call("POST", f"/api/complaints/{ticket}/close", headers)
        assert status == 200, body
    assert await stack.mailer().send_due() == {"sent": 1, "retry": 0, "failed": 0}
    [(recipients, message)] = stack.collector.mails
    assert recipients == [CONTACT]
    assert message["Subject"] == f"[{closed}] Ваша рекламација је решена"
    text = message.get_content()
    assert notices.resolution_notices("closed", None, False, "sr", "cyrillic", closed)[0] in text
    assert "/widget/rate/" not in text


async def test_server_down_queues_the_mail_and_sends_it_when_it_is_back(stack: Stack) -> None:
    ticket = complaint_for(stack.url, "gone-2", CONTACT)
    await _reply(stack, ticket, "Tehničar dolazi u ponedjeljak od 8 do 12.")
    mailer = stack.mailer()
    assert await mailer.send_due() == {"sent": 0, "retry": 1, "failed": 0}
    with session_scope(stack.url) as session:
        mail = session.query(OutgoingMail).one()
        assert (mail.status, mail.attempts) == ("pending", 1)
        assert "Connect" in (mail.last_error or "") or "refused" in (mail.last_error or "")
    detail = await _detail(stack, ticket)
    assert _agent_turns(detail)[0]["delivery"]["state"] == "pending"
    assert await mailer.send_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet

    stack.smtp_up()
    stack.ahead[0] += timedelta(seconds=31)
    assert await mailer.send_due() == {"sent": 1, "retry": 0, "failed": 0}
    assert "Tehničar dolazi" in stack.collector.mails[0][1].get_content()
    detail = await _detail(stack, ticket)
    assert _agent_turns(detail)[0]["delivery"]["state"] == "email"


async def test_a_refused_recipient_fails_and_shows_on_the_complaint(stack: Stack) -> None:
    stack.smtp_up()
    stack.collector.refuse.add("nobody@example.com")
    ticket = complaint_for(stack.url, "gone-3", "nobody@example.com")
    await _reply(stack, ticket, "Javit ćemo se.")
    assert await stack.mailer().send_due() == {"sent": 0, "retry": 0, "failed": 1}
    detail = await _detail(stack, ticket)
    delivery = _agent_turns(detail)[0]["delivery"]
    assert delivery["state"] == "failed" and "550" in delivery["error"]
    failed = [e for e in detail["events"] if e["kind"] == "mail_failed"]
    assert failed and failed[0]["data"]["to"] == "nobody@example.com"


async def test_a_phone_contact_gives_the_agent_a_call_task(stack: Stack) -> None:
    ticket = complaint_for(stack.url, "gone-4", "+385 91 234 5678")
    sent = await _reply(stack, ticket, "Nazvat ćemo Vas.")
    assert sent["via"] == "call_task"
    detail = await _detail(stack, ticket)
    assert detail["complaint"]["contact_kind"] == "phone"
    assert _agent_turns(detail)[0]["delivery"]["state"] == "call_task"
    assert [e for e in detail["events"] if e["kind"] == "call_task"]
    with session_scope(stack.url) as session:
        assert session.query(OutgoingMail).count() == 0


# --------------------------------------------------------------------------- the widget


async def _widget(
    stack: Stack,
    handlers: dict[str, Callable[[Any], Any]],
    session_id: str | None = None,
    browser_key: str = "b" * 64,
) -> tuple[socketio.AsyncClient, str]:
    """A customer's widget connected over socket.io, with its confirmed session id."""
    confirmed: asyncio.Queue[str] = asyncio.Queue()
    client = socketio.AsyncClient()
    client.on("session_confirm", confirmed.put_nowait)
    for event, handler in handlers.items():
        client.on(event, handler)
    await client.connect(stack.base, transports=["polling"], socketio_path="/socket.io")
    await client.emit("session_request", {"session_id": session_id, "browser_key": browser_key})
    return client, await asyncio.wait_for(confirmed.get(), 10)


async def test_connected_customer_gets_it_in_the_widget_and_a_returning_one_sees_missed_replies(
    stack: Stack,
) -> None:
    stack.smtp_up()
    received: list[dict[str, Any]] = []
    client, session_id = await _widget(stack, {"bot_uttered": received.append})
    ticket = complaint_for(stack.url, session_id, CONTACT)
    await _tracker(stack, session_id)

    sent = await _reply(stack, ticket, "Evo me, gledam Vašu narudžbu.")
    assert sent["via"] == "widget"
    assert (await _detail(stack, ticket))["customer_online"] is True
    for _ in range(100):
        if any(m.get("text") == "Evo me, gledam Vašu narudžbu." for m in received):
            break
        await asyncio.sleep(0.05)
    # The take-over notice comes first, then the agent's words.
    assert [m["text"] for m in received][-1] == "Evo me, gledam Vašu narudžbu.", received
    await client.disconnect()

    for _ in range(100):  # the server notices the disconnect
        if not (await _detail(stack, ticket))["customer_online"]:
            break
        await asyncio.sleep(0.05)
    sent = await _reply(stack, ticket, "Povrat je odobren.")
    assert sent["via"] == "email"

    received.clear()
    again, returned = await _widget(stack, {"bot_uttered": received.append}, session_id)
    assert returned == session_id
    for _ in range(100):
        if received:
            break
        await asyncio.sleep(0.05)
    await again.disconnect()
    assert [m["text"] for m in received] == ["Povrat je odobren."]
    assert received[0]["metadata"]["sender"] == "agent"
    detail = await _detail(stack, ticket)
    assert _agent_turns(detail)[1]["delivery"]["shown_later"] is True


async def test_the_widget_sees_the_agent_who_holds_the_chat_typing_and_no_one_else(
    stack: Stack,
) -> None:
    typing: list[dict[str, Any]] = []
    client, session_id = await _widget(stack, {"agent_typing": typing.append}, None, "t" * 64)
    try:
        ticket = complaint_for(stack.url, session_id, CONTACT)
        headers = await stack.headers()
        path = f"/api/complaints/{ticket}/typing"
        status, body = await stack.call("POST", path, headers)
        assert status == 409 and "claim" in body["error"]  # nobody holds it: no dots
        status, body = await stack.call("POST", "/api/complaints/C-NOPE00/typing", headers)
        assert status == 404
        status, body = await stack.call("POST", path)
        assert status == 401
        await asyncio.sleep(0.5)
        assert typing == []
        status, body = await stack.call("POST", f"/api/complaints/{ticket}/claim", headers)
        assert status == 200, body
        status, body = await stack.call("POST", path, headers)
        assert (status, body) == (200, {"ticket": ticket, "typing": True})
        for _ in range(100):
            if typing:
                break
            await asyncio.sleep(0.05)
        assert typing == [{"typing": True}]
    finally:
        await client.disconnect()


# --------------------------------------------------------------------------- e-mail in


def _form(sender: str, subject: str, text: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("from", sender)
    form.add_field("to", "replies@shop.example")
    form.add_field("subject", subject)
    form.add_field("text", text)
    return form


def _customer_events(url: str, ticket: str) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        complaint = get_by_ticket(session, ticket)
        assert complaint is not None
        return [dict(e.data) for e in events_for(session, complaint)]


async def test_inbound_reply_comes_back_into_the_complaint(stack: Stack) -> None:
    ticket = complaint_for(stack.url, "gone-5", CONTACT)
    auth = {"Authorization": f"Bearer {SECRET}"}
    text = "Hvala, čekam povrat.\n\nOn Mon, 7 Dec 2026, Care <care@shop.example> wrote:\n> old"
    status, body = await stack.call(
        "POST",
        "/api/mail/inbound",
        auth,
        data=_form(f"Ana Kupac <{CONTACT.upper()}>", f"Re: [{ticket}] Odgovor", text),
    )
    assert (status, body) == (
        200,
        {"ticket": ticket, "kept": True, "replied_to": ticket, "outcome": "added"},
    )
    detail = await _detail(stack, ticket)
    customer = [t for t in detail["transcript"] if t.get("via") == "email"]
    assert [t["text"] for t in customer] == ["Hvala, čekam povrat."]
    # HTTP Basic with the secret as password (SendGrid's user:pass@ URL) and a JSON body.
    basic = aiohttp.BasicAuth("sendgrid", SECRET).encode()
    status, _ = await stack.call(
        "POST",
        "/api/mail/inbound",
        {"Authorization": basic},
        json={"sender": CONTACT, "subject": f"RE: {ticket.lower()}", "body-plain": "Još nešto."},
    )
    assert status == 200
    assert [e.get("text") for e in _customer_events(stack.url, ticket)][-1] == "Još nešto."


async def test_inbound_refuses_bad_input_and_keeps_nothing(stack: Stack) -> None:
    ticket = complaint_for(stack.url, "gone-6", CONTACT)
    other = complaint_for(stack.url, "other", "someone.else@example.com")
    before = _customer_events(stack.url, ticket), _customer_events(stack.url, other)
    auth = {"Authorization": f"Bearer {SECRET}"}
    good = (CONTACT, f"Re: [{ticket}]", "tekst")
    cases: list[tuple[dict[str, str], Any, int]] = [
        ({}, _form(*good), 401),
        ({"Authorization": "Bearer wrong"}, _form(*good), 401),
        ({"Authorization": "Basic !!!"}, _form(*good), 401),
        (auth, _form(CONTACT, "Re: [C-ZZZZZZ]", "tekst"), 404),
        (auth, _form(CONTACT, f"Re: [{other}]", "tekst"), 403),
        (auth, _form(CONTACT, "no ticket here", "tekst"), 422),
        (auth, _form("not an address", f"[{ticket}]", "tekst"), 422),
        (auth, _form(f"{CONTACT}\r\nBcc: x@example.com", f"[{ticket}]", "tekst"), 422),
        (auth, _form(CONTACT, f"[{ticket}]", "> only quoted"), 422),
        (auth, _form(CONTACT, f"[{ticket}]", "x" * 20_000), 413),
        (auth, _form(CONTACT, f"[{ticket}]", "x" * 1_100_000), 413),
    ]
    for headers, data, expected in cases:
        status, body = await stack.call("POST", "/api/mail/inbound", headers, data=data)
        assert status == expected and body["error"], (expected, body)
    raw: list[tuple[bytes, str, int]] = [
        (b"\x00\xff\xfe binary", "application/octet-stream", 400),
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"--xyz\r\nbroken", "multipart/form-data; boundary=xyz", 422),
    ]
    for data_bytes, content_type, expected in raw:
        status, body = await stack.call(
            "POST", "/api/mail/inbound", {**auth, "Content-Type": content_type}, data=data_bytes
        )
        assert status == expected and body["error"], (content_type, status, body)
    assert (_customer_events(stack.url, ticket), _customer_events(stack.url, other)) == before


async def test_a_later_bounce_marks_the_mail_failed_on_the_complaint(stack: Stack) -> None:
    stack.smtp_up()
    ticket = complaint_for(stack.url, "gone-7", CONTACT)
    await _reply(stack, ticket, "Odgovor.")
    await stack.mailer().send_due()
    with session_scope(stack.url) as session:
        message_id = str(session.query(OutgoingMail).one().message_id)
    auth = {"Authorization": f"Bearer {SECRET}"}
    refused: list[tuple[dict[str, str], Any, int]] = [
        ({}, {"message_id": message_id}, 401),
        (auth, {"message_id": "<nobody@shop.example>"}, 404),
        (auth, {"message_id": message_id + "\r\nBcc: x@example.com"}, 422),
        (auth, {"event": "bounce"}, 422),
        (auth, [1, 2], 422),
        (auth, {"event-data": {"event": "failed", "message": "not a mapping"}}, 422),
    ]
    for headers, body, expected in refused:
        status, answer = await stack.call("POST", "/api/mail/bounce", headers, json=body)
        assert status == expected and answer["error"], (body, status, answer)
    status, answer = await stack.call(
        "POST", "/api/mail/bounce", {**auth, "Content-Type": "application/json"}, data=b"{x"
    )
    assert status == 400
    # Not a bounce: ignored. A temporary failure: ignored (the provider retries).
    delivered = [{"event": "delivered", "smtp-id": message_id}]
    status, answer = await stack.call("POST", "/api/mail/bounce", auth, json=delivered)
    assert (status, answer) == (200, {"recorded": 0})
    assert _agent_turns(await _detail(stack, ticket))[0]["delivery"]["state"] == "email"
    # Mailgun's permanent failure names the Message-ID without its brackets.
    report = {
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "message": {"headers": {"message-id": message_id.strip("<>")}},
            "delivery-status": {"description": "550 mailbox unavailable"},
        }
    }
    status, answer = await stack.call("POST", "/api/mail/bounce", auth, json=report)
    assert (status, answer) == (200, {"recorded": 1})
    detail = await _detail(stack, ticket)
    delivery = _agent_turns(detail)[0]["delivery"]
    assert delivery["state"] == "failed" and "550 mailbox unavailable" in delivery["error"]
    assert [e for e in detail["events"] if e["kind"] == "mail_failed"]


def test_production_refuses_mail_without_tls() -> None:
    base = {
        "BOT_ENV": "production",
        "BOT_SECRET_KEY": "k" * 40,
        "DATABASE_URL": "postgresql://x@127.0.0.1/x",
        "BOT_RASA_AUTH_TOKEN": "t" * 40,
        "REDIS_URL": "redis://127.0.0.1:6379",
        "RABBITMQ_URL": "amqp://127.0.0.1",
        "BOT_ACTIONS_TOKEN": "a" * 40,
        "BOT_REST_TOKEN": "r" * 40,
        "MAIL_FROM": "care@shop.example",
    }
    with pytest.raises(bot_settings.SettingsError, match="TLS"):
        bot_settings.load_settings({**base, "SMTP_URL": "smtp://mail.example:25"})
    for url in ("smtps://u:p@mail.example", "smtp+starttls://u:p@mail.example:587"):
        assert bot_settings.load_settings({**base, "SMTP_URL": url}).smtp_url == url
    with pytest.raises(bot_settings.SettingsError, match="MAIL_FROM"):
        bot_settings.load_settings({"SMTP_URL": "smtp://x", "MAIL_FROM": "a@b.c\r\nBcc: d@e.f"})
    with pytest.raises(bot_settings.SettingsError, match="SMTP_URL"):
        bot_settings.load_settings({"SMTP_URL": "http://x", "MAIL_FROM": "a@b.c"})


def test_smtp_urls() -> None:
    assert SmtpServer.from_url("smtps://u%40x:p%3A@mail.example") == SmtpServer(
        "mail.example", 465, use_tls=True, username="u@x", password="p:"
    )
    assert SmtpServer.from_url("smtp+starttls://mail.example").port == 587
    assert SmtpServer.from_url("smtp://mail.example").start_tls is False


@pytest.fixture(autouse=True)
def _no_settings_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    monkeypatch.setenv("BOT_SETTINGS_FILE", str(tmp_path / "none.yml"))
    yield
