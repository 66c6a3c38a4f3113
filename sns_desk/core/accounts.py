"""Official accounts (第4条) and their lifecycle, as pure rules.

An account exists only after the operations manager's approval (第4条第2項): the head of the
department asks in writing (申請), the operations manager approves it with an approval number and
date (承認), and the account goes into operation (運用中) once its usage policy has been published
(第4条第4項: the policy is defined and published beforehand). It can then be suspended (休止),
resumed, or closed for good (廃止). Only an account in operation can be the target of a draft.
The operations manager may also register an account that already exists (e.g. when the registry
is first set up), recording the approval with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass

from .people import Person, Role
from .workflow import WorkflowError


class AccountStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    IMPORTED = "imported"
    """Known only from an imported platform export (第6条 backup); not a target for drafts."""

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    AccountStatus.REQUESTED: "申請中",
    AccountStatus.APPROVED: "承認済み(運用前)",
    AccountStatus.REJECTED: "不承認",
    AccountStatus.ACTIVE: "運用中",
    AccountStatus.SUSPENDED: "休止",
    AccountStatus.CLOSED: "廃止",
    AccountStatus.IMPORTED: "取込のみ",
}


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    platform: str
    name: str
    url: str
    department: str
    manager: str
    """Login name of the account manager (アカウント管理者: the head of the department, 第4条第3項)."""
    status: AccountStatus
    display_name: str = ""
    manager_title: str = ""
    """The account manager's title as the public reads it (e.g. 広報戦略担当課長)."""
    publisher_title: str = ""
    """情報発信責任者 when it is not the account manager."""
    operating_hours: str = ""
    """When the account is run, in words (e.g. 平日 8:30〜17:15); the policy's 運用方法 cites it."""
    contact: str = ""
    """Where the public can ask about the account (department phone, e-mail or form)."""
    purpose: str = ""
    """Why the account is opened (from the request)."""
    requested_by: str = ""
    requested_at: dt.datetime | None = None
    approval_number: str = ""
    approved_by: str = ""
    approved_on: dt.date | None = None
    status_note: str = ""
    """The reason given for the last refusal, suspension or closure."""

    @property
    def postable(self) -> bool:
        """Only registered accounts in operation can be the target of a draft."""
        return self.status is AccountStatus.ACTIVE


def _require(person: Person, *roles: Role) -> None:
    if person.role not in roles:
        names = "・".join(role.label for role in roles)
        raise WorkflowError(f"この操作ができるのは{names}だけです(あなたは{person.role.label})")


def _require_status(account: Account, *allowed: AccountStatus, action: str) -> None:
    if account.status not in allowed:
        raise WorkflowError(f"アカウント「{account.name}」は{account.status.label}のため、{action}できません")


def can_request(person: Person) -> bool:
    """The head of a department asks for an account (第4条第2項); the operations manager may file it for them."""
    return person.role in (Role.ACCOUNT_MANAGER, Role.OPERATIONS_MANAGER)


def request(account: Account, person: Person, now: dt.datetime) -> Account:
    """A new account request (申請). ``account`` carries the facts; its status is set here."""
    if not can_request(person):
        raise WorkflowError("アカウントの開設を申請できるのは所属長(アカウント管理者)です")
    for label, value in (("アカウント名", account.name), ("所属", account.department), ("開設の目的", account.purpose)):
        if not value.strip():
            raise WorkflowError(f"{label}を入力してください")
    return dataclasses.replace(
        account,
        status=AccountStatus.REQUESTED,
        manager=account.manager or person.login,
        requested_by=person.login,
        requested_at=now,
    )


def approve(account: Account, person: Person, number: str, on: dt.date) -> Account:
    """The operations manager's approval (第4条第2項), with its approval number and date."""
    _require(person, Role.OPERATIONS_MANAGER)
    _require_status(account, AccountStatus.REQUESTED, action="承認")
    if not number.strip():
        raise WorkflowError("承認番号を入力してください")
    if not account.manager:
        raise WorkflowError("アカウント管理者(所属長)が決まっていません")
    return dataclasses.replace(
        account,
        status=AccountStatus.APPROVED,
        approval_number=number.strip(),
        approved_by=person.login,
        approved_on=on,
        status_note="",
    )


def reject(account: Account, person: Person, reason: str) -> Account:
    _require(person, Role.OPERATIONS_MANAGER)
    _require_status(account, AccountStatus.REQUESTED, action="不承認に")
    if not reason.strip():
        raise WorkflowError("不承認の理由を入力してください")
    return dataclasses.replace(account, status=AccountStatus.REJECTED, status_note=reason.strip())


def start_operation(account: Account, person: Person, policy_published: bool) -> Account:
    """運用開始: only once the usage policy is published (第4条第4項)."""
    _require(person, Role.OPERATIONS_MANAGER, Role.ACCOUNT_MANAGER)
    if person.role is Role.ACCOUNT_MANAGER and person.login != account.manager:
        raise WorkflowError("運用を開始できるのは、このアカウントの管理者か運用管理者です")
    _require_status(account, AccountStatus.APPROVED, AccountStatus.SUSPENDED, action="運用開始")
    if not policy_published:
        raise WorkflowError("利用方針が公表されていません。利用方針を公表してから運用を始めてください(第4条第4項)")
    return dataclasses.replace(account, status=AccountStatus.ACTIVE, status_note="")


def suspend(account: Account, person: Person, reason: str) -> Account:
    _require(person, Role.OPERATIONS_MANAGER, Role.ACCOUNT_MANAGER)
    if person.role is Role.ACCOUNT_MANAGER and person.login != account.manager:
        raise WorkflowError("休止できるのは、このアカウントの管理者か運用管理者です")
    _require_status(account, AccountStatus.ACTIVE, action="休止")
    if not reason.strip():
        raise WorkflowError("休止の理由を入力してください")
    return dataclasses.replace(account, status=AccountStatus.SUSPENDED, status_note=reason.strip())


def close(account: Account, person: Person, reason: str) -> Account:
    """廃止: final. The archive keeps everything the account posted (第6条)."""
    _require(person, Role.OPERATIONS_MANAGER)
    _require_status(account, AccountStatus.APPROVED, AccountStatus.ACTIVE, AccountStatus.SUSPENDED, action="廃止")
    if not reason.strip():
        raise WorkflowError("廃止の理由を入力してください")
    return dataclasses.replace(account, status=AccountStatus.CLOSED, status_note=reason.strip())
