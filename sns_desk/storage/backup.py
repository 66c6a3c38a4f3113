"""Article 6 backups: the archive as a BagIt package and back (``sns-desk backup …``).

* :func:`export_backup` writes the archive (or one account's part, or what was posted since a date) with
  :func:`~sns_desk.core.archive.package.write_package`. It reads inside one transaction, so a backup taken
  while staff keep working is a consistent snapshot; each account in it gets a ``backup_records`` row,
  which the archive window shows.
* :func:`restore_backup` loads a verified package into a database: idempotent (an item already there is
  skipped) and atomic (one transaction, media stored before the rows that point at them).
* :func:`run_backup` is the scheduled job: a new complete package in a folder of dated packages, media
  hard-linked from the previous package where unchanged (incremental), the oldest removed beyond
  ``keep``, a lock so that two runs never overlap.

An item's identity across databases is its *key*: ``<platform>:<platform id>``, or for a desk record
whose platform id is unknown ``<platform>:desk-<hash of account, time and text>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..core.accounts import AccountStatus
from ..core.archive import ArchiveError, ArchiveItem, PackagedMedia
from ..core.archive.package import PackageSummary, Progress, read_package, write_package
from ..core.archive.search_text import search_key, spaced
from .database import Database
from .media import MediaStore
from .models import AccountRow, BackupRecordRow, PostedItemRow, PostedMediaRow, utc_now
from .search import deferred_indexing

_log = logging.getLogger(__name__)

PACKAGE_PREFIX = "sns-desk-backup-"
_PACKAGE_RE = re.compile(re.escape(PACKAGE_PREFIX) + r"\d{8}-\d{6}(?:-\d+)?")
LOCK_NAME = ".sns-desk-backup.lock"
STALE_LOCK_SECONDS = 12 * 3600
"""A lock older than this was left by a run that died; the next run takes over."""


@dataclasses.dataclass(frozen=True, slots=True)
class RestoreResult:
    added: int
    skipped: int


@dataclasses.dataclass(frozen=True, slots=True)
class RunResult:
    summary: PackageSummary
    removed: list[Path]
    """Older packages deleted by the retention rule."""


def item_key(platform: str, platform_id: str | None, account: str, posted_at: dt.datetime, text: str) -> str:
    if platform_id:
        return f"{platform}:{platform_id}"
    stamp = posted_at.astimezone(dt.UTC).isoformat()
    digest = hashlib.sha256(f"{account}\n{stamp}\n{text}".encode()).hexdigest()[:16]
    return f"{platform}:desk-{digest}"


# ---------------------------------------------------------------------------------------------------------
# Export


_COLUMNS = (
    "id",
    "account_id",
    "platform",
    "platform_id",
    "url",
    "text",
    "author",
    "posted_at",
    "source",
    "terminal",
    "off_terminal_reason",
    "reply_to_id",
    "quoted_id",
    "corrects_id",
    "reposted_url",
)


def _items(s: Session, account: str | None, since: dt.datetime | None) -> Iterator[ArchiveItem]:
    """Every selected item with its media, streamed in batches from one session (one snapshot)."""
    names = dict(s.execute(select(AccountRow.id, AccountRow.name)).all())
    keys: dict[int, str] = {}
    for row_id, platform, pid, account_id, posted_at, text in s.execute(
        select(
            PostedItemRow.id,
            PostedItemRow.platform,
            PostedItemRow.platform_id,
            PostedItemRow.account_id,
            PostedItemRow.posted_at,
            PostedItemRow.text,
        ).where(PostedItemRow.id.in_(select(PostedItemRow.corrects_id).where(PostedItemRow.corrects_id.is_not(None))))
    ):
        keys[row_id] = item_key(platform, pid, names[account_id], posted_at, text)
    # Plain rows, not ORM objects: nothing accumulates in the session however big the archive is.
    statement = (
        select(*[PostedItemRow.__table__.c[name] for name in _COLUMNS])
        .order_by(PostedItemRow.id)
        .execution_options(yield_per=1000)
    )
    if account is not None:
        statement = statement.join(AccountRow, AccountRow.id == PostedItemRow.account_id).where(
            AccountRow.name == account
        )
    if since is not None:
        statement = statement.where(PostedItemRow.posted_at >= since)
    for partition in s.execute(statement).partitions():
        ids = [row.id for row in partition]
        media: dict[int, list[PackagedMedia]] = {}
        for item_id, sha256, name in s.execute(
            select(PostedMediaRow.item_id, PostedMediaRow.sha256, PostedMediaRow.name)
            .where(PostedMediaRow.item_id.in_(ids))
            .order_by(PostedMediaRow.id)
        ):
            media.setdefault(item_id, []).append(PackagedMedia(sha256, name))
        for row in partition:
            name = names[row.account_id]
            yield ArchiveItem(
                key=item_key(row.platform, row.platform_id, name, row.posted_at, row.text),
                platform=row.platform,
                account=name,
                platform_id=row.platform_id,
                url=row.url,
                text=row.text,
                author=row.author,
                posted_at=row.posted_at,
                source=row.source,
                terminal=row.terminal,
                off_terminal_reason=row.off_terminal_reason,
                reply_to_id=row.reply_to_id,
                quoted_id=row.quoted_id,
                corrects_key=keys.get(row.corrects_id) if row.corrects_id is not None else None,
                reposted_url=row.reposted_url,
                media=tuple(media.get(row.id, ())),
            )


def export_backup(
    database: Database,
    media: MediaStore,
    target: Path,
    *,
    by: str,
    account: str | None = None,
    since: dt.datetime | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    reuse: Path | None = None,
) -> PackageSummary:
    """Write the archive (optionally one account's items, or those posted since ``since``) as a package."""
    with database.session() as s:
        if account is not None and s.scalar(select(AccountRow.id).where(AccountRow.name == account)) is None:
            raise ArchiveError(f"アカウント「{account}」は登録されていません")
        counts: dict[str, int] = {}

        def counted() -> Iterator[ArchiveItem]:
            for item in _items(s, account, since):
                counts[item.account] = counts.get(item.account, 0) + 1
                yield item

        title = "SNS 投稿アーカイブ" + (f"({account})" if account else "")
        summary = write_package(
            target,
            counted(),
            media,
            title=title,
            created_by=by,
            since=since,
            progress=progress,
            cancelled=cancelled,
            reuse=reuse,
        )
    try:
        with database.session() as s:
            ids = dict(s.execute(select(AccountRow.name, AccountRow.id)).all())
            now = utc_now()
            for name, count in counts.items():
                s.add(
                    BackupRecordRow(
                        account_id=ids[name], path=str(summary.path.resolve()), items=count, by=by, finished_at=now
                    )
                )
    except Exception as exc:  # the package is complete and valid; only the archive window's note is missing
        _log.warning("バックアップの記録をデータベースに書けませんでした: %s", exc)
    return summary


# ---------------------------------------------------------------------------------------------------------
# Restore


def restore_backup(
    database: Database,
    media: MediaStore,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RestoreResult:
    """Load a package into the database. Raises ``ArchiveError`` for a package that does not verify."""
    from .archive_import import ImportCancelled

    package = read_package(path)
    added = skipped = done = 0
    with database.session() as s:
        accounts: dict[str, int] = dict(s.execute(select(AccountRow.name, AccountRow.id)).all())
        names = {account_id: name for name, account_id in accounts.items()}
        known: set[str] = set()
        for platform, pid, account_id, posted_at, text in s.execute(
            select(
                PostedItemRow.platform,
                PostedItemRow.platform_id,
                PostedItemRow.account_id,
                PostedItemRow.posted_at,
                PostedItemRow.text,
            )
        ):
            known.add(item_key(platform, pid, names[account_id], posted_at, text))
        corrections: list[tuple[str, str]] = []
        with deferred_indexing(s):
            for item in package.items():
                done += 1
                if done % 500 == 0:
                    if cancelled is not None and cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(done, package.count)
                if item.key in known:
                    skipped += 1
                    continue
                known.add(item.key)
                if item.account not in accounts:
                    accounts[item.account] = _restored_account(s, item)
                key = search_key(item.text)
                item_id = s.execute(
                    insert(PostedItemRow)
                    .values(
                        account_id=accounts[item.account],
                        draft_id=None,
                        platform=item.platform,
                        platform_id=item.platform_id,
                        url=item.url,
                        text=item.text,
                        author=item.author,
                        terminal=item.terminal,
                        off_terminal_reason=item.off_terminal_reason,
                        reply_to_id=item.reply_to_id,
                        quoted_id=item.quoted_id,
                        reposted_url=item.reposted_url,
                        source=item.source,
                        posted_at=item.posted_at,
                        created_at=utc_now(),
                        search_text=key,
                        search_chars=spaced(key),
                    )
                    .returning(PostedItemRow.id)
                ).scalar_one()
                for m in item.media:
                    stored = media.put(package.media_bytes(m.sha256))
                    s.add(PostedMediaRow(item_id=item_id, sha256=stored, name=m.name))
                if item.corrects_key:
                    corrections.append((item.key, item.corrects_key))
                added += 1
            s.flush()
            _link_corrections(s, corrections, names | {v: k for k, v in accounts.items()})
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(done, package.count)
    return RestoreResult(added, skipped)


def _restored_account(s: Session, item: ArchiveItem) -> int:
    row = AccountRow(
        platform=item.platform,
        name=item.account,
        url="",
        department="",
        manager="",
        status=AccountStatus.IMPORTED.value,
        created_at=utc_now(),
    )
    s.add(row)
    s.flush()
    return row.id


def _link_corrections(s: Session, corrections: list[tuple[str, str]], names: dict[int, str]) -> None:
    if not corrections:
        return
    ids: dict[str, int] = {}
    for row_id, platform, pid, account_id, posted_at, text in s.execute(
        select(
            PostedItemRow.id,
            PostedItemRow.platform,
            PostedItemRow.platform_id,
            PostedItemRow.account_id,
            PostedItemRow.posted_at,
            PostedItemRow.text,
        )
    ):
        ids[item_key(platform, pid, names[account_id], posted_at, text)] = row_id
    for key, corrected in corrections:
        if key in ids and corrected in ids:
            s.execute(update(PostedItemRow).where(PostedItemRow.id == ids[key]).values(corrects_id=ids[corrected]))


# ---------------------------------------------------------------------------------------------------------
# Scheduled run


def packages_in(root: Path) -> list[Path]:
    """The complete packages in a backup folder, oldest first (their names sort by time)."""
    if not root.is_dir():
        return []
    return sorted(
        child
        for child in root.iterdir()
        if child.is_dir() and _PACKAGE_RE.fullmatch(child.name) and (child / "bagit.txt").is_file()
    )


class _Lock:
    """An exclusive lock file in the backup folder; a stale one (a run that died) is taken over."""

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_NAME

    def __enter__(self) -> _Lock:
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                try:
                    age = time.time() - self.path.stat().st_mtime
                except OSError:
                    continue
                if age > STALE_LOCK_SECONDS:
                    self.path.unlink(missing_ok=True)
                    continue
                raise ArchiveError(
                    f"別のバックアップが実行中です(ロックファイル {self.path})。終わってから実行してください"
                ) from None
            with os.fdopen(fd, "w") as handle:
                handle.write(f"{os.getpid()}\n")
            return self
        raise ArchiveError(f"ロックファイル {self.path} を作れません")

    def __exit__(self, *_exc: object) -> None:
        self.path.unlink(missing_ok=True)


def run_backup(
    database: Database,
    media: MediaStore,
    root: Path,
    keep: int,
    *,
    by: str,
    now: Callable[[], dt.datetime] = utc_now,
    progress: Progress | None = None,
) -> RunResult:
    """Write a new package into ``root`` and keep only the newest ``keep`` packages."""
    if keep < 1:
        raise ValueError("--keep には 1 以上を指定してください")
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"バックアップ先「{root}」を作れません({exc.strerror or exc})") from exc
    with _Lock(root):
        earlier = packages_in(root)
        stamp = now().astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%Y%m%d-%H%M%S")
        target = root / f"{PACKAGE_PREFIX}{stamp}"
        suffix = 1
        while target.exists():
            suffix += 1
            target = root / f"{PACKAGE_PREFIX}{stamp}-{suffix}"
        summary = export_backup(
            database, media, target, by=by, progress=progress, reuse=earlier[-1] if earlier else None
        )
        removed: list[Path] = []
        for old in packages_in(root)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return RunResult(summary, removed)
