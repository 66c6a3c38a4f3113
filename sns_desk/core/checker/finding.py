"""The checker's vocabulary: findings, severities and the context of a check."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    """How a finding weighs.

    ``error``: the guideline forbids it and a machine can tell for sure; it blocks submission.
    ``warning``: needs a person's judgement; may be acknowledged with a reason.
    ``info``: a hint that never blocks.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a text, with offsets in code points of the original text."""

    rule: str
    article: str
    severity: Severity
    start: int
    end: int
    message: str
    suggestion: str | None = None
    """Replacement text for the span ("" deletes it); None when there is no mechanical fix."""

    @property
    def suggestion_label(self) -> str:
        """The fix as shown to people: 「text」, or that the span is to be deleted."""
        if self.suggestion is None:
            return ""
        return f"「{self.suggestion}」" if self.suggestion else "(この部分を削除)"

    def to_dict(self) -> dict[str, object]:
        row: dict[str, object] = {
            "rule": self.rule,
            "article": self.article,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "message": self.message,
        }
        if self.suggestion is not None:
            row["suggestion"] = self.suggestion
        return row


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Where and when a text will be posted.

    ``platforms``: the target platform ids (see the rulebook's ``platforms``); length limits are
    checked only for these. ``post_date`` resolves dates written without a year.
    """

    platforms: tuple[str, ...] = ()
    post_date: dt.date = field(default_factory=dt.date.today)
