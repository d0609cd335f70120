"""Targeted speed-ups of Rasa 3.6 internals that profiling under load showed to cost.

Rasa checks every answer of the action server with ``jsonschema.validate(result, schema)``.
That call first validates the *schema itself* (``check_schema``), on every call, although the
schema is a constant: under load (py-spy, see docs/benchmarks.md) this was more than half of
the Rasa server's CPU time. :func:`install` gives ``RemoteAction`` a validator built once for
the same schema; an invalid answer still raises jsonschema's best-matching ``ValidationError``
with Rasa's message, exactly as before.

Installed by the channels (``bot.web.channel``), which every ``rasa run`` of this project loads.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.actions.action import RemoteAction

_INSTALLED = "_complaint_bot_cached_validator"


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result``, with the validator built once."""
    from jsonschema.exceptions import best_match

    error = best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        "the Action endpoint is valid. For more information about the format visit "
        "https://rasa.com/docs/rasa/custom-actions"
    )
    raise error


def install() -> None:
    """Patch Rasa (idempotent)."""
    if getattr(RemoteAction, _INSTALLED, False):
        return

    def _validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return validate_action_result(result)

    RemoteAction._validate_action_result = _validate
    setattr(RemoteAction, _INSTALLED, True)
