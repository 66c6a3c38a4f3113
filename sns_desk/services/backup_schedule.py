"""The scheduled Article 6 backup for Windows Task Scheduler: the command and how to register it (no Qt here).

The archive window's 「スケジュール設定の案内」 shows what :func:`backup_schedule` returns: the exact
``sns-desk backup run --to PATH --keep N`` command (with ``--db`` when the database is not the default one, so
that the task backs up the same archive whatever the task's environment holds), the ``schtasks /create`` line
that registers it, and a short explanation in Japanese. Both lines are quoted for ``cmd.exe`` by the rules of
the Microsoft C runtime (:func:`subprocess.list2cmdline`), the command nested once more inside ``/tr``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Final

from sqlalchemy.engine import URL, make_url

from ..config import default_db_url, sqlite_url
from ..storage.database import Database

DEFAULT_KEEP: Final = 30
"""Thirty daily packages: a month to notice that something went missing."""
DEFAULT_TIME: Final = dt.time(12, 15)
"""During the lunch break, when the office computers are on (a task does not run while the computer is off)."""
TASK_NAME: Final = "SNS Desk バックアップ"
SCHTASKS_TR_LIMIT: Final = 261
"""``schtasks /create /tr`` refuses a longer command."""
PROGRAM: Final = "sns-desk"


@dataclasses.dataclass(frozen=True, slots=True)
class BackupSchedule:
    """What to register, as text to copy."""

    command: str
    """The whole command line of the task (program and arguments)."""
    program: str
    """Task Scheduler's 「プログラム/スクリプト」."""
    arguments: str
    """Task Scheduler's 「引数の追加」."""
    schtasks: str
    """The ``schtasks /create`` line that registers the task (run it in コマンド プロンプト)."""
    explanation: str
    """In Japanese: what the task does and how to register, try, check and remove it."""


def backup_schedule(
    target: str,
    keep: int,
    *,
    db_url: str | None = None,
    program: str = PROGRAM,
    at: dt.time = DEFAULT_TIME,
    task_name: str = TASK_NAME,
) -> BackupSchedule:
    """The scheduled backup of the archive into ``target`` keeping ``keep`` packages.

    ``db_url`` is given as ``--db`` (None: the default database, no ``--db``); it must not hold a password.
    """
    target = target.strip() or "PATH"
    arguments = ["backup", "run", "--to", target, "--keep", str(keep)]
    if db_url:
        arguments = ["--db", db_url, *arguments]
    args_text = subprocess.list2cmdline(arguments)
    command = subprocess.list2cmdline([program, *arguments])
    start = f"{at.hour:02d}:{at.minute:02d}"
    schtasks = subprocess.list2cmdline(
        ["schtasks", "/create", "/tn", task_name, "/tr", command, "/sc", "daily", "/st", start]
    )
    lines = [
        f"毎日 {start} に、アーカイブの新しいバックアップを「{target}」に作り、新しいものから {keep} 世代を残して"
        "古いものを削除します(第6条第9号: 投稿の控えは庁内に残す)。"
        "前回のバックアップと同じメディアはハードリンクで共有するため、毎回増えるのは新しいファイルの分だけです。",
        "",
        "登録のしかた(コマンド プロンプトに、上の schtasks の行を貼り付けて Enter):",
        "・/create は新しいタスクを作ります。/tn はタスクの名前、/tr は実行するコマンド、"
        f"/sc daily は毎日、/st {start} は開始時刻です。",
        "・毎週にするには /sc daily を /sc weekly /d FRI(金曜日)のように変えます。",
        "・パスワードを聞かれずに登録でき、タスクはこの Windows ユーザーで、ログオンしている間だけ実行されます。"
        "パソコンの電源が入っている時刻を選んでください。"
        "共有フォルダに書き込む権限は、このユーザーのものが使われます。",
        f'・すぐに一度試す: schtasks /run /tn "{task_name}"  結果の確認: schtasks /query /tn "{task_name}" /v'
        "(「前回の結果」が 0 なら成功です)",
        f'・やめるとき: schtasks /delete /tn "{task_name}"',
        "・タスク スケジューラの画面で登録するときは、「操作」の「プログラム/スクリプト」と「引数の追加」に"
        "下のとおり入力します。",
        "・PowerShell ではなく、コマンド プロンプト(cmd.exe)で実行してください(引用符の扱いが違います)。",
    ]
    if db_url:
        lines.append(
            "・--db で今のデータベースを指定しています。"
            "パスワードはコマンドに書かず、PostgreSQL のパスワードファイル(pgpass.conf)に保存してください。"
        )
    if len(command) > SCHTASKS_TR_LIMIT:
        lines.append(
            f"・コマンドが {len(command)} 文字あり、schtasks /tr の上限({SCHTASKS_TR_LIMIT} 文字)を超えています。"
            "タスク スケジューラの画面から登録してください。"
        )
    lines += ["", f"プログラム/スクリプト: {program}", f"引数の追加: {args_text}"]
    return BackupSchedule(command, program, args_text, schtasks, "\n".join(lines))


def scheduled_db_url(database: Database, default_url: str | None = None) -> str | None:
    """The ``--db`` for a scheduled backup of ``database``: None when it is the default database.

    An SQLite file is named by its absolute path; a server's URL loses its password (a task's command line
    is readable by anyone who can look at the task: libpq's ``pgpass.conf`` keeps the password instead).
    """
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        name = database.display_name
        if not name or name == "メモリ上のデータベース":
            return None
        own = sqlite_url(Path(name))
        default = make_url(default_url or default_db_url())
        same = default.get_backend_name() == "sqlite" and _same_file(Path(name), Path(default.database or ""))
        return None if same else own
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database, url.query)
    text = bare.render_as_string(hide_password=False)
    return None if text == (default_url or default_db_url()) else text


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.expanduser().resolve() == b.expanduser().resolve()
    except OSError:
        return a == b


def backup_program() -> str:
    """The console program a task runs: ``sns-desk.exe`` next to the running bundle, else ``sns-desk`` on the
    PATH (the setup adds its ``bin`` folder), with its full path when it can be found."""
    if getattr(sys, "frozen", False):
        console = Path(sys.executable).with_name("sns-desk.exe" if sys.platform == "win32" else "sns-desk")
        if console.is_file():
            return str(console)
    return shutil.which(PROGRAM) or PROGRAM
