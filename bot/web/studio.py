"""The trainer studio (``/studio``): pages and JSON API for editing the Rasa project.

One blueprint, :data:`studio_routes`, mounted by the staff app (:mod:`bot.web.staff`).

Contract for the studio's pages (this module serves the editing half; ``bot/web/studio_ops.py``
serves training, evaluation, review and analytics):

* **Pages.** ``GET /studio/<page>`` serves ``bot/web/static/studio/<page>.html`` for every page
  in :data:`PAGES`; a signed-out visitor is sent to ``/console/login?next=/studio/<page>``, a
  signed-in non-trainer gets 403. ``/studio`` redirects to the first page.
* **Assets.** ``GET /studio/static/<name>`` serves ``<name>`` from the same folder when it is
  a ``.js``, ``.css``, ``.svg`` or ``.png`` file (no sub-folders), to trainers only;
  ``GET /studio/shared/<name>.js`` the front end's shared modules (``static/shared``:
  ``dom.js``, ``api.js``), to trainers only.
* **Page skeleton.** Each page's HTML has ``<body data-page="<page>">``, an empty
  ``<nav id="studio-nav"></nav>``, a ``<div id="studio-message" role="status"></div>`` and
  loads ``/studio/static/studio.css`` and its own script as an ES module
  (``<script type="module">``; the CSP forbids inline scripts and styles). The page's module
  imports ``./studio.js``, which fills in the navigation (:data:`PAGES` order, the current
  page marked) and exports ``api(method, path, body?)`` (``../shared/api.js``: JSON fetch with
  the CSRF header; resolves to the answer, throws an ``ApiError`` with the server's ``error``,
  the ``status`` and the body as ``data``), ``el(tag, attrs, ...children)``
  (``../shared/dom.js``: children strings become text nodes, so nothing is parsed as HTML),
  ``say(text, kind)`` (``kind`` "ok" | "error" | "info"; shows text in ``#studio-message``),
  ``sayError(error)`` (the ``error`` and ``problems`` of a refusal) and ``ready`` (a promise
  of ``/studio/api/me``: username, role, csrf_token).
* **JSON API.** Routes live under ``/studio/api/``. Decorate handlers with :func:`studio_api`:
  it checks the sign-in and the trainer role (401/403, CSRF on unsafe methods), turns a raised
  :class:`bot.studio.errors.StudioError` into ``{"error", "status", ...details}`` with its
  status, and any other exception into a logged 500 without a traceback. Bodies are read into
  pydantic models with :func:`bot.web.forms.parse` (64 KiB limit).
* **Project.** :func:`project_root` is the Rasa project being edited
  (``app.ctx.studio_project_dir``, set from the settings when the staff app starts unless
  a test set it first).
* **Evaluation results.** The intents page reads per-intent figures from
  ``<project>/var/studio/evaluations/latest.json`` written by studio-ops:
  ``{"finished_at": ISO, "intents": {"<intent>": {"precision": f, "recall": f, "f1": f,
  "support": n}}}``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from pydantic import BaseModel, StrictInt, StrictStr
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.store.blocking import run_staff_db
from bot.studio import responses, stories
from bot.studio import training_examples as nlu
from bot.studio.errors import StudioError
from bot.studio.validation import validate_project
from bot.web.auth import TRAINER_ROLES, Handler, Principal, json_body, principal_of
from bot.web.console import _PAGE_HEADERS, api, read_file
from bot.web.errors import ApiError
from bot.web.forms import Model, parse
from bot.web.shared_assets import shared_module_response

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

studio_routes = Blueprint("staff_studio")


def project_root(app: Sanic) -> Path:
    """The Rasa project the studio edits (set once when the staff app starts)."""
    return Path(app.ctx.studio_project_dir)


def studio_api(handler: Handler, roles: tuple[str, ...] = TRAINER_ROLES) -> Handler:
    """A studio JSON route: sign-in and role checked, :class:`StudioError` raised as
    :class:`ApiError`."""

    @wraps(handler)
    async def mapped(request: Request, principal: Principal, *args: Any, **kwargs: Any) -> Any:
        try:
            return await handler(request, principal, *args, **kwargs)
        except StudioError as problem:
            raise ApiError(problem.status, problem.message, **problem.details) from None

    return api(roles)(mapped)


def body_of(request: Request, model: type[Model]) -> Model:
    """The request's JSON body as ``model`` (400/413/422 when it is not one)."""
    return parse(model, json_body(request))


