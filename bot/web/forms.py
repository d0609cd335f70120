"""Request bodies and query strings, read into pydantic (v1) models.

:func:`parse` turns a validation failure into an :class:`bot.web.errors.ApiError`: 413 when a
text is longer than its limit, else 422, with a message that names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.web.errors import ApiError

Model = TypeVar("Model", bound=BaseModel)

_TOO_LONG = "value_error.any_str.max_length"


def parse(model: type[Model], data: Mapping[str, Any], message: str | None = None) -> Model:
    """``data`` as ``model``; raises 413 for an over-long text, else 422 (``message`` or the
    first problem, naming its field)."""
    try:
        return model.parse_obj(data)
    except ValidationError as problem:
        first = problem.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        status = 413 if first["type"] == _TOO_LONG else 422
        raise ApiError(status, message or f"Field {field!r}: {first['msg']}.") from None


def query_of(args: Mapping[str, list[str]]) -> dict[str, str]:
    """A request's query string as one value per name (the first)."""
    return {name: values[0] for name, values in args.items() if values}
