"""Refresh when another terminal changes something (PostgreSQL's announcements, storage/changes.py).

A :class:`ChangeWatcher` waits for the server's notifications on its own thread and emits
:attr:`ChangeWatcher.changed` on the main thread with the names of the tables that changed, a
batch at a time, so a window reloads its list once per burst rather than once per row. On SQLite
it does nothing: one terminal works on the file.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from ..storage.changes import ChangeFeed
from ..storage.database import Database

WAIT_SECONDS = 0.5
"""How long each wait lasts; stopping takes at most this long."""


class ChangeWatcher(QObject):
    changed = Signal(object)
    """A frozenset of table names (``drafts``, ``accounts``, ``users``), emitted on the main thread."""

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._feed = ChangeFeed(database)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def supported(self) -> bool:
        return self._feed.supported

    @property
    def running(self) -> bool:
        """Whether the listening thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Listen from now on. The connection is opened here, so nothing committed after is missed."""
        if not self.supported or self._thread is not None or self._stop.is_set():
            return
        self._feed.open()
        self._thread = threading.Thread(target=self._run, name="sns-desk-changes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._feed.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                changes = self._feed.wait(WAIT_SECONDS)
            except Exception:  # the server went away: stop listening; F5 still reloads by hand
                return
            if changes:
                self.changed.emit(frozenset(c.table for c in changes))  # queued to the main thread
