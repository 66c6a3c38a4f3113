"""The CLI renders every UserError one way: ``prog: message``, the hint, and the exit code."""

from __future__ import annotations

import io

import pytest

from sns_desk.cli.errors import run_guarded
from sns_desk.core.errors import InvalidInput, UserError
from sns_desk.core.workflow import DraftNotFound, WorkflowError
from sns_desk.services.archive_import import AccountNameNeeded
from sns_desk.storage.errors import DatabaseLockedError


def _raises(exc: BaseException) -> int:
    raise exc


@pytest.mark.parametrize(
    ("error", "refusal", "code"),
    [
        (WorkflowError("自分の投稿案は承認できません"), 1, 1),
        (WorkflowError("自分の投稿案は承認できません"), 2, 2),
        (DraftNotFound("投稿案 9 はありません"), 1, 2),
        (InvalidInput("--limit には 1 以上を指定してください"), 1, 2),
        (DatabaseLockedError("データベースは使用中です"), 1, 2),
    ],
)
def test_a_user_error_is_one_line_on_stderr_and_its_exit_code(error: UserError, refusal: int, code: int) -> None:
    err = io.StringIO()
    assert run_guarded(err, "sns-desk draft", lambda: _raises(error), refusal=refusal) == code
    assert err.getvalue() == f"sns-desk draft: {error.message}\n"


def test_the_hint_follows_on_its_own_line() -> None:
    err = io.StringIO()
    error = UserError("保存できません", hint="しばらく待ってから、もう一度お試しください")
    assert run_guarded(err, "sns-desk backup", lambda: _raises(error)) == 2
    assert err.getvalue().splitlines() == [
        "sns-desk backup: 保存できません",
        "sns-desk backup: しばらく待ってから、もう一度お試しください",
    ]


def test_ctrl_c_and_file_errors_are_sentences_after_the_progress_line_ends() -> None:
    ended: list[str] = []
    err = io.StringIO()
    code = run_guarded(
        err,
        "sns-desk archive",
        lambda: _raises(KeyboardInterrupt()),
        interrupted="取り込みを中止しました",
        before_message=lambda: ended.append("end"),
    )
    assert code == 2 and ended == ["end"] and err.getvalue() == "sns-desk archive: 取り込みを中止しました\n"
    err = io.StringIO()
    missing = FileNotFoundError(2, "No such file", "out/policy.pdf")
    assert run_guarded(err, "sns-desk policy", lambda: _raises(missing)) == 2
    assert "「out/policy.pdf」が見つかりません" in err.getvalue() and "Traceback" not in err.getvalue()


def test_ctrl_c_without_a_message_ends_the_command_as_any_program() -> None:
    with pytest.raises(KeyboardInterrupt):  # sns_desk.__main__ exits 130
        run_guarded(io.StringIO(), "sns-desk check", lambda: _raises(KeyboardInterrupt()))


def test_an_invalid_value_names_its_option_on_the_command_line() -> None:
    err = io.StringIO()
    error = AccountNameNeeded()
    assert run_guarded(err, "sns-desk archive", lambda: _raises(error)) == 2
    assert err.getvalue() == "sns-desk archive: アカウント名が分かりません。--account で指定してください\n"


def test_a_programming_error_is_not_turned_into_a_user_message() -> None:
    with pytest.raises(ZeroDivisionError):
        run_guarded(io.StringIO(), "sns-desk check", lambda: 1 // 0)
