"""The offline viewer of a backup package: only local files, item text never as HTML, an escaped title, items.js."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

from .conftest import SHA_PNG, XSS, archive_data, package


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
