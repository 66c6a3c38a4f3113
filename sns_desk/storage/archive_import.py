"""Platform exports into the Article 6 archive (``posted_items``): idempotent, atomic, cancellable.

Posts are streamed from the export and written in one transaction: a failure or a cancel leaves
the archive exactly as it was, and importing the same export again adds nothing (a post is
known by its platform and the platform's own id). Media go to the content-addressed media store
first; an import that is rolled back leaves at most unreferenced files there, never a record
that points at a missing file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.accounts import AccountStatus
from ..core.archive import ArchivedPost, read_x_archive
from .database import Database
from .media import MediaStore
from .models import AccountRow, PostedItemRow, PostedMediaRow, utc_now

FLUSH_EVERY = 500


class ImportCancelled(Exception):
    """The user stopped the import; nothing was written."""

    def __str__(self) -> str:
        return "取り込みを中止しました。アーカイブは取り込み前のままです"


@dataclasses.dataclass(frozen=True, slots=True)
class ImportResult:
    account: str
    added: int
    skipped: int


def import_x_archive(
    database: Database,
    media: MediaStore,
    path: Path,
    account_name: str | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import an X account archive (zip or folder). Raises ``ArchiveError`` for a bad export."""
    with read_x_archive(path) as archive:
        name = (account_name or archive.account or "").strip()
        if not name:
            raise ValueError("アカウント名が分かりません。--account で指定してください")
        added = skipped = seen = 0
        with database.session() as s:
            account = _account(s, "x", name)
            known = set(s.scalars(select(PostedItemRow.platform_id).where(PostedItemRow.platform == "x")).all())
            for post in archive.posts():
                seen += 1
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if post.platform_id in known:
                    skipped += 1
                else:
                    known.add(post.platform_id)
                    item = _item(account.id, post)
                    s.add(item)
                    s.flush()
                    for ref in post.media:
                        digest = media.put(archive.media_bytes(ref))
                        s.add(PostedMediaRow(item_id=item.id, sha256=digest, name=ref.name))
                    added += 1
                if seen % FLUSH_EVERY == 0:
                    s.flush()
                    s.expunge_all()  # keep memory flat on large archives
                    if progress is not None:
                        progress(seen)
            if progress is not None:
                progress(seen)
        return ImportResult(name, added, skipped)


def _account(s: Session, platform: str, name: str) -> AccountRow:
    """The registered account of that name, or a new record marked as known from an import."""
    row = s.scalar(select(AccountRow).where(AccountRow.name == name))
    if row is None:
        row = AccountRow(
            platform=platform,
            name=name,
            url=f"https://x.com/{name}" if platform == "x" else "",
            department="",
            manager="",
            status=AccountStatus.IMPORTED.value,
            created_at=utc_now(),
        )
        s.add(row)
        s.flush()
    return row


def _item(account_id: int, post: ArchivedPost) -> PostedItemRow:
    return PostedItemRow(
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
        source=post.source,
        posted_at=post.posted_at,
        created_at=utc_now(),
    )
