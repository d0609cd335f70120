"""Alembic environment for the complaint store.

The database URL never comes from ``alembic.ini``. In order of preference it is: the
connection passed by :func:`bot.store.db.migrate` (``config.attributes["connection"]``),
``alembic -x url=...``, a non-empty ``sqlalchemy.url`` option, and finally ``DATABASE_URL``
from :mod:`bot.settings`.

Only the tables of :mod:`bot.store.tables` are compared by autogenerate: the database is
shared with Rasa's tracker store, whose tables must never show up as "to drop".
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.db import get_engine, resolve_url
from bot.store.tables import Base, include_name

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("no database URL: use `python -m bot db migrate`, or pass -x url=...")
    return resolve_url(url)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        compare_type=True,
        # Batch mode lets ALTERs run on SQLite too (copy-and-move); harmless elsewhere.
        render_as_batch=True,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        include_name=include_name,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over the caller's connection, or over the cached engine for the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine(_url()).connect() as own_connection:
        _configure(own_connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
