"""The staff blueprints on a bare Sanic app (no Rasa server), with a real SQLite database:
sign-in, the console API and a studio route, through ``sanic-testing``'s ASGI client."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic

from bot.ops.erasure import CustomerRecords
from bot.settings import get_settings
from bot.store.outbox import Outbox
from bot.web.staff import staff_blueprint, staff_context
from tests.studio.conftest import copy_project
from tests.web.test_console_api import PASSWORD, SENDER, _seed

pytest.importorskip("sanic_testing")

_names = count()


@pytest.fixture()
def staff(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[Sanic, dict[str, str]]]:
    """A bare Sanic app with only the staff blueprints, on a seeded database and a project copy."""
    Sanic.test_mode = True
    app = Sanic(f"staff_bare_{next(_names)}")
    app.ctx.console_database_url = sqlite_url
    app.ctx.studio_project_dir = copy_project(tmp_path / "project")
    staff_context(app, get_settings())
    app.blueprint(staff_blueprint(get_settings()))
    tickets = _seed(sqlite_url)
    yield app, tickets


async def _form_sign_in(app: Sanic, username: str, next_path: str = "") -> Any:
    query = f"?next={next_path}" if next_path else ""
    _, page = await app.asgi_client.get(f"/console/login{query}")
    assert page.status == 200
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert csrf
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf.group(1)}
    if next_path:
        form["next"] = next_path
    _, res = await app.asgi_client.post(
        "/console/login",
        data=form,
        cookies={"console_login_csrf": csrf.group(1)},
    )
    return page, res


async def _bearer(app: Sanic, username: str) -> dict[str, str]:
    _, res = await app.asgi_client.post(
        "/api/tokens", json={"username": username, "password": PASSWORD}
    )
    assert res.status == 201, res.text
    return {"Authorization": f"Bearer {res.json['token']}"}


async def test_sign_in_form_sets_a_session_and_lands_in_the_console(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, _ = staff
    page, res = await _form_sign_in(app, "ana")
    assert "<title>Staff sign-in – sign in</title>" in page.text
    assert res.status == 303 and res.headers["location"] == "/console"
    session = res.cookies.get("console_session")
    assert session
    _, me = await app.asgi_client.get("/api/me", cookies={"console_session": session})
    assert me.status == 200
    assert me.json["username"] == "ana" and me.json["role"] == "agent"
    assert re.fullmatch(r"[0-9a-f]{64}", me.json["csrf_token"])


async def test_the_studio_sign_in_page_is_not_called_agent_console(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, _ = staff
    page, res = await _form_sign_in(app, "tina", "/studio/intents")
    assert "Trainer studio" in page.text and "Agent console" not in page.text
    assert res.headers["location"] == "/studio/intents"


async def test_wrong_password_and_missing_fields_are_refused(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, _ = staff
    _, wrong = await app.asgi_client.post(
        "/api/tokens", json={"username": "ana", "password": "nope"}
    )
    assert wrong.status == 401
    _, missing = await app.asgi_client.post("/api/tokens", json={"username": "ana"})
    assert missing.status == 422 and "username and password" in missing.json["error"]
    _, not_json = await app.asgi_client.post("/api/tokens", content=b"{nope")
    assert not_json.status == 400


async def test_console_api_lists_notes_and_refuses_bad_input(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, tickets = staff
    headers = await _bearer(app, "ana")
    _, signed_out = await app.asgi_client.get("/api/queue")
    assert signed_out.status == 401 and signed_out.json["error"]
    _, queue = await app.asgi_client.get("/api/queue", headers=headers)
    assert queue.status == 200
    # an unanswered complaint whose deadline ran out first, then escalated and severe
    assert [item["ticket"] for item in queue.json[:2]] == [tickets["late"], tickets["urgent"]]
    _, found = await app.asgi_client.get("/api/complaints?q=ORD-111", headers=headers)
    assert [row["ticket"] for row in found.json] == [tickets["calm"]]
    _, bad_limit = await app.asgi_client.get("/api/complaints?limit=x", headers=headers)
    assert bad_limit.status == 422
    _, bad_status = await app.asgi_client.get("/api/complaints?status=nope", headers=headers)
    assert bad_status.status == 422 and "status must be one of" in bad_status.json["error"]
    note_url = f"/api/complaints/{tickets['calm']}/note"
    _, empty = await app.asgi_client.post(note_url, json={}, headers=headers)
    assert empty.status == 422 and "None" not in empty.json["error"]
    _, too_long = await app.asgi_client.post(note_url, json={"text": "x" * 3000}, headers=headers)
    assert too_long.status == 413
    _, noted = await app.asgi_client.post(note_url, json={"text": "called back"}, headers=headers)
    assert noted.status == 201 and noted.json == {"ticket": tickets["calm"], "noted": True}
    _, detail = await app.asgi_client.get(f"/api/complaints/{tickets['calm']}", headers=headers)
    assert any(event["kind"] == "note" for event in detail.json["events"])
    _, unknown = await app.asgi_client.get("/api/complaints/C-NOSUCH", headers=headers)
    assert unknown.status == 404


async def test_session_requests_need_the_csrf_token(staff: tuple[Sanic, dict[str, str]]) -> None:
    app, _ = staff
    _, res = await _form_sign_in(app, "ana")
    cookies = {"console_session": res.cookies.get("console_session")}
    _, refused = await app.asgi_client.post(
        "/api/me/duty", json={"on_duty": True}, cookies=cookies
    )
    assert refused.status == 403
    _, me = await app.asgi_client.get("/api/me", cookies=cookies)
    _, ok = await app.asgi_client.post(
        "/api/me/duty",
        json={"on_duty": True},
        cookies=cookies,
        headers={"X-CSRF-Token": me.json["csrf_token"]},
    )
    assert ok.status == 200 and ok.json["on_duty"] is True


async def test_studio_lists_intents_for_trainers_only(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, _ = staff
    _, agent = await app.asgi_client.get(
        "/studio/api/intents", headers=await _bearer(app, "ana")
    )
    assert agent.status == 403
    trainer = await _bearer(app, "tina")
    _, intents = await app.asgi_client.get("/studio/api/intents", headers=trainer)
    assert intents.status == 200
    names = {intent["name"] for intent in intents.json["intents"]}
    assert "bot_challenge" in names
    assert intents.json["languages"] == ["en", "hr", "bs", "sr_latn", "sr_cyrl"]
    _, missing = await app.asgi_client.post(
        "/studio/api/intents/complain/examples", json={"text": "hello"}, headers=trainer
    )
    assert missing.status == 422 and "language" in missing.json["error"]


async def test_an_admins_erasure_reaches_the_outbox_when_the_rasa_glue_provides_it(
    staff: tuple[Sanic, dict[str, str]], sqlite_url: str, tmp_path: Path
) -> None:
    app, _ = staff
    settings = dataclasses.replace(
        get_settings(),
        database_url=sqlite_url,
        var_dir=tmp_path / "var",
        project_dir=app.ctx.studio_project_dir,
        rabbitmq_url=None,
    )
    outbox = Outbox(settings.outbox_dir)
    kept = outbox.keep({"sender_id": SENDER, "tracker": {"sender_id": SENDER}}, time.time())
    other = outbox.keep({"sender_id": "someone-else", "tracker": {}}, time.time())
    headers = await _bearer(app, "boss")
    _, bare = await app.asgi_client.get(f"/api/customers/{SENDER}/export", headers=headers)
    assert bare.status == 200 and "only the database tables" in bare.json["to_do"][0]

    app.ctx.customer_records = CustomerRecords(settings)
    _, exported = await app.asgi_client.get(f"/api/customers/{SENDER}/export", headers=headers)
    assert [entry["file"] for entry in exported.json["outbox"]] == [kept.name]
    _, erased = await app.asgi_client.delete(f"/api/customers/{SENDER}", headers=headers)
    assert erased.status == 200, erased.text
    assert erased.json["outbox_files"] == 1 and erased.json["total"] > 1
    assert not kept.exists() and other.exists()
    _, again = await app.asgi_client.delete(f"/api/customers/{SENDER}", headers=headers)
    assert again.status == 404


async def test_an_admin_closes_an_account_and_a_script_revokes_its_own_token(
    staff: tuple[Sanic, dict[str, str]],
) -> None:
    app, _ = staff
    boss, ana = await _bearer(app, "boss"), await _bearer(app, "ana")
    _, refused = await app.asgi_client.post("/api/agents/boss/deactivate", headers=ana)
    assert refused.status == 403  # agents cannot
    _, own = await app.asgi_client.post("/api/agents/boss/deactivate", headers=boss)
    assert own.status == 409
    for path in ("/api/agents/nobody/deactivate", "/api/agents/ana/delete"):
        _, missing = await app.asgi_client.post(path, headers=boss)
        assert missing.status == 404
    _, closed = await app.asgi_client.post("/api/agents/ana/deactivate", headers=boss)
    assert closed.status == 200 and closed.json == {
        "username": "ana", "active": False, "revoked": 1
    }
    _, gone = await app.asgi_client.get("/api/me", headers=ana)
    assert gone.status == 401
    _, again = await app.asgi_client.post(
        "/api/tokens", json={"username": "ana", "password": PASSWORD}
    )
    assert again.status == 401
    _, reopened = await app.asgi_client.post("/api/agents/ana/activate", headers=boss)
    assert reopened.status == 200
    ana = await _bearer(app, "ana")
    _, revoked = await app.asgi_client.delete("/api/tokens/current", headers=ana)
    assert revoked.status == 204
    _, after = await app.asgi_client.get("/api/me", headers=ana)
    assert after.status == 401
    _, boss_still = await app.asgi_client.get("/api/me", headers=boss)
    assert boss_still.status == 200
