"""The trainer studio (``/studio``): pages and JSON API for editing the Rasa project.

Registered from :func:`bot.web.console.add_console_routes` through :func:`add_studio_routes`.

Contract for the studio's pages (this module serves the editing half; ``bot/web/studio_ops.py``
serves training, evaluation, review and analytics):

* **Pages.** ``GET /studio/<page>`` serves ``bot/web/static/studio/<page>.html`` for every page
  in :data:`PAGES`; a signed-out visitor is sent to ``/console/login?next=/studio/<page>``, a
  signed-in non-trainer gets 403. ``/studio`` redirects to the first page.
* **Assets.** ``GET /studio/static/<name>`` serves ``<name>`` from the same folder when it is
  a ``.js``, ``.css``, ``.svg`` or ``.png`` file (no sub-folders), to trainers only.
* **Page skeleton.** Each page's HTML has ``<body data-page="<page>">``, an empty
  ``<nav id="studio-nav"></nav>``, a ``<div id="studio-message" role="status"></div>`` and
  loads ``/studio/static/studio.css``, ``/studio/static/studio.js`` and then its own script
  (all with ``defer``; the CSP forbids inline scripts and styles). ``studio.js`` fills in the
  navigation (:data:`PAGES` order, the current page marked) and exposes ``window.Studio``:
  ``Studio.api(method, path, body?)`` (JSON fetch with the CSRF header; resolves to
  ``{status, ok, data}``, never throws on HTTP errors), ``Studio.el(tag, attrs, ...children)``
  (builds elements; children strings become text nodes, so nothing is parsed as HTML),
  ``Studio.say(text, kind)`` (``kind`` "ok" | "error" | "info"; shows text in
  ``#studio-message``), ``Studio.sayError(result)`` (the ``error`` and ``problems`` of a
  refusal), ``Studio.ready`` (a promise of ``/studio/api/me``: username, role, csrf_token).
* **JSON API.** Routes live under ``/studio/api/``. Decorate handlers with :func:`studio_api`:
  it checks the sign-in and the trainer role (401/403, CSRF on unsafe methods), turns a raised
  :class:`bot.studio.errors.StudioError` into ``{"error", "status", ...details}`` with its
  status, and any other exception into a logged 500 without a traceback. Bodies are read with
  :func:`bot.web.auth.json_body` (64 KiB limit).
* **Project.** :func:`project_root` is the Rasa project being edited (``app.ctx.studio_project_dir``
  in tests, else ``BOT_PROJECT_DIR``).
* **Evaluation results.** The intents page reads per-intent figures from
  ``<project>/var/studio/evaluations/latest.json`` written by studio-ops:
  ``{"finished_at": ISO, "intents": {"<intent>": {"precision": f, "recall": f, "f1": f,
  "support": n}}}``.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import re
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings
from bot.studio import responses, stories
from bot.studio import training_examples as nlu
from bot.studio.errors import StudioError
from bot.studio.validation import validate_project
from bot.web.auth import (
    MAX_BODY_BYTES,
    TRAINER_ROLES,
    Principal,
    error,
    json_body,
    principal_of,
)
from bot.web.console import _PAGE_HEADERS, Handler, api

logger = logging.getLogger(__name__)

STUDIO_DIR = Path(__file__).resolve().parent / "static" / "studio"

#: (page, title) of every studio page, in navigation order.
PAGES: tuple[tuple[str, str], ...] = (
    ("intents", "Intents"),
    ("responses", "Responses"),
    ("stories", "Stories & rules"),
    ("training", "Training & models"),
    ("evaluation", "Evaluation"),
    ("review", "Review inbox"),
    ("analytics", "Analytics"),
)
_ASSET_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_ASSET_RE = re.compile(r"[a-z][a-z0-9_\-]*\.(js|css|svg|png)")


def project_root(app: Sanic) -> Path:
    """The Rasa project the studio edits."""
    configured = getattr(app.ctx, "studio_project_dir", None)
    return Path(configured) if configured else Path(get_settings().project_dir)


def studio_api(handler: Handler) -> Handler:
    """A studio JSON route: trainer sign-in checked, :class:`StudioError` mapped to JSON."""

    @wraps(handler)
    async def mapped(request: Request, principal: Principal, *args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(request, principal, *args, **kwargs)
        except StudioError as problem:
            return error(problem.status, problem.message, **problem.details)

    return api(TRAINER_ROLES)(mapped)


# --------------------------------------------------------------------------- pages


def _page_refusal(request: Request, page: str) -> HTTPResponse | None:
    principal = principal_of(request)
    if principal is None:
        return response.redirect(
            "/console/login?next=" + quote(f"/studio/{page}", safe="/"), status=303
        )
    if principal.role not in TRAINER_ROLES:
        return response.text(
            f"Your role ({principal.role}) may not use the trainer studio.",
            status=403,
            headers=_PAGE_HEADERS,
        )
    return None


async def studio_home(request: Request) -> HTTPResponse:
    first = PAGES[0][0]
    return _page_refusal(request, first) or response.redirect(f"/studio/{first}", status=303)


async def studio_page(request: Request, page: str) -> HTTPResponse:
    path = STUDIO_DIR / f"{page}.html"
    if page not in dict(PAGES) or not path.is_file():
        return error(404, "No such studio page.")
    refused = _page_refusal(request, page)
    if refused is not None:
        return refused
    return response.raw(
        path.read_bytes(), content_type="text/html; charset=utf-8", headers=_PAGE_HEADERS
    )


async def studio_asset(request: Request, name: str) -> HTTPResponse:
    principal = principal_of(request)
    if principal is None:
        return error(401, "Sign in first.")
    if principal.role not in TRAINER_ROLES:
        return error(403, f"Your role ({principal.role}) may not use the trainer studio.")
    path = STUDIO_DIR / name
    if not _ASSET_RE.fullmatch(name) or not path.is_file():
        return error(404, "No such studio file.")
    return response.raw(
        path.read_bytes(), content_type=_ASSET_TYPES[path.suffix], headers=_PAGE_HEADERS
    )


_WARMED: set[Path] = set()


def _warm_up(root: Path) -> None:
    """Validate once in the background, so that Rasa is imported and the project's files are
    parsed before the trainer's first save (cold, that takes 15-20 s; warm, about a second)."""
    if root in _WARMED:
        return
    _WARMED.add(root)

    def run() -> None:
        try:
            validate_project(root)
        except Exception:  # only a warm-up; a real save reports problems itself
            logger.exception("studio warm-up validation failed")

    threading.Thread(target=run, name="studio-warm-up", daemon=True).start()


