"""The account registry and the usage policies (第4条), over the database.

Every decision is made in :mod:`sns_desk.core.accounts` (who may request, approve, start, suspend or
close an account) and :mod:`sns_desk.core.policy` (what a policy must hold); this service loads and
stores what they decide and hands out plain dataclasses, like :class:`~sns_desk.services.desk.DeskService`.

A policy is saved as a new version every time (never overwritten); a version then moves from draft
to approved (by the account's manager or the operations manager) to published, with its publication
date. The account goes into operation only when a version has been published (第4条第4項).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import accounts as lifecycle
from ..core.accounts import Account, AccountStatus
from ..core.audit import AuditAction
from ..core.jst import today
from ..core.people import Person, Role
from ..core.policy import (
    AccountFacts,
    Contact,
    Policy,
    TextChecker,
    ValidationProblem,
    default_policy,
    policy_from_json,
    policy_to_json,
    validate,
)
from ..core.workflow import WorkflowError
from ..storage import audit
from ..storage.database import Database
from ..storage.models import AccountRow, AppSetting, PolicyVersionRow, User, utc_now
from ..storage.rows import account_from_row, person_for

OFFICIAL_ACCOUNTS_URL_KEY = "policy.official_accounts_url"
"""The page of the city website that lists every official account (shared setting)."""

PLATFORM_LABELS = {
    "x": "X(旧Twitter)",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "line": "LINE",
    "youtube": "YouTube",
    "threads": "Threads",
    "bluesky": "Bluesky",
}


FIELD_LIMITS = {
    "platform": ("媒体", 32),
    "name": ("アカウント名", 150),
    "url": ("URL", 500),
    "department": ("所属", 200),
    "manager": ("アカウント管理者", 150),
    "display_name": ("表示名", 200),
    "manager_title": ("管理者の役職", 200),
    "publisher_title": ("情報発信責任者の役職", 200),
    "operating_hours": ("運用時間", 200),
    "contact": ("問い合わせ先", 500),
}
"""What each column holds at most (PostgreSQL enforces it; SQLite would silently keep more)."""

IDENTITY_FIELDS = ("platform", "name", "url", "department", "manager")
"""What the operations manager approved: changed by the operations manager only."""


def _check_lengths(values: dict[str, str]) -> None:
    for field, (label, limit) in FIELD_LIMITS.items():
        value = values.get(field, "")
        if len(value) > limit:
            raise WorkflowError(f"{label}が長すぎます({len(value)} 文字。{limit} 文字まで)")


def _check_date(on: dt.date, today: dt.date, what: str) -> None:
    if on > today:
        raise WorkflowError(f"{what}に未来の日付({on:%Y年%m月%d日})は指定できません")


class PolicyStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "下書き", "approved": "承認済み", "published": "公表済み"}[self.value]


@dataclasses.dataclass(frozen=True, slots=True)
class PolicyVersion:
    account_id: int
    version: int
    status: PolicyStatus
    author: str
    created_at: dt.datetime
    approved_by: str
    approved_at: dt.datetime | None
    published_on: dt.date | None
    policy: Policy


@dataclasses.dataclass(frozen=True, slots=True)
class AccountFactsInput:
    """What a person types when requesting or registering an account."""

    platform: str
    name: str
    url: str
    department: str
    manager: str = ""
    """Login name of the account manager (the head of the department); '' → whoever files the request."""
    display_name: str = ""
    manager_title: str = ""
    publisher_title: str = ""
    operating_hours: str = ""
    contact: str = ""
    purpose: str = ""


def facts_of(account: Account, official_accounts_url: str = "") -> AccountFacts:
    """The registry's facts in the form the policy templates and validation read."""
    return AccountFacts(
        platform=account.platform,
        platform_label=PLATFORM_LABELS.get(account.platform, ""),
        name=account.name,
        display_name=account.display_name,
        url=account.url,
        department=account.department,
        manager_title=account.manager_title,
        publisher_title=account.publisher_title,
        operating_hours=account.operating_hours,
        contact=Contact.from_text(account.contact),
        official_accounts_url=official_accounts_url,
    )


def _write(row: AccountRow, account: Account) -> None:
    for field in (
        "status",
        "manager",
        "requested_by",
        "requested_at",
        "approval_number",
        "approved_by",
        "approved_on",
        "status_note",
    ):
        value = getattr(account, field)
        setattr(row, field, value.value if isinstance(value, enum.Enum) else value)


