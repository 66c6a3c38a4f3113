"""The account registry and usage-policy versions (第4条) over the database: lifecycle, permissions, versions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from sns_desk.core.accounts import AccountStatus
from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.core.policy import ITEM_IDS, policy_to_json
from sns_desk.core.workflow import WorkflowError
from sns_desk.services.desk import DeskService
from sns_desk.services.registry import AccountFactsInput, PolicyStatus, RegistryService
from sns_desk.storage.database import Database

NOW = dt.datetime(2026, 4, 20, 0, 0, tzinfo=dt.UTC)

FACTS = AccountFactsInput(
    platform="x",
    name="@hh_kosodate",
    url="https://x.com/hh_kosodate",
    department="こども家庭課",
    display_name="東広島市 子育て応援",
    manager_title="こども家庭課長",
    operating_hours="平日 8時30分〜17時15分",
    contact="082-420-0000 kosodate@city.example.lg.jp",
    purpose="子育て世帯に向けた制度や催しの案内",
)


@pytest.fixture
def database(opener: Callable[..., Database], db_url: str, os_user: str) -> Database:
    return opener(db_url)


@pytest.fixture
def people(database: Database) -> Callable[[str], RegistryService]:
    """tanaka (the OS user who created the database) is the operations manager; kacho heads こども家庭課."""
    ops = RegistryService(database, "tanaka", lambda: NOW)
    DeskService(database, default_checker, "tanaka").set_role("kacho", Role.ACCOUNT_MANAGER)
    assert ops.me().role is Role.OPERATIONS_MANAGER

    def make(login: str) -> RegistryService:
        return RegistryService(database, login, lambda: NOW, checker=default_checker)

    return make


def test_request_approve_publish_then_operate(people: Callable[[str], RegistryService], database: Database) -> None:
    kacho, ops, suzuki = people("kacho"), people("tanaka"), people("suzuki")
    with pytest.raises(WorkflowError, match="所属長"):
        suzuki.request(FACTS)
    requested = kacho.request(FACTS)
    assert (requested.status, requested.manager, requested.requested_by) == (AccountStatus.REQUESTED, "kacho", "kacho")
    assert not requested.postable
    with pytest.raises(WorkflowError, match="運用管理者"):
        kacho.approve(FACTS.name, "広戦第12号")
    approved = ops.approve(FACTS.name, "広戦第12号", dt.date(2026, 4, 1))
    assert (approved.status, approved.approval_number, approved.approved_on) == (
        AccountStatus.APPROVED, "広戦第12号", dt.date(2026, 4, 1),
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="公表"):
        kacho.start_operation(FACTS.name)

    policy, saved = kacho.policy(FACTS.name)
    assert saved is None and "hh_kosodate" in policy["account"]  # the default template, filled from the registry
    assert not [p for p in kacho.validate(FACTS.name, policy) if p.is_error]
    drafting = DeskService(database, default_checker, "suzuki")
    assert FACTS.name not in [a.name for a in drafting.accounts(postable_only=True)]
    first = kacho.save_policy(FACTS.name, policy)
    assert (first.version, first.status, first.author) == (1, PolicyStatus.DRAFT, "kacho")
    with pytest.raises(WorkflowError, match="承認済み"):
        kacho.publish_policy(FACTS.name, 1, dt.date(2026, 4, 10))
    assert kacho.approve_policy(FACTS.name, 1).status is PolicyStatus.APPROVED
    published = kacho.publish_policy(FACTS.name, 1, dt.date(2026, 4, 10))
    assert (published.status, published.published_on) == (PolicyStatus.PUBLISHED, dt.date(2026, 4, 10))
    assert kacho.start_operation(FACTS.name).postable
    assert FACTS.name in [a.name for a in drafting.accounts(postable_only=True)]
    assert kacho.published(FACTS.name) is not None


def test_a_policy_with_errors_cannot_be_approved(people: Callable[[str], RegistryService]) -> None:
    kacho, ops = people("kacho"), people("tanaka")
    kacho.request(FACTS)
    ops.approve(FACTS.name, "広戦第13号")
    policy, _ = kacho.policy(FACTS.name)
    broken = policy.replace_item("purpose", "").replace_item("content", "詳しくは https://bit.ly/abc をご覧ください")
    kacho.save_policy(FACTS.name, broken)
    with pytest.raises(WorkflowError) as refused:
        kacho.approve_policy(FACTS.name, 1)
    assert "情報発信を行う目的" in str(refused.value) and "短縮" in str(refused.value)
    assert kacho.versions(FACTS.name)[0].status is PolicyStatus.DRAFT


def test_versions_are_kept_and_round_trip_unchanged(people: Callable[[str], RegistryService]) -> None:
    kacho, ops = people("kacho"), people("tanaka")
    kacho.request(FACTS)
    ops.approve(FACTS.name, "広戦第14号")
    policy, _ = kacho.policy(FACTS.name)
    kacho.save_policy(FACTS.name, policy)
    second = policy.replace_item("purpose", policy["purpose"] + "\n\n子育ての不安に寄り添う情報も届けます。")
    kacho.save_policy(FACTS.name, second)
    versions = kacho.versions(FACTS.name)
    assert [v.version for v in versions] == [2, 1]
    assert policy_to_json(versions[0].policy) == policy_to_json(second)
    assert kacho.policy(FACTS.name, 1)[0] == policy
    assert set(ITEM_IDS) <= set(versions[1].policy)
    with pytest.raises(WorkflowError, match="第 9 版"):
        kacho.policy(FACTS.name, 9)


def test_only_owners_change_an_account(people: Callable[[str], RegistryService]) -> None:
    kacho, ops, other = people("kacho"), people("tanaka"), people("yamada")
    kacho.request(FACTS)
    ops.approve(FACTS.name, "広戦第15号")
    with pytest.raises(WorkflowError, match="管理者"):
        other.update_facts(FACTS.name, FACTS)
    longer = dataclasses.replace(FACTS, operating_hours="毎日 9時〜18時")
    assert kacho.update_facts(FACTS.name, longer).operating_hours == "毎日 9時〜18時"
    assert "毎日 9時〜18時" in kacho.policy(FACTS.name)[0]["operation"]
    with pytest.raises(WorkflowError, match="運用管理者"):
        kacho.close(FACTS.name, "統合のため")
    with pytest.raises(WorkflowError, match="理由"):
        ops.close(FACTS.name, " ")
    closed = ops.close(FACTS.name, "子育て応援アカウントに統合のため")
    assert (closed.status, closed.status_note) == (AccountStatus.CLOSED, "子育て応援アカウントに統合のため")
    with pytest.raises(WorkflowError, match="廃止"):
        kacho.save_policy(FACTS.name, kacho.policy(FACTS.name)[0])


def test_register_existing_account_and_rejection(people: Callable[[str], RegistryService]) -> None:
    kacho, ops = people("kacho"), people("tanaka")
    with pytest.raises(WorkflowError, match="運用管理者"):
        kacho.register(FACTS)
    with pytest.raises(WorkflowError, match="所属長"):
        ops.register(FACTS)  # no account manager named
    with pytest.raises(WorkflowError, match="suzuki"):
        ops.register(dataclasses.replace(FACTS, manager="suzuki"))  # not an account manager
    existing = ops.register(dataclasses.replace(FACTS, manager="kacho"), "広戦第1号", dt.date(2020, 4, 1))
    assert existing.status is AccountStatus.APPROVED and not existing.postable  # policy first (第4条第4項)
    assert existing.approved_by == "tanaka"
    with pytest.raises(WorkflowError, match="未来"):
        ops.register(dataclasses.replace(FACTS, name="@later", manager="kacho"), "広戦第2号", dt.date(2026, 5, 1))
    with pytest.raises(WorkflowError, match="登録済み"):
        kacho.request(FACTS)
    other = AccountFactsInput(
        platform="line", name="hh_line", url="https://lin.ee/x", department="広報", purpose="試行"
    )
    kacho.request(other)
    rejected = ops.reject("hh_line", "既存の LINE 公式アカウントで足りるため")
    assert rejected.status is AccountStatus.REJECTED
    with pytest.raises(WorkflowError, match="不承認"):
        ops.approve("hh_line", "広戦第2号")
    kacho.save_policy("hh_line", kacho.policy("hh_line")[0])
    with pytest.raises(WorkflowError, match="不承認"):
        ops.approve_policy("hh_line", 1)


def test_requests_name_their_own_manager_and_approved_facts_stay(people: Callable[[str], RegistryService]) -> None:
    kacho, ops = people("kacho"), people("tanaka")
    with pytest.raises(WorkflowError, match="自分が管理者"):
        kacho.request(dataclasses.replace(FACTS, manager="someone_else"))
    kacho.request(FACTS)
    ops.approve(FACTS.name, "広戦第20号")
    with pytest.raises(WorkflowError, match="運用管理者だけ"):
        kacho.update_facts(FACTS.name, dataclasses.replace(FACTS, url="https://x.com/other_account"))
    assert kacho.update_facts(FACTS.name, dataclasses.replace(FACTS, contact="082-420-0001")).contact == "082-420-0001"
    moved = ops.update_facts(FACTS.name, dataclasses.replace(FACTS, url="https://x.com/hh_kosodate2"))
    assert moved.url == "https://x.com/hh_kosodate2"
    with pytest.raises(WorkflowError, match="長すぎます"):
        ops.update_facts(FACTS.name, dataclasses.replace(FACTS, operating_hours="毎日" * 150))


def test_publication_dates_and_the_version_in_force(people: Callable[[str], RegistryService]) -> None:
    kacho, ops = people("kacho"), people("tanaka")
    kacho.request(FACTS)
    ops.approve(FACTS.name, "広戦第21号", dt.date(2026, 4, 1))
    policy, _ = kacho.policy(FACTS.name)
    for text in ("", "\n\n写真は市が撮影したものです。"):
        kacho.save_policy(FACTS.name, policy.replace_item("content", policy["content"] + text))
    kacho.approve_policy(FACTS.name, 1)
    kacho.approve_policy(FACTS.name, 2)
    with pytest.raises(WorkflowError, match="未来"):
        kacho.publish_policy(FACTS.name, 1, dt.date(2099, 12, 31))
    kacho.publish_policy(FACTS.name, 2, dt.date(2026, 4, 15))
    with pytest.raises(WorkflowError, match="より前"):
        kacho.publish_policy(FACTS.name, 1, dt.date(2026, 4, 10))
    kacho.publish_policy(FACTS.name, 1, dt.date(2026, 4, 15))  # the same day, recorded later: in force
    in_force = kacho.published(FACTS.name)
    assert in_force is not None and in_force.version == 1


def test_an_imported_account_is_taken_over_by_registration(
    people: Callable[[str], RegistryService], database: Database
) -> None:
    from sns_desk.storage.models import AccountRow

    with database.session() as s:
        s.add(AccountRow(platform="x", name=FACTS.name, url="", department="", manager="", status="imported"))
    ops = people("tanaka")
    taken = ops.register(dataclasses.replace(FACTS, manager="kacho"), "広戦第30号")
    assert (taken.status, taken.department, taken.manager) == (AccountStatus.APPROVED, "こども家庭課", "kacho")
    assert [a.name for a in ops.accounts()] == [FACTS.name]