@studio_api
async def me(request: Request, principal: Principal) -> HTTPResponse:
    _warm_up(project_root(request.app))
    return response.json(
        {
            "username": principal.username,
            "display_name": principal.display_name,
            "role": principal.role,
            "csrf_token": principal.csrf_token,
            "pages": [{"page": page, "title": title} for page, title in PAGES],
        },
        headers={"Cache-Control": "no-store"},
    )


# --------------------------------------------------------------------------- editing API


def _versions(body: dict[str, Any]) -> dict[str, str] | None:
    value = body.get("versions")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise StudioError("versions must be an object of file names and versions.")
    return value


def _body(request: Request) -> dict[str, Any]:
    body = json_body(request)
    if isinstance(body, HTTPResponse):
        if body.status == 413:
            raise StudioError(f"The request is larger than {MAX_BODY_BYTES} bytes.", status=413)
        raise StudioError("The request body must be a JSON object.", status=400)
    return body


async def _saved(call: Callable[[], tuple[Any, dict[str, str]]], status: int = 200) -> HTTPResponse:
    """Run a save off the event loop (validation takes a second); answer with its result."""
    started = time.perf_counter()
    result, new_versions = await asyncio.to_thread(call)
    seconds = round(time.perf_counter() - started, 3)
    return response.json(
        {"result": result, "versions": new_versions, "seconds": seconds}, status=status
    )


async def _read(call: Callable[[], Any]) -> HTTPResponse:
    return response.json(await asyncio.to_thread(call), headers={"Cache-Control": "no-store"})


@studio_api
async def intents_list(request: Request, principal: Principal) -> HTTPResponse:
    return await _read(lambda: nlu.list_intents(project_root(request.app)))


