"""The account lifecycle (``sns_desk.core.accounts``, 第4条) as decision tables.

申請 → 承認/不承認 → 運用中 ⇄ 休止 → 廃止: every step over every status x role x relation to the
account (its own manager or another one), then each refusal reason and the fields a step sets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from sns_desk.core import accounts
from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.people import Person, Role
from sns_desk.core.workflow import WorkflowError

NOW = dt.datetime(2026, 4, 1, 0, 30, tzinfo=dt.UTC)
APPROVED_ON = dt.date(2026, 4, 8)
NAME = "@hh_kosodate"


class Rel(enum.Enum):
    OWN = "own"
    """The person is the account's manager (same login)."""
    OTHER = "other"
    """The person has nothing to do with this account."""


STATUSES = tuple(AccountStatus)
ROLES = tuple(Role)
RELS = tuple(Rel)

LABELS = {
    AccountStatus.REQUESTED: "申請中",
    AccountStatus.APPROVED: "承認済み(運用前)",
    AccountStatus.REJECTED: "不承認",
    AccountStatus.ACTIVE: "運用中",
    AccountStatus.SUSPENDED: "休止",
    AccountStatus.CLOSED: "廃止",
    AccountStatus.IMPORTED: "取込のみ",
}


def make_account(status: AccountStatus = AccountStatus.REQUESTED, **changes: Any) -> Account:
    base = Account(
        id=7,
        platform="x",
        name=NAME,
        url="https://x.com/hh_kosodate",
        department="こども家庭課",
        manager="kacho",
        status=status,
        display_name="東広島市 子育て応援",
        purpose="子育て世帯への情報発信",
        requested_by="kacho",
        requested_at=NOW,
    )
    return dataclasses.replace(base, **changes)


def person(role: Role, rel: Rel = Rel.OWN) -> Person:
    login = "kacho" if rel is Rel.OWN else "bucho"
    return Person(login, f"{login} さん", role)


def status_refusal(status: AccountStatus, action: str) -> str:
    return f"アカウント「{NAME}」は{LABELS[status]}のため、{action}できません"


def only(*names: str, you: Role) -> str:
    you_label = {
        Role.OPERATIONS_MANAGER: "運用管理者",
        Role.ACCOUNT_MANAGER: "アカウント管理者",
        Role.DRAFTER: "起案者",
    }
    return f"この操作ができるのは{'・'.join(names)}だけです(あなたは{you_label[you]})"


ONLY_OPS_AM = only("運用管理者", you=Role.ACCOUNT_MANAGER)
ONLY_OPS_DR = only("運用管理者", you=Role.DRAFTER)
ONLY_MGRS_DR = only("運用管理者", "アカウント管理者", you=Role.DRAFTER)


def test_the_labels_are_the_registrys_words() -> None:
    assert {status: status.label for status in AccountStatus} == LABELS


@pytest.mark.parametrize(
    ("status", "postable"),
    [
        (AccountStatus.REQUESTED, False),
        (AccountStatus.APPROVED, False),
        (AccountStatus.REJECTED, False),
        (AccountStatus.ACTIVE, True),
        (AccountStatus.SUSPENDED, False),
        (AccountStatus.CLOSED, False),
        (AccountStatus.IMPORTED, False),
    ],
)
def test_only_accounts_in_operation_take_drafts(status: AccountStatus, postable: bool) -> None:
    assert make_account(status).postable is postable


# --- the cross product: who may do each step, in which status -----------------------------------


@dataclasses.dataclass(frozen=True)
class Step:
    """One lifecycle step: how to call it, who may, from where, and where it leads."""

    name: str
    call: Callable[[Account, Person], Account]
    who: Mapping[tuple[Role, Rel], str | None]
    """(role, relation) -> the refusal message, or None when that person may."""
    allowed: frozenset[AccountStatus] | None
    """Statuses the step starts from (None: any)."""
    action: str
    """The verb in the status refusal."""
    target: AccountStatus


def _who(**cells: str | None) -> dict[tuple[Role, Rel], str | None]:
    short = {"ops": Role.OPERATIONS_MANAGER, "am": Role.ACCOUNT_MANAGER, "dr": Role.DRAFTER}
    table = {}
    for key, message in cells.items():
        role, rel = key.split("_")
        table[short[role], Rel(rel)] = message
    return table


NOT_REQUESTER = "アカウントの開設を申請できるのは所属長(アカウント管理者)です"
NOT_STARTER = "運用を開始できるのは、このアカウントの管理者か運用管理者です"
NOT_SUSPENDER = "休止できるのは、このアカウントの管理者か運用管理者です"

