"""The Article 6 archive as front ends see it: accounts with their last backup, search, import, media.

Like :class:`~sns_desk.services.desk.DeskService` it hands out plain dataclasses, so the GUI can call it
from a worker thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from ..core.archive.package import PackageSummary
from ..core.errors import InvalidInput
from ..core.progress import CancelCheck, Progress
from ..storage.database import Database
from ..storage.media import MediaStore
from ..storage.models import AccountRow, AppSetting, BackupRecordRow, PostedItemRow, PostedMediaRow, utc_now
from ..storage.search import SearchPage, SearchQuery, archive_search
from .archive_import import ImportResult, import_export
from .backups import BackupCheck, PackageOverview, RestoreResult, check_backup, package_overview
from .backups import export_backup as _export_backup
from .backups import restore_backup as _restore_backup
from .moderation import CorrectionChain

BACKUP_WARNING_KEY = "backup.warn_after_days"
DEFAULT_BACKUP_WARNING_DAYS = 7
"""A week: an account manager who backs up weekly is never warned; one who forgot for longer is."""


@dataclasses.dataclass(frozen=True, slots=True)
class AccountArchive:
    """One account's place in the archive."""

    name: str
    platform: str
    status: str
    items: int
    newest_item_at: dt.datetime | None
    last_backup_at: dt.datetime | None
    last_backup_path: str

    def backup_overdue(self, now: dt.datetime, warn_after_days: int) -> bool:
        """True when the account has items and no backup within ``warn_after_days`` days."""
        if self.items == 0:
            return False
        if self.last_backup_at is None:
            return True
        return now - self.last_backup_at > dt.timedelta(days=warn_after_days)


@dataclasses.dataclass(frozen=True, slots=True)
class MediaFile:
    sha256: str
    name: str


class ArchiveService:
    def __init__(self, database: Database, media: MediaStore) -> None:
        self._db = database
        self._media = media
        self._search = archive_search(database)

    @property
    def media(self) -> MediaStore:
        return self._media

    def accounts(self) -> list[AccountArchive]:
        """Every account with how many items it has and its newest backup, by name."""
        with self._db.session() as s:
            counts = dict(
                s.execute(
                    select(PostedItemRow.account_id, func.count(PostedItemRow.id)).group_by(PostedItemRow.account_id)
                ).all()
            )
            newest = dict(
                s.execute(
                    select(PostedItemRow.account_id, func.max(PostedItemRow.posted_at)).group_by(
                        PostedItemRow.account_id
                    )
                ).all()
            )
            last_id = (
                select(BackupRecordRow.account_id, func.max(BackupRecordRow.id).label("id"))
                .group_by(BackupRecordRow.account_id)
                .subquery()
            )
            backups = {
                row.account_id: row
                for row in s.scalars(select(BackupRecordRow).join(last_id, BackupRecordRow.id == last_id.c.id)).all()
            }
            rows = s.scalars(select(AccountRow).order_by(AccountRow.name)).all()
            result = []
            for row in rows:
                backup = backups.get(row.id)
                newest_at = newest.get(row.id)
                result.append(
                    AccountArchive(
                        name=row.name,
                        platform=row.platform,
                        status=row.status,
                        items=int(counts.get(row.id, 0)),
                        newest_item_at=_aware(newest_at),
                        last_backup_at=backup.finished_at if backup else None,
                        last_backup_path=backup.path if backup else "",
                    )
                )
            return result

    def backup_warning_days(self) -> int:
        with self._db.session() as s:
            setting = s.get(AppSetting, BACKUP_WARNING_KEY)
            try:
                days = int(setting.value) if setting is not None else DEFAULT_BACKUP_WARNING_DAYS
            except ValueError:
                days = DEFAULT_BACKUP_WARNING_DAYS
        return max(days, 1)

    def set_backup_warning_days(self, days: int) -> None:
        if days < 1:
            raise InvalidInput("警告までの日数は 1 以上にしてください")
        with self._db.session() as s:
            s.merge(AppSetting(key=BACKUP_WARNING_KEY, value=str(days)))

    def search(self, query: SearchQuery) -> SearchPage:
        return self._search.search(query)

    def correction_chain(self, item_id: int) -> CorrectionChain:
        """The post with what it corrects (訂正 → 原文) and what corrects it (原文 → 訂正, 訂正済み), 第9条."""
        from .moderation import ModerationService

        return ModerationService(self._db, self._db.login()).chain(item_id)

    def link_correction(self, original_id: int, correction_id: int) -> CorrectionChain:
        """Record that ``correction_id`` corrects ``original_id`` (imported posts linked afterwards): the
        account's manager or the operations manager, by the database's login; audited. Returns the original's
        chain."""
        from .moderation import ModerationService

        return ModerationService(self._db, self._db.login()).link_correction(original_id, correction_id)

    def media_of(self, item_id: int) -> list[MediaFile]:
        with self._db.session() as s:
            rows = s.execute(
                select(PostedMediaRow.sha256, PostedMediaRow.name)
                .where(PostedMediaRow.item_id == item_id)
                .order_by(PostedMediaRow.id)
            ).all()
        return [MediaFile(sha256, name) for sha256, name in rows]

    def import_export(
        self,
        path: Path,
        fmt: str = "auto",
        account: str | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        *,
        by: str | None = None,
    ) -> ImportResult:
        """Import a platform export, audited as ``by`` (else the database's login)."""
        return import_export(self._db, self._media, path, fmt, account, progress, cancelled, by=by)

    # -- Article 6 backups (the same services as ``sns-desk backup``; no role is required there either) ----------

    @property
    def database(self) -> Database:
        return self._db

    def export_backup(
        self,
        target: Path,
        *,
        account: str | None = None,
        since: dt.datetime | None = None,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> PackageSummary:
        """``backup export``: the archive (or one account's part, or what was posted since ``since``) as a
        package in ``target`` (absent or empty), by the database's login; a full one is noted per account."""
        return _export_backup(
            self._db,
            self._media,
            Path(target),
            by=self._db.login(),
            account=account,
            since=since,
            progress=progress,
            cancelled=cancelled,
        )

    def verify_backup(
        self, path: Path, progress: Progress | None = None, cancelled: CancelCheck | None = None
    ) -> BackupCheck:
        """``backup verify``: the package's problems and the audit chain head it recorded."""
        return check_backup(path, progress=progress, cancelled=cancelled)

    def backup_overview(self, path: Path) -> PackageOverview:
        """What a package says about itself (unchecked), for the question before restoring it."""
        return package_overview(path)

    def restore_backup(
        self,
        path: Path,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        verify_progress: Progress | None = None,
    ) -> RestoreResult:
        """``backup restore``: verify the package, then add what the archive lacks (idempotent, atomic)."""
        return _restore_backup(
            self._db,
            self._media,
            Path(path),
            progress=progress,
            cancelled=cancelled,
            by=self._db.login(),
            verify_progress=verify_progress,
        )

    def now(self) -> dt.datetime:
        return utc_now()


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates bypass the column type on SQLite and come back naive (stored as UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
