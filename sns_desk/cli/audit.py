"""``sns-desk audit verify|export``: the audit trail's hash chain."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    audit = sub.add_parser("audit", help="監査記録(操作の記録)のハッシュの連なりの検証と書き出し")
    actions = audit.add_subparsers(dest="audit_command", metavar="操作", required=True)
    actions.add_parser("verify", help="書き換え・削除・挿入・並べ替えがないか確かめる(0 異常なし、1 異常あり)")
    export = actions.add_parser("export", help="監査記録を CSV(Excel 用)に書き出す")
    export.add_argument("--out", required=True, metavar="FILE")


def run_audit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..config import resolve_db_url
    from ..services.audit import AuditService
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            service = AuditService(database)
            if args.audit_command == "export":
                count = service.export_csv(Path(args.out))
                out.write(f"{args.out}: 監査記録 {count:,} 件を書き出しました\n")
                return EXIT_OK
            report = service.verify()
            if report.problem is not None:
                out.write(f"NG  {report.problem.message}\n")
                return EXIT_FOUND
            out.write(f"監査記録 {report.count:,} 件: 書き換え・削除・挿入・並べ替えはありません\n")
            out.write(f"最新のハッシュ: {report.head}\n")
            return EXIT_OK

    return run_guarded(err, "sns-desk audit", body)
