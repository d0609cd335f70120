"""A real HTTP server on a free loopback port, for tests of the tools' HTTP clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from aiohttp import web


@asynccontextmanager
async def local_server(routes: Iterable[web.RouteDef]) -> AsyncIterator[str]:
    """Serve ``routes`` until the block ends; yields the base URL."""
    app = web.Application()
    app.add_routes(list(routes))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
