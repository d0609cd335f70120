"""The REST channel cannot impersonate a website customer, and a trusted back end proves who it
is (issue 13, finding 3): padded widget ids are refused, a ``rest_token`` is required when set,
and the authenticated back end is limited per sender, not per address."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.settings import RateLimit, get_settings
from bot.web.channel import issue_session_id
from bot.web.errors import ApiError
from bot.web.rest import ValidatingRestInput, check_sender
from tests.served import serving

KEY = "test-secret-key-0123456789-abcdefghij"
TOKEN = secrets.token_urlsafe(32)

pytestmark = pytest.mark.usefixtures("database")

#: Ways to pad a widget id that the store's normalisation would remove.
PADDINGS = [" ", "\u00a0", "\u2028", "\u2029", "\u200b", "\ufeff", "\u3000", "\t", "\n"]


@pytest.mark.parametrize("padding", PADDINGS)
def test_a_padded_widget_id_is_refused(padding: str) -> None:
    widget_id = issue_session_id(KEY)
    for sender in (padding + widget_id, widget_id + padding, padding + widget_id + padding):
        with pytest.raises(ApiError) as refused:
            check_sender(sender)
        assert refused.value.status == 403, repr(sender)


def test_a_look_alike_widget_id_is_refused() -> None:
    widget_id = issue_session_id(KEY)
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in widget_id)
    assert fullwidth != widget_id
    with pytest.raises(ApiError) as refused:
        check_sender(fullwidth)
    assert refused.value.status == 403


@pytest.mark.parametrize("sender", [" ana", "ana\u00a0", "an\u2028a", "a\u200bna", "ana\n"])
def test_a_sender_not_in_normal_form_is_refused(sender: str) -> None:
    with pytest.raises(ApiError) as refused:
        check_sender(sender)
    assert refused.value.status == 422


def test_ordinary_senders_pass() -> None:
    assert check_sender("crm-customer-1042") == "crm-customer-1042"
    assert check_sender("Ana Horvat") == "Ana Horvat"


@asynccontextmanager
async def rest_server(
    token: str, **limits: RateLimit
) -> AsyncIterator[tuple[str, list[UserMessage]]]:
    """The REST channel on a real Sanic server; yields its URL and the messages it passed on."""
    settings = get_settings()
    settings = replace(settings, rest_token=token, rate_limits={**settings.rate_limits, **limits})
    channel = ValidatingRestInput(settings)
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    app = Sanic(f"rest_access_{secrets.token_hex(3)}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/rest")
    async with serving(app, listeners=False) as base:
        yield f"{base}/webhooks/rest/webhook", received


async def _statuses(url: str, posts: list[tuple[str, str | None]]) -> list[int]:
    statuses = []
    async with aiohttp.ClientSession() as http:
        for sender, authorization in posts:
            headers = {"Authorization": authorization} if authorization else {}
            async with http.post(
                url, json={"sender": sender, "message": "my parcel is late"}, headers=headers
            ) as answer:
                statuses.append(answer.status)
                if answer.status == 401:
                    assert answer.headers["WWW-Authenticate"] == "Bearer"
    return statuses


async def test_padded_widget_ids_are_refused_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    widget_id = issue_session_id(KEY)
    async with rest_server("") as (url, received):
        posts: list[tuple[str, str | None]] = [(p + widget_id, None) for p in PADDINGS]
        assert set(await _statuses(url, posts)) == {403}
    assert received == []


async def test_a_rest_token_is_required_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    async with rest_server(TOKEN) as (url, received):
        statuses = await _statuses(
            url,
            [
                ("crm-1", None),
                ("crm-1", f"Bearer {TOKEN[:-1]}"),
                ("crm-1", f"Bearer {TOKEN}x"),
                ("crm-1", TOKEN),
                ("crm-1", f"Bearer {TOKEN}"),
            ],
        )
    assert statuses == [401, 401, 401, 401, 200]
    assert [message.sender_id for message in received] == ["crm-1"]


async def test_an_authenticated_back_end_is_limited_per_sender_not_per_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)
    per_ip = RateLimit(3, 60)
    per_sender = RateLimit(2, 60)
    bearer = f"Bearer {TOKEN}"
    async with rest_server(TOKEN, rest_message_ip=per_ip, rest_message_sender=per_sender) as (
        url,
        received,
    ):
        relayed = await _statuses(url, [(f"crm-{n}", bearer) for n in range(8)])
        assert relayed == [200] * 8  # eight customers from one address
        one_customer = await _statuses(url, [("crm-0", bearer)] * 2)
        assert one_customer == [200, 429]  # the sender's own limit still holds
    assert len(received) == 9
    async with rest_server("", rest_message_ip=per_ip, rest_message_sender=per_sender) as (
        url,
        _,
    ):
        public = await _statuses(url, [(f"web-{n}", None) for n in range(4)])
    assert public == [200, 200, 200, 429]  # a public caller: per address
