"""Checking while the user types: debounced, off the UI thread, stale results dropped.

Every change of the text (or of the check context) makes a new *generation*. A single-shot
timer waits :data:`DEBOUNCE_MS` after the last change, then a :class:`QRunnable` checks a
snapshot of the text on a worker thread. Its result comes back through a Qt signal, so it is
handled on the main thread, where :meth:`LiveChecker.deliver` drops it unless its generation is
still the current one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from ..core.checker import CheckContext, Finding, Length, measure
from ..core.checker.morph import tokenize
from ..core.rulebook.model import Rulebook

DEBOUNCE_MS: Final = 150
WARM_UP_DELAY_MS: Final = 1000


class TextChecker(Protocol):
    """What the GUI needs of a checker (:class:`sns_desk.core.checker.Checker` is one)."""

    @property
    def rulebook(self) -> Rulebook: ...

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]: ...


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """A snapshot of what to check, taken on the main thread."""

    text: str
    context: CheckContext


@dataclass(frozen=True, slots=True)
class CheckResult:
    generation: int
    text: str
    """The exact text that was checked; finding offsets are code points into it."""
    context: CheckContext
    findings: tuple[Finding, ...]
    lengths: Mapping[str, Length] = field(default_factory=dict)
    """Length of the text as every rulebook platform counts it, by platform id."""


def run_check(checker: TextChecker, generation: int, request: CheckRequest) -> CheckResult:
    """The work itself (pure Python, no Qt): findings plus every platform's length."""
    findings = tuple(checker.check(request.text, request.context))
    lengths = {
        pid: measure(request.text, platform.counting, platform.limit)
        for pid, platform in checker.rulebook.platforms.items()
    }
    return CheckResult(generation, request.text, request.context, findings, lengths)


class _Relay(QObject):
    """Lives on the main thread; worker threads emit through it (queued to the main thread)."""

    finished = Signal(int, object)
    failed = Signal(int, str)


class _CheckTask(QRunnable):
    def __init__(
        self,
        checker: TextChecker,
        generation: int,
        request: CheckRequest,
        relay: _Relay,
        wanted: Callable[[int], bool],
    ) -> None:
        super().__init__()
        self._checker = checker
        self._generation = generation
        self._request = request
        self._relay = relay
        self._wanted = wanted

    def run(self) -> None:
        if not self._wanted(self._generation):
            return  # superseded while queued: a newer task is on its way
        try:
            result = run_check(self._checker, self._generation, self._request)
        except Exception as exc:  # a checker bug must not kill the worker thread silently
            self._relay.failed.emit(self._generation, f"{type(exc).__name__}: {exc}")
            return
        self._relay.finished.emit(self._generation, result)


def warm_up() -> None:
    """Import and prime what a check needs (twitter-text, this thread's MeCab tagger)."""
    measure("あ https://example.com 😀", "twitter", 280)
    tokenize("準備")


class LiveChecker(QObject):
    """Schedules checks of ``snapshot()`` and emits :attr:`resultReady` for current ones only.

    Call :meth:`schedule` on every change (it starts a new generation and restarts the
    debounce timer) and :meth:`check_now` to skip the wait.
    """

    resultReady = Signal(object)
    """A :class:`CheckResult` whose generation is the current one."""
    staleDiscarded = Signal(int)
    """The generation of a result that arrived after the text had changed; it was dropped."""
    failed = Signal(str)
    """The checker raised; the argument describes the error."""

    def __init__(
        self,
        checker: TextChecker,
        snapshot: Callable[[], CheckRequest],
        parent: QObject | None = None,
        delay_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._checker = checker
        self._snapshot = snapshot
        self._lock = threading.Lock()
        self._generation = 0
        self._closed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.check_now)
        self._pool = QThreadPool(self)
        # One worker: checks run in order, and the thread keeps its MeCab tagger between checks.
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self.deliver)
        self._relay.failed.connect(self._on_failed)
        # Load what the first check needs (MeCab on this worker, twitter-text's ≈ 0.4 s import)
        # in the background soon after start-up (not during it: the import holds the GIL),
        # rather than after the user's first pause in typing.
        QTimer.singleShot(WARM_UP_DELAY_MS, self, self._warm_up)

    @property
    def checker(self) -> TextChecker:
        return self._checker

    @property
    def generation(self) -> int:
        with self._lock:
            return self._generation

    @property
    def is_closed(self) -> bool:
        return self._closed

    def is_current(self, generation: int) -> bool:
        """Thread-safe: whether ``generation`` is still the newest one."""
        with self._lock:
            return generation == self._generation

    def invalidate(self) -> int:
        """Start a new generation: results of earlier ones will be discarded."""
        with self._lock:
            self._generation += 1
            return self._generation

    def schedule(self) -> int:
        """The text or the context changed: new generation, and (re)start the debounce timer."""
        generation = self.invalidate()
        if not self._closed:
            self.timer.start()
        return generation

    @Slot()
    def check_now(self) -> int:
        """Check the current snapshot on the worker thread now; returns its generation."""
        self.timer.stop()
        generation = self.generation
        if not self._closed:
            task = _CheckTask(self._checker, generation, self._snapshot(), self._relay, self.is_current)
            self._pool.start(task)
        return generation

    @Slot(int, object)
    def deliver(self, generation: int, result: CheckResult) -> bool:
        """Main thread: pass ``result`` on if it is current; else drop it. Returns whether passed."""
        if self._closed:
            return False
        if not self.is_current(generation):
            self.staleDiscarded.emit(generation)
            return False
        self.resultReady.emit(result)
        return True

    @Slot(int, str)
    def _on_failed(self, generation: int, message: str) -> None:
        if not self._closed and self.is_current(generation):
            self.failed.emit(message)

    def wait_idle(self, msecs: int = -1) -> bool:
        """Block until no check is running or queued (results may still be in the event queue)."""
        return self._pool.waitForDone(msecs)

    def _warm_up(self) -> None:
        if not self._closed:
            self._pool.start(warm_up)

    def shutdown(self) -> None:
        """Stop checking: drop queued work and wait for a running check to end."""
        self._closed = True
        self.timer.stop()
        self.invalidate()
        self._pool.clear()
        self._pool.waitForDone()
