"""The account request document (開設申請書, 第4条第2項): read the HTML and the Word file back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from sns_desk.core.account_request import (
    ANNEX_HEADING,
    BLANK_DATE,
    TITLE,
    request_date,
    request_document_docx,
    request_document_html,
)
from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.policy import ITEMS, Policy

EVIL = '子育て世帯への<b>情報</b>発信 & <script>alert("x")</script>'


@pytest.fixture
def requested() -> Account:
    return Account(
        id=7,
        platform="x",
        name="@hh_kosodate",
        url="",
        department="こども家庭課",
        manager="kacho",
        status=AccountStatus.REQUESTED,
        display_name="東広島市 子育て応援",
        manager_title="こども家庭課長",
        publisher_title="こども家庭課 子育て支援係長",
        operating_hours="平日 8時30分〜17時15分",
        contact="082-420-0000 / kodomo@city.example.jp",
        purpose=EVIL,
        requested_by="kacho",
        # 2026-03-31 16:30 UTC is already 1 April in Japan.
        requested_at=dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC),
    )


@pytest.fixture
def approved(requested: Account) -> Account:
    return dataclasses.replace(
        requested,
        status=AccountStatus.APPROVED,
        url="https://x.com/hh_kosodate",
        approval_number="広戦第12号",
        approved_by="tanaka",
        approved_on=dt.date(2026, 4, 8),
    )


@pytest.fixture
def policy() -> Policy:
    texts = {item.id: f"{item.heading}についての本文です。" for item in ITEMS}
    texts["user_rules"] = "次のような投稿は削除します。\n\n- 誹謗中傷\n- <i>宣伝</i>"
    return Policy("東広島市 子育て応援 X公式アカウント 利用方針", texts)


class Page(HTMLParser):
    """Text per element class and per tag, table rows as (th, td) pairs, every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.stack: list[tuple[str, str]] = []
        self.by_class: dict[str, list[str]] = {}
        self.by_tag: dict[str, list[str]] = {}
        self.rows: dict[str, dict[str, str]] = {}
        self._table = ""
        self._th = ""
        self._cell: list[str] | None = None
        self.doctype = ""
        self.lang = ""
        self.charset = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        if tag == "meta" and "charset" in attributes:
            self.charset = attributes["charset"] or ""
        if tag == "table":
            self._table = attributes.get("class") or ""
            self.rows.setdefault(self._table, {})
        if tag in ("th", "td"):
            self._cell = []
        if tag == "br" and self._cell is not None:
            self._cell.append("\n")
        if tag not in ("br", "meta"):
            self.stack.append((tag, attributes.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            if tag == "th":
                self._th = text
            else:
                self.rows[self._table][self._th] = text
            self._cell = None
        if self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if not self.stack:
            return
        tag, cls = self.stack[-1]
        self.by_tag.setdefault(tag, []).append(data)
        for name in cls.split():
            self.by_class.setdefault(name, []).append(data)

    def text(self, cls: str) -> str:
        return "".join(self.by_class.get(cls, []))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_html_is_a_standalone_printable_page(requested: Account) -> None:
    html = request_document_html(requested)
    page = parse(html)
    assert page.doctype.lower() == "doctype html"
    assert page.lang == "ja" and page.charset.lower() == "utf-8"
    assert "style" in page.tags and "@media print" in html and "@page" in html
    assert "script" not in page.tags
    assert "".join(page.by_tag["h1"]) == TITLE


def test_html_states_the_request_and_the_facts(requested: Account) -> None:
    page = parse(request_document_html(requested))
    assert page.text("date") == "2026年4月1日"  # requested_at in JST
    assert "経営戦略チーム 広報戦略担当(運用管理者)" in page.text("addressee")
    assert page.text("sender") == "こども家庭課こども家庭課長"
    assert "第4条第2項" in page.text("request")
    facts = page.rows["facts"]
    assert facts["媒体"] == "X(旧Twitter)"
    assert facts["アカウント名"] == "@hh_kosodate"
    assert facts["表示名"] == "東広島市 子育て応援"
    assert facts["URL"] == "開設後に記入"
    assert facts["開設の目的"] == EVIL
    assert facts["運用体制"] == (
        "アカウント管理者(第4条第3項): こども家庭課長\n情報発信責任者: こども家庭課 子育て支援係長"
    )
    assert facts["運用時間"] == "平日 8時30分〜17時15分"
    assert facts["問い合わせ先"] == "082-420-0000 / kodomo@city.example.jp"
    assert facts["利用方針"] == "別途定める"
    assert ANNEX_HEADING not in "".join(page.by_tag.get("h2", []))


def test_html_escapes_what_the_department_typed(requested: Account) -> None:
    html = request_document_html(requested, addressee="広報<戦略>担当")
    page = parse(html)
    assert "<b>" not in html and "&lt;b&gt;情報&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html and "script" not in page.tags and "b" not in page.tags
    assert "&amp;" in html
    assert "広報<戦略>担当" in page.text("addressee")


def test_publisher_defaults_to_the_manager_and_options_override(requested: Account) -> None:
    account = dataclasses.replace(requested, publisher_title="", requested_at=None, platform="mastodon")
    page = parse(request_document_html(account, addressee="広報戦略担当", platform_label="マストドン"))
    assert page.rows["facts"]["運用体制"].endswith("情報発信責任者: こども家庭課長")
    assert page.rows["facts"]["媒体"] == "マストドン"
    assert page.text("date") == BLANK_DATE  # no date: left to fill in by hand
    assert page.text("addressee") == "広報戦略担当 様"
    dated = parse(request_document_html(account, requested_on=dt.date(2026, 5, 7)))
    assert dated.text("date") == "2026年5月7日"
    # Without a template for the platform, the registry id names it.
    assert parse(request_document_html(account)).rows["facts"]["媒体"] == "mastodon"


def test_request_date_reads_a_naive_moment_as_utc(requested: Account) -> None:
    naive = dataclasses.replace(requested, requested_at=dt.datetime(2026, 6, 30, 20, 0))
    assert request_date(naive) == dt.date(2026, 7, 1)
    assert request_date(naive, dt.date(2026, 6, 1)) == dt.date(2026, 6, 1)


def test_policy_is_attached_as_an_annex(requested: Account, policy: Policy) -> None:
    html = request_document_html(requested, policy=policy)
    page = parse(html)
    assert page.rows["facts"]["利用方針"] == "別紙のとおり"
    assert "".join(page.by_tag["h2"]) == ANNEX_HEADING
    assert page.by_tag["h3"] == [item.numbered_heading for item in ITEMS]
    assert page.text("policy-title") == policy.title
    assert "誹謗中傷" in page.by_tag["li"] and "<i>宣伝</i>" in page.by_tag["li"]
    assert "<i>" not in html


def test_approval_box_is_blank_until_approved(requested: Account, approved: Account) -> None:
    blank = parse(request_document_html(requested)).rows["approval"]
    assert blank == {"承認番号": "", "承認日": "", "運用管理者": ""}
    filled = parse(request_document_html(approved))
    assert filled.rows["approval"]["承認番号"] == "広戦第12号"
    assert filled.rows["approval"]["承認日"] == "2026年4月8日"
    assert "広報戦略担当" in filled.rows["approval"]["運用管理者"]
    assert "tanaka" in filled.rows["approval"]["運用管理者"]
    assert filled.rows["facts"]["URL"] == "https://x.com/hh_kosodate"
    # A refused request keeps the box empty.
    rejected = dataclasses.replace(approved, status=AccountStatus.REJECTED)
    assert set(parse(request_document_html(rejected)).rows["approval"].values()) == {""}


def _tables(path: Path) -> list[dict[str, str]]:
    document = docx.Document(str(path))
    return [{row.cells[0].text: row.cells[1].text for row in table.rows} for table in document.tables]


def test_docx_has_the_same_facts(requested: Account, tmp_path: Path) -> None:
    target = tmp_path / "request.docx"
    request_document_docx(requested, target)
    document = docx.Document(str(target))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    paragraphs = [p.text for p in document.paragraphs]
    assert TITLE in paragraphs and "2026年4月1日" in paragraphs
    assert "経営戦略チーム 広報戦略担当(運用管理者) 様" in paragraphs
    assert any("第4条第2項" in p for p in paragraphs)
    facts, approval = _tables(target)
    assert facts["媒体"] == "X(旧Twitter)"
    assert facts["アカウント名"] == "@hh_kosodate"
    assert facts["URL"] == "開設後に記入"
    assert facts["開設の目的"] == EVIL
    assert "こども家庭課長" in facts["運用体制"] and "子育て支援係長" in facts["運用体制"]
    assert facts["運用時間"] == "平日 8時30分〜17時15分"
    assert facts["問い合わせ先"] == "082-420-0000 / kodomo@city.example.jp"
    assert facts["利用方針"] == "別途定める"
    assert approval == {"承認番号": "", "承認日": "", "運用管理者": ""}
    assert all(table.style is not None and table.style.name == "Table Grid" for table in document.tables)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "游明朝"


def test_docx_with_policy_and_approval(approved: Account, policy: Policy, tmp_path: Path) -> None:
    target = tmp_path / "approved.docx"
    request_document_docx(approved, target, policy=policy)
    facts, approval = _tables(target)
    assert facts["利用方針"] == "別紙のとおり"
    assert facts["URL"] == "https://x.com/hh_kosodate"
    assert approval["承認番号"] == "広戦第12号" and approval["承認日"] == "2026年4月8日"
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert headings == [ANNEX_HEADING, *(item.numbered_heading for item in ITEMS)]
    bullets = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert bullets == ["誹謗中傷", "<i>宣伝</i>"]
