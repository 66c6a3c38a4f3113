"""Platform exports into the Article 6 archive (``posted_items``): idempotent, atomic, cancellable.

Posts are streamed from the export and written in one transaction: a failure or a cancel leaves
the archive exactly as it was, and importing the same export again adds nothing (a post is
known by its platform and the platform's own id). Media go to the content-addressed media store
first; an import that is rolled back leaves at most unreferenced files there, never a record
that points at a missing file. Rows are written in batches and the session is emptied after each,
so memory stays flat however big the export is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..core.accounts import AccountStatus
from ..core.archive import ArchivedPost
from ..core.archive.formats import open_export
from ..core.archive.reader import ExportReader
from ..core.archive.search_text import search_key, spaced
from .database import Database
from .media import MediaStore
from .models import AccountRow, PostedItemRow, PostedMediaRow, utc_now
from .search import deferred_indexing

BATCH = 500

Progress = Callable[[int, int | None], None]
"""``progress(done, total)``; ``total`` is None when the export does not say how many posts it holds."""


class ImportCancelled(Exception):
    """The user stopped the import; nothing was written."""

    def __str__(self) -> str:
        return "取り込みを中止しました。アーカイブは取り込み前のままです"


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
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import a platform export (``fmt`` as ``--format``). Raises ``ArchiveError`` for a bad export."""
    # No separate verifying pass: the import is one transaction, so an export found damaged half-way
    # still leaves the archive as it was, and X's posts are read once instead of twice.
    with open_export(path, fmt, verify=False) as reader:
        return import_reader(database, media, reader, account_name, progress, cancelled)


def import_reader(
    database: Database,
    media: MediaStore,
    reader: ExportReader,
    account_name: str | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import the posts of an opened export in one transaction."""
    forced = (account_name or "").strip()
    added = skipped = seen = 0
    names: list[str] = []
    with database.session() as s:
        accounts: dict[str, int] = {}
        known = {
            (platform, pid) for platform, pid in s.execute(select(PostedItemRow.platform, PostedItemRow.platform_id))
        }
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
                        "name": ref.name,
                    }
                    for post in with_media
                    for ref in post.media
                ]
                s.execute(insert(PostedMediaRow), rows)
            batch.clear()

        with deferred_indexing(s):
            for post in reader.posts():
                seen += 1
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                key = (post.platform, post.platform_id)
                if key in known:
                    skipped += 1
                else:
                    known.add(key)
                    name = forced or post.account or reader.account
                    if not name:
                        raise ValueError("アカウント名が分かりません。--account で指定してください")
                    if name not in accounts:
                        accounts[name] = _account(s, post.platform, name).id
                        names.append(name)
                    batch.append((_item(accounts[name], post), post))
                    added += 1
                    if len(batch) >= BATCH:
                        write_batch()
                if progress is not None and seen % BATCH == 0:
                    progress(seen, reader.total)
            if batch:
                write_batch()
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(seen, reader.total)
    shown = "、".join(names) or forced or reader.account or "(なし)"
    return ImportResult(shown, reader.platform, added, skipped)


def _account(s: Session, platform: str, name: str) -> AccountRow:
    """The registered account of that name, or a new record marked as known from an import."""
    row = s.scalar(select(AccountRow).where(AccountRow.name == name))
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
