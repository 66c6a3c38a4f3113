"""Monthly reports (月次報告) over the database: reads one snapshot, lets :mod:`sns_desk.core.report` count.

Who may make one is decided in the core (:func:`~sns_desk.core.report.why_not_report`): the operations
manager for every account, an account manager for the accounts they manage, nobody else. Everything is
read with plain ``select()`` in one read transaction (SQLite ``BEGIN``, PostgreSQL ``REPEATABLE READ``),
so the counts, the corrections and moderation log (第9条, :func:`~sns_desk.services.moderation.article9_facts`
in the same session) and the audit chain's head belong to the same moment; nothing is written (except that a
login the database has never seen is registered as a drafter, as everywhere).

For a front end (the GUI calls these from a worker thread; everything returned is a frozen dataclass)::

    service = ReportService(database, login)
    service.why_not()                      # "" or why this person may make no report (greys the menu)
    service.accounts()                     # the accounts this person may report on
    document = service.monthly(Month.parse("2026-12"), account=None)   # None: every account one may see
    service.export(document, "pdf", path)  # or render(document, "html") for a preview
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.accounts import Account
from ..core.audit import AuditAction
from ..core.errors import InvalidInput, UserError
from ..core.incidents import Event, EventKind, Incident, IncidentKind, IncidentStatus, Step
from ..core.people import Person, Role
from ..core.report import (
    FORMATS,
    LISTED_STATUSES,
    AcknowledgementFact,
    AuditHead,
    BackupFact,
    CorrectionFact,
    DraftStep,
    DraftStepFact,
    Month,
    MonthlyReport,
    PostFact,
    ReportDocument,
    ReportRefused,
    monthly_report,
    render,
    reportable,
    why_not_report,
)
from ..core.rulebook import Rulebook
from ..storage import audit
from ..storage.database import Database, begin_transaction
from ..storage.models import (
    AccountRow,
    AcknowledgementRow,
    BackupRecordRow,
    DraftEventRow,
    DraftRow,
    IncidentEventRow,
    IncidentRow,
    PostedItemRow,
    utc_now,
)
from ..storage.rows import account_from_row, person_for
from .moderation import article9_facts

EXTRA_PLATFORM_LABELS = {"mastodon": "Mastodon"}
"""Services the archive holds posts of (imports) that the registry's list of platforms does not name."""
RUN_LAG = dt.timedelta(days=1)
"""How long after a package's export its ``backup.run`` record may come (the retention step runs between)."""


def _bundled_rulebook() -> Rulebook:
    from ..core.rulebook import load_rulebook
    from ..resources import default_rulebook_path

    return load_rulebook(default_rulebook_path())


