"""What a backup package is made of, shared by writing, checking and reading it.

The format version, the BagIt tag files and the ``X-SNS-Desk-*`` tags of ``bag-info.txt``, the fields of an
item record, the JSON encoding of ``items.jsonl`` and ``items.js``, and the Japanese ``data/README.txt``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import typing
from pathlib import Path
from typing import Any, Final

from sns_desk.core.archive.model import ArchiveItem
from sns_desk.core.jst import JST

FORMAT_VERSION: Final = 1
"""``X-SNS-Desk-Format`` of the packages this package writes; reading refuses any other."""

ALGORITHM: Final = "sha256"
BAGIT_VERSION: Final = "1.0"

TAG_FORMAT: Final = "X-SNS-Desk-Format"
TAG_COUNT: Final = "X-SNS-Desk-Item-Count"
TAG_MEDIA_COUNT: Final = "X-SNS-Desk-Media-Count"
TAG_SINCE: Final = "X-SNS-Desk-Since"
TAG_TITLE: Final = "X-SNS-Desk-Title"
TAG_EXPORTED_AT: Final = "X-SNS-Desk-Exported-At"
TAG_AUDIT_HEAD: Final = "X-SNS-Desk-Audit-Chain-Head"
"""``<number of records> <SHA-256 of the last record>`` of the database's audit chain when the package was read
(``0`` and 64 zeros for an empty chain): a later ``audit verify`` cannot be fooled by a rewritten chain that
no longer passes through this head."""

TAG_FILES: Final = ("bagit.txt", "bag-info.txt", f"manifest-{ALGORITHM}.txt")
"""The tag files a package has besides the tag manifest, which must list each of them."""

COPY_CHUNK: Final = 1024 * 1024
"""How much of a file is read at a time to hash or copy it."""

ITEM_FIELDS: Final = tuple(f.name for f in dataclasses.fields(ArchiveItem))
"""The keys of an item record in ``items.jsonl`` (``media`` entries also get their ``path``)."""
REQUIRED_FIELDS: Final = frozenset(
    f.name
    for f in dataclasses.fields(ArchiveItem)
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
)
NULLABLE_FIELDS: Final = frozenset(
    name for name, hint in typing.get_type_hints(ArchiveItem).items() if type(None) in typing.get_args(hint)
)

MODERATION_FILE: Final = "moderation.jsonl"
"""``data/moderation.jsonl``: the moderation log of the accounts in the package (第9条), one entry a line,
oldest action first; written only when there are entries."""
MODERATION_FIELDS: Final = (
    "key", "account", "platform", "action", "author_handle", "text", "url", "commented_at", "acted_at",
    "policy_item", "policy_version", "reason", "recorded_by", "recorded_at", "supersedes_key",
)  # fmt: skip
"""The keys of a moderation record; ``key`` identifies it in every database, ``supersedes_key`` names the
entry it corrects or retracts."""
MODERATION_NULLABLE: Final = frozenset({"commented_at", "policy_version", "supersedes_key"})

_RAW_LINE_BREAKS: Final = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON with sorted keys; the line breaks that JSON leaves raw (U+0085, U+2028, U+2029) are
    escaped, so that a JSONL file splits into lines the same way for every tool (and old JavaScript engines)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in _RAW_LINE_BREAKS:
        if raw in text:  # rare; str.translate would be much slower on every line
            text = text.replace(raw, escaped)
    return text.encode("utf-8")


_GREGORIAN_CYCLE_YEARS: Final = 400
"""The Gregorian calendar repeats every 400 years (leap years and weekdays alike)."""


def as_utc(value: dt.datetime) -> dt.datetime | None:
    """``value`` in UTC, or None when that falls outside the years 1-9999 Python can hold (e.g. 0001-01-01
    00:00 in Japan time is still year 0 in UTC)."""
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return None


def jst_text(value: dt.datetime) -> str:
    """``value`` as ``YYYY-MM-DD HH:MM:SS`` in Japan time, even beyond year 9999 (9999-12-31 23:59:59 UTC is
    10000-01-01 08:59:59 in Japan): shifted by a Gregorian cycle where the conversion would overflow. The year
    always has four digits (``strftime("%Y")`` gives ``1`` for year 1 on Linux)."""
    shift = 0
    try:
        local = value.astimezone(JST)
    except OverflowError:
        shift = -_GREGORIAN_CYCLE_YEARS if value.year > _GREGORIAN_CYCLE_YEARS else _GREGORIAN_CYCLE_YEARS
        local = value.replace(year=value.year + shift).astimezone(JST)
    return f"{local.year - shift:04d}-{local:%m-%d %H:%M:%S}"


def read_bag_info(path: Path) -> dict[str, str]:
    """The tags of a package's ``bag-info.txt`` (the first value of each name), without checking the package;
    an unreadable or missing file gives ``{}``. For looking at a package, never for trusting it."""
    try:
        text = (Path(path) / "bag-info.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    info: dict[str, str] = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name and not name[0].isspace():
            info.setdefault(name.strip(), value.strip())
    return info


def parse_audit_head(value: str) -> tuple[int, str] | None:
    """``(records, sha256)`` from a :data:`TAG_AUDIT_HEAD` value, or None when it is not one."""
    count, _, digest = value.strip().partition(" ")
    if not count.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    return int(count), digest


def posix(rel: str) -> str:
    """A path relative to the package folder as bagit gives it, with ``/`` as on every system."""
    return rel.replace(os.sep, "/")


README_TEXT: Final = """\
SNS 投稿のバックアップ(東広島市ソーシャルメディア運用ガイドライン 第6条)
=======================================================================

