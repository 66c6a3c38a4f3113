from __future__ import annotations

import gc
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sns_desk.config import DB_ENV_VAR
from sns_desk.gui import app as gui_app
from sns_desk.gui.app import (
    PREFERRED_FONT_FAMILIES,
    CrashReportDialog,
    CreateDatabaseDialog,
    MainThreadGarbageCollector,
    StartupErrorDialog,
    apply_japanese_font,
    choose_font_family,
    create_application,
    install_translations,
)
from sns_desk.gui.desk_window import DeskWindow
from sns_desk.storage.database import open_database

from .conftest import SIGNAL_TIMEOUT_MS, Messages, set_os_user


def test_choose_font_family_prefers_windows_fonts() -> None:
    assert choose_font_family(["Arial", "Noto Sans CJK JP", "Meiryo UI"]) == "Meiryo UI"
    assert choose_font_family(["Yu Gothic UI", "Meiryo UI"]) == "Yu Gothic UI"
    assert choose_font_family(["noto sans jp"]) == "noto sans jp"
    assert choose_font_family(["DejaVu Sans"]) is None
    assert PREFERRED_FONT_FAMILIES[0] == "Yu Gothic UI"


def test_japanese_translations_are_installed(qapp: QApplication) -> None:
    translator = install_translations(qapp)
    assert translator is not None
    try:
        assert translator.language().startswith("ja")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_japanese_font_is_first_choice(qapp: QApplication) -> None:
    before = qapp.font()
    try:
        family = apply_japanese_font(qapp)
        if family is None:
            pytest.skip("no Japanese font installed (apt-get install fonts-noto-cjk)")
        assert qapp.font().families()[0] == family
    finally:
        qapp.setFont(before)


def test_create_application_reuses_the_running_one(qapp: QApplication) -> None:
    assert create_application([]) is qapp


def _fake_exec(qtbot: QtBot, shown: list[str], code: int = 3) -> object:
    """Stands in for ``QApplication.exec``: waits for the desk's first refresh, closes it."""

    def fake_exec() -> int:
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        for w in windows:
            if isinstance(w, DeskWindow):
                qtbot.waitUntil(lambda w=w: w.me is not None, timeout=SIGNAL_TIMEOUT_MS)
                shown.append(w.user_label.text())
            shown.append(w.windowTitle())
            w.close()
        return code

    return staticmethod(fake_exec)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note on show()
def test_run_opens_the_desk_on_the_database(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_os_user(monkeypatch, "tanaka")
    url = f"sqlite:///{(tmp_path / 'new' / 'desk.db').as_posix()}"
    shown: list[str] = []
    asked = _answer_create(monkeypatch, yes=True)
    monkeypatch.setattr(QApplication, "exec", _fake_exec(qtbot, shown))
    assert gc.isenabled()
    assert gui_app.run([], db_url=url) == 3
    assert shown == ["利用者: tanaka(運用管理者)", "sns_desk — 投稿デスク"]  # the first user manages operations
    assert gc.isenabled()  # given back after the run
    assert (tmp_path / "new" / "desk.db").is_file()
    assert asked == [str(tmp_path / "new" / "desk.db")]  # a new database given by --db: asked first
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, DeskWindow)]  # destroyed here


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_run_with_only_argv0_reads_the_environment(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_os_user(monkeypatch, "tanaka")
    monkeypatch.setenv(DB_ENV_VAR, f"sqlite:///{(tmp_path / 'env.db').as_posix()}")
    monkeypatch.setenv("SNS_DESK_CREATE", "1")  # creating allowed as on the command line: nothing asked
    _answer_create(monkeypatch, yes=False, must_not_ask=True)
    shown: list[str] = []
    monkeypatch.setattr(QApplication, "exec", _fake_exec(qtbot, shown, 0))
    assert gui_app.run(["sns-desk"]) == 0
    assert "sns_desk — 投稿デスク" in shown
    assert (tmp_path / "env.db").is_file()


def _answer_create(monkeypatch: pytest.MonkeyPatch, *, yes: bool, must_not_ask: bool = False) -> list[str]:
    """Replaces :meth:`CreateDatabaseDialog.ask`: records the database named, answers ``yes``."""
    asked: list[str] = []

    def ask(_cls: type, where: str) -> bool:
        if must_not_ask:
            pytest.fail(f"asked about {where}")
        asked.append(where)
        return yes

    monkeypatch.setattr(CreateDatabaseDialog, "ask", classmethod(ask))
    return asked


def test_no_to_a_new_database_quits_without_creating_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SNS_DESK_CREATE", raising=False)
    asked = _answer_create(monkeypatch, yes=False)
    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: pytest.fail("must not start")))
    mistyped = tmp_path / "kouhou" / "sns_dsek.db"
    assert gui_app.run([], db_url=f"sqlite:///{mistyped.as_posix()}") == 0
    assert asked == [str(mistyped)]
    assert not mistyped.parent.exists()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_an_existing_database_opens_without_asking(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_os_user(monkeypatch, "tanaka")
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    open_database(url).close()
    _answer_create(monkeypatch, yes=False, must_not_ask=True)
    shown: list[str] = []
    monkeypatch.setattr(QApplication, "exec", _fake_exec(qtbot, shown, 0))
    assert gui_app.run([], db_url=url) == 0
    assert "sns_desk — 投稿デスク" in shown


def test_an_unusable_database_is_reported_in_japanese(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    messages: list[str] = []
    monkeypatch.setattr(StartupErrorDialog, "ask", classmethod(lambda _cls, message: messages.append(message)))
    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: pytest.fail("must not start")))
    assert gui_app.run([], db_url=f"sqlite:///{tmp_path.as_posix()}") == 2  # a folder, not a file
    (message,) = messages
    assert "フォルダー" in message