class ReportService:
    """Monthly reports as seen by ``login``. ``rulebook``: the rulebook in force, which names each rule's
    article (default: the bundled one)."""

    def __init__(
        self,
        database: Database,
        login: str,
        clock: Callable[[], dt.datetime] = utc_now,
        *,
        rulebook: Callable[[], Rulebook] | None = None,
    ) -> None:
        self._db = database
        self._login = login
        self._clock = clock
        self._rulebook = rulebook or _bundled_rulebook

    def me(self) -> Person:
        with self._db.session() as s:
            return person_for(s, self._login)

    def why_not(self) -> str:
        """Why this person may make no report at all ("" when they may make some)."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            return _why_none(me, reportable(me, _accounts(s)))

    def accounts(self) -> list[Account]:
        """The accounts this person may report on, by name."""
        with self._db.session() as s:
            return reportable(person_for(s, self._login), _accounts(s))

    def monthly(self, month: Month, account: str | int | None = None) -> ReportDocument:
        """The report of ``month`` for ``account`` (a name or an id), or for every account this person may
        report on (accounts requested, rejected or closed only when something happened on them that month).

        :class:`ReportRefused` when the person may not; :class:`InvalidInput` for an unknown account."""
        articles = {rule.id: rule.article for rule in self._rulebook().rules}
        with self._db.session() as s:
            begin_transaction(s, write=False)
            me = person_for(s, self._login)
            every = _accounts(s)
            if account is not None:
                chosen = [_find(every, account)]
                reason = why_not_report(me, chosen[0])
            else:
                chosen = reportable(me, every)
                reason = _why_none(me, chosen)
            if reason:
                raise ReportRefused(reason)
            now = self._clock()
            head = AuditHead(*audit.head(s))
            reports = _reports(s, month, chosen, articles, head, now, me.login)
        if account is None:
            reports = [r for r in reports if r.account.status in LISTED_STATUSES or r.has_activity]
        return ReportDocument(month, tuple(reports), head, now, me.login, me.display_name)

    def export(self, document: ReportDocument, fmt: str, target: Path) -> Path:
        """Write ``document`` as ``fmt`` (html, csv, pdf) to ``target``: to a temporary name first, renamed
        when complete, so a failure leaves no half file."""
        if fmt not in FORMATS:
            raise InvalidInput(f"形式「{fmt}」は選べません({'・'.join(FORMATS)})。形式を", option="--format")
        target = Path(target)
        if target.is_dir():
            raise UserError(f"「{target}」はフォルダです。保存するファイル名を指定してください")
        if not target.parent.is_dir():
            raise UserError(f"保存先のフォルダ「{target.parent}」がありません。先にフォルダを作ってください")
        data = render(document, fmt)
        partial = target.with_name(target.name + ".partial")
        try:
            partial.write_bytes(data)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target


def _why_none(me: Person, reportable_accounts: Sequence[Account]) -> str:
    reason = why_not_report(me)
    if reason:
        return reason
    if me.role is Role.ACCOUNT_MANAGER and not reportable_accounts:
        return "あなたが管理者として登録されたアカウントがないため、月次報告の対象がありません"
    return ""


def _accounts(s: Session) -> list[Account]:
    return [account_from_row(r) for r in s.scalars(select(AccountRow).order_by(AccountRow.name))]


def _find(accounts: Sequence[Account], wanted: str | int) -> Account:
    for account in accounts:
        if (account.id == wanted) if isinstance(wanted, int) else (account.name == wanted.strip()):
            return account
    raise InvalidInput(f"アカウント「{wanted}」は登録されていません。台帳にあるアカウント名を", option="--account")


def _reports(
    s: Session,
    month: Month,
    accounts: Sequence[Account],
    articles: dict[str, str],
    head: AuditHead,
    now: dt.datetime,
    by: str,
) -> list[MonthlyReport]:
    from .registry import PLATFORM_LABELS

    ids = [a.id for a in accounts]
    start, end = month.start, month.end

    posts: dict[int, list[PostFact]] = {}
    for item in s.execute(
        select(
            PostedItemRow.id,
            PostedItemRow.account_id,
            PostedItemRow.posted_at,
            PostedItemRow.platform,
            PostedItemRow.draft_id,
            PostedItemRow.author,
            PostedItemRow.off_terminal_reason,
        ).where(PostedItemRow.account_id.in_(ids), PostedItemRow.posted_at >= start, PostedItemRow.posted_at < end)
    ):
        posts.setdefault(item.account_id, []).append(
            PostFact(
                item.id, item.posted_at, item.platform, item.draft_id is not None, item.author, item.off_terminal_reason
            )
        )

    steps: dict[int, list[DraftStepFact]] = {}
    for event in s.execute(
        select(DraftEventRow.draft_id, DraftEventRow.action, DraftEventRow.at, DraftEventRow.by, DraftRow.account_id)
        .join(DraftRow, DraftRow.id == DraftEventRow.draft_id)
        .where(
            DraftRow.account_id.in_(ids),
            DraftEventRow.action.in_(DraftStep.ALL),
            DraftEventRow.at >= start,
            DraftEventRow.at < end,
        )
    ):
        steps.setdefault(event.account_id, []).append(DraftStepFact(event.draft_id, event.action, event.at, event.by))

    acks: dict[int, list[AcknowledgementFact]] = {}
    for ack in s.execute(
        select(
            AcknowledgementRow.draft_id,
            AcknowledgementRow.rule,
            AcknowledgementRow.reason,
            AcknowledgementRow.by,
            AcknowledgementRow.at,
            DraftRow.account_id,
        )
        .join(DraftRow, DraftRow.id == AcknowledgementRow.draft_id)
        .where(DraftRow.account_id.in_(ids), AcknowledgementRow.at >= start, AcknowledgementRow.at < end)
    ):
        acks.setdefault(ack.account_id, []).append(
            AcknowledgementFact(ack.draft_id, ack.rule, articles.get(ack.rule, ""), ack.reason, ack.by, ack.at)
        )

    incidents = _incidents(s, accounts, start, end)
    backups = _backups(s, accounts, start, end)
    article9 = {account.id: article9_facts(s, account.id, start, end) for account in accounts}
    return [
        monthly_report(
            month,
            account,
            posts=posts.get(account.id, ()),
            draft_steps=steps.get(account.id, ()),
            acknowledgements=acks.get(account.id, ()),
            incidents=incidents,
            backups=backups.get(account.id, ()),
            audit=head,
            generated_at=now,
            generated_by=by,
            platform_labels={**EXTRA_PLATFORM_LABELS, **PLATFORM_LABELS},
            corrections=[CorrectionFact(c.original, c.correction) for c in article9[account.id].corrections],
            moderation=article9[account.id].moderation,
        )
        for account in accounts
    ]


def _incidents(s: Session, accounts: Sequence[Account], start: dt.datetime, end: dt.datetime) -> list[Incident]:
    """Incidents of ``accounts`` found before the month's end and not closed before its start."""
    by_id = {a.id: a for a in accounts}
    rows = s.scalars(
        select(IncidentRow).where(
            IncidentRow.account_id.in_(list(by_id)),
            IncidentRow.found_at < end,
            (IncidentRow.closed_at.is_(None)) | (IncidentRow.closed_at >= start),
        )
    ).all()
    events: dict[int, list[Event]] = {}
    if rows:
        for e in s.scalars(
            select(IncidentEventRow)
            .where(IncidentEventRow.incident_id.in_([r.id for r in rows]))
            .order_by(IncidentEventRow.id)
        ):
            action: EventKind | str = EventKind(e.action) if e.action in set(EventKind) else e.action
            events.setdefault(e.incident_id, []).append(
                Event(action, e.by, e.at, e.step_id, e.text, e.draft_id, e.evidence_id, e.text_kind)
            )
    out = []
    for row in rows:
        account = by_id[row.account_id]
        if row.kind not in set(IncidentKind) or row.status not in set(IncidentStatus):  # a newer version's kind
            continue
        out.append(
            Incident(
                id=row.id,
                account_id=row.account_id,
                account_name=account.name,
                account_manager=account.manager,
                kind=IncidentKind(row.kind),
                description=row.description,
                found_at=row.found_at,
                found_by=row.found_by,
                reported_by=row.reported_by,
                reported_at=row.reported_at,
                status=IncidentStatus(row.status),
                steps=tuple(Step.from_json(step) for step in row.checklist),
                events=tuple(events.get(row.id, ())),
                closed_by=row.closed_by,
                closed_at=row.closed_at,
                account_platform=account.platform,
            )
        )
    return out


