"""Full-text search and browsing of the Article 6 archive, behind one interface.

:func:`archive_search` picks the implementation for the database: SQLite uses its FTS5 index with the
trigram tokenizer (``posted_items_fts``), which finds any substring of three or more characters --
what staff expect from a search box in Japanese, where words are not separated by spaces. Shorter
terms (``市``, ``花火`` …) cannot use trigrams and are matched with ``LIKE`` over the normalised text
instead. Other databases (PostgreSQL) use ``LIKE`` over the same normalised column, which a
``pg_trgm`` index speeds up when the extension is available. ``python -m sns_desk.bench search``
compares trigram with a fugashi-tokenised index; the README has the figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.orm import Session

from ..core.archive.search_text import highlight_spans, query_terms
from .database import Database
from .models import SEARCH_INDEX_TABLE, SQLITE_SEARCH_DDL, AccountRow, PostedItemRow, PostedMediaRow

TRIGRAM = 3
_ACCOUNT = AccountRow.id == PostedItemRow.account_id


@dataclasses.dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    """Space-separated terms that must all occur; empty lists everything (the timeline)."""
    account: str | None = None
    platform: str | None = None
    since: dt.datetime | None = None
    """Inclusive, timezone-aware."""
    until: dt.datetime | None = None
    """Exclusive, timezone-aware."""
    limit: int = 100
    offset: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class FoundItem:
    id: int
    account: str
    platform: str
    platform_id: str | None
    url: str
    text: str
    author: str
    posted_at: dt.datetime
    source: str
    terminal: str
    off_terminal_reason: str
    reposted_url: str | None
    media_count: int
    highlights: tuple[tuple[int, int], ...]
    """Where the query's terms are in ``text`` (start, end offsets)."""


@dataclasses.dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[FoundItem]
    total: int
    """How many items match in all (not only on this page)."""


class ArchiveSearch(Protocol):
    def search(self, query: SearchQuery) -> SearchPage: ...


class _BaseSearch:
    def __init__(self, database: Database) -> None:
        self._db = database

    def _term_conditions(self, terms: list[str]) -> list[ColumnElement[bool]]:
        return [PostedItemRow.search_text.like(f"%{_escape_like(term)}%", escape="\\") for term in terms]

    def search(self, query: SearchQuery) -> SearchPage:
        terms = query_terms(query.text)
        conditions: list[ColumnElement[bool]] = self._term_conditions(terms)
        if query.account:
            conditions.append(AccountRow.name == query.account)
        if query.platform:
            conditions.append(PostedItemRow.platform == query.platform)
        if query.since is not None:
            conditions.append(PostedItemRow.posted_at >= query.since)
        if query.until is not None:
            conditions.append(PostedItemRow.posted_at < query.until)
        where = and_(True, *conditions)
        with self._db.session() as s:
            total = s.scalar(select(func.count(PostedItemRow.id)).join(AccountRow, _ACCOUNT).where(where)) or 0
            rows = s.execute(
                select(
                    PostedItemRow.id,
                    AccountRow.name,
                    PostedItemRow.platform,
                    PostedItemRow.platform_id,
                    PostedItemRow.url,
                    PostedItemRow.text,
                    PostedItemRow.author,
                    PostedItemRow.posted_at,
                    PostedItemRow.source,
                    PostedItemRow.terminal,
                    PostedItemRow.off_terminal_reason,
                    PostedItemRow.reposted_url,
                )
                .join(AccountRow, _ACCOUNT)
                .where(where)
                .order_by(PostedItemRow.posted_at.desc(), PostedItemRow.id.desc())
                .limit(query.limit)
                .offset(query.offset)
            ).all()
            media = _media_counts(s, [row[0] for row in rows])
        items = [
            FoundItem(
                id=row[0],
                account=row[1],
                platform=row[2],
                platform_id=row[3],
                url=row[4],
                text=row[5],
                author=row[6],
                posted_at=row[7],
                source=row[8],
                terminal=row[9],
                off_terminal_reason=row[10],
                reposted_url=row[11],
                media_count=media.get(row[0], 0),
                highlights=tuple(highlight_spans(row[5], terms)),
            )
            for row in rows
        ]
        return SearchPage(items, total)


class LikeSearch(_BaseSearch):
    """Substring search with ``LIKE`` over the normalised text: any database (PostgreSQL with pg_trgm)."""


class SqliteTrigramSearch(_BaseSearch):
    """SQLite: terms of three or more characters through the FTS5 trigram index, shorter ones with ``LIKE``."""

    def _term_conditions(self, terms: list[str]) -> list[ColumnElement[bool]]:
        long_terms = [term for term in terms if len(term) >= TRIGRAM]
        short_terms = [term for term in terms if len(term) < TRIGRAM]
        conditions = super()._term_conditions(short_terms)
        if long_terms:
            match = " AND ".join('"' + term.replace('"', '""') + '"' for term in long_terms)
            conditions.append(
                PostedItemRow.id.in_(
                    select(text("rowid"))
                    .select_from(text(SEARCH_INDEX_TABLE))
                    .where(text(f"{SEARCH_INDEX_TABLE} MATCH :match").bindparams(match=match))
                )
            )
        return conditions


@contextmanager
def deferred_indexing(s: Session) -> Iterator[None]:
    """Index the rows inserted inside this block in one statement at its end (SQLite).

    FTS5 indexes a set of rows several times faster in one ``INSERT … SELECT`` than row by row from
    the trigger. The trigger is dropped and recreated inside the caller's transaction: SQLite's DDL is
    transactional, and the write lock taken by the ``DROP`` keeps other writers out until the commit,
    so no row can miss the index. Other databases need nothing here.
    """
    if s.get_bind().dialect.name != "sqlite":
        yield
        return
    s.execute(text("DROP TRIGGER IF EXISTS posted_items_fts_insert"))
    last_id = s.scalar(select(func.max(PostedItemRow.id))) or 0
    yield
    s.execute(
        text(
            f"INSERT INTO {SEARCH_INDEX_TABLE}(rowid, search_text) "
            "SELECT id, search_text FROM posted_items WHERE id > :last"
        ),
        {"last": last_id},
    )
    s.execute(text(SQLITE_SEARCH_DDL[1]))


def archive_search(database: Database) -> ArchiveSearch:
    """The best search for this database."""
    if database.engine.dialect.name == "sqlite":
        return SqliteTrigramSearch(database)
    return LikeSearch(database)


def _media_counts(s: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = s.execute(
        select(PostedMediaRow.item_id, func.count(PostedMediaRow.id))
        .where(PostedMediaRow.item_id.in_(ids))
        .group_by(PostedMediaRow.item_id)
    ).all()
    return {item_id: count for item_id, count in rows}


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
