"""The drafts list: a table model over :class:`DraftSummary` values from the desk service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..core.workflow import DraftState
from ..services.desk import DraftSummary
from .flat_rows import FlatRows

_Index = QModelIndex | QPersistentModelIndex

SUMMARY_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""Item data role returning the row's :class:`DraftSummary` (any column)."""

HEADERS: Final = ("状態", "アカウント", "件名・冒頭", "作成者", "更新")
COLUMN_STATE: Final = 0
COLUMN_ACCOUNT: Final = 1
COLUMN_SUBJECT: Final = 2
COLUMN_AUTHOR: Final = 3
COLUMN_UPDATED: Final = 4

STATE_COLORS: Final[dict[DraftState, str]] = {
    DraftState.DRAFT: "#555555",
    DraftState.PENDING: "#b35c00",
    DraftState.APPROVED: "#2e7d32",
    DraftState.POSTED: "#1e5fb4",
    DraftState.RETURNED: "#c62828",
    DraftState.DISCARDED: "#8a8a8a",
}

UNTITLED: Final = "(本文なし)"


def subject(summary: DraftSummary) -> str:
    """The title if there is one, else the start of the text."""
    return summary.title or summary.excerpt or UNTITLED


def updated_text(summary: DraftSummary, today: dt.date | None = None) -> str:
    """The update time in the computer's time zone, short: ``11/20 10:00`` this year, else ``2025/11/20``."""
    local = summary.updated_at.astimezone()
    if local.year == (today or dt.date.today()).year:
        return local.strftime("%m/%d %H:%M")
    return local.strftime("%Y/%m/%d")


def full_time_text(moment: dt.datetime) -> str:
    """``2026/11/20 10:00`` in the computer's time zone."""
    return moment.astimezone().strftime("%Y/%m/%d %H:%M")


class DraftsModel(FlatRows, QAbstractTableModel):
    """One row per draft: 状態 / アカウント / 件名・冒頭 / 作成者 / 更新 (read-only)."""

    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DraftSummary] = []

    def set_summaries(self, summaries: Sequence[DraftSummary]) -> None:
        self.beginResetModel()
        self._rows = list(summaries)
        self.endResetModel()

    def summaries(self) -> list[DraftSummary]:
        return list(self._rows)

    def summary(self, row: int) -> DraftSummary:
        return self._rows[row]

    def row_of(self, draft_id: int) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == draft_id), None)

    # -- QAbstractTableModel ----------------------------------------------------------------

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        s = self._rows[index.row()]
        column = index.column()
        if role == SUMMARY_ROLE:
            return s
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COLUMN_STATE:
            return QColor(STATE_COLORS[s.state])
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{s.state.label}・{s.account_name}・作成者 {s.author}・更新 {full_time_text(s.updated_at)}"]
            if s.title:
                lines.append(f"件名: {s.title}")
            if s.excerpt:
                lines.append(f"冒頭: {s.excerpt}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[column]}: {self._display(s, column)}"
        return None

    @staticmethod
    def _display(s: DraftSummary, column: int) -> str | None:
        if column == COLUMN_STATE:
            return s.state.label
        if column == COLUMN_ACCOUNT:
            return s.account_name
        if column == COLUMN_SUBJECT:
            return subject(s)
        if column == COLUMN_AUTHOR:
            return s.author
        if column == COLUMN_UPDATED:
            return updated_text(s)
        return None
