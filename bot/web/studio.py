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

import importlib
import logging
import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings
from bot.studio.errors import StudioError
from bot.web.auth import TRAINER_ROLES, Principal, error, principal_of
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


@studio_api
async def me(request: Request, principal: Principal) -> HTTPResponse:
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


#: (handler, path, method) of every studio route; tests walk this list.
STUDIO_ROUTES: list[tuple[Callable[..., Any], str, str]] = [
    (studio_home, "/studio", "GET"),
    (studio_page, "/studio/<page:str>", "GET"),
    (studio_asset, "/studio/static/<name:str>", "GET"),
    (me, "/studio/api/me", "GET"),
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
