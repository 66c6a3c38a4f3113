"""第9条: corrections of the city's own posts, and the log of others' comments deleted or hidden.

Pure rules, no database. Two things are decided here:

**Correction links.** A correction or apology post (訂正・謝罪の投稿) is linked to the archived post it
corrects, so that the archive shows the chain both ways (原文 → 訂正, 訂正 → 原文) and the original is
marked 訂正済み. A link is made when the desk marks a correction as posted (by whoever may mark it posted)
or afterwards for imported posts (the account's manager or the operations manager). Both posts belong to
the same account; a post cannot correct itself, a correction cannot be older than what it corrects, a
post corrects one original only, and a chain never loops. A link once made is kept (it is part of the
record of what the city said).

**Moderation log.** When a comment by someone else breaks the account's published usage policy (利用方針,
第4条第4項; usually 第6号 利用者の遵守事項) and is deleted or hidden (第9条), the account's manager or the
operations manager records: the text as it was, the author's handle, its address if known, when it was
posted and when it was acted on, 削除 or 非表示, the policy item it broke, and why. Drafters do not
record: removing a resident's words is the account manager's decision under the policy they publish
(第4条第3項・第4項). Entries are never edited; a mistaken entry is superseded by a later one that names
it (a corrected entry, or 取消 when nothing was done at all).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from typing import Final

from .accounts import Account, AccountStatus
from .people import Person, Role
from .policy.items import ITEM_IDS, find_item
from .workflow import WorkflowError

MAX_TEXT: Final = 10000
MAX_HANDLE: Final = 200
MAX_URL: Final = 2000
MAX_REASON: Final = 2000
CLOCK_SKEW: Final = dt.timedelta(minutes=5)
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_NOT_CITY_ACCOUNTS: Final = (AccountStatus.REQUESTED, AccountStatus.REJECTED)


class ModerationError(WorkflowError):
    """A correction link or moderation entry the rules refuse (exit code 1 on the command line)."""


class ModerationAction(enum.StrEnum):
    DELETE = "delete"
    HIDE = "hide"
    RETRACT = "retract"
    """取消: the entry it supersedes recorded something that was not done."""

    @property
    def label(self) -> str:
        return {"delete": "削除", "hide": "非表示", "retract": "取消"}[self.value]


@dataclasses.dataclass(frozen=True, slots=True)
class ModerationEntry:
    """One line of the moderation log, as stored."""

    id: int
    account_id: int
    account_name: str
    action: ModerationAction
    author_handle: str
    text: str
    url: str
    commented_at: dt.datetime | None
    """When the comment was posted, if known."""
    acted_at: dt.datetime
    """When it was deleted or hidden."""
    policy_item: str
    """The usage-policy item (``core.policy.items`` id) the comment broke."""
    policy_version: int | None
    """The account's published policy version in force when it was recorded."""
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    supersedes_id: int | None = None
    """The earlier entry this one corrects or retracts."""
    superseded_by_id: int | None = None
    """A later entry that corrects or retracts this one (None: this entry stands)."""

    @property
    def policy_label(self) -> str:
        found = find_item(self.policy_item)
        return found.label if found else self.policy_item

    @property
    def stands(self) -> bool:
        """Neither retracting something nor superseded by a later entry: an action the city took."""
        return self.superseded_by_id is None and self.action is not ModerationAction.RETRACT


@dataclasses.dataclass(frozen=True, slots=True)
class LinkedPost:
    """An archived post at one end of a correction link, as the archive shows it."""

    id: int
    account: str
    platform: str
    url: str
    posted_at: dt.datetime
    excerpt: str


@dataclasses.dataclass(frozen=True, slots=True)
class ArchivedPost:
    """What the correction rules need to know about an archived post."""

    id: int
    account_id: int
    posted_at: dt.datetime
    corrects_id: int | None


def runs_account(person: Person, account: Account) -> bool:
    """The account's manager (in that role) or the operations manager."""
    if not person.active:
        return False
    if person.role is Role.OPERATIONS_MANAGER:
        return True
    return person.role is Role.ACCOUNT_MANAGER and bool(account.manager) and person.login == account.manager


# -- correction links -----------------------------------------------------------------------------


def why_not_link(
    person: Person,
    account: Account,
    original: ArchivedPost,
    correction: ArchivedPost,
    ancestors_of_original: tuple[int, ...],
    *,
    at_posting: bool = False,
) -> str:
    """Why ``correction`` cannot be linked as the correction of ``original`` ("" when it can).

    ``ancestors_of_original``: the ids ``original`` corrects, directly or through earlier corrections.
    ``at_posting``: the link is made while the desk marks the correction as posted, by whoever may mark it
    (the workflow has already decided that); afterwards only the account's manager or the operations
    manager links."""
    if not at_posting and not runs_account(person, account):
        return f"訂正の紐づけを後から記録できるのは、アカウント「{account.name}」の管理者と運用管理者です"
    if original.id == correction.id:
        return "投稿をそれ自身の訂正にはできません"
    if original.account_id != correction.account_id:
        return "訂正の投稿は、訂正される投稿と同じアカウントのものにしてください"
    if correction.corrects_id is not None and correction.corrects_id != original.id:
        return f"投稿 {correction.id} はすでに投稿 {correction.corrects_id} の訂正として記録されています"
    if correction.corrects_id == original.id:
        return f"投稿 {correction.id} はすでに投稿 {original.id} の訂正として記録されています"
    if correction.posted_at < original.posted_at:
        return "訂正の投稿が、訂正される投稿より前の日時になっています"
    if correction.id in ancestors_of_original:
        return f"投稿 {correction.id} は投稿 {original.id} の元になった投稿のため、その訂正にはできません"
    return ""


