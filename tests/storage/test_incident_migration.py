"""Migration 0008 (incidents) goes up and down on SQLite and PostgreSQL, keeping what was there before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from sns_desk.storage.database import alembic_config, schema_lock
from sns_desk.storage.engine import make_engine

from .test_migrations import schema_differences

NEW_TABLES = {"incidents", "incident_evidence", "incident_events"}
NEW_FUNCTIONS = {
    "sns_desk_guard_incidents",
    "sns_desk_guard_incident_events",
    "sns_desk_guard_incident_evidence",
    "sns_desk_incident_open_steps",
    "sns_desk_may_see_incident",
    "sns_desk_runs_incident",
    "sns_desk_notify_incident_change",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _migrate(engine: Engine, target: str, *, down: bool = False) -> None:
    config = alembic_config()
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


def _functions(engine: Engine) -> set[str]:
    if engine.dialect.name != "postgresql":
        return set()
    with engine.connect() as connection:
        return set(
            connection.execute(
                text(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    " WHERE n.nspname = current_schema()"
                )
            ).scalars()
        )


def test_up_and_down_and_up_again(engine: Engine) -> None:
    _migrate(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, platform, name, url, department, manager, status, created_at)"
                " VALUES (1, 'x', '@hh', '', '', 'kacho', 'active', '2026-12-01 00:00:00')"
            )
        )
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    _migrate(engine, "head")
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    assert schema_differences(engine) == []
    if engine.dialect.name == "postgresql":
        assert _functions(engine) >= NEW_FUNCTIONS
    with engine.begin() as connection:  # the schema's owner is trusted by the triggers
        connection.execute(
            text(
                "INSERT INTO incidents (account_id, kind, description, found_at, found_by, reported_by, reported_at,"
                " status, checklist, closed_by) VALUES (1, 'other', '説明', '2026-12-01 00:00:00', '鈴木', 'suzuki',"
                " '2026-12-01 00:00:00', 'open', '[]', '')"
            )
        )
    _migrate(engine, "0007", down=True)
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    assert not NEW_FUNCTIONS & _functions(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM accounts")).scalars().all() == ["@hh"]
    _migrate(engine, "head")
    assert schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM incidents")).scalar_one() == 0
