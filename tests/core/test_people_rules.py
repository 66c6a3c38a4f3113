"""Who may change people and roles, and the last operations manager."""

from __future__ import annotations

import pytest

from sns_desk.core.people import (
    PeopleError,
    Person,
    Role,
    check_deactivation,
    check_new_person,
    check_role_change,
    require_active,
)

OPS = Person("tanaka", "田中", Role.OPERATIONS_MANAGER)
OPS2 = Person("sato", "佐藤", Role.OPERATIONS_MANAGER)
KACHO = Person("kacho", "課長", Role.ACCOUNT_MANAGER)
SUZUKI = Person("suzuki", "鈴木", Role.DRAFTER)
GONE = Person("yamada", "山田", Role.DRAFTER, active=False)


@pytest.mark.parametrize(
    ("actor", "target", "role", "ops_count", "refusal"),
    [
        (OPS, SUZUKI, Role.ACCOUNT_MANAGER, 1, None),
        (OPS, KACHO, Role.DRAFTER, 1, None),
        (OPS, OPS2, Role.DRAFTER, 2, None),
        (OPS, OPS, Role.DRAFTER, 2, None),
        (OPS, OPS, Role.DRAFTER, 1, "最後の運用管理者"),
        (OPS, OPS, Role.OPERATIONS_MANAGER, 1, None),
        (KACHO, SUZUKI, Role.ACCOUNT_MANAGER, 1, "運用管理者だけ"),
        (SUZUKI, SUZUKI, Role.OPERATIONS_MANAGER, 1, "運用管理者だけ"),
        (Person("tanaka", "田中", Role.OPERATIONS_MANAGER, active=False), SUZUKI, Role.DRAFTER, 2, "運用管理者だけ"),
        (OPS, GONE, Role.ACCOUNT_MANAGER, 1, "無効"),
    ],
)
def test_role_changes(actor: Person, target: Person, role: Role, ops_count: int, refusal: str | None) -> None:
    if refusal is None:
        check_role_change(actor, target, role, ops_count)
    else:
        with pytest.raises(PeopleError, match=refusal):
            check_role_change(actor, target, role, ops_count)


@pytest.mark.parametrize(
    ("actor", "target", "ops_count", "refusal"),
    [
        (OPS, SUZUKI, 1, None),
        (OPS, OPS2, 2, None),
        (OPS, OPS, 1, "最後の運用管理者"),
        (KACHO, SUZUKI, 1, "運用管理者だけ"),
        (OPS, GONE, 1, "既に無効"),
    ],
)
def test_deactivation(actor: Person, target: Person, ops_count: int, refusal: str | None) -> None:
    if refusal is None:
        check_deactivation(actor, target, ops_count)
    else:
        with pytest.raises(PeopleError, match=refusal):
            check_deactivation(actor, target, ops_count)


@pytest.mark.parametrize(
    ("login", "name", "department", "refusal"),
    [("suzuki", "鈴木", "", None), ("", "鈴木", "", "ログイン名"), ("a b", "鈴木", "", "空白"),
     ("suzuki", " ", "", "氏名"), ("x" * 151, "鈴木", "", "長すぎ"), ("suzuki", "鈴木", "課" * 201, "所属")],
)  # fmt: skip
def test_new_people(login: str, name: str, department: str, refusal: str | None) -> None:
    if refusal is None:
        check_new_person(login, name, department)
    else:
        with pytest.raises(PeopleError, match=refusal):
            check_new_person(login, name, department)


def test_a_deactivated_person_cannot_act_and_role_names_follow_the_cli() -> None:
    require_active(SUZUKI)
    with pytest.raises(PeopleError, match="無効"):
        require_active(GONE)
    assert [r.cli_name for r in Role] == ["operations-manager", "account-manager", "drafter"]
    assert all(Role.from_cli(r.cli_name) is r for r in Role)
