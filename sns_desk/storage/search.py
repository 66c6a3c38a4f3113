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
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import ColumnElement, and_, false, func, select, text
from sqlalchemy.orm import Session

from ..core.archive.search_text import highlight_spans, query_terms
from .database import Database
from .models import (
    CHAR_INDEX_TABLE,
    SEARCH_INDEX_TABLE,
    SEARCH_INDEXES,
    SQLITE_SEARCH_DDL,
    AccountRow,
    PostedItemRow,
    PostedMediaRow,
)

TRIGRAM = 3
COUNT_CAP = 1000
"""Matches are counted exactly up to this many: counting every hit of a common word costs more than the
search itself, and nobody reads past a thousand results."""
_ACCOUNT = AccountRow.id == PostedItemRow.account_id


@dataclasses.dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    """Space-separated terms that must all occur; empty lists everything (the timeline)."""
    account: str | None = None
    platform: str | None = None
    since: dt.datetime | None = None
    """Inclusive, timezone-aware; one before year 1 in UTC (0001-01-01 in Japan) leaves nothing out."""
    until: dt.datetime | None = None
    """Exclusive, timezone-aware; one after year 9999 in UTC leaves nothing out."""
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
    corrects_id: int | None = None
    """The post this one corrects (第9条: 訂正 → 原文)."""
    corrected_by: tuple[int, ...] = ()
    """The posts that correct this one, oldest first (原文 → 訂正); non-empty: 訂正済み."""

    @property
    def corrected(self) -> bool:
        return bool(self.corrected_by)


@dataclasses.dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[FoundItem]
    total: int
    """How many items match in all (not only on this page), counted up to :data:`COUNT_CAP` + 1."""

    @property
    def total_text(self) -> str:
        """``"123 件"``, or ``"1,000 件以上"`` past the cap."""
        if self.total > COUNT_CAP:
            return f"{COUNT_CAP:,} 件以上"
        return f"{self.total:,} 件"


class ArchiveSearch(Protocol):
    def search(self, query: SearchQuery) -> SearchPage: ...


class _BaseSearch:
    def __init__(self, database: Database) -> None:
        self._db = database

    def _term_conditions(self, terms: list[str]) -> list[ColumnElement[bool]]:
        return [PostedItemRow.search_text.like(f"%{_escape_like(term)}%", escape="\\") for term in terms]

    def _plan(self, terms: list[str]) -> tuple[list[ColumnElement[bool]], int | None]:
        """The conditions for ``terms``, and the number of matches when the plan already knows it."""
        return self._term_conditions(terms), None

    def search(self, query: SearchQuery) -> SearchPage:
        terms = query_terms(query.text)
        conditions, known_total = self._plan(terms)
        filtered = bool(query.account or query.platform or query.since or query.until)
        if query.account:
            # By id, so that the planner walks the (account_id, posted_at) index instead of sorting.
            account_id = select(AccountRow.id).where(AccountRow.name == query.account).scalar_subquery()
            conditions.append(PostedItemRow.account_id == account_id)
        if query.platform:
            conditions.append(PostedItemRow.platform == query.platform)
        for bound, is_since in ((query.since, True), (query.until, False)):
            if bound is None:
                continue
            utc = _utc_or_end(bound)
            if isinstance(utc, dt.datetime):
                conditions.append(PostedItemRow.posted_at >= utc if is_since else PostedItemRow.posted_at < utc)
            elif (utc == "before") != is_since:  # since after year 9999 or until before year 1: nothing
                conditions.append(false())
        where = and_(True, *conditions)
        with self._db.session() as s:
            if known_total == 0:
                return SearchPage([], 0)
            if known_total is not None and not filtered:
                total = min(known_total, COUNT_CAP + 1)
            else:
                matching = select(PostedItemRow.id).join(AccountRow, _ACCOUNT).where(where).limit(COUNT_CAP + 1)
                total = s.scalar(select(func.count()).select_from(matching.subquery())) or 0
            # Sort narrow rows (ids) first and fetch the page's columns after: sorting thousands of hits
            # with their text costs several times more.
            page_ids = (
                select(PostedItemRow.id)
                .join(AccountRow, _ACCOUNT)
                .where(where)
                .order_by(PostedItemRow.posted_at.desc(), PostedItemRow.id.desc())
                .limit(query.limit)
                .offset(query.offset)
            )
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
                    PostedItemRow.corrects_id,
                )
                .join(AccountRow, _ACCOUNT)
                .where(PostedItemRow.id.in_(page_ids))
                .order_by(PostedItemRow.posted_at.desc(), PostedItemRow.id.desc())
            ).all()
            media = _media_counts(s, [row[0] for row in rows])
            corrections = _corrections_of(s, [row[0] for row in rows])
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
                corrects_id=row[12],
                corrected_by=corrections.get(row[0], ()),
            )
            for row in rows
        ]
        return SearchPage(items, total)


class LikeSearch(_BaseSearch):
    """Substring search with ``LIKE`` over the normalised text: any database (PostgreSQL with pg_trgm)."""


