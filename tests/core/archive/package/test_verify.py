"""Verifying backup packages: every missing, changed or extra file and damaged tag file is reported by name."""

from __future__ import annotations

from pathlib import Path

import bagit
import pytest

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.package import ProblemKind, VerifyCancelled, read_package, verify_package

from .conftest import PNG, SHA_MP4, SHA_PDF, tamper_byte


def test_a_clean_package_has_no_problems(bag: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    assert verify_package(bag, progress=lambda d, t: calls.append((d, t))) == []
    assert calls[-1][0] == calls[-1][1]


def test_a_changed_file_is_reported_by_name(bag: Path) -> None:
    tamper_byte(bag / "data/items.jsonl")
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.CHANGED, "data/items.jsonl")]
    assert "data/items.jsonl" in problems[0].message and "変わっています" in problems[0].message
    assert not bagit.Bag(str(bag)).is_valid()


def test_a_missing_media_file_is_reported(bag: Path) -> None:
    media = f"data/media/{SHA_MP4[:2]}/{SHA_MP4}.mp4"
    (bag / media).unlink()
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.MISSING, media)]
    assert media in problems[0].message and "ありません" in problems[0].message


def test_an_extra_file_is_reported(bag: Path) -> None:
    (bag / "data/メモ.txt").write_text("後から足したファイル", encoding="utf-8")
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.EXTRA, "data/メモ.txt")]
    assert "data/メモ.txt" in problems[0].message


def test_all_problems_are_reported_at_once(bag: Path) -> None:
    tamper_byte(bag / "data/items.jsonl")
    (bag / f"data/media/{SHA_PDF[:2]}/{SHA_PDF}.pdf").unlink()
    (bag / "data/media/extra.bin").write_bytes(b"x")
    (bag / "data/viewer/more.js").write_bytes(b"y")
    problems = verify_package(bag)
    assert sorted((p.kind.value, p.path) for p in problems) == [
        ("changed", "data/items.jsonl"),
        ("extra", "data/media/extra.bin"),
        ("extra", "data/viewer/more.js"),
        ("missing", f"data/media/{SHA_PDF[:2]}/{SHA_PDF}.pdf"),
    ]
    assert all(p.message and p.path in p.message for p in problems)


def test_changed_and_missing_tag_files_are_reported(bag: Path) -> None:
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Item-Count: 3", "Item-Count: 4"), encoding="utf-8")
    assert [(p.kind, p.path) for p in verify_package(bag)] == [(ProblemKind.CHANGED, "bag-info.txt")]
    (bag / "bagit.txt").unlink()
    assert [(p.kind, p.path) for p in verify_package(bag)] == [(ProblemKind.DAMAGED, "bagit.txt")]


def test_a_deleted_tag_manifest_is_reported_and_bag_info_cannot_be_edited_unnoticed(bag: Path) -> None:
    (bag / "tagmanifest-sha256.txt").unlink()
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.DAMAGED, "tagmanifest-sha256.txt")]
    assert "tagmanifest-sha256.txt" in problems[0].message and "ありません" in problems[0].message
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Item-Count: 3", "Item-Count: 4"), encoding="utf-8")
    assert verify_package(bag) != []
    with pytest.raises(ArchiveError, match=r"tagmanifest-sha256\.txt"):
        read_package(bag)


@pytest.mark.parametrize("left_out", ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
def test_the_tag_manifest_must_cover_every_tag_file(bag: Path, left_out: str) -> None:
    tag_manifest = bag / "tagmanifest-sha256.txt"
    lines = tag_manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    tag_manifest.write_text("".join(line for line in lines if not line.endswith(f"  {left_out}\n")), encoding="utf-8")
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.DAMAGED, "tagmanifest-sha256.txt")]
    assert left_out in problems[0].message and "tagmanifest-sha256.txt" in problems[0].message


def test_extra_files_and_folders_next_to_data_are_reported(bag: Path) -> None:
    (bag / "notes.txt").write_text("メモ", encoding="utf-8")
    (bag / "写真").mkdir()
    (bag / "写真" / "a.jpg").write_bytes(PNG)
    problems = verify_package(bag)
    assert sorted((p.kind, p.path) for p in problems) == [(ProblemKind.EXTRA, "notes.txt"), (ProblemKind.EXTRA, "写真")]
    assert all(p.path in p.message for p in problems)
    with pytest.raises(ArchiveError, match=r"notes\.txt"):
        read_package(bag)


def test_a_damaged_bagit_txt_or_manifest_is_reported(bag: Path) -> None:
    (bag / "manifest-sha256.txt").unlink()
    problems = verify_package(bag)
    assert problems and all(p.kind in (ProblemKind.DAMAGED, ProblemKind.MISSING) for p in problems)
    assert any("manifest-sha256.txt" in p.message for p in problems)
    (bag / "bagit.txt").write_text("これは bagit.txt ではない\n", encoding="utf-8")
    problems = verify_package(bag)
    assert [p.kind for p in problems] == [ProblemKind.DAMAGED]
    assert "bagit.txt" in problems[0].message


@pytest.mark.parametrize("make", ["folder", "file", "absent", "bag-of-someone-else"])
def test_something_else_is_not_a_package(tmp_path: Path, make: str) -> None:
    path = tmp_path / "thing"
    if make == "folder":
        path.mkdir()
        (path / "写真.jpg").write_bytes(PNG)
        (path / "data").mkdir()
    elif make == "file":
        path.write_bytes(b"zip?")
    elif make == "bag-of-someone-else":
        path.mkdir()
        (path / "file.txt").write_text("x", encoding="utf-8")
        bagit.make_bag(str(path), checksums=["sha256"])
    problems = verify_package(path)
    assert [p.kind for p in problems] == [ProblemKind.NOT_A_PACKAGE]
    assert "thing" in problems[0].message
    with pytest.raises(ArchiveError):
        read_package(path)


def test_checking_stops_when_cancelled_and_leaves_the_package_as_it_was(bag: Path) -> None:
    before = {p: p.read_bytes() for p in bag.rglob("*") if p.is_file()}
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2  # after two files

    with pytest.raises(VerifyCancelled) as stopped:
        verify_package(bag, cancelled=cancelled)
    assert stopped.value.message == "検証を中止しました。パッケージには手を加えていません"
    assert len(asked) == 3
    with pytest.raises(VerifyCancelled):
        read_package(bag, cancelled=lambda: True)
    assert {p: p.read_bytes() for p in bag.rglob("*") if p.is_file()} == before
    assert verify_package(bag, cancelled=lambda: False) == []
