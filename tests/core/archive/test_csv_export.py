"""Reading synthetic CSV spreadsheets of posts (all posts made up for these tests)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from sns_desk.core.archive import csv_export
from sns_desk.core.archive.csv_export import (
    CSV_COLUMNS,
    CsvExport,
    looks_like_csv,
    parse_csv_posted_at,
    read_csv_export,
)
from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.sources import open_source

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
JST = dt.timezone(dt.timedelta(hours=9))
PNG = b"\x89PNG\r\n\x1a\nfake-csv-image"
JPG = b"\xff\xd8\xff\xe0fake-jpeg"

ENGLISH_HEADER = ["platform", "account", "id", "url", "text", "posted_at", "author", "reply_to_id", "media"]
JAPANESE_HEADER = ["媒体", "アカウント", "投稿ID", "URL", "本文", "投稿日時", "投稿者", "返信先ID", "メディア"]

ROWS: list[list[str]] = [
    [
        "LINE",
        "@city_line",
        "L-1",
        "https://line.example/1",
        "桜まつりのお知らせ\n会場: 中央公園",
        "2025-04-01T09:30:00+09:00",
        "広報課",
        "",
        "",
    ],
    ["line", "city_line", "L-2", "", "ごみ収集日の変更", "2025/04/02 9:05", "", "L-1", ""],
    ["LINE", "city_line", "", "", "IDなしの投稿", "2025-04-03 18:00", "", "", ""],
]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_bytes(
    header: Sequence[str] = ENGLISH_HEADER, rows: Sequence[Sequence[str]] = ROWS, encoding: str = "utf-8"
) -> bytes:
    return csv_text(header, rows).encode(encoding)


def write_file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_folder(root: Path, files: Mapping[str, bytes]) -> Path:
    for name, data in files.items():
        write_file(root / name, data)
    return root


def write_zip(path: Path, files: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def write_tar(path: Path, files: Mapping[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def read_path(path: Path, platform: str | None = None) -> CsvExport:
    return read_csv_export(open_source(path), platform=platform)


def read_bytes(tmp_path: Path, data: bytes, platform: str | None = None) -> list[ArchivedPost]:
    with read_path(write_file(tmp_path / "posts.csv", data), platform) as export:
        return list(export.posts())


def error_of(tmp_path: Path, data: bytes, platform: str | None = None) -> str:
    with pytest.raises(ArchiveError) as caught:
        read_path(write_file(tmp_path / "posts.csv", data), platform)
    message = caught.value.message
    assert JAPANESE.search(message), message
    return message


# --------------------------------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    with read_path(write_file(tmp_path / "posts.csv", csv_bytes(encoding=encoding))) as export:
        posts = list(export.posts())
        assert export.encoding == ("cp932" if encoding == "cp932" else "utf-8-sig")
    assert [post.text for post in posts] == ["桜まつりのお知らせ\n会場: 中央公園", "ごみ収集日の変更", "IDなしの投稿"]
    assert posts[0].platform == "line"  # the BOM did not end up in the first column name


def test_cp932_written_by_python(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    with open(path, "w", encoding="cp932", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(JAPANESE_HEADER)
        writer.writerow(["Threads", "city", "T-1", "", "①丸数字と髙の字", "2025/4/1 9:30", "", "", ""])
    with read_path(path) as export:
        (post,) = export.posts()
    assert post.text == "①丸数字と髙の字"
    assert post.platform == "threads"


@pytest.mark.parametrize(
    "data",
    [
        csv_text(ENGLISH_HEADER, ROWS).encode("utf-16"),
        csv_bytes()[:-10] + b"\x81\x20\x81\x20\r\n",  # neither UTF-8 nor CP932
    ],
    ids=["utf-16", "garbage"],
)
def test_undecodable_file(tmp_path: Path, data: bytes) -> None:
    message = error_of(tmp_path, data)
    assert "文字コード" in message
    assert "UTF-8" in message


def test_encoding_detection_reads_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A multi-byte character split between two chunks must not be taken for a decoding error.
    monkeypatch.setattr(csv_export, "_CHUNK", 7)
    posts = read_bytes(tmp_path, csv_bytes())
    assert len(posts) == 3


# --------------------------------------------------------------------------------------------------------------
# Columns and rows


def test_fields(tmp_path: Path) -> None:
    first, second, third = read_bytes(tmp_path, csv_bytes())
    assert first == ArchivedPost(
        platform="line",
        platform_id="L-1",
        account="city_line",
        url="https://line.example/1",
        text="桜まつりのお知らせ\n会場: 中央公園",
        posted_at=dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST),
        reply_to_id=None,
        media=(),
        source="csv",
    )
    assert second.reply_to_id == "L-1"
    assert second.posted_at == dt.datetime(2025, 4, 2, 9, 5, tzinfo=JST)
    assert second.url == ""
    assert third.platform_id.startswith("csv-")


def test_japanese_headers(tmp_path: Path) -> None:
    assert read_bytes(tmp_path, csv_bytes(JAPANESE_HEADER)) == read_bytes(tmp_path, csv_bytes(ENGLISH_HEADER))


def test_header_names_are_forgiving(tmp_path: Path) -> None:
    header = [" Platform ", "ＡＣＣＯＵＮＴ", "投稿ＩＤ", "url", "TEXT", "Posted At", "memo", "reply-to-id", "Media"]
    posts = read_bytes(tmp_path, csv_bytes(header))
    assert [post.platform_id for post in posts][:2] == ["L-1", "L-2"]
    assert posts[1].reply_to_id == "L-1"


def test_accepted_columns_are_documented() -> None:
    assert set(CSV_COLUMNS) == {
        "platform", "account", "id", "url", "text", "posted_at", "author", "reply_to_id", "media",
    }  # fmt: skip
    assert "本文" in CSV_COLUMNS["text"] and "投稿日時" in CSV_COLUMNS["posted_at"]
    assert {"プラットフォーム", "媒体"} <= set(CSV_COLUMNS["platform"])


def test_minimal_columns_with_platform_argument(tmp_path: Path) -> None:
    data = csv_bytes(["本文", "投稿日時"], [["お知らせ", "2025-04-01 09:30"]])
    with read_path(write_file(tmp_path / "p.csv", data), platform="Bluesky") as export:
        (post,) = export.posts()
        assert export.platform == "bluesky"
        assert export.account == ""
    assert post.platform == "bluesky"
    assert post.account == ""


def test_platform_cell_wins_over_argument_which_fills_blanks(tmp_path: Path) -> None:
    data = csv_bytes(
        ["platform", "text", "posted_at"], [["YouTube", "a", "2025-04-01 09:30"], ["", "b", "2025-04-01 10:30"]]
    )
    with read_path(write_file(tmp_path / "p.csv", data), platform="line") as export:
        assert [post.platform for post in export.posts()] == ["youtube", "line"]
        assert export.platform == "csv"


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["platform", "posted_at"], "本文"),
        (["platform", "text"], "投稿日時"),
        (["text", "posted_at"], "プラットフォーム"),
    ],
)
def test_required_columns(tmp_path: Path, header: list[str], missing: str) -> None:
    message = error_of(tmp_path, csv_bytes(header, []))
    assert missing in message
    assert "1 行目" in message


def test_duplicate_column(tmp_path: Path) -> None:
    message = error_of(tmp_path, csv_bytes(["platform", "text", "本文", "posted_at"], []))
    assert "2 つ" in message


def test_empty_file(tmp_path: Path) -> None:
    assert "見出し" in error_of(tmp_path, b"")
    assert "見出し" in error_of(tmp_path, b"\r\n\r\n")


def test_platform_and_account_of_the_export(tmp_path: Path) -> None:
    rows = [
        ["line", "city", "", "", "a", "2025-04-01 09:30", "", "", ""],
        ["threads", "city_threads", "", "", "b", "2025-04-01 09:30", "", "", ""],
    ]
    with read_path(write_file(tmp_path / "mixed.csv", csv_bytes(rows=rows))) as export:
        posts = list(export.posts())
        assert export.platform == "csv"
        assert export.account == ""
        assert export.total == 2
    assert [(post.platform, post.account) for post in posts] == [("line", "city"), ("threads", "city_threads")]
    with read_path(write_file(tmp_path / "one.csv", csv_bytes())) as export:
        assert export.platform == "line"
        assert export.account == "city_line"  # "@city_line" and "city_line" are one account
        assert export.total == 3


def test_empty_rows_are_skipped(tmp_path: Path) -> None:
    rows = [
        ["line", "city", "1", "", "   ", "2025-04-01 09:30", "", "", ""],
        ["", "", "", "", "", "", "", "", ""],
        [],
        ["line", "city", "2", "", "本文あり", "2025-04-01 09:30", "", "", ""],
    ]
    with read_path(write_file(tmp_path / "p.csv", csv_bytes(rows=rows))) as export:
        assert [post.platform_id for post in export.posts()] == ["2"]
        assert export.total == 1


def test_duplicate_ids_are_skipped(tmp_path: Path) -> None:
    rows = [
        ["line", "city", "7", "", "first", "2025-04-01 09:30", "", "", ""],
        ["line", "city", "7", "", "second", "2025-04-01 10:30", "", "", ""],
        ["line", "city", "", "", "same", "2025-04-01 11:30", "", "", ""],
        ["line", "city", "", "", "same", "2025-04-01 11:30", "", "", ""],
    ]
    posts = read_bytes(tmp_path, csv_bytes(rows=rows))
    assert [post.text for post in posts] == ["first", "same"]


def test_stable_synthetic_ids(tmp_path: Path) -> None:
    first = read_bytes(tmp_path, csv_bytes())[2]
    again = read_bytes(tmp_path, csv_bytes(JAPANESE_HEADER, encoding="cp932"))[2]
    assert first.platform_id == again.platform_id
    key = json.dumps(["line", "2025-04-03T09:00:00+00:00", "IDなしの投稿"], ensure_ascii=False)
    assert first.platform_id == "csv-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    assert re.fullmatch(r"csv-[0-9a-f]{16}", first.platform_id)
    # the same moment written with an offset gives the same id
    rows = [["line", "city_line", "", "", "IDなしの投稿", "2025-04-03T09:00:00Z", "", "", ""]]
    assert read_bytes(tmp_path, csv_bytes(rows=rows))[0].platform_id == first.platform_id


def test_line_breaks_in_cells_are_normalised(tmp_path: Path) -> None:
    rows = [["line", "", "1", "", "一行目\r\n二行目\r三行目", "2025-04-01 09:30", "", "", ""]]
    (post,) = read_bytes(tmp_path, csv_bytes(rows=rows))
    assert post.text == "一行目\n二行目\n三行目"


def test_excel_rounded_ids_are_refused(tmp_path: Path) -> None:
    rows = [["line", "", "1.23457E+18", "", "a", "2025-04-01 09:30", "", "", ""]]
    message = error_of(tmp_path, csv_bytes(rows=rows))
    assert "2 行目" in message
    assert "投稿ID" in message


# --------------------------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-01T09:30:00+09:00", dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)),
        ("2025-04-01T00:30:00Z", dt.datetime(2025, 4, 1, 0, 30, tzinfo=dt.UTC)),
        ("2025-04-01T09:30:00", dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)),
        ("2025-04-01 09:30", dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)),
        ("2025/04/01 9:30", dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)),
        ("2025/4/1 9:30:15", dt.datetime(2025, 4, 1, 9, 30, 15, tzinfo=JST)),
        (" 2025年4月1日 9時30分 ", dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)),
        ("２０２５/０４/０１ ０９:３０", dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)),
    ],
)
def test_date_formats(value: str, expected: dt.datetime) -> None:
    parsed = parse_csv_posted_at(value)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_naive_times_are_japan_time() -> None:
    parsed = parse_csv_posted_at("2025-01-15 09:30")
    assert parsed.utcoffset() == dt.timedelta(hours=9)
    assert str(parsed.tzinfo) == "Asia/Tokyo"
    assert parsed.astimezone(dt.UTC) == dt.datetime(2025, 1, 15, 0, 30, tzinfo=dt.UTC)


def test_fixed_offset_without_time_zone_database(monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfoNotFoundError

    def missing(key: str) -> None:
        raise ZoneInfoNotFoundError(key)

    csv_export._japan.cache_clear()
    monkeypatch.setattr(csv_export, "ZoneInfo", missing)
    try:
        parsed = parse_csv_posted_at("2025-04-01 09:30")
        assert parsed.utcoffset() == dt.timedelta(hours=9)
        assert parsed == dt.datetime(2025, 4, 1, 9, 30, tzinfo=JST)
    finally:
        csv_export._japan.cache_clear()


@pytest.mark.parametrize("value", ["2025-04-01", "2025/02/30 9:30", "来週", "2025/04/01 25:00", "1743467400"])
def test_bad_dates_raise_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        parse_csv_posted_at(value)


def test_bad_date_names_row_and_column(tmp_path: Path) -> None:
    rows = [ROWS[0], ["line", "", "", "", "b", "来週の月曜", "", "", ""]]
    message = error_of(tmp_path, csv_bytes(rows=rows))
    assert "3 行目の投稿日時「来週の月曜」を読めません" in message


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1], ["line", "", "", "", "c", "", "", "", ""]]  # row 1 has a line break in its text
    assert "4 行目の投稿日時が空" in error_of(tmp_path, csv_bytes(rows=rows))


def test_empty_platform_cell_without_argument(tmp_path: Path) -> None:
    rows = [["", "", "", "", "c", "2025-04-01 09:30", "", "", ""]]
    message = error_of(tmp_path, csv_bytes(rows=rows))
    assert "2 行目のプラットフォーム" in message


def test_bad_row_fails_before_any_post_is_yielded(tmp_path: Path) -> None:
    rows = [*ROWS, ["line", "", "", "", "x", "bad", "", "", ""]]
    with pytest.raises(ArchiveError, match="5 行目"):
        read_path(write_file(tmp_path / "p.csv", csv_bytes(rows=rows)))


# --------------------------------------------------------------------------------------------------------------
# Media and containers


def media_rows(media: str) -> list[list[str]]:
    return [["line", "city", "M-1", "", "写真つき", "2025-04-01 09:30", "", "", media]]


@pytest.mark.parametrize("kind", ["folder", "zip", "tar.gz", "zip-with-top-folder"])
def test_media_beside_the_csv(tmp_path: Path, kind: str) -> None:
    files = {
        "posts.csv": csv_bytes(rows=media_rows("img/a.png | ./b.jpg;img\\a.png")),
        "img/a.png": PNG,
        "b.jpg": JPG,
    }
    if kind == "folder":
        path = write_folder(tmp_path / "export", files)
    elif kind == "zip":
        path = write_zip(tmp_path / "export.zip", files)
    elif kind == "tar.gz":
        path = write_tar(tmp_path / "export.tar.gz", files)
    else:
        path = write_zip(tmp_path / "export.zip", {f"top/{name}": data for name, data in files.items()})
    prefix = "top/" if kind == "zip-with-top-folder" else ""
    with read_path(path) as export:
        (post,) = export.posts()
        assert post.media == (
            MediaRef(name="a.png", path_in_archive=f"{prefix}img/a.png"),
            MediaRef(name="b.jpg", path_in_archive=f"{prefix}b.jpg"),
            MediaRef(name="a.png", path_in_archive=f"{prefix}img/a.png"),
        )
        assert [export.media_bytes(ref) for ref in post.media] == [PNG, JPG, PNG]
        with pytest.raises(ArchiveError):
            export.media_bytes(MediaRef(name="posts.csv", path_in_archive=f"{prefix}posts.csv"))


def test_row_with_media_but_no_text_is_kept(tmp_path: Path) -> None:
    files = {
        "posts.csv": csv_bytes(rows=[["line", "", "1", "", "", "2025-04-01 09:30", "", "", "a.png"]]),
        "a.png": PNG,
    }
    with read_path(write_folder(tmp_path / "export", files)) as export:
        (post,) = export.posts()
    assert post.text == ""
    assert len(post.media) == 1


def test_missing_media_names_row(tmp_path: Path) -> None:
    files = {"posts.csv": csv_bytes(rows=media_rows("nothere.png")), "a.png": PNG}
    with pytest.raises(ArchiveError) as caught:
        read_path(write_folder(tmp_path / "export", files))
    assert "2 行目のメディア「nothere.png」" in caught.value.message


def test_media_with_a_single_csv_file(tmp_path: Path) -> None:
    message = error_of(tmp_path, csv_bytes(rows=media_rows("a.png")))
    assert "同じフォルダ" in message


@pytest.mark.parametrize("media", ["../secret.png", "/etc/passwd", "C:\\Windows\\win.ini", "img/../../x.png"])
def test_unsafe_media_paths(tmp_path: Path, media: str) -> None:
    files = {"posts.csv": csv_bytes(rows=media_rows(media)), "img/a.png": PNG}
    with pytest.raises(ArchiveError) as caught:
        read_path(write_folder(tmp_path / "export", files))
    assert "外を指して" in caught.value.message
    assert "2 行目" in caught.value.message


def test_several_csv_files_are_ambiguous(tmp_path: Path) -> None:
    files = {"a.csv": csv_bytes(), "b.csv": csv_bytes()}
    with pytest.raises(ArchiveError, match="複数"):
        read_path(write_folder(tmp_path / "export", files))


def test_macos_junk_is_ignored(tmp_path: Path) -> None:
    files = {"posts.csv": csv_bytes(), "__MACOSX/._posts.csv": b"\x00\x05junk", "._posts.csv": b"\x00junk"}
    with read_path(write_zip(tmp_path / "mac.zip", files)) as export:
        assert export.total == 3


def test_no_csv(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="CSV"):
        read_path(write_folder(tmp_path / "export", {"a.png": PNG, "b.png": PNG}))


def test_looks_like_csv(tmp_path: Path) -> None:
    yes = [
        write_file(tmp_path / "single.csv", csv_bytes()),
        write_file(tmp_path / "UPPER.CSV", csv_bytes()),
        write_folder(tmp_path / "folder", {"posts.csv": b"", "a.png": PNG}),
        write_zip(tmp_path / "wrapped.zip", {"top/posts.csv": b"", "top/a.png": PNG}),
    ]
    no = [
        write_file(tmp_path / "notes.txt", b"hello"),
        write_zip(tmp_path / "deep.zip", {"a/b/posts.csv": b""}),
        write_zip(tmp_path / "mastodon.zip", {"outbox.json": b"{}", "actor.json": b"{}"}),
        write_zip(tmp_path / "mixed.zip", {"top/posts.csv": b"", "readme.txt": b""}),
    ]
    for path, expected in [(path, True) for path in yes] + [(path, False) for path in no]:
        source = open_source(path)
        try:
            assert looks_like_csv(source) is expected, path.name
        finally:
            source.close()


def test_streams_a_large_file(tmp_path: Path) -> None:
    rows = [
        ["line", "city", str(number), "", f"投稿 {number}\n二行目", "2025-04-01 09:30", "", "", ""]
        for number in range(20_000)
    ]
    with read_path(write_file(tmp_path / "big.csv", csv_bytes(rows=rows, encoding="cp932"))) as export:
        assert export.total == 20_000
        stream = export.posts()
        first = next(stream)
        assert first.text == "投稿 0\n二行目"
        assert sum(1 for _ in stream) == 19_999


def test_csv_errors_name_the_row(tmp_path: Path) -> None:
    old = csv.field_size_limit(50)
    try:
        rows = [["line", "", "", "", "x" * 100, "2025-04-01 09:30", "", "", ""]]
        message = error_of(tmp_path, csv_bytes(rows=rows))
    finally:
        csv.field_size_limit(old)
    assert "2 行目" in message
