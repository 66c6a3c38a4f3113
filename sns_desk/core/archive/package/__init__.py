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

The modules: :mod:`.write` (:func:`write_package`), :mod:`.verify` (:func:`verify_package`), :mod:`.read`
(:func:`read_package`, for restoring), :mod:`.viewer` (the offline viewer) and :mod:`.layout` (the format
version, tag names and item fields they share).
"""

from __future__ import annotations

from sns_desk.core.archive.package.layout import FORMAT_VERSION
from sns_desk.core.archive.package.read import PackageReader, read_package
from sns_desk.core.archive.package.verify import PackageProblem, ProblemKind, VerifyCancelled, verify_package
from sns_desk.core.archive.package.write import MediaSource, PackageCancelled, PackageSummary, write_package
from sns_desk.core.progress import Progress

__all__ = [
    "FORMAT_VERSION",
    "MediaSource",
    "PackageCancelled",
    "PackageProblem",
    "PackageReader",
    "PackageSummary",
    "ProblemKind",
    "Progress",
    "VerifyCancelled",
    "read_package",
    "verify_package",
    "write_package",
]
