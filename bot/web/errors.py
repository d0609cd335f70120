"""Errors of the web routes, turned into JSON in one place.

Handlers refuse a request by raising :class:`ApiError` (status, message, extra fields);
:func:`json_error` answers it as ``{"error": message, "status": status, **extra}``. Whatever
else escapes is answered here too: Sanic's own request errors
(malformed body, unknown URL, wrong method, too large) keep their 4xx status, anything else is
a 500 that names no code, file or exception; the details go to the log only.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal of a request: answered as JSON with ``status`` by :func:`json_error`."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def response(self) -> HTTPResponse:
        body = {"error": self.message, "status": self.status, **self.extra}
        return response.json(body, status=self.status, headers=self.headers)


def json_error(request: Request, exception: Exception) -> HTTPResponse:
    if isinstance(exception, ApiError):
        return exception.response()
    status = (
        getattr(exception, "status_code", 500) if isinstance(exception, SanicException) else 500
    )
    if not isinstance(status, int) or not 400 <= status <= 599:
        status = 500
    if status >= 500:
        if isinstance(exception, SanicException):  # e.g. a client gone mid-request (503)
            logger.info("%s %s: %s (%d)", request.method, request.path, exception, status)
        else:
            logger.error(
                "unhandled error on %s %s", request.method, request.path, exc_info=exception
            )
        message = "Internal error; the problem has been logged."
    else:
        message = str(exception).splitlines()[0][:200] if str(exception) else "Bad request."
    headers = getattr(exception, "headers", None) or {}
    return response.json({"error": message, "status": status}, status=status, headers=headers)


def install_error_handler(app: Sanic) -> None:
    """Answer every otherwise unhandled exception of ``app`` with :func:`json_error`."""
    app.error_handler.add(Exception, json_error)
