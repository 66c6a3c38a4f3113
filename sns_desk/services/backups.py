"""Article 6 backups: the archive as a BagIt package and back (``sns-desk backup …``).

* :func:`export_backup` writes the archive (or one account's part, or what was posted since a date) with
  :func:`~sns_desk.core.archive.package.write_package`. It reads inside one transaction, so a backup taken
  while staff keep working is a consistent snapshot; each account in it gets a ``backup_records`` row,
  which the archive window shows.
* :func:`restore_backup` loads a verified package into a database: idempotent (an item already there is
  skipped) and atomic (one transaction, media stored before the rows that point at them).
* :func:`run_backup` is the scheduled job: a new complete package in a folder of dated packages, media
  hard-linked from the previous package where unchanged (incremental), the oldest removed beyond
  ``keep``, an OS lock so that two runs never overlap (a run that died releases it with its process).

An item's identity across databases is its *key*: ``<platform>:<platform id>``, or for a desk record
whose platform id is unknown ``<platform>:desk-<hash of account, time, text and URL>``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, aliased

from ..core.archive import ArchiveError, ArchiveItem, PackagedMedia
from ..core.archive.package import (
    PackageProblem,
    PackageSummary,
    VerifyCancelled,
    read_package,
    verify_package,
    write_package,
)
from ..core.archive.package.layout import (
    TAG_AUDIT_HEAD,
    TAG_COUNT,
    TAG_EXPORTED_AT,
    TAG_MEDIA_COUNT,
    TAG_TITLE,
    as_utc,
    parse_audit_head,
    read_bag_info,
)
from ..core.archive.search_text import search_key, spaced
from ..core.archive.storable import storable_item
from ..core.audit import AuditAction
from ..core.errors import InvalidInput
from ..core.jst import JST
from ..core.progress import CancelCheck, Progress, check_cancel
from ..storage import audit
from ..storage.database import Database, begin_transaction
from ..storage.media import MediaStore
from ..storage.models import AccountRow, BackupRecordRow, ModerationRow, PostedItemRow, PostedMediaRow, utc_now
from ..storage.search import deferred_indexing
from .archive_import import imported_account

_log = logging.getLogger(__name__)

PACKAGE_PREFIX = "sns-desk-backup-"
_PACKAGE_RE = re.compile(re.escape(PACKAGE_PREFIX) + r"\d{8}-\d{6}(?:-\d+)?")
_PARTIAL_RE = re.compile(_PACKAGE_RE.pattern + r"\.partial-.+")
"""The folder ``write_package`` builds a package in before renaming it; left behind only by a crash."""
LOCK_NAME = ".sns-desk-backup.lock"
"""Locked by the OS while a run is going; the file itself stays (deleting it would let two runs in)."""


@dataclasses.dataclass(frozen=True, slots=True)
class RestoreResult:
    added: int
    skipped: int


@dataclasses.dataclass(frozen=True, slots=True)
class BackupCheck:
    """What :func:`check_backup` found: no problems means complete and unchanged since it was written."""

    path: Path
    problems: tuple[PackageProblem, ...]
    audit_head: tuple[int, str] | None
    """(records, SHA-256 of the last record) of the audit chain when the package was written, from
    ``bag-info.txt`` (trustworthy only when there are no problems; None for a package without it)."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclasses.dataclass(frozen=True, slots=True)
class PackageOverview:
    """What a package says about itself in ``bag-info.txt``, unchecked: for asking before a restore."""

    path: Path
    title: str
    items: int | None
    media: int | None
    exported_at: dt.datetime | None
    created_by: str


@dataclasses.dataclass(frozen=True, slots=True)
class RunResult:
    summary: PackageSummary
    removed: list[Path]
    """Older packages deleted by the retention rule."""


def item_key(platform: str, platform_id: str | None, account: str, posted_at: dt.datetime, text: str, url: str) -> str:
    """The item's identity in every database: its platform id, or a hash of what the desk recorded.

    A repeated notice (same text, same minute) on another page has another URL, so the URL is part of it.
    """
    if platform_id:
        return f"{platform}:{platform_id}"
    stamp = posted_at.astimezone(dt.UTC).isoformat()
    fields = json.dumps([account, stamp, text, url or ""], ensure_ascii=False)  # unambiguous, unlike joining
    return f"{platform}:desk-{hashlib.sha256(fields.encode()).hexdigest()[:16]}"


