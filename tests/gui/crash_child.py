"""The app as a separate process for the crash test: opens a draft, types, reports on stdout.

Run as ``python tests/gui/crash_child.py DB_URL DRAFT_ID SETTINGS_PATH``. It types the first
part, waits for the autosave and prints ``SAVED <revision>``, then types more and prints
``TYPING`` and keeps typing until it is killed.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from sns_desk.core.checker import default_checker
from sns_desk.core.workflow import Draft
from sns_desk.gui.desk_window import DeskWindow
from sns_desk.services.desk import DeskService
from sns_desk.storage.database import open_database

FIRST = "12月5日(土)、図書館で冬のおはなし会を開催します。"
MORE = "まだ保存されていない続きの文"


def main() -> int:
    db_url, draft_id, settings_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    app = QApplication([])
    database = open_database(db_url)
    checker = default_checker()
    service = DeskService(database, lambda: checker, os.environ["LOGNAME"])
    window = DeskWindow(
        service,
        checker,
        database_name=database.display_name,
        settings=QSettings(settings_path, QSettings.Format.IniFormat),
        autosave_ms=200,
    )
    state = {"phase": "open"}

    def type_text(text: str) -> None:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(window.editor, event)

    def keep_typing() -> None:
        type_text(MORE[len(window.editor.toPlainText()) % len(MORE)])
        QTimer.singleShot(5, keep_typing)

    def on_loaded(draft: Draft) -> None:
        if draft.id == draft_id and state["phase"] == "open":
            state["phase"] = "typing"
            window.editor.setFocus()
            type_text(FIRST)

    def on_saved(draft: Draft) -> None:
        if state["phase"] == "typing" and draft.text == FIRST:
            state["phase"] = "saved"
            print(f"SAVED {draft.revision}", flush=True)
            type_text(MORE)
            print("TYPING", flush=True)
            keep_typing()

    window.draftLoaded.connect(on_loaded)
    window.saved.connect(on_saved)
    window.refreshed.connect(lambda: window.open_draft(draft_id) if state["phase"] == "open" else None)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
