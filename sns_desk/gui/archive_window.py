"""The アーカイブ(第6条) window: everything the city posted, searchable, with each account's last backup.

Left: the accounts, each with how many posts the archive holds and its last backup; an account
whose backup is older than the warning threshold is marked, and a banner above lists them
(第6条第9号: the copy of what was posted stays in the office). Centre: full-text search with
filters and the results, newest first, the hits marked. Right: the chosen post in full with its
address, the 第5条 terminal note and its media. 「エクスポートを取り込む」 adds a platform export; the
バックアップ menu writes, verifies and restores the Article 6 backup packages (第6条第9号) and shows how to
schedule them in Windows Task Scheduler.

Every call to the :class:`ArchiveService` runs on the window's own :class:`OpRunner` (never on the
UI thread, and apart from the desk's saves, which a long import must not hold up); the window only
receives plain values. A long job (an import, a backup export, check or restore: one at a time) reports
progress from the worker thread through a queued signal and stops when 「中止」 sets a
:class:`threading.Event` that the service polls; the service then leaves nothing half done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QColor, QImage, QPixmap, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDockWidget,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyle,
    QTableView,
    QTextBrowser,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.archive.package import PackageSummary
from ..core.errors import Cancelled
from ..core.jst import JST, today
from ..core.moderation import LinkedPost, ModerationError
from ..core.report import ReportRefused
from ..services.archive import AccountArchive, ArchiveService
from ..services.archive_import import ImportCancelled, ImportResult
from ..services.backup_schedule import backup_program, scheduled_db_url
from ..services.backups import BackupCheck, PackageOverview, RestoreResult
from ..storage.errors import StorageError
from ..storage.search import FoundItem, SearchPage, SearchQuery

if TYPE_CHECKING:
    from ..core.moderation import ModerationEntry
    from ..services.moderation import CorrectionChain, ModerationService
    from ..services.report import ReportService
from .archive_model import (
    COLUMN_ACCOUNT,
    COLUMN_MEDIA,
    COLUMN_PLATFORM,
    COLUMN_TEXT,
    COLUMN_TIME,
    ITEM_ROLE,
    WARNING_COLOR,
    AccountsModel,
    HighlightDelegate,
    ResultsModel,
    jst_minute,
    platform_label,
    source_label,
    total_text,
)
from .backup_dialogs import (
    BackupExportDialog,
    BackupProblemsDialog,
    ExportRequest,
    PackageFolderDialog,
    ScheduleDialog,
    check_ok_text,
    export_result_text,
    restore_question,
    restore_result_text,
)
from .dialogs import ConfirmDialog, MessageDialog
from .guideline import open_location
from .import_dialog import ImportDialog, ImportRequest
from .moderation_dialogs import (
    LinkCorrectionDialog,
    LinkRequest,
    ModerationPanel,
    ModerationRequest,
    RecordModerationDialog,
)
from .offsets import Utf16Map
from .ops import OpRunner
from .report_dialog import MonthlyReportDialog, ReportRequest, last_month
from .window import AppWindow, set_allowed

WINDOW_TITLE: Final = "sns_desk — アーカイブ(第6条)"
SEARCH_DELAY_MS: Final = 250
"""Search this long after typing stops."""
WARN_SAVE_DELAY_MS: Final = 600
"""Store the warning threshold this long after the spin box stops changing."""
PAGE_SIZE: Final = 100
THUMBNAIL_SIDE: Final = 88
MEDIA_ROWS: Final = 2
"""The media strip is this many thumbnails high (X allows four images: two rows of two in a narrow pane)."""
MAX_WARN_DAYS: Final = 365
ARTICLE_NOTE: Final = "第6条第9号: 投稿の控えは庁内に残す"
ALL_PLATFORMS: Final = "すべてのサービス"
NO_ITEM_TEXT: Final = "一覧から投稿を選ぶと、ここに本文とメディアが表示されます。"
IMPORT_FOLDER_KEY: Final = "archive/import_folder"
BACKUP_FOLDER_KEY: Final = "archive/backup_folder"
REPORT_FOLDER_KEY: Final = "archive/report_folder"
"""The folder the last monthly report was written to."""
POST_LINK_PREFIX: Final = "post:"
"""The correction chain's links in the detail pane: 「post:123」 selects archived post 123."""
CORRECTED_STYLE: Final = "color: #b71c1c; font-weight: bold;"
"""The folder the last backup package was written to or read from (the packages' parent)."""
BANNER_STYLE: Final = "QFrame#backup_banner { background: #fdecea; border: 1px solid #e57373; border-radius: 4px; }"
HIT_COLOR: Final = "#ffe082"
_WEB_SCHEMES: Final = ("http", "https")


# == values handed from the worker thread ===========================================================


@dataclass(frozen=True, slots=True)
class ArchiveOverview:
    """What a refresh loads in one background call."""

    accounts: tuple[AccountArchive, ...]
    warn_days: int
    now: dt.datetime


def load_overview(service: ArchiveService) -> ArchiveOverview:
    return ArchiveOverview(tuple(service.accounts()), service.backup_warning_days(), service.now())


@dataclass(frozen=True, slots=True)
class MediaPreview:
    """One media file of a post: its thumbnail when it is an image Qt can read."""

    name: str
    sha256: str
    image: QImage | None
    problem: str = ""
    """Why the file could not be read (missing, damaged), else empty."""


@dataclass(frozen=True, slots=True)
class MediaSnapshot:
    item_id: int
    previews: tuple[MediaPreview, ...]


def load_media(service: ArchiveService, item_id: int, side: int) -> MediaSnapshot:
    """Runs on the worker thread: the post's media, images decoded and scaled (QImage is thread-safe)."""
    previews = []
    for media in service.media_of(item_id):
        try:
            data = service.media.get(media.sha256)
        except StorageError as exc:
            previews.append(MediaPreview(media.name, media.sha256, None, str(exc)))
            continue
        image = QImage.fromData(data)
        if image.isNull():
            previews.append(MediaPreview(media.name, media.sha256, None))
            continue
        scaled = image.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        previews.append(MediaPreview(media.name, media.sha256, scaled))
    return MediaSnapshot(item_id, tuple(previews))


def save_warn_days(service: ArchiveService, days: int) -> int:
    service.set_backup_warning_days(days)
    return days


# == texts ====================================================================================================


def banner_text(overdue: Sequence[AccountArchive], warn_days: int) -> str:
    names = "、".join(a.name for a in overdue)
    return f"⚠ バックアップが {warn_days} 日以上ないアカウント: {names}({ARTICLE_NOTE})"


def linked_post_html(post: LinkedPost) -> str:
    """The other end of a correction link: its time (Japan) and opening words, as a link that selects it."""
    words = html.escape(post.excerpt)
    return f'<a href="{POST_LINK_PREFIX}{post.id}">{jst_minute(post.posted_at)}「{words}」</a>'


def chain_html(chain: CorrectionChain) -> str:
    """訂正済み and both directions of the chain (第9条), as rich text with escaped post words."""
    lines = []
    if chain.corrected:
        lines.append(f'<span style="{CORRECTED_STYLE}">訂正済み</span>')
        lines.extend(f"原文 → 訂正: {linked_post_html(post)}" for post in chain.corrected_by)
    if chain.corrects is not None:
        lines.append(f"訂正 → 原文: {linked_post_html(chain.corrects)}")
    return "<br>".join(lines)


def chain_text(chain: CorrectionChain) -> str:
    """:func:`chain_html` as plain text (for tests and screen readers)."""
    lines = []
    if chain.corrected:
        lines.append("訂正済み")
        lines.extend(f"原文 → 訂正: {jst_minute(p.posted_at)}「{p.excerpt}」" for p in chain.corrected_by)
    if chain.corrects is not None:
        lines.append(f"訂正 → 原文: {jst_minute(chain.corrects.posted_at)}「{chain.corrects.excerpt}」")
    return "\n".join(lines)


def import_result_text(result: ImportResult) -> str:
    return f"{result.account}: {result.added:,} 件を追加、{result.skipped:,} 件は取り込み済み"


