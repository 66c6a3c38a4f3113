"""Plain dataclasses from rows that several services hand out: the person logged in, an account."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.accounts import Account, AccountStatus
from ..core.people import Person, Role, require_active
from .models import AccountRow, User, UserRole


def person_for(s: Session, login: str) -> Person:
    """The person logged in as ``login``; an unknown login is recorded as a drafter, a deactivated one
    is refused (:class:`PeopleError`)."""
    user = s.scalar(select(User).where(User.login_name == login))
    if user is None:
        user = User(login_name=login, display_name=login, role=UserRole.DRAFTER)
        s.add(user)
        s.flush()
    person = person_from_row(user)
    require_active(person)
    return person


def person_from_row(user: User) -> Person:
    return Person(user.login_name, user.display_name, Role(user.role.value), user.department, user.active)


def account_from_row(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        platform=row.platform,
        name=row.name,
        url=row.url,
        department=row.department,
        manager=row.manager,
        status=AccountStatus(row.status),
        display_name=row.display_name,
        manager_title=row.manager_title,
        publisher_title=row.publisher_title,
        operating_hours=row.operating_hours,
        contact=row.contact,
        purpose=row.purpose,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        approval_number=row.approval_number,
        approved_by=row.approved_by,
        approved_on=row.approved_on,
        status_note=row.status_note,
    )
