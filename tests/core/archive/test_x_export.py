"""Reading synthetic X archives (all posts made up for these tests)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import json
import locale
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pytest

from sns_desk.core.archive import ArchivedPost, ArchiveError, MediaRef, XArchive, read_x_archive, x_export
from sns_desk.core.archive.x_export import parse_x_created_at

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PNG = b"\x89PNG\r\n\x1a\nfake-image-bytes"


def js(global_name: str, data: Any, *, newline: bool = False, bom: bool = False) -> bytes:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    text = f"window.{global_name} = " + ("\n" if newline else "") + body
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def tweet(post_id: str, text: str, created: str, *, wrap: bool = True, **extra: Any) -> dict[str, Any]:
    inner: dict[str, Any] = {"id_str": post_id, "id": post_id, "full_text": text, "created_at": created, **extra}
    return {"tweet": inner} if wrap else inner


LONG_TEXT = "【長文のお知らせ】" + "市民センターの開館時間が変わります。" * 20
LONG_TEXT_2 = "【防災】" + "避難所の場所を確認しておきましょう。" * 20

MODERN: dict[str, bytes] = {
    "data/manifest.js": js(
        "__THAR_CONFIG",
        {
            "userInfo": {"userName": "city_koho"},
            "dataTypes": {
                "tweets": {
                    "files": [
                        {"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0", "count": "3"},
                        {"fileName": "data/tweets-part1.js", "globalName": "YTD.tweets.part1", "count": "2"},
                    ]
                },
                "noteTweet": {"files": [{"fileName": "data/note-tweet.js", "globalName": "YTD.note_tweet.part0"}]},
            },
        },
    ),
    "data/account.js": js(
        "YTD.account.part0",
        [{"account": {"username": "city_koho", "accountId": "42", "accountDisplayName": "市広報"}}],
    ),
    "data/tweets.js": js(
        "YTD.tweets.part0",
        [
            tweet(
                "1001",
                "桜まつり &amp; 花火大会のお知らせ &lt;詳細&gt; https://t.co/abc123 https://t.co/pic999",
                "Tue Apr 01 00:30:00 +0000 2025",
                entities={
                    "urls": [
                        {
                            "url": "https://t.co/abc123",
                            "expanded_url": "https://www.city.example.jp/sakura?a=1&b=2",
                            "display_url": "city.example.jp/sakura?a=1…",
                        }
                    ],
                    "media": [
                        {
                            "url": "https://t.co/pic999",
                            "expanded_url": "https://x.com/city_koho/status/1001/photo/1",
                            "display_url": "pic.x.com/pic999",
                            "media_url_https": "https://pbs.twimg.com/media/Sakura01.png",
                        }
                    ],
                },
                extended_entities={
                    "media": [
                        {
                            "url": "https://t.co/pic999",
                            "expanded_url": "https://x.com/city_koho/status/1001/photo/1",
                            "media_url_https": "https://pbs.twimg.com/media/Sakura01.png",
                        },
                        {
                            "url": "https://t.co/pic999",
                            "expanded_url": "https://x.com/city_koho/status/1001/photo/2",
                            "media_url_https": "https://pbs.twimg.com/media/Hanabi02.png",
                        },
                    ]
                },
            ),
            tweet(
                "1002",
                "@resident_a お問い合わせありがとうございます。",
                "Wed Apr 02 09:05:07 +0900 2025",
                in_reply_to_status_id_str="999",
            ),
            tweet(
                "1003",
                LONG_TEXT[:100] + "…",
                "Thu Apr 03 01:00:00 +0000 2025",
                note_tweet={"note_tweet_id": "5001"},
            ),
        ],
    ),
    "data/tweets-part1.js": js(
        "YTD.tweets.part1",
        [
            tweet(
                "1004", "この投稿を引用します", "Fri Apr 04 02:00:00 +0000 2025", wrap=False, quoted_status_id_str="900"
            ),
            tweet("1005", LONG_TEXT_2[:90] + "...", "Sat Apr 05 03:00:00 +0000 2025", wrap=False),
        ],
        newline=True,
    ),
    "data/note-tweet.js": js(
        "YTD.note_tweet.part0",
        [
            {
                "noteTweet": {
                    "noteTweetId": "5002",
                    "createdAt": "2025-04-05T03:00:01.000Z",
                    "core": {"text": LONG_TEXT_2, "urls": []},
                }
            },
            {
                "noteTweet": {
                    "noteTweetId": "5001",
                    "createdAt": "2025-04-03T01:00:00.000Z",
                    "core": {"text": LONG_TEXT, "urls": []},
                }
            },
        ],
    ),
    "data/tweets_media/1001-Hanabi02.png": PNG + b"2",
    "data/tweets_media/1001-Sakura01.png": PNG + b"1",
}

OLD: dict[str, bytes] = {
    "data/tweet.js": js(
        "YTD.tweet.part0",
        [tweet("2001", "旧形式の投稿です", "Mon Jan 06 12:00:00 +0000 2020")],
        bom=True,
    ),
    "data/tweet-part1.js": js(
        "YTD.tweet.part1",
        [tweet("2002", "旧形式の二つ目", "Sun Dec 31 23:59:59 -0500 2017", wrap=False)],
        newline=True,
    ),
    "data/tweet_media/2001-old.jpg": b"JPEGDATA",
}


def make_zip(path: Path, files: Mapping[str, bytes], *, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(prefix + name, data)
    return path


def make_dir(path: Path, files: Mapping[str, bytes]) -> Path:
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def read_all(path: Path) -> tuple[str, list[ArchivedPost]]:
    with read_x_archive(path) as archive:
        return archive.account, list(archive.posts())


def assert_japanese_error(excinfo: pytest.ExceptionInfo[ArchiveError]) -> str:
    message = excinfo.value.message
    assert message == str(excinfo.value)
    assert JAPANESE.search(message), message
    return message


# ---------------------------------------------------------------------------------------------------------------
# Good archives


@pytest.fixture
def modern_zip(tmp_path: Path) -> Path:
    return make_zip(tmp_path / "twitter-2025.zip", MODERN)


def test_modern_zip_posts(modern_zip: Path) -> None:
    account, posts = read_all(modern_zip)
    assert account == "city_koho"
    assert [p.platform_id for p in posts] == ["1001", "1002", "1003", "1004", "1005"]
    first = posts[0]
    assert first.platform == "x"
    assert first.source == "x-archive"
    assert first.account == "city_koho"
    assert first.url == "https://x.com/city_koho/status/1001"
    assert first.text == (
        "桜まつり & 花火大会のお知らせ <詳細> https://www.city.example.jp/sakura?a=1&b=2 "
        "https://x.com/city_koho/status/1001/photo/1"
    )
    assert first.posted_at == dt.datetime(2025, 4, 1, 0, 30, tzinfo=dt.UTC)
    assert first.posted_at.tzinfo is not None
    assert first.reply_to_id is None and first.quoted_id is None
    assert first.media == (
        MediaRef("Sakura01.png", "data/tweets_media/1001-Sakura01.png"),
        MediaRef("Hanabi02.png", "data/tweets_media/1001-Hanabi02.png"),
    )
    assert posts[1].reply_to_id == "999"
    assert posts[1].posted_at == dt.datetime(2025, 4, 2, 0, 5, 7, tzinfo=dt.UTC)
    assert posts[1].media == ()
    assert posts[3].quoted_id == "900"


def test_long_posts_come_from_note_tweets(modern_zip: Path) -> None:
    _account, posts = read_all(modern_zip)
    by_id = {p.platform_id: p for p in posts}
    assert by_id["1003"].text == LONG_TEXT  # matched by note_tweet id
    assert by_id["1005"].text == LONG_TEXT_2  # matched by prefix and time


def test_media_bytes(modern_zip: Path) -> None:
    with read_x_archive(modern_zip) as archive:
        post = next(iter(archive.posts()))
        assert archive.media_bytes(post.media[0]) == PNG + b"1"
        with pytest.raises(ArchiveError) as excinfo:
            archive.media_bytes(MediaRef("x.png", "data/account.js"))
        assert_japanese_error(excinfo)


def test_extracted_folder_reads_the_same(tmp_path: Path, modern_zip: Path) -> None:
    folder = make_dir(tmp_path / "extracted", MODERN)
    assert read_all(folder) == read_all(modern_zip)
    with read_x_archive(folder) as archive:
        media = next(iter(archive.posts())).media[1]
        assert archive.media_bytes(media) == PNG + b"2"


def test_zip_with_top_level_folder(tmp_path: Path, modern_zip: Path) -> None:
    nested = make_zip(tmp_path / "nested.zip", MODERN, prefix="twitter-2025-04-05-abc/")
    assert read_all(nested) == read_all(modern_zip)


def test_parts_discovered_without_manifest(tmp_path: Path) -> None:
    files = {k: v for k, v in MODERN.items() if k != "data/manifest.js"}
    _account, posts = read_all(make_zip(tmp_path / "a.zip", files))
    assert [p.platform_id for p in posts] == ["1001", "1002", "1003", "1004", "1005"]
    assert posts[2].text == LONG_TEXT


def test_older_generation(tmp_path: Path) -> None:
    account, posts = read_all(make_zip(tmp_path / "old.zip", OLD))
    assert account == ""
    assert [p.platform_id for p in posts] == ["2001", "2002"]
    assert posts[0].url == "https://x.com/i/status/2001"
    assert posts[0].text == "旧形式の投稿です"
    assert posts[0].media == (MediaRef("old.jpg", "data/tweet_media/2001-old.jpg"),)
    assert posts[1].posted_at == dt.datetime(2018, 1, 1, 4, 59, 59, tzinfo=dt.UTC)


def test_posts_stream_one_part_at_a_time(modern_zip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with read_x_archive(modern_zip) as archive:
        read_names: list[str] = []
        original = x_export._iter_array

        def spy(source: x_export.ArchiveSource, name: str) -> Iterator[Any]:
            read_names.append(name)
            return original(source, name)

        monkeypatch.setattr(x_export, "_iter_array", spy)
        stream: Iterator[ArchivedPost] = archive.posts()
        assert next(stream).platform_id == "1001"
        assert "data/tweets-part1.js" not in read_names
        assert len(list(stream)) == 4
        assert read_names[-1] == "data/tweets-part1.js"


def test_archive_is_a_context_manager(modern_zip: Path) -> None:
    archive = read_x_archive(modern_zip)
    assert isinstance(archive, XArchive)
    archive.close()
    with pytest.raises(ArchiveError) as excinfo:
        list(archive.posts())
    assert_japanese_error(excinfo)


# ---------------------------------------------------------------------------------------------------------------
# created_at


def test_created_at_parsing() -> None:
    assert parse_x_created_at("Tue Apr 01 00:30:00 +0000 2025") == dt.datetime(2025, 4, 1, 0, 30, tzinfo=dt.UTC)
    assert parse_x_created_at("Sat Feb 29 23:30:00 -0230 2020") == dt.datetime(2020, 3, 1, 2, 0, tzinfo=dt.UTC)
    assert parse_x_created_at("2025-04-05T03:00:01.000Z") == dt.datetime(2025, 4, 5, 3, 0, 1, tzinfo=dt.UTC)
    for bad in ("Tue Foo 01 00:30:00 +0000 2025", "2025-04-01 00:30:00", "", "Tue Apr 31 00:30:00 +0000 2025"):
        with pytest.raises(ValueError):
            parse_x_created_at(bad)


@pytest.mark.parametrize("name", ["ja_JP.UTF-8", "ja_JP.utf8", "de_DE.UTF-8", "fr_FR.UTF-8"])
def test_created_at_under_other_locale(name: str) -> None:
    saved = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, name)
    except locale.Error:
        pytest.skip(f"locale {name} is not installed")
    try:
        assert parse_x_created_at("Tue Apr 01 00:30:00 +0000 2025") == dt.datetime(2025, 4, 1, 0, 30, tzinfo=dt.UTC)
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def test_created_at_never_uses_strptime(monkeypatch: pytest.MonkeyPatch, modern_zip: Path) -> None:
    source = inspect.getsource(x_export)
    assert "strptime" not in source and "%a" not in source and "%b" not in source

    def forbidden(*args: object, **kwargs: object) -> object:
        raise AssertionError("strptime must not be used")

    strptime_module = importlib.import_module("_strptime")  # what datetime.strptime and time.strptime call
    monkeypatch.setattr(strptime_module, "_strptime_datetime", forbidden)
    monkeypatch.setattr(strptime_module, "_strptime", forbidden)
    _account, posts = read_all(modern_zip)
    assert len(posts) == 5


# ---------------------------------------------------------------------------------------------------------------
# Bad input


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(tmp_path / "nothing.zip")
    assert_japanese_error(excinfo)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "notes.zip"
    path.write_text("これは zip ではありません", encoding="utf-8")
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(path)
    assert "zip" in assert_japanese_error(excinfo)


def test_truncated_zip(tmp_path: Path, modern_zip: Path) -> None:
    data = modern_zip.read_bytes()
    path = tmp_path / "truncated.zip"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(path)
    assert_japanese_error(excinfo)


def test_corrupted_member(tmp_path: Path) -> None:
    path = tmp_path / "crc.zip"
    content = js("YTD.tweets.part0", [tweet("1", "壊れる投稿", "Tue Apr 01 00:30:00 +0000 2025")])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("data/tweets.js", content)
    raw = path.read_bytes()
    path.write_bytes(raw.replace("壊れる".encode(), "壊れた".encode()))
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(path)
    assert "data/tweets.js" in assert_japanese_error(excinfo)


@pytest.mark.parametrize("bad_name", ["../evil.js", "data/../../evil.js", "/etc/evil.js", "C:/evil.js", "..\\evil.js"])
def test_unsafe_entry_names(tmp_path: Path, bad_name: str) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in MODERN.items():
            zf.writestr(name, data)
        zf.writestr(zipfile.ZipInfo(bad_name), b"x")
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(path)
    assert "外" in assert_japanese_error(excinfo)


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    files = dict(MODERN)
    files["data/tweets_media/1001-bomb.bin"] = bytes(x_export.RATIO_CHECK_MIN_BYTES + 1024)
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "bomb.zip", files))
    assert "zip 爆弾" in assert_japanese_error(excinfo)


def test_total_size_limit(tmp_path: Path, modern_zip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(modern_zip, max_total_bytes=1000)
    assert_japanese_error(excinfo)
    monkeypatch.setattr(x_export, "MAX_TOTAL_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(ArchiveError):
        read_x_archive(modern_zip)


def test_invalid_json_names_the_file_and_returns_nothing(tmp_path: Path) -> None:
    files = dict(MODERN)
    files["data/tweets-part1.js"] = b'window.YTD.tweets.part1 = [ {"tweet": {"id_str": "1", '
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "broken.zip", files))
    assert "data/tweets-part1.js" in assert_japanese_error(excinfo)


def test_not_an_x_archive(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "other.zip", {"photos/a.jpg": b"JPEG", "readme.txt": "説明".encode()})
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(path)
    assert "X のアーカイブ" in assert_japanese_error(excinfo)


def test_folder_that_is_not_an_archive(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(tmp_path / "empty")
    assert_japanese_error(excinfo)


@pytest.mark.parametrize("encoding", ["utf-16", "shift_jis"])
def test_non_utf8_file(tmp_path: Path, encoding: str) -> None:
    text = 'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "full_text": "文字化け", ' + (
        '"created_at": "Tue Apr 01 00:30:00 +0000 2025"}}]'
    )
    path = make_zip(tmp_path / "enc.zip", {"data/tweets.js": text.encode(encoding)})
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(path)
    assert "UTF-8" in assert_japanese_error(excinfo)


def test_manifest_listing_a_missing_part(tmp_path: Path) -> None:
    files = {k: v for k, v in MODERN.items() if k != "data/tweets-part1.js"}
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "missing.zip", files))
    assert "data/tweets-part1.js" in assert_japanese_error(excinfo)


def test_part_that_is_not_javascript_assignment(tmp_path: Path) -> None:
    files = {"data/tweets.js": b'[{"tweet": {}}]'}
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "plain.zip", files))
    assert_japanese_error(excinfo)


def test_bad_created_at_is_reported(tmp_path: Path) -> None:
    files = {"data/tweets.js": js("YTD.tweets.part0", [tweet("7", "日時が変", "yesterday")])}
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "date.zip", files))
    assert "yesterday" in assert_japanese_error(excinfo)


def test_a_big_part_is_parsed_as_a_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = [tweet(str(3000 + n), "長い本文" * 200, "Tue Apr 01 00:30:00 +0000 2025") for n in range(3000)]
    folder = tmp_path / "big"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "tweets.js").write_text(
        "window.YTD.tweets.part0 = " + json.dumps(posts, ensure_ascii=False) + ";\n", encoding="utf-8"
    )
    size = (folder / "data" / "tweets.js").stat().st_size
    assert size > 7_000_000
    with read_x_archive(folder) as archive:
        assert archive.total == 3000
        opened: list[io.BufferedReader] = []
        original_open = archive._source.open

        def tracking_open(name: str) -> IO[bytes]:
            stream = original_open(name)
            assert isinstance(stream, io.BufferedReader)
            opened.append(stream)
            return stream

        monkeypatch.setattr(archive._source, "open", tracking_open)
        stream = archive.posts()
        assert next(stream).platform_id == "3000"
        assert opened[0].tell() < size / 3  # only the beginning has been read
        assert sum(1 for _ in stream) == 2999


def test_deeply_nested_json_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    body = "window.YTD.tweets.part0 = " + "[" * 100_000 + "]" * 100_000
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "deep.zip", {"data/tweets.js": body.encode()}))
    assert "入れ子が深すぎます" in assert_japanese_error(excinfo)


def test_a_part_that_is_not_an_array_or_has_an_impossible_date(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "object.zip", {"data/tweets.js": js("YTD.tweets.part0", {"a": 1})}))
    assert "配列ではありません" in assert_japanese_error(excinfo)
    far = [tweet("1", "x", "Mon Jan 01 00:30:00 +0100 0001")]
    with pytest.raises(ArchiveError) as excinfo:
        read_x_archive(make_zip(tmp_path / "far.zip", {"data/tweets.js": js("YTD.tweets.part0", far)}))
    assert_japanese_error(excinfo)


def test_brackets_and_escapes_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    tricky = '[[[[{{{{ \\" ]]]] \\\\' * 40
    posts = [tweet("1", tricky, "Tue Apr 01 00:30:00 +0000 2025")]
    with read_x_archive(make_zip(tmp_path / "tricky.zip", {"data/tweets.js": js("YTD.tweets.part0", posts)})) as a:
        assert [p.text for p in a.posts()] == [tricky]
