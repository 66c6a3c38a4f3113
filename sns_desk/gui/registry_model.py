"""The registry window's lists, and which of its buttons a person may press (第4条).

Everything here works on the plain values of :class:`~sns_desk.services.registry.RegistryService`
(:class:`Account`, :class:`PolicyVersion`, :class:`ValidationProblem`). The button rules mirror
:mod:`sns_desk.core.accounts` only to enable or disable buttons: the service decides, and its
refusal (a Japanese :class:`WorkflowError`) is what the user reads when the two ever differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..core.accounts import Account, AccountStatus, can_request
from ..core.jst import JST
from ..core.people import Person, Role
from ..core.policy import ValidationProblem
from ..services.registry import PLATFORM_LABELS, PolicyStatus, PolicyVersion
from .flat_rows import FlatRows

_Index = QModelIndex | QPersistentModelIndex

ACCOUNT_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""Accounts table: the row's :class:`Account` (any column)."""
PROBLEM_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 2
"""Problems list: the row's :class:`ValidationProblem` (any column)."""

ACCOUNT_HEADERS: Final = ("アカウント名", "サービス", "状態", "所属", "管理者")
COLUMN_NAME: Final = 0
COLUMN_PLATFORM: Final = 1
COLUMN_STATUS: Final = 2
COLUMN_DEPARTMENT: Final = 3
COLUMN_MANAGER: Final = 4

PROBLEM_HEADERS: Final = ("重大度", "内容")
COLUMN_SEVERITY: Final = 0
COLUMN_MESSAGE: Final = 1

STATUS_COLORS: Final[dict[AccountStatus, str]] = {
    AccountStatus.REQUESTED: "#b45309",
    AccountStatus.APPROVED: "#1e6fd9",
    AccountStatus.REJECTED: "#c62828",
    AccountStatus.ACTIVE: "#2e7d32",
    AccountStatus.SUSPENDED: "#6b6b6b",
    AccountStatus.CLOSED: "#6b6b6b",
    AccountStatus.IMPORTED: "#6b6b6b",
}
SEVERITY_LABELS: Final = {"error": "エラー", "warning": "警告"}
SEVERITY_COLORS: Final = {"error": "#d32f2f", "warning": "#ef6c00"}


def platform_name(platform: str) -> str:
    """「X(旧Twitter)」 for ``x``; an unknown platform as it is stored."""
    return PLATFORM_LABELS.get(platform, platform)


def manager_text(account: Account) -> str:
    """「こども家庭課長(kacho)」, or the login alone when no title is registered."""
    title = account.manager_title.strip()
    if not account.manager:
        return title or "(未定)"
    return f"{title}({account.manager})" if title else account.manager


def jst_minute(moment: dt.datetime) -> str:
    """``2026/04/01 09:00`` in Japan time (the registry's users think in local days)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(JST).strftime("%Y/%m/%d %H:%M")


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def version_text(version: PolicyVersion) -> str:
    """「第2版 公表済み(2026年4月10日) kacho 2026/04/01 09:00」, one line of the version history."""
    status = version.status.label
    if version.status is PolicyStatus.PUBLISHED and version.published_on is not None:
        status += f"({date_text(version.published_on)})"
    return f"第{version.version}版 {status} {version.author} {jst_minute(version.created_at)}"


def version_tooltip(version: PolicyVersion) -> str:
    lines = [
        f"第{version.version}版: {version.status.label}",
        f"作成: {version.author}({jst_minute(version.created_at)})",
    ]
    if version.approved_by:
        when = f"({jst_minute(version.approved_at)})" if version.approved_at is not None else ""
        lines.append(f"承認: {version.approved_by}{when}")
    if version.published_on is not None:
        lines.append(f"公表: {date_text(version.published_on)}")
    return "\n".join(lines)


# == who may press what =====================================================================================


def _owns(me: Person, account: Account) -> bool:
    """The operations manager, or this account's manager (所属長)."""
    return me.role is Role.OPERATIONS_MANAGER or (me.role is Role.ACCOUNT_MANAGER and me.login == account.manager)


@dataclass(frozen=True, slots=True)
class Allowed:
    """Which of the window's actions to enable for one person, account and policy version."""

    request: bool = False
    approve: bool = False
    reject: bool = False
    start: bool = False
    suspend: bool = False
    close: bool = False
    edit_facts: bool = False
    save_policy: bool = False
    approve_policy: bool = False
    publish_policy: bool = False


