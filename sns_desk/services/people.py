"""People and roles (職員と役割): who may draft, approve for which account, and run the system.

The operations manager registers staff, gives roles and deactivates people who leave; a
deactivated person can no longer act and stays, by login, in every history. An account's
manager is named on the account itself (第4条第3項), so "account manager of which accounts" is
read from the registry. Every change is written to the audit chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import people as rules
from ..core.audit import AuditAction
from ..core.people import PeopleError, Person, Role
from ..storage import audit
from ..storage.database import Database
from ..storage.models import AccountRow, User, UserRole, utc_now
from ..storage.rows import person_for, person_from_row


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One row of the 職員と役割 list."""

    person: Person
    accounts: tuple[str, ...]
    """Names of the accounts this person manages (アカウント管理者)."""
    created_at: dt.datetime


class PeopleService:
    """The people of one database, as seen by ``login``."""

    def __init__(self, database: Database, login: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._db = database
        self._login = login
        self._clock = clock

    def me(self) -> Person:
        with self._db.session() as s:
            return person_for(s, self._login)

    def staff(self) -> list[StaffMember]:
        """Everyone, active first, then by login."""
        with self._db.session() as s:
            person_for(s, self._login)
            managed: dict[str, list[str]] = {}
            for manager, name in s.execute(select(AccountRow.manager, AccountRow.name).order_by(AccountRow.name)):
                managed.setdefault(manager, []).append(name)
            users = s.scalars(select(User).order_by(User.active.desc(), User.login_name)).all()
            return [StaffMember(person_from_row(u), tuple(managed.get(u.login_name, ())), u.created_at) for u in users]

    def add(self, login: str, name: str, department: str = "", role: Role = Role.DRAFTER) -> Person:
        """Register a person before they first start the app (or name someone who has as a drafter)."""
        rules.check_new_person(login, name, department)
        login, name, department = login.strip(), name.strip(), department.strip()
        with self._db.session() as s:
            actor = person_for(s, self._login)
            rules.require_people_manager(actor)
            if s.scalar(select(User).where(User.login_name == login)) is not None:
                raise PeopleError(f"「{login}」は登録済みです")
            user = User(login_name=login, display_name=name, department=department, role=UserRole(role.value))
            s.add(user)
            s.flush()
            audit.append(
                s, actor.login, AuditAction.USER_ADDED, "user", login,
                {"name": name, "department": department, "role": role.value}, at=self._clock(),
            )  # fmt: skip
            return person_from_row(user)

    def set_role(self, login: str, role: Role) -> Person:
        """Give ``login`` a role; someone not registered yet is registered under their login name."""
        with self._db.session() as s:
            actor = person_for(s, self._login)
            rules.require_people_manager(actor)
            if s.scalar(select(User).where(User.login_name == login.strip())) is None:
                rules.check_new_person(login, login, "")
                s.add(User(login_name=login.strip(), display_name=login.strip(), role=UserRole.DRAFTER))
                s.flush()
            user = self._user(s, login)
            before = Role(user.role.value)
            rules.check_role_change(actor, person_from_row(user), role, self._active_operations_managers(s))
            if before is role:
                return person_from_row(user)
            user.role = UserRole(role.value)
            audit.append(
                s, actor.login, AuditAction.USER_ROLE_CHANGED, "user", user.login_name,
                {"from": before.value, "to": role.value}, at=self._clock(),
            )  # fmt: skip
            return person_from_row(user)

    def deactivate(self, login: str) -> Person:
        with self._db.session() as s:
            actor = person_for(s, self._login)
            user = self._user(s, login)
            rules.check_deactivation(actor, person_from_row(user), self._active_operations_managers(s))
            user.active = False
            audit.append(s, actor.login, AuditAction.USER_DEACTIVATED, "user", user.login_name, at=self._clock())
            return person_from_row(user)

    def _user(self, s: Session, login: str) -> User:
        user = s.scalar(select(User).where(User.login_name == login.strip()))
        if user is None:
            raise PeopleError(f"「{login.strip()}」は登録されていません")
        return user

    @staticmethod
    def _active_operations_managers(s: Session) -> int:
        return (
            s.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == UserRole.OPERATIONS_MANAGER, User.active.is_(True))
            )
            or 0
        )
