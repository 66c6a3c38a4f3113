"""``sns-desk incident …``: incidents (第8条・第9条) from the command line, under the same rules as the GUI.

Exit codes: 0 done; 1 the rules refused the step (e.g. closing with a required step open, or a drafter
ticking a step), the reason on stderr; 2 usage, bad input (an unknown incident, a file that is no image,
a broken checklist file) or a database problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..core.errors import InvalidInput
from ..core.jst import JST
from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK

if TYPE_CHECKING:
    from ..core.incidents import Checklist, Incident, IncidentSummary
    from ..services.incidents import IncidentService

KIND_NAMES = ("impersonation", "takeover", "flaming", "mistake", "other")
TEXT_NAMES = ("notice", "press", "post")
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    incident = sub.add_parser(
        "incident",
        help="トラブル(第8条)の事案: 報告・手順の記録・証拠・お知らせ文の作成・終了",
        description="なりすまし・乗っ取り・炎上・誤投稿などの事案を記録し、種類ごとの手順を進めます。"
        "終了コード: 0 完了、1 規則により拒否(必須の手順が残っているなど)、2 使い方・入力・データベースの誤り。",
    )
    actions = incident.add_subparsers(dest="incident_command", metavar="操作", required=True)

    kinds = actions.add_parser("kinds", help="事案の種類と手順の一覧(チェックリストのファイルを確かめる)")
    kinds.add_argument("--format", choices=("text", "json"), default="text")

    report = actions.add_parser("open", help="事案を報告する(だれでも)")
    report.add_argument("--account", required=True, metavar="NAME", help="対象の市のアカウント名")
    report.add_argument(
        "--kind",
        required=True,
        choices=KIND_NAMES,
        help="impersonation(なりすまし)、takeover(乗っ取り・不正アクセス)、flaming(炎上)、mistake(誤投稿)、other(その他)",
    )
    report.add_argument("--description", required=True, metavar="TEXT", help="何が起きたか")
    report.add_argument("--found-at", metavar="ISO", help="発見日時(ISO 8601。時差なしは日本時間。既定: 今)")
    report.add_argument("--found-by", default="", metavar="TEXT", help="発見者(既定: 自分。例: 市民からの電話)")

    listing = actions.add_parser("list", help="見られる事案の一覧(既定は対応中のもの)")
    listing.add_argument("--all", action="store_true", help="終了した事案も含める")
    listing.add_argument("--format", choices=("text", "json"), default="text")

    show = actions.add_parser("show", help="事案の手順(状態つき)・証拠・経過")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")

    step = actions.add_parser("step", help="手順を済みにする、または不要と記録する(アカウント管理者・運用管理者)")
    step.add_argument("id", type=int)
    step.add_argument("step_id", metavar="STEP_ID", help="手順の識別子(show で表示)")
    step.add_argument("--not-needed", metavar="REASON", help="必要に応じて行う手順を、理由を書いて不要にする")
    step.add_argument("--note", default="", metavar="TEXT", help="行ったことの記録(済みにするとき)")

    note = actions.add_parser("note", help="経過を記録する")
    note.add_argument("id", type=int)
    note.add_argument("text", metavar="TEXT")

    evidence = actions.add_parser("evidence", help="証拠を追加する(URL、画面の記録の画像、アーカイブの投稿)")
    evidence.add_argument("id", type=int)
    which = evidence.add_mutually_exclusive_group(required=True)
    which.add_argument("--url", metavar="URL")
    which.add_argument("--file", metavar="PATH", help="画面の記録(PNG・JPEG など)。メディアの保存先に保存されます")
    which.add_argument("--item", type=int, metavar="ARCHIVE_ITEM_ID", help="アーカイブの投稿の番号")
    evidence.add_argument("--note", default="", metavar="TEXT", help="証拠の説明")

    for name, text in (
        ("text", "文案を表示する(何も保存しない)"),
        ("draft", "文案から投稿デスクの投稿案を作り、その番号を表示する"),
    ):
        generate = actions.add_parser(name, help=text)
        generate.add_argument("id", type=int)
        generate.add_argument(
            "text_kind", choices=TEXT_NAMES, help="notice(市ホームページ)、press(報道機関)、post(公式アカウント)"
        )
        generate.add_argument("--message", default="", metavar="TEXT", help="文案に入れる文(訂正の内容・説明など)")

    close = actions.add_parser("close", help="事案を終了する(手順がすべて済みか不要のとき)")
    close.add_argument("id", type=int)
    close.add_argument("--summary", default="", metavar="TEXT", help="対応の結果のまとめ")


def run_incident(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The database layer is imported here, so that `sns-desk check` never loads it.
    from ..config import resolve_db_url
    from ..core.checker import default_checker
    from ..services.incidents import IncidentService
    from ..services.settings import media_for
    from ..storage.database import open_database

    def body() -> int:
        if args.incident_command == "kinds":
            from ..core.incidents import load_catalog

            catalog = load_catalog()
            _kinds([catalog.checklist(k) for k in catalog.checklists], catalog.version, args.format, out)
            return EXIT_OK
        with open_database(resolve_db_url(args.db)) as database:
            service = IncidentService(database, database.login(), media=media_for(database), checker=default_checker)
            return _dispatch(service, args, out)

    return run_guarded(err, "sns-desk incident", body, refusal=EXIT_FOUND)


def _found_at(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"--found-at「{value}」は ISO 8601 の日時(例 2026-12-05T10:05、2026-12-05T10:05+09:00)で指定してください"
        ) from None
    return at.replace(tzinfo=JST) if at.tzinfo is None else at


def _read_file(path: str) -> bytes:
    source = Path(path)
    if source.is_dir():
        raise InvalidInput(f"「{path}」はフォルダです。画像ファイルを指定してください")
    try:
        with source.open("rb") as f:
            data = f.read(MAX_EVIDENCE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput(f"「{path}」が見つかりません") from None
    except PermissionError:
        raise InvalidInput(f"「{path}」を読む権限がありません") from None
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InvalidInput(f"「{path}」が大きすぎます(50 MB まで)")
    return data


def _dispatch(service: IncidentService, args: argparse.Namespace, out: TextIO) -> int:
    from ..core.incidents import IncidentKind, TextKind

    command = args.incident_command
    if command == "list":
        _list(service.incidents(include_closed=args.all), args.format, out)
        return EXIT_OK
    if command == "show":
        _show(service.incident(args.id), args.format, out)
        return EXIT_OK
    if command == "open":
        incident = service.open(
            args.account, IncidentKind(args.kind), args.description, _found_at(args.found_at), args.found_by
        )
        required = sum(1 for s in incident.steps if s.required)
        out.write(
            f"事案 {incident.id} を受け付けました({incident.kind.label}、{incident.account_name})。"
            f"手順 {len(incident.steps)} 件(必須 {required} 件)は sns-desk incident show {incident.id} で確認できます\n"
        )
        return EXIT_OK
    if command == "step":
        if args.not_needed is not None:
            incident = service.step_not_needed(args.id, args.step_id, args.not_needed)
            verb = "不要と記録しました"
        else:
            incident = service.step_done(args.id, args.step_id, args.note)
            verb = "済みにしました"
        step = incident.step(args.step_id)
        left = len(incident.blocking)
        rest = (
            f"残りの手順 {left} 件" if left else f"手順はすべて済みです(sns-desk incident close {incident.id} で終了)"
        )
        out.write(f"事案 {incident.id}: 「{step.title if step else args.step_id}」を{verb}。{rest}\n")
        return EXIT_OK
    if command == "note":
        incident = service.add_note(args.id, args.text)
        out.write(f"事案 {incident.id}: 経過を記録しました\n")
        return EXIT_OK
    if command == "evidence":
        if args.url is not None:
            incident = service.add_url(args.id, args.url, args.note)
        elif args.file is not None:
            incident = service.add_file(args.id, Path(args.file).name, _read_file(args.file), args.note)
        else:
            incident = service.add_item(args.id, args.item, args.note)
        added = incident.evidence[-1]
        out.write(f"事案 {incident.id}: 証拠 {added.id} を追加しました({added.kind.label}: {added.summary})\n")
        return EXIT_OK
    if command == "text":
        generated = service.preview(args.id, TextKind(args.text_kind), args.message)
        out.write(generated.body + "\n")
        return EXIT_OK
    if command == "draft":
        linked = service.create_draft(args.id, TextKind(args.text_kind), args.message)
        out.write(f"{linked.draft_id}\n")
        return EXIT_OK
    incident = service.close(args.id, args.summary)
    out.write(f"事案 {incident.id} を終了しました\n")
    return EXIT_OK


# -- output ---------------------------------------------------------------------------------------


def _jst(at: dt.datetime | None) -> str:
    from ..core.incidents import jst_text

    return jst_text(at) if at is not None else ""


def _iso(at: dt.datetime | None) -> str | None:
    return at.astimezone(dt.UTC).isoformat() if at is not None else None


def _excerpt(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _kinds(checklists: list[Checklist], version: str, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        rows = [
            {
                "kind": c.kind.value,
                "label": c.kind.label,
                "article": c.kind.article,
                "summary": c.summary,
                "steps": [s.to_json() for s in c.steps],
                "texts": {t.value: spec.title for t, spec in c.texts.items()},
            }
            for c in checklists
        ]
        json.dump({"version": version, "kinds": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    out.write(f"事案のチェックリスト(版 {version})\n")
    for checklist in checklists:
        article = f"、{checklist.kind.article}" if checklist.kind.article else ""
        out.write(f"\n{checklist.kind.value}: {checklist.kind.label}{article}\n")
        for step in checklist.steps:
            need = "必須" if step.required else "必要に応じて"
            out.write(f"  {step.id}\t{need}\t{step.title}\t{step.article}\n")
        if checklist.texts:
            texts = "、".join(f"{t.value}({spec.title})" for t, spec in checklist.texts.items())
            out.write(f"  文案: {texts}\n")


def _list(incidents: list[IncidentSummary], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        rows = [
            {
                "id": i.id,
                "status": i.status.value,
                "status_label": i.status.label,
                "kind": i.kind.value,
                "kind_label": i.kind.label,
                "account": i.account_name,
                "found_at": _iso(i.found_at),
                "found_at_jst": _jst(i.found_at),
                "reported_by": i.reported_by,
                "steps_total": i.steps_total,
                "steps_open": i.steps_open,
                "last_activity": _iso(i.last_activity),
                "description": i.description,
            }
            for i in incidents
        ]
        json.dump(rows, out, ensure_ascii=False)
        out.write("\n")
        return
    if not incidents:
        out.write("見られる事案はありません\n")
        return
    for i in incidents:
        left = f"残り {i.steps_open}/{i.steps_total}" if i.steps_open else "手順済み"
        out.write(
            f"{i.id}\t{i.status.label}\t{i.kind.label}\t{i.account_name}\t{_jst(i.found_at)}\t{left}\t"
            f"{_excerpt(i.description)}\n"
        )


def _incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "account": incident.account_name,
        "account_id": incident.account_id,
        "account_manager": incident.account_manager,
        "kind": incident.kind.value,
        "kind_label": incident.kind.label,
        "article": incident.kind.article,
        "status": incident.status.value,
        "status_label": incident.status.label,
        "description": incident.description,
        "found_at": _iso(incident.found_at),
        "found_at_jst": _jst(incident.found_at),
        "found_by": incident.found_by,
        "reported_by": incident.reported_by,
        "reported_at": _iso(incident.reported_at),
        "closed_by": incident.closed_by,
        "closed_at": _iso(incident.closed_at),
        "steps": [
            {
                **state.step.to_json(),
                "status": state.status.value,
                "status_label": state.status.label,
                "by": state.by,
                "at": _iso(state.at),
                "at_jst": _jst(state.at),
                "note": state.note,
            }
            for state in incident.states
        ],
        "blocking": [state.step.id for state in incident.blocking],
        "evidence": [
            {
                "id": e.id,
                "kind": e.kind.value,
                "url": e.url,
                "sha256": e.sha256,
                "filename": e.filename,
                "format": e.format,
                "byte_size": e.byte_size,
                "item_id": e.item_id,
                "note": e.note,
                "added_by": e.added_by,
                "added_at": _iso(e.added_at),
            }
            for e in incident.evidence
        ],
        "timeline": [
            {
                "at": _iso(e.at),
                "at_jst": _jst(e.at),
                "by": e.by,
                "action": str(e.action),
                "label": e.label,
                "step_id": e.step_id,
                "text": e.text,
                "draft_id": e.draft_id,
                "evidence_id": e.evidence_id,
                "text_kind": e.text_kind,
            }
            for e in incident.events
        ],
        "drafts": [
            {"draft_id": d.draft_id, "text": str(d.text), "by": d.by, "at": _iso(d.at)} for d in incident.drafts
        ],
    }


_MARKS = {"open": "[  ]", "done": "[済]", "not_needed": "[不要]"}


def _show(incident: Incident, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(_incident_json(incident), out, ensure_ascii=False)
        out.write("\n")
        return
    article = f"({incident.kind.article})" if incident.kind.article else ""
    out.write(f"事案 {incident.id}  {incident.kind.label}{article}  {incident.status.label}\n")
    out.write(f"アカウント: {incident.account_name}  管理者: {incident.account_manager or '未定'}\n")
    out.write(f"発見: {_jst(incident.found_at)}(日本時間)  {incident.found_by}\n")
    out.write(f"報告: {_jst(incident.reported_at)}  {incident.reported_by}\n")
    if incident.closed_at is not None:
        out.write(f"終了: {_jst(incident.closed_at)}  {incident.closed_by}\n")
    out.write(f"説明: {incident.description}\n")
    blocking = len(incident.blocking)
    out.write(f"\n手順(残り {blocking} 件 / {len(incident.steps)} 件):\n")
    for state in incident.states:
        need = "必須" if state.step.required else "必要に応じて"
        line = f"  {_MARKS[state.status.value]} {state.step.id}  {state.step.title}  {need}"
        if state.step.article:
            line += f"  {state.step.article}"
        if state.at is not None:
            line += f"  — {state.by} {_jst(state.at)}"
            if state.note:
                line += f"「{state.note}」"
        out.write(line + "\n")
    if incident.evidence:
        out.write("\n証拠:\n")
        for item in incident.evidence:
            note = f"  {item.note}" if item.note else ""
            out.write(
                f"  {item.id}  {item.kind.label}  {item.summary}  ({item.added_by} {_jst(item.added_at)}){note}\n"
            )
    if incident.drafts:
        from ..core.incidents import TextKind

        out.write("\n投稿案:\n")
        for d in incident.drafts:
            label = d.text.label if isinstance(d.text, TextKind) else d.text
            out.write(f"  投稿案 {d.draft_id}  {label}  ({d.by} {_jst(d.at)})\n")
    out.write("\n経過(日本時間):\n")
    for e in incident.events:
        subject = f"  {e.step_id}" if e.step_id else ""
        text = f"  {_excerpt(e.text, 80)}" if e.text else ""
        out.write(f"  {_jst(e.at)}  {e.by}  {e.label}{subject}{text}\n")
