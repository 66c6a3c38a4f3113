"""The archive window's lists: accounts with their last backup, and search results with their hits.

Both models hold plain values from :class:`~sns_desk.services.archive.ArchiveService`
(:class:`AccountArchive`, :class:`FoundItem`); the window loads them on its worker thread. Dates are
shown in Japan time whatever the computer's time zone, as the archive's users think in local days.
Post text comes from platform exports and is untrusted: it reaches rich text only through
:func:`highlight_html`, which escapes it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..core.jst import JST
from ..services.archive import AccountArchive
from ..storage.search import COUNT_CAP, FoundItem
from .flat_rows import FlatRows

_Index = QModelIndex | QPersistentModelIndex

"""Japan has no daylight saving time: a fixed offset is exact (and needs no tz database on Windows)."""

PLATFORM_LABELS: Final[dict[str, str]] = {
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "mastodon": "Mastodon",
    "line": "LINE",
}
SOURCE_LABELS: Final[dict[str, str]] = {
    "desk": "投稿デスクの記録",
    "x-archive": "X のアーカイブ",
}
ALL_ACCOUNTS: Final = "すべてのアカウント"
NO_BACKUP: Final = "未実施"
WARNING_COLOR: Final = "#c62828"
HIGHLIGHT_STYLE: Final = "background-color: #ffe082; color: #000000; font-weight: bold;"
EXCERPT_CHARS: Final = 160
"""At most this many characters of a post in the results list."""
EXCERPT_CONTEXT: Final = 12
"""When the first hit is further in, the excerpt starts this many characters before it."""

ACCOUNT_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""Accounts list: the row's :class:`AccountArchive` (None for 「すべてのアカウント」)."""
OVERDUE_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 2
"""Accounts list: whether the account's backup is overdue."""
ITEM_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 3
"""Results list: the row's :class:`FoundItem` (any column)."""
HIGHLIGHTS_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 4
"""Results list, text column: the hits as ``(start, end)`` offsets into the excerpt shown."""
HTML_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 5
"""Results list, text column: the excerpt as escaped HTML with the hits marked."""
CORRECTED_MARK: Final = "訂正済み"
"""Shown before the text of a post that a later post corrects (第9条)."""
CORRECTED_HTML: Final = f'<span style="color: #b71c1c; font-weight: bold;">[{CORRECTED_MARK}]</span> '

RESULT_HEADERS: Final = ("日時", "アカウント", "サービス", "本文", "メディア")
COLUMN_TIME: Final = 0
COLUMN_ACCOUNT: Final = 1
COLUMN_PLATFORM: Final = 2
COLUMN_TEXT: Final = 3
COLUMN_MEDIA: Final = 4

_FLATTEN: Final = {ord(c): " " for c in "\n\r\t\v\f\u2028\u2029\x85"}
"""One space for one character, so offsets into the text stay valid."""


def total_text(total: int) -> str:
    """「123 件」, or 「1,000 件以上」 past the search's count cap."""
    return f"{COUNT_CAP:,} 件以上" if total > COUNT_CAP else f"{total:,} 件"


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(platform, platform)


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


def jst_day(moment: dt.datetime) -> str:
    """``2025-04-01``, the day in Japan."""
    return moment.astimezone(JST).strftime("%Y-%m-%d")


def jst_minute(moment: dt.datetime) -> str:
    """``2025-04-01 09:30``, in Japan time."""
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def days_since(now: dt.datetime, then: dt.datetime) -> int:
    """Whole days from ``then`` to ``now`` (never negative)."""
    return max(0, (now - then).days)


def backup_text(account: AccountArchive) -> str:
    """The last backup's day, or 「未実施」."""
    return jst_day(account.last_backup_at) if account.last_backup_at is not None else NO_BACKUP


def overdue_text(account: AccountArchive, now: dt.datetime) -> str:
    """「最終バックアップから 12 日」, or 「バックアップが必要です」 when there never was one."""
    if account.last_backup_at is None:
        return "バックアップが必要です"
    return f"最終バックアップから {days_since(now, account.last_backup_at)} 日"


