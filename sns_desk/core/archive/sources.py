"""Safe, read-only access to the files of an export: a ``.zip``, a ``.tar.gz`` or an extracted folder.

Every export is untrusted. Opening one refuses entries that escape it (``..``, absolute paths, drive
letters), members that are not plain files or folders (symbolic and hard links, devices, FIFOs, sockets:
no platform's export holds one, and a FIFO would make reading wait for ever; each is named in the
message, never skipped in silence), zip bombs (:data:`MAX_TOTAL_UNCOMPRESSED_BYTES` in all, or one
member over :data:`RATIO_CHECK_MIN_BYTES` compressed more than :data:`MAX_MEMBER_RATIO` times) and
damaged files, each with a Japanese :class:`ArchiveError`. A tar.gz is extracted once into a private
temporary folder, because gzip cannot seek: reading its members in any other order would decompress it
again and again.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Final

from sns_desk.core.archive.errors import ArchiveError

__all__ = [
    "MAX_MEMBER_RATIO",
    "MAX_TOTAL_UNCOMPRESSED_BYTES",
    "RATIO_CHECK_MIN_BYTES",
    "ArchiveSource",
    "DirSource",
    "TarSource",
    "ZipSource",
    "is_unsafe_name",
    "open_source",
]

MAX_TOTAL_UNCOMPRESSED_BYTES: Final = 4 * 1024**3
"""An export whose members add up to more than this (uncompressed) is refused."""
MAX_MEMBER_RATIO: Final = 200
"""A member bigger than :data:`RATIO_CHECK_MIN_BYTES` that is compressed more than this many times is refused."""
RATIO_CHECK_MIN_BYTES: Final = 10 * 1024**2

_TAR_SUFFIXES: Final = (".tar.gz", ".tgz", ".tar")


def is_unsafe_name(name: str) -> bool:
    """True for a member name that could point outside the export."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"[A-Za-z]:", normalised):
        return True
    return ".." in normalised.split("/") or "\x00" in normalised


_SPECIAL_KINDS: Final = {
    stat.S_IFLNK: "シンボリックリンク",
    stat.S_IFCHR: "デバイスファイル",
    stat.S_IFBLK: "デバイスファイル",
    stat.S_IFIFO: "名前付きパイプ(FIFO)",
    stat.S_IFSOCK: "ソケット",
}
"""File types (``stat.S_IFMT``) an export never holds, with their names for the message."""
_UNIX_ZIP_SYSTEM: Final = 3
"""``ZipInfo.create_system`` of zips made on Unix or macOS, whose ``external_attr`` carries the file type."""


def special_member_error(label: str, name: str, kind: str) -> ArchiveError:
    """The refusal of a member that is not a plain file: a link, a device, a FIFO ..."""
    return ArchiveError(
        f"{label} に通常のファイルではない項目「{name}」({kind})が含まれています。"
        "プラットフォームのエクスポートには含まれないものなので、安全のため読み込みを中止しました。"
        "ダウンロードしたエクスポートをそのまま指定してください。"
    )


def _tar_kind(member: tarfile.TarInfo) -> str | None:
    """The name of what ``member`` is when it is neither a plain file nor a folder, else None."""
    if member.isfile() or member.isdir():
        return None
    if member.issym():
        return "シンボリックリンク"
    if member.islnk():
        return "ハードリンク"
    if member.ischr() or member.isblk():
        return "デバイスファイル"
    if member.isfifo():
        return "名前付きパイプ(FIFO)"
    return "特殊なファイル"


def _zip_kind(info: zipfile.ZipInfo) -> str | None:
    """The name of what a zip member is when its Unix mode says link, device, FIFO or socket, else None."""
    if info.create_system != _UNIX_ZIP_SYSTEM:
        return None
    return _SPECIAL_KINDS.get(stat.S_IFMT(info.external_attr >> 16))


class ArchiveSource:
    """Read access to the files of an export by POSIX path relative to its root (after :meth:`rooted`)."""

    label: str = ""
    """The file or folder name, for messages."""

    def names(self) -> Sequence[str]:
        """Every file, sorted."""
        return self._names

    def _read(self, name: str) -> bytes:
        raise NotImplementedError

    def size(self, name: str) -> int:
        """The uncompressed size of a member in bytes."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the underlying file or temporary folder, if any."""

    def __init__(self) -> None:
        self._prefix = ""
        self._names: tuple[str, ...] = ()
        self._known: frozenset[str] = frozenset()

    def _set_names(self, names: Sequence[str]) -> None:
        self._names = tuple(sorted(names))
        self._known = frozenset(self._names)

    def has(self, name: str) -> bool:
        return name in self._known

    def read(self, name: str) -> bytes:
        """The bytes of one member. Raises :class:`ArchiveError` when it is missing or damaged."""
        if name not in self._known:
            raise ArchiveError(f"アーカイブに「{name}」がありません。")
        return self._read(self._prefix + name)

    def open(self, name: str) -> IO[bytes]:
        """A binary stream of one member, for members too big to read at once."""
        if name not in self._known:
            raise ArchiveError(f"アーカイブに「{name}」がありません。")
        return self._open(self._prefix + name)

    def _open(self, name: str) -> IO[bytes]:
        return io.BytesIO(self._read(name))

    def rooted(self, markers: Sequence[str]) -> ArchiveSource:
        """Treat the shortest folder holding one of ``markers`` (e.g. ``data/tweets.js``) as the root.

        Exports are often re-zipped with an extra top folder; this finds the real root. Without a marker
        the source is left as it is.
        """
        names = self._names
        candidates = [name[: -len(marker)] for name in names for marker in markers if name.endswith(marker)]
        candidates = [prefix for prefix in candidates if prefix == "" or prefix.endswith("/")]
        if not candidates:
            return self
        prefix = min(candidates, key=len)
        if prefix:
            self._prefix += prefix
            self._set_names([name[len(prefix) :] for name in names if name.startswith(prefix)])
        return self


