"""A usage policy as published: an HTML fragment for the city website's CMS, a standalone HTML
page, a Word document and a PDF (with the bundled IPAex Gothic font embedded).

Item texts are "Markdown-light": blank lines separate paragraphs, a line starting with ``- ``
(or ``・``) is a bullet; other line breaks inside a paragraph are kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..text_entities import find_urls
from .items import ITEMS, PolicyItem
from .model import AccountFacts, Policy

if TYPE_CHECKING:  # fpdf2 takes ~0.5 s to import: only when a PDF is made
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle
    from docx.text.paragraph import Paragraph as DocxParagraph
    from fpdf import FPDF

PathLike = str | os.PathLike[str]

DOCX_FONT = "游ゴシック"
PDF_FONT = "IPAexGothic"


# -- blocks ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]
    """One entry per bullet; an entry may hold line breaks (indented continuation lines)."""


Block = Paragraph | Bullets

_BULLET = re.compile(r"^\s*(?:[-*]\s+|・\s*)")
_CHUNKS = re.compile(r"\n[ \t\u3000]*\n")


def parse_blocks(text: str) -> list[Block]:
    """The paragraphs and bullet lists of an item's text."""
    out: list[Block] = []
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    for chunk in _CHUNKS.split(normalised):
        lines: list[str] = []
        bullets: list[str] = []
        for raw in chunk.split("\n"):
            line = raw.rstrip()
            if not line.strip():
                continue
            m = _BULLET.match(line)
            if m:
                if lines:
                    out.append(Paragraph(tuple(lines)))
                    lines = []
                bullets.append(line[m.end() :].strip())
            elif bullets and line[:1] in (" ", "\t", "\u3000"):
                bullets[-1] += "\n" + line.strip()  # an indented line continues the bullet
            else:
                if bullets:
                    out.append(Bullets(tuple(bullets)))
                    bullets = []
                lines.append(line.strip())
        if lines:
            out.append(Paragraph(tuple(lines)))
        if bullets:
            out.append(Bullets(tuple(bullets)))
    return out


def sections(policy: Policy) -> Iterator[tuple[PolicyItem, list[Block]]]:
    """The nine items in order with their blocks (ids that are not one of the nine are not published)."""
    for item in ITEMS:
        yield item, parse_blocks(policy.text(item.id))


def japanese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def edition_lines(published_on: dt.date | None = None, revised_on: dt.date | None = None) -> list[str]:
    """「制定 2025年4月1日」「改定 2026年4月1日」 for the end of the document."""
    lines = []
    if published_on is not None:
        lines.append(f"制定 {japanese_date(published_on)}")
    if revised_on is not None:
        lines.append(f"改定 {japanese_date(revised_on)}")
    return lines


def _title(policy: Policy, facts: AccountFacts) -> str:
    return policy.title.strip() or f"{facts.shown_name} 利用方針"


# -- HTML -----------------------------------------------------------------------------------------

def _inline_html(text: str) -> str:
    """Escaped text; http(s) URLs become links (the href escaped too)."""
    out: list[str] = []
    pos = 0
    for url in find_urls(text):
        if "://" not in url.value:
            continue  # a bare host (city.example.jp/…) stays text, as the policy's author wrote it
        out.append(escape(text[pos : url.start]))
        out.append(f'<a href="{escape(url.value, quote=True)}">{escape(url.text)}</a>')
        pos = url.end
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _blocks_html(blocks: list[Block]) -> list[str]:
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append("<p>" + "<br>".join(_inline_html(line) for line in block.lines) + "</p>")
        else:
            out.append("<ul>")
            out.extend(f"<li>{_inline_html(entry)}</li>" for entry in block.items)
            out.append("</ul>")
    return out


def to_html_fragment(
    policy: Policy,
    facts: AccountFacts,
    published_on: dt.date | None = None,
    revised_on: dt.date | None = None,
) -> str:
    """A ``<section>`` to paste into the city website's CMS: no scripts, no inline styles."""
    lines = ['<section class="sns-policy">', f"<h2>{escape(_title(policy, facts))}</h2>"]
    for item, blocks in sections(policy):
        lines.append(f"<h3>{escape(item.numbered_heading)}</h3>")
        lines.extend(_blocks_html(blocks))
    editions = edition_lines(published_on, revised_on)
    if editions:
        lines.append('<p class="sns-policy-edition">' + "<br>".join(escape(e) for e in editions) + "</p>")
    lines.append("</section>")
    return "\n".join(lines) + "\n"


_PAGE_STYLE = """\
body { font-family: "Hiragino Sans", "Yu Gothic", "Meiryo", "IPAexGothic", sans-serif; line-height: 1.8;
  color: #222; margin: 0; }
main { max-width: 48em; margin: 0 auto; padding: 2em 1.5em; }
h2 { font-size: 1.5em; border-bottom: 2px solid #336; padding-bottom: .3em; }
h3 { font-size: 1.15em; margin-top: 1.8em; border-left: 4px solid #336; padding-left: .5em; }
ul { padding-left: 1.5em; }
a { color: #1a4f9c; overflow-wrap: anywhere; }
.sns-policy-edition { text-align: right; margin-top: 2.5em; }"""