OPS_ONLY = _who(
    ops_own=None, ops_other=None, am_own=ONLY_OPS_AM, am_other=ONLY_OPS_AM, dr_own=ONLY_OPS_DR, dr_other=ONLY_OPS_DR
)

STEPS = (
    Step(
        "request",
        lambda a, p: accounts.request(a, p, NOW),
        _who(ops_own=None, ops_other=None, am_own=None, am_other=None, dr_own=NOT_REQUESTER, dr_other=NOT_REQUESTER),
        None,
        "",
        AccountStatus.REQUESTED,
    ),
    Step(
        "approve",
        lambda a, p: accounts.approve(a, p, "広戦第12号", APPROVED_ON),
        OPS_ONLY,
        frozenset({AccountStatus.REQUESTED}),
        "承認",
        AccountStatus.APPROVED,
    ),
    Step(
        "reject",
        lambda a, p: accounts.reject(a, p, "目的が既存アカウントと重複"),
        OPS_ONLY,
        frozenset({AccountStatus.REQUESTED}),
        "不承認に",
        AccountStatus.REJECTED,
    ),
    Step(
        "start_operation",
        lambda a, p: accounts.start_operation(a, p, True),
        _who(
            ops_own=None, ops_other=None, am_own=None, am_other=NOT_STARTER, dr_own=ONLY_MGRS_DR, dr_other=ONLY_MGRS_DR
        ),
        frozenset({AccountStatus.APPROVED, AccountStatus.SUSPENDED}),
        "運用開始",
        AccountStatus.ACTIVE,
    ),
    Step(
        "suspend",
        lambda a, p: accounts.suspend(a, p, "担当者不在のため"),
        _who(
            ops_own=None,
            ops_other=None,
            am_own=None,
            am_other=NOT_SUSPENDER,
            dr_own=ONLY_MGRS_DR,
            dr_other=ONLY_MGRS_DR,
        ),
        frozenset({AccountStatus.ACTIVE}),
        "休止",
        AccountStatus.SUSPENDED,
    ),
    Step(
        "close",
        lambda a, p: accounts.close(a, p, "事業終了のため"),
        OPS_ONLY,
        frozenset({AccountStatus.APPROVED, AccountStatus.ACTIVE, AccountStatus.SUSPENDED}),
        "廃止",
        AccountStatus.CLOSED,
    ),
)


def expected_refusal(step: Step, status: AccountStatus, role: Role, rel: Rel) -> str | None:
    """Who is checked before the status, in every step."""
    who = step.who[role, rel]
    if who is not None:
        return who
    if step.allowed is not None and status not in step.allowed:
        return status_refusal(status, step.action)
    return None


def test_every_step_table_covers_every_role_and_relation() -> None:
    for step in STEPS:
        assert set(step.who) == {(role, rel) for role in ROLES for rel in RELS}, step.name


@pytest.mark.parametrize(
    ("step", "status", "role", "rel", "expected"),
    [
        pytest.param(
            step,
            status,
            role,
            rel,
            expected_refusal(step, status, role, rel),
            id=f"{step.name}-{status.value}-{role.value}-{rel.value}",
        )
        for step in STEPS
        for status in STATUSES
        for role in ROLES
        for rel in RELS
    ],
)
def test_lifecycle_step(step: Step, status: AccountStatus, role: Role, rel: Rel, expected: str | None) -> None:
    account = make_account(status)
    if expected is None:
        result = step.call(account, person(role, rel))
        assert result.status is step.target
        assert (result.name, result.platform, result.department, result.manager) == (
            NAME,
            "x",
            "こども家庭課",
            "kacho",
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            step.call(account, person(role, rel))
        assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.OPERATIONS_MANAGER, True), (Role.ACCOUNT_MANAGER, True), (Role.DRAFTER, False)],
)
def test_can_request(role: Role, expected: bool) -> None:
    assert accounts.can_request(person(role)) is expected


