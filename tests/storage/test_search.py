"""Searching the Article 6 archive: the same behaviour from SQLite's trigram index and from plain LIKE."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, text

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.search_text import highlight_spans, query_terms, search_key
from sns_desk.services.archive_import import import_export
from sns_desk.storage.database import Database, alembic_config, open_database, schema_lock
from sns_desk.storage.engine import make_engine
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, PostedItemRow
from sns_desk.storage.search import LikeSearch, SearchQuery, SqliteTrigramSearch, archive_search, deferred_indexing

JST = dt.timezone(dt.timedelta(hours=9))

POSTS = [
    ("koho", "x", "1", "【お知らせ】中央図書館で冬のおはなし会を開催します", dt.datetime(2025, 12, 1, 10, tzinfo=JST)),
    (
        "koho",
        "x",
        "2",
        "花火大会は雨のため中止します。ＡＢＣホールは通常どおり",
        dt.datetime(2025, 8, 2, 18, tzinfo=JST),
    ),
    ("kanko", "facebook", "3", "市の花火大会の写真を公開しました #東広島市", dt.datetime(2025, 8, 3, 9, tzinfo=JST)),
    ("kanko", "x", "4", "100% 還元キャンペーン_第2弾 のお知らせ", dt.datetime(2024, 4, 1, 9, tzinfo=JST)),
]


def _fill(database: Database) -> None:
    with database.session() as s:
        ids = {}
        for name in ("koho", "kanko"):
            row = AccountRow(platform="x", name=name, url="", department="", manager="", status="active")
            s.add(row)
            s.flush()
            ids[name] = row.id
        for account, platform, pid, body, when in POSTS:
            s.add(
                PostedItemRow(
                    account_id=ids[account],
                    platform=platform,
                    platform_id=pid,
                    url=f"https://example.test/{pid}",
                    text=body,
                    author=account,
                    posted_at=when,
                )
            )


@pytest.fixture(params=["trigram", "like"])
def search(request: pytest.FixtureRequest, opener: Callable[..., Database], db_url: str, os_user: str) -> LikeSearch:
    database = opener(db_url)
    _fill(database)
    return SqliteTrigramSearch(database) if request.param == "trigram" else LikeSearch(database)


def ids(search: LikeSearch, query: SearchQuery) -> list[str | None]:
    return [item.platform_id for item in search.search(query).items]


def test_long_and_short_terms_and_and_semantics(search: LikeSearch) -> None:
    assert ids(search, SearchQuery("花火大会")) == ["3", "2"]  # newest first
    assert ids(search, SearchQuery("花火")) == ["3", "2"]  # two characters: below the trigram size
    assert ids(search, SearchQuery("市")) == ["3"]
    assert ids(search, SearchQuery("花火大会 写真")) == ["3"]
    assert ids(search, SearchQuery("花火大会　中止")) == ["2"]  # full-width space separates terms too
    assert ids(search, SearchQuery("おはなし会 花火")) == []


def test_width_and_case_are_folded(search: LikeSearch) -> None:
    assert ids(search, SearchQuery("abc")) == ["2"]
    assert ids(search, SearchQuery("ＡＢＣホール")) == ["2"]
    assert ids(search, SearchQuery("#東広島市")) == ["3"]


def test_like_wildcards_and_quotes_are_literal(search: LikeSearch) -> None:
    assert ids(search, SearchQuery("100%")) == ["4"]
    assert ids(search, SearchQuery("_第2")) == ["4"]
    assert ids(search, SearchQuery("%")) == ["4"]
    assert ids(search, SearchQuery('"花火')) == []
    assert ids(search, SearchQuery("AND OR")) == []


def test_filters_and_paging(search: LikeSearch) -> None:
    assert ids(search, SearchQuery("", account="kanko")) == ["3", "4"]
    assert ids(search, SearchQuery("", platform="facebook")) == ["3"]
    august = SearchQuery("", since=dt.datetime(2025, 8, 1, tzinfo=JST), until=dt.datetime(2025, 8, 3, tzinfo=JST))
    assert ids(search, august) == ["2"]
    page = search.search(SearchQuery("", limit=2, offset=1))
    assert page.total == 4 and [item.platform_id for item in page.items] == ["3", "2"]


def test_results_carry_highlights_into_the_original_text(search: LikeSearch) -> None:
    (item,) = search.search(SearchQuery("abc 中止")).items
    assert [item.text[start:end] for start, end in item.highlights] == ["中止", "ＡＢＣ"]
    assert item.account == "koho" and item.posted_at == dt.datetime(2025, 8, 2, 9, tzinfo=dt.UTC)


def test_highlight_spans_merge_overlaps_and_cover_expanded_characters() -> None:
    assert highlight_spans("花火大会花火", query_terms("花火 火大")) == [(0, 3), (4, 6)]
    assert highlight_spans("㍻30年", query_terms("平成")) == [(0, 1)]
    assert highlight_spans("anything", []) == []
    assert highlight_spans("ﾃﾞｼﾞﾀﾙ㈱の花火", query_terms("タル 花火")) == [(4, 6), (8, 10)]
    assert highlight_spans("ﾊﾞｽの時刻表", query_terms("バス")) == [(0, 3)]
    assert highlight_spans("Straße", query_terms("STRASSE")) == [(0, 6)]
    assert query_terms("  Ａ  a  ") == ["a"]
    assert search_key("ｶﾀｶﾅ ＡＢＣ") == "カタカナ abc"


def test_index_follows_updates_and_deletes(opener: Callable[..., Database], db_url: str, os_user: str) -> None:
    database = opener(db_url)
    _fill(database)
    search = archive_search(database)
    assert isinstance(search, SqliteTrigramSearch)
    with database.session() as s:
        row = s.query(PostedItemRow).filter_by(platform_id="1").one()
        row.text = "年末年始の窓口案内"
    assert ids(search, SearchQuery("おはなし会")) == []
    assert ids(search, SearchQuery("年末年始")) == ["1"]
    with database.session() as s:
        s.execute(text("DELETE FROM posted_items WHERE platform_id = '1'"))
    assert ids(search, SearchQuery("年末年始")) == []
    with database.session() as s:
        integrity = s.execute(
            text("INSERT INTO posted_items_fts(posted_items_fts, rank) VALUES ('integrity-check', 1)")
        )
        assert integrity is not None  # raises on a corrupt or out-of-step index


def test_deferred_indexing_indexes_bulk_rows_and_restores_the_trigger(
    opener: Callable[..., Database], db_url: str, os_user: str
) -> None:
    database = opener(db_url)
    _fill(database)
    with database.session() as s, deferred_indexing(s):
        s.execute(
            insert(PostedItemRow),
            [
                dict(
                    account_id=1,
                    platform="x",
                    platform_id=str(n),
                    url="",
                    text=f"一括{n}",
                    author="",
                    posted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                    search_text=search_key(f"一括{n}番"),
                )
                for n in range(10, 20)
            ],
        )
    search = archive_search(database)
    assert len(search.search(SearchQuery("一括1")).items) == 10
    _fill_one = PostedItemRow(
        account_id=1,
        platform="x",
        platform_id="99",
        url="",
        text="トリガー復活",
        author="",
        posted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    with database.session() as s:
        s.add(_fill_one)
    assert ids(search, SearchQuery("トリガー復活")) == ["99"]


def test_postgresql_uses_like_search(opener: Callable[..., Database], pg_url: str, os_user: str) -> None:
    database = opener(pg_url)
    _fill(database)
    search = archive_search(database)
    assert isinstance(search, LikeSearch) and not isinstance(search, SqliteTrigramSearch)
    assert ids(search, SearchQuery("花火大会")) == ["3", "2"]
    assert ids(search, SearchQuery("ａｂｃ")) == ["2"]


def test_items_from_before_the_archive_migration_are_found(tmp_path: Path, os_user: str) -> None:
    url = f"sqlite:///{(tmp_path / 'old.db').as_posix()}"
    engine = make_engine(url)
    config = alembic_config()
    with schema_lock(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO accounts (platform, name, url, department, manager, status, created_at) "
                "VALUES ('x', 'koho', '', '', '', 'active', '2025-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO posted_items (account_id, platform, url, text, author, terminal, source, posted_at,"
                " created_at) VALUES (1, 'x', '', '市長の会見 ＡＢＣ', '', '', 'desk', '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00')"
            )
        )
    engine.dispose()
    with open_database(url) as database:
        search = archive_search(database)
        for query in ("市長の会見", "市長", "市", "abc", "ab"):
            assert len(search.search(SearchQuery(query)).items) == 1, query


def test_a_failed_import_keeps_the_search_triggers(
    opener: Callable[..., Database], db_url: str, os_user: str, tmp_path: Path
) -> None:
    database = opener(db_url)
    _fill(database)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as z:
        good = [{"tweet": {"id_str": "77", "full_text": "x", "created_at": "Tue Apr 01 00:30:00 +0000 2025"}}]
        z.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(good)[:-1] + ", {broken")
    with pytest.raises(ArchiveError):
        import_export(database, MediaStore(tmp_path / "media"), broken, account_name="koho")
    with database.session() as s:
        s.add(
            PostedItemRow(
                account_id=1, platform="x", platform_id="500", url="", text="防災訓練のお知らせ", author="",
                posted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            )
        )  # fmt: skip
    assert ids(archive_search(database), SearchQuery("防災訓練")) == ["500"]


def test_missing_search_triggers_are_repaired_on_open(db_url: str, os_user: str) -> None:
    with open_database(db_url) as database:
        _fill(database)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER posted_items_fts_insert")
            connection.execute(
                text(
                    "INSERT INTO posted_items (account_id, platform, platform_id, url, text, author, terminal, source,"
                    " posted_at, created_at, search_text, search_chars) VALUES (1, 'x', '9', '', '', '', '', 'desk',"
                    " '2025-01-01 00:00:00', '2025-01-01 00:00:00', '見落とされた投稿', '見 落 と さ れ た 投 稿')"
                )
            )
    with open_database(db_url) as database:
        assert ids(archive_search(database), SearchQuery("見落とされた")) == ["9"]


def test_two_character_terms_do_not_match_across_punctuation(search: LikeSearch) -> None:
    with search._db.session() as s:
        s.add(
            PostedItemRow(
                account_id=1, platform="x", platform_id="600", url="", text="花、火の用心 東 京へ", author="",
                posted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            )
        )  # fmt: skip
    assert "600" not in ids(search, SearchQuery("花火"))
    assert ids(search, SearchQuery("東京")) == []
    assert ids(search, SearchQuery("用心")) == ["600"]