def check_link(
    person: Person,
    account: Account,
    original: ArchivedPost,
    correction: ArchivedPost,
    ancestors_of_original: tuple[int, ...],
    *,
    at_posting: bool = False,
) -> None:
    reason = why_not_link(person, account, original, correction, ancestors_of_original, at_posting=at_posting)
    if reason:
        raise ModerationError(reason)


# -- the moderation log ---------------------------------------------------------------------------


def why_not_record(person: Person, account: Account) -> str:
    """Why ``person`` may not record a moderation action on ``account`` ("" when they may)."""
    if not person.active:
        return "無効にされた職員は記録できません"
    if account.status in _NOT_CITY_ACCOUNTS:
        return f"アカウント「{account.name}」は市のアカウントではない(申請中・不承認)ため、記録できません"
    if not runs_account(person, account):
        return (
            f"コメントの削除・非表示を記録できるのは、アカウント「{account.name}」の管理者と運用管理者です"
            "(利用方針に基づく判断のため、起案者は記録できません)"
        )
    return ""


def may_read(person: Person, account: Account) -> bool:
    """The log of an account is read by its manager and the operations manager (it holds residents' words)."""
    return runs_account(person, account)


@dataclasses.dataclass(frozen=True, slots=True)
class NewEntry:
    """A checked entry, ready to store."""

    action: ModerationAction
    author_handle: str
    text: str
    url: str
    commented_at: dt.datetime | None
    acted_at: dt.datetime
    policy_item: str
    reason: str
    supersedes_id: int | None


def check_entry(
    person: Person,
    account: Account,
    *,
    action: ModerationAction | str,
    author_handle: str,
    text: str,
    policy_item: str,
    reason: str,
    acted_at: dt.datetime,
    now: dt.datetime,
    url: str = "",
    commented_at: dt.datetime | None = None,
    published_policy: int | None,
    supersedes: ModerationEntry | None = None,
) -> NewEntry:
    """Check an entry by ``person``; raises :class:`ModerationError` (refused) or ``InvalidInput``."""
    from .errors import InvalidInput

    refused = why_not_record(person, account)
    if refused:
        raise ModerationError(refused)
    try:
        kind = ModerationAction(action)
    except ValueError:
        raise InvalidInput(f"措置「{action}」は選べません(delete: 削除、hide: 非表示)", option="--action") from None
    if published_policy is None:
        raise ModerationError(
            f"アカウント「{account.name}」には公表された利用方針がありません。"
            "利用方針に基づく措置として記録するには、先に利用方針を公表してください(第4条第4項)"
        )
    if kind is ModerationAction.RETRACT and supersedes is None:
        raise InvalidInput("取消は、取り消す記録の番号と一緒に指定してください", option="--supersedes")
    if supersedes is not None:
        if supersedes.account_id != account.id:
            raise ModerationError(f"記録 {supersedes.id} は別のアカウントのものです")
        if supersedes.superseded_by_id is not None:
            raise ModerationError(
                f"記録 {supersedes.id} はすでに記録 {supersedes.superseded_by_id} で訂正されています。"
                "最新の記録を指定してください"
            )
        if supersedes.action is ModerationAction.RETRACT:
            raise ModerationError(f"記録 {supersedes.id} は取消の記録のため、訂正できません")
    handle = author_handle.strip()
    if not handle:
        raise InvalidInput("コメントを書いた人のアカウント名(ハンドル)を", option="--author")
    if len(handle) > MAX_HANDLE:
        raise InvalidInput(f"ハンドルは {MAX_HANDLE} 文字以内にしてください", option="--author")
    if not text.strip():
        raise InvalidInput("削除・非表示にしたコメントの本文を(そのままの形で)", option="--text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"コメントの本文は {MAX_TEXT:,} 文字以内にしてください", option="--text")
    if policy_item not in ITEM_IDS:
        raise InvalidInput(
            f"利用方針の項目「{policy_item}」はありません。選べるのは {', '.join(ITEM_IDS)} です", option="--item"
        )
    if not reason.strip():
        raise InvalidInput("措置の理由を", option="--reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"理由は {MAX_REASON:,} 文字以内にしてください", option="--reason")
    address = url.strip()
    if address and (len(address) > MAX_URL or not _URL.match(address)):
        raise InvalidInput(f"コメントのアドレス「{address}」は http(s):// で始まる URL を", option="--url")
    for when, option in ((acted_at, "--at"), (commented_at, "--posted-at")):
        if when is not None and (when.tzinfo is None or when.utcoffset() is None):
            raise InvalidInput("日時にはタイムゾーンが必要です", option=option)
        if when is not None and when > now + CLOCK_SKEW:
            raise InvalidInput("未来の日時は記録できません", option=option)
    if commented_at is not None and commented_at > acted_at:
        raise InvalidInput("コメントの投稿日時が、措置の日時より後になっています", option="--posted-at")
    return NewEntry(
        action=kind,
        author_handle=handle,
        text=text,
        url=address,
        commented_at=commented_at.astimezone(dt.UTC) if commented_at else None,
        acted_at=acted_at.astimezone(dt.UTC),
        policy_item=policy_item,
        reason=reason.strip(),
        supersedes_id=supersedes.id if supersedes else None,
    )
