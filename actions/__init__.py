"""Custom actions of the complaint bot (rasa_sdk). They stay thin: the work is in ``bot``."""
