"""How the command line shows an error: once, here, for every command.

A :class:`~sns_desk.core.errors.UserError` becomes ``sns-desk CMD: message`` on stderr (its hint on
the next line) and exit code 2, or 1 for a step the rules refused where the command says so. Ctrl+C
and file-system errors get a Japanese sentence too: the CLI contract allows no traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..core.errors import InvalidInput, UserError
from ..core.workflow import DraftNotFound, WorkflowError
from .exits import EXIT_USAGE


def write_error(err: TextIO, prog: str, exc: UserError) -> None:
    option = exc.option if isinstance(exc, InvalidInput) else ""
    err.write(f"{prog}: {exc.message}{f'{option} で指定してください' if option else ''}\n")
    if exc.hint:
        err.write(f"{prog}: {exc.hint}\n")


def exit_code(exc: UserError, refusal: int) -> int:
    """``refusal`` for a step the rules refused; 2 (usage or input) for everything else."""
    if isinstance(exc, WorkflowError) and not isinstance(exc, DraftNotFound):
        return refusal
    return EXIT_USAGE


def os_error_text(exc: OSError) -> str:
    where = f"「{exc.filename}」" if exc.filename else "ファイル"
    if isinstance(exc, FileNotFoundError):
        return f"{where}が見つかりません(保存先のフォルダがあるか確かめてください)"
    if isinstance(exc, PermissionError):
        return f"{where}を読み書きする権限がありません"
    if isinstance(exc, IsADirectoryError):
        return f"{where}はフォルダです。ファイル名を指定してください"
    return f"{where}を読み書きできません(OS のエラー番号 {exc.errno})"


def run_guarded(
    err: TextIO,
    prog: str,
    body: Callable[[], int],
    *,
    refusal: int = EXIT_USAGE,
    interrupted: str | None = None,
    before_message: Callable[[], None] | None = None,
) -> int:
    """Run a command's ``body`` and turn what the user must hear into a message and an exit code.

    ``interrupted`` is said on Ctrl+C (what was left as it was), with exit 2; without it Ctrl+C ends the
    command as any program (exit 130, by ``sns_desk.__main__``). ``before_message`` runs first when
    something is said, e.g. to end a progress line.
    """

    def say(text: str) -> None:
        if before_message is not None:
            before_message()
        err.write(f"{prog}: {text}\n")

    try:
        return body()
    except KeyboardInterrupt:
        if interrupted is None:
            raise
        say(interrupted)
        return EXIT_USAGE
    except UserError as exc:
        if before_message is not None:
            before_message()
        write_error(err, prog, exc)
        return exit_code(exc, refusal)
    except OSError as exc:
        say(os_error_text(exc))
        return EXIT_USAGE
