"""Article 6 backups from the database: export, restore round trip, scheduled runs with retention."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from sqlalchemy import func, select

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.package import verify_package
from sns_desk.storage.archive_service import ArchiveService
from sns_desk.storage.backup import LOCK_NAME, export_backup, packages_in, restore_backup, run_backup
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, PostedItemRow, PostedMediaRow

JST = dt.timezone(dt.timedelta(hours=9))
PHOTO = b"\x89PNG\r\n\x1a\n-photo-of-the-fireworks"


def _fill(database: Database, media: MediaStore) -> None:
    digest = media.put(PHOTO)
    with database.session() as s:
        koho = AccountRow(platform="x", name="koho", url="", department="広報", manager="kacho", status="active")
        kanko = AccountRow(platform="facebook", name="kanko", url="", department="", manager="", status="imported")
        s.add_all([koho, kanko])
        s.flush()
        fireworks = PostedItemRow(
            account_id=koho.id, platform="x", platform_id="10", url="https://x.com/koho/status/10",
            text="花火大会は 8月2日(土)です", author="suzuki", terminal="KOHO-PC01",
            posted_at=dt.datetime(2025, 7, 20, 9, tzinfo=JST), source="desk",
        )  # fmt: skip
        s.add(fireworks)
        s.flush()
        s.add(PostedMediaRow(item_id=fireworks.id, sha256=digest, name="花火.png"))
        s.add_all(
            [
                PostedItemRow(
                    account_id=koho.id, platform="x", platform_id=None, url="", author="suzuki",
                    text="【訂正】花火大会は 8月2日(土)です。失礼しました", corrects_id=fireworks.id,
                    off_terminal_reason="停電のため自宅から", posted_at=dt.datetime(2025, 7, 20, 10, tzinfo=JST),
                ),
                PostedItemRow(
                    account_id=kanko.id, platform="facebook", platform_id="fb-1", url="", author="kanko",
                    text="<script>alert(1)</script> も本文のまま", posted_at=dt.datetime(2024, 1, 1, tzinfo=JST),
                    source="facebook-export",
                ),
            ]
        )  # fmt: skip


@pytest.fixture
def filled(opener: Callable[..., Database], db_url: str, os_user: str, tmp_path: Path) -> tuple[Database, MediaStore]:
    database = opener(db_url)
    media = MediaStore(tmp_path / "media")
    _fill(database, media)
    return database, media


def payload_files(bag: Path) -> dict[str, bytes]:
    return {p.relative_to(bag).as_posix(): p.read_bytes() for p in sorted((bag / "data").rglob("*")) if p.is_file()}


def test_export_is_a_valid_bag_and_notes_the_backup_per_account(
    filled: tuple[Database, MediaStore], tmp_path: Path
) -> None:
    database, media = filled
    summary = export_backup(database, media, tmp_path / "bag", by="kacho")
    assert (summary.item_count, summary.media_count) == (3, 1)
    bagit.Bag(str(tmp_path / "bag")).validate()
    assert verify_package(tmp_path / "bag") == []
    jsonl = (tmp_path / "bag" / "data" / "items.jsonl").read_text(encoding="utf-8")
    assert '"corrects_key":"x:10"' in jsonl and "停電のため自宅から" in jsonl
    accounts = {a.name: a for a in ArchiveService(database, media).accounts()}
    assert accounts["koho"].last_backup_path == str((tmp_path / "bag").resolve())
    assert accounts["kanko"].last_backup_at is not None


def test_export_filters_by_account_and_date(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    assert export_backup(database, media, tmp_path / "a", by="k", account="kanko").item_count == 1
    since = dt.datetime(2025, 7, 20, 9, 30, tzinfo=JST)
    assert export_backup(database, media, tmp_path / "b", by="k", since=since).item_count == 1
    with pytest.raises(ArchiveError, match="登録されていません"):
        export_backup(database, media, tmp_path / "c", by="k", account="nobody")
    assert not (tmp_path / "c").exists()


def test_round_trip_export_restore_export_gives_identical_payload(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], tmp_path: Path
) -> None:
    database, media = filled
    export_backup(database, media, tmp_path / "first", by="kacho")
    empty = opener(f"sqlite:///{(tmp_path / 'restored.db').as_posix()}")
    restored_media = MediaStore(tmp_path / "restored-media")
    result = restore_backup(empty, restored_media, tmp_path / "first")
    assert (result.added, result.skipped) == (3, 0)
    assert restore_backup(empty, restored_media, tmp_path / "first").added == 0  # idempotent
    export_backup(empty, restored_media, tmp_path / "second", by="someone-else")
    assert payload_files(tmp_path / "first") == payload_files(tmp_path / "second")
    with empty.session() as s:
        correction = s.scalar(select(PostedItemRow).where(PostedItemRow.corrects_id.is_not(None)))
        assert correction is not None and correction.off_terminal_reason == "停電のため自宅から"
        assert s.scalar(select(AccountRow.status).where(AccountRow.name == "koho")) == "imported"


def test_restore_refuses_a_tampered_package_and_writes_nothing(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], tmp_path: Path
) -> None:
    database, media = filled
    export_backup(database, media, tmp_path / "bag", by="kacho")
    jsonl = tmp_path / "bag" / "data" / "items.jsonl"
    jsonl.write_bytes(jsonl.read_bytes().replace("花火".encode(), "水火".encode()))
    empty = opener(f"sqlite:///{(tmp_path / 'restored.db').as_posix()}")
    with pytest.raises(ArchiveError):
        restore_backup(empty, MediaStore(tmp_path / "m2"), tmp_path / "bag")
    with empty.session() as s:
        assert s.scalar(select(func.count(PostedItemRow.id))) == 0


def test_scheduled_runs_keep_n_packages_and_link_unchanged_media(
    filled: tuple[Database, MediaStore], tmp_path: Path
) -> None:
    database, media = filled
    root = tmp_path / "backups"
    clock = iter(dt.datetime(2025, 8, day, 18, tzinfo=dt.UTC) for day in range(1, 10))
    runs = [run_backup(database, media, root, keep=2, by="task", now=lambda: next(clock)) for _ in range(3)]
    kept = packages_in(root)
    assert [p.name for p in kept] == ["sns-desk-backup-20250803-030000", "sns-desk-backup-20250804-030000"]
    assert runs[2].removed == [root / "sns-desk-backup-20250802-030000"]
    assert all(verify_package(p) == [] for p in kept)
    (old_photo,) = (kept[0] / "data" / "media").rglob("*.png")
    (new_photo,) = (kept[1] / "data" / "media").rglob("*.png")
    assert filecmp.cmp(old_photo, new_photo, shallow=False)
    assert os.stat(old_photo).st_ino == os.stat(new_photo).st_ino  # hard link: stored once
    assert not (root / LOCK_NAME).exists()
    assert not [p for p in root.iterdir() if ".partial-" in p.name]


def test_a_running_backup_blocks_a_second_one(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    root = tmp_path / "backups"
    root.mkdir()
    (root / LOCK_NAME).write_text("12345\n")
    with pytest.raises(ArchiveError, match="実行中"):
        run_backup(database, media, root, keep=3, by="task")
    old = 13 * 3600
    os.utime(root / LOCK_NAME, (os.path.getmtime(root / LOCK_NAME) - old,) * 2)
    assert run_backup(database, media, root, keep=3, by="task").summary.item_count == 3  # stale lock taken over


def test_a_damaged_media_file_stops_the_export(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    (stored,) = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    stored.write_bytes(b"bit rot")
    with pytest.raises(ArchiveError):
        export_backup(database, media, tmp_path / "bag", by="kacho")
    assert not (tmp_path / "bag").exists()
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []
