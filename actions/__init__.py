"""Custom actions of the complaint bot (rasa_sdk). They stay thin: the work is in ``bot``.

The action server is started by :mod:`bot.ops.actions_main`, which masks personal data in its
logs before rasa_sdk loads this package.
"""
