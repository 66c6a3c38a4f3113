"""``sns-desk account …`` and ``sns-desk policy …``: the account registry and usage policies (第4条)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..core.errors import InvalidInput
from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from ..core.accounts import Account
    from ..services.registry import RegistryService


def _facts_options(parser: argparse.ArgumentParser, *, purpose: bool, manager: bool) -> None:
    parser.add_argument("--platform", required=True, metavar="P", help="x, facebook, instagram, line, youtube …")
    parser.add_argument("--name", required=True, metavar="NAME", help="アカウント名(@ID など)")
    parser.add_argument("--url", required=True, metavar="URL", help="アカウントのページ")
    parser.add_argument("--department", required=True, metavar="D", help="運営する所属")
    parser.add_argument(
        "--manager", required=manager, default="", metavar="USER", help="アカウント管理者(所属長)のログイン名"
    )
    parser.add_argument("--display-name", default="", metavar="TEXT", help="表示名")
    parser.add_argument("--manager-title", default="", metavar="TEXT", help="管理者の役職(例: こども家庭課長)")
    parser.add_argument("--publisher-title", default="", metavar="TEXT", help="情報発信責任者の役職(管理者と違う場合)")
    parser.add_argument("--hours", default="", metavar="TEXT", help="運用時間(例: 平日 8時30分〜17時15分)")
    parser.add_argument("--contact", default="", metavar="TEXT", help="問い合わせ先(電話・メール・フォーム URL)")
    parser.add_argument("--purpose", required=purpose, default="", metavar="TEXT", help="開設の目的")


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    account = sub.add_parser("account", help="公式アカウントの台帳(第4条): 申請・承認・運用開始・休止・廃止")
    actions = account.add_subparsers(dest="account_command", metavar="操作", required=True)
    add = actions.add_parser("add", help="運用中のアカウントを台帳に登録する(運用管理者)")
    _facts_options(add, purpose=False, manager=True)
    add.add_argument("--approval-number", default="", metavar="N", help="承認番号")
    add.add_argument("--approved-on", metavar="YYYY-MM-DD", help="承認日(既定: 今日)")
    request = actions.add_parser("request", help="アカウントの開設を申請する(所属長、第4条第2項)")
    _facts_options(request, purpose=True, manager=False)
    listing = actions.add_parser("list", help="台帳の一覧")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    approve = actions.add_parser("approve", help="申請を承認する(運用管理者)")
    approve.add_argument("name", metavar="NAME")
    approve.add_argument("--number", required=True, metavar="N", help="承認番号")
    approve.add_argument("--date", metavar="YYYY-MM-DD", help="承認日(既定: 今日)")
    for verb, text in (
        ("reject", "申請を不承認にする(運用管理者)"),
        ("suspend", "運用を休止する"),
        ("close", "アカウントを廃止する(運用管理者)"),
    ):
        action = actions.add_parser(verb, help=text)
        action.add_argument("name", metavar="NAME")
        action.add_argument("--reason", required=True, metavar="TEXT")
    start = actions.add_parser("start", help="運用を開始・再開する(利用方針の公表後)")
    start.add_argument("name", metavar="NAME")
    request_doc = actions.add_parser("request-doc", help="開設申請書(第4条第2項)を HTML・Word で書き出す")
    request_doc.add_argument("name", metavar="NAME")
    request_doc.add_argument("--format", required=True, choices=("html", "docx"))
    request_doc.add_argument("--out", required=True, metavar="PATH")

    policy = sub.add_parser("policy", help="アカウントの利用方針(第4条第4項)")
    steps = policy.add_subparsers(dest="policy_command", metavar="操作", required=True)
    render = steps.add_parser("render", help="利用方針を HTML・PDF・Word で書き出す")
    render.add_argument("account", metavar="ACCOUNT")
    render.add_argument("--version", type=int, metavar="N", help="版(既定: 最新。未作成ならひな形)")
    render.add_argument("--format", required=True, choices=("html", "pdf", "docx"))
    render.add_argument("--out", required=True, metavar="PATH")
    render.add_argument("--fragment", action="store_true", help="HTML をホームページの本文用の断片で出す")
    check = steps.add_parser("check", help="利用方針の 9 項目・登録情報との一致・ガイドラインを確かめる")
    check.add_argument("account", metavar="ACCOUNT")
    check.add_argument("--version", type=int, metavar="N")
    save = steps.add_parser("save", help="利用方針を新しい版として保存する(JSON から)")
    save.add_argument("account", metavar="ACCOUNT")
    save.add_argument("--from", dest="source", required=True, metavar="FILE", help="policy の JSON")
    approve_policy = steps.add_parser("approve", help="版を承認する(アカウント管理者)")
    approve_policy.add_argument("account", metavar="ACCOUNT")
    approve_policy.add_argument("--version", type=int, required=True, metavar="N")
    publish = steps.add_parser("publish", help="版を公表済みにする(公表日を記録)")
    publish.add_argument("account", metavar="ACCOUNT")
    publish.add_argument("--version", type=int, required=True, metavar="N")
    publish.add_argument("--date", metavar="YYYY-MM-DD", help="公表日(既定: 今日)")


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} の日付「{value}」を読めません。YYYY-MM-DD で指定してください") from None


def run_registry(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The database layer is imported here, so that `sns-desk check` never loads it.
    from ..config import resolve_db_url
    from ..core.checker import default_checker
    from ..services.registry import RegistryService
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            registry = RegistryService(database, database.login(), checker=default_checker)
            if args.command == "account":
                return _account(registry, args, out)
            return _policy(registry, args, out)

    return run_guarded(err, f"sns-desk {args.command}", body)


def _facts(args: argparse.Namespace) -> Any:
    from ..services.registry import AccountFactsInput

    return AccountFactsInput(
        platform=args.platform,
        name=args.name,
        url=args.url,
        department=args.department,
        manager=args.manager,
        display_name=args.display_name,
        manager_title=args.manager_title,
        publisher_title=args.publisher_title,
        operating_hours=args.hours,
        contact=args.contact,
        purpose=args.purpose,
    )


def _line(account: Account) -> str:
    approval = f"  承認 {account.approval_number}" if account.approval_number else ""
    return (
        f"{account.name}\t{account.platform}\t{account.status.label}\t{account.department}\t"
        f"管理者 {account.manager or '未定'}{approval}"
    )


def _account(registry: RegistryService, args: argparse.Namespace, out: TextIO) -> int:
    command = args.account_command
    if command == "list":
        accounts = registry.accounts()
        if args.format == "json":
            rows = []
            for account in accounts:
                row = dataclasses.asdict(account)
                row["status"] = account.status.value
                row["status_label"] = account.status.label
                rows.append(row)
            out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            for account in accounts:
                out.write(_line(account) + "\n")
        return EXIT_OK
    if command == "request-doc":
        return _request_doc(registry, args, out)
    if command == "add":
        account = registry.register(_facts(args), args.approval_number, _day(args.approved_on, "--approved-on"))
    elif command == "request":
        account = registry.request(_facts(args))
    elif command == "approve":
        account = registry.approve(args.name, args.number, _day(args.date, "--date"))
    elif command == "reject":
        account = registry.reject(args.name, args.reason)
    elif command == "suspend":
        account = registry.suspend(args.name, args.reason)
    elif command == "close":
        account = registry.close(args.name, args.reason)
    else:
        account = registry.start_operation(args.name)
    out.write(_line(account) + "\n")
    return EXIT_OK


def _request_doc(registry: RegistryService, args: argparse.Namespace, out: TextIO) -> int:
    """The account request (開設申請書), with the account's policy (newest version or template) as its annex."""
    from ..core.account_request import request_document_docx, request_document_html
    from ..services.registry import PLATFORM_LABELS

    account = registry.account(args.name)
    policy, _version = registry.policy(account.id)
    label = PLATFORM_LABELS.get(account.platform, "")
    target = Path(args.out)
    if args.format == "html":
        html = request_document_html(account, policy=policy, platform_label=label)
        target.write_text(html, encoding="utf-8")
    else:
        request_document_docx(account, target, policy=policy, platform_label=label)
    out.write(f"{target}: {account.name} の開設申請書を書き出しました({account.status.label})\n")
    return EXIT_OK


