"""The post editor: findings shown as wavy underlines that are never part of the document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QHelpEvent, QResizeEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from ..core.checker import Finding
from .findings_model import severity_color, tooltip_html
from .offsets import Utf16Map

_PARAGRAPH_SEPARATOR = "\u2029"
_TINT_ALPHA = 22
_PAINT_MARGIN: Final = 3000
"""Characters beyond the viewport whose findings are painted too, so scrolling rarely repaints."""
"""A faint background in the severity colour, so that thin wavy lines are easy to spot."""
_CURRENT_ALPHA = 70
"""The finding chosen in the list stands out more."""


def selected_plain_text(cursor: QTextCursor) -> str:
    """``cursor.selectedText()`` with Qt's paragraph separators turned back into newlines."""
    return cursor.selectedText().replace(_PARAGRAPH_SEPARATOR, "\n")


@dataclass(frozen=True, slots=True)
class PlacedFinding:
    """A finding anchored in the document.

    ``cursor`` selects the span in Qt (UTF-16) positions and, being a ``QTextCursor``, follows
    later edits; ``original`` is the span's text when it was checked.
    """

    finding: Finding
    cursor: QTextCursor
    original: str

    @property
    def start(self) -> int:
        return self.cursor.selectionStart()

    @property
    def end(self) -> int:
        return self.cursor.selectionEnd()

    def is_intact(self) -> bool:
        """Whether the span still holds the text that was checked."""
        return self.end > self.start and selected_plain_text(self.cursor) == self.original


def place_findings(document: QTextDocument, text: str, findings: Sequence[Finding]) -> list[PlacedFinding]:
    """Anchor ``findings`` (code-point offsets into ``text``) in ``document``, which holds ``text``."""
    last = max(0, document.characterCount() - 1)
    positions = Utf16Map(text)
    placed: list[PlacedFinding] = []
    for f in findings:
        start, end = positions.span(f.start, f.end)
        start, end = min(start, last), min(end, last)
        if start == end:  # an empty span would not show: mark the character at (or before) it
            end = min(start + 1, last)
            if start == end:
                start = max(0, end - 1)
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        placed.append(PlacedFinding(f, cursor, selected_plain_text(cursor)))
    return placed


class PostEditor(QPlainTextEdit):
    """A plain-text editor that paints findings as ``ExtraSelection`` wavy underlines.

    Hovering an underlined span shows the finding's message and article as a tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("投稿本文")
        self.setPlaceholderText("ここに投稿の本文を入力してください。ガイドラインに合わない箇所に波線が付きます。")
        self._placed: list[PlacedFinding] = []
        self._current: int | None = None
        self._painted_window: tuple[int, int] = (0, -1)
        self.verticalScrollBar().valueChanged.connect(self._follow_viewport)

    # -- findings -------------------------------------------------------------------------

    def placed_findings(self) -> list[PlacedFinding]:
        return list(self._placed)

    def set_findings(self, placed: Sequence[PlacedFinding]) -> None:
        self._placed = list(placed)
        self._current = None
        self._repaint_findings()

    def set_current(self, row: int | None) -> None:
        """Give the finding at ``row`` a stronger background (None: no highlighted finding)."""
        self._current = row if row is not None and 0 <= row < len(self._placed) else None
        self._repaint_findings()

    def _visible_window(self) -> tuple[int, int]:
        """Document positions around what the viewport shows, with a margin either side."""
        top = self.cursorForPosition(QPoint(0, 0)).position()
        bottom = self.cursorForPosition(QPoint(self.viewport().width(), self.viewport().height())).position()
        return max(0, top - _PAINT_MARGIN), bottom + _PAINT_MARGIN

    def _follow_viewport(self) -> None:
        start, end = self._visible_window()
        painted_start, painted_end = self._painted_window
        if start < painted_start or end > painted_end:
            self._repaint_findings()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._follow_viewport()

    def _repaint_findings(self) -> None:
        """Give Qt the selections near the viewport only: Qt walks every extra selection on each
        paint, so hundreds of them in a long text would cost every keystroke a frame."""
        selections: list[QTextEdit.ExtraSelection] = []
        window_start, window_end = self._painted_window = self._visible_window()
        # Paint the weightiest last so that it wins where spans overlap.
        ordered = sorted(range(len(self._placed)), key=lambda i: -self._placed[i].finding.severity.rank)
        for i in ordered:
            p = self._placed[i]
            if p.end < window_start or p.start > window_end:
                continue
            color = severity_color(p.finding.severity)
            background = QColor(color)
            background.setAlpha(_CURRENT_ALPHA if i == self._current else _TINT_ALPHA)
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(color)
            fmt.setBackground(background)
            selections.append(self._selection(p.cursor, fmt))
        self.setExtraSelections(selections)

    @staticmethod
    def _selection(cursor: QTextCursor, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.cursor = QTextCursor(cursor)
        selection.format = fmt
        return selection

    # -- hover ----------------------------------------------------------------------------

    def findings_at(self, position: int) -> list[PlacedFinding]:
        """Findings whose span covers the character at Qt ``position``, weightiest first."""
        hits = [p for p in self._placed if p.start <= position < p.end]
        return sorted(hits, key=lambda p: p.finding.severity.rank)

    def findings_at_point(self, point: QPoint) -> list[PlacedFinding]:
        """Findings under viewport ``point``: the character there, not just the nearest gap."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        rect = self.cursorRect(cursor)
        if not rect.top() <= point.y() <= rect.bottom():
            return []  # below the last line, or in the margin
        if point.x() < rect.x():
            position -= 1  # the nearest gap is right of the pointer: the character is before it
        if position < 0:
            return []
        return self.findings_at(position)

    def tooltip_at(self, point: QPoint) -> str | None:
        hits = self.findings_at_point(point)
        if not hits:
            return None
        return "<hr/>".join(tooltip_html(p.finding) for p in hits)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            return True
        return super().viewportEvent(event)
