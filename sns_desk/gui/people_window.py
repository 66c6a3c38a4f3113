"""The 職員と役割 window: who uses the app, in which role, and which accounts they manage (第4条).

Everyone can read the list. The operations manager (運用管理者) registers staff (追加…), changes a
role (役割を変更…) and deactivates someone who has left (無効にする…, after a question); for anyone
else those buttons are greyed out and say why, and a line above the list says the same. Which
button is enabled is asked of the core's checks (:func:`~sns_desk.gui.people_model.people_allowed`);
the :class:`PeopleService` decides, and its refusal (the last operations manager keeps the role …)
is shown the app's one way, with the list reloaded. An entry that was refused is offered again the
next time 追加… opens, so nothing typed is lost.

Every call runs on the window's own :class:`OpRunner`; the window receives plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.people import Person, Role
from ..services.audit import AuditService, HistoryEntry
from ..services.people import PeopleService, StaffMember
from .dialogs import ConfirmDialog, HistoryDialog
from .ops import OpRunner
from .people_dialogs import ROLE_NOTES, AddPersonDialog, NewPersonAnswer, RoleDialog
from .people_model import (
    COLUMN_ACCOUNTS,
    COLUMN_DEPARTMENT,
    COLUMN_LOGIN,
    COLUMN_NAME,
    COLUMN_ROLE,
    COLUMN_STATE,
    NO_SELECTION,
    PeopleAllowed,
    StaffModel,
    people_allowed,
)
from .window import AppWindow, set_allowed

WINDOW_TITLE: Final = "sns_desk — 職員と役割"
READ_ONLY_NOTE: Final = "職員の登録と役割の変更ができるのは運用管理者だけです。この一覧は見ることだけできます。"
WATCHED_TABLES: Final = frozenset({"users", "accounts"})
"""Another terminal's changes that alter the list."""


@dataclass(frozen=True, slots=True)
class PeopleSnapshot:
    me: Person
    staff: tuple[StaffMember, ...]


def load_people(service: PeopleService) -> PeopleSnapshot:
    return PeopleSnapshot(service.me(), tuple(service.staff()))


def person_label(person: Person) -> str:
    """「鈴木 太郎(suzuki)」."""
    return f"{person.display_name}({person.login})" if person.display_name != person.login else person.login


