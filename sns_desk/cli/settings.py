"""``sns-desk settings media-root [FOLDER]``: settings the whole office shares (operations manager)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from .errors import run_guarded
from .exits import EXIT_OK


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    settings = sub.add_parser("settings", help="全端末で共通の設定(運用管理者)")
    actions = settings.add_subparsers(dest="settings_command", metavar="設定", required=True)
    media = actions.add_parser(
        "media-root",
        help="画像・メディアの保存先を表示する。FOLDER を指定すると共有フォルダーに変更する(運用管理者)",
    )
    media.add_argument("folder", nargs="?", metavar="FOLDER", help="共有フォルダー(例: \\\\fileserver\\koho\\media)")


def run_settings(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..config import resolve_db_url
    from ..services.settings import SettingsService
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            service = SettingsService(database, database.login())
            if args.folder is not None:
                path = service.set_media_root(args.folder)
                out.write(f"メディアの保存先を「{path}」にしました(全端末に反映されます)\n")
                return EXIT_OK
            where = "共有フォルダー" if service.media_root_is_shared() else "既定(この端末)"
            out.write(f"{service.media_root()}\t{where}\n")
            return EXIT_OK

    return run_guarded(err, "sns-desk settings", body)
