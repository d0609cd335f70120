"""The front end's shared ES modules (``bot/web/static/shared``) and the widget's labels.

The widget, the console and the studio import the same modules, each from its own path
(``/widget/shared/``, ``/console/shared/``, ``/studio/shared/``), so each app's access rules
apply. Only the allow-listed names are served; no name is ever joined to a path unchecked.
"""

from __future__ import annotations

from pathlib import Path

from sanic import response
from sanic.response import HTTPResponse

from bot.store.blocking import run_db

WEB_DIR = Path(__file__).resolve().parent
SHARED_DIR = WEB_DIR / "static" / "shared"
#: The widget's labels: one object of label strings per language key.
WIDGET_LABELS = WEB_DIR / "i18n" / "widget.json"

#: Every module in ``SHARED_DIR``; a test checks that the two agree.
SHARED_MODULES: frozenset[str] = frozenset({"api.js", "dom.js"})
JS_CONTENT_TYPE = "application/javascript; charset=utf-8"


def shared_module(name: str) -> bytes | None:
    """The bytes of the allow-listed module ``name``, else None (call it through run_db)."""
    if name not in SHARED_MODULES:
        return None
    path = SHARED_DIR / name
    return path.read_bytes() if path.is_file() else None


async def shared_module_response(name: str, headers: dict[str, str]) -> HTTPResponse | None:
    """The module ``name`` as a response with ``headers``, else None (the app refuses it in
    its own way)."""
    data = await run_db(shared_module, name)
    if data is None:
        return None
    return response.raw(data, content_type=JS_CONTENT_TYPE, headers=headers)
