"""Reading platform exports back into plain records, so that every published post is kept (guideline article 6)."""

from __future__ import annotations

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchivedPost, ArchiveItem, MediaRef, PackagedMedia
from sns_desk.core.archive.reader import ExportReader, SourceReader
from sns_desk.core.archive.sources import ArchiveSource, open_source
from sns_desk.core.archive.x_export import (
    MAX_MEMBER_RATIO,
    MAX_TOTAL_UNCOMPRESSED_BYTES,
    RATIO_CHECK_MIN_BYTES,
    XArchive,
    parse_x_created_at,
    read_x_archive,
)

__all__ = [
    "MAX_MEMBER_RATIO",
    "MAX_TOTAL_UNCOMPRESSED_BYTES",
    "RATIO_CHECK_MIN_BYTES",
    "ArchiveError",
    "ArchiveItem",
    "ArchiveSource",
    "ArchivedPost",
    "ExportReader",
    "MediaRef",
    "PackagedMedia",
    "SourceReader",
    "XArchive",
    "open_source",
    "parse_x_created_at",
    "read_x_archive",
]
