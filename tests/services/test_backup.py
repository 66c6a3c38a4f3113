"""Article 6 backups from the database: export, restore round trip, scheduled runs with retention."""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest
from sqlalchemy import delete, event, func, select, update

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.package import verify_package
from sns_desk.core.archive.package.layout import TAG_AUDIT_HEAD, read_bag_info
from sns_desk.core.audit import AuditAction
from sns_desk.services.archive import ArchiveService
from sns_desk.services.archive_import import ImportCancelled
from sns_desk.services.audit import AuditService
from sns_desk.services.backups import (
    LOCK_NAME,
    PackageOverview,
    RestoreResult,
    check_backup,
    export_backup,
    package_overview,
    packages_in,
    restore_backup,
    run_backup,
)
from sns_desk.storage import audit
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, BackupRecordRow, PostedItemRow, PostedMediaRow

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


def backup_records(database: Database) -> list[tuple[str, int]]:
    with database.session() as s:
        rows = s.execute(
            select(AccountRow.name, BackupRecordRow.items)
            .join(AccountRow, AccountRow.id == BackupRecordRow.account_id)
            .order_by(AccountRow.name)
        )
        return [(name, items) for name, items in rows]


def test_only_full_exports_are_noted_as_backups(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    since = dt.datetime(2025, 7, 20, 9, 30, tzinfo=JST)
    export_backup(database, media, tmp_path / "recent", by="k", since=since)
    export_backup(database, media, tmp_path / "recent-koho", by="k", account="koho", since=since)
    assert backup_records(database) == []  # older items are not in them: the archive window keeps warning
    assert all(a.last_backup_at is None for a in ArchiveService(database, media).accounts())
    export_backup(database, media, tmp_path / "kanko", by="k", account="kanko")
    assert backup_records(database) == [("kanko", 1)]
    export_backup(database, media, tmp_path / "all", by="k")
    assert backup_records(database) == [("kanko", 1), ("kanko", 1), ("koho", 2)]


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


def test_a_repeated_notice_on_two_pages_is_two_items_and_round_trips(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], tmp_path: Path
) -> None:
    database, media = filled
    with database.session() as s:
        koho = s.scalar(select(AccountRow.id).where(AccountRow.name == "koho"))
        assert koho is not None
        s.add_all(
            [
                PostedItemRow(
                    account_id=koho, platform="x", platform_id=None, url=url, author="suzuki",
                    text="【再掲】台風接近のため本日の窓口は正午までです",
                    posted_at=dt.datetime(2025, 8, 1, 8, 0, tzinfo=JST),
                )
                for url in ("https://x.com/koho/status/501", "https://x.com/koho/status/502")
            ]
        )  # fmt: skip
        s.flush()
        notice = s.scalar(select(PostedItemRow.id).where(PostedItemRow.url.endswith("/501")))
        s.add(
            PostedItemRow(
                account_id=koho, platform="x", platform_id=None, url="https://x.com/koho/status/503",
                author="suzuki", text="【訂正】窓口は午後1時までです", corrects_id=notice,
                posted_at=dt.datetime(2025, 8, 1, 8, 5, tzinfo=JST),
            )
        )  # fmt: skip
    first = export_backup(database, media, tmp_path / "first", by="kacho")
    assert first.item_count == 6
    jsonl = (tmp_path / "first" / "data" / "items.jsonl").read_text(encoding="utf-8")
    assert jsonl.count('"corrects_key":"x:desk-') == 1
    empty = opener(f"sqlite:///{(tmp_path / 'restored.db').as_posix()}")
    restored_media = MediaStore(tmp_path / "restored-media")
    assert restore_backup(empty, restored_media, tmp_path / "first").added == 6
    again = restore_backup(empty, restored_media, tmp_path / "first")
    assert (again.added, again.skipped) == (0, 6)  # the same keys are computed from the restored rows
    export_backup(empty, restored_media, tmp_path / "second", by="someone-else")
    assert payload_files(tmp_path / "first") == payload_files(tmp_path / "second")  # corrections linked too


