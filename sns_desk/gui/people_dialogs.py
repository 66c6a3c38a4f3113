"""The 職員と役割 window's dialogs: registering a person and changing a role.

Like :mod:`sns_desk.gui.dialogs`, each opens through a ``classmethod ask(...)`` that returns the
answer (None when cancelled), so that tests replace ``ask``. The dialogs only collect input; the
people service decides whether it is acceptable (a login with a space, the last operations manager …).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from ..core.people import MAX_DEPARTMENT, MAX_LOGIN, MAX_NAME, Person, Role
from .dialogs import _FormDialog, _run, _text_width

ROLE_NOTES: Final[dict[Role, str]] = {
    Role.DRAFTER: "投稿案を書き、承認を申請します。",
    Role.ACCOUNT_MANAGER: "所属長として、管理するアカウントの投稿案を承認し、利用方針を定めます(第4条第3項・第4項)。",
    Role.OPERATIONS_MANAGER: "職員と役割、アカウントの開設の承認、ルールブックを管理します(第4条第1項・第10条)。",
}


def role_combo(current: Role, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for role in (Role.DRAFTER, Role.ACCOUNT_MANAGER, Role.OPERATIONS_MANAGER):
        combo.addItem(role.label, role.value)  # Qt keeps a StrEnum as a plain str
        combo.setItemData(combo.count() - 1, ROLE_NOTES[role], Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(combo.findData(current.value))
    return combo


@dataclass(frozen=True, slots=True)
class NewPersonAnswer:
    login: str
    name: str
    department: str
    role: Role


class AddPersonDialog(_FormDialog):
    """職員を追加: login (the Windows sign-in or database user name), name, department and role."""

    def __init__(self, parent: QWidget | None, previous: NewPersonAnswer | None = None) -> None:
        super().__init__(parent, "職員を追加", "追加")
        given = previous or NewPersonAnswer("", "", "", Role.DRAFTER)
        self.login_edit = QLineEdit(given.login)
        self.login_edit.setAccessibleName("ログイン名")
        self.login_edit.setPlaceholderText("Windows のサインイン名(例: suzuki-t)")
        self.login_edit.setMaxLength(MAX_LOGIN)
        self.login_edit.setMinimumWidth(_text_width(self, 20))
        self.name_edit = QLineEdit(given.name)
        self.name_edit.setAccessibleName("氏名")
        self.name_edit.setPlaceholderText("例: 鈴木 太郎")
        self.name_edit.setMaxLength(MAX_NAME)
        self.department_edit = QLineEdit(given.department)
        self.department_edit.setAccessibleName("所属")
        self.department_edit.setPlaceholderText("例: 観光振興課")
        self.department_edit.setMaxLength(MAX_DEPARTMENT)
        self.role_combo = role_combo(given.role, "役割")
        self.role_note = QLabel()
        self.role_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("ログイン名(&L):", self.login_edit)
        form.addRow("氏名(&N):", self.name_edit)
        form.addRow("所属(&D):", self.department_edit)
        form.addRow("役割(&R):", self.role_combo)
        form.addRow("", self.role_note)
        self.layout_.addLayout(form)
        note = QLabel(
            "ログイン名は、その人がこのアプリを使うパソコンのサインイン名です。登録すると監査記録に残ります。"
        )
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        for edit in (self.login_edit, self.name_edit):
            edit.textChanged.connect(self.update_ok)
        self.role_combo.currentIndexChanged.connect(self._show_role_note)
        self._show_role_note()
        self.finish_layout()

    def _show_role_note(self) -> None:
        self.role_note.setText(ROLE_NOTES[Role(self.role_combo.currentData())])

    def is_complete(self) -> bool:
        return bool(self.login_edit.text().strip() and self.name_edit.text().strip())

    def answer(self) -> NewPersonAnswer:
        return NewPersonAnswer(
            self.login_edit.text().strip(),
            self.name_edit.text().strip(),
            self.department_edit.text().strip(),
            Role(self.role_combo.currentData()),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, previous: NewPersonAnswer | None = None) -> NewPersonAnswer | None:
        dialog = cls(parent, previous)
        return dialog.answer() if _run(dialog) else None


class RoleDialog(_FormDialog):
    """役割を変更: the new role of one person (OK only once it differs from the current one)."""

    def __init__(self, parent: QWidget | None, person: Person) -> None:
        super().__init__(parent, "役割を変更", "変更")
        self._current = person.role
        intro = QLabel(f"「{person.display_name}」({person.login})の役割を変更します。いまの役割: {person.role.label}")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.role_combo = role_combo(person.role, "新しい役割")
        self.role_note = QLabel()
        self.role_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("新しい役割(&R):", self.role_combo)
        form.addRow("", self.role_note)
        self.layout_.addLayout(form)
        self.role_combo.currentIndexChanged.connect(self._changed)
        self._changed()
        self.finish_layout()

    def _changed(self) -> None:
        self.role_note.setText(ROLE_NOTES[self.role()])
        self.update_ok()

    def role(self) -> Role:
        return Role(self.role_combo.currentData())

    def is_complete(self) -> bool:
        return self.role() is not self._current

    @classmethod
    def ask(cls, parent: QWidget | None, person: Person) -> Role | None:
        dialog = cls(parent, person)
        return dialog.role() if _run(dialog) else None
