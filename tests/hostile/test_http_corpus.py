"""The bad-input corpus against EVERY HTTP route of the real, running server.

The routes are walked from the app as ``rasa run`` builds it from ``credentials.yml`` (Rasa's
root, the REST webhook, socket.io, widget, console, ``/api``, studio), so a route added later
is covered without touching this file. Each route gets hostile path parameters, query strings,
malformed bodies and hostile texts in every usual field, signed out, as an admin (bearer
token) and as an agent (console session cookie with its CSRF token). Every answer must be a
4xx or a normal answer: never a 5xx, never a traceback; and the rows stored before are
untouched afterwards.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import requests
from yarl import URL

from tests.hostile.cases import Route, app_routes, bodies, messages, path_values, query_strings
from tests.hostile.conftest import HELD_SENDER, PASSWORD, STAFF, HostileStack, snapshot

pytestmark = pytest.mark.slow

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
#: A well-formed ticket and name that match nothing, for routes whose parameter is not under test.
NOTHING = "C-ZZZZZZ"
TRACE_MARKERS = ("Traceback (most recent call last)", 'File "/', "sqlalchemy.exc", "Error at ")
#: Field names the routes read; each hostile text is put in all of them at once.
FIELDS = ("sender", "message", "text", "note", "username", "password", "name", "csrf_token")


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    case: str = ""


def probes(route: Route, mode: str) -> list[Probe]:
    """The hostile requests for one route in one authentication mode."""
    result: list[Probe] = []
    for method in route.methods:
        unsafe = method in UNSAFE
        if route.params:
            for name, value in path_values().items():
                body = b'{"text": "x", "note": "x", "username": "x"}' if unsafe else None
                result.append(Probe(method, route.concrete(value), body, "application/json", name))
        path = route.concrete(NOTHING)
        if not unsafe:
            result += [
                Probe(method, f"{path}?{qs}", case=f"query:{qs[:30]}") for qs in query_strings()
            ]
            continue
        # Signed-in calls of parameterless routes get only bodies that must be refused: an
        # empty or well-formed body may be a valid request there (e.g. start a studio job).
        acting = mode != "anonymous" and not route.params and route.is_staff
        result += [
            Probe(method, path, b.data, b.content_type, b.name)
            for b in bodies()
            if not (acting and b.may_be_accepted)
        ]
        if acting:
            continue
        for name, text in messages().items():
            sender = f"hostile-{name}" if route.path.startswith("/webhooks") else text
            fields = {field: text for field in FIELDS} | {"sender": sender}
            data = json.dumps(fields).encode("utf-8", "surrogatepass")
            result.append(Probe(method, path, data, "application/json", f"json:{name}"))
            if route.path.startswith("/console"):
                form = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()
                result.append(
                    Probe(method, path, form, "application/x-www-form-urlencoded", f"form:{name}")
                )
    return result


async def _send(
    http: aiohttp.ClientSession, base: str, probe: Probe, headers: dict[str, str]
) -> tuple[int, str]:
    send_headers = dict(headers)
    if probe.content_type:
        send_headers["Content-Type"] = probe.content_type
    async with http.request(
        probe.method,
        URL(base + probe.path, encoded=True),
        data=probe.body,
        headers=send_headers,
        allow_redirects=False,
    ) as res:
        return res.status, await res.text(errors="replace")


def _session_cookie(stack: HostileStack) -> tuple[dict[str, str], dict[str, str]]:
    """An agent's console session: (cookies, headers with the CSRF token)."""
    http = requests.Session()
    page = http.get(f"{stack.base}/console/login", timeout=30).text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    res = http.post(
        f"{stack.base}/console/login",
        data={"username": STAFF["agent"], "password": PASSWORD, "csrf_token": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert res.status_code == 303, res.text
    me = http.get(f"{stack.base}/api/me", timeout=30).json()
    return dict(http.cookies), {"X-CSRF-Token": me["csrf_token"]}


#: Routes that revoke the credentials they are called with (tests/web/test_staff_blueprints.py).
SIGNS_THE_CALLER_OUT = frozenset({"/api/tokens/current"})


async def _run_corpus(stack: HostileStack) -> tuple[Counter[int], list[str], int]:
    cookies, session_headers = _session_cookie(stack)
    modes: dict[str, tuple[dict[str, str], dict[str, str]]] = {
        "anonymous": ({}, {}),
        "admin": ({}, stack.bearer("admin")),
        "agent_session": (cookies, session_headers),
    }
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    total = 0
    semaphore = asyncio.Semaphore(6)
    timeout = aiohttp.ClientTimeout(total=180)
    for mode, (jar, headers) in modes.items():
        async with aiohttp.ClientSession(cookies=jar, timeout=timeout) as http:

            async def one(
                probe: Probe, mode: str = mode, headers: dict[str, str] = headers
            ) -> None:
                async with semaphore:
                    try:
                        status, text = await _send(http, stack.base, probe, headers)
                    except (aiohttp.ClientError, asyncio.TimeoutError) as problem:
                        failures.append(
                            f"{mode} {probe.method} {probe.path[:80]} [{probe.case}]: {problem!r}"
                        )
                        return
                statuses[status] += 1
                if status >= 500 or any(marker in text for marker in TRACE_MARKERS):
                    where = f"{mode} {probe.method} {probe.path[:80]} [{probe.case}]"
                    failures.append(f"{where} -> {status}: {text[:200]}")

            work: list[Any] = []
            for route in app_routes():
                if mode != "anonymous" and not route.is_staff:
                    continue  # public routes do not look at credentials
                if route.path == "/socket.io":
                    continue  # the socket.io events have their own corpus
                if mode != "anonymous" and route.path in SIGNS_THE_CALLER_OUT:
                    continue  # it would revoke the corpus's own token (tested on its own)
                work += [one(probe) for probe in probes(route, mode)]
            total += len(work)
            await asyncio.gather(*work)
    return statuses, failures, total


def test_every_route_survives_the_corpus_and_stored_rows_are_untouched(
    hostile_stack: HostileStack,
) -> None:
    before = snapshot(hostile_stack.url)
    assert before["complaints"] and before["events"] and before["complaint_events"]

    statuses, failures, total = asyncio.run(_run_corpus(hostile_stack))
    print(
        f"\nhostile HTTP corpus: {total} requests over {len(app_routes())} routes: {dict(statuses)}"
    )

    assert not failures, f"{len(failures)} bad answers:\n" + "\n".join(failures[:40])
    assert total > 2000
    assert sum(count for status, count in statuses.items() if 400 <= status < 500) > total / 2
    after = snapshot(hostile_stack.url, stored_before=before)
    assert after == before, "rows stored before the corpus changed"
    # and the bot still works
    res = requests.post(
        f"{hostile_stack.base}/webhooks/rest/webhook",
        json={"sender": "after-corpus", "message": "hello"},
        timeout=60,
    )
    assert res.status_code == 200 and res.json()
    assert "Traceback" not in hostile_stack.log_text()


def test_the_walk_covers_every_kind_of_route() -> None:
    paths = {route.path for route in app_routes()}
    for expected in (
        "/webhooks/rest/webhook",
        "/socket.io",
        "/widget/widget.js",
        "/console/login",
        "/api/complaints/<ticket:str>",
        "/api/customers/<sender_id:str>",
        "/studio",
    ):
        assert expected in paths, expected


def test_rest_messages_are_validated(hostile_stack: HostileStack) -> None:
    url = f"{hostile_stack.base}/webhooks/rest/webhook"
    cases: list[tuple[Any, int]] = [
        ({"sender": "v1", "message": ""}, 422),
        ({"sender": "v1", "message": "  \n\t "}, 422),
        ({"sender": "v1", "message": "x" * 1_048_576}, 413),
        ({"sender": "v1", "message": "a" * 5001}, 413),
        ({"sender": "v1", "message": 5}, 422),
        ({"sender": "v1", "message": ["hi"]}, 422),
        ({"sender": "v1"}, 422),
        ({"message": "hi"}, 422),
        ({"sender": 5, "message": "hi"}, 422),
        ({"sender": "a\u0000b", "message": "hi"}, 422),
        ({"sender": "x" * 300, "message": "hi"}, 422),
        ({"sender": "v1", "message": "hi", "metadata": "not an object"}, 422),
        ([{"sender": "v1", "message": "hi"}], 400),
    ]
    for payload, status in cases:
        res = requests.post(url, json=payload, timeout=60)
        assert res.status_code == status, (payload if len(str(payload)) < 200 else "big", res.text)
        assert res.json()["error"]
    res = requests.post(url, json={"sender": "v1", "message": "", "metadata": {"language": "hr"}})
    assert res.json()["error"].startswith("Izgleda da je poruka prazna")  # hr, not English
    res = requests.post(url, data=b"{not json", timeout=60)
    assert res.status_code == 400
    # a widget session id is not a REST sender
    res = requests.post(
        url, json={"sender": "0" * 32 + "." + "0" * 32, "message": "hi"}, timeout=60
    )
    assert res.status_code == 403


def test_rest_messages_during_a_takeover_go_to_the_agent(hostile_stack: HostileStack) -> None:
    from bot.store import get_by_ticket, session_scope

    url = f"{hostile_stack.base}/webhooks/rest/webhook"
    text = "Are you still there? <b>hello</b>"
    res = requests.post(url, json={"sender": HELD_SENDER, "message": text}, timeout=60)
    assert res.status_code == 200 and res.json() == [], res.text  # the bot stays quiet
    with session_scope(hostile_stack.url) as session:
        complaint = get_by_ticket(session, hostile_stack.tickets["held"])
        assert complaint is not None
        kept = [e.data["text"] for e in complaint.events if e.kind == "message_customer"]
    assert kept[-1] == text
    # and the console shows it to the agent
    res = requests.get(
        f"{hostile_stack.base}/api/complaints/{hostile_stack.tickets['held']}",
        headers=hostile_stack.bearer("agent"),
        timeout=30,
    )
    assert any(turn["text"] == text for turn in res.json()["transcript"])
