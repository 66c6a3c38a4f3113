"""第9条 over the database: correction links between archived posts, and the moderation log.

The rules are :mod:`sns_desk.core.moderation`; this service loads what they need, stores what they
decide and appends the same step to the audit chain in one transaction. It hands out plain frozen
dataclasses, so the GUI can call it from a worker thread. Who acts is the session's login, never input.

For the monthly report: :func:`article9_facts` (inside a caller's session/snapshot) and
:meth:`ModerationService.article9` give an account's corrections and moderation actions in a UTC interval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..core.accounts import Account
from ..core.audit import AuditAction
from ..core.errors import InvalidInput
from ..core.moderation import (
    ArchivedPost,
    LinkedPost,
    ModerationAction,
    ModerationEntry,
    ModerationError,
    check_entry,
    check_link,
    may_read,
    why_not_record,
)
from ..core.people import Person
from ..storage import audit
from ..storage.database import Database, begin_transaction
from ..storage.models import AccountRow, ModerationRow, PolicyVersionRow, PostedItemRow, utc_now
from ..storage.rows import account_from_row, person_for

_EXCERPT = 60


@dataclasses.dataclass(frozen=True, slots=True)
class CorrectionChain:
    """An archived post with what it corrects (訂正 → 原文) and what corrects it (原文 → 訂正)."""

    item: LinkedPost
    corrects: LinkedPost | None
    corrected_by: tuple[LinkedPost, ...]

    @property
    def corrected(self) -> bool:
        """訂正済み: a correction of this post is in the archive."""
        return bool(self.corrected_by)


@dataclasses.dataclass(frozen=True, slots=True)
class Correction:
    original: LinkedPost
    correction: LinkedPost


@dataclasses.dataclass(frozen=True, slots=True)
class Article9Facts:
    """An account's 第9条 facts in ``[start, end)`` (UTC): corrections posted and moderation entries acted on."""

    corrections: tuple[Correction, ...]
    """Corrections posted in the interval (by their time), each with the post it corrects."""
    moderation: tuple[ModerationEntry, ...]
    """Entries acted on in the interval, oldest first; superseded ones carry ``superseded_by_id``."""

    @property
    def moderation_standing(self) -> tuple[ModerationEntry, ...]:
        """The entries that stand (not superseded, not 取消): what the city actually did."""
        return tuple(e for e in self.moderation if e.stands)


