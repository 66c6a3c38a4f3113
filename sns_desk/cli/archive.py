"""``sns-desk archive import``: platform exports into the Article 6 archive (第6条第9号)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .exits import EXIT_OK, EXIT_USAGE

FORMATS = ("auto", "x")
"""Export formats this version reads; Facebook, Instagram, Mastodon and CSV come next."""


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    archive = sub.add_parser("archive", help="第6条のバックアップ(投稿のアーカイブ)")
    actions = archive.add_subparsers(dest="archive_command", metavar="操作", required=True)
    imp = actions.add_parser("import", help="プラットフォームのエクスポート(zip・フォルダ)を取り込む")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--format", choices=FORMATS, default="auto", help="形式(auto: 中身から判定)")
    imp.add_argument("--account", metavar="NAME", help="アカウント名(エクスポートから分からないとき)")


def run_archive(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The database layer is imported here, so that `sns-desk check` never loads it.
    from ..config import resolve_db_url
    from ..core.archive import ArchiveError
    from ..storage.archive_import import ImportCancelled, import_x_archive
    from ..storage.database import open_database
    from ..storage.errors import StorageError
    from ..storage.media import MediaStore, default_media_root

    path = Path(args.path)
    if not path.exists():
        err.write(f"sns-desk archive: {path} が見つかりません\n")
        return EXIT_USAGE

    def progress(count: int) -> None:
        if err.isatty():
            err.write(f"\r取り込み中… {count:,} 件")
            err.flush()

    try:
        with open_database(resolve_db_url(args.db)) as database:
            media = MediaStore(default_media_root(database.display_name))
            try:
                result = import_x_archive(database, media, path, args.account, progress=progress)
            except KeyboardInterrupt:
                raise ImportCancelled() from None
    except (ArchiveError, StorageError, ValueError, ImportCancelled) as exc:
        err.write(f"\nsns-desk archive: {exc}\n" if err.isatty() else f"sns-desk archive: {exc}\n")
        return EXIT_USAGE
    if err.isatty():
        err.write("\n")
    out.write(f"{result.account}: {result.added} 件を追加、{result.skipped} 件は取り込み済みのため省略\n")
    return EXIT_OK
