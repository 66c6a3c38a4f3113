"""Backup packages of the Article 6 archive: a BagIt bag (RFC 8493) that people can read without this app.

A package is a folder::

    bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
    data/README.txt                      what the folder is and how to check it (Japanese)
    data/items.jsonl                     one JSON object per item, oldest first: the exact copy, used to restore
    data/items.csv                       the same items for Excel (UTF-8 with BOM)
    data/media/ab/<sha256>.<ext>         each media file once, named by the SHA-256 of its bytes
    data/viewer/index.html               an offline viewer: open it from disk in any browser
    data/viewer/items.js, viewer.js, viewer.css

Everything under ``data/`` depends only on the items and their media, never on when or by whom the package
was made, so exporting the same archive twice gives byte-identical payload files; the export time and the
person are in ``bag-info.txt`` only.

A package is built in ``<target>.partial-<random>`` next to the target and renamed to the target only when
complete: a crash, an error or a cancel never leaves a half package under the final name.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import re
import shutil
import tempfile
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final, Protocol, runtime_checkable

import bagit
import jinja2

from sns_desk import __version__
from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchiveItem, PackagedMedia
from sns_desk.core.errors import Cancelled
from sns_desk.core.jst import JST
from sns_desk.core.progress import Progress, ProgressTicker, check_cancel, never_cancelled
from sns_desk.resources import resource_path

__all__ = [
    "FORMAT_VERSION",
    "MediaSource",
    "PackageCancelled",
    "PackageProblem",
    "PackageReader",
    "PackageSummary",
    "ProblemKind",
    "Progress",
    "read_package",
    "verify_package",
    "write_package",
]

FORMAT_VERSION: Final = 1
"""``X-SNS-Desk-Format`` of the packages this module writes; reading refuses any other."""

ALGORITHM: Final = "sha256"
BAGIT_VERSION: Final = "1.0"
VIEWER_STATIC_FILES: Final = ("viewer.js", "viewer.css")
"""Copied verbatim from ``resources/viewer/`` next to the rendered ``index.html``."""


_TAG_FORMAT: Final = "X-SNS-Desk-Format"
_TAG_COUNT: Final = "X-SNS-Desk-Item-Count"
_TAG_MEDIA_COUNT: Final = "X-SNS-Desk-Media-Count"
_TAG_SINCE: Final = "X-SNS-Desk-Since"
_TAG_TITLE: Final = "X-SNS-Desk-Title"
_TAG_EXPORTED_AT: Final = "X-SNS-Desk-Exported-At"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXT = re.compile(r"[a-z0-9]{1,5}")
_MEDIA_PATH = re.compile(r"data/media/([0-9a-f]{2})/([0-9a-f]{64})(?:\.[a-z0-9]{1,5})?")
_CSV_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_PROGRESS_STEP: Final = 250
_RAW_LINE_BREAKS: Final = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_COPY_CHUNK: Final = 1024 * 1024
_TAG_FILES: Final = ("bagit.txt", "bag-info.txt", f"manifest-{ALGORITHM}.txt")
"""The tag files :func:`write_package` writes besides the tag manifest, which must list each of them."""
_OTHER_MANIFEST: Final = re.compile(r"(?:tag)?manifest-[a-z0-9]+\.txt")
"""Manifests (of any algorithm) are read and checked by bagit; any other file next to ``data/`` is extra."""

_ITEM_FIELDS: Final = tuple(f.name for f in dataclasses.fields(ArchiveItem))
_REQUIRED_FIELDS: Final = frozenset(
    f.name
    for f in dataclasses.fields(ArchiveItem)
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
)
_NULLABLE_FIELDS: Final = frozenset(
    name for name, hint in typing.get_type_hints(ArchiveItem).items() if type(None) in typing.get_args(hint)
)
_CSV_COLUMNS: Final = (
    *_ITEM_FIELDS[: _ITEM_FIELDS.index("posted_at") + 1],
    "posted_at_jst",
    *_ITEM_FIELDS[_ITEM_FIELDS.index("posted_at") + 1 :],
)

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
  media/        投稿に添付した画像・動画など。ファイル名は内容の SHA-256(同じファイルは 1 つだけ)で、
                元のファイル名は items.csv / items.jsonl の media に書いてあります。
  viewer/       一覧を見るためのファイル(index.html、items.js ほか)。

■ 改ざん・破損がないか確かめる
  このフォルダの一つ上が BagIt 形式(RFC 8493)のパッケージになっています。
  manifest-sha256.txt に data フォルダ内の全ファイルの SHA-256 が、bag-info.txt に作成日・作成者・件数が
  書いてあります。
  ・SNS Desk のバックアップの検証で確認できます。
  ・SNS Desk がなくても、Python の bagit(pip install bagit)で
        bagit.py --validate <パッケージのフォルダ>
    と実行すると確認できます。
  ・Windows の PowerShell では Get-FileHash <ファイル> -Algorithm SHA256 で 1 つずつ確かめられます。
  ファイルを追加・変更・削除すると検証に失敗します。このフォルダの中身は編集しないでください。
"""


