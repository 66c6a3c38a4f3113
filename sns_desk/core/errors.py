"""The one error type that reaches a person: a Japanese message and, where it helps, a hint.

Every domain error derives from :class:`UserError` (workflow refusals, broken archives, a damaged
database, a bad rulebook, a bad option …). The front ends render it once each: the CLI as
``sns-desk CMD: message`` on stderr (the hint on the next line), the GUI as a message box.
Anything else that escapes is a programming error and is shown as such.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can act on.

    ``message`` is one or two complete Japanese sentences, written for the person at the
    screen; ``hint`` optionally says what to do next. ``str(error)`` is the message alone,
    so log lines and tests read the same text as the user.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    @property
    def full_text(self) -> str:
        """The message and the hint, one paragraph each."""
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class InvalidInput(UserError):
    """A value given by the user (an option, a field) that cannot be used.

    A service does not know whether the value came from a command-line option or a form field, so
    it names both and each front end says it its own way: ``option`` (``--account``) for the CLI,
    ``field`` (「アカウント名」) and ``retry`` (what to do again, e.g. 「取り込んで」) for the GUI.
    """

    def __init__(self, message: str, hint: str = "", *, option: str = "", field: str = "", retry: str = "") -> None:
        super().__init__(message, hint)
        self.option = option
        self.field = field
        self.retry = retry


class Cancelled(UserError):
    """The user stopped a long operation; nothing it would have written was kept."""

    def __init__(self, message: str = "中止しました。何も書き込まれていません。", hint: str = "") -> None:
        super().__init__(message, hint)
