"""Opening a database: create it, bring its schema up to date, register the first user."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import URL, Connection, Engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sns_desk.storage import identity
from sns_desk.storage.engine import DEFAULT_BUSY_TIMEOUT_MS, make_engine, make_session_factory
from sns_desk.storage.errors import (
    DatabaseDamagedError,
    DatabaseMissingError,
    DatabaseUnavailableError,
    SchemaVersionError,
    StorageError,
    corrupt_hint,
    corrupt_message,
    driver_detail,
    missing_hint,
    missing_message,
    translate_db_error,
)
from sns_desk.storage.models import SEARCH_INDEXES, SQLITE_SEARCH_DDL, Base, User, UserRole

#: Folder holding env.py, script.py.mako and versions/ (shipped inside the package).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Key of the PostgreSQL advisory lock serialising schema set-up between processes.
_PG_SCHEMA_LOCK_KEY = 0x534E_5344  # "SNSD"
_SQLITE_MEMORY_NAMES = frozenset({"", ":memory:"})
_log = logging.getLogger(__name__)


if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


class Database:
    """An open, migrated sns_desk database."""

    def __init__(self, engine: Engine, *, where: str | None = None, read_only: bool = False) -> None:
        self._engine = engine
        self._session_factory = make_session_factory(engine)
        self._where = where or describe_url(engine.url)
        self._read_only = read_only

    @property
    def read_only(self) -> bool:
        """Opened with ``read_only=True``: nothing can be written (SQLite ``mode=ro``)."""
        return self._read_only

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (SQLite connections carry the app's PRAGMAs)."""
        return self._engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Factory for sessions that the caller manages itself."""
        return self._session_factory

    @property
    def display_name(self) -> str:
        """The database for messages: the SQLite file path or the URL without password."""
        return self._where

    def login(self) -> str:
        """The user working with this database, as the OS or the server says (see ``storage.identity``)."""
        return identity.database_login(self._engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises.

        Locking, connection and damage problems are re-raised as :class:`StorageError`;
        other database errors (e.g. ``IntegrityError``) propagate unchanged.
        """
        session = self._session_factory()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            translated = translate_db_error(exc, self._where, secret=self._engine.url.password)
            if translated is None:
                raise
            raise translated from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        """Close all pooled connections."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self._where!r})"


def open_database(
    url: str,
    *,
    create: bool = True,
    read_only: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> Database:
    """Open the database at ``url``, migrating it as needed and creating it when ``create`` allows.

    ``create=False`` refuses a database that does not exist yet or holds no sns_desk schema (an SQLite
    file that is missing or empty, a PostgreSQL database without tables) with a
    :class:`DatabaseMissingError`, so that a mistyped path never becomes a new, empty archive.  The front
    ends decide: the command line allows it with ``--create``, the GUI asks.

    An SQLite file is checked with ``PRAGMA quick_check`` first: a damaged file raises
    :class:`DatabaseDamagedError` saying to restore from the latest backup package.  ``read_only=True``
    opens without that check and without any write (no migration, no first user; SQLite ``mode=ro``), for
    getting out what can still be read, e.g. ``backup export`` from a damaged file.

    On a database without users, the OS user running this becomes the operations manager.  Raises
    :class:`StorageError` (Japanese message) when the database cannot be used.
    """
    parsed = _parse_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    sqlite_file = _sqlite_file(parsed) if is_sqlite else None
    if sqlite_file is not None:
        parsed = _prepare_sqlite_file(parsed, sqlite_file, create=create and not read_only)
    where = describe_url(parsed)
    try:
        engine = make_engine(
            parsed.render_as_string(hide_password=False), busy_timeout_ms=busy_timeout_ms, read_only=read_only
        )
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(_missing_driver_message(parsed)) from exc
    except ArgumentError as exc:
        raise StorageError(f"データベースのURL「{where}」の形式が正しくありません。") from exc
    try:
        if sqlite_file is not None and not read_only:
            quick_check(engine, where)
        if read_only:
            _check_readable_schema(engine, where)
        else:
            has_schema = _has_schema(engine)
            if parsed.get_backend_name() == "postgresql":
                _check_postgres_access(engine, where, has_schema=has_schema)
            if not create and not has_schema:
                raise DatabaseMissingError(missing_message(where), missing_hint())
            setup_database(engine)
    except StorageError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        translated = translate_db_error(exc, where, secret=parsed.password)
        if translated is None:
            translated = StorageError(
                f"データベース「{where}」の準備中にエラーが発生しました。"
                f"（詳細: {driver_detail(exc, parsed.password)}）"
            )
        raise translated from exc
    return Database(engine, where=where, read_only=read_only)


def database_exists(url: str) -> bool:
    """Whether ``url`` names a database that holds an sns_desk schema already (nothing is created or changed).

    An SQLite file that is missing or empty is not one; neither is a PostgreSQL database without the
    schema.  An in-memory SQLite database never exists before it is opened.  Raises :class:`StorageError`
    when the question cannot be answered (a server that cannot be reached, a file that is no database).
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is None:
            return (parsed.database or "") not in _SQLITE_MEMORY_NAMES and _uri_file_exists(parsed)
        if path.is_dir():
            raise _folder_error(path)
        if not path.is_file() or path.stat().st_size == 0:
            return False
    where = describe_url(parsed)
    try:
        read_only = parsed.get_backend_name() == "sqlite"  # looking must not create the file
        engine = make_engine(parsed.render_as_string(hide_password=False), read_only=read_only)
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(_missing_driver_message(parsed)) from exc
    except ArgumentError as exc:
        raise StorageError(f"データベースのURL「{where}」の形式が正しくありません。") from exc
    try:
        return _has_schema(engine)
    except SQLAlchemyError as exc:
        translated = translate_db_error(exc, where, secret=parsed.password)
        if translated is None:
            raise
        raise translated from exc
    finally:
        engine.dispose()


