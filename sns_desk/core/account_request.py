"""The account request document (開設申請書): the head of a department asks the operations manager in
writing before an official account is opened (第4条第2項).

The document is printable HTML (a Jinja2 template in ``resources/requests/``, autoescaped) or a Word
document (A4). Both are made from one :class:`RequestDocument`, so that they say the same thing:
the date, the addressee, the requesting department and its head, a table of the account's facts, the
operations manager's approval box (filled in once the account is approved) and, when a draft usage
policy is given, its nine items as an annex (第4条第4項).

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sns_desk.core.jst import JST

from .accounts import Account, AccountStatus
from .policy.model import Policy
from .policy.render import Bullets, _set_japanese_defaults, _set_style_font, japanese_date, sections
from .policy.templates import PolicyTemplateError, template_for

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell
    from jinja2 import Environment

PathLike = str | os.PathLike[str]


TITLE: Final = "ソーシャルメディア等公式アカウント開設申請書"
OPERATIONS_MANAGER: Final = "経営戦略チーム 広報戦略担当"
"""Who the operations manager (運用管理者) is (第4条第1項)."""
DEFAULT_ADDRESSEE: Final = f"{OPERATIONS_MANAGER}(運用管理者)"
ANNEX_HEADING: Final = "別紙 利用方針(案)"
BLANK_DATE: Final = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
"""The date line left to be filled in by hand."""
URL_PENDING: Final = "開設後に記入"
POLICY_ATTACHED: Final = "別紙のとおり"
POLICY_LATER: Final = "別途定める"

DOCX_FONT: Final = "游明朝"
TEMPLATE_NAME: Final = "account_request.html.j2"

_APPROVED = (AccountStatus.APPROVED, AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a table: a label and its value, one entry per printed line."""

    label: str
    lines: tuple[str, ...]
    pending: bool = False
    """The value is a reminder to fill in later (e.g. the URL before the account exists)."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True, slots=True)
class AnnexBlock:
    bullets: bool
    entries: tuple[tuple[str, ...], ...]
    """A paragraph is one entry; a bullet list has one entry per bullet. Each entry is its lines."""


@dataclass(frozen=True, slots=True)
class AnnexSection:
    heading: str
    blocks: tuple[AnnexBlock, ...]


@dataclass(frozen=True, slots=True)
class RequestDocument:
    """Everything the request says, in the order it is printed."""

    title: str
    account_name: str
    date_text: str
    addressee: str
    department: str
    sender_title: str
    request_text: str
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    approval_caption: str
    approval: tuple[Row, ...]
    approved: bool
    annex_heading: str
    policy_title: str
    annex: tuple[AnnexSection, ...]
    """Empty when no policy is attached."""


def _lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of a free-text field (a single empty line when there is nothing)."""
    lines = tuple(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())
    return lines or ("",)


def _platform_label(account: Account, given: str) -> str:
    if given.strip():
        return given.strip()
    try:
        label = template_for(account.platform).label
    except PolicyTemplateError:
        label = ""
    return label.strip() or account.platform


def request_date(account: Account, requested_on: dt.date | None = None) -> dt.date | None:
    """The date the request carries: ``requested_on``, else the day it was filed (in JST), else None."""
    if requested_on is not None:
        return requested_on
    moment = account.requested_at
    if moment is None:
        return None
    if moment.tzinfo is None:  # stored as UTC without a zone
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(JST).date()


def is_approved(account: Account) -> bool:
    """The operations manager has approved the account (第4条第2項) and it has not been refused."""
    return account.status in _APPROVED and bool(account.approval_number.strip() or account.approved_on)


def _annex(policy: Policy) -> tuple[AnnexSection, ...]:
    out = []
    for item, blocks in sections(policy):
        annex_blocks = []
        for block in blocks:
            if isinstance(block, Bullets):
                annex_blocks.append(AnnexBlock(True, tuple(tuple(entry.split("\n")) for entry in block.items)))
            else:
                annex_blocks.append(AnnexBlock(False, (block.lines,)))
        out.append(AnnexSection(item.numbered_heading, tuple(annex_blocks)))
    return tuple(out)


