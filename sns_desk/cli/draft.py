"""``sns-desk draft …``: the drafting desk's approval steps from scripts, under the same rules."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
from typing import TYPE_CHECKING, Any, TextIO

from ..core.errors import InvalidInput
from ..core.workflow import Draft, DraftState

if TYPE_CHECKING:
    from ..services.desk import DeskService

from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    draft = sub.add_parser("draft", help="投稿案の一覧・承認申請・承認・差戻し・投稿済みの記録")
    actions = draft.add_subparsers(dest="draft_command", metavar="操作", required=True)
    listing = actions.add_parser("list", help="投稿案の一覧")
    listing.add_argument("--state", choices=[s.value for s in DraftState], help="状態で絞り込む")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    show = actions.add_parser("show", help="投稿案の本文と状態")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")
    submit = actions.add_parser("submit", help="承認申請する")
    submit.add_argument("id", type=int)
    approve = actions.add_parser("approve", help="承認する")
    approve.add_argument("id", type=int)
    approve.add_argument("--revision", type=int, help="確認した版(show で表示)。変わっていれば承認しない")
    reject = actions.add_parser("reject", help="差し戻す(コメント必須)")
    reject.add_argument("id", type=int)
    reject.add_argument("--comment", required=True)
    withdraw = actions.add_parser("withdraw", help="承認申請を取り下げて下書きに戻す(作成者)")
    withdraw.add_argument("id", type=int)
    discard = actions.add_parser("discard", help="破棄する(履歴とともに残り、削除はされない)")
    discard.add_argument("id", type=int)
    discard.add_argument("--reason", default="", help="破棄の理由(履歴に残る)")
    posted = actions.add_parser("posted", help="投稿済みとして記録する(第6条のバックアップに入る)")
    posted.add_argument("id", type=int)
    posted.add_argument("--url", required=True)
    posted.add_argument("--at", help="投稿日時(ISO 8601、既定: 今)")
    posted.add_argument(
        "--off-terminal",
        metavar="REASON",
        help="市の管理する端末以外から投稿したときの理由(第5条: 緊急時・災害時など)",
    )
    posted.add_argument(
        "--corrects",
        type=int,
        metavar="ITEM_ID",
        help="訂正・おわびの投稿のとき、訂正する元の投稿(アーカイブの番号、第9条)",
    )


def run_draft(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The database layer is imported here, so that `sns-desk check` never loads it.
    from ..config import resolve_db_url
    from ..core.checker import default_checker
    from ..services.desk import DeskService
    from ..services.settings import media_for
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            media = media_for(database)
            return _dispatch(DeskService(database, default_checker, database.login(), media=media), args, out)

    return run_guarded(err, "sns-desk draft", body, refusal=EXIT_FOUND)


def _dispatch(desk: DeskService, args: argparse.Namespace, out: TextIO) -> int:
    command = args.draft_command
    if command == "list":
        drafts = desk.drafts(DraftState(args.state) if args.state else None)
        if args.format == "json":
            rows = [
                {"id": d.id, "state": d.state.value, "account": d.account_name, "author": d.author,
                 "title": d.title, "excerpt": d.excerpt, "updated_at": d.updated_at.isoformat()}
                for d in drafts
            ]  # fmt: skip
            json.dump(rows, out, ensure_ascii=False)
            out.write("\n")
        else:
            for d in drafts:
                out.write(f"{d.id}\t{d.state.label}\t{d.account_name}\t{d.author}\t{d.title or d.excerpt}\n")
        return EXIT_OK
    if command == "show":
        _print(desk.draft(args.id), args.format, out)
        return EXIT_OK
    if command == "submit":
        draft = desk.submit(args.id)
    elif command == "approve":
        draft = desk.approve(args.id, revision=args.revision)
    elif command == "reject":
        draft = desk.reject(args.id, args.comment)
    elif command == "withdraw":
        draft = desk.withdraw(args.id)
    elif command == "discard":
        draft = desk.discard(args.id, args.reason)
    else:
        try:
            at = dt.datetime.fromisoformat(args.at) if args.at else dt.datetime.now().astimezone()
        except ValueError:
            raise InvalidInput(
                f"--at「{args.at}」は ISO 8601 の日時で指定してください(例 2026-12-05T10:00+09:00)"
            ) from None
        if at.tzinfo is None:
            at = at.astimezone()
        draft = desk.mark_posted(
            args.id, args.url, at, socket.gethostname(), args.off_terminal or "", corrects=args.corrects
        )
        if args.corrects is not None:
            out.write(f"アーカイブの投稿 {args.corrects} の訂正として記録しました\n")
    out.write(f"投稿案 {draft.id}: {draft.state.label}\n")
    return EXIT_OK


def _print(draft: Draft, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(
            {"id": draft.id, "state": draft.state.value, "author": draft.author, "title": draft.title,
             "text": draft.text, "platforms": list(draft.platforms), "review_comment": draft.review_comment,
             "posted_url": draft.posted_url, "revision": draft.revision},
            out, ensure_ascii=False,
        )  # fmt: skip
        out.write("\n")
        return
    out.write(f"投稿案 {draft.id}({draft.state.label}、版 {draft.revision})作成者: {draft.author}\n")
    if draft.review_comment:
        out.write(f"差戻しコメント: {draft.review_comment}\n")
    out.write(draft.text + "\n")
