"""The one exception the studio raises for a refusal the trainer should read."""

from __future__ import annotations

from typing import Any


class StudioError(Exception):
    """A refused studio operation: ``status`` is the HTTP status the web routes answer with
    (404 unknown thing, 409 stale version, 413 too big, 422 invalid or refused by Rasa's
    validator); ``details`` go into the JSON answer too (e.g. the validator's messages)."""

    def __init__(self, message: str, status: int = 422, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details


class StaleVersion(StudioError):
    """The file changed since the trainer loaded it: someone else saved first."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} was changed by someone else since you opened it. "
            "Reload to see their change, then make yours again.",
            status=409,
        )