# The long jobs and the phases they report progress in.
JOB_IMPORT: Final = "import"
JOB_EXPORT: Final = "export"
JOB_VERIFY: Final = "verify"
JOB_RESTORE: Final = "restore"
PHASE_RESTORE_CHECK: Final = "restore-check"
"""A restore first verifies the whole package (files), then loads its items."""
JOB_TITLES: Final = {
    JOB_IMPORT: "エクスポートの取り込み",
    JOB_EXPORT: "バックアップの書き出し",
    JOB_VERIFY: "バックアップの検証",
    JOB_RESTORE: "バックアップからの復元",
}
JOB_FAILED: Final = {
    JOB_IMPORT: "取り込めません",
    JOB_EXPORT: "バックアップを書き出せません",
    JOB_VERIFY: "バックアップを検証できません",
    JOB_RESTORE: "バックアップから復元できません",
}
JOB_STOPPING: Final = {
    JOB_IMPORT: "取り込みを中止しています…",
    JOB_EXPORT: "書き出しを中止しています…",
    JOB_VERIFY: "検証を中止しています…",
    JOB_RESTORE: "復元を中止しています…",
}
RESTORE_CANCELLED: Final = "復元を中止しました。データベースは復元前のままです"


def progress_text(phase: str, name: str, done: int, total: int) -> str:
    """The progress dialog's line for ``phase`` of a job on ``name``; ``total`` is -1 while unknown."""
    if phase == JOB_IMPORT:
        if total > 0:
            return f"「{name}」を取り込んでいます… {done:,} / {total:,} 件"
        if done:
            return f"「{name}」を取り込んでいます… {done:,} 件"
        return f"「{name}」を読み込んでいます…"
    if phase == JOB_EXPORT:  # the total counts steps (items twice, media once), not posts
        if total > 0:
            return f"「{name}」に書き出しています… {min(done, total) * 100 // total} %"
        if done:
            return f"書き出す投稿を集めています… {done:,} 件"
        return "書き出す投稿を読み込んでいます…"
    if phase in (JOB_VERIFY, PHASE_RESTORE_CHECK):
        what = "復元の前に「{}」を検証しています…" if phase == PHASE_RESTORE_CHECK else "「{}」を検証しています…"
        text = what.format(name)
        return f"{text} {done:,} / {total:,} ファイル" if total > 0 else text
    if total > 0:
        return f"「{name}」から復元しています… {done:,} / {total:,} 件"
    return f"「{name}」から復元しています…"


@dataclass(frozen=True, slots=True)
class _Job:
    """The long job running (one at a time)."""

    kind: str
    name: str
    """The file or folder, as the progress dialog names it."""
    cancel: threading.Event
    request: object
    """What was asked: an :class:`ImportRequest`, an :class:`ExportRequest` or the package's path."""


def count_text(shown: int, total: int, more: bool) -> str:
    """「250 件」, 「250 件(新しい順に 100 件を表示)」 or 「1,000 件以上(新しい順に 100 件を表示)」."""
    if more:
        return f"{total_text(total)}(新しい順に {shown:,} 件を表示)"
    return f"{shown:,} 件" if shown >= total else total_text(total)  # all listed: exact, even past the cap


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in Japan at the start of ``day``."""
    return dt.datetime.combine(day, dt.time(), tzinfo=JST)


def is_web_url(url: str) -> bool:
    """Only web addresses are opened: an export is untrusted, and may hold ``file:`` or script links."""
    parsed = QUrl(url)
    return parsed.isValid() and parsed.scheme().lower() in _WEB_SCHEMES and bool(parsed.host())


def link_html(url: str) -> str:
    escaped = html.escape(url, quote=True)
    return f'<a href="{escaped}">{escaped}</a>'


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


# == widgets ==================================================================================================


class ProgressRelay(QObject):
    """Lives on the main thread; the services call its signals' emit from the worker thread."""

    progressed = Signal(int, int)
    """An import's (done, total); total is -1 when the export does not say how many posts it holds."""
    backupProgressed = Signal(str, int, int)
    """A backup job's (phase, done, total): phase is ``export``, ``verify``, ``restore-check`` or ``restore``;
    total is -1 while it is not known."""


