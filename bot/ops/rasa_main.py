"""``rasa`` with the action-server fallback installed (see :mod:`bot.ops.fallback`).

``python -m bot.ops.rasa_main run ...`` takes exactly the arguments of ``rasa run``.
"""

from __future__ import annotations

from rasa.__main__ import main

from bot.ops.fallback import install

if __name__ == "__main__":
    install()
    main()