class ZipSource(ArchiveSource):
    def __init__(self, path: Path, max_total_bytes: int = MAX_TOTAL_UNCOMPRESSED_BYTES) -> None:
        super().__init__()
        self.label = path.name
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise ArchiveError(
                f"{path.name} は zip ファイルとして読めません(壊れているか、途中までしかダウンロードされていません)。"
            ) from exc
        except OSError as exc:
            raise ArchiveError(f"{path.name} を開けません: {exc.strerror or exc}") from exc
        try:
            self._infos = self._check(max_total_bytes)
        except BaseException:
            self._zip.close()
            raise
        self._set_names(list(self._infos))

    def _check(self, max_total_bytes: int) -> dict[str, zipfile.ZipInfo]:
        total = 0
        infos: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            if is_unsafe_name(info.filename):
                raise ArchiveError(
                    f"{self.label} にアーカイブの外を指すファイル名「{info.filename}」が含まれています。"
                    "安全のため読み込みを中止しました。"
                )
            kind = _zip_kind(info)
            if kind is not None:
                raise special_member_error(self.label, info.filename, kind)
            total += info.file_size
            if total > max_total_bytes:
                raise ArchiveError(
                    f"{self.label} は展開すると {max_total_bytes // 1024**2:,} MB を超えます。"
                    "zip 爆弾の可能性があるため読み込みを中止しました。"
                )
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_MEMBER_RATIO * max(
                info.compress_size, 1
            ):
                raise ArchiveError(
                    f"{self.label} の「{info.filename}」は圧縮率が異常に高く(zip 爆弾の可能性)、"
                    "読み込みを中止しました。"
                )
            if not info.is_dir():
                infos[info.filename.replace("\\", "/")] = info
        return infos

    def size(self, name: str) -> int:
        info = self._infos.get(self._prefix + name)
        return 0 if info is None else info.file_size

    def _read(self, name: str) -> bytes:
        info = self._infos[name]
        shown = name[len(self._prefix) :]
        try:
            with self._zip.open(info) as member:
                return member.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise ArchiveError(f"アーカイブ内の「{shown}」が壊れていて読めません。") from exc
        except RuntimeError as exc:  # encrypted member
            raise ArchiveError(f"アーカイブ内の「{shown}」はパスワード付きのため読めません。") from exc
        except ValueError as exc:  # zip already closed
            raise ArchiveError("アーカイブはすでに閉じられています。") from exc
        except OSError as exc:
            raise ArchiveError(f"アーカイブ内の「{shown}」を読めません: {exc.strerror or exc}") from exc

    def _open(self, name: str) -> IO[bytes]:
        try:
            return self._zip.open(self._infos[name])
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            shown = name[len(self._prefix) :]
            raise ArchiveError(f"アーカイブ内の「{shown}」が壊れているか、パスワード付きのため読めません。") from exc

    def close(self) -> None:
        self._zip.close()


