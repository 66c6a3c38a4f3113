"""The 投稿チェック window: check a text against the guideline without keeping a draft.

The drafting desk (:mod:`.desk_window`) is the main window; this one is its 「ツール → 投稿チェック」
scratch pad, with every platform to choose from and a free posting date.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..core.checker import CheckContext, default_checker, measure
from .check_panel import CheckPanel, PlatformRow, add_edit_actions, counter_text, summary_text
from .dialogs import AboutDialog
from .editor import PlacedFinding
from .live_check import CheckRequest, CheckResult, TextChecker

__all__ = ["DEFAULT_PLATFORMS", "WINDOW_TITLE", "AboutDialog", "CheckWindow", "counter_text", "summary_text"]

WINDOW_TITLE = "sns_desk — 投稿チェック"
DEFAULT_PLATFORMS = ("x",)


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

        self.date_edit = QDateEdit()
        self.date_edit.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.date_edit.setDisplayFormat("yyyy年M月d日(ddd)")
        self.date_edit.setCalendarPopup(True)
        day = post_date or dt.date.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.setAccessibleName("投稿予定日")
        self.date_edit.setToolTip("年を書かない日付の曜日は、この日を基準に確かめます")

        self.platform_rows: dict[str, PlatformRow] = {
            pid: PlatformRow(p, pid in platforms) for pid, p in self._checker.rulebook.platforms.items()
        }
        self.panel = CheckPanel(self._checker, self._context, self)
        self.editor = self.panel.editor
        self.model = self.panel.model
        self.findings_view = self.panel.findings_view
        self.detail_label = self.panel.detail_label
        self.apply_button = self.panel.apply_button
        self.live = self.panel.live
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("指摘の件数")

        self._build_layout()
        self._build_menus()
        self.statusBar().addPermanentWidget(self.summary_label)
        self._show_summary()
        for row in self.platform_rows.values():
            row.show_length(measure("", row.platform.counting, row.platform.limit))
            row.show_enabled()

        self.panel.resultShown.connect(self._on_result_shown)
        self.panel.checkFailed.connect(self._on_check_failed)
        for row in self.platform_rows.values():
            row.checkbox.toggled.connect(self._context_changed)
        self.date_edit.dateChanged.connect(self._context_changed)
        self.resize(1120, 720)

    # -- construction ---------------------------------------------------------------------

    def _build_layout(self) -> None:
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
        outer.addWidget(self.panel)
        outer.addWidget(side)
        outer.setStretchFactor(0, 1)
        outer.setStretchFactor(1, 0)
        outer.setChildrenCollapsible(False)
        outer.setContentsMargins(8, 8, 8, 0)
        self.setCentralWidget(outer)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        self.quit_action = QAction("閉じる(&Q)" if self.parent() else "終了(&Q)", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu("編集(&E)")
        edit = add_edit_actions(self, edit_menu, self.editor)
        self.undo_action, self.redo_action = edit.undo, edit.redo
        self.cut_action, self.copy_action, self.paste_action = edit.cut, edit.copy, edit.paste
        self.select_all_action = edit.select_all

        help_menu = self.menuBar().addMenu("ヘルプ(&H)")
        self.about_action = QAction("バージョン情報(&A)", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    # -- state ----------------------------------------------------------------------------

    def selected_platforms(self) -> tuple[str, ...]:
        return tuple(pid for pid, row in self.platform_rows.items() if row.checkbox.isChecked())

    def post_date(self) -> dt.date:
        d = self.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def _context(self) -> CheckContext:
        return CheckContext(platforms=self.selected_platforms(), post_date=self.post_date())

    def snapshot(self) -> CheckRequest:
        """What to check now (called on the main thread)."""
        return self.panel.snapshot()

    @property
    def last_result(self) -> CheckResult | None:
        return self.panel.last_result

    def current_finding(self) -> PlacedFinding | None:
        return self.panel.current_finding()

    # -- results --------------------------------------------------------------------------

    @Slot(object)
    def apply_result(self, result: CheckResult) -> None:
        """Show a (current) check result: underlines, findings list, counters, summary."""
        self.panel.apply_result(result)

    @Slot(object)
    def _on_result_shown(self, result: CheckResult) -> None:
        for pid, length in result.lengths.items():
            row = self.platform_rows.get(pid)
            if row is not None:
                row.show_length(length)
        self._show_summary()

    def _show_summary(self) -> None:
        self.summary_label.setText(summary_text(self.model.counts()))

    @Slot()
    def _context_changed(self) -> None:
        for row in self.platform_rows.values():
            row.show_enabled()
        self.panel.recheck()

    @Slot(str)
    def _on_check_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"チェックに失敗しました: {message}", 10_000)

    # -- suggestions and other ----------------------------------------------------------------

    def select_span(self, placed: PlacedFinding) -> None:
        self.panel.select_span(placed)

    @Slot()
    def apply_suggestion(self) -> bool:
        """Replace the selected finding's span with its suggestion, as one undo step."""
        return self.panel.apply_suggestion()

    @Slot()
    def show_about(self) -> None:
        AboutDialog.ask(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.panel.shutdown()
        super().closeEvent(event)
