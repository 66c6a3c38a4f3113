"""``sns-desk archive import|search``: every format through ``--format auto``, search output."""

from __future__ import annotations

import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from sns_desk.cli import archive as cli_archive
from sns_desk.core.archive import formats
from tests.storage.conftest import pg_url

from .runner import CliResult, sns_desk

__all__ = ["pg_url"]  # the fixture, for the PostgreSQL run


def run(db: str, *args: str) -> CliResult:
    return sns_desk(db, "tanaka", "archive", *args)


def mojibake(text: str) -> str:
    """What Meta's exports write for non-ASCII text: each UTF-8 byte as its own code point."""
    return text.encode("utf-8").decode("latin-1")


def x_export(path: Path) -> Path:
    posts = [
        {"tweet": {"id_str": "1", "full_text": "花火大会を開催します", "created_at": "Sat Aug 02 09:00:00 +0000 2025"}}
    ]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data/account.js", "window.YTD.account.part0 = " + json.dumps([{"account": {"username": "koho"}}]))
        z.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(posts, ensure_ascii=False))
    return path


def facebook_export(path: Path) -> Path:
    posts = [{"timestamp": 1754200000, "data": [{"post": mojibake("市民花火大会の写真です")}]}]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("your_facebook_activity/posts/your_posts_1.json", json.dumps(posts))
    return path


def instagram_export(path: Path) -> Path:
    posts = [{"media": [{"uri": "media/posts/202508/a.jpg", "creation_timestamp": 1754300000,
                         "title": mojibake("花火大会の一枚")}]}]  # fmt: skip
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("your_instagram_activity/content/posts_1.json", json.dumps(posts))
        z.writestr("media/posts/202508/a.jpg", b"\xff\xd8\xff photo")
    return path


def mastodon_export(path: Path) -> Path:
    public = "https://www.w3.org/ns/activitystreams#Public"
    note = {"type": "Note", "id": "https://social.example/users/city/statuses/77", "to": [public],
            "published": "2025-08-04T12:00:00Z", "content": "<p>花火大会は<br>中止です</p>"}  # fmt: skip
    outbox = {"type": "OrderedCollection", "orderedItems": [{"type": "Create", "object": note, "to": [public]}]}
    folder = path.parent / "mastodon"
    folder.mkdir()
    (folder / "outbox.json").write_text(json.dumps(outbox, ensure_ascii=False), encoding="utf-8")
    (folder / "actor.json").write_text(json.dumps({"preferredUsername": "city_social"}), encoding="utf-8")
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder / "outbox.json", "outbox.json")
        tar.add(folder / "actor.json", "actor.json")
    return path


def csv_export(path: Path) -> Path:
    path.write_text(
        "プラットフォーム,アカウント,本文,投稿日時\nline,city_line,花火大会の交通規制のお知らせ,2025/08/05 10:00\n",
        encoding="cp932",
    )
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'archive.db').as_posix()}"


def test_every_format_is_detected_imported_once_and_searchable(tmp_path: Path, db: str) -> None:
    exports = [
        (x_export(tmp_path / "x.zip"), "koho"),
        (facebook_export(tmp_path / "facebook.zip"), "東広島市"),
        (instagram_export(tmp_path / "instagram.zip"), "hh_insta"),
        (mastodon_export(tmp_path / "mastodon.tar.gz"), "city_social"),
        (csv_export(tmp_path / "line.csv"), "city_line"),
    ]
    for path, account in exports:
        args = [str(path)] if account in ("koho", "city_social", "city_line") else [str(path), "--account", account]
        done = run(db, "import", *args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"{account}: 1 件を追加"), done.stdout
        again = run(db, "import", *args)
        assert "0 件を追加、1 件は取り込み済み" in again.stdout
    found = run(db, "search", "花火大会", "--format", "json")
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    assert result["total"] == 5
    assert [item["platform"] for item in result["items"]] == ["line", "mastodon", "instagram", "facebook", "x"]
    assert {item["text"][slice(*item["highlights"][0])] for item in result["items"]} == {"花火大会"}
    assert result["items"][1]["text"] == "花火大会は\n中止です"


