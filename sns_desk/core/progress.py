"""The one progress-and-cancel protocol of long operations (imports, backup packages, restores).

A long operation takes two optional callables and nothing else from its front end:

* ``progress(done, total)`` — called now and then; ``total`` is ``None`` while it is not known;
* ``cancelled()`` — polled between steps; once it returns True the operation stops, undoes what it
  wrote and raises a :class:`~sns_desk.core.errors.Cancelled` error (a :class:`UserError`).

The CLI passes a text progress bar and a Ctrl+C flag, the GUI a progress dialog and its 中止 button.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import Cancelled

Progress = Callable[[int, int | None], None]
"""``progress(done, total)``; ``total`` is ``None`` while it is not known."""

CancelCheck = Callable[[], bool]
"""``cancelled()``: True once the user asked to stop."""


def never_cancelled() -> bool:
    return False


def check_cancel(cancelled: CancelCheck | None, error: type[Cancelled] = Cancelled) -> None:
    """Raise ``error`` when the user asked to stop."""
    if cancelled is not None and cancelled():
        raise error()


class ProgressTicker:
    """Throttled progress: reports every ``step`` units and whenever forced (the end of a phase)."""

    def __init__(self, progress: Progress | None, step: int = 1) -> None:
        self._progress = progress
        self._step = step
        self.done = 0
        self.total: int | None = None
        self._last = -step

    def advance(self, units: int = 1, *, force: bool = False) -> None:
        self.done += units
        if self._progress is not None and (force or self.done - self._last >= self._step):
            self._last = self.done
            self._progress(self.done, self.total)
