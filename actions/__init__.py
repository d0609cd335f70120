"""Custom actions of the complaint bot (rasa_sdk). They stay thin: the work is in ``bot``."""

from bot import logmask

logmask.install()  # personal data masked in the action server's logs
