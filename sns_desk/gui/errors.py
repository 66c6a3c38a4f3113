"""How the GUI shows an error: once, here, for every window.

A :class:`~sns_desk.core.errors.UserError` is shown with a title for its kind and its own Japanese
message (and hint); a refusal the user can act on is a warning, a database failure is critical.
Anything else is a programming error and says so, with its type, so that IT gets something to go on.
"""

from __future__ import annotations

from typing import Final, Literal

from ..core.archive.errors import ArchiveError
from ..core.attachments import AttachmentError
from ..core.errors import Cancelled, InvalidInput, UserError
from ..core.policy.model import PolicyFormatError
from ..core.workflow import WorkflowError
from ..storage.errors import StorageError

_TITLES: Final[tuple[tuple[type[UserError], str], ...]] = (
    (AttachmentError, "画像を添付できません"),
    (ArchiveError, "取り込めません"),
    (PolicyFormatError, "利用方針を読み込めません"),
    (StorageError, "データベースのエラー"),
    (Cancelled, "中止しました"),
    (WorkflowError, "操作できません"),
    (InvalidInput, "操作できません"),
)
UNEXPECTED_TITLE: Final = "予期しないエラー"


def error_text(exc: BaseException, title: str | None = None) -> tuple[str, str]:
    """(title, message) for an error; ``title`` names the failed operation where the kind does not."""
    if isinstance(exc, UserError):
        kind_title = next((text for cls, text in _TITLES if isinstance(exc, cls)), None)
        chosen = kind_title if kind_title is not None and (title is None or isinstance(exc, StorageError)) else title
        message = exc.message
        if isinstance(exc, InvalidInput) and exc.field:
            message += f"「{exc.field}」に入力して、もう一度{exc.retry or 'お試し'}ください"
        if exc.hint:
            message += f"\n\n{exc.hint}"
        return chosen or "操作できません", message
    return UNEXPECTED_TITLE, f"予期しないエラーが発生しました。({type(exc).__name__}: {exc})"


def error_kind(exc: BaseException) -> Literal["warning", "critical"]:
    """The message box's kind: ``warning`` for what the user can act on, ``critical`` otherwise."""
    return "warning" if isinstance(exc, UserError) and not isinstance(exc, StorageError) else "critical"