def request_document(
    account: Account,
    *,
    policy: Policy | None = None,
    addressee: str = DEFAULT_ADDRESSEE,
    requested_on: dt.date | None = None,
    platform_label: str = "",
) -> RequestDocument:
    """The contents of the request for ``account`` (see :func:`request_document_html`)."""
    day = request_date(account, requested_on)
    manager_title = account.manager_title.strip()
    publisher = account.publisher_title.strip() or manager_title
    url = account.url.strip()
    rows = (
        Row("媒体", (_platform_label(account, platform_label),)),
        Row("アカウント名", (account.name.strip(),)),
        Row("表示名", (account.display_name.strip(),)),
        Row("URL", (url or URL_PENDING,), pending=not url),
        Row("開設の目的", _lines(account.purpose)),
        Row(
            "運用体制",
            (
                f"アカウント管理者(第4条第3項): {manager_title}",
                f"情報発信責任者: {publisher}",
            ),
        ),
        Row("運用時間", _lines(account.operating_hours)),
        Row("問い合わせ先", _lines(account.contact)),
        Row("利用方針", (POLICY_ATTACHED if policy is not None else POLICY_LATER,)),
    )
    approved = is_approved(account)
    if approved:
        signer = f"{OPERATIONS_MANAGER}(承認者: {account.approved_by})" if account.approved_by else OPERATIONS_MANAGER
        approval = (
            Row("承認番号", (account.approval_number.strip(),)),
            Row("承認日", (japanese_date(account.approved_on) if account.approved_on else "",)),
            Row("運用管理者", (signer,)),
        )
    else:
        approval = (Row("承認番号", ("",)), Row("承認日", ("",)), Row("運用管理者", ("",)))
    return RequestDocument(
        title=TITLE,
        account_name=account.name.strip(),
        date_text=japanese_date(day) if day is not None else BLANK_DATE,
        addressee=addressee.strip(),
        department=account.department.strip(),
        sender_title=manager_title or "所属長",
        request_text=(
            "当所属が運営するソーシャルメディア等の公式アカウントを下記のとおり開設したいので、"
            "東広島市ソーシャルメディア等に関する運用ガイドライン第4条第2項に基づき、承認をお願いします。"
        ),
        rows=rows,
        notes=(
            "※ アカウント管理者は、当所属の長が務めます(第4条第3項)。",
            "※ 運用を始める前に、このアカウントの利用方針を定めて市ホームページ等で公表します(第4条第4項)。",
        ),
        approval_caption="運用管理者記入欄(第4条第2項の承認)",
        approval=approval,
        approved=approved,
        annex_heading=ANNEX_HEADING,
        policy_title=policy.title.strip() if policy is not None else "",
        annex=_annex(policy) if policy is not None else (),
    )


# -- HTML -----------------------------------------------------------------------------------------

_environment: Environment | None = None


