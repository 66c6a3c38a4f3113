"""Which reader an export needs: ``--format auto`` looks inside, the others force a reader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.reader import ExportReader
from sns_desk.core.archive.sources import MAX_TOTAL_UNCOMPRESSED_BYTES, ArchiveSource, open_source

FORMATS: Final = ("auto", "x", "facebook", "instagram", "mastodon", "csv")
"""What ``sns-desk archive import --format`` accepts."""

FORMAT_LABELS: Final = {
    "x": "X (Twitter) のアーカイブ",
    "facebook": "Facebook のエクスポート",
    "instagram": "Instagram のエクスポート",
    "mastodon": "Mastodon のエクスポート",
    "csv": "CSV",
}


def _read_x(source: ArchiveSource, verify: bool = True) -> ExportReader:
    from sns_desk.core.archive.x_export import _MARKER_FILES, read_x_source

    return read_x_source(source.rooted(_MARKER_FILES), verify=verify)


def _read_facebook(source: ArchiveSource, verify: bool = True) -> ExportReader:
    from sns_desk.core.archive.meta_export import read_facebook_export

    return read_facebook_export(source, verify=verify)


def _read_instagram(source: ArchiveSource, verify: bool = True) -> ExportReader:
    from sns_desk.core.archive.meta_export import read_instagram_export

    return read_instagram_export(source, verify=verify)


def _read_mastodon(source: ArchiveSource, verify: bool = True) -> ExportReader:
    from sns_desk.core.archive.mastodon_export import read_mastodon_export

    return read_mastodon_export(source, verify=verify)


def _read_csv(source: ArchiveSource, verify: bool = True) -> ExportReader:
    from sns_desk.core.archive.csv_export import read_csv_export

    return read_csv_export(source)  # always checked when opened: its rows decide the platform and account


_READERS: Final[dict[str, Callable[[ArchiveSource, bool], ExportReader]]] = {
    "x": _read_x,
    "facebook": _read_facebook,
    "instagram": _read_instagram,
    "mastodon": _read_mastodon,
    "csv": _read_csv,
}


def detect_format(source: ArchiveSource) -> str | None:
    """The format of an opened export, judged by the files it holds; None when it is none of them."""
    from sns_desk.core.archive.x_export import _PART_RE

    if any(_PART_RE.search(name) for name in source.names()):
        return "x"
    from sns_desk.core.archive.csv_export import looks_like_csv
    from sns_desk.core.archive.mastodon_export import looks_like_mastodon
    from sns_desk.core.archive.meta_export import looks_like_facebook, looks_like_instagram

    for fmt, test in (
        ("mastodon", looks_like_mastodon),
        ("instagram", looks_like_instagram),
        ("facebook", looks_like_facebook),
        ("csv", looks_like_csv),
    ):
        if test(source):
            return fmt
    return None


def open_export(
    path: Path, fmt: str = "auto", *, max_total_bytes: int = MAX_TOTAL_UNCOMPRESSED_BYTES, verify: bool = True
) -> ExportReader:
    """Open and verify an export; a damaged one raises :class:`ArchiveError` before any post is read.

    ``verify=False`` skips the extra reading pass of the X, Meta and Mastodon readers (their posts files can be
    hundreds of MB), for callers that consume the posts in one transaction anyway, where a late error still
    writes nothing; their ``total`` is then what the export says (X's manifest, Mastodon's ``totalItems``) or
    None.
    The reader owns the opened file (or temporary folder): use it as a context manager.
    """
    if fmt not in FORMATS:
        raise ArchiveError(f"形式「{fmt}」には対応していません。選べる形式: {', '.join(FORMATS)}")
    path = Path(path)
    if fmt == "x":
        from sns_desk.core.archive.x_export import read_x_archive

        return read_x_archive(path, max_total_bytes=max_total_bytes, verify=verify)
    source = open_source(path, max_total_bytes)
    try:
        if fmt == "auto":
            detected = detect_format(source)
            if detected is None:
                raise ArchiveError(
                    f"「{path.name}」がどのサービスのエクスポートか判別できません。"
                    "X・Facebook・Instagram・Mastodon のエクスポート(zip・tar.gz・フォルダ)か CSV を指定してください。"
                )
            fmt = detected
        return _READERS[fmt](source, verify)
    except BaseException:
        source.close()
        raise
