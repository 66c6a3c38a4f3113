"""``sns-desk report --month YYYY-MM [--account NAME] --format html|csv|pdf --out PATH``: the monthly report.

Without ``--account`` one file holds a section for each account the person may report on (the operations
manager: every account; an account manager: the accounts they manage). Exit codes: 0 written; 1 the rules
refuse (a drafter, or an account manager asking for another's account), the reason on stderr; 2 usage, a
month that is no month, an unknown account, a file that cannot be written or a database problem.

The articles of acknowledged warnings come from the rulebook in force: ``$SNS_DESK_RULEBOOK`` when the
operations manager points the app at an edited copy, else the bundled one.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from ..core.rulebook import Rulebook

FORMAT_NAMES = ("html", "csv", "pdf")


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    report = sub.add_parser(
        "report",
        help="アカウントごとの月次報告(投稿・承認・確認済みの警告・事案・バックアップ)を書き出します",
        description="指定した月(日本時間)の月次報告を書き出します。--account がなければ、報告できるすべての"
        "アカウントを 1 つのファイルにまとめます(運用管理者はすべて、アカウント管理者は自分が管理するもの)。"
        "終了コード: 0 書き出した、1 規則により拒否(起案者、管理していないアカウント)、"
        "2 使い方・入力・データベースの誤り。",
    )
    report.add_argument("--month", required=True, metavar="YYYY-MM", help="対象の月(例 2026-12。日本時間の暦月)")
    report.add_argument("--account", metavar="NAME", help="このアカウントだけ(既定: 報告できるすべてのアカウント)")
    report.add_argument(
        "--format", required=True, choices=FORMAT_NAMES, help="html(グラフつき、1 ファイル)、csv(Excel 用)、pdf"
    )
    report.add_argument("--out", required=True, metavar="PATH", help="書き出すファイル")


def _rulebook() -> Rulebook:
    from ..core.rulebook import load_rulebook
    from ..resources import default_rulebook_path

    return load_rulebook(Path(os.environ.get("SNS_DESK_RULEBOOK") or default_rulebook_path()))


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..config import resolve_db_url
    from ..core.report import Month
    from ..services.report import ReportService
    from ..storage.database import open_database

    def body() -> int:
        month = Month.parse(args.month)  # a bad month is refused before any database is opened
        with open_database(resolve_db_url(args.db)) as database:
            service = ReportService(database, database.login(), rulebook=_rulebook)
            document = service.monthly(month, args.account)
            service.export(document, args.format, Path(args.out))
        names = "、".join(r.account.name for r in document.reports) or "対象のアカウントなし"
        out.write(
            f"{args.out}: {month.label}の月次報告を書き出しました(アカウント {len(document.reports)} 件: {names})\n"
        )
        return EXIT_OK

    return run_guarded(err, "sns-desk report", body, refusal=EXIT_FOUND)
