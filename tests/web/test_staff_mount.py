"""The staff app is mounted by its own entry in ``credentials.yml``, not by the widget."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest
import yaml
from sanic import Sanic

from bot.settings import PROJECT_ROOT

SOCKETIO = "bot.web.channel.ComplaintSocketIOInput"
STAFF = "bot.web.staff.StaffApp"
_apps = count()


def _paths(credentials: Path) -> set[str]:
    from rasa.core.run import configure_app, create_http_input_channels

    Sanic.test_mode = True
    channels = create_http_input_channels(None, str(credentials))
    Sanic._app_registry.pop("rasa_core_no_api", None)  # one app per call in this process
    app = configure_app(channels, enable_api=False, use_uvloop=False)
    paths = {"/" + route.path.strip("/") for route in app.router.routes}
    Sanic._app_registry.pop(app.name, None)
    return paths


def _credentials(tmp_path: Path, drop: str | None) -> Path:
    data = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert SOCKETIO in data and STAFF in data
    if drop is not None:
        del data[drop]
    target = tmp_path / f"credentials-{next(_apps)}.yml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


STAFF_PATHS = {"/console", "/console/login", "/api/me", "/api/tokens", "/studio", "/studio/api/me"}


def test_the_project_credentials_mount_widget_and_staff_app(tmp_path: Path) -> None:
    paths = _paths(_credentials(tmp_path, None))
    assert paths >= STAFF_PATHS
    assert "/widget/widget.js" in paths


def test_without_the_socketio_channel_the_staff_app_stays(tmp_path: Path) -> None:
    paths = _paths(_credentials(tmp_path, SOCKETIO))
    assert paths >= STAFF_PATHS
    assert "/widget/widget.js" not in paths


@pytest.mark.parametrize("drop", [STAFF])
def test_without_the_staff_entry_no_staff_route_is_served(tmp_path: Path, drop: str) -> None:
    paths = _paths(_credentials(tmp_path, drop))
    assert not any(path.startswith(("/console", "/api", "/studio")) for path in paths)
    assert "/widget/widget.js" in paths
