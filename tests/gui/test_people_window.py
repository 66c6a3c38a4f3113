"""The 職員と役割 window over a real SQLite database: the list, the operations manager's changes, refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from sns_desk.core.people import Person, Role
from sns_desk.gui.dialogs import ConfirmDialog, HistoryDialog
from sns_desk.gui.people_dialogs import AddPersonDialog, NewPersonAnswer, RoleDialog
from sns_desk.gui.people_model import (
    COLUMN_ACCOUNTS,
    COLUMN_ROLE,
    COLUMN_STATE,
    HEADERS,
    INACTIVE_COLOR,
    StaffModel,
    people_allowed,
)
from sns_desk.gui.people_window import READ_ONLY_NOTE, WINDOW_TITLE, PeopleWindow
from sns_desk.services.audit import AuditService, HistoryEntry
from sns_desk.services.people import PeopleService, StaffMember

from .conftest import ACCOUNT_MANAGER, DRAFTER, OPS_MANAGER, SIGNAL_TIMEOUT_MS, Desk, Messages, OpenDesk

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen notes

MANAGE_ONLY = "職員の登録と役割の変更ができるのは運用管理者だけです"
LAST_MANAGER_ROLE = (
    "運用管理者が一人もいなくなるため、最後の運用管理者の役割は外せません。先に別の人を運用管理者にしてください"
)
LAST_MANAGER_DEACTIVATION = "最後の運用管理者は無効にできません。先に別の人を運用管理者にしてください"
YAMADA = NewPersonAnswer("yamada", "山田 花子", "観光振興課", Role.DRAFTER)

OpenPeople = Callable[[str], PeopleWindow]


@pytest.fixture
def open_people(qtbot: QtBot, desk: Desk, tmp_path: Path) -> Iterator[OpenPeople]:
    """``open_people(login)``: a shown 職員と役割 window for that user, its list loaded."""
    windows: list[PeopleWindow] = []

    def make(login: str) -> PeopleWindow:
        settings = QSettings(str(tmp_path / f"people-{login}.ini"), QSettings.Format.IniFormat)
        window = PeopleWindow(PeopleService(desk.database, login), audit=AuditService(desk.database), settings=settings)
        windows.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.snapshot is not None and not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
        return window

    yield make
    for window in windows:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def answer(monkeypatch: pytest.MonkeyPatch, dialog: type, value: object) -> list[tuple[Any, ...]]:
    """Make ``dialog.ask`` return ``value``; returns the arguments of each call (after the parent)."""
    calls: list[tuple[Any, ...]] = []

    def ask(_cls: object, _parent: object, *args: Any) -> object:
        calls.append(args)
        return value

    monkeypatch.setattr(dialog, "ask", classmethod(ask))
    return calls


def rows(window: PeopleWindow) -> list[list[str]]:
    model = window.model
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def row(window: PeopleWindow, login: str) -> list[str]:
    return next(r for r in rows(window) if r[0] == login)


def choose(window: PeopleWindow, login: str) -> None:
    window.select(login)
    selected = window.selected()
    assert selected is not None and selected.person.login == login


def step(qtbot: QtBot, window: PeopleWindow, trigger: Callable[[], object]) -> None:
    """Press a button whose call ends in a reload, and wait until the list is shown again."""
    with qtbot.waitSignal(window.staffLoaded, timeout=SIGNAL_TIMEOUT_MS):
        trigger()
    qtbot.waitUntil(lambda: not window.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)


def state(window: PeopleWindow, name: str) -> tuple[bool, str]:
    action = getattr(window, f"{name}_action")
    return action.isEnabled(), action.toolTip()


# -- the list ------------------------------------------------------------------------------------------


def test_everyone_is_listed_with_role_accounts_and_state(open_people: OpenPeople) -> None:
    window = open_people(OPS_MANAGER)
    assert window.windowTitle() == WINDOW_TITLE == "sns_desk — 職員と役割"
    assert [window.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))] == [
        "ログイン名",
        "氏名",
        "所属",
        "役割",
        "管理するアカウント",
        "状態",
    ]
    assert row(window, ACCOUNT_MANAGER)[COLUMN_ROLE:] == ["アカウント管理者", "東広島市広報、東広島市観光", "有効"]
    assert row(window, DRAFTER)[COLUMN_ROLE:] == ["起案者", "", "有効"]
    assert row(window, OPS_MANAGER)[COLUMN_ROLE] == "運用管理者"
    assert window.count_label.text() == "3 人"
    assert window.me_label.text() == "利用者: tanaka(運用管理者)"
    assert not window.read_only_label.isVisible()
    assert state(window, "add") == (True, "職員を登録します(ログイン名・氏名・所属・役割)(Ctrl+N)")
    assert state(window, "role") == (False, "一覧から職員を選んでください")


def test_staff_who_are_not_the_operations_manager_only_read_and_are_told_why(
    qtbot: QtBot, open_people: OpenPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(DRAFTER)
    assert len(rows(window)) == 3
    assert window.read_only_label.isVisible() and window.read_only_label.text() == READ_ONLY_NOTE
    choose(window, ACCOUNT_MANAGER)
    for name in ("add", "role", "deactivate"):
        action = getattr(window, f"{name}_action")
        assert (action.isEnabled(), action.toolTip(), action.statusTip()) == (False, MANAGE_ONLY, MANAGE_ONLY), name
        button = window.toolbar.widgetForAction(action)
        assert button is not None and not button.isEnabled() and button.toolTip() == MANAGE_ONLY
    asked = answer(monkeypatch, AddPersonDialog, YAMADA)
    window.add_action.trigger()
    window.add_person()
    assert asked == [] and not window.ops.is_busy
    assert state(window, "history")[0]  # reading the history is for everyone


def test_the_operations_manager_adds_a_person(
    qtbot: QtBot, open_people: OpenPeople, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(OPS_MANAGER)
    asked = answer(monkeypatch, AddPersonDialog, YAMADA)
    with qtbot.waitSignal(window.personChanged, timeout=SIGNAL_TIMEOUT_MS) as changed:
        step(qtbot, window, window.add_action.trigger)
    assert asked == [(None,)]  # an empty form
    person = changed.args[0]
    assert isinstance(person, Person) and (person.login, person.role) == ("yamada", Role.DRAFTER)
    assert row(window, "yamada") == ["yamada", "山田 花子", "観光振興課", "起案者", "", "有効"]
    chosen = window.selected()
    assert chosen is not None and chosen.person.login == "yamada"  # the new person is chosen
    assert window.statusBar().currentMessage() == "山田 花子(yamada)を起案者として登録しました"
    stored = {m.person.login: m.person for m in PeopleService(desk.database, OPS_MANAGER).staff()}
    assert stored["yamada"].department == "観光振興課"


def test_a_refused_entry_is_shown_and_offered_again(
    qtbot: QtBot, open_people: OpenPeople, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(OPS_MANAGER)
    twice = NewPersonAnswer(DRAFTER, "鈴木 一郎", "広報戦略担当", Role.ACCOUNT_MANAGER)
    asked = answer(monkeypatch, AddPersonDialog, twice)
    failed: list[str] = []
    window.actionFailed.connect(failed.append)
    step(qtbot, window, window.add_action.trigger)
    assert failed == ["「suzuki」は登録済みです"]
    assert messages.shown == [("職員を追加できません", "「suzuki」は登録済みです", "warning")]
    assert row(window, DRAFTER)[COLUMN_ROLE] == "起案者"  # unchanged

    answer_again = answer(monkeypatch, AddPersonDialog, None)
    window.add_action.trigger()
    assert asked == [(None,)] and answer_again == [(twice,)]  # what was typed comes back


def test_the_operations_manager_changes_a_role(
    qtbot: QtBot, open_people: OpenPeople, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(OPS_MANAGER)
    choose(window, DRAFTER)
    assert state(window, "role")[0]
    asked = answer(monkeypatch, RoleDialog, Role.ACCOUNT_MANAGER)
    step(qtbot, window, window.role_action.trigger)
    (person,), *_ = asked
    assert isinstance(person, Person) and person.login == DRAFTER
    assert row(window, DRAFTER)[COLUMN_ROLE] == "アカウント管理者"
    assert PeopleService(desk.database, DRAFTER).me().role is Role.ACCOUNT_MANAGER


def test_the_last_operations_manager_keeps_the_role_and_the_refusal_is_shown(
    qtbot: QtBot, open_people: OpenPeople, desk: Desk, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(OPS_MANAGER)
    choose(window, OPS_MANAGER)
    assert state(window, "role")[0]  # the role depends on the choice: the service decides
    assert state(window, "deactivate") == (False, LAST_MANAGER_DEACTIVATION)
    answer(monkeypatch, RoleDialog, Role.DRAFTER)
    step(qtbot, window, window.role_action.trigger)
    assert messages.shown == [("役割を変更できません", LAST_MANAGER_ROLE, "warning")]
    assert row(window, OPS_MANAGER)[COLUMN_ROLE] == "運用管理者"
    assert PeopleService(desk.database, OPS_MANAGER).me().role is Role.OPERATIONS_MANAGER


def test_deactivating_asks_first_and_the_person_stays_in_the_list(
    qtbot: QtBot, open_people: OpenPeople, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(OPS_MANAGER)
    choose(window, ACCOUNT_MANAGER)
    asked = answer(monkeypatch, ConfirmDialog, None)  # キャンセル
    window.deactivate_action.trigger()
    assert len(asked) == 1 and not window.ops.is_busy
    title, text, yes = asked[0]
    assert (title, yes) == ("無効にする", "無効にする")
    assert "東広島市広報、東広島市観光" in text  # the accounts that need another manager
    assert row(window, ACCOUNT_MANAGER)[COLUMN_STATE] == "有効"

    answer(monkeypatch, ConfirmDialog, True)
    step(qtbot, window, window.deactivate_action.trigger)
    assert row(window, ACCOUNT_MANAGER)[COLUMN_STATE] == "無効"
    assert rows(window)[-1][0] == ACCOUNT_MANAGER  # the active first
    assert window.count_label.text() == "有効 2 人(全 3 人)"
    choose(window, ACCOUNT_MANAGER)
    assert state(window, "deactivate") == (False, "「kacho」は既に無効です")
    assert state(window, "role") == (False, "「kacho」は無効にされています。役割は変更できません")
    model = window.model
    foreground = model.data(
        model.index(model.row_of(ACCOUNT_MANAGER) or 0, COLUMN_ACCOUNTS), Qt.ItemDataRole.ForegroundRole
    )
    assert foreground == QColor(INACTIVE_COLOR)
    assert not any(
        m.person.active for m in PeopleService(desk.database, OPS_MANAGER).staff() if m.person.login == ACCOUNT_MANAGER
    )


def test_a_persons_history_comes_from_the_audit_trail(
    qtbot: QtBot, open_people: OpenPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_people(DRAFTER)
    choose(window, ACCOUNT_MANAGER)
    shown: list[tuple[str, list[HistoryEntry]]] = []
    monkeypatch.setattr(
        HistoryDialog, "ask", classmethod(lambda _cls, _parent, subject, entries: shown.append((subject, entries)))
    )
    with qtbot.waitSignal(window.ops.finished, timeout=SIGNAL_TIMEOUT_MS):
        window.history_action.trigger()
    ((subject, entries),) = shown
    assert subject == ACCOUNT_MANAGER  # registered by login only: the name is the login
    assert [(e.actor, e.label) for e in entries] == [(OPS_MANAGER, "役割を変更")]
    assert "account_manager" in entries[0].details


def test_a_change_of_my_own_role_reaches_the_desk(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    PeopleService(desk.database, OPS_MANAGER).set_role(ACCOUNT_MANAGER, Role.OPERATIONS_MANAGER)
    window = open_desk(OPS_MANAGER)
    people = window.open_people()
    assert people is not None
    qtbot.waitUntil(lambda: people.snapshot is not None and not people.ops.is_busy, timeout=SIGNAL_TIMEOUT_MS)
    choose(people, OPS_MANAGER)
    answer(monkeypatch, RoleDialog, Role.ACCOUNT_MANAGER)
    with qtbot.waitSignal(window.refreshed, timeout=SIGNAL_TIMEOUT_MS):
        people.role_action.trigger()
    assert window.user_label.text() == "利用者: tanaka(アカウント管理者)"
    qtbot.waitUntil(lambda: people.read_only_label.isVisible(), timeout=SIGNAL_TIMEOUT_MS)  # no longer mine


# -- the model and the rules, alone ------------------------------------------------------------------------


def member(login: str, role: Role, active: bool = True, accounts: tuple[str, ...] = ()) -> StaffMember:
    return StaffMember(Person(login, login, role, "", active), accounts, dt.datetime(2026, 4, 1, tzinfo=dt.UTC))


def test_people_allowed_asks_the_core() -> None:
    ops = Person(OPS_MANAGER, "田中", Role.OPERATIONS_MANAGER)
    loading = people_allowed(None, None, 1)
    assert loading.add == loading.set_role == loading.deactivate == "職員の一覧を読み込んでいます"
    assert people_allowed(ops, None, 1).add is None
    assert people_allowed(ops, member(DRAFTER, Role.DRAFTER), 1).deactivate is None
    assert people_allowed(ops, member(OPS_MANAGER, Role.OPERATIONS_MANAGER), 1).deactivate == LAST_MANAGER_DEACTIVATION
    assert people_allowed(ops, member(OPS_MANAGER, Role.OPERATIONS_MANAGER), 2).deactivate is None
    inactive_ops = Person(OPS_MANAGER, "田中", Role.OPERATIONS_MANAGER, active=False)
    assert people_allowed(inactive_ops, member(DRAFTER, Role.DRAFTER), 1).add == MANAGE_ONLY


def test_the_model_greys_out_the_inactive_and_explains_their_state() -> None:
    model = StaffModel()
    model.set_staff([member(DRAFTER, Role.DRAFTER), member("sato", Role.ACCOUNT_MANAGER, active=False)])
    assert model.active_operations_managers() == 0
    gone = model.index(1, COLUMN_STATE)
    assert model.data(gone) == "無効"
    assert model.data(gone, Qt.ItemDataRole.ForegroundRole) == QColor(INACTIVE_COLOR)
    assert "履歴には残ります" in str(model.data(gone, Qt.ItemDataRole.ToolTipRole))
    assert model.data(model.index(0, COLUMN_STATE), Qt.ItemDataRole.ForegroundRole) is None
    assert model.row_of("sato") == 1 and model.row_of("nobody") is None


def test_the_add_dialog_needs_a_login_and_a_name_and_can_start_from_a_refused_entry() -> None:
    dialog = AddPersonDialog(None)
    assert dialog.windowTitle() == "職員を追加" and not dialog.ok_button.isEnabled()
    assert dialog.role_combo.currentText() == "起案者"
    dialog.login_edit.setText("  yamada ")
    assert not dialog.ok_button.isEnabled()
    dialog.name_edit.setText(" 山田 花子 ")
    assert dialog.ok_button.isEnabled()
    dialog.department_edit.setText("観光振興課 ")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("アカウント管理者"))
    assert "所属長" in dialog.role_note.text()
    assert dialog.answer() == NewPersonAnswer("yamada", "山田 花子", "観光振興課", Role.ACCOUNT_MANAGER)
    dialog.deleteLater()

    again = AddPersonDialog(None, YAMADA)
    assert again.answer() == YAMADA and again.ok_button.isEnabled()
    again.deleteLater()


def test_the_role_dialog_waits_for_another_role() -> None:
    dialog = RoleDialog(None, Person(DRAFTER, "鈴木 一郎", Role.DRAFTER))
    assert dialog.windowTitle() == "役割を変更"
    assert dialog.role() is Role.DRAFTER and not dialog.ok_button.isEnabled()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findText("運用管理者"))
    assert dialog.role() is Role.OPERATIONS_MANAGER and dialog.ok_button.isEnabled()
    dialog.deleteLater()
