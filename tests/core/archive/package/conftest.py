"""Made-up items and media for the backup package tests, and a package of them (the ``bag`` fixture)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from sns_desk.core.archive import ArchiveItem, PackagedMedia
from sns_desk.core.archive.package import PackageSummary, write_package

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


def tamper_byte(path: Path) -> None:
    """Flip one bit of the file at ``path``."""
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01
    path.write_bytes(bytes(data))
