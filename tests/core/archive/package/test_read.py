"""Reading backup packages back for restoring: equal items and media, byte-identical re-export, bad packages refused."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.package import PackageReader, read_package, write_package

from .conftest import PNG, SHA_PNG, items, package, payload, tamper_byte


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
    tamper_byte(bag / "data/items.jsonl")
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


def test_a_posted_at_without_utc_in_years_1_to_9999_is_an_archive_error() -> None:
    from sns_desk.core.archive.package.read import _parse_posted_at

    with pytest.raises(ArchiveError, match="扱える範囲"):
        _parse_posted_at("0001-01-01T00:00:00+09:00", "items.jsonl の 1 行目")
    assert _parse_posted_at("9999-12-31T23:59:59+00:00", "x") == dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert _parse_posted_at("2025-07-20T09:00:00+09:00", "x").utcoffset() == dt.timedelta(0)  # stored as UTC