def _jinja() -> Environment:
    global _environment
    if _environment is None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        from ..resources import resource_path

        _environment = Environment(
            loader=FileSystemLoader(resource_path("requests")),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
    return _environment


def request_document_html(
    account: Account,
    *,
    policy: Policy | None = None,
    addressee: str = DEFAULT_ADDRESSEE,
    requested_on: dt.date | None = None,
    platform_label: str = "",
) -> str:
    """A standalone printable page (A4, no scripts) of the request for ``account``.

    The date is ``requested_on``, else the day the request was filed (JST), else a blank line to fill
    in by hand. With ``policy`` the usage policy draft is attached as an annex. ``platform_label``
    names the platform (e.g. 「X(旧Twitter)」); empty → the policy template's name for it.
    """
    document = request_document(
        account, policy=policy, addressee=addressee, requested_on=requested_on, platform_label=platform_label
    )
    return _jinja().get_template(TEMPLATE_NAME).render(doc=document)


# -- Word -----------------------------------------------------------------------------------------


def _shade(cell: _Cell, fill: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shading = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    tcpr.append(shading)


def _fill_table(table: Table, rows: tuple[Row, ...], widths: tuple[float, float]) -> None:
    from docx.shared import Mm

    for table_row, row in zip(table.rows, rows, strict=True):
        head, value = table_row.cells
        head.text = row.label
        _shade(head, "F0F0F0")
        paragraph = value.paragraphs[0]
        for i, line in enumerate(row.lines):
            run = paragraph.add_run(line)
            if i < len(row.lines) - 1:
                run.add_break()
        head.width, value.width = Mm(widths[0]), Mm(widths[1])


def _add_lines(document: DocxDocument, lines: tuple[str, ...], style: str | None = None) -> None:
    paragraph = document.add_paragraph(style=style)
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def request_document_docx(
    account: Account,
    path: PathLike,
    *,
    policy: Policy | None = None,
    addressee: str = DEFAULT_ADDRESSEE,
    requested_on: dt.date | None = None,
    platform_label: str = "",
    font: str = DOCX_FONT,
) -> None:
    """The request as a Word document (A4): the same contents as :func:`request_document_html`."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    doc = request_document(
        account, policy=policy, addressee=addressee, requested_on=requested_on, platform_label=platform_label
    )
    document = Document()
    _set_japanese_defaults(document, font)
    for name in ("Heading 2", "Table Grid"):
        _set_style_font(document.styles[name], font)
    document.styles["Normal"].font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)

    props = document.core_properties
    props.title = f"{doc.title}({doc.account_name})"
    props.subject = "公式アカウントの開設申請(東広島市ソーシャルメディア等に関する運用ガイドライン第4条第2項)"
    props.author = f"東広島市 {doc.department}".strip()
    props.language = "ja-JP"

    date = document.add_paragraph(doc.date_text)
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(f"{doc.addressee} 様")
    sender = document.add_paragraph()
    sender.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sender.add_run(doc.department).add_break()
    sender.add_run(doc.sender_title)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(18)
    title_run = title.add_run(doc.title)
    title_run.bold = True
    title_run.font.size = Pt(16)

    body = document.add_paragraph(doc.request_text)
    body.paragraph_format.first_line_indent = Pt(10.5)
    ki = document.add_paragraph("記")
    ki.alignment = WD_ALIGN_PARAGRAPH.CENTER

    facts = document.add_table(rows=len(doc.rows), cols=2)
    facts.style = document.styles["Table Grid"]
    _fill_table(facts, doc.rows, (34, 136))
    for note in doc.notes:
        paragraph = document.add_paragraph(note)
        paragraph.paragraph_format.space_before = Pt(3)
        paragraph.runs[0].font.size = Pt(9.5)

    caption = document.add_paragraph()
    caption.paragraph_format.space_before = Pt(24)
    caption.paragraph_format.left_indent = Mm(64)
    caption.add_run(doc.approval_caption).bold = True
    approval = document.add_table(rows=len(doc.approval), cols=2)
    approval.style = document.styles["Table Grid"]
    approval.alignment = WD_TABLE_ALIGNMENT.RIGHT
    _fill_table(approval, doc.approval, (26, 80))
    for row in approval.rows:
        row.height = Mm(9)

    if doc.annex:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(doc.annex_heading, level=1)
        if doc.policy_title:
            document.add_paragraph().add_run(doc.policy_title).bold = True
        for annex_section in doc.annex:
            document.add_heading(annex_section.heading, level=2)
            for block in annex_section.blocks:
                for entry in block.entries:
                    _add_lines(document, entry, "List Bullet" if block.bullets else None)
    document.save(os.fspath(path))