def _backups(
    s: Session, accounts: Sequence[Account], start: dt.datetime, end: dt.datetime
) -> dict[int, list[BackupFact]]:
    """The packages written in the month that hold each account's items (all accounts, or that one)."""
    exported = audit.between(s, (AuditAction.BACKUP_EXPORTED,), start, end)
    if not exported:
        return {}
    scheduled = {r.object_id for r in audit.between(s, (AuditAction.BACKUP_RUN,), start, end + RUN_LAG)}
    paths = [str(r.payload.get("path", "")) for r in exported]
    own: dict[tuple[int, str], int] = {}
    for record in s.execute(
        select(BackupRecordRow.account_id, BackupRecordRow.path, BackupRecordRow.items).where(
            BackupRecordRow.account_id.in_([a.id for a in accounts]), BackupRecordRow.path.in_(paths)
        )
    ):
        own[(record.account_id, record.path)] = record.items
    out: dict[int, list[BackupFact]] = {}
    for r in exported:
        payload = r.payload
        scope = payload.get("account")
        since = payload.get("since")
        path = str(payload.get("path", ""))
        for account in accounts:
            if scope not in (None, account.name):
                continue
            out.setdefault(account.id, []).append(
                BackupFact(
                    name=r.object_id,
                    at=r.at,
                    by=r.actor,
                    items=_int(payload.get("items")),
                    media=_int(payload.get("media")),
                    account=None if scope is None else str(scope),
                    since=_time(since),
                    scheduled=r.object_id in scheduled,
                    account_items=own.get((account.id, path)),
                    path=path,
                )
            )
    return out


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
