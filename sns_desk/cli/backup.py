"""``sns-desk backup export|verify|restore|run``: Article 6 backups as BagIt packages (第6条第9号)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .archive import day_start, parse_day, progress_line
from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK

_CANCELLED = {
    "export": "中止しました。書きかけのものは残していません",
    "run": "中止しました。書きかけのものは残していません",
    "verify": "検証を中止しました。パッケージには手を加えていません",
    "restore": "復元を中止しました。データベースは復元前のままです",
}
"""What Ctrl+C left behind, per subcommand."""


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    backup = sub.add_parser("backup", help="第6条のバックアップ(BagIt パッケージ)の書き出し・検証・復元")
    actions = backup.add_subparsers(dest="backup_command", metavar="操作", required=True)
    export = actions.add_parser("export", help="アーカイブをバックアップパッケージとして書き出す")
    export.add_argument("--to", required=True, metavar="DIR", help="書き出し先(存在しないか空のフォルダ)")
    export.add_argument("--account", metavar="NAME", help="このアカウントの投稿だけ")
    export.add_argument("--since", metavar="DATE", help="この日以降の投稿だけ(YYYY-MM-DD、日本時間)")
    verify = actions.add_parser("verify", help="パッケージに欠け・改変・余分なファイルがないか確かめる")
    verify.add_argument("dir", metavar="DIR")
    restore = actions.add_parser("restore", help="パッケージをデータベースに取り込む(取り込み済みは省略)")
    restore.add_argument("dir", metavar="DIR")
    run = actions.add_parser("run", help="定期バックアップ(タスク スケジューラや cron から)")
    run.add_argument("--to", required=True, metavar="PATH", help="バックアップを置くフォルダ")
    run.add_argument("--keep", required=True, type=int, metavar="N", help="残す世代数")


def run_backup_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..config import resolve_db_url
    from ..core.archive.package import verify_package
    from ..core.archive.package.layout import TAG_AUDIT_HEAD, parse_audit_head, read_bag_info
    from ..services.backups import export_backup, restore_backup, run_backup
    from ..services.settings import media_for
    from ..storage.database import Database, open_database
    from ..storage.errors import DatabaseDamagedError, StorageError

    tty = err.isatty()

    def progress(done: int, total: int | None) -> None:
        if tty:
            err.write("\r" + progress_line(done, total).replace("取り込み中", "処理中"))
            err.flush()

    def end_line() -> None:
        if tty:
            err.write("\n")

    def open_for(command: str) -> Database:
        """The database; ``export`` from a damaged SQLite file opens it read-only and takes what it can read."""
        url = resolve_db_url(args.db)
        try:
            return open_database(url)
        except DatabaseDamagedError as damaged:
            if command != "export":
                raise
            try:
                database = open_database(url, read_only=True)
            except StorageError:
                raise damaged from None  # not even readable (e.g. not a database at all)
            err.write(f"sns-desk backup: {damaged.message}読み取り専用で開き、読み取れる分を書き出します\n")
            return database

    def body() -> int:
        if args.backup_command == "verify":
            path = Path(args.dir)
            problems = verify_package(path, progress=progress)
            end_line()
            if problems:
                for problem in problems:
                    out.write(f"NG  {problem.message}\n")
                out.write(f"{path}: 問題が {len(problems)} 件あります\n")
                return EXIT_FOUND
            out.write(f"{path}: 欠け・改変・余分なファイルはありません\n")
            head = parse_audit_head(read_bag_info(path).get(TAG_AUDIT_HEAD, ""))
            if head is not None:
                out.write(f"監査記録の先頭(書き出し時点): {head[0]:,} 件、最後の記録の SHA-256 {head[1]}\n")
            return EXIT_OK
        with open_for(args.backup_command) as database:
            media = media_for(database)  # the shared media folder when the operations manager set one
            if args.backup_command == "export":
                since = day_start(parse_day(args.since, "--since")) if args.since else None
                summary = export_backup(
                    database,
                    media,
                    Path(args.to),
                    by=database.login(),
                    account=args.account,
                    since=since,
                    progress=progress,
                )
                end_line()
                out.write(
                    f"{summary.path}: {summary.item_count:,} 件、メディア {summary.media_count:,} 件を書き出しました"
                    f"({summary.bytes / 1024 / 1024:,.1f} MB)\n"
                )
                if database.read_only:
                    err.write(
                        "sns-desk backup: 壊れたデータベースから読み取り専用で書き出しました。"
                        "バックアップの記録と監査記録は書いていません。"
                        "最新のバックアップパッケージと合わせて、新しいデータベースに復元してください\n"
                    )
            elif args.backup_command == "restore":
                result = restore_backup(database, media, Path(args.dir), progress=progress, by=database.login())
                end_line()
                out.write(f"{result.added:,} 件を追加、{result.skipped:,} 件は登録済みのため省略\n")
            else:
                done = run_backup(database, media, Path(args.to), args.keep, by=database.login(), progress=progress)
                end_line()
                out.write(f"{done.summary.path}: {done.summary.item_count:,} 件をバックアップしました\n")
                for old in done.removed:
                    out.write(f"古いバックアップを削除しました: {old.name}\n")
        return EXIT_OK

    return run_guarded(
        err,
        "sns-desk backup",
        body,
        interrupted=_CANCELLED.get(args.backup_command, _CANCELLED["export"]),
        before_message=end_line,
    )
