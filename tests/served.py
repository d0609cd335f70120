"""A Sanic app served on a free local port for the length of a test: the staff app and the
widget channel as the Rasa server mounts them, without Rasa."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sanic import Sanic


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def serving(app: Sanic, *, listeners: bool = True) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 and yield its base URL; ``listeners`` runs its start and
    stop listeners (the staff app's background tasks, the channel's socket.io server)."""
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    if listeners:
        await server.before_start()
        await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        if listeners:
            await server.before_stop()
        closing = server.close()
        if closing is not None:
            await closing
        if listeners:
            await server.after_stop()
