"""The front end's shared ES modules and the widget's labels, on a bare Sanic app with the
widget routes and the staff blueprints: allow-listed names only, CORS for the widget, roles
for the console and the studio."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from rasa.server import configure_cors
from sanic import Sanic

from bot.settings import get_settings
from bot.web.channel import add_widget_routes
from bot.web.shared_assets import SHARED_DIR, SHARED_MODULES, WIDGET_LABELS
from bot.web.staff import staff_blueprint, staff_context
from tests.web.test_console_api import _seed
from tests.web.test_staff_blueprints import _bearer

pytest.importorskip("sanic_testing")

STATIC = SHARED_DIR.parent
_names = count()
# Names that must never reach a file: unknown, other folders' files, traversal, encodings.
REFUSED = (
    "nope.js",
    "dom",
    "dom.js.map",
    "widget.js",
    "studio.js",
    "..%2Fwidget.js",
    "..%2F..%2Fchannel.py",
    "%2e%2e%2f%2e%2e%2fchannel.py",
    "..%5C..%5Cchannel.py",
    "dom.js%00.png",
)


@pytest.fixture()
def app(sqlite_url: str) -> Iterator[Sanic]:
    Sanic.test_mode = True
    app = Sanic(f"shared_modules_{next(_names)}")
    app.ctx.console_database_url = sqlite_url
    staff_context(app, get_settings())
    app.blueprint(staff_blueprint(get_settings()))
    add_widget_routes(app)
    configure_cors(app, "*")  # as `rasa run --cors "*"` (bot.runner) does
    _seed(sqlite_url)
    yield app


def test_the_allow_list_is_the_shared_folder() -> None:
    on_disk = {path.name for path in SHARED_DIR.iterdir() if path.is_file()}
    assert on_disk == SHARED_MODULES


def test_every_shared_import_is_allow_listed() -> None:
    imported: set[str] = set()
    for script in STATIC.rglob("*.js"):
        text = script.read_text(encoding="utf-8")
        imported |= set(re.findall(r'from "(?:\.\./|\./)shared/([^"]+)"', text))
    assert imported and imported <= SHARED_MODULES


async def test_the_widget_serves_shared_modules_and_itself_to_any_origin(app: Sanic) -> None:
    for name in sorted(SHARED_MODULES):
        _, res = await app.asgi_client.get(
            f"/widget/shared/{name}", headers={"Origin": "https://shop.example"}
        )
        assert res.status == 200, name
        assert res.headers["content-type"].startswith("application/javascript")
        assert res.headers.get_list("access-control-allow-origin") == ["*"]
        assert res.headers["x-content-type-options"] == "nosniff"
        assert res.content == (SHARED_DIR / name).read_bytes()
    _, widget = await app.asgi_client.get(
        "/widget/widget.js", headers={"Origin": "https://shop.example"}
    )
    assert widget.status == 200
    # one value only: a second, reflected origin from sanic-cors makes browsers refuse it
    assert widget.headers.get_list("access-control-allow-origin") == ["*"]
    assert b'from "./shared/api.js"' in widget.content


async def test_unknown_and_traversing_names_are_404(app: Sanic) -> None:
    agent, trainer = await _bearer(app, "ana"), await _bearer(app, "tina")
    for name in REFUSED:
        for path, headers in (
            (f"/widget/shared/{name}", {}),
            (f"/console/shared/{name}", agent),
            (f"/studio/shared/{name}", trainer),
        ):
            _, res = await app.asgi_client.get(path, headers=headers)
            assert res.status == 404, (path, res.status)
            assert b"import" not in res.content and b"def " not in res.content


async def test_the_studio_and_console_modules_need_their_roles(app: Sanic) -> None:
    agent, trainer = await _bearer(app, "ana"), await _bearer(app, "tina")
    for prefix in ("/console/shared", "/studio/shared"):
        _, signed_out = await app.asgi_client.get(f"{prefix}/dom.js")
        assert signed_out.status == 401 and signed_out.json["error"]
    _, agent_studio = await app.asgi_client.get("/studio/shared/dom.js", headers=agent)
    assert agent_studio.status == 403
    for prefix, who in (("/console/shared", agent), ("/studio/shared", trainer)):
        _, res = await app.asgi_client.get(f"{prefix}/api.js", headers=who)
        assert res.status == 200, prefix
        assert res.headers["content-type"].startswith("application/javascript")
        assert res.content == (SHARED_DIR / "api.js").read_bytes()


async def test_the_widget_labels_are_a_cacheable_language_map(app: Sanic) -> None:
    _, res = await app.asgi_client.get(
        "/widget/labels.json", headers={"Origin": "https://shop.example"}
    )
    assert res.status == 200
    assert res.headers.get_list("access-control-allow-origin") == ["*"]
    assert "max-age=" in res.headers["cache-control"]
    labels = res.json
    assert labels == json.loads(Path(WIDGET_LABELS).read_text(encoding="utf-8"))
    assert {"en", "hr", "bs", "sr-Latn", "sr-Cyrl"} <= set(labels)
    keys = set(labels["en"])
    assert {"open", "close", "placeholder", "send", "tooLong"} <= keys
    for language, strings in labels.items():
        assert set(strings) == keys, language
        assert all(isinstance(text, str) and text.strip() for text in strings.values())
    assert labels["hr"]["open"] == "Otvori razgovor"


async def test_the_demo_page_embeds_the_widget_as_one_module_script(app: Sanic) -> None:
    _, res = await app.asgi_client.get("/widget/demo")
    assert res.status == 200
    tags = re.findall(r"<script[^>]*>", res.text)
    assert len(tags) == 1 and 'type="module"' in tags[0] and "/widget/widget.js" in tags[0]
    assert "&lt;script type=&quot;module&quot;" in res.text  # the snippet shown to site owners
