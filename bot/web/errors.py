"""The last line of defence: any error that escapes a route becomes a short JSON answer.

Routes refuse bad input themselves (JSON 4xx, see :mod:`bot.web.auth` and
:mod:`bot.web.rest`). Whatever still escapes is answered here: Sanic's own request errors
(malformed body, unknown URL, wrong method, too large) keep their 4xx status, anything else is
a 500 that names no code, file or exception; the details go to the log only.
"""

from __future__ import annotations

import logging

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


def json_error(request: Request, exception: Exception) -> HTTPResponse:
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