class DirSource(ArchiveSource):
    """An extracted export. Symbolic links are not followed out of the folder; devices, FIFOs and sockets in
    it are refused when it is opened (a FIFO would make reading wait for ever), as is a link to one."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.label = root.name
        self._root = root.resolve()
        names: list[str] = []
        for dirpath, _dirnames, filenames in os.walk(self._root):
            rel_dir = Path(dirpath).relative_to(self._root).as_posix()
            for filename in filenames:
                name = filename if rel_dir == "." else f"{rel_dir}/{filename}"
                try:
                    mode = os.lstat(os.path.join(dirpath, filename)).st_mode
                except OSError:
                    mode = stat.S_IFREG  # vanished meanwhile: reading it says so
                kind = _SPECIAL_KINDS.get(stat.S_IFMT(mode))
                if kind is not None and not stat.S_ISLNK(mode):  # links are checked where they point, when read
                    raise special_member_error(self.label, name, kind)
                names.append(name)
        self._set_names(names)

    def _path(self, name: str) -> Path:
        target = (self._root / name).resolve()
        if is_unsafe_name(name) or not target.is_relative_to(self._root):
            raise ArchiveError(f"「{name}」はアーカイブのフォルダの外を指しています。安全のため読み込みません。")
        try:
            mode = target.stat().st_mode
        except OSError:
            return target  # missing or unreadable: opening it gives the message
        kind = _SPECIAL_KINDS.get(stat.S_IFMT(mode))
        if kind is not None:  # a link inside the folder to a FIFO or device
            raise special_member_error(self.label, name[len(self._prefix) :], kind)
        return target

    def size(self, name: str) -> int:
        try:
            return self._path(self._prefix + name).stat().st_size
        except OSError:
            return 0

    def _open(self, name: str) -> IO[bytes]:
        try:
            return open(self._path(name), "rb")
        except OSError as exc:
            raise ArchiveError(f"「{name}」を読めません: {exc.strerror or exc}") from exc

    def _read(self, name: str) -> bytes:
        target = self._path(name)
        try:
            return target.read_bytes()
        except OSError as exc:
            raise ArchiveError(f"「{name}」を読めません: {exc.strerror or exc}") from exc


class TarSource(DirSource):
    """A ``.tar.gz`` (or plain ``.tar``) export, checked member by member and extracted to a temporary folder."""

    def __init__(self, path: Path, max_total_bytes: int = MAX_TOTAL_UNCOMPRESSED_BYTES) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="sns-desk-import-"))
        try:
            self._extract(path, max_total_bytes)
            super().__init__(self._tmp)
            self.label = path.name
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise

    def _extract(self, path: Path, max_total_bytes: int) -> None:
        compressed = max(path.stat().st_size, 1)
        total = 0
        try:
            with tarfile.open(path, mode="r:*") as tar:
                for member in tar:
                    if is_unsafe_name(member.name):
                        raise ArchiveError(
                            f"{path.name} にアーカイブの外を指すファイル名「{member.name}」が含まれています。"
                            "安全のため読み込みを中止しました。"
                        )
                    kind = _tar_kind(member)
                    if kind is not None:  # links, devices, FIFOs: never in an export, refused by name
                        raise special_member_error(path.name, member.name, kind)
                    if member.isdir():
                        continue
                    total += member.size
                    if total > max_total_bytes or (
                        total > RATIO_CHECK_MIN_BYTES and total > MAX_MEMBER_RATIO * compressed
                    ):
                        raise ArchiveError(
                            f"{path.name} は展開すると大きくなりすぎます(圧縮爆弾の可能性)。読み込みを中止しました。"
                        )
                    target = self._tmp / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    stream = tar.extractfile(member)
                    if stream is None:
                        continue
                    with stream, open(target, "wb") as out:
                        shutil.copyfileobj(stream, out, 1024 * 1024)
        except ArchiveError:
            raise
        except (tarfile.TarError, EOFError, zlib.error) as exc:
            raise ArchiveError(
                f"{path.name} は tar.gz ファイルとして読めません"
                "(壊れているか、途中までしかダウンロードされていません)。"
            ) from exc
        except OSError as exc:
            if "gzip" in str(exc).lower() or "compressed" in str(exc).lower():
                raise ArchiveError(f"{path.name} は tar.gz ファイルとして読めません(壊れています)。") from exc
            raise ArchiveError(f"{path.name} を展開できません: {exc.strerror or exc}") from exc

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)


class FileSource(ArchiveSource):
    """A single file (a CSV or one JSON file) seen as an export with one member."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.label = path.name
        self._path = path
        self._set_names([path.name])

    def size(self, name: str) -> int:
        return self._path.stat().st_size if name == self._path.name else 0

    def _open(self, name: str) -> IO[bytes]:
        try:
            return open(self._path, "rb")
        except OSError as exc:
            raise ArchiveError(f"「{name}」を読めません: {exc.strerror or exc}") from exc

    def _read(self, name: str) -> bytes:
        try:
            return self._path.read_bytes()
        except OSError as exc:
            raise ArchiveError(f"「{name}」を読めません: {exc.strerror or exc}") from exc


def is_zip(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def open_source(path: Path, max_total_bytes: int = MAX_TOTAL_UNCOMPRESSED_BYTES) -> ArchiveSource:
    """Open ``path`` -- a folder, zip, tar(.gz) or a single file -- as an :class:`ArchiveSource`."""
    path = Path(path)
    if path.is_dir():
        return DirSource(path)
    if not path.is_file():
        raise ArchiveError(f"「{path}」が見つかりません。")
    lowered = path.name.lower()
    if lowered.endswith(_TAR_SUFFIXES):
        return TarSource(path, max_total_bytes)
    if lowered.endswith(".zip"):
        return ZipSource(path, max_total_bytes)
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ArchiveError(f"{path.name} を開けません: {exc.strerror or exc}") from exc
    if head.startswith(b"PK"):
        return ZipSource(path, max_total_bytes)
    if head.startswith(b"\x1f\x8b"):
        return TarSource(path, max_total_bytes)
    return FileSource(path)
