"""Importing an X export into the Article 6 archive: idempotent, atomic, cancellable."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from sns_desk.core.archive import ArchiveError
from sns_desk.services.archive_import import ImportCancelled, import_export
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, PostedItemRow, PostedMediaRow

PHOTO = b"\x89PNG\r\n\x1a\nnot-really-a-photo"


def _js(name: str, data: Any) -> bytes:
    return f"window.{name} = {json.dumps(data, ensure_ascii=False)}".encode()


def _tweet(post_id: str, text: str, created: str, **extra: Any) -> dict[str, Any]:
    return {"tweet": {"id_str": post_id, "full_text": text, "created_at": created, **extra}}


def make_export(path: Path, posts: list[dict[str, Any]], media: dict[str, bytes] | None = None) -> Path:
    files = {
        "data/account.js": _js("YTD.account.part0", [{"account": {"username": "hh_koho", "accountId": "1"}}]),
        "data/tweets.js": _js("YTD.tweets.part0", posts),
        **{f"data/tweets_media/{name}": data for name, data in (media or {}).items()},
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


FIRST = [
    _tweet("100", "冬のおはなし会を開催します &amp; 参加無料", "Tue Nov 25 01:00:00 +0000 2025"),
    _tweet(
        "101",
        "会場の写真です https://t.co/abc",
        "Wed Nov 26 02:00:00 +0000 2025",
        entities={"media": [{"url": "https://t.co/abc", "expanded_url": "https://x.com/hh_koho/status/101/photo/1"}]},
        extended_entities={"media": [{"url": "https://t.co/abc", "media_url_https": "https://pbs/x/photo.png"}]},
    ),
]


@pytest.fixture
def database(opener: Callable[..., Database], db_url: str, os_user: str) -> Database:
    return opener(db_url)


def _count(database: Database, model: type[Any]) -> int:
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_import_adds_posts_once_and_a_newer_export_only_what_is_new(database: Database, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    export = make_export(tmp_path / "x.zip", FIRST, {"101-photo.png": PHOTO})
    first = import_export(database, media, export)
    assert (first.account, first.added, first.skipped) == ("hh_koho", 2, 0)
    again = import_export(database, media, export)
    assert (again.added, again.skipped) == (0, 2)
    newer = make_export(
        tmp_path / "x2.zip", [*FIRST, _tweet("102", "年末年始のお知らせ", "Thu Nov 27 03:00:00 +0000 2025")]
    )
    assert import_export(database, media, newer).added == 1
    with database.session() as s:
        texts = s.scalars(select(PostedItemRow.text).order_by(PostedItemRow.platform_id)).all()
        account = s.scalar(select(AccountRow).where(AccountRow.name == "hh_koho"))
        (photo,) = s.scalars(select(PostedMediaRow)).all()
    assert texts[0] == "冬のおはなし会を開催します & 参加無料"
    assert account is not None and account.status == "imported"
    assert media.get(photo.sha256) == PHOTO and photo.name.endswith("photo.png")


def test_a_cancelled_import_leaves_the_archive_as_it_was(database: Database, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    with pytest.raises(ImportCancelled):
        import_export(database, media, make_export(tmp_path / "x.zip", FIRST), cancelled=lambda: True)
    assert _count(database, PostedItemRow) == 0 and _count(database, AccountRow) == 0


def test_a_bad_export_writes_nothing(database: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("data/account.js", _js("YTD.account.part0", [{"account": {"username": "hh_koho"}}]))
        z.writestr("data/tweets.js", b"window.YTD.tweets.part0 = [{not json")
    with pytest.raises(ArchiveError):
        import_export(database, MediaStore(tmp_path / "media"), bad)
    assert _count(database, PostedItemRow) == 0


def test_cli_archive_import(tmp_path: Path, os_user: str) -> None:
    export = make_export(tmp_path / "x.zip", FIRST, {"101-photo.png": PHOTO})
    url = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
    env = {**os.environ, "SNS_DESK_CREATE": "1"}  # a new --db file is created only when allowed
    run = [sys.executable, "-m", "sns_desk", "--db", url, "archive", "import"]
    done = subprocess.run([*run, str(export)], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "hh_koho: 2 件を追加、0 件は取り込み済みのため省略" in done.stdout
    again = subprocess.run([*run, str(export)], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert "0 件を追加、2 件は取り込み済み" in again.stdout
    (tmp_path / "junk.zip").write_bytes(b"this is not a zip")
    junk = subprocess.run(
        [*run, str(tmp_path / "junk.zip")], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
    )
    assert junk.returncode == 2 and "Traceback" not in junk.stderr and junk.stderr.strip()


def test_desk_posts_and_export_posts_are_one_record(
    opener: Callable[..., Database], db_url: str, os_user: str, tmp_path: Path
) -> None:
    from sns_desk.core.checker import default_checker
    from sns_desk.core.people import Role
    from sns_desk.services.desk import DeskService

    database = opener(db_url)
    media = MediaStore(tmp_path / "media")
    ops = DeskService(database, default_checker, os_user, media=media)
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    account = ops.add_account("x", "hh_koho", "https://x.com/hh_koho", "広報", "kacho")
    suzuki = DeskService(database, default_checker, "suzuki", media=media)
    kacho = DeskService(database, default_checker, "kacho", media=media)
    posted_at = dt.datetime(2025, 11, 25, 1, 0, tzinfo=dt.UTC)
    for text, url in (("冬のおはなし会を開催します & 参加無料", "https://x.com/hh_koho/status/100"),
                      ("年末年始の窓口のお知らせ", "https://twitter.com/hh_koho/status/102?s=20")):  # fmt: skip
        draft = suzuki.create_draft(account.id, text=text)
        suzuki.submit(draft.id)
        kacho.approve(draft.id)
        suzuki.mark_posted(draft.id, url, posted_at, "KOHO-PC01")
    # An older desk record without the id (before ids were read from URLs) is matched by its URL too.
    with database.session() as s:
        s.execute(update(PostedItemRow).where(PostedItemRow.platform_id == "100").values(platform_id=None))
    result = import_export(database, media, make_export(tmp_path / "x.zip", FIRST))
    assert (result.added, result.skipped) == (1, 1)
    later = make_export(
        tmp_path / "x2.zip", [_tweet("102", "年末年始の窓口のお知らせ", "Thu Nov 27 03:00:00 +0000 2025")]
    )
    assert import_export(database, media, later).added == 0
    with database.session() as s:
        rows = s.execute(select(PostedItemRow.platform_id, PostedItemRow.terminal).order_by(PostedItemRow.platform_id))
        assert rows.all() == [("100", "KOHO-PC01"), ("101", ""), ("102", "KOHO-PC01")]

    # Posted at the desk after the export was imported: the imported record is completed, not doubled.
    draft = suzuki.create_draft(account.id, text="会場の写真です")
    suzuki.submit(draft.id)
    kacho.approve(draft.id)
    suzuki.mark_posted(draft.id, "https://x.com/hh_koho/status/101", posted_at, "KOHO-PC02", "停電のため")
    with database.session() as s:
        (row,) = s.scalars(select(PostedItemRow).where(PostedItemRow.platform_id == "101")).all()
        assert (row.terminal, row.off_terminal_reason, row.draft_id) == ("KOHO-PC02", "停電のため", draft.id)


def test_an_account_of_another_service_is_not_reused(database: Database, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    import_export(database, media, make_export(tmp_path / "x.zip", FIRST))
    csv = tmp_path / "insta.csv"
    csv.write_text("platform,account,text,posted_at\ninstagram,hh_koho,写真です,2025-01-01T09:00:00+09:00\n", "utf-8")
    with pytest.raises(ArchiveError, match="x のアカウント"):
        import_export(database, media, csv)
    assert import_export(database, media, csv, account_name="hh_koho_insta").added == 1


def test_long_ids_and_names_fit(database: Database, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    long_reply = "https://social.example/users/" + "a" * 300 + "/statuses/1"
    csv = tmp_path / "long.csv"
    csv.write_text(
        f"platform,account,id,text,posted_at,reply_to_id\nmastodon,city,{'i' * 200},返信です,2025-01-01T09:00:00+09:00,"
        f"{long_reply}\n",
        encoding="utf-8",
    )
    assert import_export(database, media, csv).added == 1
    too_long = tmp_path / "name.csv"
    too_long.write_text(f"platform,account,text,posted_at\nline,{'n' * 200},本文,2025-01-01T09:00:00+09:00\n", "utf-8")
    with pytest.raises(ArchiveError, match="長すぎます"):
        import_export(database, media, too_long)


def _mastodon_outbox(count: int) -> bytes:
    public = "https://www.w3.org/ns/activitystreams#Public"
    items = [
        {"type": "Create", "to": [public], "object": {"type": "Note", "id": f"https://social.example/statuses/{n}",
         "published": "2025-04-01T00:00:00Z", "content": f"<p>お知らせ {n}</p>"}}
        for n in range(count)
    ]  # fmt: skip
    return json.dumps({"type": "OrderedCollection", "orderedItems": items}, ensure_ascii=False).encode()


@pytest.mark.parametrize("fmt", ["mastodon", "facebook"])
def test_a_meta_or_mastodon_export_broken_after_many_posts_writes_nothing(
    database: Database, tmp_path: Path, fmt: str
) -> None:
    posts = [{"timestamp": 1743465600 + n, "data": [{"post": f"お知らせ {n}"}]} for n in range(1200)]
    if fmt == "mastodon":
        files = {"outbox.json": _mastodon_outbox(1200)[:-40]}  # the download stopped near the end
    else:
        files = {"posts/your_posts_1.json": json.dumps(posts).encode(), "posts/your_posts_2.json": b'[{"timestamp": 1'}
    export = tmp_path / "broken.zip"
    with zipfile.ZipFile(export, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    with pytest.raises(ArchiveError, match="JSON が壊れています"):
        import_export(database, MediaStore(tmp_path / "media"), export, fmt, account_name="city")
    assert _count(database, PostedItemRow) == 0 and _count(database, AccountRow) == 0


def _audit(database: Database) -> list[Any]:
    from sns_desk.storage import audit

    with database.session() as s:
        return list(audit.records(s))


def _audited_imports(database: Database, tmp_path: Path) -> Path:
    media = MediaStore(tmp_path / "media")
    export = make_export(tmp_path / "x.zip", FIRST)
    import_export(database, media, export, by="kacho")
    import_export(database, media, export)  # again: nothing added, still recorded, as the database's login
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("data/tweets.js", b"window.YTD.tweets.part0 = [{not json")
    with pytest.raises(ArchiveError):
        import_export(database, media, bad, by="kacho")
    with pytest.raises(ImportCancelled):
        import_export(database, media, make_export(tmp_path / "x2.zip", FIRST), cancelled=lambda: True)
    return export


def test_every_completed_import_is_in_the_audit_chain(database: Database, tmp_path: Path) -> None:
    from sns_desk.core.audit import AuditAction, verify_chain
    from sns_desk.services.audit import action_label

    export = _audited_imports(database, tmp_path)
    records = _audit(database)  # the failed and the cancelled imports wrote nothing, not even their record
    assert [(r.action, r.actor, r.object_type, r.object_id) for r in records] == [
        (AuditAction.ARCHIVE_IMPORTED, "kacho", "archive", "x.zip"),
        (AuditAction.ARCHIVE_IMPORTED, "tanaka", "archive", "x.zip"),
    ]
    assert records[0].payload == {
        "file": "x.zip",
        "path": str(export.resolve()),
        "format": "auto",
        "platform": "x",
        "accounts": ["hh_koho"],
        "read": 2,
        "added": 2,
        "skipped": 0,
    }
    assert (records[1].payload["added"], records[1].payload["skipped"], records[1].payload["accounts"]) == (
        0,
        2,
        ["hh_koho"],
    )
    assert verify_chain(records).intact
    assert action_label("archive.imported") == "エクスポートをアーカイブに取り込み"


@pytest.mark.postgres
def test_imports_are_audited_on_postgresql(
    opener: Callable[..., Database], pg_url: str, os_user: str, tmp_path: Path
) -> None:
    from sns_desk.core.audit import AuditAction

    database = opener(pg_url)
    _audited_imports(database, tmp_path)
    records = _audit(database)
    assert [(r.action, r.payload["added"], r.payload["skipped"]) for r in records] == [
        (AuditAction.ARCHIVE_IMPORTED, 2, 0),
        (AuditAction.ARCHIVE_IMPORTED, 0, 2),
    ]
    assert records[0].actor == "kacho"  # the schema's owner may name the actor; staff logins get session_user


def test_memory_of_an_import_does_not_grow_with_the_archive(database: Database, tmp_path: Path) -> None:
    import tracemalloc

    from sqlalchemy import insert

    with database.session() as s:
        account = AccountRow(platform="x", name="koho", url="", department="", manager="", status="imported")
        s.add(account)
        s.flush()
        when = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        s.execute(
            insert(PostedItemRow),
            [
                dict(account_id=account.id, platform="x", platform_id=str(10**9 + n), url="", text="t", author="",
                     posted_at=when, source="x-archive", search_text="t", search_chars="t")
                for n in range(60_000)
            ],
        )  # fmt: skip
    media = MediaStore(tmp_path / "media")
    csv = tmp_path / "line.csv"
    csv.write_text("platform,account,text,posted_at\nline,city,本文,2025-01-01 09:00\n", "utf-8")
    import_export(database, media, csv)  # the first import fills the caches of the database layer
    csv.write_text("platform,account,text,posted_at\nline,city,次の本文,2025-01-02 09:00\n", "utf-8")
    tracemalloc.start()
    try:
        assert import_export(database, media, csv).added == 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Loading the archive's 60,000 ids to compare with took 16 MB; asking about the batch's posts takes none.
    assert peak < 4 * 1024**2, f"{peak / 1024**2:.1f} MB"