class ProblemKind(enum.StrEnum):
    NOT_A_PACKAGE = "not_a_package"
    DAMAGED = "damaged"
    """``bagit.txt``, a manifest or ``bag-info.txt`` is missing, unreadable or malformed."""
    MISSING = "missing"
    CHANGED = "changed"
    EXTRA = "extra"


@dataclasses.dataclass(frozen=True, slots=True)
class PackageProblem:
    """One thing wrong with a package. ``path`` is POSIX, relative to the package folder ('' for the whole)."""

    kind: ProblemKind
    path: str
    message: str
    """Japanese, names the file."""

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True, slots=True)
class PackageSummary:
    path: Path
    item_count: int
    media_count: int
    bytes: int
    """Every file of the package, tag files included."""


class PackageCancelled(Cancelled):
    """The user stopped writing a package; nothing was left behind."""

    def __init__(self) -> None:
        super().__init__("バックアップの作成を中止しました。途中のファイルは残していません")


@runtime_checkable
class MediaSource(Protocol):
    """Anything that gives the bytes of a media file by its SHA-256 (e.g. the storage's ``MediaStore``)."""

    def get(self, sha256: str, /) -> bytes: ...


# ---------------------------------------------------------------------------------------------------- writing


def write_package(
    target: Path,
    items: Iterable[ArchiveItem],
    media: Callable[[str], bytes] | MediaSource,
    *,
    title: str,
    created_by: str,
    organization: str = "東広島市",
    since: dt.datetime | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    reuse: Path | None = None,
) -> PackageSummary:
    """Write ``items`` and their media as a backup package into ``target`` (absent or an empty folder).

    ``reuse`` names an earlier package: a media file it already holds intact is hard-linked from there
    instead of written again (copied where the file system cannot link), which makes a daily backup of a
    large archive cost little more than its new files while every package stays complete on its own.

    ``media`` gives the bytes of a media file by SHA-256; bytes that do not match their SHA-256 stop the
    export with an :class:`ArchiveError` (a damaged media store is never exported silently). ``title`` is
    shown in the viewer, so it must not contain the export time if packages are to be compared byte for byte;
    ``created_by`` goes to ``bag-info.txt`` only. ``since`` (when the caller filtered the items by date) is
    recorded in ``bag-info.txt``. Raises :class:`ArchiveError` (Japanese) or :class:`PackageCancelled`;
    either way neither ``target`` nor the partial folder is left behind.
    """
    target = Path(target)
    _check_target(target)
    if since is not None and since.utcoffset() is None:
        raise ArchiveError("絞り込みの開始日時にタイムゾーンがありません")
    fetch: Callable[[str], bytes | None] = media.get if isinstance(media, MediaSource) else media
    try:
        partial = Path(tempfile.mkdtemp(prefix=target.name + ".partial-", dir=target.parent))
    except OSError as exc:
        raise ArchiveError(f"保存先「{target.parent}」にフォルダを作れません({exc.strerror or exc})") from exc
    try:
        os.chmod(partial, 0o755)  # mkdtemp makes it private; colleagues read backups on a shared folder
        ticker = ProgressTicker(progress, _PROGRESS_STEP)
        writer = _PackageWriter(partial, fetch, ticker, cancelled or never_cancelled, reuse)
        item_count, media_count = writer.write(items, title)
        info = _bag_info(title, created_by, organization, since, item_count, media_count, writer.payload)
        total_bytes = _write_tag_files(partial, writer.payload, info)
        if target.is_dir():
            target.rmdir()  # empty (checked above); Windows cannot rename onto an existing folder
        os.replace(partial, target)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise ArchiveError(f"バックアップを書き込めません({exc.filename or target}: {exc.strerror or exc})") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return PackageSummary(path=target, item_count=item_count, media_count=media_count, bytes=total_bytes)