def test_an_account_added_during_the_export_does_not_break_it(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], db_url: str, tmp_path: Path
) -> None:
    database, media = filled
    colleague = opener(db_url)
    statements = 0

    def meanwhile(*_args: Any) -> None:
        nonlocal statements
        statements += 1
        if statements == 2:  # between the export's first and second statement, someone registers an account
            with colleague.session() as s:
                new = AccountRow(platform="x", name="bosai", url="", department="", manager="", status="active")
                s.add(new)
                s.flush()
                s.add(
                    PostedItemRow(
                        account_id=new.id, platform="x", platform_id="77", url="", author="sato",
                        text="避難所を開設しました",
                        posted_at=dt.datetime(2025, 8, 1, tzinfo=JST),
                    )
                )  # fmt: skip

    event.listen(database.engine, "before_cursor_execute", meanwhile)
    try:
        summary = export_backup(database, media, tmp_path / "bag", by="kacho")
    finally:
        event.remove(database.engine, "before_cursor_execute", meanwhile)
    assert statements >= 2
    assert verify_package(tmp_path / "bag") == []
    lines = (tmp_path / "bag" / "data" / "items.jsonl").read_text(encoding="utf-8").splitlines()
    assert summary.item_count == len(lines) in (3, 4)  # 3 once sessions read one snapshot


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
    with held_lock(root / LOCK_NAME):  # released after each run
        pass
    assert not [p for p in root.iterdir() if ".partial-" in p.name]