def allowed(
    me: Person | None,
    account: Account | None,
    shown: PolicyVersion | None = None,
    *,
    modified: bool = False,
) -> Allowed:
    """What ``me`` may do with ``account`` while the editor shows version ``shown`` (None: the template).

    Saving is open to every member of staff (they prepare the policy for the manager), but only when
    there is something new to save: the template, or text changed since the version shown. Approving
    and publishing act on the version shown, unchanged.
    """
    if me is None:
        return Allowed()
    if account is None:
        return Allowed(request=can_request(me))
    ops = me.role is Role.OPERATIONS_MANAGER
    owner = _owns(me, account)
    status = account.status
    S = AccountStatus
    open_ = status is not S.CLOSED
    return Allowed(
        request=can_request(me),
        approve=ops and status is S.REQUESTED,
        reject=ops and status is S.REQUESTED,
        start=owner and status in (S.APPROVED, S.SUSPENDED),
        suspend=owner and status is S.ACTIVE,
        close=ops and status in (S.APPROVED, S.ACTIVE, S.SUSPENDED),
        edit_facts=owner and open_,
        save_policy=open_ and (shown is None or modified),
        approve_policy=owner and open_ and shown is not None and not modified and shown.status is PolicyStatus.DRAFT,
        publish_policy=owner and open_ and shown is not None and shown.status is PolicyStatus.APPROVED,
    )


# == the accounts table ======================================================================================


class AccountsModel(FlatRows, QAbstractTableModel):
    """The registry, one account a row, filtered by status."""

    headers = ACCOUNT_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[Account] = []
        self._rows: list[Account] = []
        self._status: AccountStatus | None = None

    def row_total(self) -> int:
        return len(self._rows)

    @property
    def status_filter(self) -> AccountStatus | None:
        return self._status

    def set_accounts(self, accounts: Sequence[Account]) -> None:
        self.beginResetModel()
        self._all = list(accounts)
        self._rows = self._filtered()
        self.endResetModel()

    def set_status_filter(self, status: AccountStatus | None) -> None:
        self.beginResetModel()
        self._status = status
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[Account]:
        return [a for a in self._all if self._status is None or a.status is self._status]

    def accounts(self) -> list[Account]:
        """The rows shown (after the filter)."""
        return list(self._rows)

    def all_accounts(self) -> list[Account]:
        return list(self._all)

    def account(self, row: int) -> Account | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, account_id: int | None) -> int | None:
        for row, account in enumerate(self._rows):
            if account.id == account_id:
                return row
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        account = self._rows[index.row()]
        column = index.column()
        if role == ACCOUNT_ROLE:
            return account
        text = {
            COLUMN_NAME: account.name,
            COLUMN_PLATFORM: platform_name(account.platform),
            COLUMN_STATUS: account.status.label,
            COLUMN_DEPARTMENT: account.department,
            COLUMN_MANAGER: manager_text(account),
        }.get(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ForegroundRole and column == COLUMN_STATUS:
            return QColor(STATUS_COLORS[account.status])
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole value, when the column cuts it short
            if column == COLUMN_STATUS and account.status_note:
                return f"{account.status.label}\n理由: {account.status_note}"
            return text or None
        return None


# == the problems list =======================================================================================


class ProblemsModel(FlatRows, QAbstractTableModel):
    """What :func:`~sns_desk.core.policy.validate` found, errors first; each message names its item."""

    headers = PROBLEM_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[ValidationProblem] = []

    def row_total(self) -> int:
        return len(self._problems)

    def set_problems(self, problems: Sequence[ValidationProblem]) -> None:
        self.beginResetModel()
        self._problems = sorted(problems, key=lambda p: 0 if p.is_error else 1)  # stable: the item order stays
        self.endResetModel()

    def problems(self) -> list[ValidationProblem]:
        return list(self._problems)

    def problem(self, row: int) -> ValidationProblem | None:
        return self._problems[row] if 0 <= row < len(self._problems) else None

    def counts(self) -> tuple[int, int]:
        """(errors, warnings)."""
        errors = sum(1 for p in self._problems if p.is_error)
        return errors, len(self._problems) - errors

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        problem = self._problems[index.row()]
        if role == PROBLEM_ROLE:
            return problem
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COLUMN_SEVERITY:
                return SEVERITY_LABELS.get(problem.severity, problem.severity)
            return problem.message
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COLUMN_SEVERITY:
            return QColor(SEVERITY_COLORS.get(problem.severity, "#000000"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{problem.item_label}\n{problem.message}\n(ダブルクリックでその項目へ移ります)"
        return None


def problems_summary(errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return "問題は見つかりませんでした"
    parts = []
    if errors:
        parts.append(f"エラー {errors} 件")
    if warnings:
        parts.append(f"警告 {warnings} 件")
    return "・".join(parts)
