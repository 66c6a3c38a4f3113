"""What a draft is, as plain immutable values."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from ..checker import Finding


class DraftState(enum.StrEnum):
    """下書き → 承認待ち → 承認済み → 投稿済み; 差戻し goes back to the drafter."""

    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    POSTED = "posted"
    RETURNED = "returned"
    DISCARDED = "discarded"
    """破棄: given up, kept with its history, never deleted."""

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    DraftState.DRAFT: "下書き",
    DraftState.PENDING: "承認待ち",
    DraftState.APPROVED: "承認済み",
    DraftState.POSTED: "投稿済み",
    DraftState.RETURNED: "差戻し",
    DraftState.DISCARDED: "破棄",
}


class DraftEventKind(enum.StrEnum):
    """What happened to a draft, as written to its history (``draft_events``)."""

    CREATE = "create"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    ACKNOWLEDGE = "acknowledge"
    POST = "post"
    ATTACH = "attach"
    DETACH = "detach"
    STRIP_METADATA = "strip_metadata"
    RIGHTS_CHECKLIST = "rights_checklist"
    WITHDRAW = "withdraw"
    DISCARD = "discard"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    DraftEventKind.CREATE: "作成",
    DraftEventKind.SUBMIT: "承認申請",
    DraftEventKind.APPROVE: "承認",
    DraftEventKind.REJECT: "差戻し",
    DraftEventKind.ACKNOWLEDGE: "警告を確認済みにした",
    DraftEventKind.POST: "投稿済みにした",
    DraftEventKind.ATTACH: "画像を添付",
    DraftEventKind.DETACH: "画像を削除",
    DraftEventKind.STRIP_METADATA: "画像の位置情報などを削除",
    DraftEventKind.RIGHTS_CHECKLIST: "画像のチェックリストに回答",
    DraftEventKind.WITHDRAW: "承認申請を取り下げ",
    DraftEventKind.DISCARD: "破棄",
}


RIGHTS_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("portrait", "写っている人から掲載の了解を得ているか、人が特定できない写真ですか(肖像権)"),
    ("copyright", "市が撮影・作成したもの、または権利者から使用の許諾を得たものですか(著作権)"),
    ("privacy", "個人の住所・車のナンバー・名札など、個人が分かる情報が写っていませんか(プライバシー)"),
    ("metadata", "撮影場所(GPS)などの埋め込み情報を確認し、不要なものは削除しましたか"),
)
"""The questions 第6条第3号 puts before an image is posted, in the project's own words."""


_SENTENCE_END = re.compile(r"[。！？!?\n]")


def fingerprint(finding: Finding, text: str) -> str:
    """What identifies a finding across edits: its rule, the words it points at and the sentence
    around them. The same words in a new sentence (山田さん… in another context) are a new warning
    that needs its own acknowledgement."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, finding.start)), default=0)
    end_match = _SENTENCE_END.search(text, finding.end)
    end = end_match.end() if end_match else len(text)
    return f"{finding.rule}\x1f{text[finding.start : finding.end]}\x1f{text[start:end].strip()}"


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """A warning the drafter has looked at and decided to keep, and why."""

    fingerprint: str
    rule: str
    reason: str
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    account_id: int
    author: str
    text: str
    state: DraftState
    platforms: tuple[str, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: int = 0
    """Increases with every saved change; a save against an older revision is a conflict."""
    title: str = ""
    review_comment: str = ""
    reviewed_by: str = ""
    acknowledgements: tuple[Acknowledgement, ...] = ()
    posted_url: str = ""
    posted_at: dt.datetime | None = None
    editors: tuple[str, ...] = ()
    """Everyone who has saved the text; none of them may approve it (four eyes)."""
    attachment_count: int = 0
    rights_checked_by: str = ""
    """Who answered :data:`RIGHTS_CHECKLIST` for the current attachments ('' when nobody has)."""
    rights_checked_at: dt.datetime | None = None

    @property
    def editable(self) -> bool:
        return self.state in (DraftState.DRAFT, DraftState.RETURNED)