def excerpt(
    text: str, spans: Sequence[tuple[int, int]], limit: int = EXCERPT_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """One line of ``text`` for the list, around the first hit, with the spans moved to match.

    Line breaks become spaces; a start or an end cut off is marked with 「…」.
    """
    flat = text.translate(_FLATTEN)
    start = 0
    if spans and spans[0][0] > 2 * EXCERPT_CONTEXT:
        start = spans[0][0] - EXCERPT_CONTEXT
    end = min(len(flat), start + limit)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    moved = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end]
    return prefix + flat[start:end] + suffix, moved


def highlight_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` as HTML, every character escaped, the spans in a highlighted ``<span>``."""
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        start, end = max(start, last), min(end, len(text))
        if start >= end:
            continue
        pieces.append(html.escape(text[last:start]))
        pieces.append(f'<span style="{HIGHLIGHT_STYLE}">{html.escape(text[start:end])}</span>')
        last = end
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)


# -- accounts ----------------------------------------------------------------------------------------------


class AccountsModel(QAbstractListModel):
    """「すべてのアカウント」 then one row per account: name, service, items, last backup, warning."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._accounts: list[AccountArchive] = []
        self._now = dt.datetime.now(dt.UTC)
        self._warn_days = 7

    def set_accounts(self, accounts: Sequence[AccountArchive], now: dt.datetime, warn_days: int) -> None:
        self.beginResetModel()
        self._accounts = list(accounts)
        self._now = now
        self._warn_days = warn_days
        self.endResetModel()

    def accounts(self) -> list[AccountArchive]:
        return list(self._accounts)

    def account(self, row: int) -> AccountArchive | None:
        """The account of list row ``row`` (None for 「すべてのアカウント」)."""
        return self._accounts[row - 1] if 1 <= row <= len(self._accounts) else None

    def row_of(self, name: str | None) -> int:
        """The row of the account called ``name`` (0, 「すべてのアカウント」, when there is none)."""
        return next((i + 1 for i, a in enumerate(self._accounts) if a.name == name), 0)

    def is_overdue(self, account: AccountArchive) -> bool:
        return account.backup_overdue(self._now, self._warn_days)

    def overdue(self) -> list[AccountArchive]:
        return [a for a in self._accounts if self.is_overdue(a)]

    @property
    def warn_days(self) -> int:
        return self._warn_days

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._accounts) + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() <= len(self._accounts):
            return None
        account = self.account(index.row())
        if role == ACCOUNT_ROLE:
            return account
        if account is None:
            return self._all_data(role)
        overdue = self.is_overdue(account)
        if role == OVERDUE_ROLE:
            return overdue
        if role == Qt.ItemDataRole.DisplayRole:
            lines = [
                f"{account.name}({platform_label(account.platform)})",
                f"{account.items:,} 件・最終バックアップ {backup_text(account)}",
            ]
            if overdue:
                lines.append(overdue_text(account, self._now))  # beside the warning icon
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole and overdue:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QColor(WARNING_COLOR)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._tooltip(account, overdue)
        return None

    def _all_data(self, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            total = sum(a.items for a in self._accounts)
            return f"{ALL_ACCOUNTS}\n{total:,} 件"
        if role == OVERDUE_ROLE:
            return False
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{ALL_ACCOUNTS}の投稿を表示します"
        return None

    def _tooltip(self, account: AccountArchive, overdue: bool) -> str:
        lines = [
            f"{account.name}({platform_label(account.platform)})",
            f"保存している投稿: {account.items:,} 件",
        ]
        if account.newest_item_at is not None:
            lines.append(f"最新の投稿: {jst_minute(account.newest_item_at)}")
        lines.append(f"最終バックアップ: {backup_text(account)}")
        if account.last_backup_path:
            lines.append(f"保存先: {account.last_backup_path}")
        if overdue:
            lines.append(f"⚠ {overdue_text(account, self._now)}(警告は {self._warn_days} 日を過ぎてから)")
        return "\n".join(lines)


# -- search results ----------------------------------------------------------------------------------------


class ResultsModel(FlatRows, QAbstractTableModel):
    """One row per found item, newest first: 日時 / アカウント / サービス / 本文 (hits marked) / メディア."""

    headers = RESULT_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[FoundItem] = []
        self._excerpts: list[tuple[str, list[tuple[int, int]]]] = []
        self._total = 0
        self._last_page_full = False

    def set_page(self, items: Sequence[FoundItem], total: int, limit: int) -> None:
        """Replace the rows with a first page of results (``limit``: the page size asked for)."""
        self.beginResetModel()
        self._items = list(items)
        self._excerpts = [excerpt(item.text, item.highlights) for item in items]
        self._total = total
        self._last_page_full = len(items) >= limit
        self.endResetModel()

    def append_page(self, items: Sequence[FoundItem], total: int, limit: int) -> None:
        """Add the next page of results after the rows shown."""
        self._total = total
        self._last_page_full = len(items) >= limit
        if not items:
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        self._items.extend(items)
        self._excerpts.extend(excerpt(item.text, item.highlights) for item in items)
        self.endInsertRows()

    @property
    def total(self) -> int:
        """How many items match in all (the rows shown may be fewer), counted up to ``COUNT_CAP + 1``."""
        return self._total

    @property
    def total_is_capped(self) -> bool:
        """True when more items match than the search counts (「1,000 件以上」)."""
        return self._total > COUNT_CAP

    @property
    def has_more(self) -> bool:
        if self.total_is_capped:
            return self._last_page_full  # the count stops at the cap: go on until a page comes back short
        return len(self._items) < self._total

    def items(self) -> list[FoundItem]:
        return list(self._items)

    def item(self, row: int) -> FoundItem:
        return self._items[row]

    def row_of(self, item_id: int) -> int | None:
        return next((i for i, item in enumerate(self._items) if item.id == item_id), None)

    def row_total(self) -> int:
        return len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), column)
        if column == COLUMN_TEXT:
            text, spans = self._excerpts[index.row()]
            if role == HTML_ROLE:
                return (CORRECTED_HTML if item.corrected else "") + highlight_html(text, spans)
            if role == HIGHLIGHTS_ROLE:
                return list(spans)
            if role == Qt.ItemDataRole.ToolTipRole:
                shown = item.text if len(item.text) <= 400 else item.text[:400] + "…"
                return f"[{CORRECTED_MARK}] {shown}" if item.corrected else shown
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COLUMN_MEDIA:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            mark = f"({CORRECTED_MARK})" if column == COLUMN_TEXT and item.corrected else ""
            return f"{RESULT_HEADERS[column]}: {self._display(index.row(), column)}{mark}"
        return None

    def _display(self, row: int, column: int) -> str:
        item = self._items[row]
        if column == COLUMN_TIME:
            return jst_minute(item.posted_at)
        if column == COLUMN_ACCOUNT:
            return item.account
        if column == COLUMN_PLATFORM:
            return platform_label(item.platform)
        if column == COLUMN_TEXT:
            return self._excerpts[row][0]
        if column == COLUMN_MEDIA:
            return f"{item.media_count} 点" if item.media_count else ""
        return ""


class HighlightDelegate(QStyledItemDelegate):
    """Paints a cell's :data:`HTML_ROLE` (escaped text with marked hits) on one line, clipped to the cell."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        markup = index.data(HTML_ROLE)
        if not isinstance(markup, str):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)

        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(opt.font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.NoWrap)
        document.setDefaultTextOption(text_option)
        document.setHtml(markup)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Enabled else QPalette.ColorGroup.Disabled
        )
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(group, role))

        painter.save()
        try:
            top = rect.top() + max(0.0, (rect.height() - document.size().height()) / 2)
            painter.translate(rect.left(), top)
            painter.setClipRect(0, 0, rect.width(), rect.height())
            document.documentLayout().draw(painter, context)
        finally:
            painter.restore()
