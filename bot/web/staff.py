"""The staff app: sign-in, the agent console and its JSON API, the trainer studio.

A Rasa input channel of its own, named in ``credentials.yml`` as
``bot.web.staff.StaffApp``, so that it is mounted explicitly and independently of the
customers' channels. It receives no customer messages; it only serves its blueprints:

========================  =========================================================
:mod:`bot.web.auth`       ``/console/login``, ``/console/login.css``,
                          ``/console/logout``, ``/api/tokens``
:mod:`bot.web.console`    ``/console``, ``/console/static/<name>``, ``/api/...``
:mod:`bot.web.commitments` ``/api/commitments...``, ``/api/complaints/<ticket>/commitments``
:mod:`bot.web.studio`     ``/studio``, ``/studio/<page>``, ``/studio/static/<name>``,
                          the studio's editing API under ``/studio/api/``
:mod:`bot.web.studio_ops` training, models, evaluation, review, analytics under
                          ``/studio/api/``, and ``/api/review/corrections``
========================  =========================================================

When the server starts, the settings it was given are put on ``app.ctx.settings`` once, with
the database (``app.ctx.console_database_url``) and the edited project
(``app.ctx.studio_project_dir``) derived from them unless a test set them first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic
from sanic.blueprint_group import BlueprintGroup

from bot.settings import Settings, get_settings
from bot.web.auth import auth_routes
from bot.web.commitments import commitment_routes
from bot.web.console import console_routes
from bot.web.customers import customer_routes
from bot.web.errors import json_error
from bot.web.inbox_pages import SharedPages
from bot.web.mail import mail_routes
from bot.web.studio import studio_routes
from bot.web.studio_ops import studio_ops_routes

#: The staff app's blueprints, in the order they are mounted.
STAFF_BLUEPRINTS: tuple[Blueprint, ...] = (
    auth_routes,
    console_routes,
    customer_routes,
    commitment_routes,
    studio_routes,
    studio_ops_routes,
    mail_routes,
)
for _blueprint in STAFF_BLUEPRINTS:  # refusals (ApiError) and anything else: JSON
    _blueprint.exception(Exception)(json_error)


def staff_context(app: Sanic, settings: Settings) -> None:
    """Put ``settings`` and what derives from them on ``app.ctx`` (keeping what is set)."""
    if getattr(app.ctx, "settings", None) is None:
        app.ctx.settings = settings
    if getattr(app.ctx, "console_database_url", None) is None:
        app.ctx.console_database_url = settings.database_url
    if getattr(app.ctx, "studio_project_dir", None) is None:
        app.ctx.studio_project_dir = settings.project_dir
    if getattr(app.ctx, "inbox_pages", None) is None:
        app.ctx.inbox_pages = SharedPages()


def staff_blueprint(settings: Settings) -> BlueprintGroup:
    """Every staff route, with JSON errors and the settings put on the app at start."""
    setup = Blueprint("staff_app")

    @setup.listener("before_server_start")
    async def _settings(app: Sanic, _loop: Any) -> None:
        staff_context(app, settings)

    return Blueprint.group(setup, *STAFF_BLUEPRINTS)


class StaffApp(InputChannel):
    """The staff app as a Rasa input channel (it takes no customer messages)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def name(cls) -> str:
        return "staff"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Built once by ``rasa run``: the server's entry point for the staff app's settings."""
        return cls(get_settings())

    def url_prefix(self) -> str:
        """The staff routes keep their own absolute paths (``/console``, ``/api``, ``/studio``)."""
        return "/"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> BlueprintGroup:
        return staff_blueprint(self.settings)