def test_search_filters_and_text_output(tmp_path: Path, db: str) -> None:
    assert run(db, "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    assert run(db, "import", str(csv_export(tmp_path / "line.csv"))).returncode == 0
    text = run(db, "search", "花火", "--account", "koho")
    assert text.returncode == 0
    assert "2025-08-02 18:00  koho (x)" in text.stdout  # JST
    assert "《花火》大会を開催します" in text.stdout and "1 件が見つかりました" in text.stdout
    assert "city_line" not in text.stdout
    dated = json.loads(
        run(db, "search", "花火", "--since", "2025-08-03", "--until", "2025-08-05", "--format", "json").stdout
    )
    assert [item["account"] for item in dated["items"]] == ["city_line"]
    none = run(db, "search", "存在しない語")
    assert none.returncode == 0 and "0 件が見つかりました" in none.stdout


def test_bad_input_is_a_japanese_usage_error(tmp_path: Path, db: str) -> None:
    bad_date = run(db, "search", "花火", "--since", "2025/08/03")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    unknown = tmp_path / "notes.txt"
    unknown.write_text("ただのメモ", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "readme.md").write_text("x", encoding="utf-8")
    what = run(db, "import", str(folder))
    assert what.returncode == 2 and "判別できません" in what.stderr and "Traceback" not in what.stderr
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../outside.csv", "text,posted_at\nx,2025-01-01T00:00:00+09:00\n")
    refused = run(db, "import", str(evil))
    assert refused.returncode == 2 and "外を指す" in refused.stderr
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(x_export(tmp_path / "whole.zip").read_bytes()[:-40])
    broken = run(db, "import", str(truncated))
    assert broken.returncode == 2 and "zip" in broken.stderr
    assert json.loads(run(db, "search", "", "--format", "json").stdout)["total"] == 0


def test_cli_formats_match_the_readers() -> None:
    assert cli_archive.FORMATS == formats.FORMATS


def test_progress_line() -> None:
    assert cli_archive.progress_line(50, 200).startswith("[" + "#" * 8 + "." * 22 + "]  25%")
    assert cli_archive.progress_line(3, None) == "取り込み中… 3 件"


def test_a_link_inside_a_tar_is_refused_by_name_and_nothing_is_imported(tmp_path: Path, db: str) -> None:
    export = mastodon_export(tmp_path / "mastodon.tar.gz")
    linked = tmp_path / "linked.tar.gz"
    with tarfile.open(export) as original, tarfile.open(linked, "w:gz") as tar:
        for member in original:
            tar.addfile(member, original.extractfile(member))
        link = tarfile.TarInfo("media_attachments/files/secret.png")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    refused = run(db, "import", str(linked))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "「media_attachments/files/secret.png」(シンボリックリンク)" in refused.stderr
    assert json.loads(run(db, "search", "", "--format", "json").stdout)["total"] == 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'ends.db').as_posix()}"
    return str(request.getfixturevalue("pg_url"))


def test_search_from_0001_01_01_until_9999_12_31(tmp_path: Path, any_db: str) -> None:
    csv = tmp_path / "ends.csv"
    csv.write_text(
        "platform,account,id,text,posted_at\n"
        "line,city,1,最後の投稿,9999-12-31T23:59:59Z\nline,city,2,最初の投稿,0001-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    done = run(any_db, "import", str(csv))
    assert done.returncode == 0, done.stderr
    ends = run(any_db, "search", "投稿", "--since", "0001-01-01", "--until", "9999-12-31")
    assert ends.returncode == 0, ends.stderr
    assert "Traceback" not in ends.stderr
    # Japan time, four-digit years: the last second of 9999 in UTC is already year 10000 in Japan.
    assert ends.stdout.splitlines()[0].startswith("10000-01-01 08:59  city (line)")
    assert ends.stdout.splitlines()[2].startswith("0001-01-01 09:00  city (line)")
    assert "2 件が見つかりました" in ends.stdout
    found = json.loads(run(any_db, "search", "投稿", "--until", "9999-12-31", "--format", "json").stdout)
    assert [item["posted_at"] for item in found["items"]] == ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"]
    early = json.loads(run(any_db, "search", "投稿", "--until", "0001-01-01", "--format", "json").stdout)
    assert [item["text"] for item in early["items"]] == ["最初の投稿"]
    late = json.loads(run(any_db, "search", "投稿", "--since", "9999-12-31", "--format", "json").stdout)
    assert [item["text"] for item in late["items"]] == ["最後の投稿"]


def test_an_import_is_in_the_exported_audit_trail(tmp_path: Path, db: str) -> None:
    assert run(db, "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    exported = tmp_path / "audit.csv"
    assert sns_desk(db, "tanaka", "audit", "export", "--out", str(exported)).returncode == 0
    rows = [row for row in exported.read_text("utf-8-sig").splitlines() if "archive.imported" in row]
    assert len(rows) == 1
    assert "エクスポートをアーカイブに取り込み" in rows[0] and ",tanaka," in rows[0] and "x.zip" in rows[0]
    assert '""added"": 1' in rows[0] and '""platform"": ""x""' in rows[0]
    assert sns_desk(db, "tanaka", "audit", "verify").returncode == 0
