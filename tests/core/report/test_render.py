"""The report's three formats, read back: the HTML's SVG bars carry the right counts and every text is
escaped; the CSV parses back to the same numbers with formulas made inert; the PDF's text (pypdf) has the
facts, the charts' labels and counts included."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from sns_desk.core.report import ReportDocument, render
from sns_desk.core.report.html import render_html
from sns_desk.core.report.table import COLUMNS, render_csv

from .conftest import EVIL, FORMULA, HEAD

# -- HTML -------------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Every element with its attributes, the <g class="bar"> groups of each chart, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.charts: list[list[tuple[str, int, float, float]]] = []
        self.text: list[str] = []
        self._bar: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.elements.append((tag, values))
        if tag == "svg":
            self.charts.append([])
        elif tag == "g" and values.get("class") == "bar":
            self._bar = values
        elif tag == "rect" and self._bar is not None:
            label, count = self._bar["data-label"] or "", int(self._bar["data-count"] or "0")
            self.charts[-1].append((label, count, float(values["width"] or 0), float(values["height"] or 0)))
            self._bar = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_the_html_page_draws_the_posts_per_week_as_svg_bars(document: ReportDocument) -> None:
    page = parsed(render_html(document))
    weeks = page.charts[0]  # @hh_koho: posts per week
    assert [(label, count) for label, count, _, _ in weeks] == [
        ("12/1〜12/6", 2),
        ("12/7〜12/13", 3),
        ("12/14〜12/20", 1),
        ("12/21〜12/27", 0),
        ("12/28〜12/31", 1),
    ]
    heights = {label: height for label, _, _, height in weeks}
    assert heights["12/7〜12/13"] > heights["12/1〜12/6"] > heights["12/14〜12/20"] > 0 == heights["12/21〜12/27"]
    assert heights["12/1〜12/6"] / heights["12/14〜12/20"] == pytest.approx(2, rel=0.01)
    findings = page.charts[1]  # @hh_koho: findings by article, in the guideline's order
    assert [(label, count) for label, count, _, _ in findings] == [("第6条第6号", 1), ("第7条第2号", 2)]
    assert findings[1][2] == pytest.approx(2 * findings[0][2], rel=0.01)
    kanko_weeks = page.charts[2]  # @hh_kanko has posts but no findings: no empty findings chart
    assert sum(count for _, count, _, _ in kanko_weeks) == 1 and len(page.charts) == 3


def test_the_html_page_escapes_text_and_needs_nothing_from_outside(document: ReportDocument) -> None:
    html = render_html(document)
    assert "<script" not in html.lower() and "<b " not in html
    assert EVIL not in html
    page = parsed(html)
    text = "".join(page.text)
    assert EVIL in text  # in the description, the reason, the off-terminal reason and the author's name
    assert text.count(EVIL) >= 4
    assert {tag for tag, _ in page.elements}.isdisjoint({"script", "iframe", "object", "embed", "img", "link"})
    for _tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on")
            if name in ("href", "src"):
                assert (value or "").startswith("#")  # only links within the page
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html)  # no web font or image in the CSS
    assert page.elements[0][0] == "html" and page.elements[0][1].get("lang") == "ja"


def test_the_html_page_shows_the_facts(document: ReportDocument) -> None:
    text = " ".join(" ".join(parsed(render_html(document)).text).split())
    for expected in (
        "SNS 運用月次報告 2026年12月",
        "作成時点で 42 件",
        HEAD.last_hash,
        "@hh_koho",
        "@hh_kanko",
        "X(旧Twitter)",
        "2027-01-04 09:30",  # made at, Japan time
        "事案 9: なりすまし(第8条第1項) — 対応中",
        "電話で報告",
        "45分",
        "2時間05分",
        "問い合わせがないため",
        "sns-desk-backup-20261210-020000",
        "第7条第2号(2 件)",
    ):
        assert expected in text, expected
    for expected in (
        "訂正(第9条)",
        "この月に投稿した訂正 2 件",
        "【訂正】窓口は午後1時まで",
        "https://x.com/hh_koho/status/102",
        "コメントの削除・非表示(第9条)",
        "利用方針に基づく削除・非表示 3 件(ほかに訂正・取消された記録と取消の記録 3 件。数えていません)",
        "記録 3 で訂正(数えない)",
        "記録 5 で取消(数えない)",
        "記録 4 の取消(数えない)",
        "記録 2 を訂正",
        "電話番号の書き込み",
        "この月に投稿した訂正はありません。",  # @hh_kanko
        "この月に記録されたコメントの削除・非表示はありません。",
    ):
        assert expected in text, expected
    assert "【訂正】元日" not in text  # January's correction


def test_the_html_page_counts_corrections_and_moderation(document: ReportDocument) -> None:
    page = parsed(render_html(document))
    rows = {tag: [a for t, a in page.elements if t == "tr" and tag in a] for tag in ("data-correction", "data-entry")}
    assert [(a["data-correction"], a["data-original"]) for a in rows["data-correction"]] == [
        ("102", "101"),
        ("104", "103"),
    ]
    assert [(a["data-entry"], a["data-counted"]) for a in rows["data-entry"]] == [
        ("1", "yes"),
        ("2", "no"),
        ("3", "yes"),
        ("4", "no"),
        ("5", "no"),
        ("6", "yes"),
    ]
    actions = {a["data-action"]: a["data-count"] for t, a in page.elements if t == "tr" and "data-action" in a}
    assert actions == {"delete": "1", "hide": "2"}
    items = [(a["data-item"], a["data-count"]) for t, a in page.elements if t == "tr" and "data-item" in a]
    assert items == [("user_rules", "2"), ("personal_information", "1")]
    assert [a["data-moderation"] for t, a in page.elements if "data-moderation" in a] == ["3"]


# -- CSV --------------------------------------------------------------------------------------------------


def test_the_csv_parses_back_with_the_same_numbers(document: ReportDocument) -> None:
    data = render_csv(document)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0].keys()) == COLUMNS

    def of(section: str, account: str = "'@hh_koho") -> list[dict[str, str]]:
        return [r for r in rows if r["section"] == section and r["account"] == account]

    assert {r["key"]: int(r["count"]) for r in of("posts")} == {"total": 7, "from_desk": 3}
    assert [(r["key"], int(r["count"])) for r in of("posts_week")] == [
        ("2026-12-01..2026-12-06", 2),
        ("2026-12-07..2026-12-13", 3),
        ("2026-12-14..2026-12-20", 1),
        ("2026-12-21..2026-12-27", 0),
        ("2026-12-28..2026-12-31", 1),
    ]
    assert {r["key"]: int(r["count"]) for r in of("drafts")} == {
        "submitted": 2,
        "submitted_drafts": 1,
        "approved": 1,
        "approved_drafts": 1,
        "returned": 1,
        "returned_drafts": 1,
        "discarded": 0,
        "discarded_drafts": 0,
    }
    assert [(r["article"], r["label"], int(r["count"])) for r in of("findings_article")] == [
        ("6-6", "第6条第6号", 1),
        ("7-2", "第7条第2号", 2),
    ]
    steps = {r["key"]: r for r in of("incident_step")}
    assert (steps["9:reported"]["elapsed_min"], steps["9:report"]["elapsed_min"], steps["9:press"]["elapsed_min"]) == (
        "10",
        "45",
        "125",
    )
    assert (steps["9:report"]["state"], steps["9:press"]["state"], steps["9:closed"]["state"]) == (
        "済み",
        "不要",
        "未了",
    )
    (backup,) = of("backup")
    assert (backup["count"], backup["state"], backup["detail"]) == ("120", "定期", "全アカウント")
    assert [int(r["count"]) for r in of("backup_account_items")] == [80]
    assert {
        r["key"]: r["count"] or r["detail"] for r in rows if r["section"] == "report" and r["key"] != "generated_at"
    } == {
        "audit_records": "42",
        "audit_head": HEAD.last_hash,
    }
    assert [int(r["count"]) for r in of("posts", "'@hh_kanko") if r["key"] == "total"] == [1]

    assert [(r["key"], r["at_jst"], r["ref"]) for r in of("correction")] == [
        ("102", "2026-12-03 12:00", "https://x.com/hh_koho/status/102"),
        ("104", "2026-12-10 11:00", "https://x.com/hh_koho/status/104"),
    ]
    assert [(r["key"], r["at_jst"], r["detail"]) for r in of("correction_original")] == [
        ("102:101", "2026-11-20 12:00", "花火大会は 8月3日(土)です"),
        ("104:103", "2026-12-10 10:00", "窓口は午後3時まで"),
    ]
    assert {r["key"]: int(r["count"]) for r in of("moderation_action")} == {"delete": 1, "hide": 2}
    assert [(r["key"], int(r["count"])) for r in of("moderation_item")] == [
        ("user_rules", 2),
        ("personal_information", 1),
    ]
    moderation = of("moderation")
    assert [(r["key"], r["label"], int(r["count"])) for r in moderation] == [
        ("1", "削除", 1),
        ("2", "削除", 0),
        ("3", "非表示", 1),
        ("4", "非表示", 0),
        ("5", "取消", 0),
        ("6", "非表示", 1),
    ]
    assert sum(int(r["count"]) for r in moderation) == 3
    assert moderation[1]["note"] == "記録 3 で訂正(数えない)" and moderation[1]["ref"] == "'=spam"
    assert moderation[5]["state"].startswith("第4条第4項第9号") and moderation[5]["by"] == "kacho"
    assert of("correction", "'@hh_kanko") == [] and of("moderation_action", "'@hh_kanko") == []


def test_csv_cells_are_safe_in_excel(document: ReportDocument) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(document).decode("utf-8-sig"), newline="")))
    reasons = [r["detail"] for r in rows if r["section"] == "finding"]
    assert "'" + FORMULA in reasons  # shown as text, never run
    assert all(not r["account"].startswith("@") for r in rows)  # '@hh_koho
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
            if value.startswith("-"):
                assert column == "elapsed_min" and value[1:].isdigit()


# -- PDF ----------------------------------------------------------------------------------------------------


def test_the_pdf_holds_the_facts_and_the_charts_text(document: ReportDocument) -> None:
    data = render(document, "pdf")
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3  # an overview, then each account from a new page
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = "".join(text.split())
    for expected in (
        "SNS運用月次報告2026年12月",
        "@hh_koho",
        "@hh_kanko",
        "週ごとの投稿数(合計7件)",
        "条項ごとの確認済みの警告(合計3件)",
        "12/7〜12/13",
        "第7条第2号",
        "事案9:なりすまし(第8条第1項)—対応中",
        "電話で報告",
        "2時間05分",
        "会場の住所",
        "sns-desk-backup-20261210-020000",
        HEAD.last_hash,
        "訂正(第9条)",
        "この月に投稿した訂正2件",
        "【訂正】窓口は午後1時まで",
        "コメントの削除・非表示(第9条)",
        "利用方針に基づく削除・非表示3件",
        "記録3で訂正(数えない)",
        "記録4の取消(数えない)",
        "電話番号の書き込み",
    ):
        assert expected in flat, expected
    assert "【訂正】元日" not in flat
    embedded = [
        str(descendant.get_object()["/FontDescriptor"].get_object()["/FontName"])
        for ref in reader.pages[0]["/Resources"]["/Font"].values()
        for descendant in ref.get_object().get("/DescendantFonts", [])
    ]
    assert embedded and all("IPAex" in name for name in embedded)
    assert reader.metadata is not None and reader.metadata.title == document.title


def test_every_format_renders_an_empty_document() -> None:
    from sns_desk.core.report import Month

    from .conftest import NOW

    empty = ReportDocument(Month(2026, 12), (), HEAD, NOW, "tanaka")
    assert "対象のアカウントがありません" in render(empty, "html").decode("utf-8")
    assert render(empty, "csv").decode("utf-8-sig").count("\r\n") == 4  # header and the three report rows
    assert "対象のアカウントがありません" in "".join(
        PdfReader(io.BytesIO(render(empty, "pdf"))).pages[0].extract_text().split()
    )


def test_the_pdf_marks_what_its_font_cannot_draw() -> None:
    from sns_desk.core.report import AcknowledgementFact, monthly_report

    from .conftest import ACCOUNT, DECEMBER, NOW, utc

    report = monthly_report(
        DECEMBER,
        ACCOUNT,
        acknowledgements=[AcknowledgementFact(1, "r", "7-2", "🎉開館記念の\u200bお祝い", "suzuki", utc(2026, 12, 1))],
        audit=HEAD,
        generated_at=NOW,
        generated_by="tanaka",
    )
    data = render(ReportDocument(DECEMBER, (report,), HEAD, NOW, "tanaka"), "pdf")
    text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert "〓開館記念のお祝い" in text  # the emoji shown as missing, the zero-width space left out