class SqliteTrigramSearch(_BaseSearch):
    """SQLite: the terms go to the cheaper of two plans.

    The terms an FTS5 index holds -- three or more characters in the trigram index, shorter ones as a
    phrase in the one-token-per-character index -- are first counted there together, which is cheap.
    When few items match, those items are fetched through the index and sorted. When many match,
    sorting them all would cost more than walking the ``posted_at`` index newest first and testing each
    item with ``LIKE``, which reaches the first page (and the count cap) after a short walk. The
    crossover, where both cost about the same, is near ``sqrt(COUNT_CAP * items / 2)`` hits.
    Short terms holding symbols, which no index holds, always use ``LIKE``.
    """

    def _plan(self, terms: list[str]) -> tuple[list[ColumnElement[bool]], int | None]:
        groups: dict[str, list[str]] = {}
        unindexed: list[str] = []
        for term in terms:
            table = _index_for(term)
            if table is None:
                unindexed.append(term)
            else:
                groups.setdefault(table, []).append(term)
        conditions = self._term_conditions(unindexed)
        if not groups:
            return conditions, None
        known_total: int | None = None
        with self._db.session() as s:
            everything = s.scalar(select(func.max(PostedItemRow.id))) or 0  # about the row count, instantly
            crossover = math.sqrt(COUNT_CAP * everything / 2)
            for table, group in groups.items():
                match = " AND ".join(_phrase(term if table == SEARCH_INDEX_TABLE else " ".join(term)) for term in group)
                hits = s.scalar(text(f"SELECT count(*) FROM {table} WHERE {table} MATCH :match"), {"match": match}) or 0
                if hits == 0:
                    return [false()], 0  # a term no item holds: nothing more to ask the database
                if hits <= crossover:
                    conditions.append(_fts_match(table, match))
                    if table == CHAR_INDEX_TABLE:
                        # The character index drops punctuation and spaces, so 「花、火」 holds 花 next to 火:
                        # it only narrows the candidates, LIKE decides.
                        conditions.extend(self._term_conditions(group))
                    elif len(groups) == 1 and not unindexed:
                        known_total = hits  # the trigram index is exact: its count is the answer
                else:
                    conditions.extend(self._term_conditions(group))
        return conditions, known_total


def _index_for(term: str) -> str | None:
    """The FTS5 table that holds ``term``; None when no index does."""
    if len(term) >= TRIGRAM:
        return SEARCH_INDEX_TABLE
    if all(char.isalnum() for char in term):
        return CHAR_INDEX_TABLE
    return None


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_match(table: str, match: str) -> ColumnElement[bool]:
    return PostedItemRow.id.in_(
        select(text("rowid"))
        .select_from(text(table))
        .where(text(f"{table} MATCH :{table}").bindparams(**{table: match}))
    )


@contextmanager
def deferred_indexing(s: Session) -> Iterator[None]:
    """Index the rows inserted inside this block in one statement per index at its end (SQLite).

    FTS5 indexes a set of rows several times faster in one ``INSERT … SELECT`` than row by row from
    the triggers. The insert triggers are dropped and recreated inside the caller's transaction:
    SQLite's DDL is transactional, and the write lock taken by the ``DROP`` keeps other writers out
    until the commit, so no row can miss the index. Other databases need nothing here.
    """
    if s.get_bind().dialect.name != "sqlite":
        yield
        return
    for table, _column in SEARCH_INDEXES:
        s.execute(text(f"DROP TRIGGER IF EXISTS {table}_insert"))
    last_id = s.scalar(select(func.max(PostedItemRow.id))) or 0
    yield
    for table, column in SEARCH_INDEXES:
        s.execute(
            text(f"INSERT INTO {table}(rowid, {column}) SELECT id, {column} FROM posted_items WHERE id > :last"),
            {"last": last_id},
        )
    for statement in SQLITE_SEARCH_DDL:
        if "_insert AFTER INSERT" in statement:
            s.execute(text(statement))


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


def _corrections_of(s: Session, ids: list[int]) -> dict[int, tuple[int, ...]]:
    """For each of ``ids`` that has been corrected (第9条), the ids of its corrections, oldest first."""
    if not ids:
        return {}
    found: dict[int, list[int]] = {}
    for corrected, correction in s.execute(
        select(PostedItemRow.corrects_id, PostedItemRow.id)
        .where(PostedItemRow.corrects_id.in_(ids))
        .order_by(PostedItemRow.posted_at, PostedItemRow.id)
    ).all():
        if corrected is not None:
            found.setdefault(corrected, []).append(correction)
    return {key: tuple(value) for key, value in found.items()}


def _utc_or_end(bound: dt.datetime) -> dt.datetime | str:
    """A search bound in UTC, as the database compares it; ``"before"`` or ``"after"`` when it lies before year 1
    or after year 9999 in UTC (0001-01-01 in Japan is still year 0 in UTC), beyond every time stored."""
    try:
        return bound.astimezone(dt.UTC)
    except OverflowError:
        return "before" if bound.year == 1 else "after"


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
