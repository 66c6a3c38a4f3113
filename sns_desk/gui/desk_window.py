"""The drafting desk: the main window where posts are written, checked, approved and recorded.

Left: the drafts list with filters. Centre: the open draft (title, editor with live findings,
the review comment when it was returned). Right: target platforms with their counters, the
attached images with their 第6条第3号 warnings (:class:`AttachmentsPanel`) and a preview per
platform. Every database call goes through :class:`OpRunner` (never on the UI
thread); every decision is the core's: the window enables actions with
:func:`rules.can_edit` / :func:`rules.can_approve` and shows :class:`WorkflowError` messages.

Text is never lost: it is saved 2 s after typing stops, before every state change, before
another draft is opened and when the window closes. When a save finds that the draft was
changed elsewhere, the text stays in the editor and can be kept as a new draft.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, QSysInfo, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.accounts import Account
from ..core.checker import CheckContext, Severity
from ..core.people import Person
from ..core.workflow import Draft, DraftState, WorkflowError, rules
from ..core.workflow.session import AfterSave, Content, DraftSession, SaveRequest
from ..services.audit import AuditService, HistoryEntry
from ..services.desk import AttachmentInfo, DeskService, DraftSummary
from .attachments_panel import AttachmentsPanel
from .check_panel import CheckPanel, PlatformRow, add_edit_actions, summary_text
from .check_window import CheckWindow
from .dialogs import (
    AboutDialog,
    AcknowledgeDialog,
    ConfirmDialog,
    DiscardDialog,
    GuidelineSummaryDialog,
    HistoryDialog,
    MarkPostedDialog,
    MessageDialog,
    NewDraftDialog,
    RejectDialog,
    RightsChecklistDialog,
    SettingsDialog,
    ShortcutsDialog,
)
from .drafts_model import COLUMN_STATE, COLUMN_SUBJECT, STATE_COLORS, SUMMARY_ROLE, DraftsModel
from .errors import error_text
from .findings_model import SEVERITY_COLORS
from .guideline import guideline_location, location_url, missing_local_file, open_location, set_guideline_location
from .live_changes import ChangeWatcher
from .live_check import CheckResult, TextChecker
from .ops import OpRunner
from .preview import PreviewTabs
from .window import AppWindow, plain_label, set_allowed

if TYPE_CHECKING:
    from ..services.archive import ArchiveService
    from ..services.incidents import IncidentService
    from ..services.moderation import ModerationService
    from ..services.people import PeopleService
    from ..services.registry import RegistryService
    from ..services.report import ReportService
    from .archive_window import ArchiveWindow
    from .incident_window import IncidentWindow
    from .people_window import PeopleWindow
    from .registry_window import RegistryWindow

WINDOW_TITLE: Final = "sns_desk — 投稿デスク"
AUTOSAVE_DELAY_MS: Final = 2000
"""Autosave this long after the last change."""
SAVE_RETRY_MS: Final = 10_000
"""After a failed autosave (database locked, network down), try again this much later."""
ALL_STATES: Final = "すべての状態"
ALL_ACCOUNTS: Final = "すべてのアカウント"
NO_DRAFT_PLACEHOLDER: Final = "左の一覧から投稿案を選ぶか、「新規投稿案」(Ctrl+N)で作成してください。"
CONFLICT_NOTE: Final = "入力中の本文はこの画面に残っています。「新しい投稿案として保存」で控えを残せます。"
BANNER_STYLE: Final = "QFrame#{name} {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}"
NO_DRAFT_REASON: Final = "左の一覧から投稿案を選んでください"
LOADING_REASON: Final = "利用者の情報を読み込んでいます"
BUSY_REASON: Final = "保存・読み込みの途中です。終わるまでお待ちください"
CONFLICT_REASON: Final = (
    "保存できなかった編集があります。「新しい投稿案として保存」か「保存済みの内容を開き直す」を選んでください"
)
LIVE_TABLES: Final = frozenset({"drafts", "accounts", "users"})
"""Other terminals' changes the desk follows (PostgreSQL announces them; see :class:`ChangeWatcher`)."""


@dataclass(frozen=True, slots=True)
class DeskSnapshot:
    """What a refresh loads in one background call."""

    me: Person
    accounts: tuple[Account, ...]
    drafts: tuple[DraftSummary, ...]


@dataclass(frozen=True, slots=True)
class SubmitCheck:
    """The stored draft just before a submit, and its images when the checklist is still unanswered."""

    draft: Draft
    attachments: tuple[AttachmentInfo, ...]

    @property
    def needs_checklist(self) -> bool:
        return bool(self.draft.attachment_count) and not self.draft.rights_checked_by


def confirm_and_submit(service: DeskService, draft_id: int, answers: dict[str, bool]) -> Draft:
    """Record the image checklist (第6条第3号), then submit: one background call."""
    service.confirm_rights(draft_id, answers)
    return service.submit(draft_id)


def _now_text() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def database_label_text(display_name: str) -> str:
    """The file name of an SQLite database, or the (password-free) URL of a server."""
    if not display_name or "://" in display_name:
        return display_name
    return PurePath(display_name).name or display_name


