"""The アカウントと利用方針(第4条) window: the account registry and each account's usage policy.

Left: the registry (台帳) — every official account with its service, status, department and manager,
filtered by status — and the chosen account's registered facts and lifecycle (who asked and when,
the approval number and date, the reason of a refusal, suspension or closure). The toolbar carries
the lifecycle: 開設を申請 → 承認 / 不承認 → 運用開始 → 休止 / 廃止, and 登録情報を編集. Buttons are
enabled by the user's role and the account's status (:func:`~sns_desk.gui.registry_model.allowed`);
the :class:`RegistryService` decides, and its refusals are shown as they are.

Right: the account's usage policy (第4条第4項), the newest saved version or, before any, the template
filled from the registry — one editor per item, a live preview and the problems ``validate`` finds.
「保存(新しい版)」 always stores a new version; 「承認」 and 「公表を記録…」 act on the version shown,
unchanged; the account goes into operation once a version is published. The version history
compares two versions, or one with the text being typed, side by side.

Every call to the service runs on the window's own :class:`OpRunner`; the window receives plain values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core import jst
from ..core.account_request import request_document_html
from ..core.accounts import Account, AccountStatus
from ..core.people import Person
from ..core.policy import AccountFacts, Policy, ValidationProblem, diff_policies
from ..services.audit import AuditService, HistoryEntry
from ..services.registry import PLATFORM_LABELS, AccountFactsInput, PolicyStatus, PolicyVersion, RegistryService
from .dialogs import ConfirmDialog, HistoryDialog, MessageDialog
from .errors import error_text
from .ops import OpRunner
from .policy_editor import PREVIEW_DELAY_MS, VALIDATE_DELAY_MS, PolicyEditor
from .registry_dialogs import (
    AccountFormDialog,
    AccountReasonDialog,
    ApproveAccountDialog,
    HtmlDocumentDialog,
    PolicyDiffDialog,
    PublishDialog,
)
from .registry_model import (
    COLUMN_DEPARTMENT,
    COLUMN_MANAGER,
    COLUMN_NAME,
    COLUMN_PLATFORM,
    COLUMN_STATUS,
    AccountsModel,
    Allowed,
    allowed,
    date_text,
    jst_minute,
    platform_name,
    version_text,
    version_tooltip,
)
from .window import AppWindow

WINDOW_TITLE: Final = "sns_desk — アカウントと利用方針(第4条)"
ALL_STATUSES: Final = "すべての状態"
NO_ACCOUNT_TEXT: Final = "左の台帳からアカウントを選ぶと、その利用方針を編集できます。"
TEMPLATE_TEXT: Final = "テンプレート(登録情報から作成・未保存)"
CURRENT_TEXT_LABEL: Final = "入力中の文面"
EMPTY_VALUE: Final = "—"
VERSION_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""Version history: the version number of the row."""
_BLANK: Final = Account(id=0, platform="", name="", url="", department="", manager="", status=AccountStatus.REQUESTED)
"""An empty account, for the labels of the detail rows."""


# == values handed from the worker thread ===========================================================================


@dataclass(frozen=True, slots=True)
class RegistryOverview:
    me: Person
    accounts: tuple[Account, ...]


def load_overview(service: RegistryService) -> RegistryOverview:
    return RegistryOverview(service.me(), tuple(service.accounts()))


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """One account with its facts, its policy versions (newest first) and the policy to edit."""

    account: Account
    facts: AccountFacts
    versions: tuple[PolicyVersion, ...]
    policy: Policy
    """The text of ``shown``, or the template filled from the registry when ``shown`` is None."""
    shown: PolicyVersion | None

    def version(self, number: int) -> PolicyVersion | None:
        return next((v for v in self.versions if v.version == number), None)


def load_account(service: RegistryService, account_id: int, version: int | None = None) -> AccountSnapshot:
    account = service.account(account_id)
    facts = service.facts(account_id)
    versions = tuple(service.versions(account_id))
    policy, shown = service.policy(account_id, version)
    return AccountSnapshot(account, facts, versions, policy, shown)


def editions(versions: Sequence[PolicyVersion]) -> tuple[dt.date | None, dt.date | None]:
    """(制定, 改定): the first publication, and the latest one when there were several."""
    days = sorted(v.published_on for v in versions if v.published_on is not None)
    if not days:
        return None, None
    return days[0], (days[-1] if days[-1] != days[0] else None)


def facts_input(account: Account) -> AccountFactsInput:
    """The registry form prefilled with what is registered."""
    return AccountFactsInput(
        platform=account.platform,
        name=account.name,
        url=account.url,
        department=account.department,
        manager=account.manager,
        display_name=account.display_name,
        manager_title=account.manager_title,
        publisher_title=account.publisher_title,
        operating_hours=account.operating_hours,
        contact=account.contact,
        purpose=account.purpose,
    )


