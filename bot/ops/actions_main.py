"""The action server: ``python -m bot.ops.actions_main --actions actions --port 5055``.

rasa_sdk's own server and arguments, with four differences:

* personal data is masked in the logs (:mod:`bot.logmask`), installed here, explicitly, before
  rasa_sdk loads the ``actions`` package;
* it binds to ``actions_host`` (loopback by default), not to rasa_sdk's ``0.0.0.0``;
* the learned escalation models are trained before the first request, not during it;
* every call except ``/health`` must carry the shared secret ``actions_token`` as
  ``Authorization: Bearer <token>`` (Rasa sends it from ``endpoints.yml``); others get 401.
  Anyone who reaches the port could otherwise post a forged tracker to ``/webhook``: hand
  another customer to the queue, invent complaints, read any ticket's status.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logmask
from bot.policy import learned
from bot.settings import get_settings

#: Paths answered without the secret: the liveness check only.
OPEN_PATHS = frozenset({"/health"})


def require_token(app: Sanic, token: str) -> None:
    """Refuse (401) every request but :data:`OPEN_PATHS` without ``Bearer <token>``."""
    if not token:
        raise ValueError("the action server needs a token")
    expected = f"Bearer {token}".encode()

    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        sent = (request.headers.get("authorization") or "").encode()
        if hmac.compare_digest(sent, expected):
            return None
        return response.json({"error": "This action server needs its token."}, status=401)

    app.register_middleware(check_token, "request")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse rasa_sdk's arguments, then serve the actions on ``actions_host`` with the token."""
    logmask.install()
    args = create_argument_parser().parse_args(argv)
    settings = get_settings()
    if not settings.actions_token:
        raise SystemExit(
            "the action server refuses to start without BOT_ACTIONS_TOKEN, the secret Rasa "
            "sends with every action call (`python -m bot run` makes one per run)"
        )
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    require_token(app, settings.actions_token)
    # The learned escalation models (bot.policy.learned) train in a second or two: do it now,
    # not on the first customer's message.
    learned.models()
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    app.run(
        settings.actions_host,
        args.port,
        ssl=ssl_context,
        workers=utils.number_of_sanic_workers(),
    )


if __name__ == "__main__":
    main()
