"""The archive at its edges, on SQLite and PostgreSQL: posts dated at the ends of the calendar, and text holding
U+0000 (which PostgreSQL's text cannot store) or a lone surrogate, through the import and the backup restore."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, select

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.storable import REPLACEMENT, storable_text
from sns_desk.core.jst import JST
from sns_desk.services.archive_import import import_export
from sns_desk.services.backups import RestoreResult, export_backup, restore_backup
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, PostedItemRow
from sns_desk.storage.search import SearchQuery, archive_search

LAST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
FIRST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, opener: Callable[..., Database], tmp_path: Path, os_user: str) -> Database:
    if request.param == "sqlite":
        return opener(f"sqlite:///{(tmp_path / 'archive.db').as_posix()}")
    return opener(request.getfixturevalue("pg_url"))


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _note(status: int, published: str, content: str) -> dict[str, Any]:
    return {"type": "Create", "to": [PUBLIC], "object": {"type": "Note", "to": [PUBLIC], "published": published,
            "id": f"https://social.example/users/city/statuses/{status}", "content": content}}  # fmt: skip


def _exports(tmp_path: Path) -> list[tuple[Path, str]]:
    """One export per format, each with a post at 9999-12-31T23:59:59Z and one at 0001-01-01T00:00:00Z."""
    tweets = [
        {"tweet": {"id_str": str(n), "full_text": f"X の端 {n}", "created_at": created}}
        for n, created in ((1, "Fri Dec 31 23:59:59 +0000 9999"), (2, "Mon Jan 01 00:00:00 +0000 0001"))
    ]
    outbox = {"orderedItems": [_note(1, "9999-12-31T23:59:59Z", "<p>Mastodon の端 1</p>"),
                               _note(2, "0001-01-01T00:00:00+00:00", "<p>Mastodon の端 2</p>")]}  # fmt: skip
    facebook = [{"timestamp": int(when.timestamp()), "data": [{"post": f"Facebook の端 {n}"}]}
                for n, when in ((1, LAST), (2, FIRST))]  # fmt: skip
    csv = tmp_path / "line.csv"
    csv.write_text(
        "platform,account,id,text,posted_at\n"
        "line,city_line,1,LINE の端 1,9999-12-31T23:59:59Z\nline,city_line,2,LINE の端 2,0001-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    return [
        (_zip(tmp_path / "x.zip", {"data/tweets.js": "window.YTD.tweets.part0 = " + json.dumps(tweets)}), "city_x"),
        (_zip(tmp_path / "mastodon.zip", {"outbox.json": json.dumps(outbox)}), "city_social"),
        (_zip(tmp_path / "facebook.zip", {"posts/your_posts_1.json": json.dumps(facebook)}), "city_fb"),
        (csv, "city_line"),
    ]


def _found(database: Database, **bounds: dt.datetime | None) -> list[str]:
    page = archive_search(database).search(SearchQuery("の端", limit=100, **bounds))
    return sorted(item.text for item in page.items)


def test_posts_at_the_ends_of_the_calendar_import_and_are_found(database: Database, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    for export, account in _exports(tmp_path):
        assert import_export(database, media, export, account_name=account).added == 2
    with database.session() as s:
        times = sorted(s.scalars(select(PostedItemRow.posted_at)))
    assert times == [FIRST] * 4 + [LAST] * 4
    everything = _found(database)
    assert len(everything) == 8
    # 0001-01-01 in Japan starts before year 1 in UTC, 9999-12-31 ends in year 10000 in Japan: no overflow.
    assert _found(database, since=dt.datetime(1, 1, 1, tzinfo=JST)) == everything
    assert _found(database, until=dt.datetime(9999, 12, 31, tzinfo=JST)) == sorted(t for t in everything if "2" in t)
    assert _found(database, since=dt.datetime(9999, 12, 31, tzinfo=JST)) == sorted(t for t in everything if "1" in t)
    assert _found(database, until=dt.datetime(1, 1, 1, tzinfo=JST)) == []  # before every time there is
    assert _found(database, since=dt.datetime(9999, 12, 31, 20, tzinfo=dt.timezone(-dt.timedelta(hours=5)))) == []


def test_a_time_with_no_utc_in_years_1_to_9999_is_named_and_nothing_is_imported(
    database: Database, tmp_path: Path
) -> None:
    csv = tmp_path / "early.csv"
    csv.write_text(
        "platform,account,text,posted_at\nline,city,ok,2025-01-01 09:00\nline,city,早すぎ,0001-01-01 00:00\n"
    )
    with pytest.raises(ArchiveError) as excinfo:
        import_export(database, MediaStore(tmp_path / "media"), csv)
    assert "3 行目" in excinfo.value.message and "西暦 1 年から 9999 年" in excinfo.value.message
    with database.session() as s:
        assert s.scalars(select(PostedItemRow)).all() == []


@pytest.mark.postgres
def test_a_postgresql_server_in_japan_time_reads_the_last_second_of_9999(
    opener: Callable[..., Database], pg_url: str, os_user: str, tmp_path: Path
) -> None:
    url = make_url(pg_url)
    tokyo = url.update_query_dict({"options": f"{url.query['options']} -c TimeZone=Asia/Tokyo"})
    database = opener(tokyo.render_as_string(hide_password=False))  # as initdb sets it up on a Japanese server
    export, account = _exports(tmp_path)[0]
    import_export(database, MediaStore(tmp_path / "media"), export, account_name=account)
    assert [item.posted_at for item in archive_search(database).search(SearchQuery("")).items] == [LAST, FIRST]


# --- U+0000 and lone surrogates -------------------------------------------------------------------------------


def test_storable_text_replaces_what_no_database_holds() -> None:
    assert storable_text("a\x00b\ud800c") == f"a{REPLACEMENT}b{REPLACEMENT}c"
    same = "東広島市 \u3000 😀"
    assert storable_text(same) is same


def test_posts_holding_nul_and_lone_surrogates_import_and_import_again(database: Database, tmp_path: Path) -> None:
    outbox = {"orderedItems": [_note(7, "2025-04-01T00:00:00Z", "<p>前\u0000後</p>")]}
    facebook = [{"timestamp": 1743465600, "data": [{"post": "停電\u0000のお知らせ"}]}]
    mastodon = _zip(
        tmp_path / "m.zip",
        {"outbox.json": json.dumps(outbox), "actor.json": json.dumps({"preferredUsername": "city\ud800"})},
    )
    fb = _zip(tmp_path / "fb.zip", {"posts/your_posts_1.json": json.dumps(facebook)})
    media = MediaStore(tmp_path / "media")
    assert import_export(database, media, mastodon).added == 1
    assert import_export(database, media, fb, account_name="city_fb").added == 1
    assert (import_export(database, media, mastodon).skipped, import_export(database, media, fb).skipped) == (1, 1)
    with database.session() as s:
        rows = s.execute(select(PostedItemRow.text, AccountRow.name).join(AccountRow)).all()
    assert sorted(rows) == [(f"停電{REPLACEMENT}のお知らせ", "city_fb"), (f"前{REPLACEMENT}後", f"city{REPLACEMENT}")]
    assert [item.text for item in archive_search(database).search(SearchQuery("のお知らせ")).items] == [
        f"停電{REPLACEMENT}のお知らせ"
    ]


def _sqlite_with_nul(opener: Callable[..., Database], tmp_path: Path) -> Database:
    """An SQLite archive holding U+0000, as one imported before this was handled (SQLite keeps it)."""
    source = opener(f"sqlite:///{(tmp_path / 'old.db').as_posix()}")
    with source.session() as s:
        account = AccountRow(platform="x", name="koho", url="", department="", manager="", status="imported")
        s.add(account)
        s.flush()
        january = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        s.add_all(
            [
                PostedItemRow(account_id=account.id, platform="x", platform_id="5", url="https://x.com/koho/status/5",
                              text="断水\x00のお知らせ", author="koho", posted_at=january),
                PostedItemRow(account_id=account.id, platform="x", platform_id=None, url="", text="窓口\x00の案内",
                              author="koho", posted_at=january + dt.timedelta(days=1), terminal="PC\x0001"),
            ]
        )  # fmt: skip
    return source


def test_a_package_holding_nul_restores_and_restores_again(
    database: Database, opener: Callable[..., Database], tmp_path: Path
) -> None:
    media = MediaStore(tmp_path / "media")
    source = _sqlite_with_nul(opener, tmp_path)
    export_backup(source, media, tmp_path / "bag", by="kacho")
    assert restore_backup(database, media, tmp_path / "bag", by="kacho") == RestoreResult(2, 0)
    assert restore_backup(database, media, tmp_path / "bag", by="kacho") == RestoreResult(0, 2)  # same keys
    with database.session() as s:
        stored = sorted(s.execute(select(PostedItemRow.text, PostedItemRow.terminal)).all())
    assert stored == [(f"断水{REPLACEMENT}のお知らせ", ""), (f"窓口{REPLACEMENT}の案内", f"PC{REPLACEMENT}01")]
    # Back into the SQLite archive it came from: the items are known there, with or without the NUL.
    assert restore_backup(source, media, tmp_path / "bag", by="kacho") == RestoreResult(0, 2)
    export_backup(database, media, tmp_path / "bag2", by="kacho")
    assert restore_backup(database, media, tmp_path / "bag2", by="kacho") == RestoreResult(0, 2)
