"""Importing an X export into the Article 6 archive: idempotent, atomic, cancellable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sns_desk.core.archive import ArchiveError
from sns_desk.storage.archive_import import ImportCancelled, import_export
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
    env = {**os.environ}
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
