"""Engines, sessions and migrations.

Engines are created lazily on first use and cached per URL; importing this module connects to
nothing. The URL comes from the caller or, when omitted, from ``bot.settings``.

SQLite is shared by two processes (the Rasa server and the action server), so every SQLite
connection runs in WAL mode with a busy timeout and foreign keys on, and every transaction
starts with ``BEGIN IMMEDIATE``: a transaction that first reads and later writes would
otherwise fail at once with ``database is locked`` (SQLITE_BUSY_SNAPSHOT, which the busy
timeout does not cover) whenever the other process committed in between. Taking the write
lock up front makes concurrent writers queue on the busy timeout instead. Transactions here are
short, so readers waiting for a writer is the cheaper trade.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"

#: How long an SQLite connection waits for the other process's write lock.
SQLITE_BUSY_TIMEOUT_MS = 15_000

#: Arbitrary key of the PostgreSQL advisory lock that serialises concurrent migrations.
_MIGRATION_LOCK_ID = 0x636F6D706C61696E

_lock = threading.Lock()
_migrate_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_sessionmakers: dict[str, sessionmaker] = {}


class StoreError(ValueError):
    """Invalid input to the store, a forbidden operation, or an unusable database URL."""


def resolve_url(url: str) -> str:
    """``url``, with ``postgres://`` (as some hosting providers spell it) accepted as
    ``postgresql://``. The URL always comes from the caller, who got it from the settings that
    the process's entry point built."""
    url = url.strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url


def safe_url(url: str) -> str:
    """``url`` with the password masked, for messages and logs."""
    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return "<invalid database URL>"


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as error:
        raise StoreError(f"not a valid database URL: {safe_url(url)}") from error


def _is_sqlite_memory(parsed: URL) -> bool:
    database = parsed.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            # In WAL mode a commit then appends to the log without waiting for the disk; the
            # database stays consistent after any crash, and only a power loss or an OS crash
            # can undo the last commits. Rasa's tracker store on the same file commits so too
            # (bot.rasa_patches.tracker_engine_kwargs). PostgreSQL is the durable choice.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes SQLite's write lock up front (no upgrade deadlock); a reader must not,
        # or every read would queue behind the tracker store's writes to the same file.
        connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def _create_engine(url: str) -> Engine:
    parsed = _parse_url(url)
    kwargs: dict[str, Any] = {"future": True}
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        if _is_sqlite_memory(parsed):
            # One shared connection, or every session would see its own empty database.
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            Path(parsed.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
            # SQLAlchemy 1.4 opens a new connection per session for SQLite files (NullPool);
            # with the PRAGMAs below that was ~5 % of the Rasa server's CPU per message. A pooled
            # connection is used by one thread at a time, so sharing it across threads is safe.
            kwargs.update(
                poolclass=QueuePool,
                pool_size=5,
                max_overflow=10,
                connect_args={"check_same_thread": False},
            )
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError) as error:
        raise StoreError(f"cannot use database URL {safe_url(url)}: {error}") from error
    if is_sqlite:
        _configure_sqlite(engine)
    return engine


def get_engine(url: str) -> Engine:
    """The engine for ``url`` (default: the settings' ``DATABASE_URL``), created on first use."""
    key = resolve_url(url)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _create_engine(key)
        return engine


def get_sessionmaker(url: str) -> sessionmaker:
    """A cached session factory bound to :func:`get_engine` (objects stay usable after commit)."""
    key = resolve_url(url)
    engine = get_engine(key)
    with _lock:
        factory = _sessionmakers.get(key)
        if factory is None:
            factory = _sessionmakers[key] = sessionmaker(
                bind=engine, future=True, expire_on_commit=False
            )
        return factory


#: Set while a :func:`read_scope` is open in this thread or task.
_read_only: ContextVar[bool] = ContextVar("read_only", default=False)


@contextmanager
def read_scope(url: str) -> Iterator[Session]:
    """A session for reading only: on SQLite it does not take the write lock.

    Its transaction is rolled back at the end, so a write made in it by mistake is lost
    rather than committed without the lock: ``close`` gives the connection back to the pool,
    which rolls it back. (``Session.rollback`` first would also expire every object read, one
    by one: a tenth of the CPU of an inbox page.)
    """
    token = _read_only.set(True)
    session: Session = get_sessionmaker(url)()
    try:
        yield session
    finally:
        session.close()
        _read_only.reset(token)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session: Session = get_sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engines() -> None:
    """Close every cached engine and forget it (tests; after ``fork``)."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
        _sessionmakers.clear()
    for engine in engines:
        engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code: no ini file, no logging setup.

    With ``connection``, ``env.py`` migrates over that connection; otherwise it uses
    ``-x url=...``, ``sqlalchemy.url`` or the settings, in that order.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(url: str) -> None:
    """Bring the schema of ``url`` to the newest revision (``alembic upgrade head``).

    Safe to call from several processes starting at once: the whole upgrade runs in one
    transaction, serialised by ``BEGIN IMMEDIATE`` on SQLite and an advisory lock on PostgreSQL.
    Within a process a lock serialises calls too, because Alembic's ``context`` is global.
    """
    with _migrate_lock, get_engine(url).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
        command.upgrade(alembic_config(connection), "head")


def head_revision() -> str:
    """The newest migration revision shipped with the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError("no migrations found")
    return str(head)


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at, or ``None`` when it was never migrated."""
    with get_engine(url).connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    return None if revision is None else str(revision)