# --- 申請 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "changes", "expected_manager", "expected"),
    [
        pytest.param(Role.ACCOUNT_MANAGER, {"manager": ""}, "kacho", None, id="manager-defaults-to-requester"),
        pytest.param(Role.ACCOUNT_MANAGER, {"manager": "kacho"}, "kacho", None, id="names-themselves"),
        # The core keeps another login; only the service refuses it (see the report).
        pytest.param(Role.ACCOUNT_MANAGER, {"manager": "tanin"}, "tanin", None, id="names-someone-else"),
        pytest.param(Role.OPERATIONS_MANAGER, {"manager": "kacho"}, "kacho", None, id="filed-for-the-department"),
        pytest.param(Role.OPERATIONS_MANAGER, {"manager": ""}, "kacho", None, id="filer-becomes-manager"),
        pytest.param(Role.ACCOUNT_MANAGER, {"name": ""}, "", "アカウント名を入力してください", id="no-name"),
        pytest.param(Role.ACCOUNT_MANAGER, {"name": " \u3000"}, "", "アカウント名を入力してください", id="blank-name"),
        pytest.param(Role.ACCOUNT_MANAGER, {"department": ""}, "", "所属を入力してください", id="no-department"),
        pytest.param(Role.ACCOUNT_MANAGER, {"purpose": "\n"}, "", "開設の目的を入力してください", id="no-purpose"),
        pytest.param(
            Role.ACCOUNT_MANAGER,
            {"name": "", "department": "", "purpose": ""},
            "",
            "アカウント名を入力してください",
            id="name-reported-first",
        ),
        pytest.param(
            Role.ACCOUNT_MANAGER, {"department": "", "purpose": ""}, "", "所属を入力してください", id="then-department"
        ),
        pytest.param(Role.DRAFTER, {"name": ""}, "", NOT_REQUESTER, id="role-checked-before-fields"),
    ],
)
def test_request_fields(role: Role, changes: dict[str, Any], expected_manager: str, expected: str | None) -> None:
    account = make_account(AccountStatus.IMPORTED, requested_by="", requested_at=None, **changes)
    who = person(role)
    if expected is None:
        result = accounts.request(account, who, NOW)
        assert result == dataclasses.replace(
            account,
            status=AccountStatus.REQUESTED,
            manager=expected_manager,
            requested_by="kacho",
            requested_at=NOW,
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            accounts.request(account, who, NOW)
        assert str(refused.value) == expected


# --- 承認 / 不承認 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "on", "changes", "expected_number", "expected"),
    [
        pytest.param("広戦第12号", APPROVED_ON, {}, "広戦第12号", None, id="number-and-date"),
        pytest.param("  広戦第12号\n", APPROVED_ON, {}, "広戦第12号", None, id="number-stripped"),
        pytest.param("広戦第12号", APPROVED_ON, {"status_note": "前回の指摘"}, "広戦第12号", None, id="note-cleared"),
        # The pure rule takes any date; the "no future date" refusal lives in services/registry.py.
        pytest.param("広戦第12号", dt.date(2099, 1, 1), {}, "広戦第12号", None, id="future-date-not-checked-here"),
        pytest.param("", APPROVED_ON, {}, "", "承認番号を入力してください", id="no-number"),
        pytest.param(" \u3000", APPROVED_ON, {}, "", "承認番号を入力してください", id="blank-number"),
        pytest.param(
            "広戦第12号",
            APPROVED_ON,
            {"manager": ""},
            "",
            "アカウント管理者(所属長)が決まっていません",
            id="no-manager",
        ),
        pytest.param("", APPROVED_ON, {"manager": ""}, "", "承認番号を入力してください", id="number-before-manager"),
        pytest.param(
            "",
            APPROVED_ON,
            {"status": AccountStatus.ACTIVE},
            "",
            status_refusal(AccountStatus.ACTIVE, "承認"),
            id="status-before-number",
        ),
    ],
)
def test_approve_inputs(
    number: str, on: dt.date, changes: dict[str, Any], expected_number: str, expected: str | None
) -> None:
    account = make_account(**{"status": AccountStatus.REQUESTED, **changes})
    ops = Person("tanaka", "田中", Role.OPERATIONS_MANAGER)
    if expected is None:
        result = accounts.approve(account, ops, number, on)
        assert result == dataclasses.replace(
            account,
            status=AccountStatus.APPROVED,
            approval_number=expected_number,
            approved_by="tanaka",
            approved_on=on,
            status_note="",
        )
    else:
        with pytest.raises(WorkflowError) as refused:
            accounts.approve(account, ops, number, on)
        assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("step", "reason", "start", "expected_status", "expected"),
    [
        pytest.param(accounts.reject, "目的が重複", AccountStatus.REQUESTED, AccountStatus.REJECTED, None, id="reject"),
        pytest.param(
            accounts.reject, "", AccountStatus.REQUESTED, None, "不承認の理由を入力してください", id="reject-no-reason"
        ),
        pytest.param(
            accounts.reject,
            " \u3000",
            AccountStatus.REQUESTED,
            None,
            "不承認の理由を入力してください",
            id="reject-blank",
        ),
        pytest.param(
            accounts.reject,
            "",
            AccountStatus.APPROVED,
            None,
            status_refusal(AccountStatus.APPROVED, "不承認に"),
            id="reject-status-before-reason",
        ),
        pytest.param(accounts.suspend, "担当者不在", AccountStatus.ACTIVE, AccountStatus.SUSPENDED, None, id="suspend"),
        pytest.param(
            accounts.suspend, "", AccountStatus.ACTIVE, None, "休止の理由を入力してください", id="suspend-no-reason"
        ),
        pytest.param(
            accounts.suspend,
            "",
            AccountStatus.SUSPENDED,
            None,
            status_refusal(AccountStatus.SUSPENDED, "休止"),
            id="suspend-status-before-reason",
        ),
        pytest.param(accounts.close, "事業終了", AccountStatus.SUSPENDED, AccountStatus.CLOSED, None, id="close"),
        pytest.param(
            accounts.close, "\n", AccountStatus.ACTIVE, None, "廃止の理由を入力してください", id="close-no-reason"
        ),
        pytest.param(
            accounts.close,
            "",
            AccountStatus.CLOSED,
            None,
            status_refusal(AccountStatus.CLOSED, "廃止"),
            id="close-status-before-reason",
        ),
    ],
)
def test_reasons(
    step: Callable[[Account, Person, str], Account],
    reason: str,
    start: AccountStatus,
    expected_status: AccountStatus | None,
    expected: str | None,
) -> None:
    account = make_account(start, status_note="古いメモ")
    ops = person(Role.OPERATIONS_MANAGER, Rel.OTHER)
    if expected is None:
        assert expected_status is not None
        result = step(account, ops, f"  {reason} ")
        assert result == dataclasses.replace(account, status=expected_status, status_note=reason)
    else:
        with pytest.raises(WorkflowError) as refused:
            step(account, ops, reason)
        assert str(refused.value) == expected