# --------------------------------------------------------------------------- pages


async def _page_refusal(request: Request, page: str) -> HTTPResponse | None:
    principal = await principal_of(request)
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


@studio_routes.route("/studio", methods=["GET"])
async def studio_home(request: Request) -> HTTPResponse:
    first = PAGES[0][0]
    refused = await _page_refusal(request, first)
    return refused or response.redirect(f"/studio/{first}", status=303)


@studio_routes.route("/studio/<page:str>", methods=["GET"])
async def studio_page(request: Request, page: str) -> HTTPResponse:
    if page not in dict(PAGES):
        raise ApiError(404, "No such studio page.")
    refused = await _page_refusal(request, page)
    if refused is not None:
        return refused
    html = await run_staff_db(read_file, STUDIO_DIR / f"{page}.html")
    if html is None:
        raise ApiError(404, "No such studio page.")
    return response.raw(html, content_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


async def _asset_refusal(request: Request) -> None:
    principal = await principal_of(request)
    if principal is None:
        raise ApiError(401, "Sign in first.")
    if principal.role not in TRAINER_ROLES:
        raise ApiError(403, f"Your role ({principal.role}) may not use the trainer studio.")


@studio_routes.route("/studio/shared/<name:str>", methods=["GET"])
async def studio_shared(request: Request, name: str) -> HTTPResponse:
    """The front end's shared ES modules (:mod:`bot.web.shared_assets`), to trainers."""
    await _asset_refusal(request)
    served = await shared_module_response(name, _PAGE_HEADERS)
    if served is None:
        raise ApiError(404, "No such studio file.")
    return served


@studio_routes.route("/studio/static/<name:str>", methods=["GET"])
async def studio_asset(request: Request, name: str) -> HTTPResponse:
    await _asset_refusal(request)
    path = STUDIO_DIR / name
    data = await run_staff_db(read_file, path) if _ASSET_RE.fullmatch(name) else None
    if data is None:
        raise ApiError(404, "No such studio file.")
    return response.raw(data, content_type=_ASSET_TYPES[path.suffix], headers=_PAGE_HEADERS)


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


@studio_routes.route("/studio/api/me", methods=["GET"])
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

Versions = Optional[dict[StrictStr, StrictStr]]  # noqa: UP045 (a runtime alias for pydantic)


class Versioned(BaseModel):
    """Every edit: the versions of the files the editor last read (stale edits get 409)."""

    versions: Versions = None


class IntentRequest(Versioned):
    name: Any = None
    language: StrictStr = "en"
    example: Any = None


class ExampleRequest(Versioned):
    language: StrictStr
    text: Any = None
    entities: Any = None


class ExampleEdit(ExampleRequest):
    old: Any = None


class ResponseRequest(Versioned):
    name: Any = None
    texts: dict[str, Any] | None = None


class ResponseEdit(Versioned):
    language: StrictStr
    text: Any = None
    case: Any = None
    index: StrictInt | None = None


class VariantDelete(Versioned):
    index: Any = None


class StoryDelete(Versioned):
    name: Any = None


async def _saved(call: Callable[[], tuple[Any, dict[str, str]]], status: int = 200) -> HTTPResponse:
    """Run a save off the event loop (validation takes a second); answer with its result."""
    started = time.perf_counter()
    result, new_versions = await run_staff_db(call)
    seconds = round(time.perf_counter() - started, 3)
    return response.json(
        {"result": result, "versions": new_versions, "seconds": seconds}, status=status
    )


Change = Callable[[Path, Model], tuple[Any, dict[str, str]]]


async def _edit(
    request: Request, model: type[Model], change: Change[Model], status: int = 200
) -> HTTPResponse:
    """The body read as ``model``, then ``change(project, body)`` saved (:func:`_saved`)."""
    body = body_of(request, model)
    root = project_root(request.app)
    return await _saved(lambda: change(root, body), status)


async def _read(request: Request, read: Callable[[Path], Any]) -> HTTPResponse:
    """``read(project)`` off the event loop, answered uncached."""
    root = project_root(request.app)
    return response.json(await run_staff_db(read, root), headers={"Cache-Control": "no-store"})


@studio_routes.route("/studio/api/intents", methods=["GET"])
@studio_api
async def intents_list(request: Request, principal: Principal) -> HTTPResponse:
    return await _read(request, nlu.list_intents)


@studio_routes.route("/studio/api/intents/<name:str>", methods=["GET"])
@studio_api
async def intent_get(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _read(request, lambda root: nlu.intent_detail(root, name))


@studio_routes.route("/studio/api/intents", methods=["POST"])
@studio_api
async def intent_add(request: Request, principal: Principal) -> HTTPResponse:
    def add(root: Path, body: IntentRequest) -> tuple[Any, dict[str, str]]:
        examples = {body.language: [body.example]} if body.example not in (None, "") else {}
        return nlu.add_intent(root, body.name, examples, body.versions)

    return await _edit(request, IntentRequest, add, status=201)


@studio_routes.route("/studio/api/intents/<name:str>/examples", methods=["POST"])
@studio_api
async def example_add(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _edit(
        request,
        ExampleRequest,
        lambda root, body: nlu.add_example(
            root, name, body.text, body.language, body.entities, body.versions
        ),
        status=201,
    )


@studio_routes.route("/studio/api/intents/<name:str>/examples", methods=["PUT"])
@studio_api
async def example_edit(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _edit(
        request,
        ExampleEdit,
        lambda root, body: nlu.edit_example(
            root, name, body.language, body.old, body.text, body.entities, body.versions
        ),
    )


@studio_routes.route("/studio/api/intents/<name:str>/examples/delete", methods=["POST"])
@studio_api
async def example_delete(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _edit(
        request,
        ExampleRequest,
        lambda root, body: nlu.delete_example(root, name, body.language, body.text, body.versions),
    )


@studio_routes.route("/studio/api/responses", methods=["GET"])
@studio_api
async def responses_list(request: Request, principal: Principal) -> HTTPResponse:
    return await _read(request, responses.list_responses)


@studio_routes.route("/studio/api/responses", methods=["POST"])
@studio_api
async def response_add(request: Request, principal: Principal) -> HTTPResponse:
    return await _edit(
        request,
        ResponseRequest,
        lambda root, body: responses.add_response(root, body.name, body.texts or {}, body.versions),
        status=201,
    )


@studio_routes.route("/studio/api/responses/<name:str>", methods=["PUT"])
@studio_api
async def response_set(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _edit(
        request,
        ResponseEdit,
        lambda root, body: responses.set_response(
            root, name, body.language, body.text, body.case, body.index, body.versions
        ),
    )


@studio_routes.route("/studio/api/responses/<name:str>/delete", methods=["POST"])
@studio_api
async def response_delete(request: Request, principal: Principal, name: str) -> HTTPResponse:
    return await _edit(
        request,
        VariantDelete,
        lambda root, body: responses.delete_variant(root, name, body.index, body.versions),
    )


@studio_routes.route("/studio/api/stories", methods=["GET"])
@studio_api
async def stories_list(request: Request, principal: Principal) -> HTTPResponse:
    return await _read(request, stories.list_stories)


@studio_routes.route("/studio/api/stories", methods=["POST"])
@studio_api
async def story_add(request: Request, principal: Principal) -> HTTPResponse:
    body = json_body(request)  # the story itself: bot.studio.stories checks every part
    versions = parse(Versioned, body).versions
    root = project_root(request.app)
    return await _saved(lambda: stories.create(root, body, versions), status=201)


@studio_routes.route("/studio/api/stories/<kind:str>/<index:int>", methods=["PUT"])
@studio_api
async def story_update(
    request: Request, principal: Principal, kind: str, index: int
) -> HTTPResponse:
    body = json_body(request)  # the story itself: bot.studio.stories checks every part
    versions = parse(Versioned, body).versions
    root = project_root(request.app)
    return await _saved(lambda: stories.update(root, kind, index, body, versions))


@studio_routes.route("/studio/api/stories/<kind:str>/<index:int>/delete", methods=["POST"])
@studio_api
async def story_delete(
    request: Request, principal: Principal, kind: str, index: int
) -> HTTPResponse:
    return await _edit(
        request,
        StoryDelete,
        lambda root, body: stories.delete(root, kind, index, body.name, body.versions),
    )


@studio_routes.route("/studio/api/validate", methods=["POST"])
@studio_api
async def validate(request: Request, principal: Principal) -> HTTPResponse:
    report = await run_staff_db(validate_project, project_root(request.app))
    return response.json(report.as_dict(), status=200 if report.ok else 422)
