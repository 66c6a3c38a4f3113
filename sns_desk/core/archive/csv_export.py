"""Reading a spreadsheet of posts (CSV) into :class:`~sns_desk.core.archive.model.ArchivedPost` records, for every
platform without an export reader of its own -- LINE, Threads, Bluesky, YouTube ... (guideline article 6).

What this module accepts:

* a single ``.csv`` file, or a ``.csv`` at the root of a ``.zip`` or folder (or directly inside its one top
  folder) with the media files beside it; several such CSV files are refused as ambiguous. macOS's
  ``__MACOSX/`` and ``._*`` files and Excel's ``~$*`` lock files are ignored;
* UTF-8 with or without BOM, otherwise CP932 (what Excel on Japanese Windows writes as "CSV"). The encoding is
  chosen by decoding the whole file strictly, in that order, a chunk at a time; text that decodes to NUL
  characters (a UTF-16 file, say) counts as not decoded. Anything else is refused with a Japanese
  :class:`ArchiveError` asking to save the file as UTF-8;
* a header row naming the columns in English or Japanese -- see :data:`CSV_COLUMNS`; names are compared after
  NFKC normalisation, case folding and removing spaces, ``_`` and ``-``. Unknown columns are ignored.
  ``text`` and ``posted_at`` are required, and ``platform`` unless :func:`read_csv_export` is given one.

Each row:

* ``platform`` is NFKC-normalised, trimmed and lower-cased (``LINE`` → ``line``). A non-empty cell wins over the
  ``platform`` argument, which fills a missing column or empty cells;
* ``account`` is trimmed, without a leading ``@``; each post keeps its own. :attr:`CsvExport.account` is the one
  account when every post has the same one, else ``""``;
* ``posted_at``: see :func:`parse_csv_posted_at`; a time without zone is Japan time;
* ``id``: when empty, ``csv-`` followed by 16 hex digits of the SHA-256 of platform, UTC time and text, so that
  importing the same spreadsheet twice gives the same ids. The first row with a given id wins;
* ``media``: paths relative to the CSV's folder separated by ``|`` or ``;`` (``\\`` is read as ``/``); absolute
  paths and ``..`` are refused, and every file must exist;
* ``text`` keeps its line breaks (``\\r\\n`` becomes ``\\n``); a row whose text is blank and has no media is
  skipped, as is a completely empty row;
* ``author`` is checked but not kept: :class:`ArchivedPost` has no author field.

Row numbers in messages count records as a spreadsheet shows them: the header is row 1.

The CSV is never held in memory as a whole: it is read through a stream -- once to find the encoding, once to
check every row when the export is opened (so a bad row fails before any post is yielded) and once more by
:meth:`CsvExport.posts`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Final, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.reader import SourceReader
from sns_desk.core.archive.sources import ArchiveSource, FileSource, is_unsafe_name

__all__ = [
    "CSV_COLUMNS",
    "CSV_ENCODINGS",
    "REQUIRED_COLUMNS",
    "CsvExport",
    "looks_like_csv",
    "parse_csv_posted_at",
    "read_csv_export",
]

CSV_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "platform": ("platform", "プラットフォーム", "媒体"),
    "account": ("account", "アカウント"),
    "id": ("id", "投稿ID"),
    "url": ("url", "URL"),
    "text": ("text", "本文"),
    "posted_at": ("posted_at", "投稿日時"),
    "author": ("author", "投稿者"),
    "reply_to_id": ("reply_to_id", "返信先ID"),
    "media": ("media", "メディア"),
}
"""The accepted header names of each column (English or Japanese; case, width, spaces, ``_`` and ``-`` do not
matter). ``media`` holds paths relative to the CSV's folder separated by ``|`` or ``;``."""

REQUIRED_COLUMNS: Final = ("text", "posted_at")
"""Columns every CSV must have; ``platform`` too unless :func:`read_csv_export` is given one."""

CSV_ENCODINGS: Final = ("utf-8-sig", "cp932")
"""Tried in this order; ``utf-8-sig`` also reads UTF-8 without BOM."""

SOURCE_NAME: Final = "csv"
MIXED_PLATFORM: Final = "csv"
""":attr:`CsvExport.platform` when the rows name more than one platform."""