# --- 運用開始 ------------------------------------------------------------------------------------

NO_POLICY = "利用方針が公表されていません。利用方針を公表してから運用を始めてください(第4条第4項)"


@pytest.mark.parametrize(
    ("status", "role", "rel", "published", "expected"),
    [
        pytest.param(AccountStatus.APPROVED, Role.ACCOUNT_MANAGER, Rel.OWN, True, None, id="first-start"),
        pytest.param(AccountStatus.SUSPENDED, Role.OPERATIONS_MANAGER, Rel.OTHER, True, None, id="resume"),
        pytest.param(AccountStatus.APPROVED, Role.ACCOUNT_MANAGER, Rel.OWN, False, NO_POLICY, id="no-policy"),
        pytest.param(
            AccountStatus.SUSPENDED, Role.OPERATIONS_MANAGER, Rel.OWN, False, NO_POLICY, id="resume-no-policy"
        ),
        pytest.param(
            AccountStatus.ACTIVE,
            Role.OPERATIONS_MANAGER,
            Rel.OWN,
            False,
            status_refusal(AccountStatus.ACTIVE, "運用開始"),
            id="status-before-policy",
        ),
        pytest.param(
            AccountStatus.APPROVED, Role.ACCOUNT_MANAGER, Rel.OTHER, False, NOT_STARTER, id="who-before-policy"
        ),
        pytest.param(AccountStatus.REQUESTED, Role.DRAFTER, Rel.OWN, True, ONLY_MGRS_DR, id="drafter-named-manager"),
    ],
)
def test_start_operation_needs_a_published_policy(
    status: AccountStatus, role: Role, rel: Rel, published: bool, expected: str | None
) -> None:
    account = make_account(status, status_note="休止中のメモ")
    if expected is None:
        result = accounts.start_operation(account, person(role, rel), published)
        assert result == dataclasses.replace(account, status=AccountStatus.ACTIVE, status_note="")
        assert result.postable
    else:
        with pytest.raises(WorkflowError) as refused:
            accounts.start_operation(account, person(role, rel), published)
        assert str(refused.value) == expected


# --- the whole path ------------------------------------------------------------------------------


def test_one_account_from_request_to_closure() -> None:
    kacho = person(Role.ACCOUNT_MANAGER)
    ops = Person("tanaka", "田中", Role.OPERATIONS_MANAGER)
    account = accounts.request(make_account(AccountStatus.IMPORTED, manager=""), kacho, NOW)
    account = accounts.approve(account, ops, "広戦第12号", APPROVED_ON)
    assert not account.postable
    account = accounts.start_operation(account, kacho, policy_published=True)
    account = accounts.suspend(account, kacho, "担当者不在")
    assert (account.status, account.status_note, account.postable) == (AccountStatus.SUSPENDED, "担当者不在", False)
    account = accounts.start_operation(account, kacho, policy_published=True)
    account = accounts.close(account, ops, "事業終了")
    assert (account.status, account.manager, account.approval_number, account.approved_by) == (
        AccountStatus.CLOSED,
        "kacho",
        "広戦第12号",
        "tanaka",
    )
    with pytest.raises(WorkflowError, match="廃止のため、運用開始できません"):
        accounts.start_operation(account, ops, policy_published=True)