def _policy(registry: RegistryService, args: argparse.Namespace, out: TextIO) -> int:
    from ..core.policy import policy_from_json, to_docx, to_html_fragment, to_html_page, to_pdf

    command = args.policy_command
    if command == "save":
        try:
            text = Path(args.source).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(f"{args.source} は UTF-8 のテキストではありません") from None
        saved = registry.save_policy(args.account, policy_from_json(text))
        out.write(f"{args.account}: 利用方針 第 {saved.version} 版を保存しました({saved.status.label})\n")
        return EXIT_OK
    if command == "approve":
        approved = registry.approve_policy(args.account, args.version)
        out.write(f"{args.account}: 利用方針 第 {approved.version} 版を承認しました\n")
        return EXIT_OK
    if command == "publish":
        on = _day(args.date, "--date") or dt.date.today()
        published = registry.publish_policy(args.account, args.version, on)
        out.write(f"{args.account}: 利用方針 第 {published.version} 版を {on:%Y年%m月%d日} 公表として記録しました\n")
        return EXIT_OK

    if command == "render" and args.version is None:
        # What the city website should carry: the version in force; before any is published, the newest draft.
        in_force = registry.published(args.account)
        policy, version = (in_force.policy, in_force) if in_force is not None else registry.policy(args.account)
    else:
        policy, version = registry.policy(args.account, args.version)
    if command == "check":
        problems = registry.validate(args.account, policy)
        shown = f"第 {version.version} 版" if version else "ひな形"
        for problem in problems:
            mark = "エラー" if problem.is_error else "注意"
            out.write(f"{mark}: {problem.message}\n")
        errors = sum(1 for p in problems if p.is_error)
        out.write(f"{args.account} の利用方針({shown}): エラー {errors} 件、注意 {len(problems) - errors} 件\n")
        return EXIT_FOUND if errors else EXIT_OK

    facts = registry.facts(args.account)
    published_on = revised_on = None
    if version is not None and version.published_on is not None:
        # 制定 is the first publication, 改定 this version's, when it is a later one.
        first = min(v.published_on for v in registry.versions(args.account) if v.published_on is not None)
        published_on = first
        revised_on = version.published_on if version.published_on != first else None
    else:
        policy = policy.replace_title("(案)" + policy.title)  # never pasted into the CMS as if in force
    target = Path(args.out)
    if args.format == "html":
        html = (
            to_html_fragment(policy, facts, published_on, revised_on)
            if args.fragment
            else to_html_page(policy, facts, published_on, revised_on)
        )
        target.write_text(html, encoding="utf-8")
    elif args.format == "docx":
        to_docx(policy, facts, target, published_on, revised_on)
    else:
        to_pdf(policy, facts, target, published_on, revised_on)
    shown = f"第 {version.version} 版({version.status.label})" if version else "ひな形(未保存)"
    out.write(f"{target}: {args.account} の利用方針 {shown} を書き出しました\n")
    return EXIT_OK
