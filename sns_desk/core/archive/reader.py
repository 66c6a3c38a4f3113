"""What every export reader offers the importer, whatever the platform."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Protocol

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.sources import ArchiveSource


class ExportReader(Protocol):
    """An opened platform export. Use as a context manager to release files and temporary folders."""

    platform: str
    """``x``, ``facebook``, ``instagram``, ``mastodon`` or, for CSV, what its rows say."""
    account: str
    """The account the export belongs to, or ``""`` when it does not say."""
    total: int | None
    """How many posts :meth:`posts` will yield, when known (for a progress bar)."""

    def posts(self) -> Iterator[ArchivedPost]:
        """Every post, streamed. Raises :class:`~sns_desk.core.archive.ArchiveError`."""
        ...

    def media_bytes(self, ref: MediaRef) -> bytes:
        """The content of one media file of a post of this export."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> ExportReader: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None: ...


class SourceReader:
    """Shared plumbing for readers built on an :class:`ArchiveSource`: lifetime and media access."""

    platform = ""

    def __init__(self, source: ArchiveSource) -> None:
        self._source = source
        self._media_paths: set[str] = set()
        self.account = ""
        self.total: int | None = None

    def _media_ref(self, path: str) -> MediaRef:
        """Remember ``path`` as a media file of this export and describe it."""
        self._media_paths.add(path)
        return MediaRef(name=path.rsplit("/", 1)[-1], path_in_archive=path)

    def media_bytes(self, ref: MediaRef) -> bytes:
        if ref.path_in_archive not in self._media_paths:
            raise ArchiveError(f"メディア「{ref.name}」はこのアーカイブにありません。")
        return self._source.read(ref.path_in_archive)

    def posts(self) -> Iterator[ArchivedPost]:
        raise NotImplementedError

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> SourceReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