_COLUMN_LABELS: Final[Mapping[str, str]] = {
    "platform": "プラットフォーム",
    "account": "アカウント",
    "id": "投稿ID",
    "url": "URL",
    "text": "本文",
    "posted_at": "投稿日時",
    "author": "投稿者",
    "reply_to_id": "返信先ID",
    "media": "メディア",
}
_CHUNK: Final = 1024 * 1024
_MEDIA_SPLIT_RE: Final = re.compile(r"[|;]")
_EXCEL_NUMBER_RE: Final = re.compile(r"\d(?:\.\d+)?E\+\d+", re.IGNORECASE)
_DATE_RE: Final = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
    r"(?:\s*日\s*|\s*T\s*|\s+)(?P<h>\d{1,2})\s*[:時]\s*(?P<mi>\d{2})\s*分?"
    r"(?:\s*:\s*(?P<s>\d{2})(?:\.(?P<frac>\d{1,6}))?|(?<=分)\s*(?P<s2>\d{1,2})\s*秒)?"
)
_JUNK_PREFIXES: Final = ("._", "~$", ".")

_Fail: TypeAlias = Callable[[str, str, str], ArchiveError]
"""Builds the error for (column, cell value, problem) of the current row."""


def _normalise_header(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\s_\-]", "", folded)


_HEADER_KEYS: Final[Mapping[str, str]] = {
    _normalise_header(alias): column for column, aliases in CSV_COLUMNS.items() for alias in aliases
}


@functools.lru_cache(maxsize=1)
def _japan() -> dt.tzinfo:
    """Asia/Tokyo, or a fixed +09:00 where the time zone database is missing (Windows without ``tzdata``)."""
    try:
        return ZoneInfo("Asia/Tokyo")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return dt.timezone(dt.timedelta(hours=9), "JST")