def require_database(url: str) -> None:
    """Raise :class:`DatabaseMissingError` (naming ``--create``) unless ``url`` holds an sns_desk database."""
    if not database_exists(url):
        raise DatabaseMissingError(missing_message(describe_url(_parse_url(url))), missing_hint())


def quick_check(engine: Engine, where: str) -> None:
    """``PRAGMA quick_check`` on an SQLite database: raise :class:`DatabaseDamagedError` unless it says ok.

    It reads every page once and checks the b-trees' structure, not that indexes match their tables (that is
    ``integrity_check``, slower where there are many indexes); a damaged page of a table or an index is found.
    About 0.1 s for a 100 MB archive with a warm cache, 0.3 s from disk (measured on the 2-core CI machine).
    """
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("PRAGMA quick_check(5)").scalars().all()
    if rows != ["ok"]:
        _log.warning("quick_check of %s: %s", where, "; ".join(str(row) for row in rows))
        raise DatabaseDamagedError(corrupt_message(where), corrupt_hint(where))


HEAD_REVISION = "0009"
"""The newest migration shipped (a test holds it equal to Alembic's head). Knowing it without
Alembic lets an up-to-date database open without importing Alembic at all, which is most of
the app's start-up time spent on storage."""


def begin_transaction(s: Session, *, write: bool) -> None:
    """Start the session's transaction now, before its first statement.

    Python's sqlite3 module only opens a transaction before the first INSERT/UPDATE/DELETE, so the
    reads before it see no snapshot and DDL before it is committed at once. Work that must be one
    unit -- an import that drops and recreates the search trigger, an export that reads a
    consistent archive -- calls this first: SQLite ``BEGIN IMMEDIATE`` (write: the write lock now)
    or ``BEGIN`` (read: one snapshot); PostgreSQL ``REPEATABLE READ`` for a read snapshot.
    """
    dialect = s.get_bind().dialect.name
    if dialect == "sqlite":
        s.connection().exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
    elif dialect == "postgresql" and not write:
        s.connection().exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def setup_database(engine: Engine) -> None:
    """Migrate ``engine``'s database to the head revision and register the first user.

    Cheap when there is nothing to do: only then is no write lock taken.
    """
    with engine.connect() as connection:
        needs_setup = _needs_setup(connection)
        repair = not needs_setup and _search_triggers_missing(connection)
    if repair:
        _repair_search_index(engine)
    if not needs_setup:
        return
    where = describe_url(engine.url)
    with engine.connect() as connection:
        current = _current_revision(connection)
    if current is not None and current != head_revision():
        # Before the lock: SQLite cannot copy a file from a connection inside a write transaction. Two
        # terminals starting the new version at once may both copy; each copy is whole.
        snapshot_before_upgrade(engine, current, where)
    with schema_lock(engine) as connection:
        if _current_revision(connection) != head_revision():
            upgrade_database(connection, where=where)
        _register_first_user(connection)


