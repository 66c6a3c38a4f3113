"""What a draft is, as plain immutable values."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from ..checker import Finding


class DraftState(enum.StrEnum):
    """下書き → 承認待ち → 承認済み → 投稿済み; 差戻し goes back to the drafter."""

    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    POSTED = "posted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    DraftState.DRAFT: "下書き",
    DraftState.PENDING: "承認待ち",
    DraftState.APPROVED: "承認済み",
    DraftState.POSTED: "投稿済み",
    DraftState.RETURNED: "差戻し",
}


def fingerprint(finding: Finding, text: str) -> str:
    """What identifies a finding across edits: its rule and the words it points at."""
    return f"{finding.rule}\x1f{text[finding.start : finding.end]}"


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

    @property
    def editable(self) -> bool:
        return self.state in (DraftState.DRAFT, DraftState.RETURNED)
