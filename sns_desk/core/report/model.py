"""The monthly report (月次報告) of an account, computed from plain facts: no database, no files.

A month is a calendar month in Japan time: December 2026 runs from 2026-12-01 00:00 to 2027-01-01 00:00
in Japan (2026-11-30T15:00Z to 2026-12-31T15:00Z), so a post at 2026-11-30T15:30Z is a December post.
Weeks start on Monday and are cut at the month's ends (December 2026: 1–6, 7–13, 14–20, 21–27, 28–31).

The service (``sns_desk.services.report``) reads the facts from storage; :func:`monthly_report` keeps
those of the month and counts them. What the guideline asks the report to show:

* posts of the account (第6条第9号: what was posted is kept in the office) by week and by platform, and
  those posted from outside a city terminal with the reason (第5条);
* the approval workflow: drafts submitted, approved, returned and discarded;
* warnings kept on purpose, with the reason, grouped by the guideline article of the rule;
* incidents (第8条・第9条第1項): each step with the time it took from when the incident was found;
* backups made (第6条第9号) and the audit chain's head when the report was made;
* corrections (訂正) posted in the month, each with the post it corrects, and others' comments deleted or
  hidden under the usage policy (第9条): the actions that stand are counted by action and by policy item;
  entries superseded by a later one, and 取消 entries, are listed with a note and not counted. Like
  incidents, the log is shown as it stands when the report is made.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ..accounts import Account, AccountStatus
from ..checker.articles import article_label
from ..errors import InvalidInput
from ..incidents import Incident, IncidentStatus, StepStatus
from ..jst import JST
from ..moderation import LinkedPost, ModerationAction, ModerationEntry
from ..people import Person, Role
from ..policy.items import ITEM_IDS, find_item
from ..workflow import WorkflowError

_MONTH: Final = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_MONTH_HINT: Final = "YYYY-MM の形の年月(例 2026-12)を"
_WEEKDAYS: Final = "月火水木金土日"


class ReportRefused(WorkflowError):
    """Someone who may not make this report (exit code 1 on the command line)."""


# -- the month --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month in Japan time."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise InvalidInput(f"年 {self.year:04d} は扱えません(0001〜9999 年)。{_MONTH_HINT}", option="--month")
        if not 1 <= self.month <= 12:
            raise InvalidInput(f"月 {self.month:02d} はありません(01〜12 月)。{_MONTH_HINT}", option="--month")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-12`` (or ``２０２６－１２``) → December 2026; anything else is an :class:`InvalidInput`
        naming ``--month``."""
        match = _MONTH.fullmatch(unicodedata.normalize("NFKC", text).strip())
        if match is None:
            raise InvalidInput(f"「{text}」は年月として読めません。{_MONTH_HINT}", option="--month")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, at: dt.datetime) -> Month:
        """The month in Japan of the aware moment ``at``."""
        day = at.astimezone(JST)
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def last_day(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first_date(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_date(self) -> dt.date:
        return dt.date(self.year, self.month, self.last_day)

    @property
    def start(self) -> dt.datetime:
        """The first moment of the month in UTC: the day before at 15:00 (0001-01-01T00:00Z for January of
        year 1, whose first Japanese hours lie before anything a computer can store)."""
        try:
            return dt.datetime(self.year, self.month, 1).replace(tzinfo=dt.UTC) - dt.timedelta(hours=9)
        except OverflowError:
            return dt.datetime.min.replace(tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the month in UTC (exclusive): the last day at 15:00."""
        return dt.datetime(self.year, self.month, self.last_day, 15, tzinfo=dt.UTC)

    def contains(self, at: dt.datetime) -> bool:
        return self.start <= at < self.end

    def weeks(self) -> tuple[tuple[dt.date, dt.date], ...]:
        """Monday-to-Sunday weeks, the first and last cut at the month's ends."""
        out: list[tuple[dt.date, dt.date]] = []
        first_weekday = self.first_date.weekday()
        day = 1
        while day <= self.last_day:
            last = min(self.last_day, day + 6 - (first_weekday + day - 1) % 7)
            out.append((dt.date(self.year, self.month, day), dt.date(self.year, self.month, last)))
            day = last + 1
        return tuple(out)

    def week_of(self, at: dt.datetime) -> int:
        """The index into :meth:`weeks` of a moment of this month."""
        day = at.astimezone(JST).date()
        return (day.day - 1 + self.first_date.weekday()) // 7


def week_label(first: dt.date, last: dt.date) -> str:
    """``12/1〜12/6`` (one day: ``12/31``)."""
    if first == last:
        return f"{first.month}/{first.day}"
    return f"{first.month}/{first.day}〜{last.month}/{last.day}"


def jst_text(at: dt.datetime) -> str:
    """2026-12-05 10:05 (Japan time), as the report prints every moment."""
    return at.astimezone(JST).strftime("%Y-%m-%d %H:%M")


def jst_text_weekday(at: dt.datetime) -> str:
    """2026-12-05(土) 10:05."""
    local = at.astimezone(JST)
    return f"{local:%Y-%m-%d}({_WEEKDAYS[local.weekday()]}) {local:%H:%M}"


def elapsed_minutes(delta: dt.timedelta) -> int:
    """Whole minutes (rounded down; towards zero for a step recorded before the time found, which only
    another terminal's clock can cause)."""
    seconds = int(delta.total_seconds())
    return -((-seconds) // 60) if seconds < 0 else seconds // 60


def elapsed_text(delta: dt.timedelta) -> str:
    """``45分``, ``2時間05分``, ``3日4時間05分`` (``-3分`` before the time found)."""
    minutes = elapsed_minutes(delta)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}日{hours}時間{mins:02d}分"
    if hours:
        return f"{sign}{hours}時間{mins:02d}分"
    return f"{sign}{mins}分"


# -- who may make it ---------------------------------------------------------------------------------


def why_not_report(person: Person, account: Account | None = None) -> str:
    """Why ``person`` may not make the monthly report (of ``account``; None: of any account). "" when allowed.

    The operations manager (運用管理者, 第4条第1項) reports on every account; an account's manager
    (アカウント管理者, 第4条第3項) on the accounts they manage; drafters on none."""
    if not person.active:
        return f"「{person.login}」は無効にされているため、月次報告を作れません"
    if person.role is Role.OPERATIONS_MANAGER:
        return ""
    if person.role is Role.ACCOUNT_MANAGER:
        if account is None or account.manager == person.login:
            return ""
        return (
            f"アカウント「{account.name}」の月次報告を作れるのは、そのアカウントの管理者と運用管理者だけです"
            f"(管理者は {account.manager or '未設定'})"
        )
    return f"月次報告を作れるのは運用管理者とアカウント管理者だけです(あなたは{person.role.label})"


def reportable(person: Person, accounts: Iterable[Account]) -> list[Account]:
    """The accounts ``person`` may report on, in the given order."""
    return [a for a in accounts if not why_not_report(person, a)]


LISTED_STATUSES: Final = frozenset(
    {AccountStatus.APPROVED, AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.IMPORTED}
)
"""The accounts a report of "all accounts" always has a section for; a requested, rejected or closed
account has one only in a month in which something happened on it."""


# -- facts (what the service reads) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostFact:
    """An item of the archive (``posted_items``)."""

    item_id: int
    posted_at: dt.datetime
    platform: str
    from_desk: bool
    """Marked as posted on the desk (after approval); False for one only known from a platform export."""
    author: str = ""
    off_terminal_reason: str = ""
    """Why it was posted from outside a city terminal (第5条); "" for a city terminal."""


class DraftStep:
    """The steps of the approval workflow the report counts (``draft_events.action``)."""

    SUBMITTED: Final = "submit"
    APPROVED: Final = "approve"
    RETURNED: Final = "reject"
    DISCARDED: Final = "discard"
    ALL: Final = (SUBMITTED, APPROVED, RETURNED, DISCARDED)


@dataclass(frozen=True, slots=True)
class DraftStepFact:
    draft_id: int
    action: str
    """One of :data:`DraftStep.ALL`."""
    at: dt.datetime
    by: str


@dataclass(frozen=True, slots=True)
class AcknowledgementFact:
    """A warning kept on purpose (``draft_acknowledgements``), with its rule's article."""

    draft_id: int
    rule: str
    article: str
    """The article code of the rule in the rulebook in force (``7-5``); "" when the rulebook has no such rule."""
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class BackupFact:
    """A backup package written (audit action ``backup.exported``)."""

    name: str
    at: dt.datetime
    by: str
    items: int
    """Items in the whole package."""
    media: int
    account: str | None
    """The one account it was limited to; None: every account."""
    since: dt.datetime | None = None
    """Only items posted since then (a partial backup)."""
    scheduled: bool = False
    """Written by ``backup run`` (audit action ``backup.run`` for the same package)."""
    account_items: int | None = None
    """The account's own items in it, when the backup records say (full backups only)."""
    path: str = ""


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The audit chain when the report was made: how many records and the last one's hash."""

    records: int
    last_hash: str


@dataclass(frozen=True, slots=True)
class CorrectionFact:
    """A correction (訂正・謝罪の投稿) posted in the month, with the archived post it corrects."""

    original: LinkedPost
    correction: LinkedPost


# -- the report ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekCount:
    first: dt.date
    last: dt.date
    count: int

    @property
    def label(self) -> str:
        return week_label(self.first, self.last)


@dataclass(frozen=True, slots=True)
class PlatformCount:
    platform: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class PostStats:
    total: int
    from_desk: int
    weeks: tuple[WeekCount, ...]
    platforms: tuple[PlatformCount, ...]
    """Most posts first."""
    off_terminal: tuple[PostFact, ...]
    """Posted from outside a city terminal (第5条), oldest first."""


@dataclass(frozen=True, slots=True)
class StepCount:
    times: int
    """How often the step was taken (a draft returned twice counts twice)."""
    drafts: int
    """How many different drafts."""


@dataclass(frozen=True, slots=True)
class DraftStats:
    submitted: StepCount
    approved: StepCount
    returned: StepCount
    discarded: StepCount

    def rows(self) -> tuple[tuple[str, str, StepCount], ...]:
        """(key, label, count) in workflow order."""
        return (
            ("submitted", "承認申請", self.submitted),
            ("approved", "承認", self.approved),
            ("returned", "差戻し", self.returned),
            ("discarded", "破棄", self.discarded),
        )

    @property
    def any(self) -> bool:
        return any(count.times for _, _, count in self.rows())


@dataclass(frozen=True, slots=True)
class ArticleFindings:
    """The warnings kept on purpose under one article, oldest first."""

    article: str
    """The code (``7-5``); "" for rules the rulebook in force does not have."""
    items: tuple[AcknowledgementFact, ...]

    @property
    def label(self) -> str:
        return article_label(self.article) if self.article else "条項不明(ルールブックにない規則)"

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class StepReport:
    """One step of an incident's checklist, or its reporting or closing."""

    id: str
    title: str
    required: bool
    status: StepStatus
    at: dt.datetime | None = None
    by: str = ""
    note: str = ""
    """What was done, or why it is not needed."""
    elapsed: dt.timedelta | None = None
    """From when the incident was found to the decision."""

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True, slots=True)
class IncidentReport:
    id: int
    kind_label: str
    article: str
    """Where the guideline speaks of the kind (第8条第1項); "" for その他."""
    description: str
    found_at: dt.datetime
    found_by: str
    reported_at: dt.datetime
    reported_by: str
    steps: tuple[StepReport, ...]
    closed_at: dt.datetime | None
    closed_by: str
    found_this_month: bool
    """False for an incident found earlier and still open in the month."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def status_label(self) -> str:
        return IncidentStatus.OPEN.label if self.is_open else IncidentStatus.CLOSED.label

    @property
    def reported_after(self) -> dt.timedelta:
        return self.reported_at - self.found_at

    @property
    def closed_after(self) -> dt.timedelta | None:
        return None if self.closed_at is None else self.closed_at - self.found_at

    @property
    def open_steps(self) -> int:
        return sum(1 for s in self.steps if s.status is StepStatus.OPEN)


@dataclass(frozen=True, slots=True)
class ModerationCount:
    key: str
    """The action (``delete``, ``hide``) or the usage-policy item's id."""
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class ModerationLine:
    """One moderation entry acted on in the month, as the report lists it."""

    entry: ModerationEntry
    counted: bool
    """The entry stands (not superseded, not 取消): an action the city took."""
    note: str = ""
    """Why it is not counted, or which earlier entry it corrects."""

    @property
    def action_label(self) -> str:
        return self.entry.action.label

    @property
    def policy_label(self) -> str:
        return self.entry.policy_label


@dataclass(frozen=True, slots=True)
class ModerationStats:
    """Comments deleted or hidden in the month (第9条)."""

    lines: tuple[ModerationLine, ...] = ()
    """Every entry acted on in the month, oldest first (counted or not)."""
    by_action: tuple[ModerationCount, ...] = ()
    """削除, 非表示 (both, even at 0, once there is any entry)."""
    by_item: tuple[ModerationCount, ...] = ()
    """The policy items of the standing entries, in the policy's order."""

    @property
    def total(self) -> int:
        """Standing actions."""
        return sum(1 for line in self.lines if line.counted)

    @property
    def not_counted(self) -> int:
        return sum(1 for line in self.lines if not line.counted)


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """One account's month."""

    month: Month
    account: Account
    posts: PostStats
    drafts: DraftStats
    findings: tuple[ArticleFindings, ...]
    """By article in the guideline's order."""
    incidents: tuple[IncidentReport, ...]
    """Found in the month, or found earlier and open in it; oldest first."""
    backups: tuple[BackupFact, ...]
    """Packages written in the month that hold the account's items (all accounts, or this one), oldest first."""
    audit: AuditHead
    generated_at: dt.datetime
    generated_by: str
    platform_label: str = ""
    """The account's platform as people name it (X(旧Twitter))."""
    corrections: tuple[CorrectionFact, ...] = ()
    """Corrections posted in the month, oldest first."""
    moderation: ModerationStats = ModerationStats()

    @property
    def findings_total(self) -> int:
        return sum(group.count for group in self.findings)

    @property
    def has_activity(self) -> bool:
        """Something happened on the account in the month (backups of the whole archive aside)."""
        return bool(
            self.posts.total
            or self.drafts.any
            or self.findings
            or self.incidents
            or self.corrections
            or self.moderation.lines
        )


@dataclass(frozen=True, slots=True)
class ReportDocument:
    """What one file holds: the month's report of each account, made at one moment from one snapshot."""

    month: Month
    reports: tuple[MonthlyReport, ...]
    audit: AuditHead
    generated_at: dt.datetime
    generated_by: str
    """Login of who made it."""
    generated_by_name: str = ""

    @property
    def title(self) -> str:
        if len(self.reports) == 1:
            return f"SNS 運用月次報告 {self.month.label}({self.reports[0].account.name})"
        return f"SNS 運用月次報告 {self.month.label}"

    @property
    def author(self) -> str:
        name = self.generated_by_name.strip()
        return f"{name}({self.generated_by})" if name and name != self.generated_by else self.generated_by


# -- computing it -------------------------------------------------------------------------------------


def _article_key(code: str) -> tuple[int, tuple[int, ...], str]:
    if not code:
        return (1, (), "")
    parts = code.split("-")
    if all(p.isdigit() for p in parts):
        return (0, tuple(int(p) for p in parts), code)
    return (0, (10**6,), code)


def _post_stats(month: Month, posts: Sequence[PostFact], platform_labels: Mapping[str, str]) -> PostStats:
    weeks = month.weeks()
    per_week = [0] * len(weeks)
    for post in posts:
        per_week[month.week_of(post.posted_at)] += 1
    platforms = Counter(post.platform for post in posts)
    return PostStats(
        total=len(posts),
        from_desk=sum(1 for post in posts if post.from_desk),
        weeks=tuple(WeekCount(first, last, n) for (first, last), n in zip(weeks, per_week, strict=True)),
        platforms=tuple(
            PlatformCount(p, platform_labels.get(p, p), n)
            for p, n in sorted(platforms.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        off_terminal=tuple(sorted((p for p in posts if p.off_terminal_reason), key=lambda p: (p.posted_at, p.item_id))),
    )


def _draft_stats(steps: Sequence[DraftStepFact]) -> DraftStats:
    def count(action: str) -> StepCount:
        taken = [s for s in steps if s.action == action]
        return StepCount(len(taken), len({s.draft_id for s in taken}))

    return DraftStats(
        count(DraftStep.SUBMITTED), count(DraftStep.APPROVED), count(DraftStep.RETURNED), count(DraftStep.DISCARDED)
    )


def _findings(acks: Sequence[AcknowledgementFact]) -> tuple[ArticleFindings, ...]:
    groups: dict[str, list[AcknowledgementFact]] = {}
    for ack in sorted(acks, key=lambda a: (a.at, a.draft_id, a.rule)):
        groups.setdefault(ack.article, []).append(ack)
    return tuple(ArticleFindings(code, tuple(groups[code])) for code in sorted(groups, key=_article_key))


def _incident_report(month: Month, incident: Incident) -> IncidentReport:
    found = incident.found_at
    steps = [
        StepReport(
            state.step.id,
            state.step.title,
            state.step.required,
            state.status,
            state.at,
            state.by,
            state.note,
            None if state.at is None else state.at - found,
        )
        for state in incident.states
    ]
    return IncidentReport(
        id=incident.id,
        kind_label=incident.kind.label,
        article=incident.kind.article,
        description=incident.description,
        found_at=found,
        found_by=incident.found_by,
        reported_at=incident.reported_at,
        reported_by=incident.reported_by,
        steps=tuple(steps),
        closed_at=None if incident.is_open else incident.closed_at,
        closed_by="" if incident.is_open else incident.closed_by,
        found_this_month=month.contains(found),
    )


def _moderation_note(entry: ModerationEntry, by_id: Mapping[int, ModerationEntry]) -> str:
    if entry.action is ModerationAction.RETRACT:
        return f"記録 {entry.supersedes_id} の取消(数えない)"
    if entry.superseded_by_id is not None:
        later = by_id.get(entry.superseded_by_id)
        if later is not None and later.action is ModerationAction.RETRACT:
            return f"記録 {entry.superseded_by_id} で取消(数えない)"
        if later is not None:
            return f"記録 {entry.superseded_by_id} で訂正(数えない)"
        return f"後の記録 {entry.superseded_by_id} で訂正または取消(数えない)"
    if entry.supersedes_id is not None:
        return f"記録 {entry.supersedes_id} を訂正"
    return ""


def _moderation_stats(entries: Sequence[ModerationEntry]) -> ModerationStats:
    ordered = sorted(entries, key=lambda e: (e.acted_at, e.id))
    if not ordered:
        return ModerationStats()
    by_id = {e.id: e for e in ordered}
    lines = tuple(ModerationLine(e, e.stands, _moderation_note(e, by_id)) for e in ordered)
    standing = [line.entry for line in lines if line.counted]
    actions = Counter(e.action for e in standing)
    items = Counter(e.policy_item for e in standing)
    order = {item: n for n, item in enumerate(ITEM_IDS)}
    return ModerationStats(
        lines=lines,
        by_action=tuple(
            ModerationCount(a.value, a.label, actions[a]) for a in (ModerationAction.DELETE, ModerationAction.HIDE)
        ),
        by_item=tuple(
            ModerationCount(item, _item_label(item), n)
            for item, n in sorted(items.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        ),
    )


def _item_label(item_id: str) -> str:
    found = find_item(item_id)
    return found.label if found else item_id


def incident_in_month(month: Month, incident: Incident) -> bool:
    """Found in the month, or found before it and not closed before it began."""
    if incident.found_at >= month.end:
        return False
    if month.contains(incident.found_at):
        return True
    return incident.is_open or (incident.closed_at is not None and incident.closed_at >= month.start)


def monthly_report(
    month: Month,
    account: Account,
    *,
    posts: Iterable[PostFact] = (),
    draft_steps: Iterable[DraftStepFact] = (),
    acknowledgements: Iterable[AcknowledgementFact] = (),
    incidents: Iterable[Incident] = (),
    backups: Iterable[BackupFact] = (),
    audit: AuditHead,
    generated_at: dt.datetime,
    generated_by: str,
    platform_labels: Mapping[str, str] | None = None,
    corrections: Iterable[CorrectionFact] = (),
    moderation: Iterable[ModerationEntry] = (),
) -> MonthlyReport:
    """The report of ``account`` for ``month``: facts outside the month (in Japan time) are left out,
    as are incidents and backups of other accounts.

    Incidents are shown as they stand when the report is made (a step done after the month still shows,
    with its date), so a report made early in the next month tells how each one ended; so are moderation
    entries (one superseded or retracted later is not counted). Corrections are those posted in the month
    on the account; moderation entries those acted on in the month on it.
    """
    in_month_posts = [p for p in posts if month.contains(p.posted_at)]
    steps = [s for s in draft_steps if s.action in DraftStep.ALL and month.contains(s.at)]
    acks = [a for a in acknowledgements if month.contains(a.at)]
    chosen = sorted(
        (i for i in incidents if i.account_id == account.id and incident_in_month(month, i)),
        key=lambda i: (i.found_at, i.id),
    )
    kept_backups = sorted(
        (b for b in backups if month.contains(b.at) and b.account in (None, account.name)),
        key=lambda b: (b.at, b.name),
    )
    kept_corrections = sorted(
        (c for c in corrections if c.correction.account == account.name and month.contains(c.correction.posted_at)),
        key=lambda c: (c.correction.posted_at, c.correction.id),
    )
    entries = [e for e in moderation if e.account_id == account.id and month.contains(e.acted_at)]
    return MonthlyReport(
        month=month,
        account=account,
        posts=_post_stats(month, in_month_posts, platform_labels or {}),
        drafts=_draft_stats(steps),
        findings=_findings(acks),
        incidents=tuple(_incident_report(month, i) for i in chosen),
        backups=tuple(kept_backups),
        audit=audit,
        generated_at=generated_at,
        generated_by=generated_by,
        platform_label=(platform_labels or {}).get(account.platform, account.platform),
        corrections=tuple(kept_corrections),
        moderation=_moderation_stats(entries),
    )