def snapshot_before_upgrade(engine: Engine, current: str, where: str) -> Path | None:
    """Copy an SQLite file, as it is before a newer version migrates it, next to it.

    ``desk.db`` becomes ``desk.db.before-0008-20270401T091500-<pid>.bak`` (SQLite's backup API: a consistent
    copy while other terminals read or write).  The copy is the way back if the new version disappoints:
    install the old one and open the copy.  When it cannot be written (a full disk, a folder without write
    access) nothing is migrated.  PostgreSQL is the server's to back up (``pg_dump`` before an upgrade,
    README).  Returns the copy's path, or ``None`` for a database that is not an SQLite file.
    """
    import os
    import sqlite3

    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if database in _SQLITE_MEMORY_NAMES or database.startswith("file:"):
        return None
    source = Path(database)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    target = source.with_name(f"{source.name}.before-{head_revision()}-{stamp}-{os.getpid()}.bak")
    try:
        original = sqlite3.connect(source)
        try:
            copy = sqlite3.connect(target)
            try:
                original.backup(copy)
            finally:
                copy.close()
        finally:
            original.close()
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise StorageError(
            f"データベース「{where}」を新しい版（{head_revision()}）に更新する前の控え「{target}」を作成できないため、"
            "更新しませんでした。空き容量とフォルダの書き込み権限を確認してください。"
            f"（詳細: {exc}）"
        ) from exc
    _log.info("database %s (revision %s) copied to %s before the upgrade", where, current, target)
    return target


def upgrade_database(connection: Connection, *, where: str | None = None) -> None:
    """Run ``alembic upgrade head`` through ``connection`` inside its current transaction.

    Raises :class:`SchemaVersionError` when the database belongs to a newer version of
    the app, or holds sns_desk tables without any Alembic version record.
    """
    where = where or describe_url(connection.engine.url)
    current = _current_revision(connection)
    if current is None:
        existing = set(inspect(connection).get_table_names()) & set(Base.metadata.tables)
        if existing:
            raise SchemaVersionError(
                f"データベース「{where}」には sns-desk のテーブル（{', '.join(sorted(existing))}）が"
                "ありますが、スキーマの版数の記録がありません。自動では更新できないため、"
                "別のデータベースを指定するか、システム担当者に相談してください。"
            )
    else:
        from alembic.util.exc import CommandError

        try:
            _script_directory().get_revision(current)
        except CommandError as exc:
            raise SchemaVersionError(
                f"データベース「{where}」は、このバージョンより新しい sns-desk で作成・更新されています"
                f"（スキーマ版数 {current}）。sns-desk を最新版に更新してください。"
            ) from exc
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (no alembic.ini needed).

    ``url`` is only used when no connection is passed in ``attributes["connection"]``.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version of the app."""
    head = _script_directory().get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no Alembic migrations found")
    return head


def describe_url(url: str | URL) -> str:
    """Name a database for people: the SQLite file path, else the URL without password."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        return "メモリ上のデータベース" if database in _SQLITE_MEMORY_NAMES else database
    return parsed.render_as_string(hide_password=True)


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise StorageError(
            f"データベースのURL「{_mask_password(url)}」を解釈できません。"
            "「sqlite:///ファイルのパス」や「postgresql+psycopg://ユーザー@ホスト/データベース名」の形式で"
            "指定してください。"
        ) from exc


