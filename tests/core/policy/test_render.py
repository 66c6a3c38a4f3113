"""Rendering: read every format back and find the nine headings and the registry facts."""

from __future__ import annotations

import datetime as dt
import logging
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from sns_desk.core.policy import (
    ITEMS,
    AccountFacts,
    Policy,
    edition_lines,
    parse_blocks,
    to_docx,
    to_html_fragment,
    to_html_page,
    to_pdf,
    wrap_line,
)
from sns_desk.core.policy.render import Bullets, Paragraph, undrawable

EVIL = '<script>alert("x")</script> & <b onclick="steal()">太字</b>'
PUBLISHED = dt.date(2025, 4, 1)
REVISED = dt.date(2026, 10, 1)


@pytest.fixture
def policy(x_policy: Policy) -> Policy:
    return x_policy.replace_item("purpose", x_policy["purpose"] + "\n\n" + EVIL)


def facts_of(facts: AccountFacts) -> list[str]:
    return [
        facts.name,
        facts.url,
        facts.department,
        facts.manager_title,
        facts.operating_hours,
        facts.contact.phone,
        facts.contact.email,
        facts.contact.form_url,
    ]


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.all_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag not in ("br", "meta"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.text.setdefault(self.stack[-1], []).append(data)
        self.all_text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    assert c.stack == [], "every element is closed"
    return c


class TestHtml:
    def test_fragment(self, policy: Policy, x_facts: AccountFacts) -> None:
        html = to_html_fragment(policy, x_facts, PUBLISHED, REVISED)
        doc = parse(html)
        assert doc.tags[0] == "section"
        assert doc.text["h2"] == [policy.title]
        assert doc.text["h3"] == [item.numbered_heading for item in ITEMS]
        text = "".join(doc.all_text)
        for fact in facts_of(x_facts):
            assert fact in text
        assert EVIL in text  # shown as text …
        assert "script" not in doc.tags and "b" not in doc.tags  # … never as markup
        assert not any(name.startswith("on") or name == "style" for name, _ in doc.attrs)
        assert "<script" not in html and "&lt;script&gt;" in html
        assert "制定 2025年4月1日" in text and "改定 2026年10月1日" in text
        assert {"p", "ul", "li", "a"} <= set(doc.tags)
        links = [v for k, v in doc.attrs if k == "href"]
        assert x_facts.url in links and x_facts.contact.form_url in links

    def test_link_href_is_escaped(self, x_policy: Policy, x_facts: AccountFacts) -> None:
        html = to_html_fragment(x_policy.replace_item("content", 'https://example.jp/?a=1&b="x"'), x_facts)
        assert 'href="https://example.jp/?a=1&amp;b="' in html

    def test_page(self, policy: Policy, x_facts: AccountFacts) -> None:
        html = to_html_page(policy, x_facts, PUBLISHED)
        assert html.startswith('<!DOCTYPE html>\n<html lang="ja">')
        assert '<meta charset="utf-8">' in html
        doc = parse(html)
        assert doc.text["title"] == [policy.title]
        assert doc.text["h3"] == [item.numbered_heading for item in ITEMS]
        assert "script" not in doc.tags
        assert doc.tags.count("style") == 1
        assert to_html_fragment(policy, x_facts, PUBLISHED) in html


class TestDocx:
    def test_headings_and_facts(self, policy: Policy, x_facts: AccountFacts, tmp_path: Path) -> None:
        from docx import Document
        from docx.oxml.ns import qn

        path = tmp_path / "policy.docx"
        to_docx(policy, x_facts, path, PUBLISHED, REVISED)
        document = Document(str(path))
        paragraphs = document.paragraphs
        assert paragraphs[0].style is not None and paragraphs[0].style.name == "Title"
        assert paragraphs[0].text == policy.title
        headings = [p.text for p in paragraphs if p.style is not None and p.style.name == "Heading 1"]
        assert headings == [item.numbered_heading for item in ITEMS]
        bullets = [p.text for p in paragraphs if p.style is not None and p.style.name == "List Bullet"]
        assert f"URL：{x_facts.url}" in bullets
        text = "\n".join(p.text for p in paragraphs)
        for fact in facts_of(x_facts):
            assert fact in text
        assert EVIL in text
        assert "制定 2025年4月1日\n改定 2026年10月1日" in text
        assert document.core_properties.title == policy.title
        assert document.core_properties.language == "ja-JP"
        for name in ("Normal", "Title", "Heading 1", "List Bullet"):
            rfonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
            assert rfonts.get(qn("w:eastAsia")) == "游ゴシック", name
            assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
        section = document.sections[0]
        assert section.page_width is not None and round(section.page_width.mm) == 210


class TestPdf:
    def test_text_font_and_metadata(self, policy: Policy, x_facts: AccountFacts, tmp_path: Path) -> None:
        path = tmp_path / "policy.pdf"
        to_pdf(policy, x_facts, path, PUBLISHED)
        reader = PdfReader(path)
        assert len(reader.pages) >= 2
        text = "\n".join(page.extract_text() for page in reader.pages)
        flat = text.replace("\n", "")
        for item in ITEMS:
            assert item.numbered_heading in text
        for fact in facts_of(x_facts):
            assert fact in flat, fact
        assert "制定 2025年4月1日" in text
        assert f"1 / {len(reader.pages)}" in text
        assert reader.metadata is not None and reader.metadata.title == policy.title
        assert reader.trailer["/Root"]["/Lang"] == "ja"
        page = reader.pages[0]
        page_box = page.mediabox
        assert (round(float(page_box.width) * 25.4 / 72), round(float(page_box.height) * 25.4 / 72)) == (210, 297)
        fonts = page["/Resources"]["/Font"]
        embedded = []
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if "/FontFile2" in descriptor:
                    embedded.append(str(descriptor["/FontName"]))
        assert embedded and all("IPAex" in name for name in embedded)

    def test_long_japanese_lines_wrap(self, x_policy: Policy, x_facts: AccountFacts, tmp_path: Path) -> None:
        long = "本アカウントで発信する情報" * 30
        path = tmp_path / "long.pdf"
        to_pdf(x_policy.replace_item("purpose", long), x_facts, path)
        text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        assert text.replace("\n", "").count("本アカウントで発信する情報") >= 30
        lines = [line for line in text.splitlines() if "本アカウントで発信する情報" in line]
        assert len(lines) >= 4  # wrapped, not cut off at the margin

    def test_undrawable_characters(
        self, x_policy: Policy, x_facts: AccountFacts, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Not dropped without a trace: each becomes 〓 (ゲタ), the usual mark for a missing character;
        validation names them beforehand (policy.glyph)."""
        policy = x_policy.replace_title("🌸東広島市 利用方針").replace_item(
            "purpose", "春の🌸情報と𠮷野の❤️話。\tタブ\u200bも。"
        )
        path = tmp_path / "emoji.pdf"
        with caplog.at_level(logging.DEBUG):
            to_pdf(policy, x_facts, path)
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
        reader = PdfReader(path)
        text = "\n".join(p.extract_text() for p in reader.pages).replace("\n", "")
        assert "〓東広島市 利用方針" in text
        assert "春の〓情報と〓野の〓話。" in text
        assert reader.metadata is not None and reader.metadata.title == "🌸東広島市 利用方針"

    def test_undrawable_helper(self) -> None:
        assert undrawable("春の🌸と𠮷野と❤️と🌸、髙﨑①〜\t\n\u200d") == ["🌸", "𠮷", "❤"]
        assert undrawable("") == []


def _width(s: str) -> float:
    """Full-width characters 2, ASCII 1."""
    return float(sum(1 if ord(c) < 128 else 2 for c in s))


class TestWrap:
    def test_fits(self) -> None:
        assert wrap_line("あいう", 6, _width) == ["あいう"]

    def test_breaks_between_japanese_characters(self) -> None:
        assert wrap_line("あいうえおか", 6, _width) == ["あいう", "えおか"]

    def test_closing_punctuation_hangs(self) -> None:
        assert wrap_line("あいう。えお", 6, _width) == ["あいう。", "えお"]

    def test_closing_bracket_pulls_a_character_down(self) -> None:
        assert wrap_line("あいう」えお", 6, _width) == ["あい", "う」え", "お"]

    def test_opening_bracket_never_ends_a_line(self) -> None:
        assert wrap_line("あい「うえお", 6, _width) == ["あい", "「うえ", "お"]

    def test_latin_words_stay_whole(self) -> None:
        assert wrap_line("see the page", 8, _width) == ["see the", "page"]

    def test_long_url_breaks_anywhere(self) -> None:
        lines = wrap_line("URL：https://example.jp/abcdef", 10, _width)
        assert "".join(lines) == "URL：https://example.jp/abcdef"
        assert all(_width(line) <= 10 for line in lines)

    def test_empty(self) -> None:
        assert wrap_line("", 10, _width) == [""]


def test_blocks() -> None:
    text = "前文です。\n続きの行。\n- 一つ目\n  一つ目の続き\n- 二つ目\n\n・三つ目\n\n後の段落"
    assert parse_blocks(text) == [
        Paragraph(("前文です。", "続きの行。")),
        Bullets(("一つ目\n一つ目の続き", "二つ目")),
        Bullets(("三つ目",)),
        Paragraph(("後の段落",)),
    ]


def test_edition_lines() -> None:
    assert edition_lines() == []
    assert edition_lines(PUBLISHED) == ["制定 2025年4月1日"]
    assert edition_lines(PUBLISHED, REVISED) == ["制定 2025年4月1日", "改定 2026年10月1日"]
