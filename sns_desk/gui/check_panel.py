"""The editor with live findings: shared by the check window and the drafting desk.

:class:`CheckPanel` holds the post editor, the findings list with its detail pane and the
「修正案を適用」 button, and the :class:`LiveChecker` that checks the text while it is typed.
The window around it supplies the check context (platforms, date) and places the panel.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..core.checker import CheckContext, Length, Severity
from ..core.checker.articles import article_label
from ..core.rulebook.model import Platform
from .editor import PlacedFinding, PostEditor, place_findings
from .findings_model import (
    COLUMN_ARTICLE,
    COLUMN_MESSAGE,
    COLUMN_SEVERITY,
    SEVERITY_COLORS,
    SEVERITY_LABELS,
    FindingsModel,
)
from .live_check import CheckRequest, CheckResult, LiveChecker, TextChecker

OVER_COLOR = SEVERITY_COLORS[Severity.ERROR]
COUNTING_NOTES = {
    "twitter": "X の数え方(全角文字は 2、URL は 23)",
    "graphemes": "見た目の文字単位(絵文字の組み合わせは 1 文字)",
    "utf16": "UTF-16 の単位(絵文字の多くは 2)",
    "codepoints": "Unicode の文字単位",
}
DETAIL_PLACEHOLDER = "指摘を選ぶと、ここに説明が表示されます。"


def summary_text(counts: Mapping[Severity, int]) -> str:
    """「エラー N件・警告 N件・参考 N件」."""
    return "・".join(f"{SEVERITY_LABELS[s]} {counts.get(s, 0)}件" for s in Severity)


def counter_text(length: Length) -> str:
    """「12 / 280 (残り 268)」 or, over the limit, 「282 / 280 (2 超過)」."""
    head = f"{length.count:,} / {length.limit:,}"
    if length.remaining < 0:
        return f"{head} ({-length.remaining:,} 超過)"
    return f"{head} (残り {length.remaining:,})"


def limit_note(platform: Platform) -> str:
    """「X の数え方(…)で 280 まで」."""
    return f"{COUNTING_NOTES.get(platform.counting, platform.counting)}で {platform.limit:,} まで"


class PlatformRow:
    """A platform's checkbox and its length counter."""

    def __init__(self, platform: Platform, checked: bool) -> None:
        self.platform = platform
        self.checkbox = QCheckBox(platform.name)
        self.checkbox.setChecked(checked)
        self.checkbox.setObjectName(f"platform_{platform.id}")
        tip = limit_note(platform)
        self.checkbox.setToolTip(f"{tip}\n出典: {platform.source}")
        self.counter = QLabel()
        self.counter.setObjectName(f"counter_{platform.id}")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.counter.setAccessibleName(f"{platform.name} の文字数")
        self.counter.setToolTip(tip)
        self.counter.setMinimumWidth(self._widest_counter_width())
        self.length: Length | None = None

    def _widest_counter_width(self) -> int:
        """Room for long counts, so the panel need not grow (a splitter would clip it instead)."""
        limit = self.platform.limit
        bold = QFont(self.counter.font())
        bold.setBold(True)
        samples = (Length(limit, limit, None), Length(limit * 10, limit, 0))
        return max(QFontMetrics(bold).horizontalAdvance(counter_text(sample)) for sample in samples) + 4

    def show_length(self, length: Length) -> None:
        self.length = length
        self.counter.setText(counter_text(length))
        over = length.remaining < 0
        self.counter.setStyleSheet(f"color: {OVER_COLOR}; font-weight: bold;" if over else "")

    def show_enabled(self) -> None:
        self.counter.setEnabled(self.checkbox.isChecked())

    def set_visible(self, visible: bool) -> None:
        self.checkbox.setVisible(visible)
        self.counter.setVisible(visible)


