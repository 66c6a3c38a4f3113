"""The usage-policy editor (利用方針, 第4条第4項): a title, one text per item, a live preview, the problems.

The nine items are edited one below the other, each under its 第4条第4項第N号 heading, each editor as
tall as its text. A short while after typing stops the preview is redrawn from
:func:`~sns_desk.core.policy.to_html_fragment` (pure and quick, on the UI thread), and
:attr:`PolicyEditor.validationRequested` asks the window to run ``validate`` in the background (it
runs the guideline checker); :meth:`PolicyEditor.show_problems` then lists what it found, errors
first, and marks the spans in the editors. Double-clicking a problem moves to its item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QResizeEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.policy import ITEMS, AccountFacts, Policy, PolicyItem, ValidationProblem, to_html_fragment
from .offsets import Utf16Map
from .registry_model import COLUMN_MESSAGE, COLUMN_SEVERITY, SEVERITY_COLORS, ProblemsModel, problems_summary

PREVIEW_DELAY_MS: Final = 300
"""Redraw the preview this long after typing stops."""
VALIDATE_DELAY_MS: Final = 500
"""Ask for validation this long after typing stops."""
MIN_EDITOR_LINES: Final = 3
PREVIEW_STYLE: Final = """
h2 { font-size: large; margin-bottom: 6px; }
h3 { font-size: medium; margin-top: 14px; margin-bottom: 4px; color: #1f3a68; }
p { margin-top: 2px; margin-bottom: 6px; }
a { color: #1a4f9c; }
.sns-policy-edition { color: #555555; }
"""
CHECKING_TEXT: Final = "確認中…"
TITLE_ID: Final = "title"
"""Where a problem of the policy as a whole (its title, the registry) takes the user."""


def item_heading(item: PolicyItem) -> str:
    """「3. 情報発信を行う目的(第4条第4項第3号)」."""
    return f"{item.numbered_heading}({item.article})"


class ItemEditor(QPlainTextEdit):
    """One item's text, as tall as the text (at least a few lines), so the page scrolls as one."""

    def __init__(self, item: PolicyItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName(f"policy_{item.id}")
        self.setAccessibleName(item_heading(item))
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizeAdjustPolicy(QPlainTextEdit.SizeAdjustPolicy.AdjustIgnored)
        self.textChanged.connect(self._fit)
        self._fit()

    def _content_height(self) -> int:
        lines = 0.0
        block = self.document().firstBlock()
        while block.isValid():
            lines += self.blockBoundingRect(block).height()
            block = block.next()
        spacing = self.fontMetrics().lineSpacing()
        return max(int(lines), MIN_EDITOR_LINES * spacing)

    def _fit(self) -> None:
        margins = self.contentsMargins()
        extra = margins.top() + margins.bottom() + 2 * int(self.document().documentMargin()) + 4
        height = self._content_height() + extra
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self._fit)  # after the text is wrapped again at the new width

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())


class PolicyEditor(QWidget):
    """Title, nine item editors, preview and problems; the window supplies the policy and the problems."""

    edited = Signal()
    """The text was changed by the user (not by :meth:`set_policy`)."""
    previewUpdated = Signal(str)
    """The preview was redrawn; the argument is the HTML fragment shown."""
    validationRequested = Signal(object)
    """Validate this :class:`Policy` (the window runs it in the background)."""
    problemsShown = Signal(object)
    """The list of :class:`ValidationProblem` now shown."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        preview_delay_ms: int = PREVIEW_DELAY_MS,
        validate_delay_ms: int = VALIDATE_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._facts: AccountFacts | None = None
        self._extra: dict[str, str] = {}
        """Texts of ids that are not one of the nine (kept so that saving loses nothing)."""
        self._published_on: dt.date | None = None
        self._revised_on: dt.date | None = None
        self._loading = False
        self._checked: Policy | None = None
        """The policy whose problems are listed (None: none yet, or the text changed since)."""

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(preview_delay_ms)
        self.preview_timer.timeout.connect(self.update_preview)
        self.validate_timer = QTimer(self)
        self.validate_timer.setSingleShot(True)
        self.validate_timer.setInterval(validate_delay_ms)
        self.validate_timer.timeout.connect(self.request_validation)

        self._build_editors()
        self._build_side()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.items_area)
        self.splitter.addWidget(self.side)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # == construction ===========================================================================================

    def _build_editors(self) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("policy_title")
        self.title_edit.setAccessibleName("利用方針の表題")
        self.title_edit.setPlaceholderText("例: 東広島市公式X(旧Twitter)アカウント運用方針")
        self.title_edit.textEdited.connect(lambda _text: self._on_edited())
        self.editors: dict[str, ItemEditor] = {}
        self.headings: dict[str, QLabel] = {}

        page = QWidget()
        page.setObjectName("policy_page")
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(6, 6, 6, 6)
        page_layout.setSpacing(4)
        title_label = QLabel("表題(&T)")
        title_label.setStyleSheet("font-weight: bold;")
        title_label.setBuddy(self.title_edit)
        page_layout.addWidget(title_label)
        page_layout.addWidget(self.title_edit)
        for item in ITEMS:
            heading = QLabel(item_heading(item))
            heading.setStyleSheet("font-weight: bold; margin-top: 8px;")
            heading.setWordWrap(True)
            editor = ItemEditor(item)
            editor.textChanged.connect(lambda e=editor: self._on_item_changed(e))
            heading.setBuddy(editor)
            if item.scope:
                heading.setToolTip(f"{item.scope}を書きます")
                editor.setPlaceholderText(f"{item.heading}({item.scope})")
            else:
                editor.setPlaceholderText(item.heading)
            self.headings[item.id] = heading
            self.editors[item.id] = editor
            page_layout.addWidget(heading)
            page_layout.addWidget(editor)
        page_layout.addStretch(1)

        self.items_area = QScrollArea()
        self.items_area.setAccessibleName("利用方針の項目")
        self.items_area.setWidgetResizable(True)
        self.items_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.items_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items_area.setWidget(page)
        self.page = page

    def _build_side(self) -> None:
        self.preview = QTextBrowser()
        self.preview.setObjectName("policy_preview")
        self.preview.setAccessibleName("公表する利用方針のプレビュー")
        self.preview.setOpenLinks(False)  # a preview: links are shown, not followed
        self.preview.document().setDefaultStyleSheet(PREVIEW_STYLE)

        self.problems_model = ProblemsModel(self)
        view = QTableView()
        view.setObjectName("policy_problems")
        view.setModel(self.problems_model)
        view.setAccessibleName("利用方針の問題")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(True)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COLUMN_SEVERITY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_MESSAGE, QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.doubleClicked.connect(self._on_problem_activated)
        view.activated.connect(self._on_problem_activated)
        self.problems_view = view
        self.problems_label = QLabel("")
        self.problems_label.setAccessibleName("問題の件数")

        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_label = QLabel("プレビュー(市ホームページに公表する形)")
        preview_label.setBuddy(self.preview)
        preview_layout.addWidget(preview_label)
        preview_layout.addWidget(self.preview, 1)
        problems_box = QWidget()
        problems_layout = QVBoxLayout(problems_box)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        problems_label = QLabel("確認結果(ダブルクリックで該当の項目へ)")
        problems_label.setBuddy(self.problems_view)
        problems_layout.addWidget(problems_label)
        problems_layout.addWidget(self.problems_view, 1)
        problems_layout.addWidget(self.problems_label)

        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.addWidget(preview_box)
        self.side.addWidget(problems_box)
        self.side.setChildrenCollapsible(False)
        self.side.setStretchFactor(0, 3)
        self.side.setStretchFactor(1, 2)

    # == the policy ============================================================================================

    @property
    def facts(self) -> AccountFacts | None:
        return self._facts

    def policy(self) -> Policy:
        """The policy as typed (with any stored texts of ids that are not one of the nine)."""
        texts = {**self._extra, **{item_id: editor.toPlainText() for item_id, editor in self.editors.items()}}
        return Policy(self.title_edit.text(), texts)

    def set_policy(
        self,
        policy: Policy,
        facts: AccountFacts,
        *,
        published_on: dt.date | None = None,
        revised_on: dt.date | None = None,
    ) -> None:
        """Show ``policy`` for the account with ``facts``; the preview is drawn and validation asked at once."""
        self._facts = facts
        self._published_on, self._revised_on = published_on, revised_on
        self._extra = {k: v for k, v in policy.texts.items() if k not in self.editors}
        self._loading = True
        try:
            self.title_edit.setText(policy.title)
            self.title_edit.setPlaceholderText(f"空欄のときは「{facts.shown_name} 利用方針」")
            for item_id, editor in self.editors.items():
                if editor.toPlainText() != policy.text(item_id):
                    editor.setPlainText(policy.text(item_id))
                editor.setExtraSelections([])
        finally:
            self._loading = False
        self.problems_model.set_problems([])
        self._checked = None
        self.problems_label.setText(CHECKING_TEXT)
        self.update_preview()
        self.request_validation()

    def set_facts(self, facts: AccountFacts) -> None:
        """The registry changed (e.g. 登録情報を編集): redraw and validate against the new facts."""
        self._facts = facts
        self.schedule()

    def set_editions(self, published_on: dt.date | None, revised_on: dt.date | None) -> None:
        self._published_on, self._revised_on = published_on, revised_on

    def clear(self) -> None:
        self._facts = None
        self._extra = {}
        self._loading = True
        try:
            self.title_edit.clear()
            for editor in self.editors.values():
                editor.clear()
                editor.setExtraSelections([])
        finally:
            self._loading = False
        self.preview_timer.stop()
        self.validate_timer.stop()
        self.preview.clear()
        self.problems_model.set_problems([])
        self._checked = None
        self.problems_label.setText("")

    def set_read_only(self, read_only: bool) -> None:
        self.title_edit.setReadOnly(read_only)
        for editor in self.editors.values():
            editor.setReadOnly(read_only)

    # == changes ===============================================================================================

    def _on_item_changed(self, editor: ItemEditor) -> None:
        if self._loading:
            return
        editor.setExtraSelections([])  # the marked spans moved with the typing
        self._on_edited()

    def _on_edited(self) -> None:
        if self._loading:
            return
        self._checked = None
        self.schedule()
        self.edited.emit()

    def schedule(self) -> None:
        """Redraw the preview and validate again once typing has paused."""
        self.preview_timer.start()
        self.validate_timer.start()
        self.problems_label.setText(CHECKING_TEXT)

    @Slot()
    def update_preview(self) -> None:
        self.preview_timer.stop()
        if self._facts is None:
            return
        fragment = to_html_fragment(self.policy(), self._facts, self._published_on, self._revised_on)
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(fragment)
        bar.setValue(position)  # keep the reader's place while the text is typed
        self.previewUpdated.emit(fragment)

    def preview_text(self) -> str:
        return self.preview.toPlainText()

    @Slot()
    def request_validation(self) -> None:
        self.validate_timer.stop()
        if self._facts is not None:
            self.validationRequested.emit(self.policy())

    # == problems ==============================================================================================

    @property
    def checked_policy(self) -> Policy | None:
        """The policy the problems shown belong to (None while a newer check is pending)."""
        return self._checked

    def show_problems(self, policy: Policy, problems: Sequence[ValidationProblem]) -> bool:
        """List the problems of ``policy`` if it is still the text on screen; False when it is not."""
        if policy != self.policy():
            return False
        self._checked = policy
        self.problems_model.set_problems(problems)
        errors, warnings = self.problems_model.counts()
        self.problems_label.setText(problems_summary(errors, warnings))
        color = SEVERITY_COLORS["error"] if errors else ("#000000" if not warnings else SEVERITY_COLORS["warning"])
        self.problems_label.setStyleSheet(f"color: {color};")
        self._mark(problems)
        self.problemsShown.emit(list(problems))
        return True

    def _mark(self, problems: Sequence[ValidationProblem]) -> None:
        by_item: dict[str, list[ValidationProblem]] = {}
        for problem in problems:
            if problem.item_id in self.editors and problem.start is not None and problem.end is not None:
                by_item.setdefault(problem.item_id, []).append(problem)
        for item_id, editor in self.editors.items():
            positions = Utf16Map(editor.toPlainText())
            selections: list[QTextEdit.ExtraSelection] = []
            for problem in by_item.get(item_id, []):
                assert problem.start is not None and problem.end is not None
                first, last = positions.span(problem.start, problem.end)
                cursor = QTextCursor(editor.document())
                cursor.setPosition(first)
                cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
                mark = QTextCharFormat()
                mark.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                mark.setUnderlineColor(QColor(SEVERITY_COLORS.get(problem.severity, "#d32f2f")))
                mark.setToolTip(problem.message)
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format = mark
                selections.append(selection)
            editor.setExtraSelections(selections)

    def marked_texts(self, item_id: str) -> list[str]:
        """The passages marked in an item's editor (for tests and screen readers)."""
        return [s.cursor.selectedText() for s in self.editors[item_id].extraSelections()]

    def problems(self) -> list[ValidationProblem]:
        return self.problems_model.problems()

    @Slot(QModelIndex)
    def _on_problem_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        problem = self.problems_model.problem(index.row()) if index.isValid() else None
        if problem is not None:
            self.focus_problem(problem)

    def focus_problem(self, problem: ValidationProblem) -> QWidget:
        """Move to the problem's item (its span selected when it has one); returns the editor focused."""
        editor = self.editors.get(problem.item_id or "")
        if editor is None:
            self.items_area.ensureWidgetVisible(self.title_edit)
            self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.title_edit
        cursor = editor.textCursor()
        if problem.start is not None and problem.end is not None:
            first, last = Utf16Map(editor.toPlainText()).span(problem.start, problem.end)
            cursor.setPosition(first)
            cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.Start)
        editor.setTextCursor(cursor)
        self.items_area.ensureWidgetVisible(self.headings[editor.item.id])
        caret = editor.viewport().mapTo(self.page, editor.cursorRect().center())
        self.items_area.ensureVisible(caret.x(), caret.y(), 20, 3 * editor.fontMetrics().lineSpacing())
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor

    def shutdown(self) -> None:
        self.preview_timer.stop()
        self.validate_timer.stop()
