"""A Qt item model over the checker's plain :class:`Finding` objects."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Final

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ..core.checker import Finding, Severity
from ..core.checker.articles import article_label
from ..core.workflow import fingerprint
from .flat_rows import FlatRows

_Index = QModelIndex | QPersistentModelIndex

FINDING_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""Item data role returning the row's :class:`Finding` (any column)."""

SEVERITY_LABELS: Final[dict[Severity, str]] = {
    Severity.ERROR: "エラー",
    Severity.WARNING: "警告",
    Severity.INFO: "参考",
}

SEVERITY_COLORS: Final[dict[Severity, str]] = {
    Severity.ERROR: "#d32f2f",
    Severity.WARNING: "#ef6c00",
    Severity.INFO: "#1e6fd9",
}

ACKNOWLEDGED_LABEL: Final = "確認済み"
ACKNOWLEDGED_COLOR: Final = "#6b6b6b"

HEADERS: Final = ("重大度", "条項", "内容")
COLUMN_SEVERITY: Final = 0
COLUMN_ARTICLE: Final = 1
COLUMN_MESSAGE: Final = 2

_EXCERPT_MAX: Final = 24


def severity_color(severity: Severity) -> QColor:
    return QColor(SEVERITY_COLORS[severity])


def excerpt(text: str, finding: Finding) -> str:
    """The flagged part of ``text``, shortened for a one-line display."""
    part = text[finding.start : finding.end].replace("\n", " ")
    if len(part) > _EXCERPT_MAX:
        part = part[: _EXCERPT_MAX - 1] + "…"
    return part


def tooltip_html(finding: Finding) -> str:
    """A rich-text tooltip (Qt wraps rich text) naming the severity, article and message."""
    color = SEVERITY_COLORS[finding.severity]
    head = f"{SEVERITY_LABELS[finding.severity]}・{article_label(finding.article)}"
    parts = [
        f'<p style="margin:0"><b style="color:{color}">{html.escape(head)}</b></p>',
        f'<p style="margin:0">{html.escape(finding.message)}</p>',
    ]
    if finding.suggestion is not None:
        parts.append(f'<p style="margin:0">修正案: {html.escape(finding.suggestion_label)}</p>')
    return "".join(parts)


def _dot_icon(color: QColor, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class FindingsModel(FlatRows, QAbstractItemModel):
    """A flat table of findings: 重大度 / 条項 / 内容.

    The model only adapts :class:`Finding` objects; it never changes them. ``set_findings``
    takes the checked text too, so that 内容 can quote the flagged words.
    """

    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []
        self._text = ""
        self._icons: dict[Severity, QIcon] = {}
        self._acknowledged: dict[str, str] = {}

    # -- content --------------------------------------------------------------------------

    def set_findings(self, findings: Sequence[Finding], text: str = "") -> None:
        self.beginResetModel()
        self._findings = list(findings)
        self._text = text
        self.endResetModel()

    def set_acknowledged(self, reasons: Mapping[str, str]) -> None:
        """Mark warnings as acknowledged: ``reasons`` maps a finding's fingerprint to the reason.

        Fingerprints are :func:`sns_desk.core.workflow.fingerprint` (rule and flagged words), so
        an acknowledgement follows its words when the text around them changes.
        """
        self._acknowledged = dict(reasons)
        if self._findings:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._findings) - 1, len(HEADERS) - 1))

    def acknowledgement(self, row: int) -> str | None:
        """The reason the finding at ``row`` was acknowledged with, or None."""
        f = self._findings[row]
        if f.severity is not Severity.WARNING:
            return None
        return self._acknowledged.get(fingerprint(f, self._text))

    def findings(self) -> list[Finding]:
        return list(self._findings)

    def finding(self, row: int) -> Finding:
        return self._findings[row]

    def counts(self) -> dict[Severity, int]:
        result = dict.fromkeys(Severity, 0)
        for f in self._findings:
            result[f.severity] += 1
        return result

    # -- QAbstractItemModel ---------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._findings)) or not (0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def row_total(self) -> int:
        return len(self._findings)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._findings)):
            return None
        f = self._findings[index.row()]
        column = index.column()
        acknowledged = self.acknowledgement(index.row()) if self._acknowledged else None
        if role == FINDING_ROLE:
            return f
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COLUMN_SEVERITY:
                label = SEVERITY_LABELS[f.severity]
                return f"{label}({ACKNOWLEDGED_LABEL})" if acknowledged is not None else label
            if column == COLUMN_ARTICLE:
                return article_label(f.article)
            if column == COLUMN_MESSAGE:
                return self._message(f)
        elif role == Qt.ItemDataRole.DecorationRole and column == COLUMN_SEVERITY:
            return self._icon(f.severity)
        elif role == Qt.ItemDataRole.ForegroundRole and column == COLUMN_SEVERITY:
            return QColor(ACKNOWLEDGED_COLOR) if acknowledged is not None else severity_color(f.severity)
        elif role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tooltip(f)
            if acknowledged is not None:
                tip += f'<p style="margin:0">{ACKNOWLEDGED_LABEL}: {html.escape(acknowledged)}</p>'
            return tip
        elif role == Qt.ItemDataRole.AccessibleTextRole:
            head = SEVERITY_LABELS[f.severity] + (f"({ACKNOWLEDGED_LABEL})" if acknowledged is not None else "")
            return f"{head}、{article_label(f.article)}、{self._message(f)}"
        return None

    # -- helpers --------------------------------------------------------------------------

    def _message(self, f: Finding) -> str:
        quoted = excerpt(self._text, f) if self._text else ""
        return f"「{quoted}」{f.message}" if quoted else f.message

    def tooltip(self, f: Finding) -> str:
        return tooltip_html(f)

    def _icon(self, severity: Severity) -> QIcon:
        icon = self._icons.get(severity)
        if icon is None:
            icon = self._icons[severity] = _dot_icon(severity_color(severity))
        return icon