def _check_target(target: Path) -> None:
    if target.is_dir():
        try:
            empty = next(target.iterdir(), None) is None
        except OSError as exc:
            raise ArchiveError(f"保存先「{target}」を開けません({exc.strerror or exc})") from exc
        if not empty:
            raise ArchiveError(f"保存先のフォルダ「{target}」は空ではありません。新しいフォルダを指定してください")
    elif target.exists():
        raise ArchiveError(f"保存先「{target}」には既にファイルがあります。新しいフォルダを指定してください")
    elif not target.parent.is_dir():
        raise ArchiveError(f"保存先のフォルダ「{target.parent}」がありません")


@dataclasses.dataclass(slots=True)
class _Spooled:
    """Where pass 1 left an item in the spool file, with what it is sorted by."""

    posted_at: dt.datetime
    key: str
    offset: int
    length: int


@dataclasses.dataclass(slots=True)
class _MediaInfo:
    name: str
    """The first original name seen, for messages."""
    extensions: set[str]


class _PackageWriter:
    """Builds ``data/`` in a partial folder and records what the manifest must list."""

    def __init__(
        self,
        root: Path,
        fetch: Callable[[str], bytes | None],
        ticker: ProgressTicker,
        cancelled: Callable[[], bool],
        reuse: Path | None = None,
    ) -> None:
        self.root = root
        self._reuse = None if reuse is None else Path(reuse) / "data"
        self.data = root / "data"
        self._fetch = fetch
        self._ticker = ticker
        self._cancelled = cancelled
        self.payload: dict[str, tuple[str, int]] = {}
        """POSIX path relative to the bag root → (sha256, size)."""
        self._media: dict[str, _MediaInfo] = {}
        self._media_paths: dict[str, str] = {}
        """sha256 → path relative to ``data/``."""

    def _check_cancel(self) -> None:
        check_cancel(self._cancelled, PackageCancelled)

    def write(self, items: Iterable[ArchiveItem], title: str) -> tuple[int, int]:
        self.data.mkdir()
        # Items may come in any order, and media file names depend on every item: pass 1 spools the items
        # as JSON in a temporary file and notes their sort keys; pass 2 writes them out in order.
        with tempfile.TemporaryFile(dir=self.root) as spool:
            order = self._spool(items, spool)
            order.sort(key=lambda s: (s.posted_at, s.key))
            self._ticker.total = 2 * len(order) + len(self._media)
            self._ticker.advance(0, force=True)
            self._write_media()
            self._write_items(order, spool, title)
        self._write_static(title, len(order))
        self._ticker.advance(0, force=True)
        return len(order), len(self._media)

    # pass 1 -------------------------------------------------------------------------------------------

    def _spool(self, items: Iterable[ArchiveItem], spool: IO[bytes]) -> list[_Spooled]:
        order: list[_Spooled] = []
        keys: set[str] = set()
        offset = 0
        for item in items:
            if len(order) % 64 == 0:
                self._check_cancel()
            if item.key in keys:
                raise ArchiveError(f"同じキー「{item.key}」の投稿が 2 件あります。バックアップを中止しました")
            keys.add(item.key)
            if item.posted_at.tzinfo is None or item.posted_at.utcoffset() is None:
                raise ArchiveError(f"投稿「{item.key}」の投稿日時にタイムゾーンがありません")
            posted_at = item.posted_at.astimezone(dt.UTC)
            for m in item.media:
                self._note_media(item.key, m)
            line = _encode_line(_item_record(item, posted_at), item.key)
            spool.write(line)
            order.append(_Spooled(posted_at, item.key, offset, len(line)))
            offset += len(line)
            self._ticker.advance()
        return order

    def _note_media(self, key: str, media: PackagedMedia) -> None:
        if not _SHA256.fullmatch(media.sha256):
            raise ArchiveError(f"投稿「{key}」のメディア「{media.name}」の識別子(SHA-256)が正しくありません")
        ext = _extension(media.name)
        info = self._media.get(media.sha256)
        if info is None:
            self._media[media.sha256] = _MediaInfo(media.name, {ext})
        else:
            info.extensions.add(ext)

    # media --------------------------------------------------------------------------------------------

    def _write_media(self) -> None:
        for sha256 in sorted(self._media):
            self._check_cancel()
            info = self._media[sha256]
            # The same bytes under several names: pick one extension whatever the order of the items.
            named = sorted(e for e in info.extensions if e)
            rel = f"media/{sha256[:2]}/{sha256}" + (f".{named[0]}" if named else "")
            path = self.data / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            size = self._link_earlier(rel, path, sha256)
            if size is None:
                data = self._media_bytes(sha256, info.name)
                path.write_bytes(data)
                size = len(data)
            self._media_paths[sha256] = rel
            self.payload["data/" + rel] = (sha256, size)
            self._ticker.advance()

    def _link_earlier(self, rel: str, path: Path, sha256: str) -> int | None:
        """Hard-link (or copy) the same file from the package named by ``reuse``; its size, or None."""
        if self._reuse is None:
            return None
        earlier = self._reuse / rel
        try:
            if _hash_file(earlier)[0] != sha256:
                return None  # damaged in the earlier package: write it fresh from the media store
            try:
                os.link(earlier, path)
            except OSError:
                shutil.copyfile(earlier, path)
            return path.stat().st_size
        except OSError:
            return None

    def _media_bytes(self, sha256: str, name: str) -> bytes:
        try:
            data = self._fetch(sha256)
        except Exception as exc:
            raise ArchiveError(f"メディア「{name}」({sha256[:12]}…)を読み込めません: {exc}") from exc
        if data is None:
            raise ArchiveError(f"メディア「{name}」({sha256[:12]}…)が見つかりません")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveError(
                f"メディア「{name}」({sha256[:12]}…)が壊れています(内容が記録の SHA-256 と一致しません)。"
                "壊れたファイルを書き出さないよう、バックアップを中止しました"
            )
        return data

    # pass 2 -------------------------------------------------------------------------------------------

    def _write_items(self, order: list[_Spooled], spool: IO[bytes], title: str) -> None:
        viewer = self.data / "viewer"
        viewer.mkdir()
        with (
            open(self.data / "items.jsonl", "wb") as jsonl,
            open(self.data / "items.csv", "w", encoding="utf-8-sig", newline="") as csv_file,
            open(viewer / "items.js", "wb") as js,
        ):
            rows = csv.writer(csv_file, lineterminator="\r\n")
            rows.writerow(_CSV_COLUMNS)
            head = {"count": len(order), "format": FORMAT_VERSION, "title": title}
            js.write(b"window.SNS_ARCHIVE = " + _json_bytes(head)[:-1] + b',"items":[')
            for n, entry in enumerate(order):
                if n % 64 == 0:
                    self._check_cancel()
                spool.seek(entry.offset)
                line = spool.read(entry.length)
                record = json.loads(line)
                if record["media"]:
                    for m in record["media"]:
                        m["path"] = self._media_paths[m["sha256"]]
                    line = _encode_line(record, entry.key)
                jsonl.write(line)  # without media, the spooled line is already the final one
                rows.writerow(_csv_row(record, entry.posted_at))
                js.write((b"\n" if n == 0 else b",\n") + _json_bytes(_viewer_record(record)))
                self._ticker.advance()
            js.write(b"\n]}\n")

    def _write_static(self, title: str, count: int) -> None:
        viewer = self.data / "viewer"
        source = resource_path("viewer")
        try:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(source),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=True,
            )
            html = env.get_template("index.html.j2").render(title=title, count=count, format=FORMAT_VERSION)
        except jinja2.TemplateError as exc:
            raise ArchiveError(f"ビューアーのひな形「{source}」を読めません({exc})") from exc
        (viewer / "index.html").write_bytes(html.encode("utf-8"))
        for name in VIEWER_STATIC_FILES:
            shutil.copyfile(source / name, viewer / name)
        (self.data / "README.txt").write_bytes(("\ufeff" + README_TEXT).replace("\n", "\r\n").encode("utf-8"))
        for path in sorted(self.data.rglob("*")):
            rel = "data/" + path.relative_to(self.data).as_posix()
            if path.is_file() and rel not in self.payload:  # media are hashed already
                self.payload[rel] = _hash_file(path)