def _keyed_rows(s: Session) -> Iterator[tuple[int, str]]:
    """(row id, key) of every item, the account name joined in the same statement."""
    for row_id, platform, pid, name, posted_at, text, url in s.execute(
        select(
            PostedItemRow.id,
            PostedItemRow.platform,
            PostedItemRow.platform_id,
            AccountRow.name,
            PostedItemRow.posted_at,
            PostedItemRow.text,
            PostedItemRow.url,
        ).join(AccountRow, AccountRow.id == PostedItemRow.account_id)
    ):
        yield row_id, item_key(platform, pid, name, posted_at, text, url)


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


def _items(s: Session, account: str | None, since: dt.datetime | None) -> Iterator[tuple[int, ArchiveItem]]:
    """(account id, item) of every selected item with its media, streamed in batches from one session.

    The account name and the corrected item come joined into the one statement that reads the items,
    never from an earlier lookup: an account or a correction added meanwhile cannot be half seen.
    """
    corrected = aliased(PostedItemRow)
    corrected_account = aliased(AccountRow)
    # Plain rows, not ORM objects: nothing accumulates in the session however big the archive is.
    statement = (
        select(
            *[PostedItemRow.__table__.c[name] for name in _COLUMNS],
            AccountRow.name.label("account_name"),
            corrected.platform.label("corrected_platform"),
            corrected.platform_id.label("corrected_platform_id"),
            corrected_account.name.label("corrected_account"),
            corrected.posted_at.label("corrected_posted_at"),
            corrected.text.label("corrected_text"),
            corrected.url.label("corrected_url"),
        )
        .join(AccountRow, AccountRow.id == PostedItemRow.account_id)
        .outerjoin(corrected, corrected.id == PostedItemRow.corrects_id)
        .outerjoin(corrected_account, corrected_account.id == corrected.account_id)
        .order_by(PostedItemRow.id)
        .execution_options(yield_per=1000)
    )
    if account is not None:
        statement = statement.where(AccountRow.name == account)
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
            name = row.account_name
            yield (
                row.account_id,
                ArchiveItem(
                    key=item_key(row.platform, row.platform_id, name, row.posted_at, row.text, row.url),
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
                    corrects_key=None
                    if row.corrected_account is None
                    else item_key(
                        row.corrected_platform,
                        row.corrected_platform_id,
                        row.corrected_account,
                        row.corrected_posted_at,
                        row.corrected_text,
                        row.corrected_url,
                    ),
                    reposted_url=row.reposted_url,
                    media=tuple(media.get(row.id, ())),
                ),
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
    cancelled: CancelCheck | None = None,
    reuse: Path | None = None,
) -> PackageSummary:
    """Write the archive (optionally one account's items, or those posted since ``since``) as a package.

    A full export (no ``since``) notes a ``backup_records`` row for each account it holds (with
    ``account``: that account); one limited by date does not, as older items are not in it.
    """
    if since is not None and since.utcoffset() is not None and as_utc(since) is None:
        since = dt.datetime.min.replace(tzinfo=dt.UTC)  # before year 1 in UTC (0001-01-01 in Japan): everything
    with database.session() as s:
        begin_transaction(s, write=False)  # one snapshot, however long the export takes
        account_id = None
        if account is not None:
            account_id = s.scalar(select(AccountRow.id).where(AccountRow.name == account))
            if account_id is None:
                raise ArchiveError(f"アカウント「{account}」は登録されていません")
        counts: dict[int, int] = {} if account_id is None else {account_id: 0}

        def counted() -> Iterator[ArchiveItem]:
            for item_account, item in _items(s, account, since):
                counts[item_account] = counts.get(item_account, 0) + 1
                yield item

        head = audit.head(s)  # the chain as of the same snapshot as the items
        moderation = _moderation_records(s, account_id, since)  # the same snapshot too
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
            audit_head=head,
            moderation=moderation,
        )
    if database.read_only:
        _log.warning("読み取り専用で開いたデータベースのため、バックアップの記録と監査記録は書いていません")
        return summary
    try:
        with database.session() as s:
            now = utc_now()
            if since is None:  # a partial backup: the archive window must keep warning about the older items
                for noted, count in counts.items():
                    s.add(
                        BackupRecordRow(
                            account_id=noted, path=str(summary.path.resolve()), items=count, by=by, finished_at=now
                        )
                    )
            audit.append(
                s,
                by,
                AuditAction.BACKUP_EXPORTED,
                "backup",
                summary.path.name,
                {
                    "path": str(summary.path.resolve()),
                    "items": summary.item_count,
                    "media": summary.media_count,
                    "account": account,
                    "since": None if since is None else since.astimezone(dt.UTC).isoformat(),
                    "audit_head": [head[0], head[1]],
                },
                at=now,
            )
    except Exception as exc:  # the package is complete and valid; only the notes in the database are missing
        _log.warning("バックアップの記録をデータベースに書けませんでした: %s", exc)
    return summary