def test_a_damaged_database_is_reported_with_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    path = tmp_path / "desk.db"
    open_database(f"sqlite:///{path.as_posix()}").close()
    with closing(sqlite3.connect(path)) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_posted_items_posted_at'").fetchone()
    with open(path, "r+b") as f:  # the b-tree header of an index page, not the file header
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 8)
    messages: list[str] = []
    monkeypatch.setattr(StartupErrorDialog, "ask", classmethod(lambda _cls, message: messages.append(message)))
    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: pytest.fail("must not start")))
    assert gui_app.run([], db_url=f"sqlite:///{path.as_posix()}") == 2
    (message,) = messages
    assert "壊れています" in message and "バックアップパッケージ" in message and "backup restore" in message


def test_a_broken_rulebook_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "rulebook.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    monkeypatch.setenv(gui_app.RULEBOOK_ENV_VAR, str(broken))
    messages: list[str] = []
    monkeypatch.setattr(StartupErrorDialog, "ask", classmethod(lambda _cls, message: messages.append(message)))
    assert gui_app.run([], db_url=f"sqlite:///{(tmp_path / 'x.db').as_posix()}") == 2
    assert messages[0].startswith("ルールブックを読み込めません")


def test_main_thread_garbage_collector(qapp: QApplication) -> None:
    assert gc.isenabled()
    collector = MainThreadGarbageCollector()
    try:
        assert not gc.isenabled()
        assert collector.timer.isActive()
        assert collector.collect() >= 0
    finally:
        collector.stop()
    assert gc.isenabled()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_crash_of_the_last_run_is_offered_once_at_start(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, log_folder: Path
) -> None:
    set_os_user(monkeypatch, "tanaka")
    monkeypatch.setenv("SNS_DESK_CREATE", "1")
    log_folder.mkdir()
    report = log_folder / "crash-4242.log"
    report.write_text(
        "sns-desk 0.1.0 / process 4242 / started …\n----\nFatal Python error: Segmentation fault\n", "utf-8"
    )
    offered: list[list[Path]] = []
    monkeypatch.setattr(CrashReportDialog, "ask", classmethod(lambda _cls, reports: offered.append(reports)))
    monkeypatch.setattr(QApplication, "exec", _fake_exec(qtbot, [], 0))
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    assert gui_app.run([], db_url=url) == 0
    assert offered == [[report]]
    assert not report.exists() and (log_folder / "crash-4242.reported.log").is_file()  # kept for IT
    assert gui_app.run([], db_url=url) == 0
    assert offered == [[report]]  # not again
    assert not list(log_folder.glob("crash-*[0-9].log"))  # this run's own crash file went with a clean exit


def test_an_uncaught_exception_is_logged_and_shown(
    monkeypatch: pytest.MonkeyPatch, messages: Messages, log_folder: Path
) -> None:
    try:
        raise ZeroDivisionError("in a slot")
    except ZeroDivisionError as exc:
        gui_app._log_uncaught(ZeroDivisionError, exc, exc.__traceback__)
    ((title, text, kind),) = messages.shown
    assert (title, kind) == ("予期しないエラー", "critical") and "ZeroDivisionError" in text
    assert "ZeroDivisionError: in a slot" in (log_folder / "sns-desk.log").read_text(encoding="utf-8")
