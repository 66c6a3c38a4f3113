"""``sns-desk archive import|search|show|link-correction``: platform exports into the Article 6 archive
(第6条第9号), finding what was posted, and the links between a post and its correction (第9条)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO

from ..core.errors import InvalidInput
from ..core.jst import JST
from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK, EXIT_USAGE

FORMATS = ("auto", "x", "facebook", "instagram", "mastodon", "csv")
"""``--format`` values; kept equal to ``sns_desk.core.archive.formats.FORMATS`` by a test (this module is
imported for every command, so it does not load the archive readers)."""

BAR_WIDTH = 30


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    archive = sub.add_parser("archive", help="第6条のバックアップ(投稿のアーカイブ)")
    actions = archive.add_subparsers(dest="archive_command", metavar="操作", required=True)
    imp = actions.add_parser("import", help="プラットフォームのエクスポート(zip・tar.gz・フォルダ・CSV)を取り込む")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--format", choices=FORMATS, default="auto", help="形式(auto: 中身から判定)")
    imp.add_argument("--account", metavar="NAME", help="アカウント名(エクスポートから分からないとき)")
    search = actions.add_parser("search", help="アーカイブを全文検索する")
    search.add_argument("query", metavar="QUERY", help="検索語(空白区切りはすべてを含むもの)")
    search.add_argument("--account", metavar="NAME", help="アカウントで絞り込む")
    search.add_argument("--platform", metavar="P", help="プラットフォームで絞り込む(x, facebook …)")
    search.add_argument("--since", metavar="DATE", help="この日以降(YYYY-MM-DD、日本時間)")
    search.add_argument("--until", metavar="DATE", help="この日まで(YYYY-MM-DD、日本時間、その日を含む)")
    search.add_argument("--limit", type=int, default=100, help="表示する最大件数(既定 100)")
    search.add_argument("--format", choices=("text", "json"), default="text")
    show = actions.add_parser("show", help="アーカイブの投稿一件(訂正の紐づけを含む)を表示する")
    show.add_argument("id", type=int, metavar="ITEM_ID")
    show.add_argument("--format", choices=("text", "json"), default="text")
    link = actions.add_parser(
        "link-correction",
        help="訂正・おわびの投稿を元の投稿に紐づける(第9条、取り込んだ投稿など。アカウント管理者・運用管理者)",
    )
    link.add_argument("original", type=int, metavar="ORIGINAL_ID", help="訂正される元の投稿の番号")
    link.add_argument("correction", type=int, metavar="CORRECTION_ID", help="訂正・おわびの投稿の番号")


def parse_day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} の日付「{value}」を読めません。YYYY-MM-DD で指定してください") from None


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in Japan at the start of ``day``: staff think in local days."""
    return dt.datetime.combine(day, dt.time(), tzinfo=JST)


def day_end(day: dt.date) -> dt.datetime | None:
    """Midnight in Japan at the end of ``day``: the exclusive bound of ``--until``.

    None -- no bound -- for 9999-12-31, the last day that can be written: the last hours of year 9999 in UTC are
    already 10000-01-01 in Japan, a day nobody can type, so the last day reaches to the end of time.
    """
    if day < dt.date.max:
        return day_start(day + dt.timedelta(days=1))
    return None


def progress_line(done: int, total: int | None) -> str:
    """A one-line text progress bar, e.g. ``[#########.....]  60%  3,000 / 5,000 件``."""
    if not total:
        return f"取り込み中… {done:,} 件"
    share = min(done / total, 1.0)
    filled = round(share * BAR_WIDTH)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}  {done:,} / {total:,} 件"