# ---------------------------------------------------------------------------------------------------------
# Verify


def check_backup(path: Path, *, progress: Progress | None = None, cancelled: CancelCheck | None = None) -> BackupCheck:
    """Verify the package at ``path`` (``sns-desk backup verify``): its problems, and the audit chain head it
    recorded. Raises :class:`VerifyCancelled` when ``cancelled()`` says so; the package is only read."""
    path = Path(path)
    problems = verify_package(path, progress, cancelled)
    head = parse_audit_head(read_bag_info(path).get(TAG_AUDIT_HEAD, ""))
    return BackupCheck(path, tuple(problems), head)


def package_overview(path: Path) -> PackageOverview:
    """What ``bag-info.txt`` of the package at ``path`` says (nothing is checked; restoring checks it all)."""
    path = Path(path)
    info = read_bag_info(path)

    def count(tag: str) -> int | None:
        value = info.get(tag, "")
        return int(value) if value.isdigit() else None

    try:
        exported_at: dt.datetime | None = dt.datetime.fromisoformat(info.get(TAG_EXPORTED_AT, ""))
    except ValueError:
        exported_at = None
    if exported_at is not None and exported_at.tzinfo is None:
        exported_at = None
    return PackageOverview(
        path,
        info.get(TAG_TITLE, ""),
        count(TAG_COUNT),
        count(TAG_MEDIA_COUNT),
        exported_at,
        info.get("Contact-Name", ""),
    )


# ---------------------------------------------------------------------------------------------------------
# Restore


def restore_backup(
    database: Database,
    media: MediaStore,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    by: str | None = None,
    verify_progress: Progress | None = None,
) -> RestoreResult:
    """Load a package into the database. Raises ``ArchiveError`` for a package that does not verify.

    The package is verified first (``verify_progress``: files checked of all), then its items are loaded
    (``progress``: items of all). ``cancelled`` is polled in both; a cancel raises ``ImportCancelled`` and
    leaves the database as it was. The restore is recorded in the audit chain (``by``, else the database's
    login) in the same transaction.
    """
    from .archive_import import ImportCancelled

    try:
        package = read_package(path, verify_progress, cancelled)
    except VerifyCancelled:
        raise ImportCancelled() from None
    added = skipped = done = 0
    with database.session() as s:
        begin_transaction(s, write=True)  # the search-trigger dance must be inside the transaction
        accounts: dict[str, int] = {}  # filled through imported_account, which refuses another service's account
        known = {key for _row_id, key in _keyed_rows(s)}
        corrections: list[tuple[str, str]] = []
        rekeyed: dict[str, str] = {}
        with deferred_indexing(s):
            for packaged in package.items():
                item = _storable(packaged, rekeyed)
                done += 1
                if done % 500 == 0:
                    check_cancel(cancelled, ImportCancelled)
                    if progress is not None:
                        progress(done, package.count)
                if item.key in known or packaged.key in known:  # an SQLite archive may hold the text with NUL
                    skipped += 1
                    continue
                known.add(item.key)
                if item.account not in accounts:
                    accounts[item.account] = imported_account(s, item.platform, item.account).id
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
            _link_corrections(s, [(key, rekeyed.get(corrected, corrected)) for key, corrected in corrections])
        moderation_added = _restore_moderation(s, package.moderation(), accounts)
        check_cancel(cancelled, ImportCancelled)
        audit.append(
            s,
            by or database.login(),
            AuditAction.BACKUP_RESTORED,
            "backup",
            path.name,
            {"path": str(Path(path).resolve()), "added": added, "skipped": skipped, "items": package.count}
            | ({"moderation_added": moderation_added} if moderation_added else {}),
            at=utc_now(),
        )
        if progress is not None:
            progress(done, package.count)
    return RestoreResult(added, skipped)


