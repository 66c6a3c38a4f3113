"""Background operations: run a call (usually a :class:`DeskService` method) off the UI thread.

The GUI never touches the database on the UI thread. It hands a callable to :class:`OpRunner`;
a :class:`QRunnable` runs it on the runner's worker thread, and the result (or the exception
it raised) comes back through a queued Qt signal, so the callbacks run on the main thread —
the same idea as Anki's ``CollectionOp`` or Picard's ``run_task`` + ``to_main``.

The runner has one worker thread: operations run one at a time and in the order they were
started, so "save, then submit" can simply be started in that order. Results are whatever the
callable returns; for :class:`DeskService` those are plain frozen dataclasses, safe to hand
from one thread to another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

T = TypeVar("T")

SuccessCallback = Callable[[Any], object]
FailureCallback = Callable[[Exception], object]


@dataclass(slots=True)
class _Pending:
    label: str
    on_success: SuccessCallback | None
    on_failure: FailureCallback | None


class _Relay(QObject):
    """Lives on the main thread; the worker emits through it, so slots run on the main thread."""

    done = Signal(int, bool, object)


class _OpTask(QRunnable):
    def __init__(self, op_id: int, fn: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self._op_id = op_id
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the caller on the main thread
            self._relay.done.emit(self._op_id, False, exc)
            return
        self._relay.done.emit(self._op_id, True, result)


class OpRunner(QObject):
    """Runs callables on one worker thread and calls back on the main thread.

    ``run(fn, on_success, on_failure)`` returns an operation id at once. Later, on the main
    thread, ``on_success(result)`` or ``on_failure(exception)`` is called. A failure without an
    ``on_failure`` callback is emitted as :attr:`unhandledError`.
    """

    started = Signal(int, str)
    """An operation was queued: its id and label."""
    finished = Signal(int, str)
    """An operation's result was delivered (after its callback ran): its id and label."""
    busyChanged = Signal(bool)
    """Whether any operation is queued, running or waiting to be delivered."""
    unhandledError = Signal(object)
    """An exception that no ``on_failure`` callback took."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # in order, one at a time
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver)
        self._pending: dict[int, _Pending] = {}
        self._next_id = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def is_busy(self) -> bool:
        return bool(self._pending)

    @property
    def is_closed(self) -> bool:
        return self._closed

    def pending_labels(self) -> list[str]:
        return [p.label for p in self._pending.values()]

    def run(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], object] | None = None,
        on_failure: FailureCallback | None = None,
        *,
        label: str = "",
    ) -> int:
        """Queue ``fn`` for the worker thread; returns the operation's id (-1 once shut down)."""
        if self._closed:
            return -1
        with self._lock:
            self._next_id += 1
            op_id = self._next_id
        was_busy = self.is_busy
        self._pending[op_id] = _Pending(label, on_success, on_failure)
        self._pool.start(_OpTask(op_id, fn, self._relay))
        self.started.emit(op_id, label)
        if not was_busy:
            self.busyChanged.emit(True)
        return op_id

    @Slot(int, bool, object)
    def _deliver(self, op_id: int, ok: bool, payload: object) -> None:
        pending = self._pending.pop(op_id, None)
        if pending is None or self._closed:
            return
        try:
            if ok:
                if pending.on_success is not None:
                    pending.on_success(payload)
            else:
                assert isinstance(payload, Exception)
                if pending.on_failure is not None:
                    pending.on_failure(payload)
                else:
                    self.unhandledError.emit(payload)
        finally:
            self.finished.emit(op_id, pending.label)
            if not self._pending:
                self.busyChanged.emit(False)

    def wait_idle(self, msecs: int = -1) -> bool:
        """Block until the worker has nothing to run (results may still be in the event queue)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Drop queued operations, wait for the running one, and deliver nothing more."""
        self._closed = True
        self._pool.clear()
        self._pool.waitForDone()
        self._pending.clear()