def _extension(name: str) -> str:
    """The lower-case extension of ``name`` if it is 1-5 ASCII letters or digits, else ''."""
    _, dot, ext = name.rpartition(".")
    ext = ext.lower()
    return ext if dot and _EXT.fullmatch(ext) else ""


def _item_record(item: ArchiveItem, posted_at: dt.datetime) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in _ITEM_FIELDS:
        value = getattr(item, name)
        if name == "posted_at":
            record[name] = posted_at.isoformat()
        elif name == "media":
            record[name] = [{"sha256": m.sha256, "name": m.name} for m in value]
        elif isinstance(value, str) or (value is None and name in _NULLABLE_FIELDS):
            record[name] = value
        else:
            raise ArchiveError(f"投稿「{item.key}」の項目 {name} の値が正しくありません({type(value).__name__})")
    return record


def _encode_line(record: Mapping[str, Any], key: str) -> bytes:
    try:
        return _json_bytes(record) + b"\n"
    except UnicodeEncodeError as exc:
        raise ArchiveError(f"投稿「{key}」に文字として書き出せないデータがあります") from exc


def _json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON with sorted keys; the line breaks that JSON leaves raw (U+0085, U+2028, U+2029) are
    escaped, so that a JSONL file splits into lines the same way for every tool (and old JavaScript engines)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in _RAW_LINE_BREAKS:
        if raw in text:  # rare; str.translate would be much slower on every line
            text = text.replace(raw, escaped)
    return text.encode("utf-8")


