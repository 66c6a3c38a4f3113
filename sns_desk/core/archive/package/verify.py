"""Checking a backup package: :func:`verify_package`, and the problems it reports (:class:`PackageProblem`).

Every file is read once and its checksum compared with the manifests; missing, changed and extra files
(in ``data/`` and next to it) and damaged tag files are all reported at once, each naming its file in
Japanese. :func:`verify_bag` also gives the opened bag, for reading the package after checking it.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import bagit

from sns_desk.core.archive.package.layout import ALGORITHM, COPY_CHUNK, TAG_FILES, TAG_FORMAT, posix
from sns_desk.core.errors import Cancelled
from sns_desk.core.progress import CancelCheck, Progress, check_cancel

_OTHER_MANIFEST: Final = re.compile(r"(?:tag)?manifest-[a-z0-9]+\.txt")
"""Manifests (of any algorithm) are read and checked by bagit; any other file next to ``data/`` is extra."""


class VerifyCancelled(Cancelled):
    """The user stopped checking a package; the package was only read."""

    def __init__(self) -> None:
        super().__init__("検証を中止しました。パッケージには手を加えていません")


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


def verify_package(
    path: Path, progress: Progress | None = None, cancelled: CancelCheck | None = None
) -> list[PackageProblem]:
    """Every problem of the package at ``path``: missing, changed and extra files, damaged tag files.

    An empty list means the package is complete and unchanged since it was written. Each file is read
    once and its checksum compared with the manifests (payload and tag files). ``cancelled`` is polled
    between files; once it returns True, :class:`VerifyCancelled` is raised.
    """
    problems, _ = verify_bag(Path(path), progress, cancelled)
    return problems


def verify_bag(
    path: Path, progress: Progress | None, cancelled: CancelCheck | None = None
) -> tuple[list[PackageProblem], bagit.Bag | None]:
    """The problems of the package at ``path``, and the bag as bagit opened it (None if it could not)."""
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
    problems.extend(_check_files(bag, progress, cancelled))
    if not problems:
        if TAG_FORMAT not in bag.info:
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
        for tag in TAG_FILES
        if ALGORITHM not in entries.get(tag, {})
    ]


def _is_known_tag_file(name: str) -> bool:
    return name in TAG_FILES or _OTHER_MANIFEST.fullmatch(name) is not None


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


def _check_files(bag: bagit.Bag, progress: Progress | None, cancelled: CancelCheck | None) -> list[PackageProblem]:
    problems: list[PackageProblem] = []
    only_in_manifest, only_on_disk = bag.compare_manifests_with_fs()
    missing = set(only_in_manifest)
    for rel in sorted(missing):
        problems.append(
            _problem(ProblemKind.MISSING, posix(rel), f"「{posix(rel)}」がありません(削除されたか、移動されています)")
        )
    for rel in sorted(only_on_disk):
        problems.append(
            _problem(
                ProblemKind.EXTRA,
                posix(rel),
                f"「{posix(rel)}」は作成時になかったファイルです(マニフェストに載っていません)",
            )
        )
    problems.extend(_extra_at_root(Path(bag.path)))
    entries: dict[str, dict[str, str]] = bag.entries
    to_hash = sorted(rel for rel in entries if rel not in missing)
    for n, rel in enumerate(to_hash):
        check_cancel(cancelled, VerifyCancelled)
        if progress is not None and n % 50 == 0:
            progress(n, len(to_hash))
        full = os.path.join(bag.path, bag.normalized_filesystem_names.get(rel, rel))
        hashes = entries[rel]
        try:
            found = _digests(full, hashes.keys())
        except OSError as exc:
            problems.append(
                _problem(ProblemKind.CHANGED, posix(rel), f"「{posix(rel)}」を読めません({exc.strerror or exc})")
            )
            continue
        if any(found[alg] != expected.lower() for alg, expected in hashes.items() if alg in found):
            problems.append(
                _problem(
                    ProblemKind.CHANGED,
                    posix(rel),
                    f"「{posix(rel)}」の内容が作成時から変わっています(チェックサムが一致しません)",
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
        while block := f.read(COPY_CHUNK):
            for h in hashers.values():
                h.update(block)
    return {alg: h.hexdigest() for alg, h in hashers.items()}


def _problem(kind: ProblemKind, path: str, message: str) -> PackageProblem:
    return PackageProblem(kind=kind, path=path, message=message)


def _bagit_message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
