"""The agreed command line (../shared/cli.md): argparse with Japanese messages."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from .. import __version__
from .account import add_parser as add_account_parser
from .archive import add_parser as add_archive_parser
from .audit import add_parser as add_audit_parser
from .backup import add_parser as add_backup_parser
from .draft import add_parser as add_draft_parser
from .exits import EXIT_USAGE
from .incident import add_parser as add_incident_parser
from .moderation import add_parser as add_moderation_parser
from .report import add_parser as add_report_parser
from .settings import add_parser as add_settings_parser
from .user import add_parser as add_user_parser


class JapaneseArgumentParser(argparse.ArgumentParser):
    """Usage errors in Japanese, exit code 2, no traceback."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        translated = (
            message.replace("the following arguments are required", "次の引数が必要です")
            .replace("unrecognized arguments", "認識できない引数")
            .replace("invalid choice", "選べない値")
            .replace("choose from", "選択肢")
            .replace("expected one argument", "値を一つ指定してください")
            .replace("invalid int value", "整数ではない値")
            .replace("argument ", "引数 ")
        )
        self.exit(EXIT_USAGE, f"{self.prog}: エラー: {translated}\n")


def build_parser() -> JapaneseArgumentParser:
    parser = JapaneseArgumentParser(
        prog="sns-desk",
        description="東広島市 SNS 運用ガイドラインの実務支援ツール。サブコマンドなしで起動するとアプリ画面が開きます。",
    )
    parser.add_argument("--version", action="version", version=f"sns-desk {__version__}", help="版を表示して終了します")
    parser.add_argument("--db", metavar="URL", help="データベースの SQLAlchemy URL(環境変数 SNS_DESK_DB でも指定可)")
    parser.add_argument(
        "--create",
        action="store_true",
        help="--db(または SNS_DESK_DB)のデータベースがまだなければ新しく作成します"
        "(環境変数 SNS_DESK_CREATE=1 でも可。既定の保存場所のデータベースは指定なしで作成されます)",
    )
    sub = parser.add_subparsers(dest="command", metavar="コマンド", parser_class=JapaneseArgumentParser)

    check = sub.add_parser(
        "check",
        help="投稿文をガイドラインに照らしてチェックします",
        description="投稿文をガイドラインに照らしてチェックします。"
        "終了コード: 0 エラーなし、1 エラーあり、2 使い方・入力の誤り(jsonl は処理できれば 0)。",
    )
    check.add_argument(
        "--platform",
        action="append",
        metavar="P",
        default=[],
        help="投稿先(x, bluesky, line, instagram, threads, facebook)。複数指定・カンマ区切り可",
    )
    check.add_argument("--date", metavar="YYYY-MM-DD", help="投稿日(年のない日付の解決に使う。既定: 今日)")
    check.add_argument(
        "--format", choices=("text", "json", "jsonl"), default="text", help="出力形式(jsonl は 1 行 1 件の一括処理)"
    )
    check.add_argument(
        "--rulebook", metavar="FILE", help="使うルールブック(既定: 同梱版。環境変数 SNS_DESK_RULEBOOK でも指定可)"
    )
    check.add_argument("source", nargs="?", default="-", metavar="FILE|-", help="チェックするファイル(- は標準入力)")
    add_draft_parser(sub)
    add_account_parser(sub)
    add_archive_parser(sub)
    add_backup_parser(sub)
    add_user_parser(sub)
    add_audit_parser(sub)
    add_settings_parser(sub)
    add_incident_parser(sub)
    add_moderation_parser(sub)
    add_report_parser(sub)
    return parser
