"""open_database(): creation, migration, first user, connection settings and errors."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from sns_desk.storage import database as database_module
from sns_desk.storage.database import Database, database_exists, head_revision, open_database, require_database
from sns_desk.storage.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DatabaseMissingError,
    DatabaseUnavailableError,
    SchemaVersionError,
    StorageError,
)
from sns_desk.storage.models import AppSetting, Base, User, UserRole

from .conftest import set_os_user

Opener = Callable[..., Database]
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def assert_user_facing(error: StorageError, *must_contain: str) -> None:
    """A one-line Japanese message, no traceback text, naming what it is about."""
    message = str(error)
    assert message == error.message
    assert _JAPANESE.search(message)
    assert "Traceback" not in message
    assert "\n" not in message
    for part in must_contain:
        assert part in message


def users(database: Database) -> list[tuple[str, UserRole]]:
    with database.session() as session:
        return [(u.login_name, u.role) for u in session.scalars(select(User).order_by(User.id))]


@pytest.fixture
def held_lock(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program holding the write lock on ``db_path``."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


# --- creation and migration ----------------------------------------------------------


def test_fresh_sqlite_database_is_created_and_migrated(opener: Opener, db_path: Path, db_url: str) -> None:
    assert not db_path.parent.exists()
    database = opener(db_url)
    assert db_path.is_file()
    tables = set(inspect(database.engine).get_table_names())
    assert {"users", "app_settings", "alembic_version"} <= tables
    with database.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head_revision()]


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    with database.engine.connect() as connection:

        def pragma(name: str) -> object:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("synchronous") == 2  # FULL: a saved draft survives a power cut


def test_foreign_keys_are_back_on_for_pooled_connections_after_migration(opener: Opener, db_url: str) -> None:
    # Migrations run with foreign keys off; the pooled connection must not keep that.
    database = opener(db_url)
    for _ in range(3):
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_first_os_user_becomes_operations_manager(opener: Opener, db_url: str, os_user: str) -> None:
    database = opener(db_url)
    assert users(database) == [(os_user, UserRole.OPERATIONS_MANAGER)]
    with database.session() as session:
        manager = session.scalars(select(User)).one()
        assert manager.display_name == os_user
        assert manager.created_at.tzinfo is not None
        assert manager.created_at.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - manager.created_at) < timedelta(minutes=5)


def test_opening_twice_is_idempotent_and_keeps_one_manager(
    opener: Opener, db_url: str, os_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opener(db_url).close()
    set_os_user(monkeypatch, "suzuki")  # someone else opens the same file later
    again = opener(db_url)
    opener(db_url)
    assert users(again) == [(os_user, UserRole.OPERATIONS_MANAGER)]
    with again.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_migrated_database_without_users_gets_its_manager(opener: Opener, db_url: str, os_user: str) -> None:
    database = opener(db_url)
    with database.session() as session:
        session.query(User).delete()
    database.close()
    assert users(opener(db_url)) == [(os_user, UserRole.OPERATIONS_MANAGER)]


def test_database_behind_head_is_upgraded(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f"DROP TABLE {table.name}"))
        connection.execute(text("DELETE FROM alembic_version"))
    database.close()
    reopened = opener(db_url)
    assert {"users", "app_settings"} <= set(inspect(reopened.engine).get_table_names())
    assert len(users(reopened)) == 1


def test_in_memory_database_works(opener: Opener, os_user: str) -> None:
    database = opener("sqlite://")
    assert users(database) == [(os_user, UserRole.OPERATIONS_MANAGER)]
    assert database.display_name == "メモリ上のデータベース"


# --- sessions ------------------------------------------------------------------------


def test_session_commits_on_success(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    with database.session() as session:
        session.add(AppSetting(key="theme", value="dark"))
    with database.session() as session:
        setting = session.get(AppSetting, "theme")
    assert setting is not None
    assert setting.value == "dark"  # usable after commit and close (expire_on_commit=False)


def test_session_rolls_back_on_exception(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    with pytest.raises(RuntimeError), database.session() as session:
        session.add(AppSetting(key="theme", value="dark"))
        session.flush()
        raise RuntimeError("boom")
    with database.session() as session:
        assert session.get(AppSetting, "theme") is None


def test_constraint_violations_are_not_turned_into_storage_errors(opener: Opener, db_url: str, os_user: str) -> None:
    database = opener(db_url)
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(User(login_name=os_user, display_name="duplicate"))
    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(text("INSERT INTO users (login_name, display_name, role) VALUES ('x', 'x', 'superuser')"))


def test_timestamps_are_stored_in_utc_and_naive_ones_refused(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    jst = timezone(timedelta(hours=9))
    with database.session() as session:
        session.add(
            User(
                login_name="sato",
                display_name="佐藤",
                role=UserRole.DRAFTER,
                created_at=datetime(2025, 4, 1, 9, 0, tzinfo=jst),
            )
        )
    with database.session() as session:
        sato = session.scalars(select(User).where(User.login_name == "sato")).one()
    assert sato.created_at == datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
    assert sato.created_at.tzinfo == UTC
    with pytest.raises(StatementError, match="naive"), database.session() as session:
        session.add(User(login_name="ito", display_name="伊藤", created_at=datetime(2025, 4, 1)))


def test_new_users_are_drafters_by_default(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    with database.session() as session:
        session.add(User(login_name="kato", display_name="加藤"))
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO users (login_name, display_name) VALUES ('abe', '阿部')"))
    roles = dict(users(database))
    assert roles["kato"] is UserRole.DRAFTER
    assert roles["abe"] is UserRole.DRAFTER


def test_write_lock_held_by_another_program_is_reported(
    opener: Opener, db_path: Path, db_url: str, held_lock: sqlite3.Connection
) -> None:
    database = opener(db_url, busy_timeout_ms=0)
    held_lock.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseLockedError) as caught, database.session() as session:
        session.add(AppSetting(key="k", value="v"))
    assert_user_facing(caught.value, str(db_path))


# --- errors when opening -------------------------------------------------------------


def test_garbage_file_gives_japanese_storage_error(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(StorageError) as caught:
        open_database(f"sqlite:///{garbage.as_posix()}")
    assert isinstance(caught.value, DatabaseDamagedError)
    assert_user_facing(caught.value, str(garbage), "壊れています")
    assert garbage.read_bytes() == bytes(range(256)) * 64  # left untouched


def test_text_file_gives_japanese_storage_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("これはデータベースではありません。\n" * 100, encoding="utf-8")
    with pytest.raises(DatabaseDamagedError) as caught:
        open_database(f"sqlite:///{notes.as_posix()}")
    assert_user_facing(caught.value, str(notes))


def test_locked_new_database_gives_japanese_storage_error(
    db_path: Path, db_url: str, held_lock: sqlite3.Connection
) -> None:
    held_lock.execute("BEGIN EXCLUSIVE")
    held_lock.execute("CREATE TABLE other_program (x)")
    with pytest.raises(DatabaseLockedError) as caught:
        open_database(db_url, busy_timeout_ms=0)
    assert_user_facing(caught.value, str(db_path), "使用中")


def test_locked_database_behind_head_gives_japanese_storage_error(
    opener: Opener, db_path: Path, db_url: str, held_lock: sqlite3.Connection
) -> None:
    database = opener(db_url)
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM users"))  # so that opening needs to write
    database.close()
    held_lock.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseLockedError) as caught:
        open_database(db_url, busy_timeout_ms=0)
    assert_user_facing(caught.value, str(db_path))


def test_up_to_date_database_opens_while_another_program_writes(
    opener: Opener, db_url: str, held_lock: sqlite3.Connection
) -> None:
    opener(db_url).close()
    held_lock.execute("BEGIN IMMEDIATE")
    held_lock.execute("INSERT INTO app_settings (key, value) VALUES ('a', 'b')")
    database = opener(db_url, busy_timeout_ms=0)
    assert len(users(database)) == 1


def test_unreachable_server_gives_japanese_error_without_password() -> None:
    url = "postgresql+psycopg://sns_user:Sup3rSecret@127.0.0.1:1/sns_desk?connect_timeout=2"
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(url)
    assert_user_facing(caught.value, "127.0.0.1", "接続できません")
    assert "Sup3rSecret" not in str(caught.value)
    assert "***" in str(caught.value)


def test_directory_instead_of_file_gives_japanese_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(f"sqlite:///{tmp_path.as_posix()}")
    assert_user_facing(caught.value, str(tmp_path), "フォルダー")


def test_unparseable_url_gives_japanese_error_without_password() -> None:
    with pytest.raises(StorageError) as caught:
        open_database("not a url://me:hunter2@host/db")
    assert_user_facing(caught.value)
    assert "hunter2" not in str(caught.value)


def test_unknown_backend_gives_japanese_error() -> None:
    with pytest.raises(StorageError) as caught:
        open_database("nosuchdb://localhost/x")
    assert_user_facing(caught.value, "nosuchdb")


def test_database_from_a_newer_version_is_refused(opener: Opener, db_url: str) -> None:
    database = opener(db_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.close()
    with pytest.raises(SchemaVersionError) as caught:
        open_database(db_url)
    assert_user_facing(caught.value, "9999", "新しい")


def test_tables_without_version_record_are_refused(db_path: Path, db_url: str) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as other:
        other.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        other.commit()
    with pytest.raises(SchemaVersionError) as caught:
        open_database(db_url)
    assert_user_facing(caught.value, str(db_path), "users")


# --- creating is explicit ------------------------------------------------------------


def test_without_create_a_missing_file_is_refused_and_nothing_is_made(db_path: Path, db_url: str) -> None:
    with pytest.raises(DatabaseMissingError) as caught:
        open_database(db_url, create=False)
    assert_user_facing(caught.value, str(db_path), "まだありません")
    assert "--create" in caught.value.hint
    assert not db_path.parent.exists()  # not even the folder


def test_without_create_an_empty_file_is_refused(db_path: Path, db_url: str) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with pytest.raises(DatabaseMissingError):
        open_database(db_url, create=False)
    assert db_path.read_bytes() == b""


def test_without_create_an_sqlite_file_without_schema_is_refused(db_path: Path, db_url: str) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as other:
        other.execute("PRAGMA user_version = 1")  # a valid, non-empty SQLite file with no tables
        other.execute("CREATE TABLE t (x)")
        other.execute("DROP TABLE t")
        other.commit()
    assert db_path.stat().st_size > 0
    with pytest.raises(DatabaseMissingError):
        open_database(db_url, create=False)


def test_without_create_an_existing_database_opens(opener: Opener, db_url: str, os_user: str) -> None:
    assert not database_exists(db_url)
    opener(db_url).close()  # created (the default)
    assert database_exists(db_url)
    assert users(opener(db_url, create=False)) == [(os_user, UserRole.OPERATIONS_MANAGER)]
    require_database(db_url)


def test_require_database_names_create(db_url: str) -> None:
    with pytest.raises(DatabaseMissingError) as caught:
        require_database(db_url)
    assert "--create" in caught.value.hint


def test_an_in_memory_database_never_exists_beforehand() -> None:
    assert not database_exists("sqlite://")


@pytest.mark.postgres
def test_without_create_a_postgresql_database_without_schema_is_refused(pg_url: str, os_user: str) -> None:
    assert not database_exists(pg_url)
    with pytest.raises(DatabaseMissingError) as caught:
        open_database(pg_url, create=False)
    assert "--create" in caught.value.hint
    open_database(pg_url).close()
    assert database_exists(pg_url)
    open_database(pg_url, create=False).close()


# --- a damaged file ------------------------------------------------------------------------


def damage_index_page(path: Path, index: str) -> None:
    """Overwrite the b-tree header of ``index``'s root page (not the file header): the table stays readable."""
    with closing(sqlite3.connect(path)) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 8)


