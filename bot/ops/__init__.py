"""Operations: the production profile, Rasa's production endpoints, fault handling.

* :mod:`bot.ops.endpoints` — Rasa's production endpoints (Redis lock store, RabbitMQ broker).
* :mod:`bot.ops.stores` — the SQL tracker store that waits out a brief database outage.
* :mod:`bot.ops.fallback` — runs an action in the Rasa process when the action server is gone.
* :mod:`bot.ops.replay` — replays the outbox (:mod:`bot.store.outbox`) in the background.
* :mod:`bot.ops.delivery` — a replayed action's answer to the conversation and the customer.
* :mod:`bot.ops.rasa_main` — ``rasa`` with the patches of :mod:`bot.rasa_patches` installed, and
  without TensorFlow when the model uses none (:mod:`bot.ops.tensorflow_free`).
* :mod:`bot.ops.actions_main` — the action server (rasa_sdk) with log masking installed.
"""
