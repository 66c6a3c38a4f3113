"""Background operations: off the UI thread, results and errors back on it, in order."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread, QThreadPool
from pytestqt.qtbot import QtBot

from sns_desk.gui.ops import OpRunner

from .conftest import SIGNAL_TIMEOUT_MS


def test_result_arrives_on_the_main_thread(qtbot: QtBot) -> None:
    runner = OpRunner()
    main = QThread.currentThread()
    ran_on: list[QThread] = []
    delivered_on: list[QThread] = []
    results: list[int] = []

    def work() -> int:
        ran_on.append(QThread.currentThread())
        return 42

    def success(value: int) -> None:
        delivered_on.append(QThread.currentThread())
        results.append(value)

    with qtbot.waitSignal(runner.busyChanged, timeout=SIGNAL_TIMEOUT_MS, check_params_cb=lambda busy: not busy):
        op_id = runner.run(work, success, label="answer")
        assert runner.is_busy and runner.pending_labels() == ["answer"]
    assert op_id == 1
    assert results == [42]
    assert ran_on[0] is not main
    assert delivered_on == [main]
    assert not runner.is_busy
    runner.shutdown()


def test_exception_is_delivered_to_on_failure(qtbot: QtBot) -> None:
    runner = OpRunner()
    failures: list[Exception] = []

    def work() -> None:
        raise ValueError("だめでした")

    with qtbot.waitSignal(runner.finished, timeout=SIGNAL_TIMEOUT_MS):
        runner.run(work, lambda _: None, failures.append)
    (exc,) = failures
    assert isinstance(exc, ValueError) and str(exc) == "だめでした"
    runner.shutdown()


def test_exception_without_handler_is_emitted(qtbot: QtBot) -> None:
    runner = OpRunner()

    def work() -> None:
        raise KeyError("x")

    with qtbot.waitSignal(runner.unhandledError, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        runner.run(work)
    assert isinstance(blocker.args[0], KeyError)
    runner.shutdown()


def test_operations_run_one_at_a_time_in_order(qtbot: QtBot) -> None:
    runner = OpRunner()
    gate = threading.Event()
    order: list[str] = []
    delivered: list[str] = []

    def first() -> str:
        gate.wait(SIGNAL_TIMEOUT_MS / 1000)  # an Event, released by the test
        order.append("first")
        return "first"

    def second() -> str:
        order.append("second")
        return "second"

    runner.run(first, delivered.append)
    runner.run(second, delivered.append)
    assert order == []  # the second waits behind the first
    gate.set()
    qtbot.waitUntil(lambda: len(delivered) == 2, timeout=SIGNAL_TIMEOUT_MS)
    assert order == delivered == ["first", "second"]
    runner.shutdown()


class _ReleasingPool:
    """Wraps the runner's pool: ``clear()`` also opens ``gate`` (deterministic, no timers)."""

    def __init__(self, pool: QThreadPool, gate: threading.Event) -> None:
        self._pool, self._gate = pool, gate

    def clear(self) -> None:
        self._pool.clear()
        self._gate.set()

    def waitForDone(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)


def test_shutdown_drops_queued_work_and_delivers_nothing(qtbot: QtBot) -> None:
    runner = OpRunner()
    started, gate = threading.Event(), threading.Event()
    ran: list[str] = []
    delivered: list[object] = []

    def blocking() -> None:
        started.set()
        gate.wait(SIGNAL_TIMEOUT_MS / 1000)
        ran.append("blocking")

    runner.run(blocking, delivered.append)
    runner.run(lambda: ran.append("queued"), delivered.append)
    qtbot.waitUntil(started.is_set, timeout=SIGNAL_TIMEOUT_MS)
    runner._pool = _ReleasingPool(runner._pool, gate)  # type: ignore[assignment]
    runner.shutdown()  # clears the queue, then waits for the running operation
    assert ran == ["blocking"]
    assert runner.is_closed and not runner.is_busy
    assert runner.run(lambda: None) == -1
    QCoreApplication.processEvents()  # the finished operation's result is dropped
    assert delivered == []