class PeopleWindow(AppWindow):
    """The staff and their roles, for one user (the service's login)."""

    staffLoaded = Signal(object)
    """A :class:`PeopleSnapshot` is shown."""
    personChanged = Signal(object)
    """A person was added, given a role or deactivated; the argument is the :class:`Person` after it."""

    def __init__(
        self,
        service: PeopleService,
        *,
        audit: AuditService | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("people", settings, parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.service = service
        self._audit = audit
        self._snapshot: PeopleSnapshot | None = None
        self._want_login: str | None = None
        """The person to choose once the next list is shown (e.g. the one just added)."""
        self._add_draft: NewPersonAnswer | None = None
        """The last entry the service refused, offered again the next time 追加… opens."""
        self._syncing = False

        self.ops = OpRunner(self)
        self.ops.unhandledError.connect(self.show_failure)
        self.ops.busyChanged.connect(lambda _busy: self._update_actions())

        self._build_actions()
        self._build_body()
        self._build_menus_and_toolbar()
        self.me_label = QLabel("")
        self.me_label.setAccessibleName("利用者")
        self.statusBar().addPermanentWidget(self.me_label)
        self.resize(1100, 640)
        self.restore_layout()
        self._update_actions()
        self.refresh()

    # == construction =================================================================================================

    def _build_actions(self) -> None:
        def a(label: str, slot: Callable[[], object], tip: str, shortcut: str | None = None) -> QAction:
            return self.make_action(label, slot, shortcut, tip)

        self.add_action = a("追加(&N)…", self.add_person, "職員を登録します(ログイン名・氏名・所属・役割)", "Ctrl+N")
        self.role_action = a("役割を変更(&R)…", self.change_role, "選んだ職員の役割を変更します")
        self.deactivate_action = a(
            "無効にする(&X)…", self.deactivate, "異動・退職した職員を無効にします(履歴には残ります)"
        )
        self.history_action = a("履歴(&H)…", self.show_history, "選んだ職員の登録と役割の変更の記録", "Ctrl+Shift+H")
        self.history_action.setVisible(self._audit is not None)
        self.refresh_action = a("更新(&U)", self.refresh, "一覧を読み込み直します", "F5")
        self.close_window_action = a("閉じる(&C)", self.close, "この画面を閉じます", "Ctrl+W")

    def _build_body(self) -> None:
        self.read_only_label = QLabel(READ_ONLY_NOTE)
        self.read_only_label.setObjectName("people_read_only")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet(
            "QLabel#people_read_only { background: #fff4e5; border: 1px solid #ffb74d; border-radius: 4px;"
            " padding: 4px 8px; }"
        )
        self.read_only_label.hide()

        self.model = StaffModel(self)
        view = QTableView()
        view.setObjectName("people_staff")
        view.setModel(self.model)
        view.setAccessibleName("職員の一覧")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        for column in (COLUMN_LOGIN, COLUMN_NAME, COLUMN_DEPARTMENT, COLUMN_ROLE, COLUMN_STATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_ACCOUNTS, QHeaderView.ResizeMode.Stretch)
        view.selectionModel().currentRowChanged.connect(self._on_row_changed)
        view.doubleClicked.connect(lambda _index: self.role_action.trigger())
        self.view = view

        self.count_label = QLabel("")
        top = QHBoxLayout()
        top.addWidget(
            QLabel(
                "運用管理者が職員を登録し、役割を決めます。アカウント管理者は台帳の各アカウントに記載された所属長です。"
            ),
            1,
        )
        top.addWidget(self.count_label)
        list_box = QGroupBox("職員")
        list_layout = QVBoxLayout(list_box)
        list_layout.addLayout(top)
        list_layout.addWidget(view, 1)

        roles_box = QGroupBox("役割")
        roles_layout = QVBoxLayout(roles_box)
        for role in (Role.OPERATIONS_MANAGER, Role.ACCOUNT_MANAGER, Role.DRAFTER):
            line = QLabel(f"<b>{role.label}</b>: {ROLE_NOTES[role]}")
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setWordWrap(True)
            roles_layout.addWidget(line)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.read_only_label)
        layout.addWidget(list_box, 1)
        layout.addWidget(roles_box)
        self.setCentralWidget(body)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("ファイル(&F)")
        file_menu.addAction(self.close_window_action)
        people_menu = bar.addMenu("職員(&P)")
        people_menu.addActions([self.add_action, self.role_action, self.deactivate_action])
        people_menu.addSeparator()
        people_menu.addAction(self.history_action)
        view_menu = bar.addMenu("表示(&V)")
        view_menu.addAction(self.refresh_action)

        groups = (
            (self.add_action, self.role_action, self.deactivate_action),
            (self.history_action, self.refresh_action),
        )
        self.toolbar = self.add_tool_bar("people", groups)

    # == state ========================================================================================================

    @property
    def me(self) -> Person | None:
        return self._snapshot.me if self._snapshot is not None else None

    @property
    def snapshot(self) -> PeopleSnapshot | None:
        return self._snapshot

    def selected(self) -> StaffMember | None:
        index = self.view.currentIndex()
        return self.model.member(index.row()) if index.isValid() else None

    def select(self, login: str | None) -> None:
        row = self.model.row_of(login)
        if row is None:
            self.view.setCurrentIndex(QModelIndex())
        else:
            self.view.selectRow(row)

    def allowed(self) -> PeopleAllowed:
        return people_allowed(self.me, self.selected(), self.model.active_operations_managers())

    def _update_actions(self) -> None:
        can = self.allowed()
        busy = "処理中です。終わるまでお待ちください" if self.ops.is_busy else None
        set_allowed(self.add_action, can.add or busy)
        set_allowed(self.role_action, can.set_role or busy)
        set_allowed(self.deactivate_action, can.deactivate or busy)
        set_allowed(self.history_action, NO_SELECTION if self.selected() is None else None)
        self.read_only_label.setVisible(self.me is not None and can.add is not None)

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(
        self, _current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if not self._syncing:
            self._update_actions()

    # == loading ======================================================================================================

    @Slot()
    def refresh(self) -> None:
        """Reload the list (the chosen person stays chosen)."""
        service = self.service
        self.ops.run(lambda: load_people(service), self._apply, self.show_failure, label="people")

    @Slot(object)
    def on_external_change(self, tables: object) -> None:
        """Another terminal changed people or accounts: reload while the window is shown."""
        if isinstance(tables, frozenset) and tables & WATCHED_TABLES and self.isVisible():
            self.refresh()

    def _apply(self, snapshot: PeopleSnapshot) -> None:
        chosen = self._want_login
        if chosen is None:
            current = self.selected()
            chosen = current.person.login if current is not None else None
        self._want_login = None
        self._snapshot = snapshot
        self._syncing = True
        try:
            self.model.set_staff(snapshot.staff)
            self.select(chosen)
        finally:
            self._syncing = False
        me = snapshot.me
        self.me_label.setText(f"利用者: {person_label(me)}({me.role.label})")
        active = sum(1 for m in snapshot.staff if m.person.active)
        total = len(snapshot.staff)
        self.count_label.setText(f"{active} 人" if active == total else f"有効 {active} 人(全 {total} 人)")
        self._update_actions()
        self.staffLoaded.emit(snapshot)

    # == steps ========================================================================================================

    def _step(
        self,
        label: str,
        work: Callable[[], Person],
        done: Callable[[Person], str],
        title: str,
        refused: Callable[[], None] | None = None,
    ) -> None:
        """Run one change; reload the list either way (the refusal may come from a list out of date)."""

        def succeeded(person: Person) -> None:
            self._want_login = person.login
            self.statusBar().showMessage(done(person), 10_000)
            self.refresh()
            self.personChanged.emit(person)

        def failed(exc: Exception) -> None:
            if refused is not None:
                refused()
            self.show_failure(exc, title)
            self.refresh()

        self.ops.run(work, succeeded, failed, label=label)

    @Slot()
    def add_person(self) -> None:
        """追加…: the form (prefilled with a refused entry), then the service registers the person."""
        if self.allowed().add is not None:
            return
        answer = AddPersonDialog.ask(self, self._add_draft)
        if answer is None:
            return
        service = self.service

        def done(person: Person) -> str:
            self._add_draft = None
            return f"{person_label(person)}を{person.role.label}として登録しました"

        def refused() -> None:
            self._add_draft = answer  # offered again the next time: nothing typed is lost

        self._step(
            "add",
            lambda: service.add(answer.login, answer.name, answer.department, answer.role),
            done,
            "職員を追加できません",
            refused,
        )

    @Slot()
    def change_role(self) -> None:
        member = self.selected()
        if member is None or self.allowed().set_role is not None:
            return
        role = RoleDialog.ask(self, member.person)
        if role is None:
            return
        service, login = self.service, member.person.login
        self._step(
            "set role",
            lambda: service.set_role(login, role),
            lambda person: f"{person_label(person)}の役割を{person.role.label}にしました",
            "役割を変更できません",
        )

    @Slot()
    def deactivate(self) -> None:
        member = self.selected()
        if member is None or self.allowed().deactivate is not None:
            return
        target = member.person
        managed = (
            f"\n\n管理しているアカウント: {'、'.join(member.accounts)}(台帳の管理者を別の人に変えてください)"
            if member.accounts
            else ""
        )
        answer = ConfirmDialog.ask(
            self,
            "無効にする",
            f"{person_label(target)}を無効にします。\n"
            f"無効にした人はこのアプリで操作できなくなります。これまでの投稿案や履歴には名前が残ります。{managed}",
            "無効にする",
        )
        if not answer:
            return
        service, login = self.service, target.login
        self._step(
            "deactivate",
            lambda: service.deactivate(login),
            lambda person: f"{person_label(person)}を無効にしました",
            "無効にできません",
        )

    @Slot()
    def show_history(self) -> None:
        member, audit = self.selected(), self._audit
        if member is None or audit is None:
            return
        login, subject = member.person.login, person_label(member.person)

        def show(entries: list[HistoryEntry]) -> None:
            HistoryDialog.ask(self, subject, entries)

        self.ops.run(lambda: audit.history("user", login), show, self.show_failure, label="history")

    # == closing ======================================================================================================

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides the window (the desk may show it again)."""
        self.save_layout()
        super().closeEvent(event)
