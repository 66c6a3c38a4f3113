"""Writing backup packages (guideline article 6): a valid BagIt bag with the documented layout, byte-identical
payloads, nothing left behind on an error or a cancel."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest

from sns_desk.core.archive import ArchiveError, ArchiveItem, PackagedMedia
from sns_desk.core.archive.package import PackageCancelled, PackageSummary, read_package, verify_package, write_package
from sns_desk.core.archive.package.write import PARTIAL_INFIX, PARTIAL_MARKER, remove_stale_partials

from .conftest import JST, PNG, SHA_MP4, SHA_PDF, SHA_PNG, STORE, XSS, archive_data, items, leftovers, package, payload


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


def _partial(folder: Path, name: str, *, marker: bool = True, age_s: float = 3600) -> Path:
    path = folder / name
    (path / "data").mkdir(parents=True)
    (path / "data" / "items.jsonl").write_text("{}\n", encoding="utf-8")
    if marker:
        (path / PARTIAL_MARKER).write_text("12345\n", encoding="utf-8")
        then = time.time() - age_s
        os.utime(path / PARTIAL_MARKER, (then, then))
    return path


def test_partial_folders_of_killed_exports_are_removed_by_the_next_one_and_nothing_else(tmp_path: Path) -> None:
    stale = _partial(tmp_path, f"backup{PARTIAL_INFIX}4242-k2j4h1")
    others = [
        _partial(tmp_path, "keiyaku.partial-abc"),  # not a name this tool makes
        _partial(tmp_path, f"notes{PARTIAL_INFIX}x-abc"),  # not quite
        _partial(tmp_path, f"a{PARTIAL_INFIX}1-abc", marker=False),  # no marker: not known to be ours
        _partial(tmp_path, f"b{PARTIAL_INFIX}2-abc", age_s=-3600),  # newer than this process
    ]
    alive = _partial(tmp_path, f"c{PARTIAL_INFIX}3-abc")
    held = os.open(alive / PARTIAL_MARKER, os.O_RDWR)  # its writer still holds the marker
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(held, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_package(tmp_path / "new", items(), STORE, title="t", created_by="u")
    finally:
        os.close(held)
    assert not stale.exists()
    assert all(p.is_dir() and (p / "data" / "items.jsonl").is_file() for p in [*others, alive])
    assert verify_package(tmp_path / "new") == []  # the new package's own marker is not in it
    assert not (tmp_path / "new" / PARTIAL_MARKER).exists()


def test_the_marker_is_held_while_writing(tmp_path: Path) -> None:
    seen: list[bool] = []

    def watching() -> Iterator[ArchiveItem]:
        for item in items():
            (partial,) = [p for p in tmp_path.iterdir() if PARTIAL_INFIX in p.name]
            seen.append((partial / PARTIAL_MARKER).is_file())
            assert remove_stale_partials(tmp_path) == []  # never its own, live partial
            yield item

    write_package(tmp_path / "bag", watching(), STORE, title="t", created_by="u")
    assert seen and all(seen)
    assert leftovers(tmp_path) == ["bag"]


def _item_at(key: str, when: dt.datetime) -> ArchiveItem:
    return ArchiveItem(
        key=key, platform="x", account="a", platform_id=key, url="", text=key, author="", posted_at=when, source="x"
    )


def test_the_first_and_last_second_python_can_hold_are_written_and_read_back(tmp_path: Path) -> None:
    last = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    first = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    write_package(tmp_path / "p", [_item_at("9999", last), _item_at("0001", first)], {}, title="t", created_by="u")
    assert verify_package(tmp_path / "p") == []
    assert [i.posted_at for i in read_package(tmp_path / "p").items()] == [first, last]
    with open(tmp_path / "p" / "data" / "items.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["posted_at"], r["posted_at_jst"]) for r in rows] == [
        ("0001-01-01T00:00:00+00:00", "0001-01-01 09:00:00"),
        ("9999-12-31T23:59:59+00:00", "10000-01-01 08:59:59"),  # Japan is already in year 10000
    ]


def test_a_time_without_utc_in_years_1_to_9999_is_an_archive_error(tmp_path: Path) -> None:
    before_year_1_in_utc = dt.datetime(1, 1, 1, 8, 59, tzinfo=JST)
    with pytest.raises(ArchiveError, match="扱える範囲"):
        write_package(tmp_path / "p", [_item_at("x", before_year_1_in_utc)], {}, title="t", created_by="u")
    assert leftovers(tmp_path) == []


def test_since_before_year_1_in_utc_is_recorded_as_the_earliest_time(tmp_path: Path) -> None:
    since = dt.datetime(1, 1, 1, tzinfo=JST)  # --since 0001-01-01: midnight in Japan is year 0 in UTC
    write_package(tmp_path / "p", [], {}, title="t", created_by="u", since=since)
    assert read_package(tmp_path / "p").since == dt.datetime.min.replace(tzinfo=dt.UTC)