class _Banner(QFrame):
    """A coloured message strip above the editor."""

    def __init__(self, name: str, bg: str, border: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(BANNER_STYLE.format(name=name, bg=bg, border=border))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.row = QHBoxLayout(self)
        self.row.addWidget(self.label, 1)
        self.hide()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.show()


class _SessionHost:
    """Lets the :class:`DraftSession` drive the window (the session stays free of Qt)."""

    def __init__(self, window: DeskWindow) -> None:
        self._window = window

    def content(self) -> Content:
        return self._window.editor_content()

    def start_save(self, request: SaveRequest) -> None:
        self._window._start_save(request)

    def set_autosave(self, delay_ms: int | None) -> None:
        self._window._set_autosave(delay_ms)

    def keep_copy(self, then: AfterSave | None) -> None:
        self._window.keep_as_new_draft(then)

    def show_saved(self, draft: Draft, manual: bool) -> None:
        self._window._show_saved(draft, manual)

    def show_save_failed(self, exc: Exception, conflict: bool, waiting: bool) -> None:
        self._window._show_save_failed(exc, conflict, waiting)


class DeskWindow(AppWindow):
    """The drafting desk for one user (the :class:`DeskService`'s login)."""

    refreshed = Signal()
    """A refresh (user, accounts, drafts list) has been applied."""
    listed = Signal()
    """The drafts list was reloaded."""
    draftLoaded = Signal(object)
    """A :class:`Draft` was opened (or re-shown after a change of state)."""
    saved = Signal(object)
    """The editor's content was stored; the argument is the stored :class:`Draft`."""
    saveFailed = Signal(str)
    """A save did not store the text; the argument is the message."""
    draftChanged = Signal(object)
    """A workflow step succeeded; the argument is the :class:`Draft` after it."""
    liveChangesStarted = Signal(bool)
    """Listening for other terminals' changes started (True) or could not start (False); never on SQLite."""
    remoteChangesApplied = Signal(object)
    """Another terminal's changes (a frozenset of table names) have been loaded into the window."""

    def __init__(
        self,
        service: DeskService,
        checker: TextChecker,
        *,
        database_name: str = "",
        settings: QSettings | None = None,
        autosave_ms: int = AUTOSAVE_DELAY_MS,
        archive: Callable[[], ArchiveService] | None = None,
        registry: Callable[[], RegistryService] | None = None,
        people: Callable[[], PeopleService] | None = None,
        incidents: Callable[[], IncidentService] | None = None,
        reports: Callable[[], ReportService] | None = None,
        moderation: Callable[[], ModerationService] | None = None,
        audit: AuditService | None = None,
        changes: ChangeWatcher | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("desk", settings, parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.service = service
        self._checker = checker
        self._platforms = checker.rulebook.platforms
        self._database_name = database_name

        self._accounts: dict[int, Account] = {}
        self._loading = False
        """The window itself is changing the editor: not an edit by the user."""
        self._syncing_selection = False
        self._check_window: CheckWindow | None = None
        self._archive = archive
        """Makes the service of the 第6条 archive window, the first time it is opened."""
        self._archive_window: ArchiveWindow | None = None
        self._reports = reports
        """Makes the service of the archive window's 「月次報告…」, the first time it is needed."""
        self._moderation = moderation
        """Makes the service of the archive window's モデレーション記録 (第9条), the first time it is needed."""
        self._registry = registry
        """Makes the service of the 第4条 registry window, the first time it is opened."""
        self._registry_window: RegistryWindow | None = None
        self._people = people
        """Makes the service of the 職員と役割 window, the first time it is opened."""
        self._people_window: PeopleWindow | None = None
        self._incidents = incidents
        """Makes the service of the インシデント window (第8条), the first time it is opened."""
        self._incident_window: IncidentWindow | None = None
        self._audit = audit
        """Reads the audit trail for the 履歴 of a draft (and of an account in the registry window)."""
        self._changes = changes
        """Announces other terminals' changes (PostgreSQL); started with the window, stopped when it closes."""
        self._remote_pending: frozenset[str] = frozenset()
        """Tables another terminal changed that the refresh under way will show."""

        self.ops = OpRunner(self)
        self.ops.unhandledError.connect(self._on_unhandled_error)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(autosave_ms)
        self.autosave_timer.timeout.connect(lambda: self.save_now())
        self.session = DraftSession(_SessionHost(self), autosave_ms=autosave_ms, retry_ms=SAVE_RETRY_MS)
        """The open draft's editing state: unsaved edits, autosave, conflicts (Qt-free, tested alone)."""

        self._build_drafts_list()
        self._build_draft_area()
        self._build_side()
        self._build_layout()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._show_no_draft()
        self.resize(1400, 860)
        self.restore_layout(self.splitter)
        self.refresh()
        self._start_live_changes()

    # == construction ==============================================================================

    def _build_drafts_list(self) -> None:
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName("状態で絞り込み")
        self.state_filter.addItem(ALL_STATES, None)
        for state in DraftState:
            self.state_filter.addItem(state.label, state.value)  # Qt keeps a StrEnum as a plain str
        self.account_filter = QComboBox()
        self.account_filter.setAccessibleName("アカウントで絞り込み")
        self.account_filter.addItem(ALL_ACCOUNTS, None)
        self.account_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.state_filter.currentIndexChanged.connect(self.refresh_list)
        self.account_filter.currentIndexChanged.connect(self.refresh_list)

        self.drafts_model = DraftsModel(self)
        view = QTableView()
        view.setModel(self.drafts_model)
        view.setAccessibleName("投稿案の一覧")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        for column in range(self.drafts_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_SUBJECT, QHeaderView.ResizeMode.Stretch)
        view.selectionModel().currentRowChanged.connect(self._on_list_row_changed)
        self.drafts_view = view

    def _build_draft_area(self) -> None:
        self.panel = CheckPanel(self._checker, self._check_context, self)
        self.editor = self.panel.editor
        self.findings_model = self.panel.model
        self.findings_view = self.panel.findings_view
        self.live = self.panel.live
        self.panel.resultShown.connect(self._on_result_shown)
        self.panel.checkFailed.connect(self._on_check_failed)
        self.panel.currentFindingChanged.connect(self._update_actions)
        self.editor.textChanged.connect(self._on_text_changed)

        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("件名")
        self.title_edit.setPlaceholderText("件名(一覧で見分けるためのもので、投稿には含まれません)")
        self.title_edit.textEdited.connect(lambda _text: self._on_edited())
        self.state_label = QLabel()
        self.state_label.setAccessibleName("投稿案の状態")
        self.info_label = QLabel()
        self.info_label.setAccessibleName("投稿案の情報")
        self.info_label.setWordWrap(True)

        self.review_banner = _Banner("review_banner", "#fdecea", "#e57373")
        self.review_banner.setAccessibleName("差戻しのコメント")
        self.conflict_banner = _Banner("conflict_banner", "#fff4e5", "#ffb74d")
        self.conflict_banner.setAccessibleName("保存できなかった編集")
        self.keep_copy_button = QPushButton("新しい投稿案として保存")
        self.keep_copy_button.clicked.connect(lambda: self.keep_as_new_draft())
        self.reopen_button = QPushButton("保存済みの内容を開き直す")
        self.reopen_button.clicked.connect(self.discard_and_reopen)
        self.conflict_banner.row.addWidget(self.keep_copy_button, 0, Qt.AlignmentFlag.AlignTop)
        self.conflict_banner.row.addWidget(self.reopen_button, 0, Qt.AlignmentFlag.AlignTop)

    def _build_side(self) -> None:
        self.platform_rows: dict[str, PlatformRow] = {pid: PlatformRow(p, False) for pid, p in self._platforms.items()}
        self.platform_box = QGroupBox("投稿先と文字数")
        grid = QGridLayout(self.platform_box)
        self.platform_note = QLabel("投稿案を開くと、そのアカウントの投稿先が表示されます。")
        self.platform_note.setWordWrap(True)
        grid.addWidget(self.platform_note, 0, 0, 1, 2)
        for i, row in enumerate(self.platform_rows.values(), start=1):
            grid.addWidget(row.checkbox, i, 0)
            grid.addWidget(row.counter, i, 1)
            row.set_visible(False)
            row.checkbox.clicked.connect(lambda _checked: self._on_platforms_edited())
        grid.setColumnStretch(1, 1)
        self.attachments_panel = AttachmentsPanel(self.service, self.ops, self.settings)
        self.attachments_panel.changed.connect(self._on_attachments_changed)
        self.attachments_panel.failed.connect(self._on_attachments_failed)
        self.preview = PreviewTabs()
        self.preview_box = QGroupBox("プレビュー")
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.addWidget(self.preview)

    def _build_layout(self) -> None:
        filters = QFormLayout()
        filters.addRow("状態(&J):", self.state_filter)
        filters.addRow("アカウント(&K):", self.account_filter)
        for i in range(filters.rowCount()):
            item = filters.itemAt(i, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            field = filters.itemAt(i, QFormLayout.ItemRole.FieldRole)
            buddy = field.widget() if field is not None else None
            if isinstance(label, QLabel) and buddy is not None:
                label.setBuddy(buddy)
        list_box = QGroupBox("投稿案")
        list_layout = QVBoxLayout(list_box)
        list_layout.addLayout(filters)
        list_layout.addWidget(self.drafts_view, 1)

        head = QHBoxLayout()
        title_label = QLabel("件名(&T):")
        title_label.setBuddy(self.title_edit)
        head.addWidget(title_label)
        head.addWidget(self.title_edit, 1)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        info = QHBoxLayout()
        info.addWidget(self.state_label)
        info.addWidget(self.info_label, 1)
        centre_layout.addLayout(head)
        centre_layout.addLayout(info)
        centre_layout.addWidget(self.review_banner)
        centre_layout.addWidget(self.conflict_banner)
        centre_layout.addWidget(self.panel, 1)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.platform_box)
        side_layout.addWidget(self.attachments_panel)
        side_layout.addWidget(self.preview_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setContentsMargins(8, 8, 8, 0)
        em = self.fontMetrics().horizontalAdvance("あ")
        self.splitter.setSizes([em * 26, em * 44, em * 22])
        self.setCentralWidget(self.splitter)

    def _build_actions(self) -> None:
        a = self.make_action
        self.new_action = a(
            "新規投稿案(&N)…", self.new_draft, "Ctrl+N", "投稿先のアカウントを選んで、新しい投稿案を作ります"
        )
        self.save_action = a(
            "保存(&S)", self.save, "Ctrl+S", "いまの本文を保存します(入力が止まると自動でも保存されます)"
        )
        self.submit_action = a("承認申請(&P)", self.submit, "Ctrl+Shift+E", "アカウント管理者に承認を申請します")
        self.approve_action = a("承認(&A)", self.approve, "Ctrl+Shift+A", "この投稿案を承認します")
        self.reject_action = a("差戻し(&R)…", self.reject, "Ctrl+Shift+R", "コメントを付けて起案者に差し戻します")
        self.acknowledge_action = a(
            "警告を確認済みにする(&K)…",
            self.acknowledge_warning,
            "Ctrl+Shift+K",
            "選んだ警告を、理由を書いて確認済みにします(エラーはできません)",
        )
        self.copy_for_posting_action = a(
            "投稿用にコピー(&C)", self.copy_for_posting, "Ctrl+Shift+C", "承認済みの本文をクリップボードにコピーします"
        )
        self.mark_posted_action = a(
            "投稿済みにする(&D)…", self.mark_posted, "Ctrl+Shift+D", "投稿した URL と日時を記録します"
        )
        self.withdraw_action = a(
            "取り下げ(&W)…",
            self.withdraw,
            "Ctrl+Shift+W",
            "承認申請を取り下げて下書きに戻します(承認済みなら承認も取り消されます)",
        )
        self.discard_action = a(
            "破棄(&X)…", self.discard, None, "理由を書いて、この投稿案を破棄します(削除はされず、履歴とともに残ります)"
        )
        self.history_action = a(
            "履歴(&H)…", self.show_history, "Ctrl+Shift+H", "この投稿案の作成から投稿までの記録(監査記録)"
        )
        self.history_action.setVisible(self._audit is not None)
        self.refresh_action = a("更新(&U)", self.refresh, "F5", "一覧と開いている投稿案を読み込み直します")
        self.check_tool_action = a(
            "投稿チェック(下書きなし)(&T)…", self.open_check_tool, None, "投稿案を作らずに文章だけをチェックします"
        )
        self.archive_action = a(
            "アーカイブ(第6条)(&B)…",
            self.open_archive,
            None,
            "投稿した内容の控え(第6条)を検索し、各サービスのエクスポートを取り込みます",
        )
        self.archive_action.setVisible(self._archive is not None)
        self.registry_action = a(
            "アカウントと利用方針(第4条)(&R)…",
            self.open_registry,
            None,
            "公式アカウントの台帳(開設の申請・承認・運用開始・休止・廃止)と、各アカウントの利用方針を扱います",
        )
        self.registry_action.setVisible(self._registry is not None)
        self.people_action = a(
            "職員と役割(&P)…",
            self.open_people,
            None,
            "アプリを使う職員と、その役割(運用管理者・アカウント管理者・起案者)を表示・変更します",
        )
        self.people_action.setVisible(self._people is not None)
        self.incidents_action = a(
            "インシデント(第8条)(&I)…",
            self.open_incidents,
            None,
            "なりすまし・乗っ取り・炎上・誤投稿などの事案を報告し、種類ごとの手順を進めます",
        )
        self.incidents_action.setVisible(self._incidents is not None)
        self.settings_action = a("設定(&O)…", self.edit_settings, None, "ガイドライン原文の場所などを設定します")
        self.quit_action = a("終了(&Q)", self.close, "Ctrl+Q", "保存して終了します")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.guideline_summary_action = a(
            "ガイドラインの要点(&G)", self.show_guideline_summary, "F1", "運用ガイドライン第4条〜第10条の要点"
        )
        self.open_guideline_action = a(
            "ガイドライン原文を開く(&O)", self.open_guideline, None, "設定した場所のガイドライン原文を開きます"
        )
        self.shortcuts_action = a("ショートカット一覧(&S)", self.show_shortcuts, "Shift+F1", "キー操作の一覧")
        self.about_action = a("バージョン情報(&A)", self.show_about, None, "sns_desk について")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.workflow_actions = (
            self.submit_action,
            self.approve_action,
            self.reject_action,
            self.withdraw_action,
            self.discard_action,
            self.acknowledge_action,
            self.copy_for_posting_action,
            self.mark_posted_action,
            self.history_action,
        )

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("ファイル(&F)")
        file_menu.addActions([self.new_action, self.save_action])
        file_menu.addSeparator()
        file_menu.addActions([self.check_tool_action, self.settings_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("編集(&E)")
        self.edit_actions = add_edit_actions(self, edit_menu, self.editor)

        draft_menu = bar.addMenu("投稿案(&D)")
        draft_menu.addActions([self.submit_action, self.approve_action, self.reject_action])
        draft_menu.addSeparator()
        draft_menu.addActions([self.withdraw_action, self.discard_action])
        draft_menu.addSeparator()
        draft_menu.addAction(self.acknowledge_action)
        draft_menu.addSeparator()
        draft_menu.addActions([self.copy_for_posting_action, self.mark_posted_action])
        draft_menu.addSeparator()
        draft_menu.addAction(self.history_action)

        view_menu = bar.addMenu("表示(&V)")
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.archive_action)
        view_menu.addAction(self.registry_action)
        view_menu.addAction(self.incidents_action)

        admin_menu = bar.addMenu("管理(&M)")
        admin_menu.addAction(self.people_action)
        admin_menu.menuAction().setVisible(self._people is not None)
        self.admin_menu = admin_menu

        help_menu = bar.addMenu("ヘルプ(&H)")
        help_menu.addActions([self.guideline_summary_action, self.open_guideline_action])
        help_menu.addSeparator()
        help_menu.addActions([self.shortcuts_action, self.about_action])
        self.help_menu = help_menu

        groups = (
            (self.new_action, self.save_action),
            (self.submit_action, self.approve_action, self.reject_action, self.withdraw_action, self.discard_action),
            (self.acknowledge_action,),
            (self.copy_for_posting_action, self.mark_posted_action),
            (self.history_action, self.refresh_action),
            (self.incidents_action,) if self._incidents is not None else (),
        )
        self.toolbar = self.add_tool_bar("desk", groups)

    def _build_status_bar(self) -> None:
        self.user_label = QLabel("利用者: 読み込み中…")
        self.user_label.setAccessibleName("利用者")
        self.database_label = QLabel(f"データベース: {database_label_text(self._database_name)}")
        self.database_label.setAccessibleName("データベース")
        self.database_label.setToolTip(self._database_name)
        self.autosave_label = QLabel("")
        self.autosave_label.setAccessibleName("自動保存")
        self.counts_label = QLabel("")
        self.counts_label.setAccessibleName("指摘の件数")
        bar = self.statusBar()
        for label in (self.user_label, self.database_label, self.autosave_label, self.counts_label):
            bar.addPermanentWidget(label)

    # == state ======================================================================================

    @property
    def me(self) -> Person | None:
        return self.session.me

    @property
    def current_draft(self) -> Draft | None:
        """The stored version of the open draft (the editor may hold newer, unsaved text)."""
        return self.session.draft

    @property
    def is_dirty(self) -> bool:
        return self.session.dirty

    @property
    def has_conflict(self) -> bool:
        return self.session.conflict

    def accounts(self) -> list[Account]:
        return list(self._accounts.values())

    def selected_platforms(self) -> tuple[str, ...]:
        """The draft's target platforms as ticked now (among those of its account)."""
        return tuple(
            pid for pid, row in self.platform_rows.items() if not row.checkbox.isHidden() and row.checkbox.isChecked()
        )

    def _check_context(self) -> CheckContext:
        return CheckContext(platforms=self.selected_platforms(), post_date=dt.date.today())

    def _account(self) -> Account | None:
        return self._accounts.get(self.session.draft.account_id) if self.session.draft is not None else None

    def step_reasons(self) -> dict[QAction, str | None]:
        """Why each workflow step on the open draft is unavailable now (None: it is available).

        The reasons are the core's (``rules.why_not_*``), then the window's own: an edit that could
        not be saved, or a save or load still running."""
        d, me, account = self.session.draft, self.session.me, self._account()
        manager = account.manager if account is not None else ""

        def reason(rule: Callable[[Draft, Person], str | None], *, needs_saved_text: bool = False) -> str | None:
            if d is None:
                return NO_DRAFT_REASON
            if me is None:
                return LOADING_REASON
            why = rule(d, me)
            if why is None and needs_saved_text and self.session.conflict:
                why = CONFLICT_REASON
            if why is None and self.session.busy:
                why = BUSY_REASON
            return why

        return {
            self.submit_action: reason(rules.why_not_submit, needs_saved_text=True),
            self.approve_action: reason(lambda draft, person: rules.why_not_approve(draft, person, manager)),
            self.reject_action: reason(lambda draft, person: rules.why_not_reject(draft, person, manager)),
            self.withdraw_action: reason(rules.why_not_withdraw, needs_saved_text=True),
            self.discard_action: reason(rules.why_not_discard, needs_saved_text=True),
        }

    def _subject(self) -> str:
        d = self.session.draft
        if d is None:
            return ""
        return d.title or " ".join(d.text.split())[:30] or f"投稿案 {d.id}"

    # == refresh and loading =======================================================================

    @Slot()
    def refresh(self) -> None:
        """Reload the user, the accounts and the list, then the open draft (after saving it)."""
        self.save_now(then=lambda ok: self._refresh(reload_draft=ok))

    def _refresh(self, reload_draft: bool) -> None:
        state, account_id = self._filters()
        service = self.service

        def load() -> DeskSnapshot:
            return DeskSnapshot(
                service.me(), tuple(service.accounts()), tuple(service.drafts(state=state, account_id=account_id))
            )

        def done(snapshot: DeskSnapshot) -> None:
            self._apply_snapshot(snapshot)
            if reload_draft and self.session.draft is not None and not self.session.dirty:
                self._load(self.session.draft.id)

        self.ops.run(load, done, self.show_failure, label="refresh")

    def _apply_snapshot(self, snapshot: DeskSnapshot) -> None:
        self.session.me = snapshot.me
        self._accounts = {a.id: a for a in snapshot.accounts}
        self.user_label.setText(f"利用者: {snapshot.me.display_name}({snapshot.me.role.label})")
        self._fill_account_filter(snapshot.accounts)
        self._show_list(snapshot.drafts)
        if self.session.draft is not None:
            self._show_header()
            self._apply_editability()
        self._update_actions()
        self.refreshed.emit()
        if self._remote_pending:
            applied, self._remote_pending = self._remote_pending, frozenset()
            self.remoteChangesApplied.emit(applied)

    def _fill_account_filter(self, accounts: Sequence[Account]) -> None:
        current = self.account_filter.currentData()
        self.account_filter.blockSignals(True)
        try:
            self.account_filter.clear()
            self.account_filter.addItem(ALL_ACCOUNTS, None)
            for account in accounts:
                self.account_filter.addItem(account.name, account.id)
            index = self.account_filter.findData(current) if current is not None else 0
            self.account_filter.setCurrentIndex(max(index, 0))
        finally:
            self.account_filter.blockSignals(False)

    def _filters(self) -> tuple[DraftState | None, int | None]:
        state = self.state_filter.currentData()
        account_id = self.account_filter.currentData()
        return (
            DraftState(state) if isinstance(state, str) else None,
            account_id if isinstance(account_id, int) else None,
        )

    @Slot()
    def refresh_list(self) -> None:
        """Reload the drafts list with the current filters."""
        state, account_id = self._filters()
        service = self.service
        self.ops.run(
            lambda: tuple(service.drafts(state=state, account_id=account_id)),
            self._show_list,
            self.show_failure,
            label="list",
        )

    def _show_list(self, summaries: Sequence[DraftSummary]) -> None:
        self._syncing_selection = True
        try:
            self.drafts_model.set_summaries(summaries)
            self._select_current_in_list()
        finally:
            self._syncing_selection = False
        self.listed.emit()

    def _select_current_in_list(self) -> None:
        row = self.drafts_model.row_of(self.session.draft.id) if self.session.draft is not None else None
        was = self._syncing_selection
        self._syncing_selection = True
        try:
            if row is None:
                self.drafts_view.clearSelection()
                self.drafts_view.setCurrentIndex(QModelIndex())
            else:
                self.drafts_view.selectRow(row)
                self.drafts_view.scrollTo(self.drafts_model.index(row, COLUMN_STATE))
        finally:
            self._syncing_selection = was

    @Slot(QModelIndex, QModelIndex)
    def _on_list_row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if self._syncing_selection or not current.isValid():
            return
        summary = self.drafts_model.data(current, SUMMARY_ROLE)
        if isinstance(summary, DraftSummary):
            self.open_draft(summary.id)

    def open_draft(self, draft_id: int) -> None:
        """Show draft ``draft_id`` in the editor, after saving the one open now."""
        if self.session.draft is not None and self.session.draft.id == draft_id:
            return

        def then(ok: bool) -> None:
            if ok:
                self._load(draft_id, lambda: self._set_busy(False))
            else:
                self._set_busy(False)
                self._select_current_in_list()  # stay on the draft whose text could not be saved

        self._set_busy(True)  # nothing typed between the save and the switch may be lost
        self._leave_current(then)

    def _load(self, draft_id: int, then: Callable[[], None] | None = None) -> None:
        """Load draft ``draft_id`` and show it; ``then()`` runs first, whatever the outcome."""
        service = self.service

        def loaded(draft: Draft) -> None:
            if then is not None:
                then()
            same = self.session.draft is not None and self.session.draft.id == draft.id
            if not (same and self.session.dirty):  # never replace text typed while it was loading
                self._show_draft(draft)

        def failed(exc: Exception) -> None:
            if then is not None:
                then()
            self.show_failure(exc)
            self._select_current_in_list()

        self.ops.run(lambda: service.draft(draft_id), loaded, failed, label="load")

    def _show_no_draft(self) -> None:
        self._loading = True
        try:
            self.session.clear()
            self.title_edit.clear()
            self.editor.setPlainText("")
            self.panel.clear_result()
        finally:
            self._loading = False
        self.editor.setPlaceholderText(NO_DRAFT_PLACEHOLDER)
        self.panel.set_read_only(True)
        self.title_edit.setReadOnly(True)
        self.title_edit.setEnabled(False)
        self.review_banner.hide()
        self.conflict_banner.hide()
        self.state_label.setText("")
        self.info_label.setText("")
        for row in self.platform_rows.values():
            row.set_visible(False)
        self.platform_note.show()
        self.preview.set_targets([], None)
        self.attachments_panel.show_draft(None)
        self._update_actions()

    def _show_draft(self, draft: Draft) -> None:
        """Show ``draft`` as stored: its text, title, platforms, state, acknowledgements."""
        self._loading = True
        try:
            self.session.show(draft)
            if self.title_edit.text() != draft.title:
                self.title_edit.setText(draft.title)
            account = self._account()
            # The account's platform, plus any other the draft already targets.
            allowed = ([account.platform] if account is not None else []) + list(draft.platforms)
            for pid, row in self.platform_rows.items():
                row.set_visible(pid in allowed)
                row.checkbox.setChecked(pid in draft.platforms)
                row.show_enabled()
            self.platform_note.setVisible(not allowed)
            if self.editor.toPlainText() != draft.text:
                self.panel.clear_result()
                self.editor.setPlainText(draft.text)
            else:
                self.panel.recheck()
        finally:
            self._loading = False
        self.findings_model.set_acknowledged({a.fingerprint: a.reason for a in draft.acknowledgements})
        self._show_counts()
        self.editor.setPlaceholderText(
            "ここに投稿の本文を入力してください。ガイドラインに合わない箇所に波線が付きます。"
        )
        self.conflict_banner.hide()
        self._apply_editability()
        self._show_header()
        self._update_preview_targets()
        self._select_current_in_list()
        self._update_actions()
        self.attachments_panel.show_draft(draft)
        self.draftLoaded.emit(draft)

    def _apply_editability(self) -> None:
        editable = self.session.editable()
        self.panel.set_read_only(not editable)
        self.title_edit.setEnabled(self.session.draft is not None)
        self.title_edit.setReadOnly(not editable)
        for row in self.platform_rows.values():
            row.checkbox.setEnabled(editable)
        self.attachments_panel.set_editable(editable)

    def _show_header(self) -> None:
        d = self.session.draft
        if d is None:
            return
        account = self._account()
        color = STATE_COLORS[d.state]
        self.state_label.setText(d.state.label)
        self.state_label.setStyleSheet(
            f"color: white; background: {color}; border-radius: 3px; padding: 1px 6px; font-weight: bold;"
        )
        parts = [
            account.name if account is not None else f"アカウント {d.account_id}",
            f"作成者 {d.author}",
            f"更新 {d.updated_at.astimezone().strftime('%Y/%m/%d %H:%M')}",
        ]
        if d.attachment_count:
            parts.append(f"画像 {d.attachment_count}枚")
        if d.reviewed_by and d.state in (DraftState.APPROVED, DraftState.POSTED):
            parts.append(f"承認 {d.reviewed_by}")
        if d.state is DraftState.POSTED and d.posted_url:
            parts.append(f"投稿 {d.posted_url}")
        if self.session.me is not None and not rules.can_edit(d, self.session.me):
            parts.append("(この投稿案は編集できません)")
        self.info_label.setText("・".join(parts))
        if d.state is DraftState.RETURNED and d.review_comment:
            by = f"({d.reviewed_by})" if d.reviewed_by else ""
            self.review_banner.show_text(f"差戻しコメント{by}: {d.review_comment}")
        else:
            self.review_banner.hide()

    def _update_preview_targets(self) -> None:
        targets = [self._platforms[pid] for pid in self.selected_platforms()]
        self.preview.set_targets(targets, self._account())
        result = self.panel.last_result
        if result is not None and self.panel.result_is_current():
            self.preview.show_text(result.text, result.lengths)
        else:
            self.preview.show_text(self.editor.toPlainText(), {})

    # == editing and saving ==========================================================================

    @Slot()
    def _on_text_changed(self) -> None:
        if not self._loading:
            self._on_edited()

    @Slot()
    def _on_edited(self) -> None:
        if not self._loading and self.session.edited():
            self.autosave_label.setText("未保存の変更があります")

    @Slot()
    def _on_platforms_edited(self) -> None:
        for row in self.platform_rows.values():
            row.show_enabled()
        self._update_preview_targets()
        self.panel.recheck()
        self._on_edited()

    def editor_content(self) -> Content:
        """What a save of the open draft stores: the editor's text, the title and the ticked platforms."""
        return Content(self.editor.toPlainText(), self.title_edit.text().strip(), self.selected_platforms())

    @Slot()
    def save(self) -> None:
        """保存 (Ctrl+S): store the text now, and say so."""
        self.session.save(manual=True)

    @Slot()
    def save_now(self, then: AfterSave | None = None) -> None:
        """Store the editor's content now (off the UI thread); then call ``then(ok)``.

        Nothing to save (no changes, or a draft the user may not edit) counts as success.
        """
        self.session.save(then)

    def _start_save(self, request: SaveRequest) -> None:
        service, content = self.service, request.content
        self.ops.run(
            lambda: service.save(
                request.draft_id, request.revision, content.text, title=content.title, platforms=content.platforms
            ),
            lambda draft: self.session.saved(request, draft),
            lambda exc: self.session.save_failed(request, exc),
            label="save",
        )

    def _set_autosave(self, delay_ms: int | None) -> None:
        if delay_ms is None:
            self.autosave_timer.stop()
        else:
            self.autosave_timer.start(delay_ms)

    def _show_saved(self, draft: Draft, manual: bool) -> None:
        done = "保存しました" if manual else "自動保存しました"
        self.autosave_label.setText(f"{done} {_now_text()}")
        self._show_header()
        self.saved.emit(draft)
        self.refresh_list()

    def _show_save_failed(self, exc: Exception, conflict: bool, waiting: bool) -> None:
        title, message = error_text(exc)
        self.autosave_label.setText(f"保存できませんでした {_now_text()}")
        self.saveFailed.emit(message)
        if conflict:
            # Stored meanwhile elsewhere (or no longer editable): keep the user's text, never overwrite.
            self.conflict_banner.show_text(f"{message}\n{CONFLICT_NOTE}")
            self._update_actions()
            MessageDialog.ask(self, "保存できません", f"{message}\n\n{CONFLICT_NOTE}")
        elif waiting:  # the database is locked or out of reach, and the user waits for this save
            MessageDialog.ask(self, title, f"{message}\n\n入力中の本文は画面に残っています。", "critical")
        else:  # an autosave: say so quietly; the session tries again a little later
            self.statusBar().showMessage(f"自動保存できませんでした: {message}", 15_000)

    def keep_as_new_draft(self, then: AfterSave | None = None) -> None:
        """Store the editor's text (which could not be saved) as a new draft of the same account."""
        d = self.session.draft
        if d is None:
            if then is not None:
                then(True)
            return
        text, title, platforms = self.editor.toPlainText(), self.title_edit.text().strip(), self.selected_platforms()
        new_title = f"{title or self._subject()}(控え)"
        service = self.service

        def done(draft: Draft) -> None:
            self._set_busy(False)
            self.statusBar().showMessage("保存できなかった本文を、新しい投稿案として保存しました", 10_000)
            self._show_draft(draft)
            self.refresh_list()
            if then is not None:
                then(True)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            self.show_failure(exc)
            if then is not None:
                then(False)

        self._set_busy(True)
        self.ops.run(
            lambda: service.create_draft(d.account_id, platforms, new_title, text), done, failed, label="keep copy"
        )

    @Slot()
    def discard_and_reopen(self) -> None:
        """After a conflict: drop the unsaved text (after asking) and show the stored version."""
        if self.session.draft is None:
            return
        answer = ConfirmDialog.ask(
            self, "開き直す", "保存できなかった入力中の本文は失われます。開き直しますか?", "開き直す"
        )
        if answer:
            self.session.drop_edits()
            self._load(self.session.draft.id)

    def _leave_current(self, then: AfterSave) -> None:
        """Make sure the open draft's text is stored before leaving it (switch, close)."""
        self.session.leave(then)

    # == check results ============================================================================

    @Slot(object)
    def _on_result_shown(self, result: CheckResult) -> None:
        for pid, length in result.lengths.items():
            row = self.platform_rows.get(pid)
            if row is not None:
                row.show_length(length)
        self.preview.show_text(result.text, result.lengths)
        self._show_counts()
        self._update_actions()

    def _show_counts(self) -> None:
        counts = self.panel.counts()
        text = summary_text(counts)
        open_warnings = self.panel.open_warnings()
        if counts[Severity.WARNING]:
            text += f"(未確認の警告 {open_warnings}件)"
        self.counts_label.setText(text)
        color = SEVERITY_COLORS[Severity.ERROR] if counts[Severity.ERROR] else ""
        self.counts_label.setStyleSheet(f"color: {color}; font-weight: bold;" if color else "")

    @Slot(str)
    def _on_check_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"チェックに失敗しました: {message}", 10_000)

    # == actions ===================================================================================

    @Slot()
    def _update_actions(self) -> None:
        d, me = self.session.draft, self.session.me
        idle = not self.session.busy
        editable = self.session.can_edit()
        placed = self.panel.current_finding()
        warning_chosen = (
            placed is not None and placed.finding.severity is Severity.WARNING and self.panel.result_is_current()
        )
        self.new_action.setEnabled(me is not None and idle)
        self.save_action.setEnabled(editable and idle)
        for action, reason in self.step_reasons().items():
            set_allowed(action, reason)
        self.acknowledge_action.setEnabled(editable and idle and warning_chosen and not self.session.conflict)
        self.copy_for_posting_action.setEnabled(d is not None and d.state is DraftState.APPROVED)
        self.mark_posted_action.setEnabled(
            d is not None and self.session.me is not None and rules.can_mark_posted(d, self.session.me) and idle
        )
        self.history_action.setEnabled(d is not None)

    def _set_busy(self, busy: bool) -> None:
        self.session.set_busy(busy)
        self._apply_editability()
        self._update_actions()

    @Slot(object)
    def _on_attachments_changed(self, draft: Draft) -> None:
        """Images were added, cleaned or removed: the draft's image count and checklist answer changed."""
        d = self.session.draft
        if d is not None and d.id == draft.id:
            self.session.update_stored(
                dataclasses.replace(
                    d,
                    attachment_count=draft.attachment_count,
                    rights_checked_by=draft.rights_checked_by,
                    rights_checked_at=draft.rights_checked_at,
                    updated_at=max(d.updated_at, draft.updated_at),
                )
            )
            self._show_header()
        self.refresh_list()

    @Slot(object)
    def _on_attachments_failed(self, exc: object) -> None:
        if not isinstance(exc, Exception):
            return
        self.show_failure(exc)
        d = self.session.draft
        if isinstance(exc, WorkflowError) and d is not None and not self.session.dirty and not self.session.busy:
            self._load(d.id)  # e.g. submitted meanwhile on another screen: show the state as stored

    @Slot(object)
    def _on_unhandled_error(self, exc: object) -> None:
        if isinstance(exc, Exception):
            self.show_failure(exc)

    def _workflow(self, label: str, call: Callable[[DeskService, int], Draft], done_message: str) -> None:
        """Save the text, then run a workflow step on the open draft and show the result."""
        d = self.session.draft
        if d is None or self.session.busy:
            return
        draft_id = d.id
        service = self.service

        def start(ok: bool) -> None:
            if not ok:
                return  # the text could not be stored: the step would act on an older version
            self._set_busy(True)
            self.ops.run(lambda: call(service, draft_id), done, failed, label=label)

        def done(draft: Draft) -> None:
            self._set_busy(False)
            self.statusBar().showMessage(done_message, 10_000)
            if self.session.draft is not None and self.session.draft.id == draft.id:
                self._show_draft(draft)
            self.refresh_list()
            self.draftChanged.emit(draft)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            self.show_failure(exc)
            if self.session.draft is not None and self.session.draft.id == draft_id and not self.session.dirty:
                self._load(draft_id)  # show the state as it is stored now

        self.save_now(start)

    @Slot()
    def new_draft(self) -> None:
        """新規投稿案: choose a postable account (and a title), create the draft and open it."""
        service = self.service

        def chosen(accounts: list[Account]) -> None:
            if not accounts:
                message = "投稿できるアカウントがありません。運用管理者にアカウントの登録を依頼してください(第4条)。"
                self.actionFailed.emit(message)
                MessageDialog.ask(self, "新規投稿案", message, "information")
                return
            names = {pid: p.name for pid, p in self._platforms.items()}
            answer = NewDraftDialog.ask(self, accounts, names)
            if answer is None:
                return
            account = next(a for a in accounts if a.id == answer.account_id)
            self._set_busy(True)
            self._leave_current(lambda ok: create(ok, account, answer.title))

        def create(ok: bool, account: Account, title: str) -> None:
            if not ok:
                self._set_busy(False)
                return
            self.ops.run(
                lambda: service.create_draft(account.id, (account.platform,), title, ""),
                lambda draft: created(draft, account),
                not_created,
                label="create",
            )

        def not_created(exc: Exception) -> None:
            self._set_busy(False)
            self.show_failure(exc)

        def created(draft: Draft, account: Account) -> None:
            self._set_busy(False)
            self._accounts.setdefault(account.id, account)
            self._show_draft(draft)
            self.refresh_list()
            self.editor.setFocus()
            self.statusBar().showMessage("新しい投稿案を作成しました", 10_000)
            self.draftChanged.emit(draft)

        self.ops.run(lambda: service.accounts(postable_only=True), chosen, self.show_failure, label="accounts")

    @Slot()
    def submit(self) -> None:
        """承認申請: with images whose checklist (第6条第3号) is unanswered, ask it first."""
        d = self.session.draft
        if d is None or self.session.busy:
            return
        draft_id, service = d.id, self.service

        def load() -> SubmitCheck:
            stored = service.draft(draft_id)
            images = tuple(service.attachments(draft_id)) if stored.attachment_count else ()
            return SubmitCheck(stored, images)

        def start(ok: bool) -> None:
            if not ok:
                return
            self._set_busy(True)
            self.ops.run(load, checked, failed, label="submit check")

        def checked(check: SubmitCheck) -> None:
            self._set_busy(False)
            if self.session.draft is None or self.session.draft.id != draft_id:
                return
            if not check.needs_checklist:
                self._workflow("submit", lambda s, i: s.submit(i), "承認申請しました")
                return
            with_metadata = sum(1 for a in check.attachments if a.privacy)
            answers = RightsChecklistDialog.ask(self, check.draft.attachment_count, with_metadata)
            if answers is None:
                self.statusBar().showMessage("画像のチェックリストに回答しなかったため、承認申請していません", 10_000)
                return
            self._workflow(
                "submit",
                lambda s, i: confirm_and_submit(s, i, answers),
                "画像のチェックリストに回答し、承認申請しました",
            )

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            self.show_failure(exc)

        self.save_now(start)

    @Slot()
    def approve(self) -> None:
        shown = self.session.draft.revision if self.session.draft is not None else None
        # Approve exactly the text on screen: the service refuses if it changed meanwhile.
        self._workflow("approve", lambda s, i: s.approve(i, revision=shown), "承認しました")

    @Slot()
    def reject(self) -> None:
        if self.session.draft is None:
            return
        comment = RejectDialog.ask(self, self._subject())
        if comment is None:
            return
        self._workflow("reject", lambda s, i: s.reject(i, comment), "差し戻しました")

    @Slot()
    def withdraw(self) -> None:
        """取り下げ: the author takes a submitted (or approved, not yet posted) draft back to 下書き."""
        d = self.session.draft
        if d is None or self.step_reasons()[self.withdraw_action] is not None:
            return
        void = (
            "承認は取り消され、直したあとで改めて承認申請と承認が必要です。" if d.state is DraftState.APPROVED else ""
        )
        answer = ConfirmDialog.ask(
            self,
            "取り下げ",
            f"「{self._subject()}」の承認申請を取り下げて、下書きに戻します。{void}",
            "取り下げる",
        )
        if not answer:
            return
        self._workflow("withdraw", lambda s, i: s.withdraw(i), "承認申請を取り下げました。下書きに戻っています")

    @Slot()
    def discard(self) -> None:
        """破棄: the draft is given up with a reason; it stays, read-only, with its whole history."""
        if self.session.draft is None or self.step_reasons()[self.discard_action] is not None:
            return
        reason = DiscardDialog.ask(self, self._subject())
        if reason is None:
            return
        self._workflow("discard", lambda s, i: s.discard(i, reason), "投稿案を破棄しました(履歴とともに残ります)")

    @Slot()
    def acknowledge_warning(self) -> None:
        """警告を確認済みにする: the warning chosen in the findings list, with the user's reason."""
        placed = self.panel.current_finding()
        result = self.panel.last_result
        if placed is None or result is None or not self.panel.result_is_current():
            return
        finding, checked_text = placed.finding, result.text
        reason = AcknowledgeDialog.ask(self, finding, placed.original)
        if reason is None:
            return

        def call(service: DeskService, draft_id: int) -> Draft:
            # The finding's offsets point into the checked text; it must be the stored text, and
            # the service refuses if another screen saves between this read and the write.
            stored = service.draft(draft_id)
            if stored.text != checked_text:
                raise WorkflowError("本文が変わったため確認済みにできませんでした。もう一度選んでください")
            return service.acknowledge(draft_id, finding, reason, revision=stored.revision)

        self._workflow("acknowledge", call, "警告を確認済みにしました")

    @Slot()
    def copy_for_posting(self) -> None:
        """投稿用にコピー: the approved text, exactly as stored, onto the clipboard."""
        d = self.session.draft
        if d is None or d.state is not DraftState.APPROVED:
            return
        QGuiApplication.clipboard().setText(d.text)
        self.statusBar().showMessage("投稿用の本文をクリップボードにコピーしました", 10_000)

    @Slot()
    def mark_posted(self) -> None:
        if self.session.draft is None:
            return
        answer = MarkPostedDialog.ask(self)
        if answer is None:
            return
        terminal = QSysInfo.machineHostName()
        self._workflow(
            "post",
            lambda s, i: s.mark_posted(i, answer.url, answer.posted_at, terminal, answer.off_terminal_reason),
            "投稿済みにしました",
        )

    @Slot()
    def show_history(self) -> None:
        d = self.session.draft
        if d is None:
            return
        audit = self._audit
        if audit is None:
            return
        draft_id, subject_text = d.id, self._subject()

        def show(entries: list[HistoryEntry]) -> None:
            HistoryDialog.ask(self, subject_text, entries)

        self.ops.run(lambda: audit.history("draft", draft_id), show, self.show_failure, label="history")

    # -- tools and help --------------------------------------------------------------------------

    @Slot()
    def open_check_tool(self) -> CheckWindow:
        if self._check_window is None:
            self._check_window = CheckWindow(self._checker, parent=self)
        self._check_window.show()
        self._check_window.raise_()
        return self._check_window

    @Slot()
    def open_archive(self) -> ArchiveWindow | None:
        """The アーカイブ(第6条) window: made once, reloaded each time it is shown again."""
        if self._archive is None:
            return None
        if self._archive_window is None:
            from .archive_window import ArchiveWindow

            self._archive_window = ArchiveWindow(
                self._archive(),
                settings=self.settings,
                reports=self._reports,
                moderation=self._moderation,
                parent=self,
            )
        elif not self._archive_window.isVisible():
            self._archive_window.refresh()
        self._archive_window.show()
        self._archive_window.raise_()
        self._archive_window.activateWindow()
        return self._archive_window

    @Slot()
    def open_registry(self) -> RegistryWindow | None:
        """The アカウントと利用方針(第4条) window: made once, reloaded each time it is shown again."""
        if self._registry is None:
            return None
        if self._registry_window is None:
            from .registry_window import RegistryWindow

            self._registry_window = RegistryWindow(
                self._registry(), audit=self._audit, settings=self.settings, parent=self
            )
            self._registry_window.accountChanged.connect(lambda _account: self.refresh())  # e.g. 運用開始
            if self._changes is not None:
                self._changes.changed.connect(self._registry_window.on_external_change)
        elif not self._registry_window.isVisible():
            self._registry_window.refresh()
        self._registry_window.show()
        self._registry_window.raise_()
        self._registry_window.activateWindow()
        return self._registry_window

    @Slot()
    def open_people(self) -> PeopleWindow | None:
        """The 職員と役割 window (管理 menu): made once, reloaded each time it is shown again."""
        if self._people is None:
            return None
        if self._people_window is None:
            from .people_window import PeopleWindow

            self._people_window = PeopleWindow(self._people(), audit=self._audit, settings=self.settings, parent=self)
            self._people_window.personChanged.connect(lambda _person: self.refresh())  # e.g. my own role
            if self._changes is not None:
                self._changes.changed.connect(self._people_window.on_external_change)
        elif not self._people_window.isVisible():
            self._people_window.refresh()
        self._people_window.show()
        self._people_window.raise_()
        self._people_window.activateWindow()
        return self._people_window

    @Slot()
    def open_incidents(self) -> IncidentWindow | None:
        """The インシデント window (第8条): made once, reloaded each time it is shown again. A draft made
        there from an incident's text appears in the list here; 「投稿デスクで開く」 opens it here."""
        if self._incidents is None:
            return None
        if self._incident_window is None:
            from .incident_window import IncidentWindow

            self._incident_window = IncidentWindow(
                self._incidents(), archive=self._archive, settings=self.settings, parent=self
            )
            self._incident_window.draftCreated.connect(lambda _linked: self.refresh_list())
            self._incident_window.openDraftRequested.connect(self._show_incident_draft)
            if self._changes is not None:
                self._changes.changed.connect(self._incident_window.on_external_change)
        elif not self._incident_window.isVisible():
            self._incident_window.refresh()
        self._incident_window.show()
        self._incident_window.raise_()
        self._incident_window.activateWindow()
        return self._incident_window

    @Slot(int)
    def _show_incident_draft(self, draft_id: int) -> None:
        self.open_draft(draft_id)
        self.raise_()
        self.activateWindow()

    # -- other terminals' changes (PostgreSQL) ---------------------------------------------------

    @property
    def live_changes(self) -> bool:
        """Whether the window follows other terminals' changes without F5 (PostgreSQL only)."""
        return self._changes is not None and self._changes.running

    def _start_live_changes(self) -> None:
        """Start listening, off the UI thread (it opens a connection to the server). Nothing on SQLite."""
        watcher = self._changes
        if watcher is None or not watcher.supported:
            return
        watcher.changed.connect(self._on_remote_changes)

        def failed(_exc: Exception) -> None:
            self.statusBar().showMessage(
                "他の端末の変更を自動では反映できません。「更新」(F5)で読み込み直してください", 15_000
            )
            self.liveChangesStarted.emit(False)

        self.ops.run(watcher.start, lambda _none: self.liveChangesStarted.emit(True), failed, label="listen")

    @Slot(object)
    def _on_remote_changes(self, tables: object) -> None:
        """Another terminal (or this one) committed a change: reload what it touched.

        People and accounts: the whole refresh (my role, the account filter). Drafts: the list, and the
        open draft only when its stored state or time moved and no edit of it is waiting to be saved.
        """
        if not isinstance(tables, frozenset) or not tables & LIVE_TABLES or self.ops.is_closed:
            return
        if tables & {"accounts", "users"}:
            self._remote_pending |= tables
            self.refresh()
            return
        state, account_id = self._filters()
        service = self.service

        def listed(summaries: tuple[DraftSummary, ...]) -> None:
            self._show_list(summaries)
            d = self.session.draft
            if d is not None and not self.session.dirty and not self.session.busy:
                stored = next((x for x in summaries if x.id == d.id), None)
                if stored is not None and (stored.state is not d.state or stored.updated_at != d.updated_at):
                    self._load(d.id)
            self.remoteChangesApplied.emit(tables)

        self.ops.run(
            lambda: tuple(service.drafts(state=state, account_id=account_id)), listed, self.show_failure, label="list"
        )

    @Slot()
    def edit_settings(self) -> None:
        location = SettingsDialog.ask(self, guideline_location(self.settings))
        if location is not None:
            set_guideline_location(self.settings, location)
            self.statusBar().showMessage("設定を保存しました", 5_000)

    @Slot()
    def show_guideline_summary(self) -> None:
        GuidelineSummaryDialog.ask(self)

    @Slot()
    def open_guideline(self) -> bool:
        """Open the full guideline at the configured location (asks for it when none is set)."""
        location = guideline_location(self.settings)
        if not location:
            MessageDialog.ask(
                self,
                "ガイドライン原文",
                "ガイドライン原文の場所が設定されていません。設定画面で、ファイルのパスかアドレスを指定してください。",
                "information",
            )
            self.edit_settings()
            location = guideline_location(self.settings)
            if not location:
                return False
        url = location_url(location)
        if url is None or missing_local_file(url):
            MessageDialog.ask(self, "ガイドライン原文", f"「{location}」が見つかりません。設定を確かめてください。")
            return False
        if not open_location(url):
            MessageDialog.ask(self, "ガイドライン原文", f"「{location}」を開けませんでした。")
            return False
        return True

    def shortcut_rows(self) -> list[tuple[str, str]]:
        actions = [*self.findChildren(QAction)]
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for action in actions:
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            label = plain_label(action)
            if keys and label and label not in seen:
                seen.add(label)
                rows.append((label, keys))
        return rows

    @Slot()
    def show_shortcuts(self) -> None:
        ShortcutsDialog.ask(self, self.shortcut_rows())

    @Slot()
    def show_about(self) -> None:
        AboutDialog.ask(self)

    # == closing =================================================================================

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session.must_wait_before_closing(self.ops.is_busy):
            event.ignore()
            if self.session.begin_close():
                self._leave_current(self._close_after_queue)
            return
        self._shutdown()
        super().closeEvent(event)

    def _close_after_queue(self, ok: bool) -> None:
        """Finish closing once every queued operation has run (the queue runs in order)."""
        self.ops.run(lambda: None, lambda _: self._finish_close(ok), label="close")

    def _finish_close(self, ok: bool) -> None:
        if not ok:
            answer = ConfirmDialog.ask(
                self,
                "保存できません",
                "入力中の本文を保存できませんでした。本文をクリップボードにコピーしてから閉じますか?",
                "コピーして閉じる",
                "閉じない",
            )
            if not answer:
                self.session.end_close(False)
                return
            QGuiApplication.clipboard().setText(self.editor.toPlainText())
        self.session.end_close(True)
        self.close()

    def _shutdown(self) -> None:
        if not self.ops.is_closed:
            self.save_layout(self.splitter)
        self.autosave_timer.stop()
        self.panel.shutdown()
        self.ops.shutdown()  # first: a start still queued is dropped, one running has finished
        if self._changes is not None:
            self._changes.stop()  # joins the listening thread (at most one wait, half a second)
        if self._check_window is not None:
            self._check_window.close()
        if self._archive_window is not None:
            self._archive_window.close()  # cancels a running import: nothing half-written is kept
        if self._registry_window is not None:
            self._registry_window.close()
        if self._people_window is not None:
            self._people_window.close()
        if self._incident_window is not None:
            self._incident_window.close()
