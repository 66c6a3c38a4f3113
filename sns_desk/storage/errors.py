"""Storage-layer errors carrying a Japanese message for the people using the app."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from ..core.errors import UserError


class StorageError(UserError):
    """A database problem that the user has to act on.

    ``message`` is a complete Japanese sentence (or two) that names the database
    without revealing any password, suitable for a dialog box or stderr as is.
    """


class DatabaseDamagedError(StorageError):
    """The file is not an SQLite database or its contents are corrupt."""


class DatabaseLockedError(StorageError):
    """Another program holds a lock on the database for too long."""


class DatabaseUnavailableError(StorageError):
    """The database server cannot be reached, or the file cannot be opened or written."""


class SchemaVersionError(StorageError):
    """The database schema is unknown to this version of the application."""


class DatabaseMissingError(StorageError):
    """The database does not exist yet (or holds no sns_desk schema) and creating it was not allowed."""


# --- translating driver errors -------------------------------------------------------

# Primary SQLite result codes (https://sqlite.org/rescode.html); extended codes keep
# the primary code in their low byte.
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_DETAIL_MAX_CHARS = 200


def damaged_message(where: str) -> str:
    """Message for a file that is not an SQLite database or is corrupt."""
    return (
        f"「{where}」をデータベースとして開けません。データベースではないファイルか、"
        "ファイルが壊れています。別のファイルを指定するか、バックアップから復元してください。"
    )


def corrupt_message(where: str) -> str:
    """Message for an SQLite database whose pages fail the integrity check."""
    return (
        f"データベース「{where}」が壊れています（整合性の検査で破損したページが見つかりました）。"
        "このまま書き込むと被害が広がるおそれがあるため、開くのを中止しました。"
    )


def corrupt_hint(where: str) -> str:
    """What to do about a damaged database: restore the latest backup package into a new file."""
    return (
        "最新のバックアップパッケージを新しいデータベースに復元してください"
        "（例: sns-desk --db sqlite:///新しいファイル.db --create backup restore パッケージのフォルダ）。"
        f"復元の前に、読み取れる分を sns-desk --db sqlite:///{where} backup export --to フォルダ で"
        "書き出しておけます（読み取り専用で開きます）。壊れたファイルは削除せず、システム担当者に渡してください。"
    )


def missing_message(where: str) -> str:
    """Message for a database that does not exist yet while creating one was not asked for."""
    return (
        f"データベース「{where}」はまだありません（ファイルがないか、sns-desk のデータが入っていません）。"
        "指定の誤りで空のデータベースができないよう、自動では作成しません。"
    )


def missing_hint() -> str:
    """How to create a database on purpose."""
    return (
        "パスやURLが正しいか確認してください。新しく作成する場合は、コマンドの前に --create を付けるか"
        "（例: sns-desk --db URL --create user list）、環境変数 SNS_DESK_CREATE=1 を設定してください。"
    )


def locked_message(where: str) -> str:
    """Message for a database another program keeps locked."""
    return (
        f"データベース「{where}」は別のプログラムが使用中のため、ロックを取得できませんでした。"
        "しばらく待ってから、もう一度お試しください。"
    )


def unreachable_message(where: str, detail: str = "") -> str:
    """Message for a database server that cannot be reached or refuses the login."""
    message = (
        f"データベースサーバー「{where}」に接続できません。サーバーが起動しているか、"
        "ホスト名・ポート番号・データベース名・ユーザー名・パスワードを確認してください。"
    )
    return message + (f"（詳細: {detail}）" if detail else "")


def translate_db_error(exc: BaseException, where: str, *, secret: str | None = None) -> StorageError | None:
    """Map a driver/SQLAlchemy error to a :class:`StorageError`, or ``None`` if it is not one
    the user can act on (constraint violations and programming errors stay as they are).

    ``where`` names the database (file path or password-free URL); ``secret`` (the
    password) is removed from any driver text that is quoted in the message.
    """
    orig = _driver_error(exc)
    sqlite_code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        return _translate_sqlite(sqlite_code & 0xFF, where)

    detail = driver_detail(orig, secret)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str):
        if sqlstate == "55P03":  # lock_not_available
            return DatabaseLockedError(locked_message(where))
        if sqlstate.startswith(("08", "28", "57P")) or sqlstate == "3D000":
            # connection exception, invalid authorization, operator intervention, unknown database
            return DatabaseUnavailableError(unreachable_message(where, detail))
        if sqlstate == "25006":  # read_only_sql_transaction: opened read-only, or a read-only replica
            return DatabaseUnavailableError(f"データベース「{where}」は読み取り専用で開いているため、書き込めません。")
        if sqlstate == "53100":  # disk_full
            return DatabaseUnavailableError(f"データベース「{where}」のサーバーのディスク容量が不足しています。")
        return None
    is_connection_problem = isinstance(exc, DBAPIError) and exc.connection_invalidated
    if is_connection_problem or isinstance(exc, OperationalError | InterfaceError):
        return DatabaseUnavailableError(unreachable_message(where, detail))
    return None


def _translate_sqlite(primary_code: int, where: str) -> StorageError | None:
    if primary_code == _SQLITE_CORRUPT:
        return DatabaseDamagedError(corrupt_message(where), corrupt_hint(where))
    if primary_code == _SQLITE_NOTADB:
        return DatabaseDamagedError(damaged_message(where))
    if primary_code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseLockedError(locked_message(where))
    if primary_code in (_SQLITE_CANTOPEN, _SQLITE_PERM):
        return DatabaseUnavailableError(
            f"データベースファイル「{where}」を開けません。"
            "パスが正しいか、フォルダーとファイルへのアクセス権があるかを確認してください。"
        )
    if primary_code == _SQLITE_READONLY:
        return DatabaseUnavailableError(
            f"データベースファイル「{where}」に書き込めません（読み取り専用です）。"
            "ファイルとフォルダーのアクセス権を確認してください。"
        )
    if primary_code == _SQLITE_FULL:
        return DatabaseUnavailableError(
            f"ディスクの空き容量が不足しているため、データベースファイル「{where}」に書き込めません。"
        )
    if primary_code == _SQLITE_IOERR:
        return DatabaseUnavailableError(
            f"データベースファイル「{where}」の読み書き中に入出力エラーが発生しました。"
            "ディスクやネットワークドライブの状態を確認してください。"
        )
    return None


def driver_detail(exc: BaseException, secret: str | None = None) -> str:
    """First line of the driver's own message, without the password, kept short."""
    orig = _driver_error(exc)
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    text = lines[0] if lines else type(orig).__name__
    if secret:
        text = text.replace(secret, "***")
    if len(text) > _DETAIL_MAX_CHARS:
        text = text[: _DETAIL_MAX_CHARS - 1] + "…"
    return text


def _driver_error(exc: BaseException) -> BaseException:
    """The DBAPI exception behind a SQLAlchemy wrapper, else ``exc`` itself."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc
