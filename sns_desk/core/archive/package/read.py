"""Reading a backup package back, for restoring: :func:`read_package` and :class:`PackageReader`.

A package is verified in full before it is opened, and refused with any problem; its ``items.jsonl`` is
then parsed line by line into :class:`ArchiveItem` records, and each media file is checked against its
SHA-256 when it is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchiveItem, PackagedMedia
from sns_desk.core.archive.package.layout import (
    FORMAT_VERSION,
    ITEM_FIELDS,
    MODERATION_FIELDS,
    MODERATION_FILE,
    MODERATION_NULLABLE,
    NULLABLE_FIELDS,
    REQUIRED_FIELDS,
    TAG_COUNT,
    TAG_FORMAT,
    TAG_SINCE,
    TAG_TITLE,
    as_utc,
    posix,
)
from sns_desk.core.archive.package.verify import verify_bag
from sns_desk.core.progress import CancelCheck, Progress

_MEDIA_PATH = re.compile(r"data/media/([0-9a-f]{2})/([0-9a-f]{64})(?:\.[a-z0-9]{1,5})?")


class PackageReader:
    """A verified package, opened for restoring: :meth:`items` streams the items, oldest first."""

    def __init__(self, path: Path, info: Mapping[str, str], media_paths: Mapping[str, str]) -> None:
        self.path = path
        self.info = dict(info)
        """``bag-info.txt`` (the first value of a repeated tag)."""
        self._media_paths = dict(media_paths)
        self.count = _int_tag(info, TAG_COUNT)
        self.media_count = len(self._media_paths)
        self.title = info.get(TAG_TITLE, "")
        self.since = _datetime_tag(info, TAG_SINCE)

    def items(self) -> Iterator[ArchiveItem]:
        """Every item of ``data/items.jsonl``. Raises :class:`ArchiveError` naming the line of a bad record."""
        n = 0
        with open(self.path / "data" / "items.jsonl", "rb") as f:
            for n, raw in enumerate(f, start=1):
                yield _parse_line(raw, n, self._media_paths)
        if n != self.count:
            raise ArchiveError(f"items.jsonl の件数({n} 件)が bag-info.txt の記録({self.count} 件)と違います")

    def moderation(self) -> Iterator[dict[str, Any]]:
        """The records of ``data/moderation.jsonl`` (none when the package has no such file), each checked to
        have exactly :data:`~.layout.MODERATION_FIELDS` with text values (or null where allowed)."""
        source = self.path / "data" / MODERATION_FILE
        if not source.is_file():
            return
        with open(source, "rb") as f:
            for n, raw in enumerate(f, start=1):
                where = f"{MODERATION_FILE} の {n} 行目"
                try:
                    record = json.loads(raw)
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise ArchiveError(f"{where}が JSON として読めません({exc})") from exc
                if not isinstance(record, dict) or set(record) != set(MODERATION_FIELDS):
                    raise ArchiveError(f"{where}がコメントの削除・非表示の記録ではありません")
                for name, value in record.items():
                    if value is None and name in MODERATION_NULLABLE:
                        continue
                    if name == "policy_version" and isinstance(value, int) and not isinstance(value, bool):
                        continue
                    if not isinstance(value, str):
                        raise ArchiveError(f"{where}の {name} の値が正しくありません")
                yield record

    def media_bytes(self, sha256: str) -> bytes:
        """The content of one media file, checked against its SHA-256."""
        rel = self._media_paths.get(sha256)
        if rel is None:
            raise ArchiveError(f"メディア {sha256[:12]}… はこのパッケージにありません")
        try:
            data = (self.path / rel).read_bytes()
        except OSError as exc:
            raise ArchiveError(f"「{rel}」を読めません({exc.strerror or exc})") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveError(f"「{rel}」の内容が作成時から変わっています(チェックサムが一致しません)")
        return data


def read_package(path: Path, progress: Progress | None = None, cancelled: CancelCheck | None = None) -> PackageReader:
    """Verify the package at ``path`` and open it; refuses (:class:`ArchiveError`) one with any problem.

    ``progress`` and ``cancelled`` are those of the verification (:func:`~.verify.verify_package`)."""
    path = Path(path)
    problems, bag = verify_bag(path, progress, cancelled)
    if problems or bag is None:
        listed = "\n".join(f"・{p.message}" for p in problems[:20])
        more = f"\n…ほか {len(problems) - 20} 件" if len(problems) > 20 else ""
        raise ArchiveError(f"このバックアップは検証に失敗したため読み込めません。\n{listed}{more}")
    info = {name: (value[0] if isinstance(value, list) else value) for name, value in bag.info.items()}
    version = info.get(TAG_FORMAT, "")
    if version != str(FORMAT_VERSION):
        raise ArchiveError(
            f"このバックアップの形式(第 {version} 版)はこのアプリでは読めません。SNS Desk を新しい版に更新してください"
        )
    if not (path / "data" / "items.jsonl").is_file():
        raise ArchiveError("data/items.jsonl がありません。SNS Desk のバックアップではないようです")
    media_paths: dict[str, str] = {}
    for rel in bag.payload_entries():
        match = _MEDIA_PATH.fullmatch(posix(rel))
        if match and match.group(1) == match.group(2)[:2]:
            media_paths[match.group(2)] = posix(rel)
    return PackageReader(path, info, media_paths)


def _int_tag(info: Mapping[str, str], name: str) -> int:
    value = info.get(name, "")
    if not value.isdigit():
        raise ArchiveError(f"bag-info.txt の {name} が正しくありません({value!r})")
    return int(value)


def _datetime_tag(info: Mapping[str, str], name: str) -> dt.datetime | None:
    value = info.get(name)
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ArchiveError(f"bag-info.txt の {name} が正しくありません({value!r})")
    return parsed


def _parse_line(raw: bytes, line: int, media_paths: Mapping[str, str]) -> ArchiveItem:
    where = f"items.jsonl の {line} 行目"
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"{where}が JSON として読めません({exc})") from exc
    if not isinstance(record, dict):
        raise ArchiveError(f"{where}が投稿の記録ではありません")
    unknown = sorted(set(record) - set(ITEM_FIELDS))
    if unknown:
        raise ArchiveError(
            f"{where}に知らない項目があります({', '.join(unknown)})。SNS Desk を新しい版に更新してください"
        )
    missing = sorted(REQUIRED_FIELDS - set(record))
    if missing:
        raise ArchiveError(f"{where}に必要な項目がありません({', '.join(missing)})")
    values: dict[str, Any] = {}
    for name, value in record.items():
        if name == "posted_at":
            values[name] = _parse_posted_at(value, where)
        elif name == "media":
            values[name] = _parse_media(value, where, media_paths)
        elif isinstance(value, str) or (value is None and name in NULLABLE_FIELDS):
            values[name] = value
        else:
            raise ArchiveError(f"{where}の {name} の値が正しくありません")
    return ArchiveItem(**values)


def _parse_posted_at(value: Any, where: str) -> dt.datetime:
    parsed = None
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ArchiveError(f"{where}の投稿日時 posted_at が正しくありません({value!r})")
    utc = as_utc(parsed)  # what the database stores; 0001-01-01T00:00+09:00 has no UTC in years 1-9999
    if utc is None:
        raise ArchiveError(f"{where}の投稿日時 posted_at は扱える範囲(西暦 1〜9999 年、UTC)を外れています({value!r})")
    return utc


def _parse_media(value: Any, where: str, media_paths: Mapping[str, str]) -> tuple[PackagedMedia, ...]:
    if not isinstance(value, list):
        raise ArchiveError(f"{where}の media が一覧になっていません")
    result = []
    for m in value:
        if not (isinstance(m, dict) and isinstance(m.get("sha256"), str) and isinstance(m.get("name"), str)):
            raise ArchiveError(f"{where}の media の記録が正しくありません")
        if m["sha256"] not in media_paths:
            raise ArchiveError(f"{where}のメディア「{m['name']}」のファイルがパッケージにありません")
        result.append(PackagedMedia(sha256=m["sha256"], name=m["name"]))
    return tuple(result)
