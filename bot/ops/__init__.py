"""Operations: the production profile, several instances behind nginx, fault handling, soak.

* :mod:`bot.ops.endpoints` — Rasa's production endpoints (Redis lock store, RabbitMQ broker).
* :mod:`bot.ops.stores` — the SQL tracker store that waits out a brief database outage.
* :mod:`bot.ops.fallback` — runs an action in the Rasa process when the action server is gone.
* :mod:`bot.ops.rasa_main` — ``rasa`` with the fallback installed.
* :mod:`bot.ops.stack` — several Rasa and action servers behind nginx (``python -m bot prod up``).
* :mod:`bot.ops.soak` — the soak test (``python -m bot prod soak``).
"""
