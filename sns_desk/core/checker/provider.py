"""The checker in use, rebuilt when the rulebook changes, and never replaced by a broken one."""

from __future__ import annotations

import threading
from pathlib import Path

from ..rulebook.errors import RulebookError
from ..rulebook.loader import load_rulebook
from .engine import Checker


class CheckerProvider:
    """Holds the last good :class:`Checker`.

    ``load(path)`` builds a checker from a rulebook file; if the file is broken the error is
    returned (and kept in ``last_error``) and the previous checker stays in use.
    """

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self.last_error: RulebookError | None = None
        self._checker = Checker(load_rulebook(path))
        self.path = path

    @property
    def checker(self) -> Checker:
        with self._lock:
            return self._checker

    def load(self, path: Path) -> RulebookError | None:
        try:
            checker = Checker(load_rulebook(path))
        except RulebookError as exc:
            self.last_error = exc
            return exc
        with self._lock:
            self._checker = checker
            self.path = path
            self.last_error = None
        return None


def default_checker(path: Path | None = None) -> Checker:
    """A checker for the bundled rulebook (or ``path``)."""
    from ...resources import default_rulebook_path

    return Checker(load_rulebook(path or default_rulebook_path()))
