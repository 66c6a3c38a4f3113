"""The Alembic migrations and the ORM models describe the same schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, make_url, select, text

from sns_desk.storage.database import Database, alembic_config, head_revision, open_database, schema_lock
from sns_desk.storage.engine import make_engine
from sns_desk.storage.errors import StorageError
from sns_desk.storage.models import Base, User, UserRole, is_search_index_table

Opener = Callable[..., Database]


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would put into a new migration for this database."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": lambda name, type_, _parents: not (type_ == "table" and is_search_index_table(name)),
            },
        )
        return list(compare_metadata(context, Base.metadata))


def schema_snapshot(engine: Engine) -> dict[str, dict[str, Any]]:
    """Tables, columns and named constraints as the database reports them."""
    inspector = inspect(engine)
    snapshot: dict[str, dict[str, Any]] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        snapshot[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in inspector.get_columns(table)
            ],
            "pk": inspector.get_pk_constraint(table),
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            "checks": sorted(
                (c["name"], " ".join(c["sqltext"].split())) for c in inspector.get_check_constraints(table)
            ),
            "fks": sorted(str(fk) for fk in inspector.get_foreign_keys(table)),
            "indexes": sorted(str(ix) for ix in inspector.get_indexes(table)),
        }
    return snapshot


@pytest.fixture
def engine_for(tmp_path: Path) -> Iterator[Callable[[str], Engine]]:
    engines: list[Engine] = []

    def _make(name: str) -> Engine:
        engine = make_engine(f"sqlite:///{(tmp_path / name).as_posix()}")
        engines.append(engine)
        return engine

    yield _make
    for engine in engines:
        engine.dispose()


def test_single_linear_history_with_head_0001_first() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert script.get_current_head() == head_revision()
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"


def test_migrated_sqlite_database_matches_models(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    assert schema_differences(database.engine) == []


def test_migrations_build_the_same_tables_as_the_models(
    opener: Opener, db_url: str, engine_for: Callable[[str], Engine]
) -> None:
    # Covers what compare_metadata does not look at: CHECK constraints and their names.
    migrated = opener(db_url).engine
    created = engine_for("create_all.db")
    Base.metadata.create_all(created)
    assert schema_snapshot(migrated) == schema_snapshot(created)
    assert schema_snapshot(migrated)["users"]["checks"] == [
        ("ck_users_role", "role IN ('operations_manager', 'account_manager', 'drafter')")
    ]


def test_downgrade_to_base_and_upgrade_again(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("roundtrip.db")
    config = alembic_config()
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert schema_differences(engine) == []


def test_alembic_config_with_url_migrates_without_a_connection(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("by_url.db")
    command.upgrade(alembic_config(engine.url.render_as_string(hide_password=False)), "head")
    assert schema_differences(engine) == []
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()


@pytest.mark.postgres
def test_postgresql_database_is_migrated_and_matches_models(opener: Opener, pg_url: str, os_user: str) -> None:
    database = opener(pg_url)
    assert {"users", "app_settings", "alembic_version"} <= set(inspect(database.engine).get_table_names())
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    assert schema_differences(database.engine) == []

    again = opener(pg_url)
    with again.session() as session:
        managers = session.scalars(select(User)).all()
    # On a server the creator is the role the server authenticated, not the OS user of the terminal.
    server_login = make_url(pg_url).username
    assert os_user != server_login
    assert [(u.login_name, u.role) for u in managers] == [(server_login, UserRole.OPERATIONS_MANAGER)]
    assert again.login() == server_login
    assert managers[0].created_at.utcoffset() == timedelta(0)


def test_the_known_head_revision_is_alembics_head() -> None:
    from sns_desk.storage.database import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION


def _drafts_lists(engine: Engine) -> list[tuple[Any, Any]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT platforms, editors FROM drafts ORDER BY id"))]


def _upgrade_comma_lists_to_json(engine: Engine) -> None:
    config = alembic_config()
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(
            text("INSERT INTO accounts (id, platform, name, url, department, manager, status, created_at) "
                 "VALUES (1, 'x', '@hh', '', '', '', 'active', :t)"),
            {"t": "2026-12-01 00:00:00.000000"},
        )  # fmt: skip
        for draft_id, platforms, editors in ((1, "x,facebook", "sato,ito"), (2, "x", "")):
            connection.execute(
                text("INSERT INTO drafts (id, account_id, author, title, text, state, platforms, revision, "
                     "review_comment, reviewed_by, posted_url, editors, rights_checked_by, created_at, updated_at) "
                     "VALUES (:id, 1, 'sato', '', '本文', 'draft', :p, 0, '', '', '', :e, '', :t, :t)"),
                {"id": draft_id, "p": platforms, "e": editors, "t": "2026-12-01 00:00:00.000000"},
            )  # fmt: skip
        connection.execute(
            text("INSERT INTO draft_events (draft_id, action, by, at, comment) VALUES (1, 'create', 'sato', :t, '')"),
            {"t": "2026-12-01 00:00:00.000000"},
        )
        connection.execute(
            text("INSERT INTO draft_acknowledgements (draft_id, fingerprint, rule, reason, by, at) "
                 "VALUES (1, 'f', 'r', '確認済み', 'sato', :t)"),
            {"t": "2026-12-01 00:00:00.000000"},
        )  # fmt: skip
        command.upgrade(config, "head")
    assert schema_differences(engine) == []
    assert _children(engine) == (1, 1)  # the table rebuild kept the draft's history
    with Database(engine).session() as session:
        from sns_desk.storage.models import DraftRow

        rows = session.scalars(select(DraftRow).order_by(DraftRow.id)).all()
        assert [(r.platforms, r.editors) for r in rows] == [(["x", "facebook"], ["sato", "ito"]), (["x"], [])]
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert _drafts_lists(engine) == [("x,facebook", "sato,ito"), ("x", "")]
    assert _children(engine) == (1, 1)


def _children(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        events = connection.execute(text("SELECT count(*) FROM draft_events")).scalar_one()
        acks = connection.execute(text("SELECT count(*) FROM draft_acknowledgements")).scalar_one()
    return events, acks


def test_migrating_sqlite_with_foreign_keys_on_is_refused(engine_for: Callable[[str], Engine]) -> None:
    engine = engine_for("fk_on.db")
    config = alembic_config()
    with engine.begin() as connection, pytest.raises(RuntimeError, match="foreign keys off"):
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def test_comma_separated_lists_become_json_arrays_and_back_on_sqlite(engine_for: Callable[[str], Engine]) -> None:
    _upgrade_comma_lists_to_json(engine_for("lists.db"))


@pytest.mark.postgres
def test_comma_separated_lists_become_json_arrays_and_back_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        _upgrade_comma_lists_to_json(engine)
    finally:
        engine.dispose()


def _at_revision(tmp_path: Path, revision: str) -> Path:
    """An SQLite file migrated only up to ``revision``, holding one account, as an older sns-desk left it."""
    path = tmp_path / "desk.db"
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    config = alembic_config()
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.execute(
            text("INSERT INTO accounts (id, platform, name, url, department, manager, status, created_at) "
                 "VALUES (1, 'x', '@hh', '', '', '', 'active', '2026-12-01 00:00:00.000000')")
        )  # fmt: skip
    engine.dispose()
    return path


def test_a_newer_version_copies_the_file_before_it_migrates(tmp_path: Path) -> None:
    path = _at_revision(tmp_path, "0006")
    database = open_database(f"sqlite:///{path.as_posix()}", create=False)
    database.close()
    (copy,) = tmp_path.glob(f"desk.db.before-{head_revision()}-*.bak")
    with sqlite3.connect(copy) as old, sqlite3.connect(path) as new:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
        assert old.execute("SELECT name FROM accounts").fetchall() == [("@hh",)]
        assert new.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    reopened = open_database(f"sqlite:///{path.as_posix()}")
    reopened.close()
    assert len(list(tmp_path.glob("desk.db.before-*.bak"))) == 1  # nothing to migrate, nothing copied


def test_no_copy_no_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _at_revision(tmp_path, "0006")
    real_connect = sqlite3.connect

    def full_disk(target: object, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(target).endswith(".bak"):
            raise sqlite3.OperationalError("database or disk is full")
        return real_connect(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", full_disk)
    with pytest.raises(StorageError, match=r"更新する前の控え.*を作成できないため、更新しませんでした"):
        open_database(f"sqlite:///{path.as_posix()}")
    monkeypatch.undo()
    with sqlite3.connect(path) as still:
        assert still.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
    assert not list(tmp_path.glob("*.bak"))
