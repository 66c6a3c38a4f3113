"""Who uses the app and in which role (第4条: 運用管理者, アカウント管理者; and drafting staff), and who
may change that."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import UserError


class Role(enum.StrEnum):
    OPERATIONS_MANAGER = "operations_manager"
    ACCOUNT_MANAGER = "account_manager"
    DRAFTER = "drafter"

    @property
    def label(self) -> str:
        return {"operations_manager": "運用管理者", "account_manager": "アカウント管理者", "drafter": "起案者"}[
            self.value
        ]

    @property
    def cli_name(self) -> str:
        """The name on the command line: ``operations-manager``, ``account-manager``, ``drafter``."""
        return self.value.replace("_", "-")

    @classmethod
    def from_cli(cls, name: str) -> Role:
        return cls(name.strip().lower().replace("-", "_"))


@dataclass(frozen=True, slots=True)
class Person:
    login: str
    display_name: str
    role: Role
    department: str = ""
    active: bool = True


class PeopleError(UserError):
    """A change of people or roles that the rules do not allow."""


MAX_LOGIN = 150
MAX_NAME = 200
MAX_DEPARTMENT = 200


def require_people_manager(actor: Person) -> None:
    """People and roles are the operations manager's (第10条: 広報戦略担当 runs the system)."""
    if actor.role is not Role.OPERATIONS_MANAGER or not actor.active:
        raise PeopleError("職員の登録と役割の変更ができるのは運用管理者だけです")


def check_new_person(login: str, name: str, department: str) -> None:
    if not login.strip():
        raise PeopleError("ログイン名を入力してください(Windows のサインイン名、またはデータベースのユーザー名)")
    if any(ch.isspace() for ch in login.strip()):
        raise PeopleError(f"ログイン名「{login.strip()}」に空白は使えません")
    if not name.strip():
        raise PeopleError("氏名を入力してください")
    for value, limit, what in (
        (login, MAX_LOGIN, "ログイン名"),
        (name, MAX_NAME, "氏名"),
        (department, MAX_DEPARTMENT, "所属"),
    ):
        if len(value.strip()) > limit:
            raise PeopleError(f"{what}が長すぎます({limit} 文字まで)")


def check_role_change(actor: Person, target: Person, role: Role, active_operations_managers: int) -> None:
    """Only the operations manager changes roles; the last active operations manager keeps the role,
    or nobody could ever hand out roles again."""
    require_people_manager(actor)
    if not target.active:
        raise PeopleError(f"「{target.login}」は無効にされています。役割は変更できません")
    if (
        target.role is Role.OPERATIONS_MANAGER
        and role is not Role.OPERATIONS_MANAGER
        and active_operations_managers <= 1
    ):
        raise PeopleError(
            "運用管理者が一人もいなくなるため、最後の運用管理者の役割は外せません。先に別の人を運用管理者にしてください"
        )


def check_deactivation(actor: Person, target: Person, active_operations_managers: int) -> None:
    require_people_manager(actor)
    if not target.active:
        raise PeopleError(f"「{target.login}」は既に無効です")
    if target.role is Role.OPERATIONS_MANAGER and active_operations_managers <= 1:
        raise PeopleError("最後の運用管理者は無効にできません。先に別の人を運用管理者にしてください")


def require_active(person: Person) -> None:
    """A deactivated person can no longer act (they stay in every history)."""
    if not person.active:
        raise PeopleError(f"「{person.login}」は無効にされているため、操作できません。運用管理者に問い合わせてください")