def parse_csv_posted_at(value: str) -> dt.datetime:
    """An aware datetime from a spreadsheet cell; a time without zone is Japan time (Asia/Tokyo).

    Accepts ISO 8601 (``2025-04-01T09:30:00+09:00``, ``2025-04-01 09:30``, ``...Z``), Excel's Japanese style
    (``2025/04/01 9:30``, ``2025/4/1 9:30:15``) and ``2025年4月1日 9時30分``; full-width digits are fine. A date
    without a time is refused. Raises :class:`ValueError`.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise ValueError("empty")
    stamp: dt.datetime | None = None
    if re.search(r"\d[T\s]+\d", text):
        try:
            stamp = dt.datetime.fromisoformat(text)
        except ValueError:
            stamp = None
    if stamp is None:
        match = _DATE_RE.fullmatch(text)
        if match is None:
            raise ValueError(f"unknown date format: {value!r}")
        fraction = (match["frac"] or "0").ljust(6, "0")
        stamp = dt.datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or match["s2"] or 0),
            int(fraction),
        )  # raises ValueError for 2025/02/30 or 25:00
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_japan())
    return stamp


# --------------------------------------------------------------------------------------------------------------
# Finding and streaming the CSV


def _is_junk(name: str) -> bool:
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith(_JUNK_PREFIXES)


def _csv_candidates(source: ArchiveSource) -> list[str]:
    names = [name for name in source.names() if not _is_junk(name)]
    at_root = [name for name in names if "/" not in name and name.lower().endswith(".csv")]
    if at_root:
        return at_root
    folders = {name.split("/", 1)[0] for name in names if "/" in name}
    if len(folders) != 1 or any("/" not in name for name in names):
        return []
    return [name for name in names if name.count("/") == 1 and name.lower().endswith(".csv")]


def looks_like_csv(source: ArchiveSource) -> bool:
    """True when ``source`` is a ``.csv`` file or has one at its root (or directly inside its one top folder)."""
    return bool(_csv_candidates(source))


def _open_member(source: ArchiveSource, name: str) -> IO[bytes]:
    """A binary stream of one member, without reading it into memory where the source allows it."""
    return source.open(name)


def _read_error(name: str, exc: BaseException) -> ArchiveError:
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return ArchiveError(f"「{name}」を読めません: {exc.strerror or exc}")
    return ArchiveError(f"「{name}」が壊れていて最後まで読めません。")


_STREAM_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


def _detect_encoding(source: ArchiveSource, name: str) -> str:
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with _open_member(source, name) as stream:
                while chunk := stream.read(_CHUNK):
                    if "\x00" in decoder.decode(chunk):
                        break
                else:
                    if "\x00" not in decoder.decode(b"", final=True):
                        return encoding
        except UnicodeDecodeError:
            continue
        except _STREAM_ERRORS as exc:
            raise _read_error(name, exc) from exc
    raise ArchiveError(
        f"「{name}」の文字コードを判別できません(UTF-8 でも Shift_JIS(CP932)でもありません)。"
        "Excel の「名前を付けて保存」で「CSV UTF-8(コンマ区切り)」を選んで保存し直してください。"
    )


# --------------------------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True, slots=True)
class _Layout:
    columns: Mapping[str, int]
    """Column name (a key of :data:`CSV_COLUMNS`) → index in the row."""


def _layout(header: Sequence[str], name: str, platform: str | None) -> _Layout:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _HEADER_KEYS.get(_normalise_header(cell))
        if column is None:
            continue
        if column in columns:
            first = header[columns[column]].strip()
            raise ArchiveError(
                f"「{name}」の見出し行に{_COLUMN_LABELS[column]}の列が 2 つあります(「{first}」と「{cell.strip()}」)。"
                "どちらか 1 つにしてください。"
            )
        columns[column] = index
    required = list(REQUIRED_COLUMNS) + ([] if platform else ["platform"])
    missing = [column for column in required if column not in columns]
    if missing:
        wanted = "、".join(f"{_COLUMN_LABELS[column]}({'/'.join(CSV_COLUMNS[column])})" for column in missing)
        raise ArchiveError(
            f"「{name}」の 1 行目(見出し行)に必要な列がありません: {wanted}。1 行目には列の名前を書いてください。"
        )
    return _Layout(columns)


def _normalise_platform(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def _synthetic_id(platform: str, posted_at: dt.datetime, text: str) -> str:
    key = json.dumps([platform, posted_at.astimezone(dt.UTC).isoformat(), text], ensure_ascii=False)
    return "csv-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class CsvExport(SourceReader):
    """An opened CSV of posts. Use as a context manager to release the archive and its temporary folder."""

    platform = MIXED_PLATFORM

    def __init__(self, source: ArchiveSource, platform: str | None = None) -> None:
        super().__init__(source)
        candidates = _csv_candidates(source)
        if not candidates and len(source.names()) == 1:
            candidates = list(source.names())  # one file chosen by hand, whatever its extension
        if not candidates:
            raise ArchiveError(f"{source.label} に CSV ファイル(.csv)が見つかりません。")
        if len(candidates) > 1:
            listed = "、".join(candidates[:5])
            raise ArchiveError(
                f"{source.label} に CSV ファイルが複数あります({listed})。1 回に読み込む CSV は 1 つにしてください。"
            )
        self._name = candidates[0]
        self._folder = self._name.rsplit("/", 1)[0] + "/" if "/" in self._name else ""
        self._default_platform = _normalise_platform(platform) if platform else None
        self._encoding = _detect_encoding(source, self._name)
        self.encoding = self._encoding
        """The encoding the CSV was read in: ``utf-8-sig`` or ``cp932``."""

        platforms: set[str] = set()
        accounts: set[str] = set()
        total = 0
        for post in self.posts():
            platforms.add(post.platform)
            accounts.add(post.account)
            total += 1
        self.total = total
        if len(platforms) == 1:
            self.platform = platforms.pop()
        elif not platforms and self._default_platform:
            self.platform = self._default_platform
        self.account = accounts.pop() if len(accounts) == 1 else ""

    # ---- reading ----

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(row number, cells)`` of every record, the header being row 1."""
        try:
            with _open_member(self._source, self._name) as binary:
                text = io.TextIOWrapper(binary, encoding=self._encoding, errors="strict", newline="")
                reader = csv.reader(text, strict=False)
                number = 0
                while True:
                    number += 1
                    try:
                        row = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        raise ArchiveError(f"「{self._name}」の {number} 行目を CSV として読めません({exc})。") from exc
                    yield number, row
        except UnicodeDecodeError as exc:  # the file changed since its encoding was detected
            raise ArchiveError(f"「{self._name}」の文字コードが途中から変わっています。") from exc
        except _STREAM_ERRORS as exc:
            raise _read_error(self._name, exc) from exc

    def posts(self) -> Iterator[ArchivedPost]:
        """Every post, in the order of the rows, reading the CSV as a stream. Raises :class:`ArchiveError`."""
        rows = self._rows()
        header = next(rows, None)
        if header is None or not any(cell.strip() for cell in header[1]):
            raise ArchiveError(f"「{self._name}」が空か、1 行目に見出し行がありません。")
        layout = _layout(header[1], self._name, self._default_platform)
        seen: set[str] = set()
        for number, row in rows:
            post = self._to_post(layout, number, row)
            if post is None or post.platform_id in seen:
                continue
            seen.add(post.platform_id)
            yield post

    def _to_post(self, layout: _Layout, number: int, row: Sequence[str]) -> ArchivedPost | None:
        if not any(cell.strip() for cell in row):
            return None

        def cell(column: str) -> str:
            index = layout.columns.get(column)
            return row[index] if index is not None and index < len(row) else ""

        def fail(column: str, value: str, problem: str) -> ArchiveError:
            shown = value if len(value) <= 40 else value[:40] + "…"
            return ArchiveError(f"「{self._name}」の {number} 行目の{_COLUMN_LABELS[column]}「{shown}」{problem}")

        text = cell("text").replace("\r\n", "\n").replace("\r", "\n")
        media = self._media_of(cell("media"), fail)
        if not text.strip() and not media:
            return None

        platform = _normalise_platform(cell("platform")) or self._default_platform
        if not platform:
            raise ArchiveError(f"「{self._name}」の {number} 行目のプラットフォームが空です。")

        raw_date = cell("posted_at")
        if not raw_date.strip():
            raise ArchiveError(f"「{self._name}」の {number} 行目の投稿日時が空です。")
        try:
            posted_at = parse_csv_posted_at(raw_date)
        except ValueError as exc:
            raise fail(
                "posted_at",
                raw_date.strip(),
                "を読めません。2025-04-01 09:30 や 2025/04/01 9:30 の形で書いてください。",
            ) from exc
        try:
            posted_at = posted_at.astimezone(dt.UTC)
        except OverflowError as exc:  # 0001-01-01 00:00 in Japan is still year 0 in UTC
            raise fail(
                "posted_at", raw_date.strip(), "は、協定世界時(UTC)で西暦 1 年から 9999 年の範囲の外です。"
            ) from exc

        post_id = self._id_cell(cell("id"), "id", fail) or _synthetic_id(platform, posted_at, text)
        return ArchivedPost(
            platform=platform,
            platform_id=post_id,
            account=cell("account").strip().lstrip("@").strip(),
            url=cell("url").strip(),
            text=text,
            posted_at=posted_at,
            reply_to_id=self._id_cell(cell("reply_to_id"), "reply_to_id", fail),
            media=media,
            source=SOURCE_NAME,
        )

    @staticmethod
    def _id_cell(value: str, column: str, fail: _Fail) -> str | None:
        value = value.strip()
        if not value:
            return None
        if _EXCEL_NUMBER_RE.fullmatch(value):
            raise fail(
                column,
                value,
                "は Excel で数値として丸められていて元の ID がわかりません。"
                "列を「文字列」にして入れ直すか、空にしてください。",
            )
        return value

    def _media_of(self, value: str, fail: _Fail) -> tuple[MediaRef, ...]:
        refs: list[MediaRef] = []
        for piece in _MEDIA_SPLIT_RE.split(value):
            relative = piece.strip().replace("\\", "/")
            if not relative:
                continue
            if is_unsafe_name(relative):
                raise fail("media", relative, "は CSV のあるフォルダの外を指しています。安全のため読み込みません。")
            relative = re.sub(r"^(?:\./)+", "", relative)
            path = self._find_member(self._folder + relative)
            if path is None:
                hint = (
                    "CSV とメディアを同じフォルダ(または zip)に入れて、そのフォルダを指定してください。"
                    if isinstance(self._source, FileSource)
                    else "ファイル名と CSV からの相対パスを確認してください。"
                )
                raise fail("media", relative, f"のファイルが見つかりません。{hint}")
            refs.append(self._media_ref(path))
        return tuple(refs)

    def _find_member(self, path: str) -> str | None:
        for form in (path, unicodedata.normalize("NFC", path), unicodedata.normalize("NFD", path)):
            if self._source.has(form) and form != self._name:
                return form
        return None

    def __enter__(self) -> CsvExport:
        return self


def read_csv_export(source: ArchiveSource, *, platform: str | None = None) -> CsvExport:
    """Open a CSV of posts from an opened :class:`ArchiveSource` (see
    :func:`~sns_desk.core.archive.sources.open_source`), checking every row now.

    ``platform`` (e.g. ``"line"``) is used for rows that do not name one; without it the CSV needs a platform
    column. The export takes over ``source``: closing it closes the source, and the source is closed when this
    raises :class:`ArchiveError`.
    """
    try:
        return CsvExport(source, platform)
    except BaseException:
        source.close()
        raise