def shown_text(snapshot: AccountSnapshot, modified: bool) -> str:
    """「第2版(下書き)を表示中 — 変更あり(未保存)」."""
    shown = snapshot.shown
    text = TEMPLATE_TEXT if shown is None else f"第{shown.version}版({shown.status.label})を表示中"
    if modified:
        text += " — 変更あり(未保存)"
    return text


def lifecycle_rows(account: Account, published: PolicyVersion | None) -> list[tuple[str, str]]:
    """The account's lifecycle as (label, value) rows."""
    if account.requested_by:
        when = f"({jst_minute(account.requested_at)})" if account.requested_at is not None else ""
        requested = f"{account.requested_by}{when}"
    else:
        requested = "(申請を経ずに運用管理者が登録)"
    approval = EMPTY_VALUE
    if account.approval_number or account.approved_on is not None:
        parts = [account.approval_number or "(番号なし)"]
        if account.approved_on is not None:
            parts.append(date_text(account.approved_on))
        if account.approved_by:
            parts.append(f"運用管理者 {account.approved_by}")
        approval = "・".join(parts)
    status = account.status.label + (f" — {account.status_note}" if account.status_note else "")
    policy = (
        f"第{published.version}版({date_text(published.published_on)} 公表)"
        if published is not None and published.published_on is not None
        else "未公表"
    )
    return [("状態", status), ("申請", requested), ("承認", approval), ("公表中の利用方針", policy)]


def fact_rows(account: Account) -> list[tuple[str, str]]:
    return [
        ("サービス", platform_name(account.platform)),
        ("アカウント名", account.name),
        ("表示名", account.display_name),
        ("URL", account.url),
        ("所属", account.department),
        ("アカウント管理者", (f"{account.manager_title}({account.manager})" if account.manager_title
                              else account.manager)),
        ("情報発信責任者", account.publisher_title or "(アカウント管理者)"),
        ("運用時間", account.operating_hours),
        ("問い合わせ先", account.contact),
        ("開設の目的", account.purpose),
    ]  # fmt: skip


# == the window ======================================================================================================


