"""``sns-desk moderation add|retract|list``: others' comments deleted or hidden under the account's usage
policy (第9条, 第4条第4項), recorded by the account's manager or the operations manager in their own name.

Exit codes: 0 done; 1 the rules refused (a drafter recording, no published policy, an entry already
superseded); 2 usage or bad input (an unknown account or policy item, a time without meaning).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Any, TextIO

from ..core.errors import InvalidInput
from ..core.jst import JST
from ..core.policy.items import ITEM_IDS
from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from ..core.moderation import ModerationEntry


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    moderation = sub.add_parser(
        "moderation",
        help="利用方針に基づいて削除・非表示にした他者のコメントの記録(第9条)",
        description="利用方針に抵触するコメントを削除・非表示にしたことを記録します。記録は追加だけで、"
        "誤りは後の記録(--supersedes、retract)で正します。記録できるのはアカウント管理者と運用管理者です。"
        "終了コード: 0 完了、1 規則により拒否、2 使い方・入力の誤り。",
    )
    actions = moderation.add_subparsers(dest="moderation_command", metavar="操作", required=True)
    add = actions.add_parser("add", help="削除・非表示にしたコメントを記録する")
    add.add_argument("--account", required=True, metavar="NAME")
    add.add_argument("--action", required=True, choices=("delete", "hide"), help="delete: 削除、hide: 非表示")
    add.add_argument("--author", required=True, metavar="HANDLE", help="コメントを書いた人のアカウント名")
    add.add_argument("--text", required=True, help="コメントの本文(そのままの形で)")
    add.add_argument(
        "--item", required=True, metavar="POLICY_ITEM_ID", help=f"抵触した利用方針の項目({', '.join(ITEM_IDS)})"
    )
    add.add_argument("--url", default="", help="コメントのアドレス")
    add.add_argument("--at", metavar="ISO", help="削除・非表示にした日時(既定: 今。タイムゾーンなしは日本時間)")
    add.add_argument("--posted-at", metavar="ISO", help="コメントが投稿された日時")
    add.add_argument("--reason", required=True, help="措置の理由")
    add.add_argument("--supersedes", type=int, metavar="ID", help="この記録で訂正する、以前の誤った記録の番号")
    retract = actions.add_parser("retract", help="誤って記録したもの(措置をしていない)を取り消す記録を追加する")
    retract.add_argument("id", type=int, metavar="ID")
    retract.add_argument("--reason", required=True)
    listing = actions.add_parser("list", help="記録の一覧")
    listing.add_argument("--account", metavar="NAME")
    listing.add_argument("--month", metavar="YYYY-MM", help="その月(日本時間)に措置したもの")
    listing.add_argument("--format", choices=("text", "json"), default="text")


def run_moderation(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The database layer is imported here, so that `sns-desk check` never loads it.
    from ..config import resolve_db_url
    from ..services.moderation import ModerationService
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            service = ModerationService(database, database.login())
            if args.moderation_command == "add":
                entry = service.record(
                    args.account,
                    args.action,
                    author_handle=args.author,
                    text=args.text,
                    policy_item=args.item,
                    reason=args.reason,
                    acted_at=_time(args.at, "--at"),
                    url=args.url,
                    commented_at=_time(args.posted_at, "--posted-at"),
                    supersedes=args.supersedes,
                )
                out.write(f"記録 {entry.id}: {entry.account_name} のコメントを{entry.action.label}として記録しました\n")
                return EXIT_OK
            if args.moderation_command == "retract":
                earlier = _find(service.entries(), args.id)
                entry = service.record(
                    earlier.account_id,
                    "retract",
                    author_handle=earlier.author_handle,
                    text=earlier.text,
                    policy_item=earlier.policy_item,
                    reason=args.reason,
                    url=earlier.url,
                    supersedes=earlier.id,
                )
                out.write(f"記録 {entry.id}: 記録 {earlier.id} を取り消しました\n")
                return EXIT_OK
            since, until = _month(args.month) if args.month else (None, None)
            entries = service.entries(args.account, since, until)
            _print(entries, args.format, out)
            return EXIT_OK

    return run_guarded(err, "sns-desk moderation", body, refusal=EXIT_FOUND)


def _find(entries: list[ModerationEntry], entry_id: int) -> ModerationEntry:
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise InvalidInput(f"記録 {entry_id} は見つかりません(見られるのは自分が管理するアカウントの記録です)")


def _time(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{option}「{value}」は ISO 8601 の日時(例 2026-12-05T10:05、2026-12-05T10:05+09:00)で指定してください"
        ) from None
    return at.replace(tzinfo=JST) if at.tzinfo is None else at


def _month(value: str) -> tuple[dt.datetime, dt.datetime | None]:
    try:
        year, month = (int(part) for part in value.split("-"))
        start = dt.datetime(year, month, 1, tzinfo=JST)
    except ValueError:
        raise InvalidInput(f"--month「{value}」は YYYY-MM で指定してください") from None
    if (year, month) == (9999, 12):
        return start, None
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=JST)
    return start, end


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _jst(value: dt.datetime) -> str:
    return value.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def _print(entries: list[ModerationEntry], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        payload = [
            {
                "id": e.id,
                "account": e.account_name,
                "action": e.action.value,
                "action_label": e.action.label,
                "author": e.author_handle,
                "text": e.text,
                "url": e.url,
                "commented_at": _iso(e.commented_at),
                "acted_at": _iso(e.acted_at),
                "policy_item": e.policy_item,
                "policy_label": e.policy_label,
                "policy_version": e.policy_version,
                "reason": e.reason,
                "recorded_by": e.recorded_by,
                "recorded_at": _iso(e.recorded_at),
                "supersedes": e.supersedes_id,
                "superseded_by": e.superseded_by_id,
                "stands": e.stands,
            }
            for e in entries
        ]
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for e in entries:
        notes = []
        if e.supersedes_id is not None:
            notes.append(f"記録 {e.supersedes_id} を訂正")
        if e.superseded_by_id is not None:
            notes.append(f"記録 {e.superseded_by_id} で訂正済み")
        note = f"({'、'.join(notes)})" if notes else ""
        out.write(f"#{e.id}  {_jst(e.acted_at)}  {e.account_name}  {e.action.label}  {e.author_handle}{note}\n")
        out.write(f"  {e.policy_label}  理由: {e.reason}  記録: {e.recorded_by}\n")
        out.write("  " + e.text.replace("\n", "\n  ") + "\n")
        if e.url:
            out.write(f"  {e.url}\n")
    out.write(f"{len(entries):,} 件\n")
