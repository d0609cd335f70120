"""The studio's JSON API on the real server: roles on every route, the editing round trips,
409 on stale versions, 422 with Rasa's messages, and bad input answered 4xx, never 5xx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.web.studio import studio_routes
from tests.web.staff_routes import routes_of
from tests.web.test_console_api import Console

from .conftest import sign_in

API_ROUTES = [(path, method) for _, path, method in routes_of(studio_routes) if "/api/" in path]
WRITE_ROUTES = [
    (path, method) for path, method in API_ROUTES if method != "GET" and "validate" not in path
]


def _concrete(path: str) -> str:
    path = path.replace("<name:str>", "greet").replace("<kind:str>", "rule")
    return path.replace("<index:int>", "0")


async def _call(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as res:
        assert res.content_type == "application/json", (res.status, await res.text())
        return res.status, await res.json()


@pytest.mark.parametrize(("path", "method"), API_ROUTES)
async def test_every_api_route_refuses_strangers_and_agents(
    studio: Console, path: str, method: str
) -> None:
    url = studio.base + _concrete(path)
    async with studio.client() as http:
        status, body = await _call(http, method, url, json={})
        assert status == 401, body
        agent = await studio.token("ana")
        status, body = await _call(http, method, url, json={}, headers=agent)
        assert status == 403, body
        assert "trainer" not in body["error"] or "agent" in body["error"]


async def test_session_writes_need_the_csrf_token(studio: Console) -> None:
    async with studio.client() as http:
        csrf = await sign_in(studio, http, "tina")
        body = {"language": "en", "text": "you folks are wonderful"}
        url = f"{studio.base}/studio/api/intents/praise/examples"
        status, _ = await _call(http, "POST", url, json=body)
        assert status == 403
        status, answer = await _call(http, "POST", url, json=body, headers={"X-CSRF-Token": csrf})
        assert status == 201, answer
        assert answer["result"]["plain"] == "you folks are wonderful"


async def test_intents_examples_entities_and_stale_versions(studio: Console, project: Path) -> None:
    trainer = await studio.token("tina")
    async with studio.client() as http:
        status, listing = await _call(
            http, "GET", f"{studio.base}/studio/api/intents", headers=trainer
        )
        assert status == 200
        names = [intent["name"] for intent in listing["intents"]]
        assert "complain_delivery" in names and listing["intents"][0]["scores"] is None
        status, detail = await _call(
            http, "GET", f"{studio.base}/studio/api/intents/complain_delivery", headers=trainer
        )
        assert status == 200 and detail["examples"]["hr"]
        seen = detail["versions"]
        text = "narudžba ORD-99881 kasni već tjedan dana"
        status, added = await _call(
            http,
            "POST",
            f"{studio.base}/studio/api/intents/complain_delivery/examples",
            headers=trainer,
            json={
                "language": "hr",
                "text": text,
                "entities": [{"start": 9, "end": 18, "entity": "order_ref"}],
                "versions": seen,
            },
        )
        assert status == 201, added
        assert added["result"]["text"] == "narudžba [ORD-99881](order_ref) kasni već tjedan dana"
        assert "- narudžba [ORD-99881](order_ref) kasni" in (project / "data/nlu/hr.yml").read_text(
            encoding="utf-8"
        )
        # a second trainer still holding the old versions is refused, nothing is lost
        status, refused = await _call(
            http,
            "POST",
            f"{studio.base}/studio/api/intents/complain_delivery/examples/delete",
            headers=trainer,
            json={"language": "hr", "text": detail["examples"]["hr"][0]["text"], "versions": seen},
        )
        assert status == 409 and "Reload" in refused["error"]
        fresh = {**seen, **added["versions"]}
        status, deleted = await _call(
            http,
            "POST",
            f"{studio.base}/studio/api/intents/complain_delivery/examples/delete",
            headers=trainer,
            json={"language": "hr", "text": detail["examples"]["hr"][0]["text"], "versions": fresh},
        )
        assert status == 200, deleted


async def test_evaluation_figures_show_beside_the_intents(studio: Console, project: Path) -> None:
    results = project / "var/studio/evaluations"
    results.mkdir(parents=True)
    (results / "latest.json").write_text(
        '{"finished_at": "2026-11-23T02:00:00+00:00", "intents": {"greet": '
        '{"precision": 0.9, "recall": 0.8, "f1": 0.847, "support": 40}}}',
        encoding="utf-8",
    )
    trainer = await studio.token("tina")
    async with studio.client() as http:
        _, listing = await _call(http, "GET", f"{studio.base}/studio/api/intents", headers=trainer)
    greet = next(intent for intent in listing["intents"] if intent["name"] == "greet")
    assert greet["scores"]["f1"] == 0.847
    assert listing["evaluated_at"] == "2026-11-23T02:00:00+00:00"


async def test_validation_refusal_carries_rasas_message(studio: Console) -> None:
    trainer = await studio.token("tina")
    story = {
        "kind": "story",
        "name": "broken story",
        "steps": [
            {"type": "intent", "intent": "greet"},
            {"type": "action", "action": "utter_does_not_exist"},
        ],
    }
    async with studio.client() as http:
        status, refused = await _call(
            http, "POST", f"{studio.base}/studio/api/stories", headers=trainer, json=story
        )
        assert status == 422
        assert "utter_does_not_exist" in refused["error"]
        assert refused["problems"] and "validator" in refused["error"]
        status, report = await _call(
            http, "POST", f"{studio.base}/studio/api/validate", headers=trainer
        )
        assert status == 200 and report["ok"] is True


HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> paket nije stigao'


async def test_html_is_stored_and_returned_as_plain_text(studio: Console, project: Path) -> None:
    trainer = await studio.token("tina")
    async with studio.client() as http:
        status, added = await _call(
            http,
            "POST",
            f"{studio.base}/studio/api/intents/complain_delivery/examples",
            headers=trainer,
            json={"language": "en", "text": HOSTILE},
        )
        assert status == 201, added
        _, detail = await _call(
            http, "GET", f"{studio.base}/studio/api/intents/complain_delivery", headers=trainer
        )
    assert HOSTILE in [example["text"] for example in detail["examples"]["en"]]
    assert f"- {HOSTILE}\n" in (project / "data/nlu/en.yml").read_text(encoding="utf-8")


BAD_BODIES: list[tuple[str, Any]] = [
    ("empty", b""),
    ("huge", b'{"text": "' + b"a" * 70_000 + b'"}'),
    ("binary", bytes(range(256))),
    ("not an object", b"[1, 2, 3]"),
    (
        "wrong types",
        b'{"name": ["x"], "text": 5, "language": {}, "steps": "x", "texts": 1,'
        b' "index": "0", "versions": 3, "kind": null, "entities": "x", "old": 1}',
    ),
    (
        "long text",
        b'{"language": "en", "text": "' + b"b" * 5000 + b'", "name": "utter_x",'
        b' "old": "hello", "texts": {"en": "' + b"c" * 5000 + b'"}}',
    ),
    ("control characters", b'{"language": "en", "text": "\\u0000\\u0007", "name": "a\\u0000"}'),
]


@pytest.mark.parametrize(("path", "method"), WRITE_ROUTES)
async def test_bad_input_on_every_form_is_a_4xx(studio: Console, path: str, method: str) -> None:
    trainer = await studio.token("tina")
    url = studio.base + _concrete(path)
    async with studio.client() as http:
        for label, raw in BAD_BODIES:
            headers = {**trainer, "Content-Type": "application/json"}
            status, answer = await _call(http, method, url, data=raw, headers=headers)
            assert 400 <= status < 500, (label, status, answer)
            assert answer["error"], label


TRAVERSALS = ["..%2F..%2Fsettings", "%2e%2e", "greet%00", "a" * 300, "%3Cscript%3E", "GREET"]


@pytest.mark.parametrize("name", TRAVERSALS)
async def test_hostile_names_in_paths_are_a_4xx(studio: Console, name: str) -> None:
    trainer = await studio.token("tina")
    async with studio.client() as http:
        for method, path, body in [
            ("GET", f"/studio/api/intents/{name}", None),
            ("POST", f"/studio/api/intents/{name}/examples", {"language": "en", "text": "hi x"}),
            ("PUT", f"/studio/api/responses/{name}", {"language": "en", "text": "hi"}),
            ("PUT", f"/studio/api/stories/{name}/0", {"name": "x", "steps": []}),
        ]:
            async with http.request(method, studio.base + path, json=body, headers=trainer) as res:
                assert 400 <= res.status < 500, (method, path, res.status, await res.text())


async def test_bad_names_language_and_steps_are_refused_plainly(studio: Console) -> None:
    trainer = await studio.token("tina")
    cases = [
        ("POST", "/studio/api/intents", {"name": "../../etc", "example": "x y"}, "intent name"),
        ("POST", "/studio/api/intents", {"name": "greet", "example": "hello friend"}, "exists"),
        ("POST", "/studio/api/intents/greet/examples", {"language": "de", "text": "x"}, "language"),
        ("POST", "/studio/api/intents/greet/examples", {"language": "en", "text": "  "}, "empty"),
        ("POST", "/studio/api/responses", {"name": "greet", "texts": {"en": "x"}}, "utter_"),
        (
            "POST",
            "/studio/api/responses",
            {"name": "utter_new_one", "texts": {"hr": "x"}},
            "English",
        ),
        ("POST", "/studio/api/stories", {"kind": "poem", "name": "x", "steps": []}, "kind"),
        (
            "POST",
            "/studio/api/stories",
            {"kind": "rule", "name": "x", "steps": [{"type": "dance"}]},
            "step",
        ),
        (
            "POST",
            "/studio/api/stories",
            {"kind": "rule", "name": "x", "steps": [{"type": "action", "action": "../x"}]},
            "valid name",
        ),
    ]
    async with studio.client() as http:
        for method, path, body, phrase in cases:
            status, answer = await _call(
                http, method, studio.base + path, json=body, headers=trainer
            )
            assert 400 <= status < 500, (path, body, status, answer)
            assert re.search(phrase, answer["error"], re.IGNORECASE), (phrase, answer["error"])


async def test_responses_and_stories_round_trip_through_the_api(
    studio: Console, project: Path
) -> None:
    trainer = await studio.token("tina")
    base = f"{studio.base}/studio/api"
    async with studio.client() as http:
        _, listing = await _call(http, "GET", f"{base}/responses", headers=trainer)
        ack = next(r for r in listing["responses"] if r["name"] == "utter_acknowledge")
        general = next(case for case in ack["cases"] if case["label"] == "")
        # the catch-all is English only, but every category has every language: not missing
        assert general["fallback"] and "hr" in general["untranslated"]
        assert general["missing"] == [] and ack["missing"] == []
        seen = listing["versions"]
        hr = next(v for v in ack["variants"] if v["language"] == "hr")
        status, changed = await _call(
            http,
            "PUT",
            f"{base}/responses/utter_acknowledge",
            headers=trainer,
            json={
                "language": "hr",
                "index": hr["index"],
                "text": "Žao mi je, stvarno.",
                "versions": seen,
            },
        )
        assert status == 200, changed
        assert changed["result"]["variants"][hr["index"]]["text"] == "Žao mi je, stvarno."
        status, stale = await _call(
            http,
            "PUT",
            f"{base}/responses/utter_acknowledge",
            headers=trainer,
            json={"language": "hr", "text": "Žao mi je.", "case": {}, "versions": seen},
        )
        assert status == 409, stale
        status, added = await _call(
            http,
            "PUT",
            f"{base}/responses/utter_acknowledge",
            headers=trainer,
            json={"language": "hr", "text": "Žao mi je što se to dogodilo.", "case": {}},
        )
        assert status == 200, added
        general = next(case for case in added["result"]["cases"] if case["label"] == "")
        assert "hr" not in general["untranslated"]

        _, listing = await _call(http, "GET", f"{base}/stories", headers=trainer)
        rule = next(i for i in listing["items"] if i["kind"] == "rule")
        reordered = {
            "name": rule["name"],
            "original_name": rule["name"],
            "steps": rule["steps"] + [{"type": "action", "action": "action_note_details"}],
            "condition": rule["condition"],
            "wait_for_user_input": rule["wait_for_user_input"],
            "versions": listing["versions"],
        }
        status, saved = await _call(
            http, "PUT", f"{base}/stories/rule/{rule['index']}", headers=trainer, json=reordered
        )
        assert status == 200, saved
        assert saved["result"]["steps"][-1] == {"type": "action", "action": "action_note_details"}
        status, stale = await _call(
            http, "PUT", f"{base}/stories/rule/{rule['index']}", headers=trainer, json=reordered
        )
        assert status == 409, stale
        status, gone = await _call(
            http,
            "POST",
            f"{base}/stories/rule/{rule['index']}/delete",
            headers=trainer,
            json={"name": rule["name"], "versions": saved["versions"]},
        )
        assert status == 200, gone
    assert rule["name"] not in (project / "data/rules.yml").read_text(encoding="utf-8")


async def test_deeply_nested_or_unknown_steps_are_refused(studio: Console) -> None:
    trainer = await studio.token("tina")
    nested: object = "x"
    for _ in range(200):
        nested = {"a": [nested]}
    bodies = [
        {"kind": "rule", "name": "deep", "steps": [{"type": "other", "data": {"bot": nested}}]},
        {"kind": "rule", "name": "odd", "steps": [{"type": "other", "data": {"eval": "x"}}]},
        {
            "kind": "rule",
            "name": "deep entities",
            "steps": [{"type": "intent", "intent": "greet", "entities": [nested]}],
        },
    ]
    async with studio.client() as http:
        for body in bodies:
            status, answer = await _call(
                http, "POST", f"{studio.base}/studio/api/stories", headers=trainer, json=body
            )
            assert status == 422, answer
