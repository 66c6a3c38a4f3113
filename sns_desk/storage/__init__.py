"""Persistence: SQLAlchemy models, Alembic migrations and opening the database.

Typical use::

    from sns_desk.config import resolve_db_url
    from sns_desk.storage import open_database

    db = open_database(resolve_db_url(args.db))
    with db.session() as session:
        ...
"""

from sns_desk.storage.database import Database, open_database
from sns_desk.storage.engine import make_engine, make_session_factory
from sns_desk.storage.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DatabaseUnavailableError,
    SchemaVersionError,
    StorageError,
)

__all__ = [
    "Database",
    "DatabaseDamagedError",
    "DatabaseLockedError",
    "DatabaseUnavailableError",
    "SchemaVersionError",
    "StorageError",
    "make_engine",
    "make_session_factory",
    "open_database",
]