def to_html_page(
    policy: Policy,
    facts: AccountFacts,
    published_on: dt.date | None = None,
    revised_on: dt.date | None = None,
) -> str:
    """A standalone page (for preview or to hand to the web team) around the fragment."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{escape(_title(policy, facts))}</title>\n"
        f"<style>\n{_PAGE_STYLE}\n</style>\n"
        "</head>\n"
        "<body>\n"
        "<main>\n"
        f"{to_html_fragment(policy, facts, published_on, revised_on)}"
        "</main>\n"
        "</body>\n"
        "</html>\n"
    )


# -- Word -----------------------------------------------------------------------------------------


def _set_style_font(style: BaseStyle, font: str) -> None:
    """Use ``font`` for every script of a style (w:eastAsia included) instead of theme fonts."""
    from docx.oxml.ns import qn

    element = style.element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _set_japanese_defaults(document: DocxDocument, font: str) -> None:
    from docx.oxml.ns import qn

    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = rpr.makeelement(qn("w:lang"), {})
                rpr.append(lang)
            lang.set(qn("w:eastAsia"), "ja-JP")
            lang.set(qn("w:val"), "ja-JP")
    for name in ("Normal", "Title", "Heading 1", "List Bullet", "Footer"):
        _set_style_font(document.styles[name], font)


def _add_page_number(paragraph: DocxParagraph) -> None:
    from docx.oxml.ns import qn

    p = paragraph._p
    field = p.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
    run = field.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "1"
    run.append(text)
    field.append(run)
    p.append(field)


def to_docx(
    policy: Policy,
    facts: AccountFacts,
    path: PathLike,
    published_on: dt.date | None = None,
    revised_on: dt.date | None = None,
    *,
    font: str = DOCX_FONT,
) -> None:
    """A Word document (A4): title, a heading per item, paragraphs and bullet lists."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    _set_japanese_defaults(document, font)
    document.styles["Normal"].font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_page_number(footer)

    title = _title(policy, facts)
    props = document.core_properties
    props.title = title
    props.subject = "ソーシャルメディア等の利用方針(東広島市ソーシャルメディア等に関する運用ガイドライン第4条第4項)"
    props.author = f"東広島市 {facts.department}".strip()
    props.language = "ja-JP"

    document.add_heading(title, level=0)
    for item, blocks in sections(policy):
        document.add_heading(item.numbered_heading, level=1)
        for block in blocks:
            entries = [block.lines] if isinstance(block, Paragraph) else [e.split("\n") for e in block.items]
            style = None if isinstance(block, Paragraph) else "List Bullet"
            for lines in entries:
                paragraph = document.add_paragraph(style=style)
                for i, line in enumerate(lines):
                    run = paragraph.add_run(line)
                    if i < len(lines) - 1:
                        run.add_break()
    editions = edition_lines(published_on, revised_on)
    if editions:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_before = Pt(18)
        for i, line in enumerate(editions):
            run = paragraph.add_run(line)
            if i < len(editions) - 1:
                run.add_break()
    document.save(os.fspath(path))


# -- PDF ------------------------------------------------------------------------------------------

# Japanese line breaking (禁則): these never start a line …
_NO_START = set("、。,.，．)）]］｝〕〉》」』】〙〗〟’”!?！？:;：；・…‥") | set(
    "ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻ゝゞヽヾ"
)
# … of which these may hang into the margin (ぶら下げ); the others pull a character down (追い出し).
_HANGING = set("、。,.，．")
# … and these never end one.
_NO_END = set("([（［｛〔〈《「『【〘〖〝‘“")
_UNITS = re.compile(r"[!-~]+|\s|.", re.DOTALL)