def run_archive(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # The database layer is imported here, so that `sns-desk check` never loads it.
    from ..config import resolve_db_url
    from ..services.archive_import import ImportCancelled
    from ..storage.database import open_database

    def body() -> int:
        with open_database(resolve_db_url(args.db)) as database:
            if args.archive_command == "search":
                return _search(database, args, out)
            if args.archive_command == "show":
                return _show(database, args.id, args.format, out)
            if args.archive_command == "link-correction":
                return _link(database, args, out)
            return _import(database, args, out, err)

    # Ctrl+C: like `backup`, a message and exit 2, never a traceback; an import's transaction is rolled back.
    interrupted = ImportCancelled().message if args.archive_command == "import" else "中止しました"
    refusal = EXIT_FOUND if args.archive_command == "link-correction" else EXIT_USAGE
    return run_guarded(err, "sns-desk archive", body, interrupted=interrupted, refusal=refusal)


def _linked_json(post: Any) -> dict[str, Any]:
    return {"id": post.id, "account": post.account, "platform": post.platform, "url": post.url,
            "posted_at": post.posted_at.isoformat(), "excerpt": post.excerpt}  # fmt: skip


def _linked_text(post: Any) -> str:
    from ..core.archive.package.layout import jst_text

    return f"#{post.id} {jst_text(post.posted_at)[:-3]} {post.url}  {post.excerpt}"


def _show(database: Any, item_id: int, fmt: str, out: TextIO) -> int:
    from ..services.moderation import ModerationService

    chain = ModerationService(database, database.login()).chain(item_id)
    if fmt == "json":
        payload = {
            **_linked_json(chain.item),
            "corrected": chain.corrected,
            "corrects": _linked_json(chain.corrects) if chain.corrects else None,
            "corrected_by": [_linked_json(p) for p in chain.corrected_by],
        }
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    out.write(_linked_text(chain.item) + ("  【訂正済み】" if chain.corrected else "") + "\n")
    if chain.corrects:
        out.write("  訂正 → 原文: " + _linked_text(chain.corrects) + "\n")
    for later in chain.corrected_by:
        out.write("  原文 → 訂正: " + _linked_text(later) + "\n")
    return EXIT_OK


def _link(database: Any, args: argparse.Namespace, out: TextIO) -> int:
    from ..services.moderation import ModerationService

    chain = ModerationService(database, database.login()).link_correction(args.original, args.correction)
    out.write(f"投稿 {args.correction} を投稿 {args.original} の訂正として記録しました(原文は訂正済み)\n")
    for later in chain.corrected_by:
        out.write("  原文 → 訂正: " + _linked_text(later) + "\n")
    return EXIT_OK


def _import(database: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..services.archive_import import import_export
    from ..storage.media import MediaStore, default_media_root

    path = Path(args.path)
    if not path.exists():
        err.write(f"sns-desk archive: {path} が見つかりません\n")
        return EXIT_USAGE
    tty = err.isatty()

    def progress(done: int, total: int | None) -> None:
        if tty:
            err.write("\r" + progress_line(done, total))
            err.flush()

    media = MediaStore(default_media_root(database.display_name))
    try:
        result = import_export(database, media, path, args.format, args.account, progress=progress, by=database.login())
    except BaseException:
        if tty:
            err.write("\n")  # end the progress line before the message
        raise
    if tty:
        err.write("\n")
    out.write(f"{result.account}: {result.added} 件を追加、{result.skipped} 件は取り込み済みのため省略\n")
    return EXIT_OK


def _search(database: Any, args: argparse.Namespace, out: TextIO) -> int:
    from ..core.archive.package.layout import jst_text
    from ..storage.search import SearchQuery, archive_search

    since = day_start(parse_day(args.since, "--since")) if args.since else None
    until = day_end(parse_day(args.until, "--until")) if args.until else None
    if args.limit < 1:
        raise InvalidInput("--limit には 1 以上を指定してください")
    page = archive_search(database).search(
        SearchQuery(
            text=args.query,
            account=args.account,
            platform=args.platform,
            since=since,
            until=until,
            limit=args.limit,
        )
    )
    if args.format == "json":
        payload = {
            "query": args.query,
            "total": page.total,
            "items": [
                {
                    "account": item.account,
                    "platform": item.platform,
                    "platform_id": item.platform_id,
                    "url": item.url,
                    "posted_at": item.posted_at.isoformat(),
                    "text": item.text,
                    "highlights": [list(span) for span in item.highlights],
                    "media": item.media_count,
                    "id": item.id,
                    "corrected": item.corrected,
                    "corrects_id": item.corrects_id,
                    "corrected_by": list(item.corrected_by),
                }
                for item in page.items
            ],
        }
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for item in page.items:
        when = jst_text(item.posted_at)[:-3]  # to the minute; 10000-01-01 for the last hours of 9999 in UTC
        marks = "".join(
            (
                f"  【訂正済み → #{', #'.join(map(str, item.corrected_by))}】" if item.corrected_by else "",
                f"  【#{item.corrects_id} の訂正】" if item.corrects_id is not None else "",
            )
        )
        out.write(f"{when}  {item.account} ({item.platform})  {item.url}  [#{item.id}]{marks}\n")
        out.write("  " + _marked(item.text, item.highlights).replace("\n", "\n  ") + "\n")
    shown = len(page.items)
    out.write(
        f"{page.total:,} 件が見つかりました" + (f"(新しい順に {shown:,} 件を表示)" if shown < page.total else "") + "\n"
    )
    return EXIT_OK


def _marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text with each hit in 《》 (【】 is common in the posts themselves), readable without colours."""
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(f"《{text[start:end]}》")
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