def test_a_damaged_index_page_is_found_at_open_and_read_only_still_reads(
    opener: Opener, db_path: Path, db_url: str, os_user: str
) -> None:
    database = opener(db_url)
    with database.session() as session:
        session.add_all(AppSetting(key=f"k{n}", value="v" * 100) for n in range(300))
    database.close()  # the last connection checkpoints the WAL into the file
    damage_index_page(db_path, "sqlite_autoindex_app_settings_1")
    with pytest.raises(DatabaseDamagedError) as caught:
        open_database(db_url)
    assert_user_facing(caught.value, str(db_path), "壊れています")
    assert "バックアップ" in caught.value.hint and "backup restore" in caught.value.hint
    assert "--create" in caught.value.hint and "backup export" in caught.value.hint
    readable = opener(db_url, read_only=True)
    assert readable.read_only and readable.display_name == str(db_path)
    with readable.engine.connect() as connection:
        values = connection.execute(text("SELECT value FROM app_settings")).scalars().all()  # the table, no index
    assert len(values) == 300
    with pytest.raises(StorageError), readable.session() as session:
        session.add(AppSetting(key="new", value="v"))  # mode=ro: nothing is written


def test_read_only_never_creates(db_path: Path, db_url: str) -> None:
    with pytest.raises(DatabaseMissingError):
        open_database(db_url, read_only=True)
    assert not db_path.parent.exists()


def test_quick_check_is_part_of_opening(opener: Opener, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    opener(db_url).close()
    checked: list[str] = []
    original = database_module.quick_check

    def recording(engine: Engine, where: str) -> None:
        checked.append(where)
        original(engine, where)

    monkeypatch.setattr(database_module, "quick_check", recording)
    opener(db_url).close()
    assert len(checked) == 1


@pytest.mark.postgres
def test_read_only_on_postgresql_reads_and_writes_nothing(pg_url: str) -> None:
    open_database(pg_url).close()
    with open_database(pg_url, read_only=True) as readable:
        assert [role for _login, role in users(readable)] == [UserRole.OPERATIONS_MANAGER]  # search_path kept
        with pytest.raises(StorageError), readable.session() as session:
            session.add(AppSetting(key="k", value="v"))
