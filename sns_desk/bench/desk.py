"""Benchmarks of the drafting desk, run outside the tests: ``python -m sns_desk.bench desk``.

* keystrokes: 300 characters typed one by one into an open draft (as input-method commits,
  the way Japanese text arrives), each timed from the event to the end of the event processing
  it causes; then the time from the last key to the updated underlines;
* paste: 10,000 characters pasted at once, timed the same way;
* cold start: from starting ``sns-desk`` to a usable main window (its first refresh shown).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QSettings, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from ..core.checker import default_checker
from ..gui.app import QUIT_WHEN_READY_ENV, MainThreadGarbageCollector
from ..gui.desk_window import DeskWindow
from ..gui.live_check import warm_up
from ..services.desk import DeskService
from ..storage import identity
from ..storage.database import open_database
from .checker import sample_text


def _wait_for(signal: object, predicate: Callable[[], bool], timeout_ms: int = 30_000) -> None:
    """Run the event loop until ``predicate()`` holds after ``signal`` fires (no sleeping)."""
    if predicate():
        return
    loop = QEventLoop()

    def check(*_: object) -> None:
        if predicate():
            loop.quit()

    signal.connect(check)  # type: ignore[attr-defined]
    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(10)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()
    signal.disconnect(check)  # type: ignore[attr-defined]
    if not predicate():
        raise TimeoutError("the window did not get there in time")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def editor_bench(app: QApplication, keys: int) -> None:
    collector = MainThreadGarbageCollector()  # as the app does: never collect on a worker thread
    folder = Path(tempfile.mkdtemp(prefix="sns-desk-bench-"))
    login = identity.os_login()  # who creates a new database becomes its operations manager
    database = open_database(f"sqlite:///{(folder / 'bench.db').as_posix()}")
    checker = default_checker()
    service = DeskService(database, lambda: checker, login)
    account = service.add_account("x", "ベンチマーク用", "https://x.com/bench", "広報", login)
    draft = service.create_draft(account.id)
    window = DeskWindow(
        service,
        checker,
        database_name=database.display_name,
        settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat),
    )
    window.resize(1400, 900)
    window.show()
    _wait_for(window.refreshed, lambda: window.me is not None)
    window.open_draft(draft.id)
    _wait_for(window.draftLoaded, lambda: window.current_draft is not None and window.current_draft.id == draft.id)
    window.editor.setFocus()
    # A person starts typing after start-up has finished, background warm-up included (the
    # live checker loads twitter-text a second after start); do here what it would have done.
    warm_up()

    def current_result_shown() -> bool:
        result = window.panel.last_result
        return result is not None and result.text == window.editor.toPlainText()

    text = sample_text(keys)
    per_key: list[float] = []
    for ch in text:
        event = QInputMethodEvent()
        event.setCommitString(ch)
        start = time.perf_counter()
        QApplication.sendEvent(window.editor, event)
        app.processEvents()
        per_key.append((time.perf_counter() - start) * 1000)
    last_key = time.perf_counter()
    _wait_for(window.panel.resultShown, current_result_shown)
    to_underlines = (time.perf_counter() - last_key) * 1000
    print(
        f"typing {keys} characters: per keystroke median {statistics.median(per_key):.2f} ms, "
        f"p95 {_percentile(per_key, 95):.2f} ms, max {max(per_key):.2f} ms",
        flush=True,
    )
    print(f"last key -> updated underlines: {to_underlines:.0f} ms (includes the 150 ms pause)", flush=True)

    # A long text as people write one: a sentence or two per line. (One 10,000-character line
    # would make Qt re-wrap the whole paragraph on every key; see the README.)
    big = sample_text(12_000, seed=11).replace("。", "。\n")[:10_000]
    start = time.perf_counter()
    window.editor.insertPlainText(big)
    app.processEvents()
    paste = (time.perf_counter() - start) * 1000
    pasted = time.perf_counter()
    _wait_for(window.panel.resultShown, current_result_shown)
    print(
        f"paste 10,000 characters: event processing {paste:.1f} ms; "
        f"-> updated underlines {(time.perf_counter() - pasted) * 1000:.0f} ms",
        flush=True,
    )
    long_keys = []
    for ch in sample_text(50, seed=3):
        event = QInputMethodEvent()
        event.setCommitString(ch)
        start = time.perf_counter()
        QApplication.sendEvent(window.editor, event)
        app.processEvents()
        long_keys.append((time.perf_counter() - start) * 1000)
    print(
        f"typing into the 10,000-character text: per keystroke median {statistics.median(long_keys):.2f} ms, "
        f"p95 {_percentile(long_keys, 95):.2f} ms",
        flush=True,
    )
    window.close()
    _wait_for(window.saved, window.isHidden)
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collector.stop()
    database.close()


def cold_start(runs: int) -> None:
    if runs < 1:
        return
    times = []
    with tempfile.TemporaryDirectory(prefix="sns-desk-bench-") as folder:
        platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
        env = {**os.environ, QUIT_WHEN_READY_ENV: "1", "QT_QPA_PLATFORM": platform}
        db = f"sqlite:///{(Path(folder) / 'cold.db').as_posix()}"
        for i in range(runs + 1):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "sns_desk", "--db", db], env=env, capture_output=True, text=True, timeout=120
            )
            elapsed = (time.perf_counter() - start) * 1000
            if "READY" not in done.stdout:
                raise RuntimeError(f"sns-desk did not report a usable window: {done.stderr[-500:]}")
            if i:  # the first run creates the database; measure the ordinary start-ups
                times.append(elapsed)
    print(
        f"cold start `sns-desk` -> usable window: median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms ({runs} runs)",
        flush=True,
    )


EXIT_WITHOUT_GC = True
"""Leave without the interpreter's final garbage collection: after a run, PySide6 6.12 aborts in it
("none_dealloc") on this offscreen set-up. Nothing is left to clean up by then."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sns_desk.bench desk", description="投稿デスクのベンチマーク")
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])  # kept alive until the end of main()
    assert isinstance(app, QApplication)
    editor_bench(app, args.keys)
    # Collect the window's Python wrappers now, on this thread, while the application exists;
    # left to the interpreter's shutdown they would be destroyed after Qt is gone.
    gc.collect()
    cold_start(args.cold_runs)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Leave without the interpreter's final garbage collection: after everything above, PySide6
    # 6.12 aborts in it ("none_dealloc") on this offscreen set-up. Nothing is left to clean up.
    os._exit(code)
