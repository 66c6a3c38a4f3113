"""Alembic environment for sns_desk.

The application runs migrations through :func:`sns_desk.storage.database.upgrade_database`,
which passes its own connection in ``config.attributes["connection"]``.  Without one
(e.g. the ``alembic`` command line with ``sns_desk/storage/alembic.ini``) the URL comes
from ``sqlalchemy.url`` or, when that is unset, from ``--db``'s usual fallbacks.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from sns_desk.config import resolve_db_url
from sns_desk.storage.database import schema_lock
from sns_desk.storage.engine import make_engine
from sns_desk.storage.models import Base, is_search_index_table

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Leave the SQLite search index (FTS5 and its shadow tables) out of autogenerate."""
    return not (type_ == "table" and is_search_index_table(name))


def _configured_url() -> str:
    return config.get_main_option("sqlalchemy.url") or resolve_db_url(None)


def run_migrations_offline() -> None:
    """Emit the migration SQL to stdout (``alembic upgrade --sql``)."""
    context.configure(
        url=_configured_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with_connection(connection: Connection) -> None:
    if connection.dialect.name == "sqlite" and connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # Batch mode rebuilds tables (copy, drop, rename): with foreign keys on, dropping a table deletes
        # the rows that reference it (ON DELETE CASCADE) — a draft's whole history.
        raise RuntimeError("SQLite migrations need a connection with foreign keys off (storage.database.schema_lock)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the caller's connection, or open one from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with_connection(connection)
        return
    engine = make_engine(_configured_url())
    try:
        with schema_lock(engine) as new_connection:  # foreign keys off on SQLite, checked before commit
            _run_with_connection(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
