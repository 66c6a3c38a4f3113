"""Engine and session factories with the connection settings the app relies on."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

#: How long SQLite waits for another writer before giving up (milliseconds).
DEFAULT_BUSY_TIMEOUT_MS = 5000
#: How long PostgreSQL drivers try to reach the server before giving up (seconds).
DEFAULT_CONNECT_TIMEOUT_S = 10


def make_engine(url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, read_only: bool = False) -> Engine:
    """Create an engine for ``url``.

    SQLite connections get WAL journaling, enforced foreign keys, a busy timeout
    and ``synchronous=FULL`` (a saved draft survives a power cut); other backends get ``pool_pre_ping``,
    and PostgreSQL sessions the time zone UTC whatever the server's.

    ``read_only``: SQLite opens the file with ``mode=ro`` (never created, never written, the journal mode
    left as it is) and ``query_only``; PostgreSQL sessions default to read-only transactions.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if read_only and database and database != ":memory:" and not database.startswith("file:"):
            uri = "file:" + urllib.parse.quote(Path(database).absolute().as_posix()) + "?mode=ro"
            parsed = parsed.set(database=uri, query={**parsed.query, "uri": "true"})
        engine = create_engine(parsed)
        _install_sqlite_pragmas(engine, busy_timeout_ms, read_only=read_only)
        return engine
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = DEFAULT_CONNECT_TIMEOUT_S
        # Added to any options the URL gives (e.g. a search_path). Sessions in UTC: the server's own zone
        # (Asia/Tokyo on a Japanese server) would hand 9999-12-31T23:59:59Z back as year 10000, which no
        # driver can read, and the app only ever stores and compares UTC.
        given = parsed.query.get("options", "")
        given = given if isinstance(given, str) else " ".join(given)
        settings = " -c TimeZone=UTC" + (" -c default_transaction_read_only=on" if read_only else "")
        connect_args["options"] = f"{given}{settings}".strip()
    if connect_args:
        kwargs["connect_args"] = connect_args
    return create_engine(parsed, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine`` that keeps objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int, *, read_only: bool = False) -> None:
    """Run the per-connection PRAGMAs on every new DBAPI connection of ``engine``."""
    pragmas: tuple[str, ...] = (
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",  # first, so the others wait for locks
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA synchronous=FULL",
    )
    if read_only:
        pragmas = (f"PRAGMA busy_timeout={int(busy_timeout_ms)}", "PRAGMA query_only=ON")

    def on_connect(dbapi_connection: Any, _connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    event.listen(engine, "connect", on_connect)
