"""第9条 in the archive window: linking a correction to the post it corrects, and the moderation log
(the モデレーション記録 view and 「記録を追加…」).

Each opens through ``classmethod ask()`` and only collects the answer; whether the link is allowed (who,
which account, which order in time) is decided by :mod:`sns_desk.core.moderation` through the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.jst import JST
from ..core.moderation import ModerationAction, ModerationEntry
from ..core.policy.items import ITEMS
from ..storage.search import FoundItem
from .archive_model import excerpt, jst_minute
from .dialogs import _FormDialog, _run, jst_second_text

_OPENING_CHARS = 40


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """「訂正として紐づける…」: ``correction_id`` corrects ``original_id`` (archive numbers)."""

    original_id: int
    correction_id: int


class LinkCorrectionDialog(_FormDialog):
    """The selected post is the correction (default) or the original; the other post's archive number."""

    def __init__(self, parent: QWidget | None, item: FoundItem) -> None:
        super().__init__(parent, "訂正として紐づける(第9条)", "紐づける")
        self._item = item
        opening = excerpt(item.text, (), _OPENING_CHARS)[0] if item.text else ""
        shown = QLabel(f"{item.id}: {jst_minute(item.posted_at)} {item.account}「{opening}」")
        shown.setWordWrap(True)
        self.is_correction = QRadioButton("選んだ投稿は訂正で、次の番号の投稿(原文)を訂正する")
        self.is_original = QRadioButton("選んだ投稿は原文で、次の番号の投稿が訂正している")
        self.is_correction.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.is_correction)
        group.addButton(self.is_original)
        self.other_spin = QSpinBox()
        self.other_spin.setAccessibleName("もう一方の投稿の番号")
        self.other_spin.setRange(1, 2**31 - 1)
        self.other_spin.setToolTip("アーカイブの詳細欄の「番号:」に表示されている番号です")
        self.other_spin.valueChanged.connect(lambda _value: self.update_ok())
        form = QFormLayout()
        form.addRow("選んだ投稿:", shown)
        form.addRow(self.is_correction)
        form.addRow(self.is_original)
        form.addRow("もう一方の番号(&N):", self.other_spin)
        self.layout_.addLayout(form)
        self.finish_layout()

    def is_complete(self) -> bool:
        return hasattr(self, "other_spin") and self.other_spin.value() != self._item.id

    def request(self) -> LinkRequest:
        other = self.other_spin.value()
        if self.is_correction.isChecked():
            return LinkRequest(original_id=other, correction_id=self._item.id)
        return LinkRequest(original_id=self._item.id, correction_id=other)

    @classmethod
    def ask(cls, parent: QWidget | None, item: FoundItem) -> LinkRequest | None:
        dialog = cls(parent, item)
        return dialog.request() if _run(dialog) else None


# == the moderation log (第9条) ====================================================================================

ACTION_CHOICES: Final = (ModerationAction.DELETE, ModerationAction.HIDE)
LOG_HEADERS: Final = (
    "処置日時",
    "アカウント",
    "処置",
    "利用方針の項目",
    "投稿者",
    "コメント",
    "理由",
    "記録者",
    "記録日時",
    "状態",
)
SUPERSEDED_COLOR: Final = "#9e9e9e"


@dataclass(frozen=True, slots=True)
class ModerationRequest:
    """「記録を追加…」: one comment deleted or hidden under the account's usage policy."""

    account: str
    action: ModerationAction
    author_handle: str
    text: str
    url: str
    policy_item: str
    commented_at: dt.datetime | None
    acted_at: dt.datetime
    reason: str


def _qdatetime(moment: dt.datetime) -> QDateTime:
    local = moment.astimezone(JST)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _pydatetime(value: QDateTime) -> dt.datetime:
    day, time = value.date(), value.time()
    return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=JST)


def entry_state(entry: ModerationEntry) -> str:
    """「」 for an entry that stands; else why not (取消 itself, or corrected/retracted by a later entry)."""
    if entry.action is ModerationAction.RETRACT:
        return f"記録 {entry.supersedes_id} の取消"
    if entry.superseded_by_id is not None:
        return f"記録 {entry.superseded_by_id} で訂正・取消済み"
    if entry.supersedes_id is not None:
        return f"記録 {entry.supersedes_id} の訂正"
    return ""


def entry_cells(entry: ModerationEntry) -> tuple[str, ...]:
    return (
        jst_second_text(entry.acted_at),
        entry.account_name,
        entry.action.label,
        entry.policy_label,
        entry.author_handle,
        entry.text,
        entry.reason,
        entry.recorded_by,
        jst_second_text(entry.recorded_at),
        entry_state(entry),
    )


