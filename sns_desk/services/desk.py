"""The drafting desk's service: drafts, approval and accounts, over the database.

Every decision is made by :mod:`sns_desk.core.workflow`; this module loads and stores what
it decides, records each step in ``draft_events``, and hands front ends plain dataclasses
(never live ORM objects), so the GUI can call it from a worker thread and the CLI obeys the
same rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..core.accounts import Account
from ..core.attachments import AttachmentError, ExifConcern, inspect_image, make_thumbnail, strip_metadata
from ..core.audit import AuditAction
from ..core.checker import CheckContext, Checker, Finding
from ..core.people import Person, Role
from ..core.workflow import Acknowledgement, Draft, DraftEventKind, DraftNotFound, DraftState, WorkflowError, rules
from ..storage import audit
from ..storage.database import Database
from ..storage.errors import StorageError
from ..storage.media import MediaStore
from ..storage.models import (
    AccountRow,
    AcknowledgementRow,
    AttachmentRow,
    DraftEventRow,
    DraftRow,
    PostedItemRow,
    PostedMediaRow,
    utc_now,
)
from ..storage.rows import account_from_row, person_for

_EXCERPT = 40


@dataclasses.dataclass(frozen=True, slots=True)
class DraftSummary:
    id: int
    title: str
    excerpt: str
    account_id: int
    account_name: str
    state: DraftState
    author: str
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class AttachmentInfo:
    id: int
    draft_id: int
    filename: str
    sha256: str
    format: str
    width: int
    height: int
    byte_size: int
    privacy: tuple[ExifConcern, ...]
    """Identifying metadata the file still carries (GPS, camera, owner …)."""
    problem: str = ""
    """Why the stored file cannot be used (missing or damaged), in Japanese; '' when it can."""


@dataclasses.dataclass(frozen=True, slots=True)
class DraftEvent:
    action: DraftEventKind | str
    """A kind this version knows, or the stored text of one written by a newer version."""
    by: str
    at: dt.datetime
    comment: str

    @property
    def label(self) -> str:
        return self.action.label if isinstance(self.action, DraftEventKind) else self.action


class DeskService:
    """One user's view of the desk. ``login`` is the OS user; unknown users become drafters."""

    def __init__(
        self,
        database: Database,
        checker: Callable[[], Checker],
        login: str,
        clock: Callable[[], dt.datetime] = utc_now,
        media: MediaStore | None = None,
    ) -> None:
        self._db = database
        self._media = media
        self._checker = checker
        self._login = login
        self._clock = clock

    # -- people and accounts ---------------------------------------------------------------

    def me(self) -> Person:
        with self._db.session() as s:
            return self._person(s)

    def _person(self, s: Session) -> Person:
        return person_for(s, self._login)

    def set_role(self, login: str, role: Role) -> None:
        """Only the operations manager hands out roles (see :class:`PeopleService`)."""
        from .people import PeopleService

        PeopleService(self._db, self._login, self._clock).set_role(login, role)

    def accounts(self, postable_only: bool = False) -> list[Account]:
        with self._db.session() as s:
            rows = s.scalars(select(AccountRow).order_by(AccountRow.name)).all()
            accounts = [account_from_row(r) for r in rows]
        return [a for a in accounts if a.postable] if postable_only else accounts

    def add_account(
        self,
        platform: str,
        name: str,
        url: str,
        department: str,
        manager: str,
        *,
        manager_title: str = "所属長",
        operating_hours: str = "平日 8時30分〜17時15分",
    ) -> Account:
        """Set up an account that already runs, in one step (the operations manager): register it, save
        the default usage policy filled from these facts, approve and publish it today, and start
        operation. Every step goes through the registry's rules, so a policy with errors stops it.
        The request → approval → policy → operation flow is :class:`~sns_desk.services.registry.RegistryService`.
        """
        from .registry import AccountFactsInput, RegistryService

        registry = RegistryService(self._db, self._login, self._clock, checker=self._checker)
        facts = AccountFactsInput(
            platform, name, url, department, manager, manager_title=manager_title, operating_hours=operating_hours
        )
        account = registry.register(facts)
        policy, _ = registry.policy(account.id)
        saved = registry.save_policy(account.id, policy)
        registry.approve_policy(account.id, saved.version)
        registry.publish_policy(account.id, saved.version)
        return registry.start_operation(account.id)

    # -- drafts ------------------------------------------------------------------------------

    def drafts(self, state: DraftState | None = None, account_id: int | None = None) -> list[DraftSummary]:
        with self._db.session() as s:
            query = select(DraftRow, AccountRow.name).join(AccountRow, DraftRow.account_id == AccountRow.id)
            if state is not None:
                query = query.where(DraftRow.state == state.value)
            if account_id is not None:
                query = query.where(DraftRow.account_id == account_id)
            rows = s.execute(query.order_by(DraftRow.updated_at.desc(), DraftRow.id.desc())).all()
            return [
                DraftSummary(
                    d.id,
                    d.title,
                    " ".join(d.text.split())[:_EXCERPT],
                    d.account_id,
                    name,
                    DraftState(d.state),
                    d.author,
                    d.updated_at,
                )
                for d, name in rows
            ]

    def create_draft(self, account_id: int, platforms: Sequence[str] = (), title: str = "", text: str = "") -> Draft:
        with self._db.session() as s:
            me = self._person(s)
            account = s.get(AccountRow, account_id)
            if account is None or not account_from_row(account).postable:
                raise WorkflowError("投稿先は、登録済みで運用中のアカウントから選んでください")
            now = self._clock()
            row = DraftRow(
                account_id=account_id,
                author=me.login,
                title=title,
                text=text,
                state=DraftState.DRAFT.value,
                platforms=list(platforms or (account.platform,)),
                revision=0,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            _event(s, row.id, DraftEventKind.CREATE, me.login, now)
            return _draft(row, [])

    def draft(self, draft_id: int) -> Draft:
        with self._db.session() as s:
            return self._load(s, draft_id)[1]

    def save(
        self,
        draft_id: int,
        revision: int,
        text: str,
        title: str | None = None,
        platforms: Sequence[str] | None = None,
    ) -> Draft:
        """Store an edit (autosave). ``revision`` is the one the editor started from: an edit
        saved meanwhile elsewhere is a conflict, never silently overwritten."""
        with self._db.session() as s:
            row, draft = self._load(s, draft_id, for_update=True)
            me = self._person(s)
            if not rules.can_edit(draft, me):
                raise WorkflowError(f"「{draft.state.label}」の投稿案は編集できません")
            if row.revision != revision:
                raise WorkflowError(_CONFLICT)
            now = self._clock()
            values: dict[str, object] = {"text": text, "revision": revision + 1, "updated_at": now}
            if title is not None:
                values["title"] = title
            if platforms is not None:
                values["platforms"] = list(platforms)
            if me.login not in draft.editors:
                values["editors"] = [*draft.editors, me.login]
            _guarded_update(s, draft, values)
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            audit.append(
                s, me.login, AuditAction.DRAFT_SAVED, "draft", draft_id,
                {"revision": revision + 1, "text_sha256": digest, "characters": len(text)}, at=now,
            )  # fmt: skip
            return self._load(s, draft_id)[1]

    def check(self, draft: Draft) -> list[Finding]:
        """The findings the rules judge ``draft`` by (its platforms, today's date)."""
        context = CheckContext(platforms=draft.platforms, post_date=self._clock().astimezone().date())
        return self._checker().check(draft.text, context)

    def acknowledge(self, draft_id: int, finding: Finding, reason: str, revision: int | None = None) -> Draft:
        """Keep a warning with a reason. ``revision`` is the text the finding was computed on: if the
        draft was saved since, the acknowledgement is refused rather than pinned to other words."""
        with self._transition(draft_id) as (s, row, draft, me, now):
            if revision is not None and row.revision != revision:
                raise WorkflowError("この投稿案は別の画面で更新されています。開き直してから確認済みにしてください")
            updated = rules.acknowledge(draft, finding, me, reason, now)
            ack = updated.acknowledgements[-1]
            s.execute(
                delete(AcknowledgementRow).where(
                    AcknowledgementRow.draft_id == draft_id, AcknowledgementRow.fingerprint == ack.fingerprint
                )
            )
            s.add(
                AcknowledgementRow(
                    draft_id=draft_id, fingerprint=ack.fingerprint, rule=ack.rule, reason=ack.reason, by=ack.by, at=now
                )
            )
            _event(s, draft_id, DraftEventKind.ACKNOWLEDGE, me.login, now, f"{ack.rule}: {ack.reason}")
        return self.draft(draft_id)

    def submit(self, draft_id: int) -> Draft:
        with self._transition(draft_id) as (s, row, draft, me, now):
            _require_postable(s, row, "承認申請")
            updated = rules.submit(draft, self.check(draft), me, now)
            self._note_rulebook(s, me, now)
            _apply(s, draft, updated)
            _event(s, draft_id, DraftEventKind.SUBMIT, me.login, now)
        return self.draft(draft_id)

    def approve(self, draft_id: int, revision: int | None = None) -> Draft:
        """``revision`` is the text the approver read: if it changed since, approval is refused."""
        with self._transition(draft_id) as (s, row, draft, me, now):
            if revision is not None and row.revision != revision:
                raise WorkflowError(
                    "この投稿案は表示中の内容から変わっています。開き直して確認してから承認してください"
                )
            account = _require_postable(s, row, "承認")
            updated = rules.approve(draft, me, account.manager, now, self.check(draft))
            self._note_rulebook(s, me, now)
            _apply(s, draft, updated)
            _event(s, draft_id, DraftEventKind.APPROVE, me.login, now)
        return self.draft(draft_id)

    def _note_rulebook(self, s: Session, me: Person, now: dt.datetime) -> None:
        """Record in the audit chain when submissions and approvals start using another rulebook
        (第10条: the operations manager keeps it; a changed file is visible in the trail)."""
        rulebook = self._checker().rulebook
        last = audit.history(s, "rulebook", RULEBOOK_OBJECT_ID)[-1:]
        if last and last[0].payload.get("digest") == rulebook.digest:
            return
        payload = {
            "version": rulebook.version,
            "digest": rulebook.digest,
            "previous": str(last[0].payload.get("digest", "")) if last else "",
        }
        audit.append(s, me.login, AuditAction.RULEBOOK_CHANGED, "rulebook", RULEBOOK_OBJECT_ID, payload, at=now)

    def reject(self, draft_id: int, comment: str) -> Draft:
        with self._transition(draft_id) as (s, row, draft, me, now):
            manager = s.get(AccountRow, row.account_id)
            updated = rules.reject(draft, me, manager.manager if manager else "", comment, now)
            _apply(s, draft, updated)
            _event(s, draft_id, DraftEventKind.REJECT, me.login, now, updated.review_comment)
        return self.draft(draft_id)

    def withdraw(self, draft_id: int) -> Draft:
        """取り下げ: the author takes a submitted draft back to 下書き to change it."""
        with self._transition(draft_id) as (s, _row, draft, me, now):
            _apply(s, draft, rules.withdraw(draft, me, now))
            _event(s, draft_id, DraftEventKind.WITHDRAW, me.login, now)
        return self.draft(draft_id)

    def discard(self, draft_id: int, reason: str = "") -> Draft:
        """破棄: the draft is given up; it stays, with its whole history, and can no longer change."""
        with self._transition(draft_id) as (s, _row, draft, me, now):
            _apply(s, draft, rules.discard(draft, me, now))
            _event(s, draft_id, DraftEventKind.DISCARD, me.login, now, reason.strip())
        return self.draft(draft_id)

    def mark_posted(
        self,
        draft_id: int,
        url: str,
        posted_at: dt.datetime,
        terminal: str = "",
        off_terminal_reason: str = "",
        corrects: int | None = None,
    ) -> Draft:
        """Record the post and put it into the Article 6 archive (``posted_items``) with its images.

        ``off_terminal_reason`` is the emergency that justified posting from a device the city does not
        manage (第5条); empty for a city terminal. ``corrects``: the archived post this one corrects or
        apologises for (第9条), linked in the same transaction and audited.
        """
        with self._transition(draft_id) as (s, row, draft, me, now):
            account = _require_postable(s, row, "投稿済みに")
            updated = rules.mark_posted(draft, me, url, posted_at, now)
            _apply(s, draft, updated)
            from .archive_import import platform_id_from_url

            platform_id = platform_id_from_url(account.platform, updated.posted_url)
            item = None
            if platform_id is not None:
                # Already in the archive from a platform export: complete that record instead of adding a twin.
                item = s.scalar(
                    select(PostedItemRow).where(
                        PostedItemRow.platform == account.platform, PostedItemRow.platform_id == platform_id
                    )
                )
            if item is None:
                item = PostedItemRow(
                    account_id=row.account_id,
                    platform=account.platform,
                    platform_id=platform_id,
                    url=updated.posted_url,
                    text=draft.text,
                    posted_at=posted_at,
                    created_at=now,
                )
                s.add(item)
            item.draft_id = draft_id
            item.author = draft.author
            item.terminal = terminal
            item.off_terminal_reason = off_terminal_reason.strip()
            s.flush()
            known_media = set(s.scalars(select(PostedMediaRow.sha256).where(PostedMediaRow.item_id == item.id)))
            for attachment in s.scalars(
                select(AttachmentRow).where(AttachmentRow.draft_id == draft_id).order_by(AttachmentRow.id)
            ):
                if attachment.sha256 not in known_media:
                    s.add(PostedMediaRow(item_id=item.id, sha256=attachment.sha256, name=attachment.filename))
            comment = updated.posted_url
            if off_terminal_reason.strip():
                comment += f"(市の端末以外から投稿: {off_terminal_reason.strip()})"
            if corrects is not None and item.corrects_id != corrects:
                from .moderation import link

                link(s, me, corrects, item, now, at_posting=True)
                comment += f"(投稿 {corrects} の訂正)"
            _event(s, draft_id, DraftEventKind.POST, me.login, now, comment)
        return self.draft(draft_id)

    # -- attachments (第6条第3号) ------------------------------------------------------------

    @property
    def media(self) -> MediaStore:
        if self._media is None:
            raise WorkflowError("画像の保存先が設定されていません")
        return self._media

    def attachments(self, draft_id: int) -> list[AttachmentInfo]:
        with self._db.session() as s:
            rows = s.scalars(
                select(AttachmentRow).where(AttachmentRow.draft_id == draft_id).order_by(AttachmentRow.id)
            ).all()
            return [self._attachment(r) for r in rows]

    def add_attachment(self, draft_id: int, filename: str, data: bytes) -> AttachmentInfo:
        """Attach an image (validated; AttachmentError on a bad file). The checklist is asked again."""
        info = inspect_image(data)
        with self._transition(draft_id) as (s, row, draft, me, now):
            if not rules.can_edit(draft, me):
                raise WorkflowError(f"「{draft.state.label}」の投稿案には画像を添付できません")
            self.media.put(data)
            attachment = AttachmentRow(
                draft_id=draft_id,
                sha256=info.sha256,
                filename=filename[-255:],
                format=info.format,
                width=info.width,
                height=info.height,
                byte_size=info.byte_size,
                created_at=now,
            )
            s.add(attachment)
            row.rights_checked_by, row.rights_checked_at = "", None
            row.updated_at = now
            s.flush()
            _event(s, draft_id, DraftEventKind.ATTACH, me.login, now, filename)
            return dataclasses.replace(self._attachment(attachment), privacy=info.privacy)

    def strip_attachment_metadata(self, draft_id: int, attachment_id: int) -> AttachmentInfo:
        """Replace an attachment with a copy without EXIF/GPS; the original stays in the media store."""
        with self._transition(draft_id) as (s, row, draft, me, now):
            attachment = s.get(AttachmentRow, attachment_id)
            if attachment is None or attachment.draft_id != draft_id:
                raise WorkflowError("添付画像が見つかりません")
            if not rules.can_edit(draft, me):
                raise WorkflowError(f"「{draft.state.label}」の投稿案の画像は変更できません")
            cleaned = strip_metadata(self.media.get(attachment.sha256))
            info = inspect_image(cleaned)
            attachment.sha256 = self.media.put(cleaned)
            attachment.byte_size, attachment.width, attachment.height = info.byte_size, info.width, info.height
            row.updated_at = now
            _event(s, draft_id, DraftEventKind.STRIP_METADATA, me.login, now, attachment.filename)
            s.flush()
            return dataclasses.replace(self._attachment(attachment), privacy=info.privacy)

    def remove_attachment(self, draft_id: int, attachment_id: int) -> None:
        with self._transition(draft_id) as (s, _row, draft, me, now):
            attachment = s.get(AttachmentRow, attachment_id)
            if attachment is None or attachment.draft_id != draft_id:
                raise WorkflowError("添付画像が見つかりません")
            if not rules.can_edit(draft, me):
                raise WorkflowError(f"「{draft.state.label}」の投稿案の画像は変更できません")
            s.delete(attachment)
            _event(s, draft_id, DraftEventKind.DETACH, me.login, now, attachment.filename)

    def thumbnail(self, attachment: AttachmentInfo, max_side: int = 256) -> bytes:
        return make_thumbnail(self.media.get(attachment.sha256), max_side)

    def confirm_rights(self, draft_id: int, answers: dict[str, bool]) -> Draft:
        with self._transition(draft_id) as (s, row, draft, me, now):
            updated = rules.confirm_rights(draft, me, answers, now)
            row.rights_checked_by, row.rights_checked_at = updated.rights_checked_by, updated.rights_checked_at
            _event(s, draft_id, DraftEventKind.RIGHTS_CHECKLIST, me.login, now)
        return self.draft(draft_id)

    def _attachment(self, row: AttachmentRow) -> AttachmentInfo:
        """One image's record; a missing or damaged file is reported on that image alone."""
        privacy: tuple[ExifConcern, ...] = ()
        problem = ""
        if self._media is not None:
            try:
                privacy = inspect_image(self._media.get(row.sha256)).privacy
            except (StorageError, AttachmentError) as exc:
                problem = str(exc)
        return AttachmentInfo(
            row.id, row.draft_id, row.filename, row.sha256, row.format, row.width, row.height, row.byte_size, privacy,
            problem,
        )  # fmt: skip

    def history(self, draft_id: int) -> list[DraftEvent]:
        with self._db.session() as s:
            rows = s.scalars(
                select(DraftEventRow).where(DraftEventRow.draft_id == draft_id).order_by(DraftEventRow.id)
            ).all()
            return [DraftEvent(_event_kind(r.action), r.by, r.at, r.comment) for r in rows]

    # -- helpers -----------------------------------------------------------------------------

    def _load(self, s: Session, draft_id: int, for_update: bool = False) -> tuple[DraftRow, Draft]:
        query = select(DraftRow).where(DraftRow.id == draft_id)
        if for_update:
            query = query.with_for_update()
        row = s.scalar(query)
        if row is None:
            raise DraftNotFound(f"投稿案 {draft_id} は見つかりません")
        acks = s.scalars(
            select(AcknowledgementRow).where(AcknowledgementRow.draft_id == draft_id).order_by(AcknowledgementRow.id)
        ).all()
        count = len(s.scalars(select(AttachmentRow.id).where(AttachmentRow.draft_id == draft_id)).all())
        return row, _draft(row, acks, count)

    @contextmanager
    def _transition(self, draft_id: int) -> Iterator[tuple[Session, DraftRow, Draft, Person, dt.datetime]]:
        with self._db.session() as s:
            row, draft = self._load(s, draft_id, for_update=True)
            yield s, row, draft, self._person(s), self._clock()


def _draft(row: DraftRow, acks: Sequence[AcknowledgementRow], attachment_count: int = 0) -> Draft:
    return Draft(
        id=row.id,
        account_id=row.account_id,
        author=row.author,
        text=row.text,
        state=DraftState(row.state),
        platforms=tuple(row.platforms),
        created_at=row.created_at,
        updated_at=row.updated_at,
        revision=row.revision,
        title=row.title,
        review_comment=row.review_comment,
        reviewed_by=row.reviewed_by,
        acknowledgements=tuple(Acknowledgement(a.fingerprint, a.rule, a.reason, a.by, a.at) for a in acks),
        posted_url=row.posted_url,
        posted_at=row.posted_at,
        editors=tuple(row.editors),
        attachment_count=attachment_count,
        rights_checked_by=row.rights_checked_by,
        rights_checked_at=row.rights_checked_at,
    )


_CONFLICT = "この投稿案は別の画面で更新されています。開き直してください"


def _guarded_update(s: Session, loaded: Draft, values: dict[str, object]) -> None:
    """Write ``values`` only if the row is still at the revision and state it was read at.

    SQLite ignores SELECT … FOR UPDATE, so a check followed by a write could let another screen's
    save slip in between; one conditional UPDATE cannot.
    """
    result = s.execute(
        update(DraftRow)
        .where(DraftRow.id == loaded.id, DraftRow.revision == loaded.revision, DraftRow.state == loaded.state.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise WorkflowError(_CONFLICT)
    s.expire_all()


def _apply(s: Session, loaded: Draft, draft: Draft) -> None:
    _guarded_update(
        s,
        loaded,
        {
            "state": draft.state.value,
            "updated_at": draft.updated_at,
            "review_comment": draft.review_comment,
            "reviewed_by": draft.reviewed_by,
            "posted_url": draft.posted_url,
            "posted_at": draft.posted_at,
        },
    )


def _require_postable(s: Session, row: DraftRow, action: str) -> Account:
    account_row = s.get(AccountRow, row.account_id)
    if account_row is None:
        raise WorkflowError("投稿先のアカウントが見つかりません")
    account = account_from_row(account_row)
    if not account.postable:
        raise WorkflowError(f"アカウント「{account.name}」は{account.status.label}のため、{action}できません")
    return account


def _event_kind(stored: str) -> DraftEventKind | str:
    try:
        return DraftEventKind(stored)
    except ValueError:  # written by a newer version sharing the database: shown as stored
        return stored


RULEBOOK_OBJECT_ID = "in_use"

_AUDIT_ACTIONS: dict[DraftEventKind, AuditAction] = {
    DraftEventKind.CREATE: AuditAction.DRAFT_CREATED,
    DraftEventKind.SUBMIT: AuditAction.DRAFT_SUBMITTED,
    DraftEventKind.APPROVE: AuditAction.DRAFT_APPROVED,
    DraftEventKind.REJECT: AuditAction.DRAFT_RETURNED,
    DraftEventKind.ACKNOWLEDGE: AuditAction.WARNING_ACKNOWLEDGED,
    DraftEventKind.POST: AuditAction.DRAFT_POSTED,
    DraftEventKind.ATTACH: AuditAction.IMAGE_ATTACHED,
    DraftEventKind.DETACH: AuditAction.IMAGE_REMOVED,
    DraftEventKind.STRIP_METADATA: AuditAction.IMAGE_CLEANED,
    DraftEventKind.RIGHTS_CHECKLIST: AuditAction.RIGHTS_CONFIRMED,
    DraftEventKind.WITHDRAW: AuditAction.DRAFT_WITHDRAWN,
    DraftEventKind.DISCARD: AuditAction.DRAFT_DISCARDED,
}


def _event(s: Session, draft_id: int, action: DraftEventKind, by: str, at: dt.datetime, comment: str = "") -> None:
    """The draft's own history, and the same step in the audit chain."""
    s.add(DraftEventRow(draft_id=draft_id, action=action, by=by, at=at, comment=comment))
    audit.append(s, by, _AUDIT_ACTIONS[action], "draft", draft_id, {"comment": comment} if comment else {}, at=at)
