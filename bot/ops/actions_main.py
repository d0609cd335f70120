"""The action server: ``python -m bot.ops.actions_main --port 5055`` (rasa_sdk's own arguments).

It is ``python -m rasa_sdk --actions actions`` with personal data masked in the logs
(:mod:`bot.logmask`), installed here, explicitly, before rasa_sdk loads the ``actions`` package.
"""

from __future__ import annotations

from rasa_sdk.__main__ import main

from bot import logmask

if __name__ == "__main__":
    logmask.install()
    main()
