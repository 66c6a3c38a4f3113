"""Writing a backup package: :func:`write_package` and the writer behind it.

Pass 1 spools the items as JSON lines in a temporary file (they may come in any order); then each media
file is written once under its SHA-256 (hard-linked from an earlier package where it is there intact);
pass 2 writes ``items.jsonl``, ``items.csv`` and the viewer's ``items.js`` in order; last come the viewer's
other files, ``README.txt`` and the BagIt tag files.

A package is built in ``<target>.partial-sns-desk-<pid>-<random>`` next to the target and renamed to the target
only when complete: a crash, an error or a cancel never leaves a half package under the final name. While it is
being written, the partial folder holds a marker file (:data:`PARTIAL_MARKER`) locked by the OS for the writer's
lifetime; a process killed mid-export (``kill -9``, a power cut) leaves its partial folder behind, and the next
export into the same folder deletes it: only folders named that way, with that marker, older than the running
process and whose marker nobody holds any more (see :func:`remove_stale_partials`).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any, Final, Protocol, runtime_checkable

from sns_desk import __version__
from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchiveItem, PackagedMedia
from sns_desk.core.archive.package.layout import (
    ALGORITHM,
    BAGIT_VERSION,
    COPY_CHUNK,
    FORMAT_VERSION,
    ITEM_FIELDS,
    MODERATION_FIELDS,
    MODERATION_FILE,
    NULLABLE_FIELDS,
    README_TEXT,
    TAG_AUDIT_HEAD,
    TAG_COUNT,
    TAG_EXPORTED_AT,
    TAG_FORMAT,
    TAG_MEDIA_COUNT,
    TAG_SINCE,
    TAG_TITLE,
    as_utc,
    json_bytes,
    jst_text,
)
from sns_desk.core.archive.package.viewer import ItemsScript, write_viewer_files
from sns_desk.core.errors import Cancelled
from sns_desk.core.jst import JST
from sns_desk.core.progress import Progress, ProgressTicker, check_cancel, never_cancelled

PARTIAL_INFIX: Final = ".partial-sns-desk-"
"""What the name of a folder a package is being built in has after the target's name."""
PARTIAL_MARKER: Final = ".sns-desk-partial"
"""The marker file inside a partial folder, locked while its writer lives."""
_PARTIAL_NAME = re.compile(r".+" + re.escape(PARTIAL_INFIX) + r"\d+-[A-Za-z0-9_]+")
_PROCESS_STARTED: Final = time.time()
"""Roughly when this process started (this module is imported at its start): partials newer than this could
belong to a writer of this very process."""

_EARLIEST: Final = dt.datetime.min.replace(tzinfo=dt.UTC)
"""A "since" before year 1 in UTC (0001-01-01 in Japan) means everything."""

