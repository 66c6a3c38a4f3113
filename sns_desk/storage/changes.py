"""Changes committed by other terminals, as a PostgreSQL server announces them (LISTEN/NOTIFY).

Migration 0007 makes the server send one notification per committed change of a draft, an
account or a person on ``sns_desk_changes``. A :class:`ChangeFeed` holds its own connection,
listens, and hands the changes of its schema to whoever waits. SQLite has no server to announce
anything (one terminal, one user): there :attr:`ChangeFeed.supported` is False and nothing listens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import text

from .database import Database

CHANNEL: Final = "sns_desk_changes"


@dataclass(frozen=True, slots=True)
class Change:
    table: str
    """``drafts``, ``accounts`` or ``users``."""
    id: int | None


class ChangeFeed:
    """Listen for other terminals' changes; :meth:`wait` from one thread at a time."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: Any = None
        self._raw: Any = None
        self._schema = ""

    @property
    def supported(self) -> bool:
        return self._database.engine.dialect.name == "postgresql"

    def open(self) -> None:
        """Start listening (a no-op on SQLite). Changes committed from now on are delivered."""
        if not self.supported or self._connection is not None:
            return
        with self._database.engine.connect() as connection:
            self._schema = str(connection.execute(text("SELECT current_schema()")).scalar_one())
        raw = self._database.engine.raw_connection()
        driver = raw.driver_connection
        if driver is None:  # pragma: no cover - a fresh pool connection always has one
            raise RuntimeError("no driver connection")
        driver.autocommit = True
        driver.execute(f"LISTEN {CHANNEL}")
        self._raw, self._connection = raw, driver

    def wait(self, timeout: float) -> list[Change]:
        """The changes announced within ``timeout`` seconds (returns as soon as there is one)."""
        if self._connection is None:
            return []
        changes = [self._parse(n.payload) for n in self._connection.notifies(timeout=timeout, stop_after=1)]
        changes += [self._parse(n.payload) for n in self._connection.notifies(timeout=0)]
        return [c for c in changes if c is not None]

    def close(self) -> None:
        if self._connection is not None:
            self._raw.invalidate()  # a listening connection never goes back to the pool
            self._connection = None

    def __enter__(self) -> ChangeFeed:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _parse(self, payload: str) -> Change | None:
        try:
            body = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(body, dict) or body.get("schema") != self._schema:
            return None  # another database in the same server's schemas
        ident = body.get("id")
        return Change(str(body.get("table", "")), ident if isinstance(ident, int) else None)
