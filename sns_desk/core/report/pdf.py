"""The monthly report as an A4 PDF (fpdf2): the bundled IPAex Gothic embedded as a subset, as the usage
policy's PDF has it; tables with Japanese line breaking; the charts drawn with fpdf2's lines, rectangles and
text from the same geometry as the HTML's SVG, so their labels and counts are text a reader can copy."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..policy.render import MISSING_GLYPH, PDF_FONT, default_font_path, font_codepoints, wrap_line
from .charts import Chart, findings_per_article, posts_per_week
from .model import IncidentReport, MonthlyReport, ReportDocument, elapsed_text, jst_text

if TYPE_CHECKING:
    from fpdf import FPDF

_PT = 25.4 / 72
_BODY = 9.0
_SMALL = 8.0
_PAD = 1.2
_BAR = (74, 95, 168)
_FINDING_BAR = (183, 103, 45)


class _Writer:
    def __init__(self, document: ReportDocument, font_path: Path | None) -> None:
        from fpdf import FPDF

        font_file = font_path or default_font_path()
        self.drawable = font_codepoints(font_file)
        title = document.title

        class ReportPdf(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font(PDF_FONT, size=8)
                self.set_text_color(90)
                self.cell(0, 6, f"{title}  {self.page_no()} / {{nb}}", align="C")
                self.set_text_color(0)

        pdf = ReportPdf(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_font(PDF_FONT, "", os.fspath(font_file))
        pdf.set_title(title)
        pdf.set_lang("ja")
        pdf.set_author(document.author)
        pdf.set_subject("ソーシャルメディア運用の月次報告")
        pdf.set_creator("sns_desk")
        self.pdf: FPDF = pdf
        self.document = document

    @property
    def full(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def text(self, value: str) -> str:
        """What the font cannot draw shown as 〓; invisible characters it has no glyph for left out."""
        if all(ord(ch) in self.drawable for ch in value):
            return value
        out = []
        for ch in value:
            if ord(ch) in self.drawable:
                out.append(ch)
            elif ch.isspace():
                out.append(" ")
            elif ord(ch) < 0x20 or 0xFE00 <= ord(ch) <= 0xFE0F or ch in "\u200b\u200c\u200d\u2060\ufeff":
                continue
            else:
                out.append(MISSING_GLYPH)
        return "".join(out)

    def write(self, value: str, size: float = _BODY, *, leading: float = 1.6, indent: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font(PDF_FONT, size=size)
        height = size * _PT * leading
        for paragraph in value.split("\n"):
            for line in wrap_line(self.text(paragraph), self.full - indent, pdf.get_string_width):
                pdf.set_x(pdf.l_margin + indent)
                pdf.cell(self.full - indent, height, line, new_x="LMARGIN", new_y="NEXT")

    def heading(self, value: str, size: float, *, rule: bool = True, keep: float = 25) -> None:
        pdf = self.pdf
        if pdf.will_page_break(size * _PT * 1.6 + keep):
            pdf.add_page()
        pdf.ln(2.5)
        self.write(value, size, leading=1.5)
        if rule:
            y = pdf.get_y()
            pdf.set_draw_color(120)
            pdf.set_line_width(0.3)
            pdf.line(pdf.l_margin, y, pdf.l_margin + self.full, y)
            pdf.ln(1.5)

    def table(
        self,
        headers: Sequence[str],
        widths: Sequence[float],
        rows: Sequence[Sequence[str]],
        right: Sequence[int] = (),
    ) -> None:
        """A table whose cells wrap (禁則) and whose header repeats on each new page; ``widths`` in mm,
        narrowed in proportion when they add up to more than the text's width."""
        pdf = self.pdf
        scale = min(1.0, self.full / sum(widths))
        widths = [w * scale for w in widths]
        line_h = _SMALL * _PT * 1.45

        def lines_of(cells: Sequence[str]) -> list[list[str]]:
            pdf.set_font(PDF_FONT, size=_SMALL)
            return [
                wrap_line(self.text(" ".join(cell.split("\n"))), w - 2 * _PAD, pdf.get_string_width)
                for cell, w in zip(cells, widths, strict=True)
            ]

        def draw(cells: list[list[str]], fill: bool) -> None:
            height = max(len(c) for c in cells) * line_h + 2 * _PAD
            top = pdf.get_y()
            x = pdf.l_margin
            pdf.set_font(PDF_FONT, size=_SMALL)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                pdf.set_fill_color(236, 238, 245)
                pdf.set_draw_color(170)
                pdf.set_line_width(0.2)
                pdf.rect(x, top, w, height, style="DF" if fill else "D")
                for n, line in enumerate(cell):
                    pdf.set_xy(x + _PAD, top + _PAD + n * line_h)
                    pdf.cell(w - 2 * _PAD, line_h, line, align="R" if i in right else "L")
                x += w
            pdf.set_xy(pdf.l_margin, top + height)

        head = lines_of(headers)
        head_h = max(len(c) for c in head) * line_h + 2 * _PAD
        if pdf.will_page_break(head_h + line_h + 2 * _PAD):
            pdf.add_page()
        draw(head, True)
        for row in rows:
            cells = lines_of(row)
            height = max(len(c) for c in cells) * line_h + 2 * _PAD
            if pdf.will_page_break(height):
                pdf.add_page()
                draw(head, True)
            draw(cells, False)
        pdf.ln(2)

    def chart(self, chart: Chart, color: tuple[int, int, int]) -> None:
        """The chart at the current position, as wide as the text (scaled from its own units)."""
        pdf = self.pdf
        scale = min(self.full / chart.width, 0.3)
        height = chart.height * scale
        if pdf.will_page_break(height + 8):
            pdf.add_page()
        x0, y0 = pdf.l_margin, pdf.get_y() + 1

        def at(x: float, y: float) -> tuple[float, float]:
            return x0 + x * scale, y0 + y * scale

        pdf.set_font(PDF_FONT, size=_SMALL)
        pdf.set_draw_color(215)
        pdf.set_line_width(0.2)
        pdf.set_text_color(110)
        for tick in chart.ticks:
            if chart.horizontal:
                (x1, y1), (_, y2) = at(tick.position, chart.plot_top), at(tick.position, chart.plot_bottom)
                pdf.line(x1, y1, x1, y2)
                label = str(tick.value)
                pdf.text(x1 - pdf.get_string_width(label) / 2, y2 + 3.2, label)
            else:
                (x1, y1), (x2, _) = at(chart.plot_left, tick.position), at(chart.plot_right, tick.position)
                pdf.line(x1, y1, x2, y1)
                label = str(tick.value)
                pdf.text(x1 - 1.5 - pdf.get_string_width(label), y1 + 1.2, label)
        pdf.set_text_color(0)
        pdf.set_fill_color(*color)
        for bar in chart.bars:
            bx, by = at(bar.x, bar.y)
            if bar.value:
                pdf.rect(bx, by, max(bar.width * scale, 0.2), max(bar.height * scale, 0.2), style="F")
            count, label = f"{bar.value:,}", self.text(bar.label)
            if chart.horizontal:
                mid = by + bar.height * scale / 2 + 1.2
                pdf.text(bx + bar.width * scale + 1.2, mid, count)
                left, _ = at(chart.plot_left, 0)
                pdf.text(left - 2 - pdf.get_string_width(label), mid, label)
            else:
                cx = bx + bar.width * scale / 2
                pdf.text(cx - pdf.get_string_width(count) / 2, by - 1.2, count)
                _, bottom = at(0, chart.plot_bottom)
                pdf.text(cx - pdf.get_string_width(label) / 2, bottom + 4, label)
        pdf.set_draw_color(80)
        pdf.set_line_width(0.3)
        if chart.horizontal:
            (x1, y1), (_, y2) = at(chart.plot_left, chart.plot_top), at(chart.plot_left, chart.plot_bottom)
            pdf.line(x1, y1, x1, y2)
        else:
            (x1, y1), (x2, _) = at(chart.plot_left, chart.plot_bottom), at(chart.plot_right, chart.plot_bottom)
            pdf.line(x1, y1, x2, y1)
        pdf.set_xy(pdf.l_margin, y0 + height + 2)
        self.write(f"図: {chart.title}(合計 {chart.total:,} 件)", _SMALL)
        pdf.ln(1)

    # -- the document -----------------------------------------------------------------------------

    def render(self) -> bytes:
        doc, pdf = self.document, self.pdf
        pdf.add_page()
        self.write(doc.title, 15, leading=1.5)
        pdf.ln(1)
        self.write(f"対象月: {doc.month.label}(日本時間 {doc.month.first_date} 〜 {doc.month.last_date})")
        self.write(f"作成: {jst_text(doc.generated_at)}(日本時間) {doc.author}")
        self.write(f"監査記録: 作成時点で {doc.audit.records:,} 件")
        self.write(f"最新のハッシュ: {doc.audit.last_hash}", _SMALL)
        self.write("事案の手順と状態は作成時点のものです(月が明けてからの対応も日時つきで載ります)。", _SMALL)
        if not doc.reports:
            pdf.ln(3)
            self.write("対象のアカウントがありません。")
        if len(doc.reports) > 1:
            self.heading("概要", 12)
            self.table(
                (
                    "アカウント",
                    "投稿",
                    "承認",
                    "差戻し",
                    "確認済みの警告",
                    "事案",
                    "訂正",
                    "削除・非表示",
                    "バックアップ",
                ),
                (48, 16, 16, 16, 24, 14, 14, 22, 20),
                [
                    (
                        r.account.name,
                        f"{r.posts.total:,}",
                        f"{r.drafts.approved.times:,}",
                        f"{r.drafts.returned.times:,}",
                        f"{r.findings_total:,}",
                        f"{len(r.incidents):,}",
                        f"{len(r.corrections):,}",
                        f"{r.moderation.total:,}",
                        f"{len(r.backups):,}",
                    )
                    for r in doc.reports
                ],
                right=(1, 2, 3, 4, 5, 6, 7, 8),
            )
        for n, report in enumerate(doc.reports):
            if n or len(doc.reports) > 1:
                pdf.add_page()
            self.account(report)
        return bytes(pdf.output())

    def account(self, r: MonthlyReport) -> None:
        a = r.account
        self.heading(a.name, 13)
        self.write(
            f"媒体: {r.platform_label}  所属: {a.department or '—'}  アカウント管理者: {a.manager or '—'}  "
            f"状態: {a.status.label}"
        )

        self.heading("投稿", 11)
        self.write(
            f"投稿 {r.posts.total:,} 件(うち投稿デスクで承認を経て記録したもの {r.posts.from_desk:,} 件、"
            "ほかは各サービスのエクスポートから取り込んだもの)"
        )
        if r.posts.total:
            self.chart(posts_per_week(r), _BAR)
            self.table(
                ("週(月曜始まり)", "投稿数"), (60, 20), [(w.label, f"{w.count:,}") for w in r.posts.weeks], right=(1,)
            )
            self.table(
                ("サービス", "投稿数"), (60, 20), [(p.label, f"{p.count:,}") for p in r.posts.platforms], right=(1,)
            )
        else:
            self.write("この月の投稿はありません。")
        if r.posts.off_terminal:
            self.heading("市の端末以外からの投稿(第5条のやむを得ない場合)", 10, rule=False)
            self.table(
                ("日時", "投稿者", "理由"),
                (30, 30, 120),
                [(jst_text(p.posted_at), p.author, p.off_terminal_reason) for p in r.posts.off_terminal],
            )

        self.heading("投稿案の承認", 11)
        self.table(
            ("手続き", "回数", "投稿案の件数"),
            (40, 20, 25),
            [(label, f"{s.times:,}", f"{s.drafts:,}") for _, label, s in r.drafts.rows()],
            right=(1, 2),
        )

        self.heading("確認済みの警告(理由を付けて残したもの)", 11)
        if r.findings:
            self.chart(findings_per_article(r), _FINDING_BAR)
            for group in r.findings:
                self.heading(f"{group.label}({group.count:,} 件)", 10, rule=False, keep=12)
                self.table(
                    ("日時", "投稿案", "規則", "確認した人", "理由"),
                    (28, 14, 38, 26, 74),
                    [(jst_text(f.at), str(f.draft_id), f.rule, f.by, f.reason) for f in group.items],
                    right=(1,),
                )
        else:
            self.write("この月に確認済みにされた警告はありません。")

        self.heading("事案(第8条・第9条第1項)", 11)
        if r.incidents:
            for incident in r.incidents:
                self.incident(incident)
        else:
            self.write("この月に対応した事案はありません。")

        self.corrections(r)
        self.moderation(r)

        self.heading("バックアップ(第6条第9号)", 11)
        if r.backups:
            rows = []
            for b in r.backups:
                scope = "このアカウントのみ" if b.account else "全アカウント"
                if b.since is not None:
                    scope += f"({jst_text(b.since)} 以降の投稿)"
                own = "—" if b.account_items is None else f"{b.account_items:,}"
                rows.append(
                    (jst_text(b.at), "定期" if b.scheduled else "書き出し", scope, own, f"{b.items:,}", b.by, b.name)
                )
            self.table(
                ("日時", "種類", "範囲", "このアカウント", "全体", "実行した人", "パッケージ"),
                (28, 14, 26, 24, 14, 22, 52),
                rows,
                right=(3, 4),
            )
        else:
            self.write("この月にこのアカウントの投稿を含むバックアップは作られていません。")

    def corrections(self, r: MonthlyReport) -> None:
        self.heading("訂正(第9条)", 11)
        if not r.corrections:
            self.write("この月に投稿した訂正はありません。")
            return
        self.write(f"この月に投稿した訂正 {len(r.corrections):,} 件")
        self.table(
            ("訂正の日時", "訂正の投稿", "訂正した投稿の日時", "訂正した投稿"),
            (28, 62, 28, 62),
            [
                (
                    jst_text(c.correction.posted_at),
                    _post_cell(c.correction.id, c.correction.excerpt, c.correction.url),
                    jst_text(c.original.posted_at),
                    _post_cell(c.original.id, c.original.excerpt, c.original.url),
                )
                for c in r.corrections
            ],
        )

    def moderation(self, r: MonthlyReport) -> None:
        self.heading("コメントの削除・非表示(第9条)", 11)
        m = r.moderation
        if not m.lines:
            self.write("この月に記録されたコメントの削除・非表示はありません。")
            return
        summary = f"利用方針に基づく削除・非表示 {m.total:,} 件"
        if m.not_counted:
            summary += f"(ほかに訂正・取消された記録と取消の記録 {m.not_counted:,} 件。数えていません)"
        self.write(summary)
        self.table(("措置", "件数"), (40, 20), [(c.label, f"{c.count:,}") for c in m.by_action], right=(1,))
        if m.by_item:
            self.table(
                ("利用方針の項目", "件数"), (100, 20), [(c.label, f"{c.count:,}") for c in m.by_item], right=(1,)
            )
        self.table(
            ("記録", "日時", "措置", "利用方針の項目", "コメントした人", "理由", "判断した人", "備考"),
            (10, 24, 12, 34, 24, 40, 16, 24),
            [
                (
                    str(line.entry.id),
                    jst_text(line.entry.acted_at),
                    line.action_label,
                    line.policy_label,
                    line.entry.author_handle,
                    line.entry.reason,
                    line.entry.recorded_by,
                    line.note,
                )
                for line in m.lines
            ],
            right=(0,),
        )

    def incident(self, i: IncidentReport) -> None:
        title = f"事案 {i.id}: {i.kind_label}" + (f"({i.article})" if i.article else "") + f" — {i.status_label}"
        if not i.found_this_month:
            title += "(前月以前から継続)"
        self.heading(title, 10, rule=False, keep=20)
        self.write(i.description, _SMALL)
        rows = [
            ("発見", "—", jst_text(i.found_at), "—", i.found_by, ""),
            ("報告(受付)", "済み", jst_text(i.reported_at), elapsed_text(i.reported_after), i.reported_by, ""),
        ]
        for s in i.steps:
            rows.append(
                (
                    s.title + ("(必須)" if s.required else ""),
                    s.status_label,
                    jst_text(s.at) if s.at else "",
                    elapsed_text(s.elapsed) if s.elapsed is not None else "",
                    s.by,
                    s.note,
                )
            )
        closed = i.closed_after
        rows.append(
            (
                "終了",
                "未了" if i.is_open else "済み",
                jst_text(i.closed_at) if i.closed_at else "",
                elapsed_text(closed) if closed is not None else "",
                i.closed_by,
                "",
            )
        )
        self.table(("手順", "状態", "日時", "発見から", "担当", "記録"), (50, 12, 28, 20, 20, 50), rows, right=(3,))


def _post_cell(item_id: int, excerpt: str, url: str) -> str:
    return f"{excerpt}(投稿 {item_id}{'、' + url if url else ''})"


def render_pdf(document: ReportDocument, *, font_path: Path | None = None) -> bytes:
    """The PDF file's bytes (A4, page numbers, one part per account, each from a new page)."""
    return _Writer(document, font_path).render()