class ModerationService:
    """One user's view of 第9条. ``login`` is the OS user (or the server's session user)."""

    def __init__(self, database: Database, login: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._db = database
        self._login = login
        self._clock = clock

    def me(self) -> Person:
        with self._db.session() as s:
            return person_for(s, self._login)

    # -- correction links ------------------------------------------------------------------------

    def chain(self, item_id: int) -> CorrectionChain:
        """The post with both directions of its correction links."""
        with self._db.session() as s:
            return correction_chain(s, item_id)

    def link_correction(self, original_id: int, correction_id: int) -> CorrectionChain:
        """Record afterwards that ``correction_id`` corrects ``original_id`` (e.g. both imported): the account's
        manager or the operations manager; audited."""
        with self._db.session() as s:
            begin_transaction(s, write=True)
            me = person_for(s, self._login)
            correction = _item_row(s, correction_id, for_update=True)
            link(s, me, original_id, correction, self._clock(), at_posting=False)
            return correction_chain(s, original_id)

    # -- the moderation log ----------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """The accounts this person may record a moderation action on, by name."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            rows = s.scalars(select(AccountRow).order_by(AccountRow.name)).all()
        return [a for a in (account_from_row(r) for r in rows) if not why_not_record(me, a)]

    def why_not_record(self) -> str:
        """Why this person may record no moderation action on any account ("" when they may on some)."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            rows = s.scalars(select(AccountRow).order_by(AccountRow.name)).all()
        reasons = [why_not_record(me, account_from_row(r)) for r in rows]
        if "" in reasons:
            return ""
        if not me.active:
            return reasons[0] if reasons else "無効にされた職員は記録できません"
        return (
            "コメントの削除・非表示を記録できるのは、アカウントの管理者と運用管理者です"
            "(利用方針に基づく判断のため、起案者は記録できません)"
        )

    def record(
        self,
        account: str | int,
        action: ModerationAction | str,
        *,
        author_handle: str,
        text: str,
        policy_item: str,
        reason: str,
        acted_at: dt.datetime | None = None,
        url: str = "",
        commented_at: dt.datetime | None = None,
        supersedes: int | None = None,
    ) -> ModerationEntry:
        """Record a comment deleted or hidden under the account's usage policy (or, with ``supersedes``, a
        corrected entry or a 取消 of an earlier one). Recorded in the session user's name; audited."""
        with self._db.session() as s:
            begin_transaction(s, write=True)
            me = person_for(s, self._login)
            account_row = _account_row(s, account)
            acc = account_from_row(account_row)
            now = self._clock()
            earlier = None
            if supersedes is not None:
                earlier_row = s.scalar(select(ModerationRow).where(ModerationRow.id == supersedes).with_for_update())
                if earlier_row is None:
                    raise InvalidInput(f"記録 {supersedes} は見つかりません", option="--supersedes")
                earlier = _entry(s, earlier_row)
            published = _published_version(s, account_row.id)
            checked = check_entry(
                me,
                acc,
                action=action,
                author_handle=author_handle,
                text=text,
                policy_item=policy_item,
                reason=reason,
                acted_at=acted_at or now,
                now=now,
                url=url,
                commented_at=commented_at,
                published_policy=published,
                supersedes=earlier,
            )
            row = ModerationRow(
                account_id=account_row.id,
                action=checked.action.value,
                author_handle=checked.author_handle,
                text=checked.text,
                url=checked.url,
                commented_at=checked.commented_at,
                acted_at=checked.acted_at,
                policy_item=checked.policy_item,
                policy_version=published,
                reason=checked.reason,
                recorded_by=me.login,
                recorded_at=now,
                supersedes_id=checked.supersedes_id,
            )
            s.add(row)
            s.flush()
            payload: dict[str, object] = {
                "account": account_row.name,
                "action": checked.action.value,
                "author": checked.author_handle,
                "policy_item": checked.policy_item,
                "policy_version": published,
                "acted_at": checked.acted_at.isoformat(),
                "reason": checked.reason,
                # The comment itself stays in the log; the chain holds its fingerprint, so an edit shows.
                "text_sha256": hashlib.sha256(checked.text.encode("utf-8")).hexdigest(),
            }
            if checked.url:
                payload["url"] = checked.url
            if checked.supersedes_id is not None:
                payload["supersedes"] = checked.supersedes_id
            audit.append(s, me.login, AuditAction.MODERATION_RECORDED, "moderation", row.id, payload, at=now)
            return _entry(s, row)

    def entries(
        self, account: str | int | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> list[ModerationEntry]:
        """The log, oldest action first: of ``account`` (refused unless this person runs it), or of every
        account this person runs. ``since`` inclusive, ``until`` exclusive (timezone-aware)."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            if account is not None:
                row = _account_row(s, account)
                acc = account_from_row(row)
                if not may_read(me, acc):
                    raise ModerationError(
                        f"アカウント「{acc.name}」の削除・非表示の記録を見られるのは、その管理者と運用管理者です"
                    )
                ids = [row.id]
            else:
                ids = [r.id for r in s.scalars(select(AccountRow)).all() if may_read(me, account_from_row(r))]
            if not ids:
                return []
            query = select(ModerationRow).where(ModerationRow.account_id.in_(ids))
            if since is not None:
                query = query.where(ModerationRow.acted_at >= since)
            if until is not None:
                query = query.where(ModerationRow.acted_at < until)
            rows = s.scalars(query.order_by(ModerationRow.acted_at, ModerationRow.id)).all()
            return [_entry(s, r) for r in rows]

    # -- for the monthly report --------------------------------------------------------------------

    def article9(self, account: str | int, start: dt.datetime, end: dt.datetime) -> Article9Facts:
        """The account's corrections and moderation actions in ``[start, end)`` UTC (no role checked here:
        the report decides who may see a report)."""
        with self._db.session() as s:
            begin_transaction(s, write=False)
            return article9_facts(s, _account_row(s, account).id, start, end)


# -- shared with the desk and the archive ----------------------------------------------------------


def link(
    s: Session, me: Person, original_id: int, correction: PostedItemRow, now: dt.datetime, *, at_posting: bool
) -> None:
    """Link ``correction`` to the post it corrects inside ``s``'s transaction, checked and audited.
    ``at_posting``: the desk marks the correction as posted (the workflow decided who may)."""
    original = s.get(PostedItemRow, original_id)
    if original is None:
        raise InvalidInput(f"訂正される投稿 {original_id} はアーカイブにありません", option="--corrects")
    account = s.get(AccountRow, correction.account_id)
    assert account is not None
    ancestors = _ancestors(s, original)
    check_link(me, account_from_row(account), _post(original), _post(correction), ancestors, at_posting=at_posting)
    correction.corrects_id = original.id
    s.flush()
    audit.append(
        s,
        me.login,
        AuditAction.CORRECTION_LINKED,
        "posted_item",
        correction.id,
        {"account": account.name, "corrects": original.id, "original_url": original.url, "url": correction.url,
         "at_posting": at_posting},
        at=now,
    )  # fmt: skip


def correction_chain(s: Session, item_id: int) -> CorrectionChain:
    row = s.get(PostedItemRow, item_id)
    if row is None:
        raise InvalidInput(f"投稿 {item_id} はアーカイブにありません")
    corrects = s.get(PostedItemRow, row.corrects_id) if row.corrects_id is not None else None
    later = s.scalars(
        select(PostedItemRow)
        .where(PostedItemRow.corrects_id == row.id)
        .order_by(PostedItemRow.posted_at, PostedItemRow.id)
    ).all()
    names = _account_names(s)
    return CorrectionChain(
        item=_linked(row, names),
        corrects=_linked(corrects, names) if corrects is not None else None,
        corrected_by=tuple(_linked(r, names) for r in later),
    )


def article9_facts(s: Session, account_id: int, start: dt.datetime, end: dt.datetime) -> Article9Facts:
    """An account's corrections posted and moderation entries acted on in ``[start, end)`` (UTC), read in
    ``s`` (call it inside the report's snapshot)."""
    original = aliased(PostedItemRow)
    names = _account_names(s)
    pairs = s.execute(
        select(PostedItemRow, original)
        .join(original, original.id == PostedItemRow.corrects_id)
        .where(
            PostedItemRow.account_id == account_id,
            PostedItemRow.posted_at >= start,
            PostedItemRow.posted_at < end,
        )
        .order_by(PostedItemRow.posted_at, PostedItemRow.id)
    ).all()
    rows = s.scalars(
        select(ModerationRow)
        .where(ModerationRow.account_id == account_id, ModerationRow.acted_at >= start, ModerationRow.acted_at < end)
        .order_by(ModerationRow.acted_at, ModerationRow.id)
    ).all()
    return Article9Facts(
        corrections=tuple(Correction(_linked(o, names), _linked(c, names)) for c, o in pairs),
        moderation=tuple(_entry(s, r) for r in rows),
    )


# -- helpers ----------------------------------------------------------------------------------------


def _ancestors(s: Session, original: PostedItemRow) -> tuple[int, ...]:
    seen: list[int] = []
    current = original.corrects_id
    while current is not None and current not in seen and len(seen) < 1000:
        seen.append(current)
        current = s.scalar(select(PostedItemRow.corrects_id).where(PostedItemRow.id == current))
    return tuple(seen)


def _item_row(s: Session, item_id: int, *, for_update: bool = False) -> PostedItemRow:
    query = select(PostedItemRow).where(PostedItemRow.id == item_id)
    if for_update:
        query = query.with_for_update()
    row = s.scalar(query)
    if row is None:
        raise InvalidInput(f"投稿 {item_id} はアーカイブにありません")
    return row


def _post(row: PostedItemRow) -> ArchivedPost:
    return ArchivedPost(row.id, row.account_id, row.posted_at, row.corrects_id)


def _account_names(s: Session) -> dict[int, str]:
    return {int(i): str(n) for i, n in s.execute(select(AccountRow.id, AccountRow.name)).all()}


def _linked(row: PostedItemRow, names: dict[int, str]) -> LinkedPost:
    return LinkedPost(
        id=row.id,
        account=names.get(row.account_id, ""),
        platform=row.platform,
        url=row.url,
        posted_at=row.posted_at,
        excerpt=" ".join(row.text.split())[:_EXCERPT],
    )


def _account_row(s: Session, account: str | int) -> AccountRow:
    if isinstance(account, int):
        row = s.get(AccountRow, account)
    else:
        row = s.scalar(select(AccountRow).where(AccountRow.name == account.strip()))
    if row is None:
        raise InvalidInput(f"アカウント「{account}」は登録されていません。台帳にあるアカウント名を", option="--account")
    return row


def _published_version(s: Session, account_id: int) -> int | None:
    """The version in force: published most recently (as the registry decides)."""
    return s.scalar(
        select(PolicyVersionRow.version)
        .where(PolicyVersionRow.account_id == account_id, PolicyVersionRow.status == "published")
        .order_by(PolicyVersionRow.published_on.desc(), PolicyVersionRow.published_at.desc())
        .limit(1)
    )


def _entry(s: Session, row: ModerationRow) -> ModerationEntry:
    account = s.get(AccountRow, row.account_id)
    later = s.scalar(select(ModerationRow.id).where(ModerationRow.supersedes_id == row.id))
    try:
        action = ModerationAction(row.action)
    except ValueError:  # pragma: no cover - a newer version's action
        action = ModerationAction.DELETE
    return ModerationEntry(
        id=row.id,
        account_id=row.account_id,
        account_name=account.name if account else "",
        action=action,
        author_handle=row.author_handle,
        text=row.text,
        url=row.url,
        commented_at=row.commented_at,
        acted_at=row.acted_at,
        policy_item=row.policy_item,
        policy_version=row.policy_version,
        reason=row.reason,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        supersedes_id=row.supersedes_id,
        superseded_by_id=later,
    )
