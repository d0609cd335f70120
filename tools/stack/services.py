"""Private Redis and PostgreSQL servers for the fault tests and the soak test.

A fault test stops and starts its database or Redis; doing that to the machine-wide services
would break everybody else's work, so these run their own ``redis-server`` and their own
PostgreSQL cluster (``initdb`` + ``pg_ctl``, run as the ``postgres`` user when we are root) on
a port and a data directory of their own. Both are the real servers, not stand-ins.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path


class ServiceError(RuntimeError):
    """A private service did not start or stop."""


def wait_port(host: str, port: int, up: bool = True, timeout: float = 30.0) -> None:
    """Wait until ``host:port`` accepts connections (``up``) or refuses them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                reachable = True
        except OSError:
            reachable = False
        if reachable == up:
            return
        time.sleep(0.1)
    raise ServiceError(f"{host}:{port} still {'down' if up else 'up'} after {timeout:.0f} s")


class PrivateRedis:
    """``redis-server`` on its own port, no persistence; :meth:`restart` keeps the port."""

    def __init__(self, port: int, work_dir: Path) -> None:
        self.port = port
        self.work_dir = work_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.work_dir),
             "--logfile", str(self.work_dir / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port("127.0.0.1", self.port)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        wait_port("127.0.0.1", self.port, up=False)

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise ServiceError(f"PostgreSQL's {name} is not installed")
    return path


class PrivatePostgres:
    """A PostgreSQL cluster of its own (trust auth, user ``postgres``) in ``work_dir``."""

    def __init__(self, port: int, work_dir: Path) -> None:
        self.port = port
        self.work_dir = work_dir
        self.data_dir = work_dir / "data"
        self.socket_dir = work_dir / "socket"

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*as_postgres, *command], capture_output=True, text=True)
        if result.returncode != 0:
            raise ServiceError(f"{' '.join(command)}: {result.stdout}{result.stderr}")

    def start(self) -> PrivatePostgres:
        if not (self.data_dir / "PG_VERSION").exists():
            self.work_dir.mkdir(parents=True, exist_ok=True)
            self.socket_dir.mkdir(exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.work_dir, "postgres", "postgres")
                shutil.chown(self.socket_dir, "postgres", "postgres")
            self._run(_pg_bin("initdb"), "-D", str(self.data_dir), "-U", "postgres",
                      "--auth=trust", "--no-sync", "-E", "UTF8")
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data_dir), "-w", "-l",
            str(self.work_dir / "postgres.log"),
            "-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=200",
            "start",
        )
        wait_port("127.0.0.1", self.port)
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data_dir), "-w", "-m", mode, "stop")
        wait_port("127.0.0.1", self.port, up=False)

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", future=True)
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def destroy(self) -> None:
        """Stop the cluster (if running) and delete its files."""
        with contextlib.suppress(ServiceError):
            self.stop("immediate")
        shutil.rmtree(self.work_dir, ignore_errors=True)


async def _queue_op(url: str, queue: str, delete: bool) -> int:
    import aio_pika

    connection = await aio_pika.connect_robust(url)
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True, passive=True)
        count = int(declared.declaration_result.message_count or 0)
        if delete:
            await declared.delete(if_unused=False, if_empty=False)
        return count
    finally:
        await connection.close()


def queue_depth(rabbitmq_url: str, queue: str, delete: bool = False) -> int:
    """How many events wait in ``queue`` on RabbitMQ (and delete it with ``delete``)."""
    return asyncio.run(_queue_op(rabbitmq_url, queue, delete))


async def _delete_exchange(url: str, exchange: str) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust(url)
    try:
        channel = await connection.channel()
        await channel.exchange_delete(exchange)
    finally:
        await connection.close()


def delete_exchange(rabbitmq_url: str, exchange: str) -> None:
    """Delete a run's own exchange on RabbitMQ (its queue goes with :func:`queue_depth`)."""
    asyncio.run(_delete_exchange(rabbitmq_url, exchange))
