"""GUI tests run offscreen; Qt must learn that before it is imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sns_desk.core.checker import Checker, default_checker
from sns_desk.gui.check_window import CheckWindow
from sns_desk.gui.live_check import CheckResult, TextChecker

POST_DATE = dt.date(2026, 11, 20)
"""A fixed posting day, so that dates without a year resolve the same every run."""

SIGNAL_TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def _application(qapp: QApplication) -> QApplication:
    """Every GUI test gets the QApplication (icons and pixmaps need one)."""
    return qapp


@pytest.fixture(scope="session")
def checker() -> Checker:
    return default_checker()


def make_window(qtbot: QtBot, checker: TextChecker) -> CheckWindow:
    window = CheckWindow(checker, post_date=POST_DATE)
    qtbot.addWidget(window)  # closed at teardown, which stops its worker
    return window


@pytest.fixture
def window(qtbot: QtBot, checker: Checker) -> Iterator[CheckWindow]:
    w = make_window(qtbot, checker)
    yield w
    w.live.shutdown()


def set_text_and_wait(qtbot: QtBot, window: CheckWindow, text: str) -> CheckResult:
    """Replace the editor's text and wait for the (current) check result to be shown."""
    with qtbot.waitSignal(window.live.resultReady, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        window.editor.setPlainText(text)
    result = blocker.args[0]
    assert isinstance(result, CheckResult)
    return result
