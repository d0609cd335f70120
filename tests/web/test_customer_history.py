"""``GET /api/complaints/<ticket>/history``: the customer's other complaints, from every
conversation, on a bare staff app over a real SQLite database (sanic-testing)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic

from bot.settings import get_settings
from bot.store import create_agent, create_complaint, session_scope
from bot.store.customers import link_complaint
from bot.web.staff import staff_blueprint, staff_context
from tests.studio.conftest import copy_project
from tests.web.test_console_api import PASSWORD
from tests.web.test_staff_blueprints import _bearer

pytest.importorskip("sanic_testing")

_names = count()


def _complaint(session: Any, sender: str, minutes_ago: int, **fields: Any) -> str:
    values: dict[str, Any] = {
        "sender_id": sender,
        "channel": "socketio",
        "language": "en",
        "script": "latin",
        "category": "delivery",
        "severity": 2,
        "anger_score": 0.1,
        "description": "The parcel did not arrive.",
        "deadline_hours": 24,
        "prefix": "C",
        "now": datetime.now(timezone.utc) - timedelta(minutes=minutes_ago),
    }
    values.update(fields)
    complaint = create_complaint(session, **values)
    link_complaint(session, complaint, "HR")
    return complaint.ticket


@pytest.fixture()
def staff(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[Sanic, dict[str, str]]]:
    Sanic.test_mode = True
    app = Sanic(f"staff_history_{next(_names)}")
    app.ctx.console_database_url = sqlite_url
    app.ctx.studio_project_dir = copy_project(tmp_path / "project")
    staff_context(app, get_settings())
    app.blueprint(staff_blueprint(get_settings()))
    with session_scope(sqlite_url) as session:
        for name, role in (("ana", "agent"), ("tina", "trainer")):
            create_agent(session, username=name, password=PASSWORD, role=role)
        tickets = {
            "first": _complaint(
                session,
                "laptop",
                300,
                contact="mia@example.com",
                description="Parcel lost " + "x" * 400,
            ),
            "by_phone": _complaint(
                session, "kiosk", 200, contact="091 234 5678", order_ref="ORD-5", category="billing"
            ),
            "same_browser": _complaint(session, "phone", 150),
            "now": _complaint(session, "phone", 100, contact="MIA@example.com", order_ref="ord-5"),
            "stranger": _complaint(session, "elsewhere", 50, contact="ivo@example.com"),
            "unknown": _complaint(session, "anon", 10),
        }
    yield app, tickets


async def test_history_lists_the_customers_complaints_from_every_conversation(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, tickets = staff
    headers = await _bearer(app, "ana")
    _, res = await app.asgi_client.get(
        f"/api/complaints/{tickets['now'].lower()}/history", headers=headers
    )
    assert res.status == 200, res.text
    data = res.json
    assert data["ticket"] == tickets["now"] and data["recognised"] is True
    assert [row["ticket"] for row in data["complaints"]] == [
        tickets["same_browser"],  # same conversation, no key of its own
        tickets["by_phone"],  # linked by the order reference
        tickets["first"],  # linked by the e-mail address
    ]
    assert [row["same_conversation"] for row in data["complaints"]] == [True, False, False]
    assert {(key["kind"], key["value"]) for key in data["keys"]} == {
        ("email", "mia@example.com"),
        ("order", "ORD-5"),
        ("phone", "+385912345678"),
    }
    first = data["complaints"][-1]
    assert len(first["summary"]) == 200 and first["summary"].endswith("…")
    assert first["status"] == "open" and first["created_at"]


async def test_an_unrecognised_complaint_has_no_history(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, tickets = staff
    headers = await _bearer(app, "ana")
    _, res = await app.asgi_client.get(
        f"/api/complaints/{tickets['unknown']}/history", headers=headers
    )
    assert res.status == 200
    assert res.json["recognised"] is False and res.json["complaints"] == []
    assert res.json["keys"] == []


@pytest.mark.parametrize(
    "ticket",
    [
        "C-ZZZZZZ",
        "nope",
        "C-" + "A" * 5000,
        "%00",
        "C-2345%0D%0AX-Injected:%201",
        "'%20OR%201=1--",
        "%F0%9F%92%A9",
        "..%2F..%2Fetc%2Fpasswd",
    ],
)
async def test_bad_tickets_are_404(staff: tuple[Sanic, dict[str, str]], ticket: str) -> None:
    app, _ = staff
    headers = await _bearer(app, "ana")
    _, res = await app.asgi_client.get(f"/api/complaints/{ticket}/history", headers=headers)
    assert res.status == 404, res.text
    assert "Traceback" not in res.text
    # a path that no longer matches the route is the router's plain 404; the route says why
    assert res.json is None or res.json["error"]


async def test_history_needs_an_agent(staff: tuple[Sanic, dict[str, str]]) -> None:
    app, tickets = staff
    path = f"/api/complaints/{tickets['now']}/history"
    _, signed_out = await app.asgi_client.get(path)
    assert signed_out.status == 401
    _, trainer = await app.asgi_client.get(path, headers=await _bearer(app, "tina"))
    assert trainer.status == 403
    _, post = await app.asgi_client.post(path, headers=await _bearer(app, "ana"))
    assert post.status == 405


async def test_the_console_serves_the_history_module(staff: tuple[Sanic, dict[str, str]]) -> None:
    app, _ = staff
    _, res = await app.asgi_client.get(
        "/console/static/history.js", headers=await _bearer(app, "ana")
    )
    assert res.status == 200 and "export async function renderHistory" in res.text
    assert res.headers["content-type"].startswith("application/javascript")
