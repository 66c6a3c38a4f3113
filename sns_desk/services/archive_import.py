"""Platform exports into the Article 6 archive (``posted_items``): idempotent, atomic, cancellable.

Posts are streamed from the export and written in one transaction: a failure or a cancel leaves
the archive exactly as it was, and importing the same export again adds nothing (a post is
known by its platform and the platform's own id). Each import that completes appends an
``archive.imported`` record to the audit chain in the same transaction: who, which file, the
platform, the accounts and how many posts were read, added and skipped. Media go to the
content-addressed media store first; an import that is rolled back leaves at most unreferenced
files there, never a record that points at a missing file. Posts are decided and written in
batches of :data:`BATCH`, asking the archive which of each batch it already holds, so memory
stays flat however big the export or the archive is.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.accounts import AccountStatus
from ..core.archive import ArchivedPost, ArchiveError
from ..core.archive.formats import open_export
from ..core.archive.reader import ExportReader
from ..core.archive.search_text import search_key, spaced
from ..core.archive.storable import storable_post, storable_text
from ..core.audit import AuditAction
from ..core.errors import Cancelled, InvalidInput
from ..core.progress import CancelCheck, Progress, check_cancel
from ..storage import audit
from ..storage.database import Database, begin_transaction
from ..storage.errors import StorageError
from ..storage.media import MediaStore
from ..storage.models import AccountRow, PostedItemRow, PostedMediaRow, utc_now
from ..storage.search import deferred_indexing

BATCH = 500
MAX_ACCOUNT_NAME = 150
MAX_MEDIA_NAME = 255


class ImportCancelled(Cancelled):
    """The user stopped an import or a restore; nothing was written."""

    def __init__(self) -> None:
        super().__init__("取り込みを中止しました。アーカイブは取り込み前のままです")


class AccountNameNeeded(InvalidInput):
    """The export does not say whose posts it holds; the front end asks for the account's name."""

    def __init__(self) -> None:
        super().__init__("アカウント名が分かりません。", option="--account", field="アカウント名", retry="取り込んで")


@dataclasses.dataclass(frozen=True, slots=True)
class ImportResult:
    account: str
    """The account name, or the names joined with "、" when a CSV held several."""
    platform: str
    added: int
    skipped: int


_PROFILE_URLS = {"x": "https://x.com/{}", "instagram": "https://www.instagram.com/{}/"}


def import_export(
    database: Database,
    media: MediaStore,
    path: Path,
    fmt: str = "auto",
    account_name: str | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    *,
    by: str | None = None,
) -> ImportResult:
    """Import a platform export (``fmt`` as ``--format``). Raises ``ArchiveError`` for a bad export.

    The import is recorded in the audit chain (``by``, else the database's login) with the file's name.
    """
    path = Path(path)
    # No separate verifying pass: the import is one transaction, so an export found damaged half-way
    # still leaves the archive as it was, and X's posts are read once instead of twice.
    with open_export(path, fmt, verify=False) as reader:
        try:
            return import_reader(
                database, media, reader, account_name, progress, cancelled, by=by, source=path, fmt=fmt
            )
        except IntegrityError as exc:
            # Two terminals importing the same export at once into a shared (PostgreSQL) archive.
            raise StorageError(
                "同じ投稿を別の端末が同時に取り込んだため、この取り込みは取り消しました。"
                "もう一度取り込んでください(取り込み済みの投稿は省略されます)"
            ) from exc


def import_reader(
    database: Database,
    media: MediaStore,
    reader: ExportReader,
    account_name: str | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    *,
    by: str | None = None,
    source: Path | None = None,
    fmt: str = "auto",
) -> ImportResult:
    """Import the posts of an opened export in one transaction, audited as ``by`` (else the database's login);
    ``source`` and ``fmt`` are what was opened, for the audit record."""
    forced = (account_name or "").strip()
    added = skipped = seen = 0
    names: list[str] = []
    with database.session() as s:
        begin_transaction(s, write=True)  # the trigger dance below must be inside one transaction
        accounts: dict[str, int] = {}
        desk = _desk_records(s)
        pending: list[ArchivedPost] = []
        batch: list[tuple[dict[str, Any], ArchivedPost]] = []

        def write_batch() -> None:
            # Core executemany: an order of magnitude faster than ORM objects for tens of thousands of rows.
            s.execute(insert(PostedItemRow), [values for values, _post in batch])
            with_media = [post for _values, post in batch if post.media]
            if with_media:
                ids = _ids_of(s, with_media)
                rows = [
                    {
                        "item_id": ids[(post.platform, post.platform_id)],
                        "sha256": media.put(reader.media_bytes(ref)),
                        "name": _media_name(ref.name),
                    }
                    for post in with_media
                    for ref in post.media
                ]
                s.execute(insert(PostedMediaRow), rows)
            batch.clear()

        def settle() -> None:
            """Add the pending posts the archive does not hold yet, asking it about just these: nothing grows with
            the archive or the export (the readers skip an export's repeated posts themselves). The rows of the
            earlier batches are already written in this transaction, so they count as held."""
            nonlocal added, skipped
            held = _held_keys(s, pending)
            for post in pending:
                key = (post.platform, post.platform_id)
                if key in held:
                    skipped += 1
                elif key in desk:
                    # Posted from the desk and recorded there without the platform's id: the same post,
                    # whose desk record (terminal, 第5条 reason, images) is kept and now gets the id.
                    s.execute(update(PostedItemRow).where(PostedItemRow.id == desk.pop(key)).values(platform_id=key[1]))
                    held.add(key)
                    skipped += 1
                else:
                    held.add(key)
                    name = forced or post.account or reader_account
                    if not name:
                        raise AccountNameNeeded()
                    if len(name) > MAX_ACCOUNT_NAME:
                        raise ArchiveError(f"アカウント名「{name[:40]}…」が長すぎます({MAX_ACCOUNT_NAME} 文字まで)")
                    if name not in accounts:
                        accounts[name] = imported_account(s, post.platform, name).id
                        names.append(name)
                    batch.append((_item(accounts[name], post), post))
                    added += 1
            pending.clear()
            if batch:
                write_batch()

        reader_account = storable_text(reader.account)
        with deferred_indexing(s):
            for read in reader.posts():
                pending.append(storable_post(read))  # NUL → U+FFFD (PostgreSQL text cannot hold it), time in UTC
                seen += 1
                check_cancel(cancelled, ImportCancelled)
                if len(pending) >= BATCH:
                    settle()
                if progress is not None and seen % BATCH == 0:
                    progress(seen, reader.total)
            settle()
        check_cancel(cancelled, ImportCancelled)
        shown = "、".join(names) or forced or reader_account or "(なし)"
        file_name = source.name if source is not None else ""
        audit.append(
            s,
            by or database.login(),
            AuditAction.ARCHIVE_IMPORTED,
            "archive",
            file_name or reader.platform,
            {
                "file": file_name,
                "path": str(source.resolve()) if source is not None else "",
                "format": fmt,
                "platform": reader.platform,
                "accounts": names or ([shown] if shown != "(なし)" else []),
                "read": seen,
                "added": added,
                "skipped": skipped,
            },
            at=utc_now(),
        )
        if progress is not None:
            progress(seen, reader.total)
    return ImportResult(shown, reader.platform, added, skipped)


