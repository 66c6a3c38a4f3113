"""The 職員と役割 list, and which of its buttons a person may press.

The table shows the :class:`StaffMember` values of :class:`~sns_desk.services.people.PeopleService`.
Whether a button is enabled is asked of the core's own checks (:mod:`sns_desk.core.people`): the
reason they would refuse with is the disabled button's tooltip. The service decides in the end,
and its refusal is what the user reads when the list on screen is out of date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..core import people as rules
from ..core.people import PeopleError, Person, Role
from ..services.people import StaffMember
from .flat_rows import FlatRows

_Index = QModelIndex | QPersistentModelIndex

MEMBER_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""The row's :class:`StaffMember` (any column)."""

HEADERS: Final = ("ログイン名", "氏名", "所属", "役割", "管理するアカウント", "状態")
COLUMN_LOGIN: Final = 0
COLUMN_NAME: Final = 1
COLUMN_DEPARTMENT: Final = 2
COLUMN_ROLE: Final = 3
COLUMN_ACCOUNTS: Final = 4
COLUMN_STATE: Final = 5

ACTIVE_TEXT: Final = "有効"
INACTIVE_TEXT: Final = "無効"
INACTIVE_COLOR: Final = "#8a8a8a"
ROLE_COLORS: Final[dict[Role, str]] = {
    Role.OPERATIONS_MANAGER: "#1e5fb4",
    Role.ACCOUNT_MANAGER: "#2e7d32",
    Role.DRAFTER: "#333333",
}
NO_SELECTION: Final = "一覧から職員を選んでください"


def accounts_text(member: StaffMember) -> str:
    return "、".join(member.accounts)


class StaffModel(FlatRows, QAbstractTableModel):
    """One row per person: active first, then by login (the service's order)."""

    headers = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StaffMember] = []

    def row_total(self) -> int:
        return len(self._rows)

    def set_staff(self, staff: Sequence[StaffMember]) -> None:
        self.beginResetModel()
        self._rows = list(staff)
        self.endResetModel()

    def staff(self) -> list[StaffMember]:
        return list(self._rows)

    def member(self, row: int) -> StaffMember | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, login: str | None) -> int | None:
        return next((i for i, m in enumerate(self._rows) if m.person.login == login), None)

    def active_operations_managers(self) -> int:
        return sum(1 for m in self._rows if m.person.active and m.person.role is Role.OPERATIONS_MANAGER)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        member = self._rows[index.row()]
        person = member.person
        column = index.column()
        if role == MEMBER_ROLE:
            return member
        text = self._display(member, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ForegroundRole:
            if not person.active:
                return QColor(INACTIVE_COLOR)
            if column == COLUMN_ROLE:
                return QColor(ROLE_COLORS[person.role])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COLUMN_STATE and not person.active:
                return "無効にされています。操作はできませんが、履歴には残ります"
            return text or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[column]}: {text}"
        return None

    @staticmethod
    def _display(member: StaffMember, column: int) -> str:
        person = member.person
        return {
            COLUMN_LOGIN: person.login,
            COLUMN_NAME: person.display_name,
            COLUMN_DEPARTMENT: person.department,
            COLUMN_ROLE: person.role.label,
            COLUMN_ACCOUNTS: accounts_text(member),
            COLUMN_STATE: ACTIVE_TEXT if person.active else INACTIVE_TEXT,
        }.get(column, "")


# == who may press what =====================================================================================


def _refusal(check: Callable[[], None]) -> str | None:
    """The message a core check refuses with, or None when it lets the step through."""
    try:
        check()
    except PeopleError as exc:
        return exc.message
    return None


@dataclass(frozen=True, slots=True)
class PeopleAllowed:
    """Why each of the window's buttons is disabled (None: enabled)."""

    add: str | None
    set_role: str | None
    deactivate: str | None


def people_allowed(me: Person | None, member: StaffMember | None, active_operations_managers: int) -> PeopleAllowed:
    """What ``me`` may do in the list, with ``member`` chosen (the core's own checks, as reasons)."""
    if me is None:
        loading = "職員の一覧を読み込んでいます"
        return PeopleAllowed(loading, loading, loading)
    manage = _refusal(lambda: rules.require_people_manager(me))
    if manage is not None:
        return PeopleAllowed(manage, manage, manage)
    if member is None:
        return PeopleAllowed(None, NO_SELECTION, NO_SELECTION)
    target = member.person
    # Asked with the role the person has: whether the last operations manager may give theirs up
    # depends on the role chosen, and is the service's to refuse.
    role = _refusal(lambda: rules.check_role_change(me, target, target.role, active_operations_managers))
    deactivate = _refusal(lambda: rules.check_deactivation(me, target, active_operations_managers))
    return PeopleAllowed(None, role, deactivate)
