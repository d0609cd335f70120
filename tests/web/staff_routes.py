"""The staff app's routes as (handler, path, method), read from its blueprints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sanic import Blueprint


def routes_of(*blueprints: Blueprint) -> list[tuple[Callable[..., Any], str, str]]:
    """Every route declared on ``blueprints`` (before any app registers them)."""
    found: list[tuple[Callable[..., Any], str, str]] = []
    for blueprint in blueprints:
        for route in blueprint._future_routes:
            for method in sorted(route.methods):
                found.append((route.handler, route.uri, method))
    return found