class RegistryService:
    """One user's view of the registry. ``login`` is the OS user; unknown users are drafters."""

    def __init__(
        self,
        database: Database,
        login: str,
        clock: Callable[[], dt.datetime] = utc_now,
        checker: Callable[[], TextChecker] | None = None,
    ) -> None:
        self._db = database
        self._login = login
        self._clock = clock
        self._checker = checker
        """The guideline checker, also run over policy texts (None: structure and facts only)."""

    # -- people --------------------------------------------------------------------------------

    def _person(self, s: Session) -> Person:
        return person_for(s, self._login)

    def me(self) -> Person:
        with self._db.session() as s:
            return self._person(s)

    # -- accounts ------------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        with self._db.session() as s:
            return [account_from_row(r) for r in s.scalars(select(AccountRow).order_by(AccountRow.name)).all()]

    def account(self, name_or_id: str | int) -> Account:
        with self._db.session() as s:
            return account_from_row(self._row(s, name_or_id))

    def _row(self, s: Session, name_or_id: str | int) -> AccountRow:
        if isinstance(name_or_id, int):
            row = s.get(AccountRow, name_or_id)
        else:
            row = s.scalar(select(AccountRow).where(AccountRow.name == name_or_id.strip()))
        if row is None:
            raise WorkflowError(f"アカウント「{name_or_id}」は登録されていません")
        return row

    def _today(self) -> dt.date:
        """Today in Japan: dates of approvals and publications are the city's dates."""
        return today(self._clock())

    def _new_row(self, s: Session, facts: AccountFactsInput, status: AccountStatus) -> AccountRow:
        _check_lengths({f.name: getattr(facts, f.name).strip() for f in dataclasses.fields(facts)})
        name = facts.name.strip()
        if not name:
            raise WorkflowError("アカウント名を入力してください")
        if s.scalar(select(AccountRow).where(AccountRow.name == name)) is not None:
            raise WorkflowError(f"アカウント「{name}」は登録済みです")
        row = AccountRow(
            platform=facts.platform.strip(),
            name=name,
            url=facts.url.strip(),
            department=facts.department.strip(),
            manager=facts.manager.strip(),
            status=status.value,
            created_at=self._clock(),
            display_name=facts.display_name.strip(),
            manager_title=facts.manager_title.strip(),
            publisher_title=facts.publisher_title.strip(),
            operating_hours=facts.operating_hours.strip(),
            contact=facts.contact.strip(),
            purpose=facts.purpose.strip(),
        )
        s.add(row)
        s.flush()
        return row

    def request(self, facts: AccountFactsInput) -> Account:
        """申請: the head of the department asks for a new account (第4条第2項), as its manager."""
        with self._db.session() as s:
            me = self._person(s)
            if me.role is Role.ACCOUNT_MANAGER and facts.manager.strip() not in ("", me.login):
                raise WorkflowError("所属長は自分が管理者となるアカウントだけを申請できます(第4条第3項)")
            row = self._new_row(s, facts, AccountStatus.REQUESTED)
            updated = lifecycle.request(account_from_row(row), me, self._clock())
            _write(row, updated)
            self._audit(s, me, AuditAction.ACCOUNT_REQUESTED, row, {"name": row.name, "platform": row.platform})
            return account_from_row(row)

    def register(
        self, facts: AccountFactsInput, approval_number: str = "", approved_on: dt.date | None = None
    ) -> Account:
        """The operations manager registers an account that was approved outside the app (e.g. when the
        registry is first set up), recording the approval. It is 承認済み: it goes into operation, like any
        account, once its usage policy is published here (第4条第4項). An account known only from an
        imported export (取込のみ) is taken over by its registration."""
        on = approved_on or self._today()
        with self._db.session() as s:
            me = self._person(s)
            if me.role is not Role.OPERATIONS_MANAGER:
                raise WorkflowError("アカウントを登録できるのは運用管理者だけです")
            _check_date(on, self._today(), "承認日")
            self._require_manager(s, facts.manager.strip())
            imported = s.scalar(
                select(AccountRow).where(
                    AccountRow.name == facts.name.strip(), AccountRow.status == AccountStatus.IMPORTED.value
                )
            )
            if imported is not None:
                if imported.platform != facts.platform.strip():
                    raise WorkflowError(
                        f"アカウント「{imported.name}」は {imported.platform} の投稿の取込で登録済みです"
                    )
                values = {f.name: getattr(facts, f.name).strip() for f in dataclasses.fields(facts)}
                _check_lengths(values)
                row = imported
                for field, value in values.items():
                    setattr(row, field, value)
                row.status = AccountStatus.APPROVED.value
            else:
                row = self._new_row(s, facts, AccountStatus.APPROVED)
            row.approved_by = me.login
            row.approval_number = approval_number.strip()
            row.approved_on = on
            self._audit(
                s, me, AuditAction.ACCOUNT_REGISTERED, row,
                {"name": row.name, "platform": row.platform, "approval_number": row.approval_number},
            )  # fmt: skip
            return account_from_row(row)

    def _require_manager(self, s: Session, login: str) -> None:
        """The account manager is the head of a department (第4条第3項): a person with that role."""
        if not login:
            raise WorkflowError("アカウント管理者(所属長)を指定してください")
        user = s.scalar(select(User).where(User.login_name == login))
        if user is None or Role(user.role.value) not in (Role.ACCOUNT_MANAGER, Role.OPERATIONS_MANAGER):
            raise WorkflowError(
                f"「{login}」はアカウント管理者(所属長)として登録されていません。"
                "運用管理者が役割を設定してから指定してください"
            )

    def _audit(
        self, s: Session, me: Person, action: AuditAction, row: AccountRow, payload: dict[str, str | int] | None = None
    ) -> None:
        audit.append(s, me.login, action, "account", row.id, payload, at=self._clock())

    @contextmanager
    def _change(self, name_or_id: str | int) -> Iterator[tuple[Session, AccountRow, Account, Person]]:
        with self._db.session() as s:
            row = self._row(s, name_or_id)
            yield s, row, account_from_row(row), self._person(s)

    def approve(self, name_or_id: str | int, number: str, on: dt.date | None = None) -> Account:
        on = on or self._today()
        with self._change(name_or_id) as (s, row, account, me):
            _check_date(on, self._today(), "承認日")
            approved = lifecycle.approve(account, me, number, on)
            self._require_manager(s, approved.manager)
            if len(approved.approval_number) > 100:
                raise WorkflowError("承認番号が長すぎます(100 文字まで)")
            _write(row, approved)
            self._audit(s, me, AuditAction.ACCOUNT_APPROVED, row, {"number": row.approval_number, "on": on.isoformat()})
            return account_from_row(row)

    def reject(self, name_or_id: str | int, reason: str) -> Account:
        with self._change(name_or_id) as (s, row, account, me):
            _write(row, lifecycle.reject(account, me, reason))
            self._audit(s, me, AuditAction.ACCOUNT_REJECTED, row, {"reason": reason.strip()})
            return account_from_row(row)

    def start_operation(self, name_or_id: str | int) -> Account:
        with self._change(name_or_id) as (s, row, account, me):
            published = self._published(s, row.id) is not None
            _write(row, lifecycle.start_operation(account, me, published))
            self._audit(s, me, AuditAction.ACCOUNT_STARTED, row)
            return account_from_row(row)

    def suspend(self, name_or_id: str | int, reason: str) -> Account:
        with self._change(name_or_id) as (s, row, account, me):
            _write(row, lifecycle.suspend(account, me, reason))
            self._audit(s, me, AuditAction.ACCOUNT_SUSPENDED, row, {"reason": reason.strip()})
            return account_from_row(row)

    def close(self, name_or_id: str | int, reason: str) -> Account:
        with self._change(name_or_id) as (s, row, account, me):
            _write(row, lifecycle.close(account, me, reason))
            self._audit(s, me, AuditAction.ACCOUNT_CLOSED, row, {"reason": reason.strip()})
            return account_from_row(row)

    def update_facts(self, name_or_id: str | int, facts: AccountFactsInput) -> Account:
        """Correct the registry (URL, hours, contact …): the operations manager or the account's manager."""
        with self._change(name_or_id) as (s, row, account, me):
            _require_owner(account, me)
            if account.status is AccountStatus.CLOSED:
                raise WorkflowError("廃止したアカウントの登録情報は変更できません")
            new_name = facts.name.strip()
            if new_name != row.name and s.scalar(select(AccountRow).where(AccountRow.name == new_name)) is not None:
                raise WorkflowError(f"アカウント「{new_name}」は登録済みです")
            values = {f.name: getattr(facts, f.name).strip() for f in dataclasses.fields(AccountFactsInput)}
            if not values["manager"]:
                values["manager"] = row.manager
            if not values["name"]:
                raise WorkflowError("アカウント名を入力してください")
            _check_lengths(values)
            changed = [field for field in IDENTITY_FIELDS if values[field] != getattr(row, field)]
            if changed and me.role is not Role.OPERATIONS_MANAGER and account.status is not AccountStatus.REQUESTED:
                labels = "・".join(FIELD_LIMITS[field][0] for field in changed)
                raise WorkflowError(f"承認を受けた内容({labels})を変更できるのは運用管理者だけです(第4条第2項)")
            if "manager" in changed:
                self._require_manager(s, values["manager"])
            changes = {field: value for field, value in values.items() if getattr(row, field) != value}
            for field, value in values.items():
                setattr(row, field, value)
            if changes:
                self._audit(s, me, AuditAction.ACCOUNT_FACTS_CHANGED, row, changes)
            return account_from_row(row)

    def official_accounts_url(self) -> str:
        with self._db.session() as s:
            setting = s.get(AppSetting, OFFICIAL_ACCOUNTS_URL_KEY)
            return setting.value if setting is not None else ""

    def set_official_accounts_url(self, url: str) -> None:
        with self._db.session() as s:
            if self._person(s).role is not Role.OPERATIONS_MANAGER:
                raise WorkflowError("公式アカウント一覧のページを設定できるのは運用管理者だけです")
            s.merge(AppSetting(key=OFFICIAL_ACCOUNTS_URL_KEY, value=url.strip()))

    def facts(self, name_or_id: str | int) -> AccountFacts:
        return facts_of(self.account(name_or_id), self.official_accounts_url())

    # -- policies ------------------------------------------------------------------------------

    def versions(self, name_or_id: str | int) -> list[PolicyVersion]:
        """Every saved version, newest first."""
        with self._db.session() as s:
            row = self._row(s, name_or_id)
            rows = s.scalars(
                select(PolicyVersionRow)
                .where(PolicyVersionRow.account_id == row.id)
                .order_by(PolicyVersionRow.version.desc())
            ).all()
            return [_version(r) for r in rows]

    def policy(self, name_or_id: str | int, version: int | None = None) -> tuple[Policy, PolicyVersion | None]:
        """A saved version (the newest by default), or the default template filled from the registry when
        the account has none yet -- a policy can be drafted as soon as the account is registered."""
        with self._db.session() as s:
            row = self._row(s, name_or_id)
            statement = select(PolicyVersionRow).where(PolicyVersionRow.account_id == row.id)
            if version is not None:
                statement = statement.where(PolicyVersionRow.version == version)
            found = s.scalars(statement.order_by(PolicyVersionRow.version.desc()).limit(1)).first()
            if found is None:
                if version is not None:
                    raise WorkflowError(f"アカウント「{row.name}」の利用方針に第 {version} 版はありません")
                account = account_from_row(row)
        if found is not None:
            saved = _version(found)
            return saved.policy, saved
        return default_policy(self.facts(account.id)), None

    def published(self, name_or_id: str | int) -> PolicyVersion | None:
        """The version in force: the one published most recently."""
        with self._db.session() as s:
            row = self._published(s, self._row(s, name_or_id).id)
            return _version(row) if row is not None else None

    def _published(self, s: Session, account_id: int) -> PolicyVersionRow | None:
        return s.scalars(
            select(PolicyVersionRow)
            .where(PolicyVersionRow.account_id == account_id, PolicyVersionRow.status == PolicyStatus.PUBLISHED.value)
            .order_by(PolicyVersionRow.published_on.desc(), PolicyVersionRow.published_at.desc())
            .limit(1)
        ).first()

    def save_policy(self, name_or_id: str | int, policy: Policy) -> PolicyVersion:
        """Save the text as a new version (the account's manager, the operations manager, or staff
        preparing it for them)."""
        with self._change(name_or_id) as (s, row, account, me):
            if account.status is AccountStatus.CLOSED:
                raise WorkflowError("廃止したアカウントの利用方針は変更できません")
            last = s.scalar(select(func.max(PolicyVersionRow.version)).where(PolicyVersionRow.account_id == row.id))
            new = PolicyVersionRow(
                account_id=row.id,
                version=(last or 0) + 1,
                body=policy_to_json(policy),
                status=PolicyStatus.DRAFT.value,
                author=me.login,
                created_at=self._clock(),
                approved_by="",
            )
            s.add(new)
            s.flush()
            self._audit(s, me, AuditAction.POLICY_SAVED, row, {"version": new.version})
            return _version(new)

    def _version_row(self, s: Session, account_id: int, version: int) -> PolicyVersionRow:
        found = s.scalar(
            select(PolicyVersionRow).where(
                PolicyVersionRow.account_id == account_id, PolicyVersionRow.version == version
            )
        )
        if found is None:
            raise WorkflowError(f"利用方針の第 {version} 版はありません")
        return found

    def validate(self, name_or_id: str | int, policy: Policy) -> list[ValidationProblem]:
        """What is wrong with ``policy`` for this account: items, placeholders, registry facts, guideline."""
        checker = self._checker() if self._checker is not None else None
        return validate(policy, self.facts(name_or_id), checker)

    def approve_policy(self, name_or_id: str | int, version: int) -> PolicyVersion:
        """The account's manager (or the operations manager) approves a version without errors."""
        facts = self.facts(name_or_id)
        checker = self._checker() if self._checker is not None else None
        with self._change(name_or_id) as (s, row, account, me):
            _require_owner(account, me)
            _require_policy_target(account)
            found = self._version_row(s, row.id, version)
            if found.status != PolicyStatus.DRAFT.value:
                raise WorkflowError(f"第 {version} 版は{PolicyStatus(found.status).label}です")
            errors = [p for p in validate(policy_from_json(found.body), facts, checker) if p.is_error]
            if errors:
                shown = "\n".join(f"・{p.message}" for p in errors[:5])
                more = f"\n(ほか {len(errors) - 5} 件)" if len(errors) > 5 else ""
                raise WorkflowError(f"エラーが残っている利用方針は承認できません:\n{shown}{more}")
            found.status = PolicyStatus.APPROVED.value
            found.approved_by = me.login
            found.approved_at = self._clock()
            self._audit(s, me, AuditAction.POLICY_APPROVED, row, {"version": version})
            return _version(found)

    def publish_policy(self, name_or_id: str | int, version: int, on: dt.date | None = None) -> PolicyVersion:
        """Record that an approved version was published on the city website on ``on`` (第4条第4項); it is the
        version in force from then on. Not in the future, and not before the version it replaces."""
        on = on or self._today()
        with self._change(name_or_id) as (s, row, account, me):
            _require_owner(account, me)
            _require_policy_target(account)
            _check_date(on, self._today(), "公表日")
            current = self._published(s, row.id)
            if current is not None and current.published_on is not None and on < current.published_on:
                raise WorkflowError(
                    f"公表日は、いま公表中の第 {current.version} 版の公表日"
                    f"({current.published_on:%Y年%m月%d日})より前にはできません"
                )
            found = self._version_row(s, row.id, version)
            if found.status != PolicyStatus.APPROVED.value:
                raise WorkflowError(
                    f"公表できるのは承認済みの版だけです(第 {version} 版は{PolicyStatus(found.status).label})"
                )
            found.status = PolicyStatus.PUBLISHED.value
            found.published_on = on
            found.published_at = self._clock()
            self._audit(s, me, AuditAction.POLICY_PUBLISHED, row, {"version": version, "on": on.isoformat()})
            return _version(found)


def _require_policy_target(account: Account) -> None:
    if account.status in (AccountStatus.REJECTED, AccountStatus.CLOSED, AccountStatus.IMPORTED):
        raise WorkflowError(
            f"アカウント「{account.name}」は{account.status.label}のため、利用方針を承認・公表できません"
        )


def _require_owner(account: Account, me: Person) -> None:
    if me.role is Role.OPERATIONS_MANAGER:
        return
    if me.role is Role.ACCOUNT_MANAGER and me.login == account.manager:
        return
    raise WorkflowError("この操作ができるのは、このアカウントの管理者(所属長)か運用管理者です")


def _version(row: PolicyVersionRow) -> PolicyVersion:
    return PolicyVersion(
        account_id=row.account_id,
        version=row.version,
        status=PolicyStatus(row.status),
        author=row.author,
        created_at=row.created_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        published_on=row.published_on,
        policy=policy_from_json(row.body),
    )