class _DetailScroll(QScrollArea):
    """Holds the detail label at its natural height; only a very long text (or a very small
    window) makes it scroll, so nothing is ever cut off."""

    MAX_LINES: Final = 7

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self._label = label
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)  # the group box's colour shows through
        label.setAutoFillBackground(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        # The width without a scroll bar: given this height, none is needed.
        width = max(self.width() - 2 * self.frameWidth(), self.fontMetrics().horizontalAdvance("あ") * 20)
        height = self._label.heightForWidth(width)
        if height < 0:
            height = self._label.sizeHint().height()
        return QSize(width, height + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        lines = self.fontMetrics().lineSpacing()
        return QSize(lines * 4, max(lines * 2, min(self.sizeHint().height(), lines * self.MAX_LINES)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()  # the label's height depends on the width


class CheckPanel(QWidget):
    """Editor above, findings below (in a splitter); checks run while the user types."""

    resultShown = Signal(object)
    """A :class:`CheckResult` has been painted and listed."""
    checkFailed = Signal(str)
    """The checker raised; the argument describes the error."""
    currentFindingChanged = Signal()
    """Another finding was chosen in the list (or none)."""

    def __init__(
        self,
        checker: TextChecker,
        context: Callable[[], CheckContext],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._last_result: CheckResult | None = None
        self._restoring_selection = False
        self._read_only = False

        self.editor = PostEditor()
        editor_font = QFont(self.editor.font())
        editor_font.setPointSizeF(max(editor_font.pointSizeF(), 10.0) * 1.2)
        self.editor.setFont(editor_font)

        self.model = FindingsModel(self)
        self.findings_view = self._make_findings_view()
        self.detail_label = QLabel(DETAIL_PLACEHOLDER)
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setAccessibleName("指摘の説明")
        self.apply_button = QPushButton("修正案を適用")
        self.apply_button.setEnabled(False)
        self.apply_button.setToolTip("選んだ指摘の箇所を修正案に置き換えます(元に戻すこともできます)")

        self.findings_box = QGroupBox("指摘")
        box_layout = QVBoxLayout(self.findings_box)
        box_layout.addWidget(self.findings_view, 1)
        # In a scroll area: when the panel is small (200 % scaling on a small screen) a long
        # explanation scrolls instead of being cut off.
        self.detail_scroll = _DetailScroll(self.detail_label)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail_scroll, 1)
        detail_row.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignTop)
        box_layout.addLayout(detail_row, 0)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.findings_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.live = LiveChecker(checker, self.snapshot, self)
        self.live.resultReady.connect(self.apply_result)
        self.live.failed.connect(self.checkFailed)
        self.editor.textChanged.connect(self.live.schedule)
        self.findings_view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.apply_button.clicked.connect(self.apply_suggestion)

    def _make_findings_view(self) -> QTreeView:
        view = QTreeView()
        view.setModel(self.model)
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAccessibleName("指摘の一覧")
        header = view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COLUMN_SEVERITY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_ARTICLE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_MESSAGE, QHeaderView.ResizeMode.Stretch)
        return view

    # -- state ----------------------------------------------------------------------------

    def snapshot(self) -> CheckRequest:
        """What to check now (called on the main thread)."""
        return CheckRequest(self.editor.toPlainText(), self._context())

    @property
    def last_result(self) -> CheckResult | None:
        return self._last_result

    def result_is_current(self) -> bool:
        """Whether the findings shown are those of the text in the editor now."""
        result = self._last_result
        return result is not None and result.text == self.editor.toPlainText()

    def current_finding(self) -> PlacedFinding | None:
        index = self.findings_view.currentIndex()
        placed = self.editor.placed_findings()
        if not index.isValid() or not (0 <= index.row() < len(placed)):
            return None
        return placed[index.row()]

    def counts(self) -> dict[Severity, int]:
        return self.model.counts()

    def open_warnings(self) -> int:
        """Warnings shown that are not acknowledged."""
        return sum(
            1
            for row, f in enumerate(self.model.findings())
            if f.severity is Severity.WARNING and self.model.acknowledgement(row) is None
        )

    def set_read_only(self, read_only: bool) -> None:
        """Lock the text (a draft waiting for approval, or someone else's)."""
        self._read_only = read_only
        self.editor.setReadOnly(read_only)
        # Undo works on a read-only editor too: it would show text that was never submitted.
        self.editor.setUndoRedoEnabled(not read_only)
        self._show_detail(self.current_finding())

    def recheck(self) -> None:
        """The context changed: check again after the usual pause."""
        self.live.schedule()

    def clear_result(self) -> None:
        """Forget the findings (a new text is about to be loaded)."""
        self._last_result = None
        self.editor.set_findings([])
        self.model.set_findings([])
        self._show_detail(None)

    # -- results --------------------------------------------------------------------------

    @Slot(object)
    def apply_result(self, result: CheckResult) -> None:
        """Show a (current) check result: underlines and findings list."""
        text = self.editor.toPlainText()
        if result.text != text:
            return  # cannot happen for a current generation; never paint offsets onto other text
        self._last_result = result
        previous = self.current_finding()
        key = (previous.finding.rule, previous.original) if previous is not None else None

        placed = place_findings(self.editor.document(), result.text, result.findings)
        self.editor.set_findings(placed)
        self.model.set_findings(result.findings, result.text)

        restored = None
        if key is not None:
            restored = next(
                (i for i, p in enumerate(placed) if (p.finding.rule, p.original) == key),
                None,
            )
        if restored is not None:
            self._restoring_selection = True
            try:
                self.findings_view.selectionModel().setCurrentIndex(
                    self.model.index(restored, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
            finally:
                self._restoring_selection = False
        else:
            self._show_detail(None)
        self.resultShown.emit(result)

    # -- selection and suggestions ----------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        row = current.row() if current.isValid() else None
        self.editor.set_current(row)
        placed = self.current_finding()
        self._show_detail(placed)
        if placed is not None and not self._restoring_selection:
            self.select_span(placed)
        self.currentFindingChanged.emit()

    def select_span(self, placed: PlacedFinding) -> None:
        """Select the finding's span in the editor and scroll it into view."""
        self.editor.setTextCursor(QTextCursor(placed.cursor))
        self.editor.ensureCursorVisible()

    def _show_detail(self, placed: PlacedFinding | None) -> None:
        self._set_detail_content(placed)
        self.detail_scroll.updateGeometry()

    def _set_detail_content(self, placed: PlacedFinding | None) -> None:
        if placed is None:
            self.detail_label.setText(DETAIL_PLACEHOLDER)
            self.apply_button.setEnabled(False)
            return
        f = placed.finding
        color = SEVERITY_COLORS[f.severity]
        parts = [
            f'<b style="color:{color}">{SEVERITY_LABELS[f.severity]}</b>・{html.escape(article_label(f.article))}',
            f"「{html.escape(placed.original)}」",
            html.escape(f.message),
        ]
        if f.suggestion is not None:
            parts.append(f"修正案: <b>{html.escape(f.suggestion_label)}</b>")
        index = self.findings_view.currentIndex()
        reason = self.model.acknowledgement(index.row()) if index.isValid() else None
        if reason is not None:
            parts.append(f"確認済み(理由: {html.escape(reason)})")
        self.detail_label.setText("<br/>".join(parts))
        self.apply_button.setEnabled(f.suggestion is not None and placed.is_intact() and not self._read_only)

    @Slot()
    def apply_suggestion(self) -> bool:
        """Replace the selected finding's span with its suggestion, as one undo step."""
        placed = self.current_finding()
        if self._read_only or placed is None or placed.finding.suggestion is None or not placed.is_intact():
            return False
        cursor = QTextCursor(placed.cursor)
        cursor.beginEditBlock()
        cursor.insertText(placed.finding.suggestion)
        cursor.endEditBlock()
        self.apply_button.setEnabled(False)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()
        return True

    def shutdown(self) -> None:
        """Stop checking (the window is closing)."""
        self.live.shutdown()


@dataclass(frozen=True, slots=True)
class EditActions:
    undo: QAction
    redo: QAction
    cut: QAction
    copy: QAction
    paste: QAction
    select_all: QAction


def add_edit_actions(owner: QWidget, menu: QMenu, editor: QPlainTextEdit) -> EditActions:
    """The 編集 menu for ``editor``: undo, redo, cut, copy, paste, select all."""

    def make(label: str, key: QKeySequence.StandardKey, slot: Callable[[], None]) -> QAction:
        action = QAction(label, owner)
        action.setShortcut(QKeySequence(key))
        # The editor handles these keys itself; the menu entries are for the mouse.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        return action

    e = editor
    actions = EditActions(
        undo=make("元に戻す(&U)", QKeySequence.StandardKey.Undo, e.undo),
        redo=make("やり直し(&R)", QKeySequence.StandardKey.Redo, e.redo),
        cut=make("切り取り(&T)", QKeySequence.StandardKey.Cut, e.cut),
        copy=make("コピー(&C)", QKeySequence.StandardKey.Copy, e.copy),
        paste=make("貼り付け(&P)", QKeySequence.StandardKey.Paste, e.paste),
        select_all=make("すべて選択(&A)", QKeySequence.StandardKey.SelectAll, e.selectAll),
    )
    for action in (actions.undo, actions.redo, actions.cut, actions.copy):
        action.setEnabled(False)
    e.undoAvailable.connect(actions.undo.setEnabled)
    e.redoAvailable.connect(actions.redo.setEnabled)
    e.copyAvailable.connect(actions.cut.setEnabled)
    e.copyAvailable.connect(actions.copy.setEnabled)
    menu.addActions([actions.undo, actions.redo])
    menu.addSeparator()
    menu.addActions([actions.cut, actions.copy, actions.paste])
    menu.addSeparator()
    menu.addAction(actions.select_all)
    return actions
