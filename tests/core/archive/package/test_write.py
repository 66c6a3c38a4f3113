"""Backup packages (guideline article 6): BagIt bags that people can read years later without the app."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import html.parser
import io
import json
import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import bagit
import pytest

from sns_desk.core.archive import ArchiveError, ArchiveItem, PackagedMedia
from sns_desk.core.archive.package import (
    PackageCancelled,
    PackageReader,
    PackageSummary,
    ProblemKind,
    read_package,
    verify_package,
    write_package,
)

JST = dt.timezone(dt.timedelta(hours=9))
PNG = b"\x89PNG\r\n\x1a\nfake-image-bytes"
MP4 = b"\x00\x00\x00\x18ftypmp42fake-video"
PDF = b"%PDF-1.4 fake"
STORE = {hashlib.sha256(b).hexdigest(): b for b in (PNG, MP4, PDF)}
SHA_PNG, SHA_MP4, SHA_PDF = (hashlib.sha256(b).hexdigest() for b in (PNG, MP4, PDF))
XSS = "<script>alert(1)</script>"


def items() -> list[ArchiveItem]:
    """A few made-up posts: Japanese, emoji, HTML-ish text, shared media, every optional field."""
    return [
        ArchiveItem(
            key="x:1001",
            platform="x",
            account="hh_koho",
            platform_id="1001",
            url="https://x.com/hh_koho/status/1001",
            text="【お知らせ】西条の酒蔵通りの紅葉が見ごろです🍁 #東広島",
            author="広報 太郎",
            posted_at=dt.datetime(2025, 11, 3, 9, 30, tzinfo=JST),
            source="x-archive",
            media=(PackagedMedia(SHA_PNG, "FxYz12.JPG"), PackagedMedia(SHA_MP4, "clip.mp4")),
        ),
        ArchiveItem(
            key="x:1002",
            platform="x",
            account="hh_koho",
            platform_id="1002",
            url="https://x.com/hh_koho/status/1002",
            text=f"HTML のように見える文字 {XSS} & <b>太字</b>\n2 行目 \u2028 区切り \x85 NEL",
            author="広報 花子",
            posted_at=dt.datetime(2025, 11, 4, 0, 0, tzinfo=dt.UTC),
            source="desk",
            terminal="広報課-PC01",
            reply_to_id="1001",
            quoted_id="999",
            media=(PackagedMedia(SHA_PNG, "same-image.png"),),
        ),
        ArchiveItem(
            key="mastodon:desk-abc",
            platform="mastodon",
            account="kanko",
            platform_id=None,
            url="https://mastodon.example/@kanko/1",
            text="=SUM(A1:A2) は数式ではなく本文です",
            author="観光 一郎",
            posted_at=dt.datetime(2025, 11, 4, 0, 0, tzinfo=dt.UTC),
            source="desk",
            off_terminal_reason="災害対応のため庁外から投稿",
            corrects_key="x:1001",
            reposted_url="https://mastodon.example/@other/5",
            media=(PackagedMedia(SHA_PDF, "資料 (最終).PDF"),),
        ),
    ]


def package(target: Path, source: Iterable[ArchiveItem] | None = None, **kwargs: object) -> PackageSummary:
    options: dict[str, object] = {"title": "東広島市 SNS 投稿のバックアップ", "created_by": "広報 太郎"}
    options.update(kwargs)
    return write_package(target, items() if source is None else source, STORE.__getitem__, **options)  # type: ignore[arg-type]


def payload(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted((path / "data").rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


def archive_data(path: Path) -> dict[str, object]:
    text = (path / "data/viewer/items.js").read_text(encoding="utf-8")
    prefix = "window.SNS_ARCHIVE = "
    assert text.startswith(prefix)
    data = json.loads(text[len(prefix) :])
    assert isinstance(data, dict)
    return data


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    target = tmp_path / "backup"
    package(target)
    return target


# ------------------------------------------------------------------------------------------------ writing


def test_package_is_a_valid_bag_with_the_documented_layout(tmp_path: Path) -> None:
    target = tmp_path / "backup"
    summary = package(target)

    assert summary == PackageSummary(path=target, item_count=3, media_count=3, bytes=summary.bytes)
    assert summary.bytes == sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    assert bagit.Bag(str(target)).validate(processes=1)
    assert bagit.Bag(str(target)).is_valid(processes=1, fast=False)
    assert set(payload(target)) == {
        f"data/media/{SHA_PDF[:2]}/{SHA_PDF}.pdf",
        f"data/media/{SHA_MP4[:2]}/{SHA_MP4}.mp4",
        f"data/media/{SHA_PNG[:2]}/{SHA_PNG}.jpg",
        "data/README.txt",
        "data/items.csv",
        "data/items.jsonl",
        "data/viewer/index.html",
        "data/viewer/items.js",
        "data/viewer/viewer.css",
        "data/viewer/viewer.js",
    }
    assert (target / "data/media" / SHA_PNG[:2] / f"{SHA_PNG}.jpg").read_bytes() == PNG
    assert leftovers(tmp_path) == ["backup"]  # no partial folder left


def test_bag_info_has_the_metadata_and_the_export_time_only_there(tmp_path: Path) -> None:
    target = tmp_path / "backup"
    package(target, since=dt.datetime(2025, 4, 1, tzinfo=JST), created_by="広報 太郎")
    info = bagit.Bag(str(target)).info
    assert info["Source-Organization"] == "東広島市"
    assert info["Contact-Name"] == "広報 太郎"
    assert "東広島市 SNS 投稿のバックアップ" in info["External-Description"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["Bagging-Date"])
    assert info["X-SNS-Desk-Format"] == "1"
    assert info["X-SNS-Desk-Item-Count"] == "3"
    assert info["X-SNS-Desk-Since"] == "2025-03-31T15:00:00+00:00"
    assert info["Payload-Oxum"].endswith(".10")
    assert (target / "bagit.txt").read_text(encoding="utf-8").startswith("BagIt-Version: 1.0\n")
    exported_at = info["X-SNS-Desk-Exported-At"]
    assert dt.datetime.fromisoformat(exported_at).tzinfo is not None
    for content in payload(target).values():
        assert exported_at[:16].encode() not in content
        assert info["Bagging-Date"].encode() not in content


def test_items_jsonl_has_every_field_sorted_keys_utc_and_a_stable_order(bag: Path) -> None:
    lines = (bag / "data/items.jsonl").read_text(encoding="utf-8").splitlines()  # no raw U+2028 splits a line
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert [r["key"] for r in records] == ["x:1001", "mastodon:desk-abc", "x:1002"]  # posted_at, then key
    field_names = {f.name for f in dataclasses.fields(ArchiveItem)}
    for record in records:
        assert set(record) == field_names
        assert list(record) == sorted(record)
        assert record["posted_at"].endswith("+00:00")
    assert records[0]["posted_at"] == "2025-11-03T00:30:00+00:00"
    assert records[0]["media"] == [
        {"sha256": SHA_PNG, "name": "FxYz12.JPG", "path": f"media/{SHA_PNG[:2]}/{SHA_PNG}.jpg"},
        {"sha256": SHA_MP4, "name": "clip.mp4", "path": f"media/{SHA_MP4[:2]}/{SHA_MP4}.mp4"},
    ]
    assert "🍁" in lines[0] and "東広島" in lines[0]  # not \\u-escaped
    assert records[1]["platform_id"] is None
    assert XSS in records[2]["text"]


def test_items_csv_opens_in_excel(bag: Path) -> None:
    raw = (bag / "data/items.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["key"] for r in rows] == ["x:1001", "mastodon:desk-abc", "x:1002"]
    assert rows[0]["posted_at_jst"] == "2025-11-03 09:30:00"
    assert rows[0]["media"] == f"media/{SHA_PNG[:2]}/{SHA_PNG}.jpg|media/{SHA_MP4[:2]}/{SHA_MP4}.mp4"
    assert rows[2]["text"].startswith(f"HTML のように見える文字 {XSS}")
    assert "\n2 行目" in rows[2]["text"]
    assert rows[1]["text"] == "'=SUM(A1:A2) は数式ではなく本文です"  # not run as a formula by Excel


def test_two_packages_of_the_same_items_have_identical_payloads(tmp_path: Path) -> None:
    package(tmp_path / "one", title="同じ題名")
    shuffled = items()
    random.Random(4).shuffle(shuffled)
    package(
        tmp_path / "two", shuffled, title="同じ題名", created_by="別の人", since=dt.datetime(2020, 1, 1, tzinfo=JST)
    )
    assert payload(tmp_path / "one") == payload(tmp_path / "two")
    assert (tmp_path / "one/manifest-sha256.txt").read_bytes() == (tmp_path / "two/manifest-sha256.txt").read_bytes()


def test_an_empty_archive_is_a_valid_package(tmp_path: Path) -> None:
    summary = package(tmp_path / "empty", [])
    assert (summary.item_count, summary.media_count) == (0, 0)
    assert bagit.Bag(str(tmp_path / "empty")).is_valid()
    assert archive_data(tmp_path / "empty")["items"] == []
    assert verify_package(tmp_path / "empty") == []
    assert list(read_package(tmp_path / "empty").items()) == []


def test_an_existing_empty_folder_is_accepted_a_non_empty_one_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    package(tmp_path / "empty")
    assert verify_package(tmp_path / "empty") == []

    (tmp_path / "full").mkdir()
    (tmp_path / "full/keep.txt").write_text("大事なファイル", encoding="utf-8")
    with pytest.raises(ArchiveError, match="空ではありません"):
        package(tmp_path / "full")
    assert (tmp_path / "full/keep.txt").read_text(encoding="utf-8") == "大事なファイル"
    with pytest.raises(ArchiveError, match="ありません"):
        package(tmp_path / "missing-parent/backup")
    assert leftovers(tmp_path) == ["empty", "full"]


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    package(tmp_path / "backup", progress=lambda done, total: calls.append((done, total)))
    assert calls
    assert calls[-1] == (2 * 3 + 3, 2 * 3 + 3)


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3  # after the items were read, while writing media

    with pytest.raises(PackageCancelled) as raised:
        package(tmp_path / "backup", cancelled=cancelled)
    assert "中止" in str(raised.value)
    assert leftovers(tmp_path) == []


def test_damaged_media_stops_the_export_and_leaves_nothing(tmp_path: Path) -> None:
    damaged = dict(STORE)
    damaged[SHA_MP4] = b"not the original bytes"
    with pytest.raises(ArchiveError, match=r"clip.mp4.*壊れています"):
        write_package(tmp_path / "backup", items(), damaged.__getitem__, title="t", created_by="u")
    assert leftovers(tmp_path) == []


def test_missing_media_and_errors_of_the_media_store_become_archive_errors(tmp_path: Path) -> None:
    def failing(sha256: str) -> bytes:
        raise OSError("ディスクが読めません")

    with pytest.raises(ArchiveError, match="読み込めません"):
        write_package(tmp_path / "a", items(), failing, title="t", created_by="u")

    class Store:  # the storage's MediaStore shape: get(sha256) -> bytes
        def get(self, sha256: str) -> bytes:
            return STORE[sha256]

    write_package(tmp_path / "b", items(), Store(), title="t", created_by="u")
    assert verify_package(tmp_path / "b") == []
    partial_store = {SHA_PNG: PNG}
    with pytest.raises(ArchiveError, match=r"見つかりません|読み込めません"):
        write_package(tmp_path / "c", items(), partial_store, title="t", created_by="u")  # type: ignore[arg-type]
    assert leftovers(tmp_path) == ["b"]


def test_bad_items_are_refused(tmp_path: Path) -> None:
    naive = dataclasses.replace(items()[0], posted_at=dt.datetime(2025, 1, 1))
    with pytest.raises(ArchiveError, match="タイムゾーン"):
        package(tmp_path / "a", [naive])
    with pytest.raises(ArchiveError, match="x:1001"):
        package(tmp_path / "b", [items()[0], items()[0]])
    bad_media = dataclasses.replace(items()[0], media=(PackagedMedia("../../etc/passwd", "x.png"),))
    with pytest.raises(ArchiveError, match="SHA-256"):
        package(tmp_path / "c", [bad_media])
    assert leftovers(tmp_path) == []


def test_media_extension_only_from_a_plain_suffix(tmp_path: Path) -> None:
    odd = [
        dataclasses.replace(items()[0], key="x:1", media=(PackagedMedia(SHA_PNG, "photo.jpg?name=orig"),)),
        dataclasses.replace(items()[0], key="x:2", media=(PackagedMedia(SHA_PDF, "no-extension"),)),
        dataclasses.replace(items()[0], key="x:3", media=(PackagedMedia(SHA_MP4, "a.toolongext"),)),
    ]
    package(tmp_path / "backup", odd)
    names = {p.name for p in (tmp_path / "backup/data/media").rglob("*") if p.is_file()}
    assert names == {SHA_PNG, SHA_PDF, SHA_MP4}


# ------------------------------------------------------------------------------------------------ viewer


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.refs.append((tag, value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_viewer_uses_only_local_relative_files(bag: Path) -> None:
    index = (bag / "data/viewer/index.html").read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(index)
    assert ("script", "items.js") in tags.refs
    assert ("script", "viewer.js") in tags.refs
    assert ("link", "viewer.css") in tags.refs
    for _tag, ref in tags.refs:
        assert not re.match(r"(?i)([a-z]+:|//|/)", ref), ref
        assert (bag / "data/viewer" / ref).is_file()
    assert "<noscript>" in index
    assert "東広島市 SNS 投稿のバックアップ" in index
    for name in ("index.html", "viewer.js", "viewer.css"):
        text = (bag / "data/viewer" / name).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), name
        assert "@import" not in text and "url(" not in text


def test_viewer_never_puts_item_text_into_html(bag: Path) -> None:
    script = (bag / "data/viewer/viewer.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "outerHTML" not in script and "insertAdjacentHTML" not in script
    assert "document.write" not in script and "eval(" not in script
    assert "さらに表示" in script and "<mark>" not in script and '"mark"' in script
    assert "JST_OFFSET_MS" in script and "getTimezoneOffset" not in script  # Tokyo time whatever the PC says


def test_viewer_title_is_escaped(tmp_path: Path) -> None:
    package(tmp_path / "backup", title=f"題名 {XSS}")
    index = (tmp_path / "backup/data/viewer/index.html").read_text(encoding="utf-8")
    assert XSS not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_items_js_is_json_with_the_viewer_fields(bag: Path) -> None:
    data = archive_data(bag)
    assert data["count"] == 3 and data["format"] == 1
    viewer_items = data["items"]
    assert isinstance(viewer_items, list)
    assert [i["key"] for i in viewer_items] == ["x:1001", "mastodon:desk-abc", "x:1002"]  # oldest first
    assert viewer_items[2]["text"].startswith(f"HTML のように見える文字 {XSS}")
    assert viewer_items[0]["media"][0] == {"name": "FxYz12.JPG", "path": f"media/{SHA_PNG[:2]}/{SHA_PNG}.jpg"}
    for item in viewer_items:
        for media in item.get("media", []):
            assert (bag / "data" / media["path"]).is_file()  # the viewer links ../<path>
    for name in ("viewer/items.js", "items.jsonl"):
        raw = (bag / "data" / name).read_bytes()
        assert "\u2028".encode() not in raw and b"\\u2028" in raw


# ------------------------------------------------------------------------------------------------ verifying


def _tamper_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_clean_package_has_no_problems(bag: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    assert verify_package(bag, progress=lambda d, t: calls.append((d, t))) == []
    assert calls[-1][0] == calls[-1][1]


def test_a_changed_file_is_reported_by_name(bag: Path) -> None:
    _tamper_byte(bag / "data/items.jsonl")
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.CHANGED, "data/items.jsonl")]
    assert "data/items.jsonl" in problems[0].message and "変わっています" in problems[0].message
    assert not bagit.Bag(str(bag)).is_valid()


def test_a_missing_media_file_is_reported(bag: Path) -> None:
    media = f"data/media/{SHA_MP4[:2]}/{SHA_MP4}.mp4"
    (bag / media).unlink()
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.MISSING, media)]
    assert media in problems[0].message and "ありません" in problems[0].message


def test_an_extra_file_is_reported(bag: Path) -> None:
    (bag / "data/メモ.txt").write_text("後から足したファイル", encoding="utf-8")
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.EXTRA, "data/メモ.txt")]
    assert "data/メモ.txt" in problems[0].message


def test_all_problems_are_reported_at_once(bag: Path) -> None:
    _tamper_byte(bag / "data/items.jsonl")
    (bag / f"data/media/{SHA_PDF[:2]}/{SHA_PDF}.pdf").unlink()
    (bag / "data/media/extra.bin").write_bytes(b"x")
    (bag / "data/viewer/more.js").write_bytes(b"y")
    problems = verify_package(bag)
    assert sorted((p.kind.value, p.path) for p in problems) == [
        ("changed", "data/items.jsonl"),
        ("extra", "data/media/extra.bin"),
        ("extra", "data/viewer/more.js"),
        ("missing", f"data/media/{SHA_PDF[:2]}/{SHA_PDF}.pdf"),
    ]
    assert all(p.message and p.path in p.message for p in problems)


def test_changed_and_missing_tag_files_are_reported(bag: Path) -> None:
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Item-Count: 3", "Item-Count: 4"), encoding="utf-8")
    assert [(p.kind, p.path) for p in verify_package(bag)] == [(ProblemKind.CHANGED, "bag-info.txt")]
    (bag / "bagit.txt").unlink()
    assert [(p.kind, p.path) for p in verify_package(bag)] == [(ProblemKind.DAMAGED, "bagit.txt")]


def test_a_deleted_tag_manifest_is_reported_and_bag_info_cannot_be_edited_unnoticed(bag: Path) -> None:
    (bag / "tagmanifest-sha256.txt").unlink()
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.DAMAGED, "tagmanifest-sha256.txt")]
    assert "tagmanifest-sha256.txt" in problems[0].message and "ありません" in problems[0].message
    info = bag / "bag-info.txt"
    info.write_text(info.read_text(encoding="utf-8").replace("Item-Count: 3", "Item-Count: 4"), encoding="utf-8")
    assert verify_package(bag) != []
    with pytest.raises(ArchiveError, match=r"tagmanifest-sha256\.txt"):
        read_package(bag)


@pytest.mark.parametrize("left_out", ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
def test_the_tag_manifest_must_cover_every_tag_file(bag: Path, left_out: str) -> None:
    tag_manifest = bag / "tagmanifest-sha256.txt"
    lines = tag_manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    tag_manifest.write_text("".join(line for line in lines if not line.endswith(f"  {left_out}\n")), encoding="utf-8")
    problems = verify_package(bag)
    assert [(p.kind, p.path) for p in problems] == [(ProblemKind.DAMAGED, "tagmanifest-sha256.txt")]
    assert left_out in problems[0].message and "tagmanifest-sha256.txt" in problems[0].message


def test_extra_files_and_folders_next_to_data_are_reported(bag: Path) -> None:
    (bag / "notes.txt").write_text("メモ", encoding="utf-8")
    (bag / "写真").mkdir()
    (bag / "写真" / "a.jpg").write_bytes(PNG)
    problems = verify_package(bag)
    assert sorted((p.kind, p.path) for p in problems) == [(ProblemKind.EXTRA, "notes.txt"), (ProblemKind.EXTRA, "写真")]
    assert all(p.path in p.message for p in problems)
    with pytest.raises(ArchiveError, match=r"notes\.txt"):
        read_package(bag)


def test_a_damaged_bagit_txt_or_manifest_is_reported(bag: Path) -> None:
    (bag / "manifest-sha256.txt").unlink()
    problems = verify_package(bag)
    assert problems and all(p.kind in (ProblemKind.DAMAGED, ProblemKind.MISSING) for p in problems)
    assert any("manifest-sha256.txt" in p.message for p in problems)
    (bag / "bagit.txt").write_text("これは bagit.txt ではない\n", encoding="utf-8")
    problems = verify_package(bag)
    assert [p.kind for p in problems] == [ProblemKind.DAMAGED]
    assert "bagit.txt" in problems[0].message


@pytest.mark.parametrize("make", ["folder", "file", "absent", "bag-of-someone-else"])
def test_something_else_is_not_a_package(tmp_path: Path, make: str) -> None:
    path = tmp_path / "thing"
    if make == "folder":
        path.mkdir()
        (path / "写真.jpg").write_bytes(PNG)
        (path / "data").mkdir()
    elif make == "file":
        path.write_bytes(b"zip?")
    elif make == "bag-of-someone-else":
        path.mkdir()
        (path / "file.txt").write_text("x", encoding="utf-8")
        bagit.make_bag(str(path), checksums=["sha256"])
    problems = verify_package(path)
    assert [p.kind for p in problems] == [ProblemKind.NOT_A_PACKAGE]
    assert "thing" in problems[0].message
    with pytest.raises(ArchiveError):
        read_package(path)


# ------------------------------------------------------------------------------------------------ reading


def test_round_trip_gives_equal_items_and_media(bag: Path) -> None:
    reader = read_package(bag)
    assert isinstance(reader, PackageReader)
    assert reader.count == 3 and reader.media_count == 3
    restored = list(reader.items())
    by_key = {i.key: i for i in items()}
    assert restored == [by_key["x:1001"], by_key["mastodon:desk-abc"], by_key["x:1002"]]
    assert all(i.posted_at.utcoffset() is not None for i in restored)
    assert reader.media_bytes(SHA_PNG) == PNG
    with pytest.raises(ArchiveError):
        reader.media_bytes("0" * 64)


def test_export_restore_export_is_byte_identical(tmp_path: Path) -> None:
    package(tmp_path / "first")
    reader = read_package(tmp_path / "first")
    write_package(
        tmp_path / "second",
        reader.items(),
        reader.media_bytes,
        title="東広島市 SNS 投稿のバックアップ",
        created_by="別の人",
    )
    assert payload(tmp_path / "first") == payload(tmp_path / "second")


def test_a_tampered_package_is_refused(bag: Path) -> None:
    _tamper_byte(bag / "data/items.jsonl")
    with pytest.raises(ArchiveError, match=re.escape("data/items.jsonl")):
        read_package(bag)


def _rewrite(bag: Path, edit: Callable[[str], str]) -> None:
    """Edit items.jsonl and re-make the manifests, as someone with bagit could (a valid but bad package)."""
    path = bag / "data/items.jsonl"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    b = bagit.Bag(str(bag))
    b.save(manifests=True)
    assert b.is_valid()


def test_a_bad_json_line_is_refused_with_its_line_number(bag: Path) -> None:
    _rewrite(bag, lambda text: text.replace('"key":"mastodon:desk-abc"', '"key":mastodon'))
    reader = read_package(bag)
    with pytest.raises(ArchiveError, match="2 行目"):
        list(reader.items())


def test_a_record_with_a_wrong_type_is_refused(bag: Path) -> None:
    _rewrite(bag, lambda text: text.replace('"posted_at":"2025-11-03T00:30:00+00:00"', '"posted_at":"2025-11-03"'))
    with pytest.raises(ArchiveError, match=r"1 行目.*posted_at"):
        list(read_package(bag).items())


def test_an_unknown_format_version_is_refused_in_japanese(bag: Path) -> None:
    b = bagit.Bag(str(bag))
    b.info["X-SNS-Desk-Format"] = "2"
    b.save()
    assert b.is_valid()
    with pytest.raises(ArchiveError, match=r"第 2 版.*更新"):
        read_package(bag)
