"""What every archive database can hold: text without U+0000 or lone surrogates, times in UTC in years 1-9999.

An export is read as it is, but a few things in it cannot be stored everywhere: PostgreSQL's ``text`` refuses
U+0000 (SQLite keeps it), a lone surrogate (an escape such as ``\\ud800`` in JSON) is no character at all and
cannot be written as UTF-8 by any database driver, and a time that has no UTC form in years 1-9999
(``0001-01-01T00:00+09:00``) cannot be stored as a UTC timestamp. The import and the backup restore pass every
record through :func:`storable_post` or :func:`storable_item` before writing it, so the archive holds the same
text on SQLite and PostgreSQL and an archive moved from one to the other by a backup compares equal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Final

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchivedPost, ArchiveItem, MediaRef, PackagedMedia

__all__ = ["REPLACEMENT", "storable_item", "storable_post", "storable_text"]

REPLACEMENT: Final = "\ufffd"
"""What stands in for each character no database can hold: U+FFFD REPLACEMENT CHARACTER (�)."""

_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    """``text`` with each U+0000 (NUL) and each lone surrogate replaced by U+FFFD (�); else ``text`` itself.

    Replaced, not removed: the stored text shows that something was there, keeps its length (so the offsets
    of search hits stay right) and is the same on every database.
    """
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(REPLACEMENT, text)


def _optional(text: str | None) -> str | None:
    return None if text is None else storable_text(text)


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ArchiveError(
            f"{what}の投稿日時({value.isoformat()})は、協定世界時(UTC)で西暦 1 年から 9999 年の範囲の外のため"
            "保存できません。"
        ) from None


def storable_post(post: ArchivedPost) -> ArchivedPost:
    """``post`` with every text storable (:func:`storable_text`) and its time in UTC; ``post`` itself when nothing
    changes. Raises :class:`ArchiveError` for a time with no UTC form in years 1-9999."""
    posted_at = _utc(post.posted_at, f"投稿 {storable_text(post.platform_id)} ")
    media = tuple(
        ref if (name := storable_text(ref.name)) is ref.name else MediaRef(name, ref.path_in_archive)
        for ref in post.media
    )
    clean = dataclasses.replace(
        post,
        platform=storable_text(post.platform),
        platform_id=storable_text(post.platform_id),
        account=storable_text(post.account),
        url=storable_text(post.url),
        text=storable_text(post.text),
        posted_at=posted_at,
        reply_to_id=_optional(post.reply_to_id),
        quoted_id=_optional(post.quoted_id),
        media=media,
        source=storable_text(post.source),
        reposted_url=_optional(post.reposted_url),
    )
    return post if clean == post and posted_at.tzinfo is post.posted_at.tzinfo else clean


def storable_item(item: ArchiveItem) -> ArchiveItem:
    """``item`` (from a backup package) with every text storable (:func:`storable_text`); ``item`` itself when
    nothing changes. The key is left as it is: the caller knows how keys are made."""
    media = tuple(
        entry if (name := storable_text(entry.name)) is entry.name else PackagedMedia(entry.sha256, name)
        for entry in item.media
    )
    clean = dataclasses.replace(
        item,
        platform=storable_text(item.platform),
        account=storable_text(item.account),
        platform_id=_optional(item.platform_id),
        url=storable_text(item.url),
        text=storable_text(item.text),
        author=storable_text(item.author),
        posted_at=_utc(item.posted_at, f"「{storable_text(item.key)}」"),
        source=storable_text(item.source),
        terminal=storable_text(item.terminal),
        off_terminal_reason=storable_text(item.off_terminal_reason),
        reply_to_id=_optional(item.reply_to_id),
        quoted_id=_optional(item.quoted_id),
        reposted_url=_optional(item.reposted_url),
        media=media,
    )
    return item if clean == item else clean