class ItemDetail(QGroupBox):
    """The chosen post in full: when, who, its address, the 第5条 note, the text with the hits, the media."""

    linkActivated = Signal(str)
    postActivated = Signal(object)
    """A post of the correction chain was clicked: its :class:`LinkedPost`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("選んだ投稿", parent)
        self._item: FoundItem | None = None
        self._chain: CorrectionChain | None = None
        self._chain_posts: dict[int, LinkedPost] = {}
        self.placeholder = QLabel(NO_ITEM_TEXT)
        self.placeholder.setWordWrap(True)

        def value_label(name: str) -> QLabel:
            label = QLabel()
            label.setAccessibleName(name)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # exports are untrusted text
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return label

        self.time_label = value_label("投稿日時")
        self.account_label = value_label("アカウント")
        self.url_label = self._link_label("投稿の URL")
        self.reposted_label = self._link_label("再投稿元")
        self.terminal_label = value_label("投稿した端末")
        self.source_label = value_label("記録の出どころ")
        self.id_label = value_label("アーカイブの番号")
        self.id_label.setToolTip("「訂正として紐づける…」で、もう一方の投稿を指定するときの番号です")
        self.chain_label = QLabel()
        self.chain_label.setAccessibleName("訂正(第9条)")
        self.chain_label.setWordWrap(True)
        self.chain_label.setTextFormat(Qt.TextFormat.RichText)  # the post words are escaped
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.chain_label.setOpenExternalLinks(False)
        self.chain_label.linkActivated.connect(self._on_chain_link)
        self.form = QFormLayout()
        self.form.addRow("日時:", self.time_label)
        self.form.addRow("アカウント:", self.account_label)
        self.form.addRow("URL:", self.url_label)
        self.form.addRow("再投稿元:", self.reposted_label)
        self.form.addRow("端末(第5条):", self.terminal_label)
        self.form.addRow("記録:", self.source_label)
        self.form.addRow("番号:", self.id_label)
        self.form.addRow("訂正(第9条):", self.chain_label)

        self.text_view = QTextBrowser()
        self.text_view.setAccessibleName("投稿の本文")
        self.text_view.setOpenLinks(False)
        self.text_view.setReadOnly(True)
        self.text_view.setUndoRedoEnabled(False)

        self.media_label = QLabel()
        self.media_list = QListWidget()
        self.media_list.setAccessibleName("投稿のメディア")
        self.media_list.setViewMode(QListView.ViewMode.IconMode)
        self.media_list.setFlow(QListView.Flow.LeftToRight)
        self.media_list.setWrapping(True)
        self.media_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.media_list.setMovement(QListView.Movement.Static)
        self.media_list.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.media_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.media_list.setWordWrap(True)
        self.media_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lines = self.media_list.fontMetrics().lineSpacing()
        grid = QSize(THUMBNAIL_SIDE + 24, THUMBNAIL_SIDE + 2 * lines + 8)
        self.media_list.setGridSize(grid)
        self.media_list.setFixedHeight(MEDIA_ROWS * grid.height() + 2 * self.media_list.frameWidth() + 4)

        self.content = QWidget()
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(self.form)
        content_layout.addWidget(self.text_view, 1)
        content_layout.addWidget(self.media_label)
        content_layout.addWidget(self.media_list)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.content, 1)
        self.show_item(None)

    def _link_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setAccessibleName(name)
        label.setWordWrap(True)
        label.setOpenExternalLinks(False)  # opened by the window, web addresses only
        label.linkActivated.connect(self.linkActivated)
        return label

    @property
    def item(self) -> FoundItem | None:
        return self._item

    @property
    def chain(self) -> CorrectionChain | None:
        """The correction chain of the post shown, once loaded."""
        return self._chain

    def chain_text(self) -> str:
        return chain_text(self._chain) if self._chain is not None else ""

    def show_chain(self, chain: CorrectionChain) -> None:
        if self._item is None or self._item.id != chain.item.id:
            return
        self._chain = chain
        others = [*chain.corrected_by, *([chain.corrects] if chain.corrects is not None else [])]
        self._chain_posts = {post.id: post for post in others}
        self.chain_label.setText(chain_html(chain))
        self.chain_label.setAccessibleDescription(chain_text(chain))
        self._set_row_visible(self.chain_label, bool(others))

    def _on_chain_link(self, href: str) -> None:
        if href.startswith(POST_LINK_PREFIX) and href[len(POST_LINK_PREFIX) :].isdigit():
            post = self._chain_posts.get(int(href[len(POST_LINK_PREFIX) :]))
            if post is not None:
                self.postActivated.emit(post)

    def _set_row_visible(self, field: QWidget, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    @staticmethod
    def _show_link(label: QLabel, url: str) -> None:
        if is_web_url(url):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            label.setText(link_html(url))
            label.setToolTip(f"{url} をブラウザーで開きます")
        else:
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setText(url)
            label.setToolTip("")

    def show_item(self, item: FoundItem | None) -> None:
        self._item = item
        self._chain = None
        self._chain_posts = {}
        self.placeholder.setVisible(item is None)
        self.content.setVisible(item is not None)
        self.media_list.clear()
        if item is None:
            self.text_view.clear()
            return
        self.id_label.setText(str(item.id))
        # until the chain is loaded: 訂正済み from the search result, or nothing
        self.chain_label.setText(f'<span style="{CORRECTED_STYLE}">訂正済み</span>' if item.corrected else "")
        self._set_row_visible(self.chain_label, item.corrected or item.corrects_id is not None)
        self.time_label.setText(f"{jst_minute(item.posted_at)}(日本時間)")
        who = f"{item.account}({platform_label(item.platform)})"
        if item.author and item.author != item.account:
            who += f" 投稿者: {item.author}"
        self.account_label.setText(who)
        self._show_link(self.url_label, item.url)
        self._set_row_visible(self.url_label, bool(item.url))
        self._show_link(self.reposted_label, item.reposted_url or "")
        self._set_row_visible(self.reposted_label, bool(item.reposted_url))
        terminal = item.terminal
        if item.off_terminal_reason:
            terminal = f"⚠ 市の端末以外から投稿 — 理由: {item.off_terminal_reason}" + (
                f"(端末: {item.terminal})" if item.terminal else ""
            )
        self.terminal_label.setText(terminal)
        self.terminal_label.setStyleSheet(f"color: {WARNING_COLOR};" if item.off_terminal_reason else "")
        self._set_row_visible(self.terminal_label, bool(terminal))
        self.source_label.setText(source_label(item.source))
        self._set_row_visible(self.source_label, bool(item.source))
        self.text_view.setPlainText(item.text)
        self._mark_hits(item)
        self.media_label.setText(f"メディア {item.media_count} 点(読み込み中…)" if item.media_count else "メディアなし")
        self.media_list.setVisible(item.media_count > 0)

    def _mark_hits(self, item: FoundItem) -> None:
        """The hits as extra selections: drawn over the text, the document itself is never changed."""
        positions = Utf16Map(item.text)  # the spans count code points, Qt counts UTF-16 units
        marked = QTextCharFormat()
        marked.setBackground(QColor(HIT_COLOR))
        marked.setForeground(QColor("#000000"))
        selections: list[QTextEdit.ExtraSelection] = []
        for start, end in item.highlights:
            first, last = positions.span(start, end)
            cursor = QTextCursor(self.text_view.document())
            cursor.setPosition(first)
            cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = marked
            selections.append(selection)
        self.text_view.setExtraSelections(selections)

    def hit_texts(self) -> list[str]:
        """The marked passages of the text shown (for tests and screen readers)."""
        return [s.cursor.selectedText() for s in self.text_view.extraSelections()]

    def show_media(self, snapshot: MediaSnapshot, ratio: float) -> None:
        if self._item is None or self._item.id != snapshot.item_id:
            return
        self.media_list.clear()
        style = self.style()
        for preview in snapshot.previews:
            item = QListWidgetItem(preview.name)
            if preview.image is not None:
                pixmap = QPixmap.fromImage(preview.image)
                pixmap.setDevicePixelRatio(ratio)
                item.setIcon(pixmap)
                item.setToolTip(f"{preview.name}({preview.image.width()}×{preview.image.height()} で表示)")
            elif preview.problem:
                item.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
                item.setToolTip(preview.problem)
            else:
                item.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon))
                item.setToolTip(f"{preview.name}(画像として表示できないファイル)")
            item.setData(Qt.ItemDataRole.UserRole, preview.sha256)
            self.media_list.addItem(item)
        problems = sum(1 for p in snapshot.previews if p.problem)
        text = f"メディア {len(snapshot.previews)} 点"
        if problems:
            text += f"(うち {problems} 点は読めません)"
        self.media_label.setText(text)

    def media_names(self) -> list[str]:
        return [self.media_list.item(row).text() for row in range(self.media_list.count())]


# == the window ================================================================================================


class ArchiveWindow(AppWindow):
    """Search the archive, see each account's backup state, import platform exports."""

    overviewLoaded = Signal(object)
    """An :class:`ArchiveOverview` (accounts, threshold) has been shown."""
    resultsLoaded = Signal()
    """A page of results was shown (a new search, or 「さらに表示」)."""
    detailShown = Signal(object)
    """A :class:`FoundItem` (or None) is shown in the detail pane."""
    mediaLoaded = Signal(object)
    """A :class:`MediaSnapshot` was shown."""
    importStarted = Signal(object)
    """An :class:`ImportRequest` is about to run (the progress dialog is open)."""
    importFinished = Signal(object)
    """The import ended: its :class:`ImportResult`, or the exception (cancelled, refused, failed)."""
    warnDaysSaved = Signal(int)
    """The warning threshold was stored."""
    backupStarted = Signal(str)
    """A backup job (``export``, ``verify``, ``restore``) is about to run (the progress dialog is open)."""
    backupFinished = Signal(object)
    """A backup job ended: its :class:`PackageSummary`, :class:`BackupCheck` or :class:`RestoreResult`,
    or the exception (cancelled, refused, failed), after its result was shown."""
    scheduleShown = Signal(object)
    """「スケジュール設定の案内」 was shown: (the ``--db`` URL or None, the program)."""
    chainShown = Signal(object)
    """The :class:`CorrectionChain` of the post shown was loaded and shown."""
    correctionLinked = Signal(object)
    """「訂正として紐づける…」 ended: the original's :class:`CorrectionChain`, or the exception (refused)."""
    reportAllowed = Signal(str)
    """Whether this person may make a monthly report was learnt: "" or why not (the action's tooltip)."""
    reportFinished = Signal(object)
    """「月次報告…」 ended: the :class:`Path` written, or the exception (refused, failed)."""
    moderationLoaded = Signal(object)
    """The モデレーション記録 view showed a list of :class:`ModerationEntry` (or the exception)."""
    moderationRecorded = Signal(object)
    """「記録を追加…」 ended: the new :class:`ModerationEntry`, or the exception (refused)."""

    def __init__(
        self,
        service: ArchiveService,
        *,
        settings: QSettings | None = None,
        search_delay_ms: int = SEARCH_DELAY_MS,
        reports: Callable[[], ReportService] | None = None,
        moderation: Callable[[], ModerationService] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("archive", settings, parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.service = service
        self._reports = reports
        """Makes the :class:`ReportService` of 「月次報告…」, the first time it is needed."""
        self._report_service: ReportService | None = None
        self._moderation = moderation
        """Makes the :class:`ModerationService` of the モデレーション記録 view, the first time it is shown."""
        self._moderation_service: ModerationService | None = None
        self._moderation_reason: str | None = None
        """Why this person may record nothing ("" when they may), once known."""
        self._select_after_search: int | None = None
        """A post of the correction chain to select once the search that brings it in is shown."""
        self._overview: ArchiveOverview | None = None
        self._query = SearchQuery(limit=PAGE_SIZE)
        """The query of the rows shown."""
        self._search_serial = 0
        self._loading_more = False
        self._syncing = False
        self._job: _Job | None = None
        self.progress_dialog: QProgressDialog | None = None
        """Made for the first long job and kept: see :meth:`_progress_dialog`."""

        self.ops = OpRunner(self)
        self.ops.unhandledError.connect(self.show_failure)
        self.progress_relay = ProgressRelay(self)
        self.progress_relay.progressed.connect(self._on_import_progress, Qt.ConnectionType.QueuedConnection)
        self.progress_relay.backupProgressed.connect(self._on_backup_progress, Qt.ConnectionType.QueuedConnection)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(search_delay_ms)
        self.search_timer.timeout.connect(self.run_search)
        self.warn_timer = QTimer(self)
        self.warn_timer.setSingleShot(True)
        self.warn_timer.setInterval(WARN_SAVE_DELAY_MS)
        self.warn_timer.timeout.connect(self.save_warn_days)

        self._build_accounts()
        self._build_search()
        self.detail = ItemDetail()
        self.detail.linkActivated.connect(self.open_link)
        self.detail.postActivated.connect(self.go_to_post)
        self._build_layout()
        self._build_moderation()
        self._build_actions()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel_job)  # never hold up quitting for an import or a backup
        self.resize(1400, 860)
        self.restore_layout(self.splitter)
        self.refresh()
        self.load_report_permission()
        self.load_moderation()  # greys 「記録を追加…」 with the reason for those who may record nothing

    # == construction ===========================================================================================

    def _build_accounts(self) -> None:
        self.accounts_model = AccountsModel(self)
        view = QListView()
        view.setModel(self.accounts_model)
        view.setAccessibleName("アカウントの一覧")
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setSpacing(2)
        view.setIconSize(QSize(20, 20))
        view.selectionModel().currentRowChanged.connect(self._on_account_changed)
        self.accounts_view = view

        self.warn_spin = QSpinBox()
        self.warn_spin.setAccessibleName("バックアップの警告までの日数")
        self.warn_spin.setRange(1, MAX_WARN_DAYS)
        self.warn_spin.setSuffix(" 日")
        self.warn_spin.setToolTip("最後のバックアップからこの日数を過ぎたアカウントを、赤色で知らせます")
        self.warn_spin.valueChanged.connect(lambda _value: self._on_warn_days_edited())
        self.warn_spin.editingFinished.connect(self._on_warn_days_finished)

        self.banner = QFrame()
        self.banner.setObjectName("backup_banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setAccessibleName("バックアップの警告")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextFormat(Qt.TextFormat.PlainText)  # account names come from exports
        self.banner_label.setStyleSheet(f"color: {WARNING_COLOR}; font-weight: bold;")
        self.banner_button = QPushButton("今すぐ書き出す…")
        self.banner_button.setAccessibleName("バックアップを今すぐ書き出す")
        self.banner_button.setToolTip("アーカイブのバックアップを書き出します(第6条第9号)")
        self.banner_button.clicked.connect(lambda: self.export_backup())
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 6, 8, 6)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner.hide()

    def _build_search(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setAccessibleName("検索語")
        self.search_edit.setPlaceholderText("本文を検索(空白で区切ると、すべての語を含む投稿)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_edit.returnPressed.connect(self.run_search)

        self.platform_combo = QComboBox()
        self.platform_combo.setAccessibleName("サービスで絞り込み")
        self.platform_combo.addItem(ALL_PLATFORMS, None)
        self.platform_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.platform_combo.currentIndexChanged.connect(lambda _index: self._on_filter_changed())

        now_day = today()
        locale = QLocale(QLocale.Language.Japanese, QLocale.Country.Japan)
        self.since_check = QCheckBox("開始日(&S)")
        self.since_edit = QDateEdit(_qdate(now_day - dt.timedelta(days=30)))
        self.until_check = QCheckBox("終了日(&E)")
        self.until_edit = QDateEdit(_qdate(now_day))
        for check, edit, name in (
            (self.since_check, self.since_edit, "開始日(この日を含む)"),
            (self.until_check, self.until_edit, "終了日(この日を含む)"),
        ):
            edit.setLocale(locale)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.setAccessibleName(name)
            edit.setToolTip(f"{name}、日本時間")
            edit.setEnabled(False)
            check.setAccessibleName(f"{name}で絞り込む")
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _checked: self._on_filter_changed())
            edit.dateChanged.connect(lambda _date, c=check: self.search_timer.start() if c.isChecked() else None)

        self.results_model = ResultsModel(self)
        view = QTableView()
        view.setModel(self.results_model)
        view.setAccessibleName("検索結果")
        view.setItemDelegateForColumn(COLUMN_TEXT, HighlightDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        metrics = view.fontMetrics()
        pad = metrics.horizontalAdvance("あ") * 2
        widths = {
            COLUMN_TIME: metrics.horizontalAdvance("2025-04-01 09:30") + pad,
            COLUMN_ACCOUNT: metrics.horizontalAdvance("あ" * 8) + pad,
            COLUMN_PLATFORM: metrics.horizontalAdvance("Instagram") + pad,
            COLUMN_MEDIA: metrics.horizontalAdvance("メディア") + pad,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(COLUMN_TEXT, QHeaderView.ResizeMode.Stretch)
        view.selectionModel().currentRowChanged.connect(self._on_result_changed)
        self.results_view = view

        self.count_label = QLabel("")
        self.count_label.setAccessibleName("見つかった件数")
        self.more_button = QPushButton(f"さらに表示({PAGE_SIZE} 件)")
        self.more_button.setToolTip("続きの検索結果を、一覧の下に追加します")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.setEnabled(False)

    def _build_layout(self) -> None:
        accounts_box = QGroupBox("アカウント")
        accounts_layout = QVBoxLayout(accounts_box)
        accounts_layout.addWidget(self.accounts_view, 1)
        warn_box = QGroupBox("バックアップの警告(第6条)")
        warn_layout = QHBoxLayout(warn_box)
        warn_label = QLabel("最終バックアップから(&W)")
        warn_label.setBuddy(self.warn_spin)
        warn_layout.addWidget(warn_label)
        warn_layout.addWidget(self.warn_spin)
        warn_layout.addWidget(QLabel("を過ぎたら警告"), 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(accounts_box, 1)
        left_layout.addWidget(warn_box)

        search_row = QHBoxLayout()
        search_label = QLabel("検索(&F):")
        search_label.setBuddy(self.search_edit)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        platform_label_widget = QLabel("サービス(&P):")
        platform_label_widget.setBuddy(self.platform_combo)
        search_row.addWidget(platform_label_widget)
        search_row.addWidget(self.platform_combo)
        date_row = QHBoxLayout()
        date_row.addWidget(self.since_check)
        date_row.addWidget(self.since_edit)
        date_row.addSpacing(12)
        date_row.addWidget(self.until_check)
        date_row.addWidget(self.until_edit)
        date_row.addStretch(1)
        date_row.addWidget(self.count_label)
        more_row = QHBoxLayout()
        more_row.addStretch(1)
        more_row.addWidget(self.more_button)
        more_row.addStretch(1)
        centre = QGroupBox("投稿(新しい順)")
        centre_layout = QVBoxLayout(centre)
        centre_layout.addLayout(search_row)
        centre_layout.addLayout(date_row)
        centre_layout.addWidget(self.results_view, 1)
        centre_layout.addLayout(more_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("あ")
        self.splitter.setSizes([em * 17, em * 55, em * 28])

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 8, 8, 0)
        body_layout.addWidget(self.banner)
        body_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

    def _build_moderation(self) -> None:
        self.moderation_panel = ModerationPanel(self.service.now())
        panel = self.moderation_panel
        panel.add_button.clicked.connect(lambda: self.add_moderation())
        panel.account_combo.currentIndexChanged.connect(lambda _index: self.load_moderation_entries())
        panel.year_spin.valueChanged.connect(lambda _value: self.load_moderation_entries())
        panel.month_spin.valueChanged.connect(lambda _value: self.load_moderation_entries())
        dock = QDockWidget("モデレーション記録(第9条)", self)
        dock.setObjectName("moderation_dock")
        dock.setWidget(panel)
        dock.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.TopDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        dock.visibilityChanged.connect(lambda visible: self.load_moderation() if visible else None)
        self.moderation_dock = dock

    def _build_actions(self) -> None:
        a = self.make_action
        self.import_action = a(
            "エクスポートを取り込む(&I)…",
            self.import_export,
            "Ctrl+I",
            "各サービスからダウンロードしたエクスポートの投稿を、アーカイブに取り込みます",
        )
        self.refresh_action = a("更新(&U)", self.refresh, "F5", "アカウントと検索結果を読み込み直します")
        self.find_action = a("検索(&F)", self.focus_search, "Ctrl+F", "検索語の入力欄に移ります")
        self.close_action = a("閉じる(&C)", self.close, "Ctrl+W", "アーカイブの画面を閉じます")
        self.export_backup_action = a(
            "書き出し(&E)…",
            self.export_backup,
            "Ctrl+B",
            "アーカイブのバックアップ(BagIt パッケージ)を新しいフォルダに書き出します(第6条第9号)",
        )
        self.verify_backup_action = a(
            "検証(&V)…", self.verify_backup, None, "バックアップに欠け・改変・余分なファイルがないか確かめます"
        )
        self.restore_backup_action = a(
            "復元(&R)…",
            self.restore_backup,
            None,
            "バックアップの投稿を、このデータベースに取り込みます(登録済みの投稿は省略します)",
        )
        self.schedule_action = a(
            "スケジュール設定の案内(&S)…",
            self.show_schedule_guide,
            None,
            "定期バックアップを Windows のタスク スケジューラに登録するコマンドを表示します",
        )
        self.report_action = a(
            "月次報告(&M)…",
            self.monthly_report,
            None,
            "月の投稿・訂正・削除の記録などをまとめた月次報告を、HTML・CSV・PDF で書き出します",
        )
        self.report_action.setVisible(self._reports is not None)
        self.link_action = a(
            "訂正として紐づける(&L)…",
            self.link_correction,
            None,
            "選んだ投稿と、それを訂正した投稿(または訂正された原文)を紐づけます(第9条)",
        )
        self.link_action.setEnabled(False)
        self.moderation_action = self.moderation_dock.toggleViewAction()
        self.moderation_action.setText("モデレーション記録(&D)")
        self.moderation_action.setToolTip("コメントの削除・非表示の記録(第9条)を表示します")
        self.moderation_action.setStatusTip(self.moderation_action.toolTip())
        self.moderation_action.setVisible(self._moderation is not None)
        self.add_moderation_action = a(
            "記録を追加(&A)…",
            self.add_moderation,
            None,
            "利用方針に基づいて削除・非表示にしたコメントを記録します(第9条)",
        )
        self.add_moderation_action.setVisible(self._moderation is not None)
        for backup_action, icon_text in (
            (self.export_backup_action, "バックアップ書き出し"),
            (self.verify_backup_action, "バックアップ検証"),
            (self.restore_backup_action, "バックアップから復元"),
        ):
            backup_action.setIconText(icon_text)
        file_menu = self.menuBar().addMenu("ファイル(&F)")
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        backup_menu = self.menuBar().addMenu("バックアップ(&B)")
        backup_menu.addActions([self.export_backup_action, self.verify_backup_action, self.restore_backup_action])
        backup_menu.addSeparator()
        backup_menu.addAction(self.schedule_action)
        self.backup_menu = backup_menu
        report_menu = self.menuBar().addMenu("報告(&R)")
        report_menu.addAction(self.report_action)
        report_menu.addSeparator()
        report_menu.addAction(self.link_action)
        report_menu.addSeparator()
        report_menu.addActions([self.moderation_action, self.add_moderation_action])
        self.report_menu = report_menu
        view_menu = self.menuBar().addMenu("表示(&V)")
        view_menu.addActions([self.find_action, self.refresh_action])

        toolbar = QToolBar("操作")
        toolbar.setObjectName("archive_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        entries: list[QAction | None] = [
            self.import_action,
            None,
            self.export_backup_action,
            self.verify_backup_action,
            self.restore_backup_action,
            None,
            self.refresh_action,
        ]
        for action in entries:
            if action is None:
                toolbar.addSeparator()
                continue
            toolbar.addAction(action)
            button = toolbar.widgetForAction(action)
            if button is not None:
                short = action.iconText() if action.iconText() != action.text() else action.text().split("(&")[0]
                button.setAccessibleName(short)
                button.setAccessibleDescription(action.statusTip())
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    # == state ==================================================================================================

    @property
    def overview(self) -> ArchiveOverview | None:
        return self._overview

    @property
    def is_importing(self) -> bool:
        return self._job is not None and self._job.kind == JOB_IMPORT

    @property
    def is_working(self) -> bool:
        """A long job (an import or a backup export, check or restore) is running."""
        return self._job is not None

    @property
    def job_kind(self) -> str | None:
        return self._job.kind if self._job is not None else None

    def selected_account(self) -> str | None:
        """The name of the account chosen on the left (None for 「すべてのアカウント」)."""
        index = self.accounts_view.currentIndex()
        account = self.accounts_model.account(index.row()) if index.isValid() else None
        return account.name if account is not None else None

    def select_account(self, name: str | None) -> None:
        """Choose an account on the left (None: すべてのアカウント); the results follow."""
        self.accounts_view.setCurrentIndex(self.accounts_model.index(self.accounts_model.row_of(name)))

    def current_query(self) -> SearchQuery:
        """The search the filters on screen describe (first page)."""
        platform = self.platform_combo.currentData()
        since = day_start(_pydate(self.since_edit.date())) if self.since_check.isChecked() else None
        until = (
            day_start(_pydate(self.until_edit.date()) + dt.timedelta(days=1)) if self.until_check.isChecked() else None
        )
        return SearchQuery(
            text=self.search_edit.text().strip(),
            account=self.selected_account(),
            platform=platform if isinstance(platform, str) else None,
            since=since,
            until=until,
            limit=PAGE_SIZE,
        )

    def current_item(self) -> FoundItem | None:
        return self.detail.item

    # == loading ================================================================================================

    @Slot()
    def refresh(self) -> None:
        """Reload the accounts (and the threshold), then the results."""
        self.load_overview()
        self.run_search()

    def load_overview(self) -> None:
        service = self.service
        self.ops.run(lambda: load_overview(service), self._apply_overview, self.show_failure, label="overview")

    def _apply_overview(self, overview: ArchiveOverview) -> None:
        self._overview = overview
        chosen = self.selected_account()
        self._syncing = True
        try:
            self.accounts_model.set_accounts(overview.accounts, overview.now, overview.warn_days)
            self.accounts_view.setCurrentIndex(self.accounts_model.index(self.accounts_model.row_of(chosen)))
        finally:
            self._syncing = False
        platform_gone = self._fill_platforms(overview.accounts)
        if not self.warn_timer.isActive() and not self.warn_spin.hasFocus():
            self.warn_spin.blockSignals(True)
            self.warn_spin.setValue(overview.warn_days)
            self.warn_spin.blockSignals(False)
        self._show_banner()
        if self.selected_account() != chosen or platform_gone:
            self.run_search()  # the account or service chosen is not in the archive any more
        self.overviewLoaded.emit(overview)

    def _fill_platforms(self, accounts: Sequence[AccountArchive]) -> bool:
        """List the services the archive holds; True when the one chosen is gone."""
        current = self.platform_combo.currentData()
        platforms = sorted({a.platform for a in accounts}, key=platform_label)
        self.platform_combo.blockSignals(True)
        try:
            self.platform_combo.clear()
            self.platform_combo.addItem(ALL_PLATFORMS, None)
            for platform in platforms:
                self.platform_combo.addItem(platform_label(platform), platform)
            index = self.platform_combo.findData(current) if current is not None else 0
            self.platform_combo.setCurrentIndex(max(index, 0))
        finally:
            self.platform_combo.blockSignals(False)
        return current is not None and index < 0

    def _show_banner(self) -> None:
        overdue = self.accounts_model.overdue()
        if overdue:
            text = banner_text(overdue, self.accounts_model.warn_days)
            self.banner_label.setText(text)
            self.banner.setAccessibleDescription(text)
        self.banner.setVisible(bool(overdue))

    @Slot()
    def run_search(self) -> None:
        """Search with the filters on screen (the first page replaces the results)."""
        self.search_timer.stop()
        query = self.current_query()
        self._search_serial += 1
        serial = self._search_serial
        self._loading_more = False
        service = self.service
        self.count_label.setText("検索中…")
        self.ops.run(
            lambda: service.search(query),
            lambda page: self._show_page(serial, query, page),
            lambda exc: self._on_search_failed(serial, exc),
            label="search",
        )

    @Slot()
    def load_more(self) -> None:
        """「さらに表示」: the next page of the same search, added below."""
        if self._loading_more or not self.results_model.has_more:
            return
        query = dataclasses.replace(self._query, offset=self.results_model.rowCount(), limit=PAGE_SIZE)
        serial = self._search_serial
        service = self.service
        self._loading_more = True
        self.more_button.setEnabled(False)
        self.ops.run(
            lambda: service.search(query),
            lambda page: self._show_page(serial, query, page, append=True),
            lambda exc: self._on_search_failed(serial, exc),
            label="more",
        )

    def _show_page(self, serial: int, query: SearchQuery, page: SearchPage, append: bool = False) -> None:
        if serial != self._search_serial:
            return  # a newer search was started meanwhile
        if append:
            self._loading_more = False
            self.results_model.append_page(page.items, page.total, query.limit)
        else:
            self._query = query
            shown = self.detail.item
            self._syncing = True
            try:
                self.results_model.set_page(page.items, page.total, query.limit)
                row = self.results_model.row_of(shown.id) if shown is not None else None
                if row is not None:
                    self.results_view.selectRow(row)
            finally:
                self._syncing = False
            pending, self._select_after_search = self._select_after_search, None
            wanted = self.results_model.row_of(pending) if pending is not None else None
            if wanted is not None:
                self.select_result(wanted)
            elif row is None:
                self.show_item(None)
        model = self.results_model
        self.count_label.setText(count_text(model.rowCount(), model.total, model.has_more))
        self.more_button.setEnabled(model.has_more)
        remaining = PAGE_SIZE if model.total_is_capped else min(PAGE_SIZE, model.total - model.rowCount())
        self.more_button.setText(f"さらに表示({remaining:,} 件)" if model.has_more else "これで全部です")
        self.resultsLoaded.emit()

    def _on_search_failed(self, serial: int, exc: Exception) -> None:
        if serial != self._search_serial:
            return
        self._loading_more = False
        self.count_label.setText("検索できませんでした")
        self.more_button.setEnabled(self.results_model.has_more)
        self.show_failure(exc)

    # == selection ==============================================================================================

    @Slot(QModelIndex, QModelIndex)
    def _on_account_changed(
        self, _current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if not self._syncing:
            self.run_search()

    def _on_filter_changed(self) -> None:
        self.run_search()

    @Slot(QModelIndex, QModelIndex)
    def _on_result_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if self._syncing:
            return
        item = self.results_model.data(current, ITEM_ROLE) if current.isValid() else None
        self.show_item(item if isinstance(item, FoundItem) else None)

    def select_result(self, row: int) -> None:
        self.results_view.selectRow(row)

    def show_item(self, item: FoundItem | None) -> None:
        """Show ``item`` in the detail pane and load its media in the background."""
        self.detail.show_item(item)
        self.link_action.setEnabled(item is not None)
        self.reload_chain()
        if item is not None and item.media_count:
            service, item_id = self.service, item.id
            side = max(1, round(THUMBNAIL_SIDE * self.devicePixelRatioF()))
            self.ops.run(lambda: load_media(service, item_id, side), self._show_media, self.show_failure, label="media")
        self.detailShown.emit(item)

    def _show_media(self, snapshot: MediaSnapshot) -> None:
        self.detail.show_media(snapshot, self.devicePixelRatioF())
        self.mediaLoaded.emit(snapshot)

    def reload_chain(self) -> None:
        """Load the correction chain of the post shown again (after a link was recorded)."""
        item = self.detail.item
        if item is not None:
            service, shown_id = self.service, item.id
            self.ops.run(lambda: service.correction_chain(shown_id), self._show_chain, self.show_failure, label="chain")

    def _show_chain(self, chain: CorrectionChain) -> None:
        shown = self.detail.item
        if shown is None or shown.id != chain.item.id:
            return
        self.detail.show_chain(chain)
        self.chainShown.emit(chain)

    @Slot(object)
    def go_to_post(self, post: LinkedPost) -> None:
        """Select a post of the correction chain: in the results when listed, else search its account and day."""
        row = self.results_model.row_of(post.id)
        if row is not None:
            self.select_result(row)
            return
        day = post.posted_at.astimezone(JST).date()
        widgets: list[QObject] = [
            self.search_edit,
            self.platform_combo,
            self.since_check,
            self.until_check,
            self.since_edit,
            self.until_edit,
            self.accounts_view.selectionModel(),
        ]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search_edit.clear()
            self.platform_combo.setCurrentIndex(0)
            self.accounts_view.setCurrentIndex(self.accounts_model.index(self.accounts_model.row_of(post.account)))
            for check, edit in ((self.since_check, self.since_edit), (self.until_check, self.until_edit)):
                check.setChecked(True)
                edit.setEnabled(True)
                edit.setDate(_qdate(day))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.accounts_view.viewport().update()
        self._select_after_search = post.id
        self.run_search()

    # == corrections (第9条) ======================================================================================

    @Slot()
    def link_correction(self) -> None:
        """「訂正として紐づける…」: the selected post is the correction (or the original) of the post numbered."""
        item = self.detail.item
        if item is None:
            return
        request = LinkCorrectionDialog.ask(self, item)
        if request is not None:
            self.start_link(request)

    def start_link(self, request: LinkRequest) -> None:
        service = self.service

        def linked(chain: CorrectionChain) -> None:
            self.statusBar().showMessage(
                f"投稿 {request.correction_id} を、投稿 {request.original_id} の訂正として紐づけました", 10_000
            )
            self.run_search()  # the marks in the list
            self.reload_chain()  # and the chain in the detail pane (after the search: one worker, in order)
            self.correctionLinked.emit(chain)

        def refused(exc: Exception) -> None:
            self.show_failure(exc, "訂正として紐づけられません")
            self.correctionLinked.emit(exc)

        self.ops.run(
            lambda: service.link_correction(request.original_id, request.correction_id), linked, refused, label="link"
        )

    # == the moderation log (第9条) =================================================================================

    def moderation_service(self) -> ModerationService | None:
        if self._moderation_service is None and self._moderation is not None:
            self._moderation_service = self._moderation()
        return self._moderation_service

    @Slot()
    def show_moderation(self) -> None:
        """Show the モデレーション記録 view (loads the accounts and the month's entries)."""
        self.moderation_dock.show()
        self.moderation_dock.raise_()

    def load_moderation(self) -> None:
        """The accounts this person may record on (and read), and why they may record nothing; then entries."""
        service = self.moderation_service()
        if service is None:
            return

        def known(found: tuple[list[str], str]) -> None:
            names, reason = found
            self._moderation_reason = reason
            self.moderation_panel.set_accounts(names)
            self.moderation_panel.set_note(reason)
            set_allowed(self.add_moderation_action, reason or None)
            set_allowed(self.moderation_panel.add_button, reason or None)
            self.load_moderation_entries()

        self.ops.run(
            lambda: ([a.name for a in service.accounts()], service.why_not_record()),
            known,
            self.show_failure,
            label="moderation accounts",
        )

    def load_moderation_entries(self) -> None:
        service = self.moderation_service()
        account = self.moderation_panel.account()
        if service is None or self._moderation_reason is None:
            return
        if account is None:
            self.moderation_panel.set_entries([])
            self.moderationLoaded.emit([])
            return
        since, until = self.moderation_panel.span()

        def shown(entries: list[ModerationEntry]) -> None:
            if self.moderation_panel.account() == account and self.moderation_panel.span() == (since, until):
                self.moderation_panel.set_entries(entries)
                self.moderationLoaded.emit(entries)

        def failed(exc: Exception) -> None:
            self.show_failure(exc, "削除・非表示の記録を読み込めません")
            self.moderationLoaded.emit(exc)

        self.ops.run(lambda: service.entries(account, since, until), shown, failed, label="moderation entries")

    @Slot()
    def add_moderation(self) -> None:
        """「記録を追加…」: one comment deleted or hidden, in this person's name."""
        service = self.moderation_service()
        if service is None:
            return
        if self._moderation_reason:
            self.show_failure(ModerationError(self._moderation_reason), "記録できません")
            return

        def ask(names: list[str]) -> None:
            request = RecordModerationDialog.ask(self, names, self.moderation_panel.account(), self.service.now())
            if request is not None:
                self.start_moderation(request)

        self.ops.run(lambda: [a.name for a in service.accounts()], ask, self.show_failure, label="moderation accounts")

    def start_moderation(self, request: ModerationRequest) -> None:
        service = self.moderation_service()
        if service is None:
            return

        def work() -> ModerationEntry:
            return service.record(
                request.account,
                request.action,
                author_handle=request.author_handle,
                text=request.text,
                policy_item=request.policy_item,
                reason=request.reason,
                acted_at=request.acted_at,
                url=request.url,
                commented_at=request.commented_at,
            )

        def recorded(entry: ModerationEntry) -> None:
            self.statusBar().showMessage(
                f"{entry.account_name}: {entry.author_handle} のコメントの{entry.action.label}を記録しました", 10_000
            )
            panel = self.moderation_panel
            if panel.account_combo.findText(entry.account_name) >= 0:
                panel.account_combo.setCurrentText(entry.account_name)
            acted = entry.acted_at.astimezone(JST)
            panel.year_spin.setValue(acted.year)
            panel.month_spin.setValue(acted.month)
            self.show_moderation()
            self.load_moderation_entries()
            self.moderationRecorded.emit(entry)

        def refused(exc: Exception) -> None:
            self.show_failure(exc, "記録できません")
            self.moderationRecorded.emit(exc)

        self.ops.run(work, recorded, refused, label="moderation record")

    # == the monthly report ======================================================================================

    def report_service(self) -> ReportService | None:
        if self._report_service is None and self._reports is not None:
            self._report_service = self._reports()
        return self._report_service

    def load_report_permission(self) -> None:
        """Grey 「月次報告…」 with the reason when this person may make no report."""
        service = self.report_service()
        if service is None:
            return

        def known(reason: str) -> None:
            set_allowed(self.report_action, reason or None)
            self.reportAllowed.emit(reason)

        self.ops.run(service.why_not, known, self.show_failure, label="report permission")

    def _report_folder(self) -> str:
        value = self.settings.value(REPORT_FOLDER_KEY, "")
        return value if isinstance(value, str) else ""

    @Slot()
    def monthly_report(self) -> None:
        """「月次報告…」: the accounts this person may report on, then the month, format and file."""
        service = self.report_service()
        if service is None:
            return

        def ask(found: tuple[str, list[str], dt.datetime]) -> None:
            reason, names, now = found
            set_allowed(self.report_action, reason or None)
            if reason:
                refused = ReportRefused(reason)
                self.show_failure(refused, "月次報告を作れません")
                self.reportFinished.emit(refused)
                return
            request = MonthlyReportDialog.ask(self, names, last_month(now), self._report_folder())
            if request is not None:
                self.start_report(request)

        now = self.service.now

        def load() -> tuple[str, list[str], dt.datetime]:
            return service.why_not(), [a.name for a in service.accounts()], now()

        self.ops.run(load, ask, self.show_failure, label="report accounts")

    def start_report(self, request: ReportRequest) -> None:
        service = self.report_service()
        if service is None:
            return
        self.statusBar().showMessage(f"{request.month.label}の月次報告を書き出しています…")

        def work() -> Path:
            return service.export(service.monthly(request.month, request.account), request.fmt, request.path)

        def written(path: Path) -> None:
            self.settings.setValue(REPORT_FOLDER_KEY, str(path.parent))
            text = f"{request.month.label}の月次報告を「{path}」に書き出しました"
            self.statusBar().showMessage(text, 15_000)
            MessageDialog.ask(self, "月次報告を書き出しました", text, "information")
            self.reportFinished.emit(path)

        def failed(exc: Exception) -> None:
            self.statusBar().clearMessage()
            self.show_failure(exc, "月次報告を書き出せません")
            self.reportFinished.emit(exc)

        self.ops.run(work, written, failed, label="report")

    @Slot(str)
    def open_link(self, url: str) -> bool:
        """Open a post's address in the browser (web addresses only)."""
        if not is_web_url(url):
            return False
        if not open_location(QUrl(url)):
            self.statusBar().showMessage(f"{url} を開けませんでした", 10_000)
            return False
        return True

    @Slot()
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # == the warning threshold ==================================================================================

    def _on_warn_days_edited(self) -> None:
        self.warn_timer.start()

    @Slot()
    def _on_warn_days_finished(self) -> None:
        if self.warn_timer.isActive():
            self.save_warn_days()

    @Slot()
    def save_warn_days(self) -> None:
        """Store the threshold in the spin box (for every user of this database), then re-mark the accounts."""
        self.warn_timer.stop()
        days = self.warn_spin.value()
        if self._overview is not None and self._overview.warn_days == days:
            return
        service = self.service

        def saved(stored: int) -> None:
            self.statusBar().showMessage(
                f"バックアップの警告を、最終バックアップから {stored} 日に設定しました", 10_000
            )
            self.warnDaysSaved.emit(stored)
            self.load_overview()

        self.ops.run(lambda: save_warn_days(service, days), saved, self.show_failure, label="warn days")

    # == import ==================================================================================================

    def _import_folder(self) -> str:
        value = self.settings.value(IMPORT_FOLDER_KEY, "")
        return value if isinstance(value, str) else ""

    @Slot()
    def import_export(self) -> None:
        """「エクスポートを取り込む」: ask for the export, then import it with a progress dialog."""
        if self.is_working:
            return
        request = ImportDialog.ask(self, self._import_folder())
        if request is not None:
            self.start_import(request)

    def start_import(self, request: ImportRequest) -> None:
        if self.is_working:
            return
        cancel = self._start_job(JOB_IMPORT, request.path, request, f"「{request.path.name}」を取り込んでいます…")
        self.importStarted.emit(request)

        service, relay = self.service, self.progress_relay

        def progress(done: int, total: int | None) -> None:  # on the worker thread
            relay.progressed.emit(done, -1 if total is None else total)

        def work() -> ImportResult:
            return service.import_export(request.path, request.fmt, request.account, progress, cancel.is_set)

        self.ops.run(work, self._on_import_done, self._on_import_failed, label="import")

    # == long jobs: one progress dialog, one 中止 ====================================================================

    def _start_job(self, kind: str, path: Path, request: object, status: str) -> threading.Event:
        """Open the progress dialog for a new job; returns the event that 「中止」 sets."""
        cancel = threading.Event()
        job = _Job(kind, path.name or str(path), cancel, request)
        self._job = job
        self._enable_jobs(False)
        dialog = self._progress_dialog()
        dialog.setWindowTitle(JOB_TITLES[kind])
        dialog.reset()  # forget an earlier cancel
        dialog.setRange(0, 0)  # "busy" until the job says how much there is
        dialog.setLabelText(progress_text(kind, job.name, 0, -1))
        dialog.show()
        self.statusBar().showMessage(status)
        return cancel

    def _enable_jobs(self, enabled: bool) -> None:
        for action in (
            self.import_action,
            self.export_backup_action,
            self.verify_backup_action,
            self.restore_backup_action,
        ):
            action.setEnabled(enabled)
        self.banner_button.setEnabled(enabled)

    def _progress_dialog(self) -> QProgressDialog:
        """The window-modal progress dialog with its 「中止」 button.

        It is hidden after a job, never deleted: a modal :class:`QProgressDialog` processes events
        inside ``setValue()``, where the end of the job may be delivered, and must outlive that call.
        """
        if self.progress_dialog is None:
            dialog = QProgressDialog("", "中止", 0, 0, self)
            dialog.setWindowTitle(JOB_TITLES[JOB_IMPORT])
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumDuration(0)
            dialog.setMinimumWidth(self.fontMetrics().horizontalAdvance("あ") * 30)
            dialog.canceled.connect(self.cancel_job)
            dialog.hide()
            self.progress_dialog = dialog
        return self.progress_dialog

    @staticmethod
    def _progress_text(request: ImportRequest, done: int, total: int) -> str:
        return progress_text(JOB_IMPORT, request.path.name or str(request.path), done, total)

    @Slot(int, int)
    def _on_import_progress(self, done: int, total: int) -> None:
        self._show_progress(JOB_IMPORT, done, total)

    @Slot(str, int, int)
    def _on_backup_progress(self, phase: str, done: int, total: int) -> None:
        self._show_progress(phase, done, total)

    def _show_progress(self, phase: str, done: int, total: int) -> None:
        dialog, job = self.progress_dialog, self._job
        if dialog is None or job is None or job.cancel.is_set():
            return
        dialog.setLabelText(progress_text(phase, job.name, done, total))
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))  # last: a modal progress dialog processes events here

    @Slot()
    def cancel_job(self) -> None:
        """「中止」: the job stops at its next step and undoes what it wrote (nothing is left half done)."""
        job = self._job
        if job is None or job.cancel.is_set():
            return
        job.cancel.set()
        self.statusBar().showMessage(JOB_STOPPING[job.kind])

    @Slot()
    def cancel_import(self) -> None:
        """「中止」 of an import (any running job: there is one at a time)."""
        self.cancel_job()

    def _end_job(self) -> _Job | None:
        job, self._job = self._job, None
        self._enable_jobs(True)
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
        return job

    def _on_import_done(self, result: ImportResult) -> None:
        job = self._end_job()
        request = job.request if job is not None else None
        if isinstance(request, ImportRequest):
            folder = request.path if request.path.is_dir() else request.path.parent
            self.settings.setValue(IMPORT_FOLDER_KEY, str(folder))
        self.statusBar().showMessage(import_result_text(result))
        self.refresh()
        self.importFinished.emit(result)

    def _on_import_failed(self, exc: Exception) -> None:
        self._end_job()
        if isinstance(exc, ImportCancelled):
            self.statusBar().showMessage(str(exc), 15_000)
        else:
            self.show_failure(exc, JOB_FAILED[JOB_IMPORT])
        self.importFinished.emit(exc)

    def _on_backup_failed(self, kind: str, exc: Exception) -> None:
        """A backup job was cancelled (a note: nothing was left half done) or refused (the service's message)."""
        self._end_job()
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage(RESTORE_CANCELLED if kind == JOB_RESTORE else exc.message, 15_000)
        else:
            self.show_failure(exc, JOB_FAILED[kind])
        self.backupFinished.emit(exc)

    # == backups (第6条第9号) =======================================================================================

    def _backup_folder(self) -> str:
        value = self.settings.value(BACKUP_FOLDER_KEY, "")
        return value if isinstance(value, str) else ""

    def _backup_progress(self, phase: str) -> Callable[[int, int | None], None]:
        relay = self.progress_relay

        def progress(done: int, total: int | None) -> None:  # on the worker thread
            relay.backupProgressed.emit(phase, done, -1 if total is None else total)

        return progress

    @Slot()
    def export_backup(self) -> None:
        """「書き出し…」: ask where (and optionally which account, since when), then write the package."""
        if self.is_working:
            return
        names = [a.name for a in self._overview.accounts] if self._overview is not None else []
        request = BackupExportDialog.ask(self, names, self._backup_folder())
        if request is not None:
            self.start_export(request)

    def start_export(self, request: ExportRequest) -> None:
        if self.is_working:
            return
        cancel = self._start_job(JOB_EXPORT, request.target, request, f"「{request.target}」に書き出しています…")
        self.backupStarted.emit(JOB_EXPORT)
        service, progress = self.service, self._backup_progress(JOB_EXPORT)
        since = day_start(request.since) if request.since is not None else None

        def work() -> PackageSummary:
            return service.export_backup(
                request.target, account=request.account, since=since, progress=progress, cancelled=cancel.is_set
            )

        self.ops.run(
            work,
            lambda summary: self._on_export_done(request, summary),
            lambda exc: self._on_backup_failed(JOB_EXPORT, exc),
            label="backup export",
        )

    def _on_export_done(self, request: ExportRequest, summary: PackageSummary) -> None:
        self._end_job()
        self.settings.setValue(BACKUP_FOLDER_KEY, str(summary.path.parent))
        text = export_result_text(summary, request)
        self.statusBar().showMessage(text.splitlines()[0])
        self.load_overview()  # the accounts' last backup: the warning goes away
        MessageDialog.ask(self, "バックアップを書き出しました", text, "information")
        self.backupFinished.emit(summary)

    @Slot()
    def verify_backup(self) -> None:
        """「検証…」: choose a package and check every file against its manifests."""
        if self.is_working:
            return
        path = PackageFolderDialog.ask(self, "検証するバックアップのフォルダを選ぶ", self._backup_folder())
        if path is not None:
            self.start_verify(path)

    def start_verify(self, path: Path) -> None:
        if self.is_working:
            return
        cancel = self._start_job(JOB_VERIFY, path, path, f"「{path.name}」を検証しています…")
        self.backupStarted.emit(JOB_VERIFY)
        service, progress = self.service, self._backup_progress(JOB_VERIFY)
        self.ops.run(
            lambda: service.verify_backup(path, progress, cancel.is_set),
            self._on_verify_done,
            lambda exc: self._on_backup_failed(JOB_VERIFY, exc),
            label="backup verify",
        )

    def _on_verify_done(self, check: BackupCheck) -> None:
        self._end_job()
        self.settings.setValue(BACKUP_FOLDER_KEY, str(check.path.parent))
        if check.ok:
            self.statusBar().showMessage(f"「{check.path.name}」: 欠け・改変・余分なファイルはありません")
            MessageDialog.ask(self, "バックアップの検証 — 問題はありません", check_ok_text(check), "information")
        else:
            self.statusBar().showMessage(f"「{check.path.name}」: 問題が {len(check.problems):,} 件あります")
            BackupProblemsDialog.ask(self, check)
        self.backupFinished.emit(check)

    @Slot()
    def restore_backup(self) -> None:
        """「復元…」: choose a package, confirm, then verify it and add what the archive lacks."""
        if self.is_working:
            return
        path = PackageFolderDialog.ask(self, "復元するバックアップのフォルダを選ぶ", self._backup_folder())
        if path is None:
            return
        service = self.service
        self.ops.run(
            lambda: service.backup_overview(path),
            self._confirm_restore,
            lambda exc: self.show_failure(exc, JOB_FAILED[JOB_RESTORE]),
            label="backup overview",
        )

    def _confirm_restore(self, overview: PackageOverview) -> None:
        if self.is_working:
            return
        question = restore_question(overview, self.service.database.display_name)
        if ConfirmDialog.ask(self, "バックアップから復元", question, "復元する"):
            self.start_restore(overview.path)

    def start_restore(self, path: Path) -> None:
        if self.is_working:
            return
        cancel = self._start_job(JOB_RESTORE, path, path, f"「{path.name}」から復元しています…")
        self._show_progress(PHASE_RESTORE_CHECK, 0, -1)
        self.backupStarted.emit(JOB_RESTORE)
        service = self.service
        checking, loading = self._backup_progress(PHASE_RESTORE_CHECK), self._backup_progress(JOB_RESTORE)

        def work() -> RestoreResult:
            return service.restore_backup(path, progress=loading, cancelled=cancel.is_set, verify_progress=checking)

        self.ops.run(
            work,
            lambda result: self._on_restore_done(path, result),
            lambda exc: self._on_backup_failed(JOB_RESTORE, exc),
            label="backup restore",
        )

    def _on_restore_done(self, path: Path, result: RestoreResult) -> None:
        self._end_job()
        self.settings.setValue(BACKUP_FOLDER_KEY, str(path.parent))
        text = restore_result_text(result)
        self.statusBar().showMessage(text)
        self.refresh()
        MessageDialog.ask(self, "バックアップから復元しました", f"「{path}」から{text}", "information")
        self.backupFinished.emit(result)

    @Slot()
    def show_schedule_guide(self) -> None:
        """「スケジュール設定の案内」: the ``backup run`` command for Windows Task Scheduler, to copy."""
        database, folder = self.service.database, self._backup_folder()

        def shown(found: tuple[str | None, str]) -> None:
            db_url, program = found
            self.scheduleShown.emit(found)
            ScheduleDialog.ask(self, db_url=db_url, program=program, folder=folder)

        self.ops.run(lambda: (scheduled_db_url(database), backup_program()), shown, self.show_failure, label="schedule")

    # == failures and closing =====================================================================================

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides the window (the desk may show it again); a running import or backup is cancelled."""
        self.cancel_job()
        self.search_timer.stop()
        if self.warn_timer.isActive():
            self.save_warn_days()
        self.save_layout(self.splitter)
        super().closeEvent(event)
