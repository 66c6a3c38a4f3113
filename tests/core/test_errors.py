"""Every domain error is a UserError: one type for the CLI and the GUI to render."""

from __future__ import annotations

import pytest

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.package import PackageCancelled
from sns_desk.core.attachments import AttachmentError
from sns_desk.core.errors import Cancelled, InvalidInput, UserError
from sns_desk.core.policy.model import PolicyFormatError
from sns_desk.core.policy.templates import PolicyTemplateError
from sns_desk.core.progress import ProgressTicker, check_cancel
from sns_desk.core.rulebook.errors import RulebookError
from sns_desk.core.workflow import DraftNotFound, WorkflowError


@pytest.mark.parametrize(
    "error",
    [
        ArchiveError("壊れています"),
        AttachmentError("読めません"),
        PolicyFormatError("読めません"),
        PolicyTemplateError("読めません"),
        WorkflowError("できません"),
        DraftNotFound("ありません"),
        InvalidInput("値が違います"),
        PackageCancelled(),
    ],
)
def test_domain_errors_are_user_errors_whose_text_is_the_message(error: UserError) -> None:
    assert isinstance(error, UserError)
    assert str(error) == error.message and error.message
    assert not isinstance(error, ValueError)  # never caught by accident as a programming error


def test_the_rulebook_error_names_file_and_line_in_its_message(tmp_path: object) -> None:
    error = RulebookError(None, 4, "条項がありません")
    assert isinstance(error, UserError)
    assert error.message == "ルールブックを読み込めません: ルールブック の 4 行目: 条項がありません"


def test_the_hint_is_a_second_paragraph_of_the_full_text() -> None:
    plain = UserError("保存できません")
    hinted = UserError("保存できません", hint="しばらく待ってから、もう一度お試しください")
    assert plain.full_text == "保存できません"
    assert hinted.full_text == "保存できません\nしばらく待ってから、もう一度お試しください"
    assert str(hinted) == "保存できません"


def test_check_cancel_raises_the_given_cancellation_only_when_asked() -> None:
    check_cancel(None)
    check_cancel(lambda: False)
    with pytest.raises(PackageCancelled) as caught:
        check_cancel(lambda: True, PackageCancelled)
    assert isinstance(caught.value, Cancelled) and "中止" in caught.value.message


def test_the_ticker_reports_every_step_units_and_when_forced() -> None:
    seen: list[tuple[int, int | None]] = []
    ticker = ProgressTicker(lambda done, total: seen.append((done, total)), step=3)
    ticker.total = 7
    for _ in range(7):
        ticker.advance()
    ticker.advance(0, force=True)
    assert seen == [(1, 7), (4, 7), (7, 7), (7, 7)]