_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXT = re.compile(r"[a-z0-9]{1,5}")
_CSV_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_PROGRESS_STEP: Final = 250
_CSV_COLUMNS: Final = (
    *ITEM_FIELDS[: ITEM_FIELDS.index("posted_at") + 1],
    "posted_at_jst",
    *ITEM_FIELDS[ITEM_FIELDS.index("posted_at") + 1 :],
)


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
    audit_head: tuple[int, str] | None = None,
    moderation: Iterable[Mapping[str, Any]] = (),
) -> PackageSummary:
    """Write ``items`` and their media as a backup package into ``target`` (absent or an empty folder).

    ``reuse`` names an earlier package: a media file it already holds intact is hard-linked from there
    instead of written again (copied where the file system cannot link), which makes a daily backup of a
    large archive cost little more than its new files while every package stays complete on its own.

    ``media`` gives the bytes of a media file by SHA-256; bytes that do not match their SHA-256 stop the
    export with an :class:`ArchiveError` (a damaged media store is never exported silently). ``title`` is
    shown in the viewer, so it must not contain the export time if packages are to be compared byte for byte;
    ``created_by`` goes to ``bag-info.txt`` only. ``since`` (when the caller filtered the items by date) is
    recorded in ``bag-info.txt``, and so is ``audit_head`` (records, SHA-256 of the last one) of the audit chain
    read in the same snapshot as the items (:data:`~.layout.TAG_AUDIT_HEAD`). ``moderation``: records of the
    moderation log (:data:`~.layout.MODERATION_FIELDS`), written to ``data/moderation.jsonl`` when any.
    Raises :class:`ArchiveError` (Japanese) or :class:`PackageCancelled`;
    either way neither ``target`` nor the partial folder is left behind.
    """
    target = Path(target)
    _check_target(target)
    if since is not None and since.utcoffset() is None:
        raise ArchiveError("絞り込みの開始日時にタイムゾーンがありません")
    fetch: Callable[[str], bytes | None] = media.get if isinstance(media, MediaSource) else media
    remove_stale_partials(target.parent)
    try:
        partial = Path(tempfile.mkdtemp(prefix=f"{target.name}{PARTIAL_INFIX}{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise ArchiveError(f"保存先「{target.parent}」にフォルダを作れません({exc.strerror or exc})") from exc
    marker: int | None = None
    try:
        marker = _hold_marker(partial)
        os.chmod(partial, 0o755)  # mkdtemp makes it private; colleagues read backups on a shared folder
        ticker = ProgressTicker(progress, _PROGRESS_STEP)
        writer = _PackageWriter(partial, fetch, ticker, cancelled or never_cancelled, reuse)
        item_count, media_count = writer.write(items, title, moderation)
        info = _bag_info(title, created_by, organization, since, item_count, media_count, writer.payload)
        if audit_head is not None:
            info.append((TAG_AUDIT_HEAD, f"{int(audit_head[0])} {_tag_value(audit_head[1])}"))
        total_bytes = _write_tag_files(partial, writer.payload, info)
        _release_marker(partial, marker)
        marker = None
        if target.is_dir():
            target.rmdir()  # empty (checked above); Windows cannot rename onto an existing folder
        os.replace(partial, target)
    except OSError as exc:
        _release_marker(partial, marker)
        shutil.rmtree(partial, ignore_errors=True)
        raise ArchiveError(f"バックアップを書き込めません({exc.filename or target}: {exc.strerror or exc})") from exc
    except BaseException:
        _release_marker(partial, marker)
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return PackageSummary(path=target, item_count=item_count, media_count=media_count, bytes=total_bytes)


def remove_stale_partials(folder: Path) -> list[Path]:
    """Delete the partial folders that exports killed mid-way left in ``folder``; returns what was deleted.

    A folder is deleted only when all of these hold: its name is ``<anything>.partial-sns-desk-<pid>-<random>``,
    it holds the marker file, the marker is older than this process, and the OS lock on the marker can be taken
    (the writer is gone: the OS releases the lock when a process ends, however it ends). Anything else in
    ``folder`` is left alone, and a failure to look or delete only means the leftover stays.
    """
    removed: list[Path] = []
    try:
        children = list(Path(folder).iterdir())
    except OSError:
        return removed
    for child in children:
        if not _PARTIAL_NAME.fullmatch(child.name):
            continue
        marker = child / PARTIAL_MARKER
        try:
            if not child.is_dir() or child.is_symlink() or marker.stat().st_mtime >= _PROCESS_STARTED:
                continue
            fd = os.open(marker, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                _lock(fd)
            except OSError:
                continue  # its writer is still at work
            if os.fstat(fd).st_nlink == 0:
                continue  # the writer finished and removed the marker between our open and our lock
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
        finally:
            os.close(fd)  # releases the lock
    return removed


def _hold_marker(partial: Path) -> int:
    """Create the partial folder's marker and lock it for as long as this writer lives."""
    fd = os.open(partial / PARTIAL_MARKER, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        _lock(fd)
    except OSError:
        os.close(fd)
        raise
    return fd


def _release_marker(partial: Path, fd: int | None) -> None:
    """Remove the marker (it must not end up in the package) and then give up its lock."""
    if fd is None:
        return
    if sys.platform == "win32":  # an open file cannot be deleted there: a cleaner could slip in between
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(partial / PARTIAL_MARKER)
        return
    with contextlib.suppress(OSError):
        os.unlink(partial / PARTIAL_MARKER)  # before the lock goes: a cleaner then sees it unlinked
    os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


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
        self._corrected_by: dict[str, list[tuple[dt.datetime, str]]] = {}
        """key of an item → (posted_at, key) of the items that correct it (第9条), for the viewer's 原文 → 訂正."""

    def _check_cancel(self) -> None:
        check_cancel(self._cancelled, PackageCancelled)

    def write(
        self, items: Iterable[ArchiveItem], title: str, moderation: Iterable[Mapping[str, Any]] = ()
    ) -> tuple[int, int]:
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
        self._write_moderation(moderation)
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
            posted_at = as_utc(item.posted_at)
            if posted_at is None:
                raise ArchiveError(
                    f"投稿「{item.key}」の投稿日時 {item.posted_at.isoformat()} は扱える範囲を外れています"
                )
            for m in item.media:
                self._note_media(item.key, m)
            if item.corrects_key:
                self._corrected_by.setdefault(item.corrects_key, []).append((posted_at, item.key))
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
            script = ItemsScript(js, title=title, count=len(order))
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
                corrections = self._corrected_by.get(entry.key)
                # items.js only (items.jsonl keeps one direction, corrects_key): the viewer shows both.
                script.add(
                    {**record, "corrected_by": [key for _at, key in sorted(corrections)]} if corrections else record
                )
                self._ticker.advance()
            script.close()

    def _write_moderation(self, records: Iterable[Mapping[str, Any]]) -> None:
        lines = []
        for record in records:
            unknown = sorted(set(record) ^ set(MODERATION_FIELDS))
            if unknown:
                raise ArchiveError(f"コメントの削除・非表示の記録の項目が違います({', '.join(unknown)})")
            lines.append(json_bytes(dict(record)) + b"\n")
        if lines:
            (self.data / MODERATION_FILE).write_bytes(b"".join(lines))

    def _write_static(self, title: str, count: int) -> None:
        write_viewer_files(self.data / "viewer", title=title, count=count)
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
    for name in ITEM_FIELDS:
        value = getattr(item, name)
        if name == "posted_at":
            record[name] = posted_at.isoformat()
        elif name == "media":
            record[name] = [{"sha256": m.sha256, "name": m.name} for m in value]
        elif isinstance(value, str) or (value is None and name in NULLABLE_FIELDS):
            record[name] = value
        else:
            raise ArchiveError(f"投稿「{item.key}」の項目 {name} の値が正しくありません({type(value).__name__})")
    return record


def _encode_line(record: Mapping[str, Any], key: str) -> bytes:
    try:
        return json_bytes(record) + b"\n"
    except UnicodeEncodeError as exc:
        raise ArchiveError(f"投稿「{key}」に文字として書き出せないデータがあります") from exc


def _csv_cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_CSV_FORMULA_START) else value


def _csv_row(record: Mapping[str, Any], posted_at: dt.datetime) -> list[str]:
    row: list[str] = []
    for name in _CSV_COLUMNS:
        if name == "posted_at_jst":
            row.append(jst_text(posted_at))  # 9999-12-31 23:59:59 UTC is year 10000 in Japan
        elif name == "media":
            row.append("|".join(m["path"] for m in record["media"]))
        else:
            row.append(_csv_cell(record[name]))
    return row


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(COPY_CHUNK):
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
        (TAG_FORMAT, str(FORMAT_VERSION)),
        (TAG_TITLE, _tag_value(title)),
        (TAG_COUNT, str(item_count)),
        (TAG_MEDIA_COUNT, str(media_count)),
        (TAG_EXPORTED_AT, now.isoformat()),
    ]
    if since is not None:
        info.append((TAG_SINCE, (as_utc(since) or _EARLIEST).isoformat()))
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