def _mask_password(url: str) -> str:
    """Hide a ``user:password@`` part of a URL that SQLAlchemy could not parse."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _missing_driver_message(url: URL) -> str:
    message = (
        f"データベースの種類「{url.drivername}」には対応していないか、必要なドライバーがインストールされていません。"
    )
    if url.get_backend_name() == "postgresql":
        message += "PostgreSQL を使うには psycopg をインストールしてください（pip install 'sns-desk[postgres]'）。"
    return message


def _sqlite_file(url: URL) -> Path | None:
    """The file of a plain SQLite URL (``~`` expanded); None for memory and ``file:`` URIs."""
    database = url.database or ""
    if database in _SQLITE_MEMORY_NAMES or database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database).expanduser()


def _folder_error(path: Path) -> DatabaseUnavailableError:
    return DatabaseUnavailableError(f"「{path}」はフォルダーです。データベースファイルのパスを指定してください。")


def _uri_file_exists(url: URL) -> bool:
    """For a ``file:`` URI: whether its file is there (a ``mode=memory`` URI is never)."""
    database = url.database or ""
    if not database.startswith("file:") or "mode=memory" in database:
        return False
    path = database.removeprefix("file:").partition("?")[0]
    return bool(path) and Path(path).is_file() and Path(path).stat().st_size > 0


def _prepare_sqlite_file(url: URL, path: Path, *, create: bool) -> URL:
    """Check the path of a file-based SQLite database; create its parent folder when ``create`` allows.

    Without ``create`` a missing or empty file is refused here, before SQLite could create it.
    """
    if str(path) != url.database:
        url = url.set(database=str(path))
    if path.is_dir():
        raise _folder_error(path)
    if path.exists() and not path.is_file():
        raise DatabaseDamagedError(f"「{path}」は通常のファイルではないため、データベースとして開けません。")
    if not create:
        if not path.is_file() or path.stat().st_size == 0:
            raise DatabaseMissingError(missing_message(str(path)), missing_hint())
        return url
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailableError(
            f"データベースファイルを置くフォルダー「{path.parent}」を作成できません。"
            "パスとアクセス権を確認してください。"
        ) from exc
    return url


def _has_schema(engine: Engine) -> bool:
    """Whether the database holds an Alembic version record or any sns_desk table (an older or foreign
    schema counts: opening it then says what is wrong with it, instead of calling it missing)."""
    with engine.connect() as connection:
        if _stored_revision(connection) is not None:
            return True
        return bool(set(inspect(connection).get_table_names()) & (set(Base.metadata.tables) | {"alembic_version"}))


def _check_postgres_access(engine: Engine, where: str, *, has_schema: bool) -> None:
    """Explain a staff login that cannot reach the sns_desk schema, before PostgreSQL's own words do.

    A login outside the sns_desk groups has no USAGE on the schema, so no schema on its search path can be used
    (``current_schema()`` is NULL); a URL without the schema's search path lands in ``public``, where a staff
    login may not create tables.  Either way the person needs IT, not a new database.
    """
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT session_user, current_schema(), "
                "current_schema() IS NOT NULL AND has_schema_privilege(current_schema(), 'CREATE')"
            )
        ).one()
    login, schema, may_create = str(row[0]), row[1], bool(row[2])
    if schema is None:
        raise StorageError(
            f"ログイン「{login}」ではデータベース「{where}」の sns_desk のデータを使えません。"
            "IT担当者に、このログインを sns_desk のグループロール（sns_desk_drafter など）に入れることと、"
            "接続URLの search_path（例: ?options=-csearch_path%3Dsns_desk）を確認するよう依頼してください。"
        )
    if not has_schema and not may_create:
        raise StorageError(
            f"データベース「{where}」のスキーマ「{schema}」には sns_desk のデータがなく、"
            f"ログイン「{login}」には新しく作る権限もありません。"
            "接続URLの search_path（例: ?options=-csearch_path%3Dsns_desk）が正しいか確認してください。"
            "新しいデータベースは、IT担当者がスキーマの所有者のログインで一度だけ作成します。"
        )


def _check_readable_schema(engine: Engine, where: str) -> None:
    """For a read-only open: the schema must be this version's (nothing can be migrated without writing)."""
    with engine.connect() as connection:
        revision = _stored_revision(connection)
    if revision is None:
        raise DatabaseMissingError(missing_message(where), missing_hint())
    if revision != HEAD_REVISION:
        raise SchemaVersionError(
            f"データベース「{where}」のスキーマ版数（{revision}）がこの sns-desk（{HEAD_REVISION}）と異なるため、"
            "読み取り専用では開けません。"
        )


