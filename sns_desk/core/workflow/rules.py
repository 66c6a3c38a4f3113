"""The approval rules. Each function checks who may do what, and returns the new values.

A refused step raises :class:`WorkflowError` with a Japanese message that says why and what to
do, which the CLI prints and the GUI shows as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from ..checker import Finding, Severity
from ..errors import UserError
from ..people import Person, Role
from .model import RIGHTS_CHECKLIST, Acknowledgement, Draft, DraftState, fingerprint


class WorkflowError(UserError):
    """A step the rules do not allow; ``str()`` is the Japanese message."""


class DraftNotFound(WorkflowError):
    """No draft with that number (an input error rather than a refusal)."""


def blocking_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors: what the guideline forbids for sure. Nobody can acknowledge these away."""
    return [f for f in findings if f.severity is Severity.ERROR]


def unacknowledged_warnings(draft: Draft, findings: Iterable[Finding]) -> list[Finding]:
    done = {a.fingerprint for a in draft.acknowledgements}
    return [f for f in findings if f.severity is Severity.WARNING and fingerprint(f, draft.text) not in done]


def can_edit(draft: Draft, person: Person) -> bool:
    return draft.editable and (person.login == draft.author or person.role is not Role.DRAFTER)


def can_approve(draft: Draft, person: Person, account_manager: str) -> bool:
    """The account's manager or the operations manager, never the author nor anyone who edited it."""
    if person.login == draft.author or person.login in draft.editors:
        return False
    return person.role is Role.OPERATIONS_MANAGER or (
        person.role is Role.ACCOUNT_MANAGER and person.login == account_manager
    )


def can_mark_posted(draft: Draft, person: Person) -> bool:
    return draft.state is DraftState.APPROVED and (person.login == draft.author or person.role is not Role.DRAFTER)


def _require_state(draft: Draft, allowed: Sequence[DraftState], action: str) -> None:
    if draft.state not in allowed:
        expected = "・".join(s.label for s in allowed)
        raise WorkflowError(f"「{draft.state.label}」の投稿案は{action}できません({expected}のときだけできます)")


def acknowledge(draft: Draft, finding: Finding, person: Person, reason: str, now: dt.datetime) -> Draft:
    """Record that ``person`` keeps a warning on purpose, with the reason."""
    if finding.severity is Severity.ERROR:
        raise WorkflowError("エラーは確認済みにできません。本文を直してください")
    if not reason.strip():
        raise WorkflowError("確認済みにする理由を書いてください")
    if not can_edit(draft, person):
        raise WorkflowError("この投稿案を編集する権限がありません")
    mark = fingerprint(finding, draft.text)
    kept = tuple(a for a in draft.acknowledgements if a.fingerprint != mark)
    ack = Acknowledgement(mark, finding.rule, reason.strip(), person.login, now)
    return dataclasses.replace(draft, acknowledgements=(*kept, ack))


def submit(draft: Draft, findings: Sequence[Finding], person: Person, now: dt.datetime) -> Draft:
    """下書き/差戻し → 承認待ち: no errors left and every warning acknowledged."""
    _require_state(draft, (DraftState.DRAFT, DraftState.RETURNED), "承認申請")
    if not can_edit(draft, person):
        raise WorkflowError("この投稿案を承認申請する権限がありません")
    if not draft.text.strip():
        raise WorkflowError("本文が空です")
    if draft.attachment_count and not draft.rights_checked_by:
        raise WorkflowError(
            "画像が添付されています。肖像権・著作権などのチェックリストに答えてから承認申請してください"
        )
    errors = blocking_findings(findings)
    if errors:
        raise WorkflowError(f"エラーが {len(errors)} 件あるため承認申請できません。本文を直してください")
    open_warnings = unacknowledged_warnings(draft, findings)
    if open_warnings:
        raise WorkflowError(
            f"確認していない警告が {len(open_warnings)} 件あります。直すか、理由を書いて確認済みにしてください"
        )
    return dataclasses.replace(draft, state=DraftState.PENDING, updated_at=now, review_comment="", reviewed_by="")


def confirm_rights(draft: Draft, person: Person, answers: Mapping[str, bool], now: dt.datetime) -> Draft:
    """Record the image checklist; every question must be answered yes."""
    if not can_edit(draft, person):
        raise WorkflowError("この投稿案を編集する権限がありません")
    missing = [question for key, question in RIGHTS_CHECKLIST if not answers.get(key)]
    if missing:
        raise WorkflowError(f"チェックリストに「はい」と答えられない項目があります: {missing[0]}")
    return dataclasses.replace(draft, rights_checked_by=person.login, rights_checked_at=now)


def approve(
    draft: Draft, person: Person, account_manager: str, now: dt.datetime, findings: Sequence[Finding] = ()
) -> Draft:
    """承認待ち → 承認済み, by the account's manager (or the operations manager), not the author
    nor an editor, and never while the text has errors (the rulebook may have changed since)."""
    _require_state(draft, (DraftState.PENDING,), "承認")
    if person.login == draft.author:
        raise WorkflowError("自分が作成した投稿案は承認できません。アカウント管理者に承認を依頼してください")
    if person.login in draft.editors:
        raise WorkflowError("自分が本文を編集した投稿案は承認できません。別の管理者に承認を依頼してください")
    errors = blocking_findings(findings)
    if errors:
        raise WorkflowError(f"本文にエラーが {len(errors)} 件あるため承認できません。差し戻してください")
    if not can_approve(draft, person, account_manager):
        raise WorkflowError("この投稿案を承認できるのは、アカウント管理者または運用管理者です")
    return dataclasses.replace(draft, state=DraftState.APPROVED, updated_at=now, reviewed_by=person.login)


