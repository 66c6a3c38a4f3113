"""Shared fixtures for the core tests: one checker for the whole session (building it takes ~0.2 s)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest

from sns_desk.core.checker import CheckContext, Checker, Finding, Severity, default_checker

# Every check runs with a fixed post date, so dates written without a year resolve the same way
# whatever day the suite runs. 2026-11-20 is a Friday.
POST_DATE = dt.date(2026, 11, 20)
BLOCKING = (Severity.ERROR, Severity.WARNING)


class CheckHelper:
    """Thin helpers around one :class:`Checker` so that tests read as input -> expectation."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker

    def check(self, text: str, platforms: Iterable[str] = (), post_date: dt.date = POST_DATE) -> list[Finding]:
        return self.checker.check(text, CheckContext(platforms=tuple(platforms), post_date=post_date))

    def find(
        self, text: str, rule: str = "", platforms: Iterable[str] = (), post_date: dt.date = POST_DATE
    ) -> list[Finding]:
        """Findings whose rule id starts with ``rule`` (a rule id or a family prefix like ``privacy.``)."""
        return [f for f in self.check(text, platforms, post_date) if f.rule.startswith(rule)]

    def spans(
        self, text: str, rule: str = "", platforms: Iterable[str] = (), post_date: dt.date = POST_DATE
    ) -> list[str]:
        """The substrings of the ORIGINAL text that the findings of ``rule`` point at."""
        return [text[f.start : f.end] for f in self.find(text, rule, platforms, post_date)]

    def blocking(self, text: str, platforms: Iterable[str] = (), post_date: dt.date = POST_DATE) -> list[Finding]:
        """The error and warning findings (the ones the evaluation counts)."""
        return [f for f in self.check(text, platforms, post_date) if f.severity in BLOCKING]

    def articles(self, text: str, platforms: Iterable[str] = (), post_date: dt.date = POST_DATE) -> set[str]:
        return {f.article for f in self.blocking(text, platforms, post_date)}


@pytest.fixture(scope="session")
def checker() -> Checker:
    return default_checker()


@pytest.fixture(scope="session")
def ck(checker: Checker) -> CheckHelper:
    return CheckHelper(checker)