def _script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _stored_revision(connection: Connection) -> str | None:
    """The revision in ``alembic_version`` read with plain SQL (None when there is none)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return versions[0] if len(versions) == 1 else None


def _search_triggers_missing(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return False
    present = set(connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all())
    wanted = {f"{table}_{kind}" for table, _column in SEARCH_INDEXES for kind in ("insert", "update", "delete")}
    return not wanted <= present


def _repair_search_index(engine: Engine) -> None:
    """Recreate missing search triggers and rebuild the indexes from the table (a database left by an older
    version that could lose them)."""
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        for statement in SQLITE_SEARCH_DDL:
            connection.exec_driver_sql(statement)
        for table, _column in SEARCH_INDEXES:
            connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        connection.commit()


def _needs_setup(connection: Connection) -> bool:
    if _stored_revision(connection) != HEAD_REVISION:
        return True
    return _user_count(connection) == 0


def _user_count(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(User)).scalar_one()


def _connection_login(connection: Connection) -> str:
    """Who opened the database: the server-verified ``session_user`` on PostgreSQL, else the OS user."""
    if connection.dialect.name == "postgresql":
        return str(connection.execute(text("SELECT session_user")).scalar_one())
    return identity.os_login()


def _register_first_user(connection: Connection) -> None:
    """On a database without users, make the OS user the operations manager (運用管理者)."""
    if _user_count(connection) > 0:
        return
    login = _connection_login(connection)
    connection.execute(insert(User).values(login_name=login, display_name=login, role=UserRole.OPERATIONS_MANAGER))


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's schema lock.

    SQLite: the write lock (``BEGIN IMMEDIATE``) with foreign keys off, as SQLite's
    table-rebuild procedure (used by Alembic batch mode) requires; integrity is checked
    before commit.  PostgreSQL: a transaction-scoped advisory lock.  Either way a second
    process opening the same new database waits and then finds it ready.
    """
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        try:
            if is_sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_SCHEMA_LOCK_KEY})
            yield connection
            if is_sqlite:
                _check_foreign_keys(connection, describe_url(engine.url))
            connection.commit()
        except BaseException:
            # Discard the DBAPI connection: that rolls back, and an SQLite connection
            # with foreign keys off never goes back to the pool.
            connection.invalidate()
            raise
        if is_sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _check_foreign_keys(connection: Connection, where: str) -> None:
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        tables = sorted({str(row[0]) for row in violations})
        raise StorageError(
            f"データベース「{where}」の更新で参照整合性の違反が見つかったため、更新を取り消しました"
            f"（対象テーブル: {', '.join(tables)}）。システム担当者に相談してください。"
        )
