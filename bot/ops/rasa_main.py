"""``rasa`` with this project's Rasa patches installed (see :mod:`bot.rasa_patches`).

``python -m bot.ops.rasa_main run ...`` takes exactly the arguments of ``rasa run``. With
``--enable-api`` it adds ``--auth-token`` / ``--jwt-secret`` from :mod:`bot.settings` here, in
the process, so that the secrets never appear in the process list; it refuses an open API.
"""

from __future__ import annotations

import sys

from rasa.__main__ import main

from bot.ops.endpoints import rasa_api_args
from bot.rasa_patches import install
from bot.settings import Settings, get_settings


def with_api_secrets(argv: list[str], settings: Settings) -> list[str]:
    """``argv`` with the API secrets after ``--enable-api``; an open API is refused."""
    if "--enable-api" not in argv or "--auth-token" in argv or "--jwt-secret" in argv:
        return argv
    secrets = rasa_api_args(settings)[1:]
    if not secrets:
        raise SystemExit("refusing to open Rasa's HTTP API without BOT_RASA_AUTH_TOKEN or "
                         "BOT_RASA_JWT_SECRET")
    return [*argv, *secrets]


if __name__ == "__main__":
    settings = get_settings()
    sys.argv = with_api_secrets(sys.argv, settings)
    install(settings)
    main()