@studio_api
async def intent_get(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _read(lambda: nlu.intent_detail(project_root(request.app), name))


@studio_api
async def intent_add(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    language, example = body.get("language", "en"), body.get("example")
    examples = {language: [example]} if example not in (None, "") else {}
    root = project_root(request.app)
    return await _saved(
        lambda: nlu.add_intent(root, body.get("name"), examples, _versions(body)), status=201
    )


@studio_api
async def example_add(request: Request, principal: Principal, name: str) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(
        lambda: nlu.add_example(
            root,
            name,
            body.get("text"),
            str(body.get("language")),
            body.get("entities"),
            _versions(body),
        ),
        status=201,
    )


@studio_api
async def example_edit(request: Request, principal: Principal, name: str) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(
        lambda: nlu.edit_example(
            root,
            name,
            str(body.get("language")),
            body.get("old"),
            body.get("text"),
            body.get("entities"),
            _versions(body),
        )
    )


@studio_api
async def example_delete(request: Request, principal: Principal, name: str) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(
        lambda: nlu.delete_example(
            root, name, str(body.get("language")), body.get("text"), _versions(body)
        )
    )


@studio_api
async def responses_list(request: Request, principal: Principal) -> HTTPResponse:
    return await _read(lambda: responses.list_responses(project_root(request.app)))


@studio_api
async def response_add(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(
        lambda: responses.add_response(
            root, body.get("name"), body.get("texts") or {}, _versions(body)
        ),
        status=201,
    )


@studio_api
async def response_set(request: Request, principal: Principal, name: str) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    index = body.get("index")
    if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
        raise StudioError("index must be a whole number.")
    return await _saved(
        lambda: responses.set_response(
            root,
            name,
            str(body.get("language")),
            body.get("text"),
            body.get("case"),
            index,
            _versions(body),
        )
    )


@studio_api
async def response_delete(request: Request, principal: Principal, name: str) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(
        lambda: responses.delete_variant(root, name, body.get("index"), _versions(body))
    )


@studio_api
async def stories_list(request: Request, principal: Principal) -> HTTPResponse:
    return await _read(lambda: stories.list_stories(project_root(request.app)))


@studio_api
async def story_add(request: Request, principal: Principal) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(lambda: stories.create(root, body, _versions(body)), status=201)


@studio_api
async def story_update(
    request: Request, principal: Principal, kind: str, index: int
) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(lambda: stories.update(root, kind, index, body, _versions(body)))


@studio_api
async def story_delete(
    request: Request, principal: Principal, kind: str, index: int
) -> HTTPResponse:
    body = _body(request)
    root = project_root(request.app)
    return await _saved(
        lambda: stories.delete(root, kind, index, body.get("name"), _versions(body))
    )


@studio_api
async def validate(request: Request, principal: Principal) -> HTTPResponse:
    report = await asyncio.to_thread(validate_project, project_root(request.app))
    return response.json(report.as_dict(), status=200 if report.ok else 422)


#: (handler, path, method) of every studio route; tests walk this list.
STUDIO_ROUTES: list[tuple[Callable[..., Any], str, str]] = [
    (studio_home, "/studio", "GET"),
    (studio_page, "/studio/<page:str>", "GET"),
    (studio_asset, "/studio/static/<name:str>", "GET"),
    (me, "/studio/api/me", "GET"),
    (intents_list, "/studio/api/intents", "GET"),
    (intent_add, "/studio/api/intents", "POST"),
    (intent_get, "/studio/api/intents/<name:str>", "GET"),
    (example_add, "/studio/api/intents/<name:str>/examples", "POST"),
    (example_edit, "/studio/api/intents/<name:str>/examples", "PUT"),
    (example_delete, "/studio/api/intents/<name:str>/examples/delete", "POST"),
    (responses_list, "/studio/api/responses", "GET"),
    (response_add, "/studio/api/responses", "POST"),
    (response_set, "/studio/api/responses/<name:str>", "PUT"),
    (response_delete, "/studio/api/responses/<name:str>/delete", "POST"),
    (stories_list, "/studio/api/stories", "GET"),
    (story_add, "/studio/api/stories", "POST"),
    (story_update, "/studio/api/stories/<kind:str>/<index:int>", "PUT"),
    (story_delete, "/studio/api/stories/<kind:str>/<index:int>/delete", "POST"),
    (validate, "/studio/api/validate", "POST"),
]


def add_studio_routes(app: Sanic) -> None:
    """Serve the studio's pages and editing API, and studio-ops' routes when present."""
    for handler, path, method in STUDIO_ROUTES:
        name = "studio_" + re.sub(r"[^a-z0-9]+", "_", f"{method} {path}".lower()).strip("_")
        app.add_route(handler, path, methods=[method], name=name)
    try:
        ops = importlib.import_module("bot.web.studio_ops")
    except ModuleNotFoundError as missing:
        if missing.name != "bot.web.studio_ops":
            raise
        return
    ops.add_studio_ops_routes(app)