class RegistryWindow(AppWindow):
    """The account registry and the usage policies (第4条)."""

    overviewLoaded = Signal(object)
    """A :class:`RegistryOverview` (the user and the accounts) is shown."""
    accountLoaded = Signal(object)
    """An :class:`AccountSnapshot` is shown (facts, versions, the policy in the editor)."""
    accountChanged = Signal(object)
    """A lifecycle step or a facts edit succeeded; the argument is the :class:`Account` after it."""
    policySaved = Signal(object)
    """A new :class:`PolicyVersion` was saved."""
    versionChanged = Signal(object)
    """A :class:`PolicyVersion` was approved or its publication recorded."""
    problemsShown = Signal(object)
    """The list of :class:`ValidationProblem` of the text on screen."""

    def __init__(
        self,
        service: RegistryService,
        *,
        settings: QSettings | None = None,
        today: Callable[[], dt.date] = jst.today,
        preview_delay_ms: int | None = None,
        validate_delay_ms: int | None = None,
        audit: AuditService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("registry", settings, parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.service = service
        self._audit = audit
        """Reads the audit trail for the chosen account's 履歴 (the action is hidden without it)."""
        self._today = today
        self._overview: RegistryOverview | None = None
        self._snapshot: AccountSnapshot | None = None
        self._unsaved: dict[int, Policy] = {}
        """Edited texts of accounts the user moved away from without saving (kept while the app runs)."""
        self._request_draft: AccountFactsInput | None = None
        """The last request that was not accepted, offered again the next time the form opens."""
        self._load_serial = 0
        self._validate_serial = 0
        self._syncing = False
        self._want_account: int | None = None
        """The account to choose once the next overview is shown (e.g. the one just requested)."""

        self.ops = OpRunner(self)
        self.ops.unhandledError.connect(self.show_failure)

        self.editor = PolicyEditor(
            preview_delay_ms=PREVIEW_DELAY_MS if preview_delay_ms is None else preview_delay_ms,
            validate_delay_ms=VALIDATE_DELAY_MS if validate_delay_ms is None else validate_delay_ms,
        )
        self.editor.edited.connect(self._on_edited)
        self.editor.validationRequested.connect(self._validate)
        self.editor.problemsShown.connect(self.problemsShown)

        self._build_actions()
        self._build_registry()
        self._build_policy()
        self._build_layout()
        self._build_menus_and_toolbar()
        self.me_label = QLabel("")
        self.statusBar().addPermanentWidget(self.me_label)
        self.resize(1440, 880)
        self.restore_layout(self.splitter)
        self._show_account(None)
        self.refresh()

    # == construction =================================================================================================

    def _build_actions(self) -> None:
        def a(label: str, slot: Callable[[], object], tip: str, shortcut: str | None = None) -> QAction:
            return self.make_action(label, slot, shortcut, tip)

        self.request_action = a(
            "開設を申請(&N)…",
            self.request_account,
            "所属長として、新しいアカウントの開設を運用管理者に申請します(第4条第2項)",
        )
        self.approve_action = a("承認(&A)…", self.approve_account, "申請されたアカウントの開設を承認します(運用管理者)")
        self.reject_action = a("不承認(&J)…", self.reject_account, "申請を、理由を付けて不承認にします(運用管理者)")
        self.start_action = a(
            "運用開始(&O)", self.start_operation, "利用方針を公表したアカウントの運用を始めます(第4条第4項)"
        )
        self.suspend_action = a("休止(&S)…", self.suspend_account, "運用を休止します(理由が必要です)")
        self.close_account_action = a(
            "廃止(&X)…", self.close_account, "アカウントを廃止します(運用管理者、元に戻せません)"
        )
        self.edit_facts_action = a(
            "登録情報を編集(&E)…", self.edit_facts, "URL・運用時間・問い合わせ先などの登録情報を直します"
        )
        self.request_document_action = a(
            "申請書を表示(&D)…",
            self.show_request_document,
            "開設申請書(第4条第2項)を、表示中の利用方針を別紙に付けて表示します(HTML で保存して印刷できます)",
        )
        self.history_action = a(
            "履歴(&H)…",
            self.show_history,
            "選んだアカウントの申請・承認・利用方針・運用の記録(監査記録)",
            "Ctrl+Shift+H",
        )
        self.history_action.setVisible(self._audit is not None)
        self.refresh_action = a("更新(&U)", self.refresh, "台帳と利用方針を読み込み直します", "F5")
        self.close_window_action = a("閉じる(&C)", self.close, "この画面を閉じます", "Ctrl+W")
        self.save_policy_action = a(
            "保存(新しい版)", self.save_policy, "入力中の利用方針を新しい版として保存します(前の版は残ります)", "Ctrl+S"
        )
        self.approve_policy_action = a(
            "承認", self.approve_policy, "表示中の版を承認します(エラーが残っていると承認できません)"
        )
        self.publish_policy_action = a(
            "公表を記録…", self.publish_policy, "承認済みの版を市ホームページ等で公表した日を記録します"
        )
        self.diff_action = a(
            "差分…",
            self.show_diff,
            "版を2つ選ぶとその2つを、1つ選ぶとその版と入力中の文面を比べます",
        )
        self.lifecycle_actions = (
            self.request_action,
            self.approve_action,
            self.reject_action,
            self.start_action,
            self.suspend_action,
            self.close_account_action,
            self.edit_facts_action,
        )

    def _build_registry(self) -> None:
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("状態で絞り込み")
        self.status_combo.addItem(ALL_STATUSES, None)
        for status in AccountStatus:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.currentIndexChanged.connect(lambda _index: self._on_filter_changed())

        self.accounts_model = AccountsModel(self)
        view = QTableView()
        view.setObjectName("registry_accounts")
        view.setModel(self.accounts_model)
        view.setAccessibleName("アカウント台帳")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        em = view.fontMetrics().horizontalAdvance("あ")
        for column in (COLUMN_NAME, COLUMN_PLATFORM, COLUMN_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_DEPARTMENT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COLUMN_DEPARTMENT, em * 7)
        header.setSectionResizeMode(COLUMN_MANAGER, QHeaderView.ResizeMode.Stretch)  # cut short first; see tooltips
        view.selectionModel().currentRowChanged.connect(self._on_account_changed)
        self.accounts_view = view

        self.detail_form = QFormLayout()
        self.detail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.detail_labels: dict[str, QLabel] = {}
        for label, _value in [*fact_rows(_BLANK), *lifecycle_rows(_BLANK, None)]:
            value_label = QLabel()
            value_label.setAccessibleName(label)
            value_label.setWordWrap(True)
            value_label.setTextFormat(Qt.TextFormat.PlainText)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_labels[label] = value_label
            self.detail_form.addRow(f"{label}:", value_label)

    def _build_policy(self) -> None:
        self.policy_heading = QLabel("")
        font = self.policy_heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.policy_heading.setFont(font)
        self.policy_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.shown_label = QLabel("")
        self.shown_label.setAccessibleName("表示中の版")
        self.shown_label.setTextFormat(Qt.TextFormat.PlainText)
        self.placeholder = QLabel(NO_ACCOUNT_TEXT)
        self.placeholder.setWordWrap(True)

        def button(action: QAction, name: str) -> QPushButton:
            b = QPushButton(action.text())
            b.setObjectName(name)
            b.setToolTip(action.toolTip())
            b.clicked.connect(action.trigger)
            return b

        self.save_button = button(self.save_policy_action, "save_policy")
        self.approve_policy_button = button(self.approve_policy_action, "approve_policy")
        self.publish_button = button(self.publish_policy_action, "publish_policy")
        self.diff_button = button(self.diff_action, "policy_diff")

        self.versions_list = QListWidget()
        self.versions_list.setObjectName("policy_versions")
        self.versions_list.setAccessibleName("利用方針の版")
        self.versions_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.versions_list.setToolTip("ダブルクリックでその版を開きます。2つ選んで「差分…」で比べられます")
        self.versions_list.itemDoubleClicked.connect(self._on_version_activated)
        self.versions_list.itemSelectionChanged.connect(self._update_actions)
        versions_box = QWidget()
        versions_layout = QVBoxLayout(versions_box)
        versions_layout.setContentsMargins(0, 0, 0, 0)
        versions_header = QHBoxLayout()
        versions_label = QLabel("版の履歴(&V)")
        versions_label.setBuddy(self.versions_list)
        versions_header.addWidget(versions_label, 1)
        versions_header.addWidget(self.diff_button)
        versions_layout.addLayout(versions_header)
        versions_layout.addWidget(self.versions_list, 1)
        self.editor.side.addWidget(versions_box)
        self.editor.side.setStretchFactor(2, 1)

    def _build_layout(self) -> None:
        filter_row = QHBoxLayout()
        filter_label = QLabel("状態(&F):")
        filter_label.setBuddy(self.status_combo)
        filter_row.addWidget(filter_label)
        filter_row.addWidget(self.status_combo)
        filter_row.addStretch(1)
        self.count_label = QLabel("")
        filter_row.addWidget(self.count_label)
        registry_box = QGroupBox("アカウント台帳")
        registry_layout = QVBoxLayout(registry_box)
        registry_layout.addLayout(filter_row)
        registry_layout.addWidget(self.accounts_view, 1)

        self.detail_box = QGroupBox("選んだアカウント")
        detail_inner = QWidget()
        detail_inner.setLayout(self.detail_form)
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail_scroll.setWidget(detail_inner)
        detail_layout = QVBoxLayout(self.detail_box)
        detail_layout.addWidget(detail_scroll)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(registry_box)
        left.addWidget(self.detail_box)
        left.setChildrenCollapsible(False)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 3)
        self.left_splitter = left

        heading_row = QHBoxLayout()
        heading_row.addWidget(self.policy_heading)
        heading_row.addStretch(1)
        heading_row.addWidget(self.shown_label)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.save_button)
        buttons_row.addWidget(self.approve_policy_button)
        buttons_row.addWidget(self.publish_button)
        buttons_row.addStretch(1)
        self.flow_label = QLabel("保存(新しい版) → 承認 → 公表を記録 → 運用開始(第4条第4項)")
        self.flow_label.setStyleSheet("color: #555555;")
        buttons_row.addWidget(self.flow_label)
        self.policy_box = QGroupBox("利用方針(第4条第4項)")
        policy_layout = QVBoxLayout(self.policy_box)
        policy_layout.addLayout(heading_row)
        policy_layout.addWidget(self.placeholder)
        policy_layout.addWidget(self.editor, 1)
        policy_layout.addLayout(buttons_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.policy_box)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        em = self.fontMetrics().horizontalAdvance("あ")
        self.splitter.setSizes([em * 40, em * 62])
        self.editor.splitter.setSizes([em * 33, em * 33])

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 8, 8, 0)
        body_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("ファイル(&F)")
        file_menu.addAction(self.close_window_action)
        account_menu = bar.addMenu("アカウント(&A)")
        account_menu.addAction(self.request_action)
        account_menu.addSeparator()
        account_menu.addActions([self.approve_action, self.reject_action])
        account_menu.addSeparator()
        account_menu.addActions([self.start_action, self.suspend_action, self.close_account_action])
        account_menu.addSeparator()
        account_menu.addAction(self.edit_facts_action)
        account_menu.addSeparator()
        account_menu.addAction(self.request_document_action)
        account_menu.addAction(self.history_action)
        policy_menu = bar.addMenu("利用方針(&P)")
        policy_menu.addActions([self.save_policy_action, self.approve_policy_action, self.publish_policy_action])
        policy_menu.addSeparator()
        policy_menu.addAction(self.diff_action)
        view_menu = bar.addMenu("表示(&V)")
        view_menu.addAction(self.refresh_action)

        groups = (
            (self.request_action,),
            (self.approve_action, self.reject_action),
            (self.start_action, self.suspend_action, self.close_account_action),
            (self.edit_facts_action, self.request_document_action),
            (self.history_action, self.refresh_action),
        )
        self.toolbar = self.add_tool_bar("registry", groups)

    # == state ========================================================================================================

    @property
    def me(self) -> Person | None:
        return self._overview.me if self._overview is not None else None

    @property
    def overview(self) -> RegistryOverview | None:
        return self._overview

    @property
    def snapshot(self) -> AccountSnapshot | None:
        """The account shown on the right, as last loaded."""
        return self._snapshot

    def selected_account(self) -> Account | None:
        index = self.accounts_view.currentIndex()
        return self.accounts_model.account(index.row()) if index.isValid() else None

    def select_account(self, account_id: int | None) -> None:
        """Choose an account in the registry (the policy on the right follows)."""
        row = self.accounts_model.row_of(account_id)
        if row is None:
            self.accounts_view.setCurrentIndex(QModelIndex())
        else:
            self.accounts_view.selectRow(row)

    def is_modified(self) -> bool:
        """The text on screen differs from the version shown (or from the template)."""
        return self._snapshot is not None and self.editor.policy() != self._snapshot.policy

    def allowed(self) -> Allowed:
        snapshot = self._snapshot
        selected = self.selected_account()
        if snapshot is None or selected is None or snapshot.account.id != selected.id:
            return dataclasses.replace(allowed(self.me, selected), save_policy=False)  # loading: no policy yet
        return allowed(self.me, snapshot.account, snapshot.shown, modified=self.is_modified())

    def selected_versions(self) -> list[int]:
        """The version numbers chosen in the history, oldest first."""
        return sorted(int(item.data(VERSION_ROLE)) for item in self.versions_list.selectedItems())

    # == loading ======================================================================================================

    @Slot()
    def refresh(self) -> None:
        """Reload the registry, then the account shown (the text being typed is kept)."""
        service = self.service
        self.ops.run(lambda: load_overview(service), self._apply_overview, self.show_failure, label="overview")

    def _apply_overview(self, overview: RegistryOverview) -> None:
        self._overview = overview
        self.me_label.setText(f"{overview.me.login}({overview.me.role.label})")
        chosen = self._want_account
        if chosen is None:
            current = self.selected_account()
            chosen = current.id if current is not None else None
        self._want_account = None
        self._syncing = True
        try:
            self.accounts_model.set_accounts(overview.accounts)
            if chosen is not None and self.accounts_model.row_of(chosen) is None:
                if any(a.id == chosen for a in overview.accounts):  # filtered out: show the account worked on
                    self.status_combo.blockSignals(True)
                    self.status_combo.setCurrentIndex(0)
                    self.status_combo.blockSignals(False)
                    self.accounts_model.set_status_filter(None)
                else:
                    chosen = None
            self.select_account(chosen if chosen is not None else self._first_id())
        finally:
            self._syncing = False
        self._show_count()
        self.overviewLoaded.emit(overview)
        self._load_selected()

    @Slot(object)
    def on_external_change(self, tables: object) -> None:
        """Another terminal changed the registry: reload while the window is shown (typed text is kept)."""
        if isinstance(tables, frozenset) and "accounts" in tables and self.isVisible():
            self.refresh()

    @Slot()
    def show_history(self) -> None:
        """履歴: the chosen account's steps as the audit trail records them, in a background read."""
        account, audit = self._current(), self._audit
        if account is None or audit is None:
            return
        account_id, subject = account.id, account.name

        def show(entries: list[HistoryEntry]) -> None:
            HistoryDialog.ask(self, subject, entries)

        self.ops.run(lambda: audit.history("account", account_id), show, self.show_failure, label="history")

    def _first_id(self) -> int | None:
        first = self.accounts_model.account(0)
        return first.id if first is not None else None

    def _show_count(self) -> None:
        shown = self.accounts_model.rowCount()
        total = len(self.accounts_model.all_accounts())
        self.count_label.setText(f"{shown} 件" if shown == total else f"{shown} 件(全 {total} 件)")

    def _on_filter_changed(self) -> None:
        status = self.status_combo.currentData()
        current = self.selected_account()
        self._syncing = True
        try:
            self.accounts_model.set_status_filter(AccountStatus(status) if isinstance(status, str) else None)
            keep = current.id if current is not None and self.accounts_model.row_of(current.id) is not None else None
            self.select_account(keep if keep is not None else self._first_id())
        finally:
            self._syncing = False
        self._show_count()
        after = self.selected_account()
        if (after.id if after else None) != (current.id if current else None):
            self._load_selected()

    @Slot(QModelIndex, QModelIndex)
    def _on_account_changed(
        self, _current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if not self._syncing:
            self._load_selected()

    def _load_selected(self) -> None:
        account = self.selected_account()
        if account is None:
            self._stash()
            self._show_account(None)
            return
        self.load_account(account.id)

    def _stash(self) -> None:
        """Keep the unsaved text of the account shown before another one replaces it."""
        if self._snapshot is not None and self.is_modified():
            self._unsaved[self._snapshot.account.id] = self.editor.policy()

    def load_account(self, account_id: int, version: int | None = None) -> None:
        """Load an account (its newest version, or ``version``) and show it on the right."""
        self._load_serial += 1
        serial = self._load_serial
        service = self.service
        self.ops.run(
            lambda: load_account(service, account_id, version),
            lambda snapshot: self._apply_snapshot(serial, snapshot, replace_text=version is not None),
            self.show_failure,
            label="account",
        )

    def _apply_snapshot(self, serial: int, snapshot: AccountSnapshot, *, replace_text: bool = False) -> None:
        if serial != self._load_serial:
            return  # another account was chosen meanwhile
        previous = self._snapshot
        same = previous is not None and previous.account.id == snapshot.account.id
        if same and not replace_text and self.is_modified():
            text = self.editor.policy()  # reloaded after a step: keep what is being typed
        else:
            if not same:
                self._stash()
            kept = self._unsaved.pop(snapshot.account.id, None)
            text = kept if kept is not None and not replace_text else snapshot.policy
        self._snapshot = snapshot
        self._show_account(snapshot.account, snapshot)
        published_on, revised_on = editions(snapshot.versions)
        if same and text == self.editor.policy() and previous is not None and previous.facts == snapshot.facts:
            self.editor.set_editions(published_on, revised_on)
            self.editor.update_preview()
        else:
            self.editor.set_policy(text, snapshot.facts, published_on=published_on, revised_on=revised_on)
        self.editor.set_read_only(snapshot.account.status is AccountStatus.CLOSED)
        self._show_versions(snapshot)
        self._update_actions()
        self.accountLoaded.emit(snapshot)

    def _show_account(self, account: Account | None, snapshot: AccountSnapshot | None = None) -> None:
        self.placeholder.setVisible(account is None)
        self.editor.setVisible(account is not None)
        if account is None:
            self._snapshot = None
            self.editor.clear()
            self.versions_list.clear()
            self.policy_heading.setText("")
            self.shown_label.setText("")
            for value_label in self.detail_labels.values():
                value_label.setText("")
            self.detail_box.setTitle("選んだアカウント")
            self._update_actions()
            return
        self.detail_box.setTitle(f"選んだアカウント: {account.name}")
        self.policy_heading.setText(f"{account.display_name or account.name} の利用方針")
        published = None
        if snapshot is not None:
            published = max(
                (v for v in snapshot.versions if v.status is PolicyStatus.PUBLISHED and v.published_on is not None),
                key=lambda v: (v.published_on or dt.date.min, v.version),
                default=None,
            )
        for label, value in [*fact_rows(account), *lifecycle_rows(account, published)]:
            self.detail_labels[label].setText(value.strip() or EMPTY_VALUE)

    def _show_versions(self, snapshot: AccountSnapshot) -> None:
        self.versions_list.blockSignals(True)
        try:
            self.versions_list.clear()
            for version in snapshot.versions:
                item = QListWidgetItem(version_text(version))
                item.setData(VERSION_ROLE, version.version)
                item.setToolTip(version_tooltip(version))
                if snapshot.shown is not None and version.version == snapshot.shown.version:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                    item.setText(f"{item.text()}(表示中)")
                self.versions_list.addItem(item)
                if snapshot.shown is not None and version.version == snapshot.shown.version:
                    item.setSelected(True)
                    self.versions_list.setCurrentItem(item)
            if not snapshot.versions:
                empty = QListWidgetItem("まだ保存された版はありません")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                self.versions_list.addItem(empty)
        finally:
            self.versions_list.blockSignals(False)

    def _update_actions(self) -> None:
        can = self.allowed()
        pairs = (
            (self.request_action, can.request),
            (self.approve_action, can.approve),
            (self.reject_action, can.reject),
            (self.start_action, can.start),
            (self.suspend_action, can.suspend),
            (self.close_account_action, can.close),
            (self.edit_facts_action, can.edit_facts),
            (self.save_policy_action, can.save_policy),
            (self.approve_policy_action, can.approve_policy),
            (self.publish_policy_action, can.publish_policy),
        )
        for action, enabled in pairs:
            action.setEnabled(enabled)
        self.request_document_action.setEnabled(self._current() is not None)
        self.history_action.setEnabled(self._current() is not None)
        self.save_button.setEnabled(can.save_policy)
        self.approve_policy_button.setEnabled(can.approve_policy)
        self.publish_button.setEnabled(can.publish_policy)
        snapshot = self._snapshot
        can_diff = snapshot is not None and bool(snapshot.versions) and len(self.selected_versions()) <= 2
        self.diff_action.setEnabled(can_diff)
        self.diff_button.setEnabled(can_diff)
        if snapshot is not None:
            self.shown_label.setText(shown_text(snapshot, self.is_modified()))
            shown = snapshot.shown
            if shown is not None:
                self.approve_policy_button.setToolTip(
                    f"第{shown.version}版を承認します(エラーが残っていると承認できません)"
                )
                self.publish_button.setToolTip(f"第{shown.version}版を公表した日を記録します")

    def _on_edited(self) -> None:
        self._update_actions()

    # == validation ===================================================================================================

    @Slot(object)
    def _validate(self, policy: Policy) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        self._validate_serial += 1
        serial = self._validate_serial
        account_id = snapshot.account.id
        service = self.service

        def work() -> list[ValidationProblem] | None:
            if serial != self._validate_serial:
                return None  # a newer text is waiting: skip this one
            return service.validate(account_id, policy)

        def done(problems: list[ValidationProblem] | None) -> None:
            current = self._snapshot
            if problems is None or current is None or current.account.id != account_id:
                return
            self.editor.show_problems(policy, problems)

        def failed(exc: Exception) -> None:
            _title, message = error_text(exc)
            self.editor.problems_label.setText(f"確認できませんでした: {message}")
            self.statusBar().showMessage("利用方針を確認できませんでした", 10_000)

        self.ops.run(work, done, failed, label="validate")

    # == the lifecycle ================================================================================================

    def _current(self) -> Account | None:
        return self._snapshot.account if self._snapshot is not None else self.selected_account()

    def _step(self, label: str, work: Callable[[], Account], done: Callable[[Account], str]) -> None:
        """Run one registry step; on success report it, then reload the registry with that account chosen."""

        def succeeded(account: Account) -> None:
            self.statusBar().showMessage(done(account), 15_000)
            self._want_account = account.id
            self.accountChanged.emit(account)
            self.refresh()

        self.ops.run(work, succeeded, self.show_failure, label=label)

    @Slot()
    def request_account(self) -> None:
        """開設を申請…: the form, then the request (第4条第2項)."""
        facts = AccountFormDialog.ask(self, "アカウント開設の申請", "申請する", self._request_draft, requesting=True)
        if facts is None:
            return
        self._request_draft = facts
        service = self.service

        def requested(account: Account) -> str:
            self._request_draft = None
            return f"「{account.name}」の開設を申請しました。運用管理者の承認を待ちます"

        self._step("request", lambda: service.request(facts), requested)

    @Slot()
    def approve_account(self) -> None:
        account = self._current()
        if account is None:
            return
        answer = ApproveAccountDialog.ask(self, account.name, self._today())
        if answer is None:
            return
        service, account_id = self.service, account.id
        self._step(
            "approve",
            lambda: service.approve(account_id, answer.number, answer.on),
            lambda a: (
                f"「{a.name}」の開設を承認しました({a.approval_number})。利用方針を定めて公表すると運用を始められます"
            ),
        )

    def _with_reason(self, kind: str, call: Callable[[int, str], Account], done: str) -> None:
        account = self._current()
        if account is None:
            return
        reason = AccountReasonDialog.ask(self, kind, account.name)
        if reason is None:
            return
        account_id = account.id
        self._step(kind, lambda: call(account_id, reason), lambda a: f"「{a.name}」を{done}")

    @Slot()
    def reject_account(self) -> None:
        self._with_reason("reject", self.service.reject, "不承認にしました")

    @Slot()
    def suspend_account(self) -> None:
        self._with_reason("suspend", self.service.suspend, "休止しました")

    @Slot()
    def close_account(self) -> None:
        self._with_reason("close", self.service.close, "廃止しました")

    @Slot()
    def start_operation(self) -> None:
        account = self._current()
        if account is None:
            return
        service, account_id = self.service, account.id
        self._step(
            "start",
            lambda: service.start_operation(account_id),
            lambda a: f"「{a.name}」の運用を開始しました。投稿案の投稿先に選べます",
        )

    @Slot()
    def edit_facts(self) -> None:
        account = self._current()
        if account is None:
            return
        facts = AccountFormDialog.ask(
            self, f"登録情報の編集 — {account.name}", "保存", facts_input(account), requesting=False
        )
        if facts is None:
            return
        service, account_id = self.service, account.id
        self._step(
            "facts", lambda: service.update_facts(account_id, facts), lambda a: f"「{a.name}」の登録情報を保存しました"
        )

    @Slot()
    def show_request_document(self) -> None:
        """申請書を表示…: the request (開設申請書) with the policy on screen as its annex."""
        snapshot = self._snapshot
        if snapshot is None:
            return
        account, policy = snapshot.account, self.editor.policy()
        label = PLATFORM_LABELS.get(account.platform, "")

        def show(document: str) -> None:
            file_name = "開設申請書_" + "".join("_" if c in '\\/:*?"<>|' else c for c in account.name) + ".html"
            HtmlDocumentDialog.ask(self, f"開設申請書 — {account.name}", document, file_name)

        self.ops.run(
            lambda: request_document_html(account, policy=policy, platform_label=label),
            show,
            self.show_failure,
            label="request document",
        )

    # == the policy ===================================================================================================

    def _after_version(self, message: str) -> Callable[[PolicyVersion], None]:
        def done(version: PolicyVersion) -> None:
            self.statusBar().showMessage(message.format(n=version.version), 15_000)
            self.versionChanged.emit(version)
            self.refresh()

        return done

    @Slot()
    def save_policy(self) -> None:
        """保存(新しい版): the text on screen becomes the account's newest version."""
        snapshot = self._snapshot
        if snapshot is None or not self.allowed().save_policy:
            return
        policy = self.editor.policy()
        service, account_id = self.service, snapshot.account.id

        def saved(version: PolicyVersion) -> None:
            self._unsaved.pop(account_id, None)
            self.statusBar().showMessage(f"利用方針を第{version.version}版として保存しました", 15_000)
            self.policySaved.emit(version)
            self._want_account = account_id
            self.refresh()

        self.ops.run(lambda: service.save_policy(account_id, policy), saved, self.show_failure, label="save policy")

    @Slot()
    def approve_policy(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or snapshot.shown is None:
            return
        service, account_id, number = self.service, snapshot.account.id, snapshot.shown.version
        self.ops.run(
            lambda: service.approve_policy(account_id, number),
            self._after_version("利用方針の第{n}版を承認しました。公表したら「公表を記録…」で日付を記録します"),
            self.show_failure,
            label="approve policy",
        )

    @Slot()
    def publish_policy(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or snapshot.shown is None:
            return
        number = snapshot.shown.version
        day = PublishDialog.ask(self, f"利用方針の第{number}版", self._today())
        if day is None:
            return
        service, account_id = self.service, snapshot.account.id
        follow = (
            "。「運用開始」で運用を始められます"
            if snapshot.account.status in (AccountStatus.APPROVED, AccountStatus.SUSPENDED)
            else ""
        )
        self.ops.run(
            lambda: service.publish_policy(account_id, number, day),
            self._after_version(f"利用方針の第{{n}}版を{date_text(day)}に公表したと記録しました{follow}"),
            self.show_failure,
            label="publish policy",
        )

    def open_version(self, number: int) -> None:
        """Show version ``number`` in the editor (unsaved changes are dropped after asking)."""
        snapshot = self._snapshot
        if snapshot is None:
            return
        if self.is_modified():
            answer = ConfirmDialog.ask(
                self,
                "版を開く",
                f"保存していない変更があります。変更を破棄して第{number}版を開きますか?",
                "破棄して開く",
            )
            if not answer:
                return
        self.load_account(snapshot.account.id, number)

    def _on_version_activated(self, item: QListWidgetItem) -> None:
        number = item.data(VERSION_ROLE)
        if number is not None:
            self.open_version(int(number))

    @Slot()
    def show_diff(self) -> None:
        """差分…: two chosen versions, or one (default: the one shown) with the text being typed."""
        snapshot = self._snapshot
        if snapshot is None or not snapshot.versions:
            return
        chosen = self.selected_versions()
        if len(chosen) > 2:
            MessageDialog.ask(self, "差分", "比べる版を2つまで選んでください。", "information")
            return
        versions = [v for n in chosen if (v := snapshot.version(n)) is not None]
        if len(versions) == 2:
            old, new = versions
            old_policy, new_policy = old.policy, new.policy
            old_label, new_label = f"第{old.version}版", f"第{new.version}版"
        else:
            base = versions[0] if versions else (snapshot.shown or snapshot.versions[0])
            old_policy, new_policy = base.policy, self.editor.policy()
            old_label, new_label = f"第{base.version}版", CURRENT_TEXT_LABEL
        diffs = diff_policies(old_policy, new_policy)
        title = f"利用方針の差分 — {snapshot.account.name}({old_label} → {new_label})"
        PolicyDiffDialog.ask(self, title, diffs, old_label, new_label)

    # == failures and closing =========================================================================================

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides the window (the desk may show it again); the text being typed stays in it."""
        self.save_layout(self.splitter)
        super().closeEvent(event)
