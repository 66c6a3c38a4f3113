"""第9条 in a package: the viewer shows a correction and its original both ways (rendered by viewer.js under Node
with a minimal DOM, when Node is installed), and data/moderation.jsonl is written, verified and read back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.package import read_package, verify_package
from sns_desk.core.archive.package.layout import MODERATION_FIELDS

from .conftest import archive_data, package

DOM = Path(__file__).with_name("viewer_dom.js")


def _record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "key": "moderation:1", "account": "hh_koho", "platform": "x", "action": "delete", "author_handle": "@troll",
        "text": "ひどい言葉 <script>alert(1)</script>", "url": "", "commented_at": None,
        "acted_at": "2025-11-05T01:00:00+00:00", "policy_item": "user_rules", "policy_version": 2,
        "reason": "誹謗中傷", "recorded_by": "kacho", "recorded_at": "2025-11-05T01:05:00+00:00",
        "supersedes_key": None,
    }  # fmt: skip
    record.update(changes)
    return record


def test_items_js_gives_the_original_its_corrections(bag: Path) -> None:
    data = archive_data(bag)
    by_key = {item["key"]: item for item in data["items"]}  # type: ignore[attr-defined]
    assert by_key["x:1001"]["corrected_by"] == ["mastodon:desk-abc"]
    assert by_key["mastodon:desk-abc"]["corrects_key"] == "x:1001"
    assert "corrected_by" not in by_key["x:1002"]
    assert "corrected_by" not in (bag / "data/items.jsonl").read_text(encoding="utf-8")  # the exact copy: one way


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (apt-get install nodejs)")
def test_the_viewer_renders_the_chain_both_ways(bag: Path) -> None:
    def render(query: str = "") -> str:
        done = subprocess.run(
            ["node", str(DOM), str(bag / "data/viewer"), *([query] if query else [])],
            capture_output=True, text=True, encoding="utf-8", check=True, timeout=60,
        )  # fmt: skip
        return done.stdout

    page = render()
    articles = page.split("<article.post>")[1:]
    by_key = {a.rstrip().rsplit(maxsplit=1)[-1]: a for a in articles}  # キー is the last row of each
    original, correction = by_key["x:1001"], by_key["mastodon:desk-abc"]
    assert "<span.badge.corrected> 訂正済み" in original
    assert "<dt> 原文 → 訂正" in original and "2025年11月4日(火) 09:00 =SUM(A1:A2)" in original
    assert "<span.badge.correction> 訂正" in correction
    assert "<dt> 訂正 → 原文" in correction and "2025年11月3日(月) 09:30 【お知らせ】西条の酒蔵通り" in correction
    assert "訂正" not in by_key["x:1002"]
    # choosing a link searches for the other post's key
    found = render("x:1001").split("<article.post>")[1:]
    assert len(found) == 1 and found[0].rstrip().endswith("x:1001")


def test_moderation_jsonl_is_written_verified_and_read_back(tmp_path: Path) -> None:
    records = [_record(), _record(key="moderation:2", action="retract", supersedes_key="moderation:1")]
    target = tmp_path / "backup"
    package(target, moderation=records)
    assert verify_package(target) == []
    manifest = (target / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert "data/moderation.jsonl" in manifest
    assert list(read_package(target).moderation()) == records
    # no log, no file; a changed log fails verification
    package(tmp_path / "plain")
    assert not (tmp_path / "plain/data/moderation.jsonl").exists()
    assert list(read_package(tmp_path / "plain").moderation()) == []
    log = target / "data/moderation.jsonl"
    log.write_bytes(log.read_bytes().replace("誹謗中傷".encode(), "書き換え".encode()))
    assert [p.path for p in verify_package(target)] == ["data/moderation.jsonl"]


def test_moderation_records_must_have_the_fields(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="項目が違います"):
        package(tmp_path / "a", moderation=[{k: v for k, v in _record().items() if k != "reason"}])
    assert not (tmp_path / "a").exists()
    assert set(_record()) == set(MODERATION_FIELDS)