def reject(draft: Draft, person: Person, account_manager: str, comment: str, now: dt.datetime) -> Draft:
    """承認待ち → 差戻し, with the approver's comment for the drafter."""
    _require_state(draft, (DraftState.PENDING,), "差戻し")
    if not can_approve(draft, person, account_manager):
        raise WorkflowError("この投稿案を差し戻せるのは、アカウント管理者または運用管理者です")
    if not comment.strip():
        raise WorkflowError("差戻しの理由(コメント)を書いてください")
    return dataclasses.replace(
        draft, state=DraftState.RETURNED, updated_at=now, review_comment=comment.strip(), reviewed_by=person.login
    )


def mark_posted(draft: Draft, person: Person, url: str, posted_at: dt.datetime, now: dt.datetime) -> Draft:
    """承認済み → 投稿済み, with the post's address and time (the Article 6 record)."""
    _require_state(draft, (DraftState.APPROVED,), "投稿済みに")
    if not can_mark_posted(draft, person):
        raise WorkflowError("投稿済みにできるのは、作成者または管理者です")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WorkflowError("投稿の URL を https:// から入力してください")
    if posted_at.tzinfo is None:
        raise WorkflowError("投稿日時にはタイムゾーンが必要です")
    return dataclasses.replace(
        draft, state=DraftState.POSTED, updated_at=now, posted_url=url.strip(), posted_at=posted_at
    )


def why_not_withdraw(draft: Draft, person: Person) -> str | None:
    """Why ``person`` cannot take ``draft`` back (None when they can)."""
    if draft.state not in (DraftState.PENDING, DraftState.APPROVED):
        return "取り下げられるのは承認待ちか承認済み(まだ投稿していない)の投稿案だけです"
    if person.login != draft.author:
        return "承認申請を取り下げられるのは作成者だけです"
    return None


def can_withdraw(draft: Draft, person: Person) -> bool:
    return why_not_withdraw(draft, person) is None


def withdraw(draft: Draft, person: Person, now: dt.datetime) -> Draft:
    """承認待ち/承認済み → 下書き: the author takes the draft back to change it (取り下げ).

    An approval is for one text, so a withdrawn draft is approved again after it changes."""
    reason = why_not_withdraw(draft, person)
    if reason is not None:
        raise WorkflowError(reason)
    return dataclasses.replace(draft, state=DraftState.DRAFT, updated_at=now, reviewed_by="")


def why_not_discard(draft: Draft, person: Person) -> str | None:
    """Why ``person`` cannot discard ``draft`` (None when they can)."""
    if draft.state not in (DraftState.DRAFT, DraftState.RETURNED):
        return "破棄できるのは下書きと差戻しの投稿案だけです(承認待ち・承認済みは先に取り下げてください)"
    if person.login != draft.author and person.role is Role.DRAFTER:
        return "破棄できるのは作成者か管理者です"
    return None


def can_discard(draft: Draft, person: Person) -> bool:
    return why_not_discard(draft, person) is None


def discard(draft: Draft, person: Person, now: dt.datetime) -> Draft:
    """下書き/差戻し → 破棄: kept with its whole history, never deleted; it can no longer change."""
    reason = why_not_discard(draft, person)
    if reason is not None:
        raise WorkflowError(reason)
    return dataclasses.replace(draft, state=DraftState.DISCARDED, updated_at=now)


def why_not_approve(draft: Draft, person: Person, account_manager: str) -> str | None:
    """Why ``person`` cannot approve ``draft`` now, for a disabled button's tooltip (None when they can)."""
    if draft.state is not DraftState.PENDING:
        return "承認できるのは承認待ちの投稿案だけです"
    if person.login == draft.author:
        return "自分が書いた投稿案は承認できません"
    if person.login in draft.editors:
        return "自分が本文を編集した投稿案は承認できません"
    if not can_approve(draft, person, account_manager):
        return "この投稿案を承認できるのは、このアカウントのアカウント管理者か運用管理者です"
    return None


def why_not_submit(draft: Draft, person: Person) -> str | None:
    """Why ``person`` cannot submit ``draft`` whatever its text (None when they may try).

    The text itself (errors, unacknowledged warnings, the image checklist) is judged by :func:`submit`."""
    if draft.state not in (DraftState.DRAFT, DraftState.RETURNED):
        return "承認申請できるのは下書きか差戻しの投稿案だけです"
    if not can_edit(draft, person):
        return "この投稿案を承認申請する権限がありません(作成者か管理者が申請します)"
    return None


def why_not_reject(draft: Draft, person: Person, account_manager: str) -> str | None:
    """Why ``person`` cannot return ``draft`` to its author now (None when they can)."""
    if draft.state is not DraftState.PENDING:
        return "差し戻せるのは承認待ちの投稿案だけです"
    if person.login == draft.author:
        return "自分が書いた投稿案は差し戻せません"
    if person.login in draft.editors:
        return "自分が本文を編集した投稿案は差し戻せません"
    if not can_approve(draft, person, account_manager):
        return "この投稿案を差し戻せるのは、このアカウントのアカウント管理者か運用管理者です"
    return None