def wrap_line(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break one line of text to ``width``: between any two Japanese characters, between words of
    Latin text (a word longer than a line, like a URL, is broken anywhere), with 禁則処理."""
    units: list[str] = _UNITS.findall(text)
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    i = 0
    while i < len(units):
        unit = units[i]
        w = measure(unit)
        if unit.isspace() and not line:
            i += 1
            continue
        if used + w <= width or (not line and len(unit) == 1):
            line.append(unit)
            used += w
            i += 1
            continue
        if len(unit) > 1 and (not line or w > width):
            # A Latin word that does not fit a line on its own: split it into characters.
            units[i : i + 1] = list(unit)
            continue
        carry: list[str] = []
        if unit in _HANGING and line:
            line.append(unit)  # hangs into the margin
            i += 1
        elif unit in _NO_START and len(line) > 1:
            carry.append(line.pop())
        while len(line) > 1 and line[-1] in _NO_END:
            carry.insert(0, line.pop())
        while line and line[-1].isspace():
            line.pop()
        lines.append("".join(line))
        line = carry
        used = sum(measure(u) for u in line)
    while line and line[-1].isspace():
        line.pop()
    if line or not lines:
        lines.append("".join(line))
    return lines


def _pdf_class() -> type[FPDF]:
    from fpdf import FPDF

    class PolicyPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(PDF_FONT, size=9)
            self.set_text_color(90)
            self.cell(0, 8, f"{self.page_no()} / {{nb}}", align="C")
            self.set_text_color(0)

    return PolicyPdf


def default_font_path() -> Path:
    from ...resources import resource_path

    return resource_path("fonts", "ipaexg.ttf")


_PT = 25.4 / 72  # millimetres in a point
MISSING_GLYPH = "〓"
"""What the PDF shows for a character its font cannot draw (ゲタ, the printers' mark for a missing one)."""


@lru_cache(maxsize=4)
def _codepoints(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]  # (no stubs)

    try:
        with TTFont(path, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except TTLibError as exc:
        raise OSError(f"PDF のフォント {path} を読めません: {exc}") from None


def font_codepoints(font_path: Path | None = None) -> frozenset[int]:
    """The characters the PDF font (default: the bundled IPAex Gothic) has a glyph for; read once.
    ``OSError`` when the font cannot be read."""
    return _codepoints(os.fspath(font_path or default_font_path()))


def _invisible(ch: str) -> bool:
    """Spaces, control and format characters (zero-width joiners …) and variation selectors: nothing
    is lost when a PDF leaves them out."""
    cp = ord(ch)
    return (
        ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF
    )


def undrawable(text: str, font_path: Path | None = None) -> list[str]:
    """The characters of ``text`` the PDF font cannot draw (emoji, 𠮷 …), each once, in order."""
    drawable = font_codepoints(font_path)
    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) not in drawable and not _invisible(ch):
            seen.setdefault(ch)
    return list(seen)


def _drawable_text(text: str, drawable: frozenset[int]) -> str:
    """``text`` with what the font cannot draw made visible (〓) instead of silently dropped, and
    invisible characters it has no glyph for left out (a space for a tab)."""
    if all(ord(ch) in drawable for ch in text):
        return text
    out = []
    for ch in text:
        if ord(ch) in drawable:
            out.append(ch)
        elif _invisible(ch):
            out.append(" " if ch.isspace() else "")
        else:
            out.append(MISSING_GLYPH)
    return "".join(out)


def to_pdf(
    policy: Policy,
    facts: AccountFacts,
    path: PathLike,
    published_on: dt.date | None = None,
    revised_on: dt.date | None = None,
    *,
    font_path: Path | None = None,
) -> None:
    """A4 PDF with the IPAex Gothic font embedded (subset), page numbers in the footer.

    A character the font cannot draw is printed as 〓 (validation names them beforehand)."""
    font_file = font_path or default_font_path()
    drawable = font_codepoints(font_file)
    pdf = _pdf_class()(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font(PDF_FONT, "", os.fspath(font_file))
    title = _title(policy, facts)
    pdf.set_title(title)
    pdf.set_lang("ja")
    pdf.set_author(f"東広島市 {facts.department}".strip())
    pdf.set_subject("ソーシャルメディア等の利用方針(第4条第4項)")
    pdf.set_creator("sns_desk")
    pdf.add_page()
    full = pdf.w - pdf.l_margin - pdf.r_margin

    def write(text: str, size: float, indent: float = 0.0, align: str = "L", leading: float = 1.7) -> None:
        pdf.set_font(PDF_FONT, size=size)
        height = size * _PT * leading
        for line in wrap_line(_drawable_text(text, drawable), full - indent, pdf.get_string_width):
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(full - indent, height, line, align=align, new_x="LMARGIN", new_y="NEXT")

    write(title, 16, align="C", leading=1.5)
    pdf.ln(4)
    body = 10.5
    for item, blocks in sections(policy):
        if pdf.will_page_break(13 * _PT * 1.6 + body * _PT * 1.7 * 2 + 6):
            pdf.add_page()
        pdf.ln(3)
        write(item.numbered_heading, 13, leading=1.6)
        y = pdf.get_y()
        pdf.set_draw_color(120)
        pdf.line(pdf.l_margin, y, pdf.l_margin + full, y)
        pdf.ln(2)
        for block in blocks:
            if isinstance(block, Paragraph):
                for line in block.lines:
                    write(line, body)
            else:
                bullet_width = pdf.get_string_width("・") + 0.5
                for entry in block.items:
                    pdf.set_font(PDF_FONT, size=body)
                    top = pdf.get_y()
                    if pdf.will_page_break(body * _PT * 1.7):
                        pdf.add_page()
                        top = pdf.get_y()
                    pdf.set_xy(pdf.l_margin + 2, top)
                    pdf.cell(bullet_width, body * _PT * 1.7, "・")
                    pdf.set_y(top)
                    for line in entry.split("\n"):
                        write(line, body, indent=2 + bullet_width)
            pdf.ln(1.5)
    editions = edition_lines(published_on, revised_on)
    if editions:
        pdf.ln(6)
        for line in editions:
            write(line, body, align="R")
    pdf.output(os.fspath(path))
