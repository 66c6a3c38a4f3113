"""Shared fixtures for the storage tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, make_url, text

from sns_desk.storage import identity
from sns_desk.storage.database import Database, open_database
from sns_desk.storage.engine import make_engine

PG_URL_ENV = "SNS_DESK_TEST_PG_URL"


def set_os_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make the operating system report ``name`` as the user of this process (the app asks nothing else)."""
    monkeypatch.setattr(identity, "os_login", lambda: name)


@pytest.fixture
def os_user(monkeypatch: pytest.MonkeyPatch) -> str:
    """A predictable OS login name for the test."""
    set_os_user(monkeypatch, "tanaka")
    return "tanaka"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of an SQLite file that does not exist yet, in a folder that does not either."""
    return tmp_path / "data" / "nested" / "sns_desk.db"


@pytest.fixture
def db_url(db_path: Path) -> str:
    return f"sqlite:///{db_path.as_posix()}"


@pytest.fixture
def opener() -> Iterator[Callable[..., Database]]:
    """``open_database`` that closes every database it opened when the test ends."""
    opened: list[Database] = []

    def _open(url: str, **kwargs: int) -> Database:
        database = open_database(url, **kwargs)
        opened.append(database)
        return database

    yield _open
    for database in opened:
        database.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a throw-away schema on the PostgreSQL server in $SNS_DESK_TEST_PG_URL."""
    base = os.environ.get(PG_URL_ENV, "").strip()
    if not base:
        pytest.skip(f"set {PG_URL_ENV} to run the PostgreSQL tests")
    schema = f"sns_desk_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url: URL = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