def _storable(item: ArchiveItem, rekeyed: dict[str, str]) -> ArchiveItem:
    """``item`` as every database can hold it (:func:`storable_item`: U+0000 becomes U+FFFD, which a package
    written from SQLite may hold and PostgreSQL cannot). When that changes it, its key is made again from what is
    stored -- the key the next restore and export compute -- and noted in ``rekeyed`` for corrections."""
    clean = storable_item(item)
    if clean is item:
        return item
    key = item_key(clean.platform, clean.platform_id, clean.account, clean.posted_at, clean.text, clean.url)
    rekeyed[item.key] = key
    return dataclasses.replace(clean, key=key)


def _link_corrections(s: Session, corrections: list[tuple[str, str]]) -> None:
    if not corrections:
        return
    ids = {key: row_id for row_id, key in _keyed_rows(s)}
    for key, corrected in corrections:
        if key in ids and corrected in ids:
            s.execute(update(PostedItemRow).where(PostedItemRow.id == ids[key]).values(corrects_id=ids[corrected]))


def moderation_key(account: str, action: str, author: str, text: str, acted_at: dt.datetime, by: str) -> str:
    """A moderation entry's identity in every database (第9条): a hash of what was recorded."""
    fields = json.dumps(
        [account, action, author, text, acted_at.astimezone(dt.UTC).isoformat(), by], ensure_ascii=False
    )
    return f"moderation:{hashlib.sha256(fields.encode()).hexdigest()[:24]}"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _moderation_records(s: Session, account_id: int | None, since: dt.datetime | None) -> list[dict[str, object]]:
    """The moderation log of the exported accounts (acted on since ``since``), oldest first, as package records."""
    query = select(ModerationRow, AccountRow).join(AccountRow, AccountRow.id == ModerationRow.account_id)
    if account_id is not None:
        query = query.where(ModerationRow.account_id == account_id)
    if since is not None:
        query = query.where(ModerationRow.acted_at >= since)
    keys: dict[int, str] = {}
    records: list[dict[str, object]] = []
    for row, acc in s.execute(query.order_by(ModerationRow.id)).all():
        key = moderation_key(acc.name, row.action, row.author_handle, row.text, row.acted_at, row.recorded_by)
        keys[row.id] = key
        records.append(
            {
                "key": key, "account": acc.name, "platform": acc.platform, "action": row.action,
                "author_handle": row.author_handle, "text": row.text, "url": row.url,
                "commented_at": _iso(row.commented_at), "acted_at": _iso(row.acted_at),
                "policy_item": row.policy_item, "policy_version": row.policy_version, "reason": row.reason,
                "recorded_by": row.recorded_by, "recorded_at": _iso(row.recorded_at),
                "supersedes_key": None if row.supersedes_id is None else keys.get(row.supersedes_id),
            }
        )  # fmt: skip
    records.sort(key=lambda r: (str(r["acted_at"]), str(r["key"])))
    return records


def _restore_moderation(s: Session, records: Iterator[dict[str, Any]], accounts: dict[str, int]) -> int:
    """Add the entries the database lacks (by key), in the package's order; an entry whose earlier entry is
    superseded already keeps its text but no link. On PostgreSQL the server takes entries only in the staff
    member's own name: a staff login other than the schema's owner restores the posts and leaves the log out."""
    if s.get_bind().dialect.name == "postgresql" and not s.scalar(sql_text("SELECT sns_desk_trusted()")):
        skipped = sum(1 for _ in records)
        if skipped:
            _log.warning(
                "コメントの削除・非表示の記録 %d 件は、データベースの管理者(所有者)による復元でだけ戻せます", skipped
            )
        return 0
    known: dict[str, int] = {}
    for row, name in s.execute(select(ModerationRow, AccountRow.name).join(AccountRow)).all():
        known[moderation_key(name, row.action, row.author_handle, row.text, row.acted_at, row.recorded_by)] = row.id
    superseded = set(s.scalars(select(ModerationRow.supersedes_id).where(ModerationRow.supersedes_id.is_not(None))))
    added = 0
    for record in records:
        if record["key"] in known:
            continue
        name = record["account"]
        if name not in accounts:
            accounts[name] = imported_account(s, record["platform"], name).id
        earlier = known.get(record["supersedes_key"] or "")
        if earlier in superseded:
            earlier = None
        row = ModerationRow(
            account_id=accounts[name], action=record["action"], author_handle=record["author_handle"],
            text=record["text"], url=record["url"],
            commented_at=_parse_time(record["commented_at"]), acted_at=_parse_time(record["acted_at"]),
            policy_item=record["policy_item"], policy_version=record["policy_version"], reason=record["reason"],
            recorded_by=record["recorded_by"], recorded_at=_parse_time(record["recorded_at"]), supersedes_id=earlier,
        )  # fmt: skip
        s.add(row)
        s.flush()
        if earlier is not None:
            superseded.add(earlier)
        known[record["key"]] = row.id
        added += 1
    return added


