"""The run's parts that need no trained model: the REST client against a real HTTP server
(retries, replies per turn) and the rows read back from a real SQLite store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot import store
from tests.served import free_port
from tests.tools.local_http import local_server
from tools.evaluation import run
from tools.evaluation.run import read_rows, replay, send
from tools.evaluation.sets import CONVERSATION, MESSAGE, Item


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "FIRST_PAUSE", 0.01)


def _webhook(handler: Any) -> list[web.RouteDef]:
    return [web.post("/webhooks/rest/webhook", handler)]


async def test_replay_sends_turns_in_order_and_retries_429_and_5xx() -> None:
    seen: list[tuple[str, str]] = []
    refusals = {"busy": 2}

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        if body["message"] == "busy" and refusals["busy"]:
            refusals["busy"] -= 1
            return web.Response(status=429 if refusals["busy"] else 503)
        seen.append((body["sender"], body["message"]))
        return web.json_response(
            [{"recipient_id": body["sender"], "text": f"re: {body['message']}"}, {"image": "x"}]
        )

    async with local_server(_webhook(webhook)) as base:
        senders = {
            "s1": Item("a", "hr", CONVERSATION, ("bok", "busy", "hvala"), False),
            "s2": Item("a", "hr", MESSAGE, ("paket kasni",), True, "delivery"),
        }
        results = await replay(base, senders, concurrency=2)
    assert results["s1"] == ((("re: bok",), ("re: busy",), ("re: hvala",)), ())
    assert results["s2"] == ((("re: paket kasni",),), ())
    assert [m for s, m in seen if s == "s1"] == ["bok", "busy", "hvala"]


async def test_send_gives_up_with_the_last_error() -> None:
    async def webhook(request: web.Request) -> web.Response:
        return web.Response(status=500)

    async def refused(request: web.Request) -> web.Response:
        return web.Response(status=422)

    for handler, error in ((webhook, "HTTP 500"), (refused, "HTTP 422")):
        async with local_server(_webhook(handler)) as base, aiohttp.ClientSession() as session:
            said, failure = await send(session, f"{base}/webhooks/rest/webhook", "s", "x")
        assert said == () and failure == error


def test_read_rows_folds_a_senders_complaints_oldest_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'eval.db'}"
    store.migrate(url)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def add(sender: str, category: str, minutes: int, **more: Any) -> store.Complaint:
        return store.create_complaint(
            session,
            sender_id=sender,
            channel="rest",
            language="hr",
            script="latin",
            category=category,
            severity=2,
            anger_score=0.0,
            description="opis",
            deadline_hours=48,
            prefix="C",
            now=start + timedelta(minutes=minutes),
            **more,
        )

    with store.session_scope(url) as session:
        first = add("s1", "delivery", 0, order_ref="ORD-1")
        store.set_details(session, first, desired_resolution="refund")
        add("s1", "other", 5, escalation_reasons=["human_request"], contact="a@b.hr")
        add("s2", "billing", 1, escalation_reasons=["money", "legal"])
    rows = read_rows(url, ["s1", "s2", "s3"])
    assert set(rows) == {"s1", "s2"}
    one = rows["s1"]
    assert (one.category, one.rows, one.escalated) == ("delivery", 2, True)
    assert one.escalation_reasons == {"human_request"}
    assert (one.desired_resolution, one.order_ref, one.contact) == ("refund", "ORD-1", "a@b.hr")
    assert rows["s2"].escalation_reasons == {"money", "legal"}


def test_each_group_is_replayed_on_a_store_of_its_own(trained_model: Path, tmp_path: Path) -> None:
    """One story told in two languages with the same order number: each telling is a customer of
    its own group's store, so neither is read as the other's repeat complaint."""
    senders = {
        "eval-en": Item(
            "en-1", "en", MESSAGE, ("Order 58213 arrived with a cracked screen.",), True
        ),
        "eval-hr": Item(
            "hr-1", "hr", MESSAGE, ("Narudžba 58213 stigla je s napuklim ekranom.",), True
        ),
    }
    replies, rows = run.replay_per_group("project", trained_model, senders, tmp_path, free_port())
    assert set(replies) == set(rows) == {"eval-en", "eval-hr"}
    assert all(said and not errors for said, errors in replies.values())
    assert not any("repeat" in row.escalation_reasons for row in rows.values())
    assert read_rows(f"sqlite:///{tmp_path / 'project-hr.db'}", ["eval-en", "eval-hr"]).keys() == {
        "eval-hr"
    }
