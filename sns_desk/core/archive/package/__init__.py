"""Backup packages of the Article 6 archive (moved from ``package.py``; split into modules next)."""

from __future__ import annotations

from sns_desk.core.archive.package.write import (
    FORMAT_VERSION,
    MediaSource,
    PackageCancelled,
    PackageProblem,
    PackageReader,
    PackageSummary,
    ProblemKind,
    Progress,
    read_package,
    verify_package,
    write_package,
)

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