def imported_account(s: Session, platform: str, name: str) -> AccountRow:
    """The registered account of that name, or a new record marked as known from an import."""
    row = s.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is not None and row.platform != platform:
        # Cities use one handle on every service; posts must not land on another service's account.
        raise ArchiveError(
            f"アカウント「{name}」は {row.platform} のアカウントとして登録されています。"
            f"{platform} の投稿を取り込むには、取り込み先のアカウント名を別に指定してください"
            "(コマンドでは --account、画面では「アカウント名」)"
        )
    if row is None:
        row = AccountRow(
            platform=platform,
            name=name,
            url=_PROFILE_URLS.get(platform, "").format(name),
            department="",
            manager="",
            status=AccountStatus.IMPORTED.value,
            created_at=utc_now(),
        )
        s.add(row)
        s.flush()
    return row


_STATUS_ID_RE = re.compile(r"/(?:status|statuses|@[^/?#]+)/([0-9]+)/?(?:[?#].*)?$")


def platform_id_from_url(platform: str, url: str) -> str | None:
    """The platform's own post id in a post's address, where the platform shows it (X, Mastodon)."""
    if platform not in ("x", "mastodon"):
        return None
    match = _STATUS_ID_RE.search(url.strip())
    return match.group(1) if match is not None else None


def _desk_records(s: Session) -> dict[tuple[str, str], int]:
    """Desk records without a platform id, by the id their URL shows."""
    found: dict[tuple[str, str], int] = {}
    for row_id, platform, url in s.execute(
        select(PostedItemRow.id, PostedItemRow.platform, PostedItemRow.url).where(PostedItemRow.platform_id.is_(None))
    ):
        pid = platform_id_from_url(platform, url)
        if pid is not None:
            found.setdefault((platform, pid), row_id)
    return found


def _media_name(name: str) -> str:
    """At most 255 characters, keeping the extension."""
    if len(name) <= MAX_MEDIA_NAME:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        return stem[: MAX_MEDIA_NAME - len(ext) - 1] + "." + ext
    return name[:MAX_MEDIA_NAME]


def _held_keys(s: Session, posts: list[ArchivedPost]) -> set[tuple[str, str]]:
    """The (platform, platform id) of ``posts`` that the archive already holds (one query per platform)."""
    held: set[tuple[str, str]] = set()
    for platform in {post.platform for post in posts}:
        wanted = list({post.platform_id for post in posts if post.platform == platform})
        found = s.scalars(
            select(PostedItemRow.platform_id).where(
                PostedItemRow.platform == platform, PostedItemRow.platform_id.in_(wanted)
            )
        )
        held.update((platform, pid) for pid in found if pid is not None)
    return held


def _ids_of(s: Session, posts: list[ArchivedPost]) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for platform in {post.platform for post in posts}:
        wanted = [post.platform_id for post in posts if post.platform == platform]
        found = s.execute(
            select(PostedItemRow.platform_id, PostedItemRow.id).where(
                PostedItemRow.platform == platform, PostedItemRow.platform_id.in_(wanted)
            )
        )
        ids.update({(platform, pid): item_id for pid, item_id in found if pid is not None})
    return ids


def _item(account_id: int, post: ArchivedPost) -> dict[str, Any]:
    """The row of a post; the search columns are set here because Core inserts skip the ORM event."""
    key = search_key(post.text)
    return dict(
        account_id=account_id,
        draft_id=None,
        platform=post.platform,
        platform_id=post.platform_id,
        url=post.url,
        text=post.text,
        author=post.account,
        terminal="",
        reply_to_id=post.reply_to_id,
        quoted_id=post.quoted_id,
        reposted_url=post.reposted_url,
        source=post.source,
        posted_at=post.posted_at,
        created_at=utc_now(),
        off_terminal_reason="",
        search_text=key,
        search_chars=spaced(key),
    )