def _csv_cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_CSV_FORMULA_START) else value


def _csv_row(record: Mapping[str, Any], posted_at: dt.datetime) -> list[str]:
    row: list[str] = []
    for name in _CSV_COLUMNS:
        if name == "posted_at_jst":
            row.append(posted_at.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S"))
        elif name == "media":
            row.append("|".join(m["path"] for m in record["media"]))
        else:
            row.append(_csv_cell(record[name]))
    return row


def _viewer_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """What the viewer needs: the item without empty fields, media without their SHA-256."""
    out = {name: value for name, value in record.items() if value and name != "media"}
    if record["media"]:
        out["media"] = [{"name": m["name"], "path": m["path"]} for m in record["media"]]
    return out


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(_COPY_CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _tag_value(value: str) -> str:
    return " ".join(value.split())


def _bag_info(
    title: str,
    created_by: str,
    organization: str,
    since: dt.datetime | None,
    item_count: int,
    media_count: int,
    payload: Mapping[str, tuple[str, int]],
) -> list[tuple[str, str]]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    info = [
        ("Source-Organization", _tag_value(organization)),
        ("Contact-Name", _tag_value(created_by)),
        (
            "External-Description",
            _tag_value(f"{title}(ソーシャルメディア運用ガイドライン第6条による投稿のバックアップ)"),
        ),
        ("Bagging-Date", now.astimezone(JST).date().isoformat()),
        ("Bag-Software-Agent", f"SNS Desk {__version__}"),
        ("Payload-Oxum", f"{sum(size for _, size in payload.values())}.{len(payload)}"),
        (_TAG_FORMAT, str(FORMAT_VERSION)),
        (_TAG_TITLE, _tag_value(title)),
        (_TAG_COUNT, str(item_count)),
        (_TAG_MEDIA_COUNT, str(media_count)),
        (_TAG_EXPORTED_AT, now.isoformat()),
    ]
    if since is not None:
        info.append((_TAG_SINCE, since.astimezone(dt.UTC).isoformat()))
    return info


def _write_tag_files(root: Path, payload: Mapping[str, tuple[str, int]], info: list[tuple[str, str]]) -> int:
    """Write the BagIt tag files; returns the size of the whole package."""
    tags = {
        "bagit.txt": f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": "".join(f"{name}: {value}\n" for name, value in info),
        f"manifest-{ALGORITHM}.txt": "".join(f"{payload[p][0]}  {p}\n" for p in sorted(payload)),
    }
    tag_manifest = []
    total = sum(size for _, size in payload.values())
    for name, text in tags.items():
        data = text.encode("utf-8")
        (root / name).write_bytes(data)
        tag_manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
        total += len(data)
    data = "".join(tag_manifest).encode("utf-8")
    (root / f"tagmanifest-{ALGORITHM}.txt").write_bytes(data)
    return total + len(data)


# ---------------------------------------------------------------------------------------------------- checking


def verify_package(path: Path, progress: Progress | None = None) -> list[PackageProblem]:
    """Every problem of the package at ``path``: missing, changed and extra files, damaged tag files.

    An empty list means the package is complete and unchanged since it was written. Each file is read
    once and its checksum compared with the manifests (payload and tag files).
    """
    problems, _ = _verify(Path(path), progress)
    return problems


def _verify(path: Path, progress: Progress | None) -> tuple[list[PackageProblem], bagit.Bag | None]:
    label = str(path)
    if not path.is_dir():
        what = "フォルダではありません" if path.exists() else "見つかりません"
        return [
            _problem(ProblemKind.NOT_A_PACKAGE, "", f"「{label}」は{what}。バックアップのフォルダを指定してください")
        ], None
    has_bagit = (path / "bagit.txt").is_file()
    manifests = sorted(p.name for p in path.glob("manifest-*.txt"))
    if not has_bagit and not manifests:
        return [
            _problem(
                ProblemKind.NOT_A_PACKAGE,
                "",
                f"「{label}」はバックアップのパッケージではありません(bagit.txt もマニフェストもありません)",
            )
        ], None
    if not has_bagit:
        return [_problem(ProblemKind.DAMAGED, "bagit.txt", "bagit.txt がありません。パッケージが壊れています")], None
    try:
        bag = bagit.Bag(str(path))
    except (bagit.BagError, OSError, UnicodeError, ValueError) as exc:
        return [
            _problem(
                ProblemKind.DAMAGED,
                "",
                f"bagit.txt かマニフェストが壊れていて読めません({_bagit_message(exc)})",
            )
        ], None
    problems: list[PackageProblem] = []
    if not manifests:
        problems.append(
            _problem(ProblemKind.DAMAGED, f"manifest-{ALGORITHM}.txt", f"manifest-{ALGORITHM}.txt がありません")
        )
    if not (path / "data").is_dir():
        problems.append(_problem(ProblemKind.MISSING, "data", "data フォルダがありません"))
    if problems:
        return problems, bag
    with open(path / "bagit.txt", "rb") as f:
        if f.read(3) == b"\xef\xbb\xbf":
            problems.append(
                _problem(ProblemKind.DAMAGED, "bagit.txt", "bagit.txt の先頭に BOM があります(BagIt の規格違反)")
            )
    problems.extend(_check_tag_manifest(path, bag))
    problems.extend(_check_files(bag, progress))
    if not problems:
        if _TAG_FORMAT not in bag.info:
            problems.append(
                _problem(
                    ProblemKind.NOT_A_PACKAGE,
                    "bag-info.txt",
                    f"「{label}」は BagIt のパッケージですが、SNS Desk のバックアップではありません",
                )
            )
        try:  # bagit's own structure, fetch.txt, Payload-Oxum and completeness checks (checksums: above)
            bag.validate(processes=1, completeness_only=True)
        except bagit.BagError as exc:
            problems.append(
                _problem(ProblemKind.DAMAGED, "bag-info.txt", f"パッケージの検証に失敗しました({_bagit_message(exc)})")
            )
    return problems, bag


def _check_tag_manifest(path: Path, bag: bagit.Bag) -> list[PackageProblem]:
    """The tag manifest must be there and hold the checksum of every tag file this module writes.

    Without it, bag-info.txt (and bagit.txt, and the payload manifest itself) could be changed unnoticed:
    bagit treats the tag manifest as optional, a backup cannot.
    """
    name = f"tagmanifest-{ALGORITHM}.txt"
    if not (path / name).is_file():
        return [
            _problem(
                ProblemKind.DAMAGED,
                name,
                f"「{name}」がありません(削除されたか、移動されています)。"
                f"bag-info.txt などが作成時から変わっていないか確かめられません",
            )
        ]
    entries: dict[str, dict[str, str]] = bag.entries
    return [
        _problem(
            ProblemKind.DAMAGED,
            name,
            f"「{name}」に「{tag}」のチェックサムが載っていません。「{tag}」が作成時から変わっていないか確かめられません",
        )
        for tag in _TAG_FILES
        if ALGORITHM not in entries.get(tag, {})
    ]


def _is_known_tag_file(name: str) -> bool:
    return name in _TAG_FILES or _OTHER_MANIFEST.fullmatch(name) is not None


def _extra_at_root(root: Path) -> list[PackageProblem]:
    """Files and folders next to ``data/`` that are none of the BagIt tag files (bagit only looks in data/)."""
    problems: list[PackageProblem] = []
    for child in sorted(root.iterdir(), key=lambda p: p.name):
        if child.name == "data" and child.is_dir():
            continue
        if child.is_dir():
            problems.append(
                _problem(
                    ProblemKind.EXTRA,
                    child.name,
                    f"「{child.name}」は作成時になかったフォルダです(data フォルダの外に置かれています)",
                )
            )
        elif not _is_known_tag_file(child.name):
            problems.append(
                _problem(
                    ProblemKind.EXTRA,
                    child.name,
                    f"「{child.name}」は作成時になかったファイルです(マニフェストに載っていません)",
                )
            )
    return problems


def _check_files(bag: bagit.Bag, progress: Progress | None) -> list[PackageProblem]:
    problems: list[PackageProblem] = []
    only_in_manifest, only_on_disk = bag.compare_manifests_with_fs()
    missing = set(only_in_manifest)
    for rel in sorted(missing):
        problems.append(
            _problem(ProblemKind.MISSING, _posix(rel), f"「{_posix(rel)}」がありません(削除されたか、移動されています)")
        )
    for rel in sorted(only_on_disk):
        problems.append(
            _problem(
                ProblemKind.EXTRA,
                _posix(rel),
                f"「{_posix(rel)}」は作成時になかったファイルです(マニフェストに載っていません)",
            )
        )
    problems.extend(_extra_at_root(Path(bag.path)))
    entries: dict[str, dict[str, str]] = bag.entries
    to_hash = sorted(rel for rel in entries if rel not in missing)
    for n, rel in enumerate(to_hash):
        if progress is not None and n % 50 == 0:
            progress(n, len(to_hash))
        full = os.path.join(bag.path, bag.normalized_filesystem_names.get(rel, rel))
        hashes = entries[rel]
        try:
            found = _digests(full, hashes.keys())
        except OSError as exc:
            problems.append(
                _problem(ProblemKind.CHANGED, _posix(rel), f"「{_posix(rel)}」を読めません({exc.strerror or exc})")
            )
            continue
        if any(found[alg] != expected.lower() for alg, expected in hashes.items() if alg in found):
            problems.append(
                _problem(
                    ProblemKind.CHANGED,
                    _posix(rel),
                    f"「{_posix(rel)}」の内容が作成時から変わっています(チェックサムが一致しません)",
                )
            )
    if progress is not None:
        progress(len(to_hash), len(to_hash))
    return problems


def _digests(path: str, algorithms: Iterable[str]) -> dict[str, str]:
    hashers = {}
    for alg in algorithms:
        try:
            hashers[alg] = hashlib.new(alg)
        except ValueError:
            continue  # an algorithm this Python does not know; the others still count
    with open(path, "rb") as f:
        while block := f.read(_COPY_CHUNK):
            for h in hashers.values():
                h.update(block)
    return {alg: h.hexdigest() for alg, h in hashers.items()}


def _posix(rel: str) -> str:
    return rel.replace(os.sep, "/")


def _problem(kind: ProblemKind, path: str, message: str) -> PackageProblem:
    return PackageProblem(kind=kind, path=path, message=message)


def _bagit_message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------------------------------------------- reading


class PackageReader:
    """A verified package, opened for restoring: :meth:`items` streams the items, oldest first."""

    def __init__(self, path: Path, info: Mapping[str, str], media_paths: Mapping[str, str]) -> None:
        self.path = path
        self.info = dict(info)
        """``bag-info.txt`` (the first value of a repeated tag)."""
        self._media_paths = dict(media_paths)
        self.count = _int_tag(info, _TAG_COUNT)
        self.media_count = len(self._media_paths)
        self.title = info.get(_TAG_TITLE, "")
        self.since = _datetime_tag(info, _TAG_SINCE)

    def items(self) -> Iterator[ArchiveItem]:
        """Every item of ``data/items.jsonl``. Raises :class:`ArchiveError` naming the line of a bad record."""
        n = 0
        with open(self.path / "data" / "items.jsonl", "rb") as f:
            for n, raw in enumerate(f, start=1):
                yield _parse_line(raw, n, self._media_paths)
        if n != self.count:
            raise ArchiveError(f"items.jsonl の件数({n} 件)が bag-info.txt の記録({self.count} 件)と違います")

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


def read_package(path: Path, progress: Progress | None = None) -> PackageReader:
    """Verify the package at ``path`` and open it; refuses (:class:`ArchiveError`) one with any problem."""
    path = Path(path)
    problems, bag = _verify(path, progress)
    if problems or bag is None:
        listed = "\n".join(f"・{p.message}" for p in problems[:20])
        more = f"\n…ほか {len(problems) - 20} 件" if len(problems) > 20 else ""
        raise ArchiveError(f"このバックアップは検証に失敗したため読み込めません。\n{listed}{more}")
    info = {name: (value[0] if isinstance(value, list) else value) for name, value in bag.info.items()}
    version = info.get(_TAG_FORMAT, "")
    if version != str(FORMAT_VERSION):
        raise ArchiveError(
            f"このバックアップの形式(第 {version} 版)はこのアプリでは読めません。SNS Desk を新しい版に更新してください"
        )
    if not (path / "data" / "items.jsonl").is_file():
        raise ArchiveError("data/items.jsonl がありません。SNS Desk のバックアップではないようです")
    media_paths: dict[str, str] = {}
    for rel in bag.payload_entries():
        match = _MEDIA_PATH.fullmatch(_posix(rel))
        if match and match.group(1) == match.group(2)[:2]:
            media_paths[match.group(2)] = _posix(rel)
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
    unknown = sorted(set(record) - set(_ITEM_FIELDS))
    if unknown:
        raise ArchiveError(
            f"{where}に知らない項目があります({', '.join(unknown)})。SNS Desk を新しい版に更新してください"
        )
    missing = sorted(_REQUIRED_FIELDS - set(record))
    if missing:
        raise ArchiveError(f"{where}に必要な項目がありません({', '.join(missing)})")
    values: dict[str, Any] = {}
    for name, value in record.items():
        if name == "posted_at":
            values[name] = _parse_posted_at(value, where)
        elif name == "media":
            values[name] = _parse_media(value, where, media_paths)
        elif isinstance(value, str) or (value is None and name in _NULLABLE_FIELDS):
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
    return parsed


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