このフォルダには、公式アカウントから投稿した内容の控えが入っています。
SNS Desk(このバックアップを作ったアプリ)がなくても、インターネットにつながっていなくても読めます。

■ 見る
  viewer/index.html をダブルクリックすると、ブラウザーで投稿の一覧が開きます
  (新しい順。アカウントでの絞り込みと文字検索ができます。日時は日本時間です)。

■ 入っているもの
  items.csv     投稿の一覧。Excel でそのまま開けます(UTF-8、BOM 付き)。
                posted_at は世界協定時(UTC)、posted_at_jst は日本時間です。
                media 列は画像などのファイルの場所(このフォルダからの相対パス)を「|」で区切ったものです。
                Excel が数式と取り違えないよう、= + - @ で始まる欄には先頭に ' を付けています。
  items.jsonl   同じ投稿を 1 行に 1 件ずつ JSON で書いたもの(文字コード UTF-8)。手を加えていない正本で、
                SNS Desk に戻すときはこちらを読みます。日時は ISO 8601 形式(UTC)です。
  moderation.jsonl
                利用方針に基づいて削除・非表示にした他者のコメントの記録(第9条。記録がある場合だけ)。
                コメントの本文、書いた人、措置、利用方針の項目、理由、記録した職員を 1 行に 1 件ずつ。
  media/        投稿に添付した画像・動画など。ファイル名は内容の SHA-256(同じファイルは 1 つだけ)で、
                元のファイル名は items.csv / items.jsonl の media に書いてあります。
  viewer/       一覧を見るためのファイル(index.html、items.js ほか)。

■ 改ざん・破損がないか確かめる
  このフォルダの一つ上が BagIt 形式(RFC 8493)のパッケージになっています。
  manifest-sha256.txt に data フォルダ内の全ファイルの SHA-256 が、bag-info.txt に作成日・作成者・件数が
  書いてあります。
  bag-info.txt の X-SNS-Desk-Audit-Chain-Head は、書き出した時点の監査記録(だれが・いつ・何をしたかの
  記録。1 件ごとに前の記録のハッシュをつないだ鎖)の件数と最後の記録の SHA-256 です。のちに
  SNS Desk の監査記録の検証(audit verify)で、記録がこの時点から書き換えられていないことを確かめる
  手がかりになります(この値は控えとして別の場所にも書き写しておくと確実です)。
  ・SNS Desk のバックアップの検証で確認できます。
  ・SNS Desk がなくても、Python の bagit(pip install bagit)で
        bagit.py --validate <パッケージのフォルダ>
    と実行すると確認できます。
  ・Windows の PowerShell では Get-FileHash <ファイル> -Algorithm SHA256 で 1 つずつ確かめられます。
  ファイルを追加・変更・削除すると検証に失敗します。このフォルダの中身は編集しないでください。
"""
"""``data/README.txt``: what the folder is and how to check it, for people without the app."""
