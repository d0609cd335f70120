"""``rasa`` with this project's Rasa patches installed (see :mod:`bot.rasa_patches`).

``python -m bot.ops.rasa_main run ...`` takes exactly the arguments of ``rasa run``. With
``--enable-api`` it adds ``--auth-token`` / ``--jwt-secret`` from :mod:`bot.settings` here, in
the process, so that the secrets never appear in the process list; it refuses an open API.
Before Rasa is imported, a model that uses no TensorFlow component is set up to be served
without TensorFlow (:mod:`bot.ops.tensorflow_free`).
"""

from __future__ import annotations

import sys

from bot.ops.tensorflow_free import serve_without_tensorflow_if_unused
from bot.settings import Settings, get_settings


def with_api_secrets(argv: list[str], settings: Settings) -> list[str]:
    """``argv`` with the API secrets after ``--enable-api``; an open API is refused."""
    if "--enable-api" not in argv or "--auth-token" in argv or "--jwt-secret" in argv:
        return argv
    # heavy: the endpoints module imports Rasa, which must come after the TensorFlow decision
    from bot.ops.endpoints import rasa_api_args

    secrets = rasa_api_args(settings)[1:]
    if not secrets:
        raise SystemExit("refusing to open Rasa's HTTP API without BOT_RASA_AUTH_TOKEN or "
                         "BOT_RASA_JWT_SECRET")
    return [*argv, *secrets]


def main() -> None:
    """Decide on TensorFlow, then run Rasa's command line with the patches installed."""
    settings = get_settings()
    if sys.argv[1:2] == ["run"]:
        serve_without_tensorflow_if_unused(sys.argv[2:], settings.tensorflow == "load")
    sys.argv = with_api_secrets(sys.argv, settings)
    # heavy: Rasa is imported only after the TensorFlow decision above
    from rasa.__main__ import main as rasa_main

    # heavy: the patches import Rasa too
    from bot.rasa_patches import install

    install(settings)
    rasa_main()


if __name__ == "__main__":
    main()
