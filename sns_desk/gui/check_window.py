"""The 投稿チェック window: write a post and see the guideline findings while typing."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping

from PySide6.QtCore import QDate, QItemSelectionModel, QLocale, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.checker import CheckContext, Length, Severity, default_checker, measure
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

WINDOW_TITLE = "sns_desk — 投稿チェック"
DEFAULT_PLATFORMS = ("x",)
_OVER_COLOR = SEVERITY_COLORS[Severity.ERROR]
_COUNTING_NOTES = {
    "twitter": "X の数え方(全角文字は 2、URL は 23)",
    "graphemes": "見た目の文字単位(絵文字の組み合わせは 1 文字)",
    "utf16": "UTF-16 の単位(絵文字の多くは 2)",
    "codepoints": "Unicode の文字単位",
}
_DETAIL_PLACEHOLDER = "指摘を選ぶと、ここに説明が表示されます。"


def summary_text(counts: Mapping[Severity, int]) -> str:
    """「エラー N件・警告 N件・参考 N件」."""
    return "・".join(f"{SEVERITY_LABELS[s]} {counts.get(s, 0)}件" for s in Severity)


def counter_text(length: Length) -> str:
    """「12 / 280 (残り 268)」 or, over the limit, 「282 / 280 (2 超過)」."""
    head = f"{length.count:,} / {length.limit:,}"
    if length.remaining < 0:
        return f"{head} ({-length.remaining:,} 超過)"
    return f"{head} (残り {length.remaining:,})"


class AboutDialog:
    """The バージョン情報 box. Tests replace :meth:`ask`."""

    @staticmethod
    def text() -> str:
        return (
            f"<h3>sns_desk {html.escape(__version__)}</h3>"
            "<p>東広島市ソーシャルメディア運用ガイドラインに沿って、投稿を書きながら確かめるためのアプリです。</p>"
        )

    @classmethod
    def ask(cls, parent: QWidget | None) -> None:
        QMessageBox.about(parent, "バージョン情報", cls.text())


class _PlatformRow:
    def __init__(self, platform: Platform, checked: bool) -> None:
        self.platform = platform
        self.checkbox = QCheckBox(platform.name)
        self.checkbox.setChecked(checked)
        self.checkbox.setObjectName(f"platform_{platform.id}")
        tip = f"{_COUNTING_NOTES.get(platform.counting, platform.counting)}で {platform.limit:,} まで"
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
        self.counter.setStyleSheet(f"color: {_OVER_COLOR}; font-weight: bold;" if over else "")

    def show_enabled(self) -> None:
        self.counter.setEnabled(self.checkbox.isChecked())


class CheckWindow(QMainWindow):
    """Editor, platform choice with length counters, and the live findings panel."""

    def __init__(
        self,
        checker: TextChecker | None = None,
        *,
        post_date: dt.date | None = None,
        platforms: tuple[str, ...] = DEFAULT_PLATFORMS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(WINDOW_TITLE)
        self._checker: TextChecker = checker if checker is not None else default_checker()
        self._last_result: CheckResult | None = None
        self._restoring_selection = False

        self.editor = PostEditor()
        editor_font = QFont(self.editor.font())
        editor_font.setPointSizeF(max(editor_font.pointSizeF(), 10.0) * 1.2)
        self.editor.setFont(editor_font)

        self.model = FindingsModel(self)
        self.findings_view = self._make_findings_view()
        self.detail_label = QLabel(_DETAIL_PLACEHOLDER)
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("修正案を適用")
        self.apply_button.setEnabled(False)
        self.apply_button.setToolTip("選んだ指摘の箇所を修正案に置き換えます(元に戻すこともできます)")

        self.date_edit = QDateEdit()
        self.date_edit.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.date_edit.setDisplayFormat("yyyy年M月d日(ddd)")
        self.date_edit.setCalendarPopup(True)
        day = post_date or dt.date.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.setAccessibleName("投稿予定日")
        self.date_edit.setToolTip("年を書かない日付の曜日は、この日を基準に確かめます")

        self.platform_rows: dict[str, _PlatformRow] = {
            pid: _PlatformRow(p, pid in platforms) for pid, p in self._checker.rulebook.platforms.items()
        }
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("指摘の件数")

        self._build_layout()
        self._build_menus()
        self.statusBar().addPermanentWidget(self.summary_label)
        self._show_summary()
        for row in self.platform_rows.values():
            row.show_length(measure("", row.platform.counting, row.platform.limit))
            row.show_enabled()

        self.live = LiveChecker(self._checker, self.snapshot, self)
        self.live.resultReady.connect(self.apply_result)
        self.live.failed.connect(self._on_check_failed)
        self.editor.textChanged.connect(self.live.schedule)
        for row in self.platform_rows.values():
            row.checkbox.toggled.connect(self._context_changed)
        self.date_edit.dateChanged.connect(self._context_changed)
        self.findings_view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.apply_button.clicked.connect(self.apply_suggestion)
        self.resize(1120, 720)

    # -- construction ---------------------------------------------------------------------

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

    def _build_layout(self) -> None:
        findings_box = QGroupBox("指摘")
        box_layout = QVBoxLayout(findings_box)
        box_layout.addWidget(self.findings_view, 3)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail_label, 1)
        detail_row.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignTop)
        box_layout.addLayout(detail_row, 1)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.editor)
        left.addWidget(findings_box)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(False)

        platform_box = QGroupBox("投稿先と文字数")
        grid = QGridLayout(platform_box)
        for i, row in enumerate(self.platform_rows.values()):
            grid.addWidget(row.checkbox, i, 0)
            grid.addWidget(row.counter, i, 1)
        grid.setColumnStretch(1, 1)

        date_box = QGroupBox("投稿予定日")
        date_layout = QVBoxLayout(date_box)
        date_layout.addWidget(self.date_edit)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(platform_box)
        side_layout.addWidget(date_box)
        side_layout.addStretch(1)

        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(left)
        outer.addWidget(side)
        outer.setStretchFactor(0, 1)
        outer.setStretchFactor(1, 0)
        outer.setChildrenCollapsible(False)
        outer.setContentsMargins(8, 8, 8, 0)
        self.setCentralWidget(outer)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        self.quit_action = QAction("終了(&Q)", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu("編集(&E)")
        e = self.editor
        self.undo_action = self._edit_action("元に戻す(&U)", QKeySequence.StandardKey.Undo, e.undo)
        self.redo_action = self._edit_action("やり直し(&R)", QKeySequence.StandardKey.Redo, e.redo)
        self.cut_action = self._edit_action("切り取り(&T)", QKeySequence.StandardKey.Cut, e.cut)
        self.copy_action = self._edit_action("コピー(&C)", QKeySequence.StandardKey.Copy, e.copy)
        self.paste_action = self._edit_action("貼り付け(&P)", QKeySequence.StandardKey.Paste, e.paste)
        self.select_all_action = self._edit_action("すべて選択(&A)", QKeySequence.StandardKey.SelectAll, e.selectAll)
        for action in (self.undo_action, self.redo_action, self.cut_action, self.copy_action):
            action.setEnabled(False)
        e.undoAvailable.connect(self.undo_action.setEnabled)
        e.redoAvailable.connect(self.redo_action.setEnabled)
        e.copyAvailable.connect(self.cut_action.setEnabled)
        e.copyAvailable.connect(self.copy_action.setEnabled)
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.cut_action, self.copy_action, self.paste_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.select_all_action)

        help_menu = self.menuBar().addMenu("ヘルプ(&H)")
        self.about_action = QAction("バージョン情報(&A)", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _edit_action(self, label: str, key: QKeySequence.StandardKey, slot: object) -> QAction:
        action = QAction(label, self)
        action.setShortcut(QKeySequence(key))
        # The editor handles these keys itself; the menu entries are for the mouse.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        return action

    # -- state ----------------------------------------------------------------------------

    def selected_platforms(self) -> tuple[str, ...]:
        return tuple(pid for pid, row in self.platform_rows.items() if row.checkbox.isChecked())

    def post_date(self) -> dt.date:
        d = self.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def snapshot(self) -> CheckRequest:
        """What to check now (called on the main thread)."""
        context = CheckContext(platforms=self.selected_platforms(), post_date=self.post_date())
        return CheckRequest(self.editor.toPlainText(), context)

    @property
    def last_result(self) -> CheckResult | None:
        return self._last_result

    def current_finding(self) -> PlacedFinding | None:
        index = self.findings_view.currentIndex()
        placed = self.editor.placed_findings()
        if not index.isValid() or not (0 <= index.row() < len(placed)):
            return None
        return placed[index.row()]

    # -- results --------------------------------------------------------------------------

    @Slot(object)
    def apply_result(self, result: CheckResult) -> None:
        """Show a (current) check result: underlines, findings list, counters, summary."""
        text = self.editor.toPlainText()
        if result.text != text:
            return  # cannot happen for a current generation; never paint offsets onto other text
        self._last_result = result
        previous = self.current_finding()
        key = (previous.finding.rule, previous.original) if previous is not None else None

        placed = place_findings(self.editor.document(), result.text, result.findings)
        self.editor.set_findings(placed)
        self.model.set_findings(result.findings, result.text)
        for pid, length in result.lengths.items():
            row = self.platform_rows.get(pid)
            if row is not None:
                row.show_length(length)
        self._show_summary()

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

    def _show_summary(self) -> None:
        self.summary_label.setText(summary_text(self.model.counts()))

    @Slot()
    def _context_changed(self) -> None:
        for row in self.platform_rows.values():
            row.show_enabled()
        self.live.schedule()

    @Slot(str)
    def _on_check_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"チェックに失敗しました: {message}", 10_000)

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

    def select_span(self, placed: PlacedFinding) -> None:
        """Select the finding's span in the editor and scroll it into view."""
        self.editor.setTextCursor(QTextCursor(placed.cursor))
        self.editor.ensureCursorVisible()

    def _show_detail(self, placed: PlacedFinding | None) -> None:
        if placed is None:
            self.detail_label.setText(_DETAIL_PLACEHOLDER)
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
        self.detail_label.setText("<br/>".join(parts))
        self.apply_button.setEnabled(f.suggestion is not None and placed.is_intact())

    @Slot()
    def apply_suggestion(self) -> bool:
        """Replace the selected finding's span with its suggestion, as one undo step."""
        placed = self.current_finding()
        if placed is None or placed.finding.suggestion is None or not placed.is_intact():
            return False
        cursor = QTextCursor(placed.cursor)
        cursor.beginEditBlock()
        cursor.insertText(placed.finding.suggestion)
        cursor.endEditBlock()
        self.apply_button.setEnabled(False)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()
        return True

    # -- other ------------------------------------------------------------------------------

    @Slot()
    def show_about(self) -> None:
        AboutDialog.ask(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.live.shutdown()
        super().closeEvent(event)
