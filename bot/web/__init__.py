"""The website channel: Rasa's socket.io protocol plus the embeddable chat widget."""

from bot.web.channel import (
    MAX_MESSAGE_LENGTH,
    ComplaintSocketIOInput,
    issue_session_id,
    validate_message,
    verify_session_id,
)

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "ComplaintSocketIOInput",
    "issue_session_id",
    "validate_message",
    "verify_session_id",
]