class RecordModerationDialog(_FormDialog):
    """「記録を追加…」: account, 削除/非表示, author, the comment, its URL, the policy item, when, why."""

    def __init__(self, parent: QWidget | None, accounts: Sequence[str], account: str | None, now: dt.datetime) -> None:
        super().__init__(parent, "コメントの削除・非表示の記録(第9条)", "記録する")
        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("アカウント")
        self.account_combo.addItems(list(accounts))
        if account is not None and account in accounts:
            self.account_combo.setCurrentText(account)
        self.action_combo = QComboBox()
        self.action_combo.setAccessibleName("処置")
        for action in ACTION_CHOICES:
            self.action_combo.addItem(action.label, action.value)
        self.author_edit = QLineEdit()
        self.author_edit.setAccessibleName("コメントの投稿者")
        self.author_edit.setPlaceholderText("@handle")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName("コメントの本文")
        self.text_edit.setTabChangesFocus(True)
        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName("コメントの URL")
        self.item_combo = QComboBox()
        self.item_combo.setAccessibleName("利用方針の項目")
        for item in ITEMS:
            self.item_combo.addItem(item.label, item.id)
        self.item_combo.setCurrentIndex(max(self.item_combo.findData("user_rules"), 0))  # 利用者の遵守事項
        self.commented_check = QCheckBox("投稿日時(&P)")
        self.commented_edit = QDateTimeEdit(_qdatetime(now))
        self.commented_edit.setEnabled(False)
        self.commented_check.toggled.connect(self.commented_edit.setEnabled)
        self.acted_edit = QDateTimeEdit(_qdatetime(now))
        self.acted_edit.setAccessibleName("処置した日時")
        for edit in (self.commented_edit, self.acted_edit):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
            edit.setToolTip("日本時間")
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("理由")
        for widget in (self.author_edit, self.reason_edit):
            widget.textChanged.connect(lambda _text: self.update_ok())
        self.text_edit.textChanged.connect(self.update_ok)
        form = QFormLayout()
        form.addRow("アカウント(&A):", self.account_combo)
        form.addRow("処置(&K):", self.action_combo)
        form.addRow("投稿者(&U):", self.author_edit)
        form.addRow("コメント(&T):", self.text_edit)
        form.addRow("URL:", self.url_edit)
        form.addRow("利用方針の項目(&I):", self.item_combo)
        form.addRow(self.commented_check, self.commented_edit)
        form.addRow("処置日時(&D):", self.acted_edit)
        form.addRow("理由(&R):", self.reason_edit)
        self.layout_.addLayout(form)
        self.finish_layout()

    def is_complete(self) -> bool:
        if not hasattr(self, "reason_edit"):
            return False
        filled = (self.author_edit.text(), self.text_edit.toPlainText(), self.reason_edit.text())
        return bool(self.account_combo.currentText()) and all(v.strip() for v in filled)

    def request(self) -> ModerationRequest:
        return ModerationRequest(
            account=self.account_combo.currentText(),
            action=ModerationAction(str(self.action_combo.currentData())),
            author_handle=self.author_edit.text().strip(),
            text=self.text_edit.toPlainText().strip(),
            url=self.url_edit.text().strip(),
            policy_item=str(self.item_combo.currentData()),
            commented_at=_pydatetime(self.commented_edit.dateTime()) if self.commented_check.isChecked() else None,
            acted_at=_pydatetime(self.acted_edit.dateTime()),
            reason=self.reason_edit.text().strip(),
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, accounts: Sequence[str], account: str | None, now: dt.datetime
    ) -> ModerationRequest | None:
        dialog = cls(parent, accounts, account, now)
        return dialog.request() if _run(dialog) else None


class ModerationPanel(QWidget):
    """The モデレーション記録 view: an account and a month, the log's entries, 「記録を追加…」."""

    def __init__(self, now: dt.datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("記録を見るアカウント")
        self.account_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        local = now.astimezone(JST)
        self.year_spin = QSpinBox()
        self.year_spin.setAccessibleName("記録を見る年")
        self.year_spin.setRange(2000, 9999)
        self.year_spin.setValue(local.year)
        self.year_spin.setSuffix(" 年")
        self.month_spin = QSpinBox()
        self.month_spin.setAccessibleName("記録を見る月")
        self.month_spin.setRange(1, 12)
        self.month_spin.setValue(local.month)
        self.month_spin.setSuffix(" 月")
        self.add_button = QPushButton("記録を追加(&A)…")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(LOG_HEADERS))
        self.table.setAccessibleName("削除・非表示の記録")
        self.table.setHorizontalHeaderLabels(list(LOG_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(QLabel("アカウント:"))
        top.addWidget(self.account_combo)
        top.addWidget(self.year_spin)
        top.addWidget(self.month_spin)
        top.addStretch(1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.note.hide()
        self._entries: list[ModerationEntry] = []

    def account(self) -> str | None:
        text = self.account_combo.currentText()
        return text or None

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """The month chosen, Japan time: [start, end)."""
        year, month = self.year_spin.value(), self.month_spin.value()
        start = dt.datetime(year, month, 1, tzinfo=JST)
        end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=JST)
        return start, end

    def set_accounts(self, names: Sequence[str]) -> None:
        current = self.account_combo.currentText()
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        self.account_combo.addItems(list(names))
        if current in names:
            self.account_combo.setCurrentText(current)
        self.account_combo.blockSignals(False)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_entries(self, entries: Sequence[ModerationEntry]) -> None:
        self._entries = list(entries)
        self.table.setRowCount(len(entries))
        grey = QColor(SUPERSEDED_COLOR)
        for row, entry in enumerate(entries):
            for column, text in enumerate(entry_cells(entry)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if not entry.stands:
                    cell.setForeground(grey)
                    font = cell.font()
                    font.setStrikeOut(entry.superseded_by_id is not None)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()

    @property
    def entries(self) -> list[ModerationEntry]:
        return list(self._entries)

    def rows(self) -> list[tuple[str, ...]]:
        return [
            tuple(
                cell.text() if (cell := self.table.item(r, c)) is not None else ""
                for c in range(self.table.columnCount())
            )
            for r in range(self.table.rowCount())
        ]