@contextlib.contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """Lock ``path`` the way a running backup does (another open file description, so it conflicts)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def test_a_running_backup_blocks_a_second_one(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    root = tmp_path / "backups"
    root.mkdir()
    with held_lock(root / LOCK_NAME):
        with pytest.raises(ArchiveError, match="別のバックアップが実行中です"):
            run_backup(database, media, root, keep=3, by="task")
        assert packages_in(root) == []
        assert (root / LOCK_NAME).exists()  # the refused run does not delete the lock of the one running
    assert run_backup(database, media, root, keep=3, by="task").summary.item_count == 3
    with held_lock(root / LOCK_NAME):  # and the run released it
        pass


def test_a_lock_left_by_a_dead_run_does_not_block(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    root = tmp_path / "backups"
    root.mkdir()
    (root / LOCK_NAME).write_text("12345\n")  # a file without an OS lock: its process has ended
    assert run_backup(database, media, root, keep=3, by="task").summary.item_count == 3


def test_a_run_removes_what_crashed_runs_left_half_written(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    root = tmp_path / "backups"
    crashed = root / "sns-desk-backup-20250801-030000.partial-k2j4h1"
    (crashed / "data").mkdir(parents=True)
    (crashed / "data" / "items.jsonl").write_text("{}\n", encoding="utf-8")
    someone_elses = root / "keiyaku.partial-abc"
    someone_elses.mkdir()
    run_backup(database, media, root, keep=3, by="task")
    assert not crashed.exists()
    assert someone_elses.is_dir()  # not a name a backup run makes: left alone
    assert len(packages_in(root)) == 1


def test_a_damaged_media_file_stops_the_export(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    (stored,) = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    stored.write_bytes(b"bit rot")
    with pytest.raises(ArchiveError):
        export_backup(database, media, tmp_path / "bag", by="kacho")
    assert not (tmp_path / "bag").exists()
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


# --- the audit chain ---------------------------------------------------------------------------------------


def _audit_records(database: Database) -> list[Any]:
    with database.session() as s:
        return list(audit.records(s))


def test_every_package_records_the_audit_chain_head_and_the_export_is_audited(
    filled: tuple[Database, MediaStore], tmp_path: Path
) -> None:
    database, media = filled
    with database.session() as s:
        audit.append(s, "kacho", AuditAction.USER_ADDED, "user", "suzuki", at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))
    head = AuditService(database).head()
    assert head[0] == 1
    export_backup(database, media, tmp_path / "bag", by="kacho")
    assert read_bag_info(tmp_path / "bag")[TAG_AUDIT_HEAD] == f"{head[0]} {head[1]}"
    assert verify_package(tmp_path / "bag") == []  # the tag is covered by the tag manifest
    records = _audit_records(database)
    assert [r.action for r in records] == [AuditAction.USER_ADDED, AuditAction.BACKUP_EXPORTED]
    exported = records[-1]
    assert (exported.actor, exported.object_type, exported.object_id) == ("kacho", "backup", "bag")
    assert exported.payload["items"] == 3 and exported.payload["audit_head"] == [head[0], head[1]]
    assert AuditService(database).verify().intact


def test_an_empty_chain_is_recorded_as_zero_records(filled: tuple[Database, MediaStore], tmp_path: Path) -> None:
    database, media = filled
    export_backup(database, media, tmp_path / "bag", by="kacho", since=dt.datetime(2025, 1, 1, tzinfo=JST))
    assert read_bag_info(tmp_path / "bag")[TAG_AUDIT_HEAD] == "0 " + "0" * 64
    assert [r.action for r in _audit_records(database)] == [AuditAction.BACKUP_EXPORTED]  # partial ones too


def test_restore_and_scheduled_runs_are_audited(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], tmp_path: Path
) -> None:
    database, media = filled
    root = tmp_path / "backups"
    done = run_backup(database, media, root, keep=3, by="task")
    assert [r.action for r in _audit_records(database)] == [AuditAction.BACKUP_EXPORTED, AuditAction.BACKUP_RUN]
    other = opener(f"sqlite:///{(tmp_path / 'other.db').as_posix()}")
    restore_backup(other, MediaStore(tmp_path / "other-media"), done.summary.path, by="kacho")
    (restored,) = _audit_records(other)
    assert (restored.action, restored.actor, restored.object_id) == (
        AuditAction.BACKUP_RESTORED,
        "kacho",
        done.summary.path.name,
    )
    assert (restored.payload["added"], restored.payload["skipped"]) == (3, 0)
    assert AuditAction.BACKUP_RESTORED.label == "バックアップから復元"


# --- a wrong database must not push good backups out ------------------------------------------------------


def test_a_run_from_an_empty_database_is_refused_when_earlier_packages_hold_items(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], tmp_path: Path
) -> None:
    database, media = filled
    root = tmp_path / "backups"
    good = run_backup(database, media, root, keep=1, by="task").summary.path
    empty = opener(f"sqlite:///{(tmp_path / 'mistyped.db').as_posix()}")
    with pytest.raises(ArchiveError, match="投稿が 1 件もありません") as caught:
        run_backup(empty, media, root, keep=1, by="task")
    assert "3 件" in caught.value.message and good.name in caught.value.message
    assert packages_in(root) == [good]
    assert verify_package(good) == []


def test_an_empty_database_may_start_an_empty_backup_folder(
    opener: Callable[..., Database], os_user: str, tmp_path: Path
) -> None:
    empty = opener(f"sqlite:///{(tmp_path / 'new.db').as_posix()}")
    media = MediaStore(tmp_path / "media")
    clock = iter(dt.datetime(2025, 8, day, 18, tzinfo=dt.UTC) for day in range(1, 10))
    for _ in range(2):  # a new archive: nothing to protect, so empty packages follow empty packages
        assert (
            run_backup(empty, media, tmp_path / "b", keep=1, by="task", now=lambda: next(clock)).summary.item_count == 0
        )
    assert len(packages_in(tmp_path / "b")) == 1


def test_retention_never_deletes_the_last_package_holding_more_items(
    filled: tuple[Database, MediaStore], tmp_path: Path
) -> None:
    database, media = filled
    root = tmp_path / "backups"
    clock = iter(dt.datetime(2025, 8, day, 18, tzinfo=dt.UTC) for day in range(1, 10))

    def run() -> Any:
        return run_backup(database, media, root, keep=1, by="task", now=lambda: next(clock))

    first = run().summary.path  # 3 items
    with database.session() as s:  # items lost (a damaged or wrong database)
        s.execute(update(PostedItemRow).where(PostedItemRow.corrects_id.is_not(None)).values(corrects_id=None))
        s.execute(delete(PostedItemRow).where(PostedItemRow.platform_id == "fb-1"))
    second = run()
    assert second.summary.item_count == 2
    assert second.removed == []  # keep=1, but the first holds more than the new one
    third = run()
    assert third.removed == [second.summary.path]
    assert packages_in(root) == [first, third.summary.path]


# --- the first and last second Python can hold ------------------------------------------------------------

_EXTREMES = (dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC), dt.datetime(1, 1, 1, tzinfo=dt.UTC))


def _round_trip_extremes(source: Database, target: Database, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    with source.session() as s:
        account = AccountRow(platform="x", name="koho", url="", department="", manager="", status="imported")
        s.add(account)
        s.flush()
        for n, when in enumerate(_EXTREMES):
            s.add(
                PostedItemRow(
                    account_id=account.id, platform="x", platform_id=str(n), url="", text=f"端 {n}", author="a",
                    posted_at=when, source="x-archive",
                )
            )  # fmt: skip
    assert export_backup(source, media, tmp_path / "bag", by="kacho").item_count == 2
    since = export_backup(source, media, tmp_path / "since", by="kacho", since=dt.datetime(1, 1, 1, tzinfo=JST))
    assert since.item_count == 2  # 0001-01-01 in Japan is before year 1 in UTC: everything
    assert restore_backup(target, media, tmp_path / "bag", by="kacho") == RestoreResult(2, 0)
    assert restore_backup(target, media, tmp_path / "bag", by="kacho") == RestoreResult(0, 2)  # same keys
    with target.session() as s:
        assert sorted(s.scalars(select(PostedItemRow.posted_at))) == sorted(_EXTREMES)


def test_items_dated_9999_and_0001_are_exported_and_restored(
    opener: Callable[..., Database], db_url: str, os_user: str, tmp_path: Path
) -> None:
    other = opener(f"sqlite:///{(tmp_path / 'other.db').as_posix()}")
    _round_trip_extremes(opener(db_url), other, tmp_path)


@pytest.mark.postgres
def test_items_dated_9999_and_0001_round_trip_through_postgresql(
    opener: Callable[..., Database], pg_url: str, os_user: str, tmp_path: Path
) -> None:
    sqlite = opener(f"sqlite:///{(tmp_path / 'a.db').as_posix()}")
    _round_trip_extremes(sqlite, opener(pg_url), tmp_path)


def test_check_backup_gives_the_audit_head_of_a_good_package_and_the_problems_of_a_tampered_one(
    filled: tuple[Database, MediaStore], tmp_path: Path
) -> None:
    database, media = filled
    export_backup(database, media, tmp_path / "bag", by="kacho")
    with database.session() as s:
        head = audit.head(s)
    good = check_backup(tmp_path / "bag")
    assert good.ok and good.problems == () and good.audit_head is not None
    assert good.audit_head[0] == head[0] - 1  # the head the export read; its own record came after
    overview = package_overview(tmp_path / "bag")
    assert (overview.title, overview.items, overview.media, overview.created_by) == (
        "SNS 投稿アーカイブ",
        3,
        1,
        "kacho",
    )
    assert overview.exported_at is not None and overview.exported_at.tzinfo is not None

    (tmp_path / "bag" / "data" / "items.csv").write_text("書き換え", encoding="utf-8")
    bad = check_backup(tmp_path / "bag")
    assert not bad.ok and [p.path for p in bad.problems] == ["data/items.csv"]
    assert package_overview(tmp_path / "nothing") == PackageOverview(tmp_path / "nothing", "", None, None, None, "")


def test_a_restore_cancelled_while_the_package_is_checked_writes_nothing(
    filled: tuple[Database, MediaStore], opener: Callable[..., Database], tmp_path: Path
) -> None:
    database, media = filled
    export_backup(database, media, tmp_path / "bag", by="kacho")
    empty = opener(f"sqlite:///{(tmp_path / 'restored.db').as_posix()}")
    checked: list[tuple[int, int | None]] = []
    with pytest.raises(ImportCancelled):
        restore_backup(
            empty, MediaStore(tmp_path / "m2"), tmp_path / "bag", cancelled=lambda: bool(checked),
            verify_progress=lambda done, total: checked.append((done, total)),
        )  # fmt: skip
    assert checked == [(0, checked[0][1])]  # stopped at the first file after the first report
    with empty.session() as s:
        assert s.scalar(select(func.count(PostedItemRow.id))) == 0
    counted: list[tuple[int, int | None]] = []
    result = restore_backup(
        empty, MediaStore(tmp_path / "m2"), tmp_path / "bag", verify_progress=lambda d, t: counted.append((d, t))
    )
    assert (result.added, result.skipped) == (3, 0)
    assert counted and counted[-1][0] == counted[-1][1]