def _parse_time(value: str | None) -> Any:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ArchiveError(f"コメントの削除・非表示の記録の日時「{value}」が正しくありません")
    return parsed


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
    """An exclusive OS lock on a file in the backup folder, held for the whole run.

    The OS releases it when the process ends however it ends, so a crashed run never blocks the next
    one and there is no staleness guess. The file stays: deleting it while others may have it open
    would let a second run lock a new file of the same name.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> _Lock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(f"ロックファイル {self.path} を作れません({exc.strerror or exc})") from exc
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise ArchiveError(
                f"別のバックアップが実行中です(ロックファイル {self.path})。終わってから実行してください"
            ) from None
        try:  # who holds it, for a person looking; the lock itself does not depend on the content
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        self._fd = fd
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                _unlock(fd)
            finally:
                os.close(fd)  # releases the lock in any case


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte; may lie beyond the end of the file

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _remove_partials(root: Path) -> None:
    """Delete the half-written packages of runs that crashed (only called while holding the lock)."""
    for child in root.iterdir():
        if _PARTIAL_RE.fullmatch(child.name) and child.is_dir():
            _log.info("中断したバックアップの書きかけを削除します: %s", child)
            shutil.rmtree(child, ignore_errors=True)


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
        raise InvalidInput("残す世代数には 1 以上が必要です。", option="--keep", field="残す世代数")
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"バックアップ先「{root}」を作れません({exc.strerror or exc})") from exc
    with _Lock(root):
        _remove_partials(root)
        earlier = packages_in(root)
        _refuse_empty_database(database, root, earlier)
        stamp = now().astimezone(JST).strftime("%Y%m%d-%H%M%S")
        target = root / f"{PACKAGE_PREFIX}{stamp}"
        suffix = 1
        while target.exists():
            suffix += 1
            target = root / f"{PACKAGE_PREFIX}{stamp}-{suffix}"
        summary = export_backup(
            database, media, target, by=by, progress=progress, reuse=earlier[-1] if earlier else None
        )
        removed: list[Path] = []
        kept = _last_larger(packages_in(root), summary)
        for old in packages_in(root)[:-keep]:
            if old == kept:
                _log.warning("%s は今回より多い投稿を含むため、世代数を超えても残します", old)
                continue
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
        try:
            with database.session() as s:
                audit.append(
                    s,
                    by,
                    AuditAction.BACKUP_RUN,
                    "backup",
                    target.name,
                    {"root": str(root.resolve()), "keep": keep, "removed": [old.name for old in removed]},
                    at=utc_now(),
                )
        except Exception as exc:  # the backup is done; only its note in the audit chain is missing
            _log.warning("定期バックアップの監査記録を書けませんでした: %s", exc)
    return RunResult(summary, removed)


def package_item_count(package: Path) -> int | None:
    """The item count ``bag-info.txt`` of ``package`` states (None when it states none)."""
    value = read_bag_info(package).get(TAG_COUNT, "")
    return int(value) if value.isdigit() else None


def _refuse_empty_database(database: Database, root: Path, earlier: list[Path]) -> None:
    """An empty archive backed up into a folder whose packages hold items is most likely the wrong database
    (a mistyped path, a fresh file): refuse, before retention could delete the real backups."""
    with database.session() as s:
        if s.scalar(select(func.count()).select_from(PostedItemRow)):
            return
    holding = [(p, n) for p in earlier if (n := package_item_count(p))]
    if holding:
        newest, count = holding[-1]
        raise ArchiveError(
            f"データベース「{database.display_name}」には投稿が 1 件もありませんが、バックアップ先「{root}」の"
            f"以前のバックアップ({newest.name})には {count:,} 件あります。"
            "別のデータベースを指定していないか確認してください。バックアップは作成していません",
            "正しいデータベースを --db で指定してください。",
        )


def _last_larger(packages: list[Path], new: PackageSummary) -> Path | None:
    """The newest earlier package holding more items than ``new``: retention never deletes it, so a backup
    that lost items (a wrong or damaged database) cannot push the last good one out."""
    for package in reversed(packages):
        if package != new.path and (package_item_count(package) or 0) > new.item_count:
            return package
    return None
