"""The live check: debounce, worker thread, and dropping results that arrive too late."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from sns_desk.core.checker import CheckContext, Checker, Finding
from sns_desk.core.rulebook.model import Rulebook
from sns_desk.gui.live_check import DEBOUNCE_MS, CheckRequest, CheckResult, LiveChecker, run_check

from .conftest import POST_DATE, SIGNAL_TIMEOUT_MS, make_window

CREDENTIAL_POST = "パスワードは abc12345 です。"
WEEKDAY_POST = "12月5日(月)に説明会を開催します。"


class GatedChecker:
    """Wraps a checker; the first check blocks on the worker thread until ``release`` is set."""

    def __init__(self, inner: Checker) -> None:
        self.inner = inner
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: list[QThread] = []
        self.texts: list[str] = []

    @property
    def rulebook(self) -> Rulebook:
        return self.inner.rulebook

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        self.threads.append(QThread.currentThread())
        self.texts.append(text)
        self.started.set()
        self.release.wait(SIGNAL_TIMEOUT_MS / 1000)  # an Event, not a sleep: set by the test
        return self.inner.check(text, context)


class FailingChecker:
    def __init__(self, inner: Checker) -> None:
        self.inner = inner

    @property
    def rulebook(self) -> Rulebook:
        return self.inner.rulebook

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        raise RuntimeError("辞書が壊れています")


def _request(text: str) -> CheckRequest:
    return CheckRequest(text, CheckContext(platforms=("x",), post_date=POST_DATE))


def test_debounce_interval_and_generations(qtbot: QtBot, checker: Checker) -> None:
    live = LiveChecker(checker, lambda: _request(CREDENTIAL_POST))
    assert live.timer.interval() == DEBOUNCE_MS == 150
    assert live.timer.isSingleShot()
    assert live.generation == 0
    assert live.schedule() == 1
    assert live.timer.isActive()
    assert live.schedule() == 2  # restarted, one check pending
    with qtbot.waitSignal(live.resultReady, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        pass
    result = blocker.args[0]
    assert isinstance(result, CheckResult)
    assert result.generation == 2
    assert [f.rule for f in result.findings] == ["security.credential"]
    live.shutdown()


def test_stale_result_is_discarded_deterministically(qtbot: QtBot, checker: Checker) -> None:
    live = LiveChecker(checker, lambda: _request(CREDENTIAL_POST))
    old = live.generation
    result = run_check(checker, old, _request(CREDENTIAL_POST))
    live.invalidate()  # the text changed after the check started
    with qtbot.assertNotEmitted(live.resultReady), qtbot.waitSignal(live.staleDiscarded) as stale:
        assert live.deliver(old, result) is False
    assert stale.args == [old]

    current = run_check(checker, live.generation, _request(CREDENTIAL_POST))
    with qtbot.waitSignal(live.resultReady) as ready:
        assert live.deliver(live.generation, current) is True
    assert ready.args == [current]
    live.shutdown()


def test_text_changed_while_checking_drops_the_old_result(qtbot: QtBot, checker: Checker) -> None:
    gated = GatedChecker(checker)
    window = make_window(qtbot, gated)
    stale: list[int] = []
    shown: list[CheckResult] = []
    window.live.staleDiscarded.connect(stale.append)
    window.live.resultReady.connect(shown.append)
    try:
        window.editor.setPlainText(CREDENTIAL_POST)
        qtbot.waitUntil(gated.started.is_set, timeout=SIGNAL_TIMEOUT_MS)
        old = window.live.generation
        window.editor.setPlainText(WEEKDAY_POST)  # while the first check is still running
        with qtbot.waitSignal(window.live.resultReady, timeout=SIGNAL_TIMEOUT_MS) as blocker:
            gated.release.set()
    finally:
        gated.release.set()
    assert stale == [old]
    assert shown == [blocker.args[0]]
    assert blocker.args[0].text == WEEKDAY_POST
    assert gated.texts == [CREDENTIAL_POST, WEEKDAY_POST]
    assert [f.rule for f in window.model.findings()] == ["accuracy.weekday"]
    assert window.editor.toPlainText() == WEEKDAY_POST
    # The check ran off the UI thread.
    assert all(t is not QThread.currentThread() for t in gated.threads)


def test_queued_check_that_became_stale_is_skipped(qtbot: QtBot, checker: Checker) -> None:
    gated = GatedChecker(checker)
    live = LiveChecker(gated, lambda: _request(CREDENTIAL_POST))
    try:
        live.check_now()  # blocks the only worker
        qtbot.waitUntil(gated.started.is_set, timeout=SIGNAL_TIMEOUT_MS)
        live.check_now()  # queued behind it ...
        live.invalidate()  # ... and stale before it starts
        with qtbot.waitSignal(live.staleDiscarded, timeout=SIGNAL_TIMEOUT_MS):
            gated.release.set()
        assert live.wait_idle(SIGNAL_TIMEOUT_MS)
    finally:
        gated.release.set()
        live.shutdown()
    assert gated.texts == [CREDENTIAL_POST]  # the queued one never ran


def test_checker_failure_is_reported_not_raised(qtbot: QtBot, checker: Checker) -> None:
    window = make_window(qtbot, FailingChecker(checker))
    with qtbot.waitSignal(window.live.failed, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        window.editor.setPlainText(CREDENTIAL_POST)
    assert "辞書が壊れています" in blocker.args[0]
    assert window.statusBar().currentMessage().startswith("チェックに失敗しました")
    assert window.model.rowCount() == 0


def test_run_check_measures_every_platform(checker: Checker) -> None:
    result = run_check(checker, 7, _request("あ" * 141))
    assert result.generation == 7
    assert set(result.lengths) == set(checker.rulebook.platforms)
    assert result.lengths["x"].count == 282
    assert result.lengths["instagram"].count == 141
