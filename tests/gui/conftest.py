"""GUI tests run offscreen; Qt must learn that before it is imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from sns_desk.core.accounts import Account
from sns_desk.core.checker import Checker, default_checker
from sns_desk.core.people import Role
from sns_desk.core.workflow import Draft
from sns_desk.gui.check_window import CheckWindow
from sns_desk.gui.desk_window import DeskWindow
from sns_desk.gui.dialogs import MessageDialog
from sns_desk.gui.live_check import CheckResult, TextChecker
from sns_desk.services.audit import AuditService
from sns_desk.services.desk import DeskService
from sns_desk.services.people import PeopleService
from sns_desk.storage import identity
from sns_desk.storage.database import Database, open_database
from sns_desk.storage.media import MediaStore

POST_DATE = dt.date(2026, 11, 20)
"""A fixed posting day, so that dates without a year resolve the same every run."""

SIGNAL_TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def _application(qapp: QApplication) -> QApplication:
    """Every GUI test gets the QApplication (icons and pixmaps need one)."""
    return qapp


@pytest.fixture(autouse=True)
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test's log file and crash reports in its own folder, never the user's."""
    from sns_desk import diagnostics

    folder = tmp_path / "logs"
    monkeypatch.setenv(diagnostics.LOG_DIR_ENV, str(folder))
    yield folder
    diagnostics.stop_logging()


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog offscreen waits for ever for a click: every test must replace the ``ask()`` of the
    dialogs it reaches. One left unreplaced fails the test at once, naming the dialog, instead of hanging."""

    def refuse(what: str) -> Callable[..., object]:
        def modal(*_args: object, **_kwargs: object) -> object:
            pytest.fail(f"{what} opened a modal dialog: monkeypatch the dialog's ask()")

        return modal

    monkeypatch.setattr(QDialog, "exec", refuse("QDialog.exec"))
    for cls, names in (
        (QMessageBox, ("question", "critical", "warning", "information", "about")),
        (QFileDialog, ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory")),
        (QInputDialog, ("getText", "getItem", "getInt", "getMultiLineText")),
    ):
        for name in names:
            monkeypatch.setattr(cls, name, staticmethod(refuse(f"{cls.__name__}.{name}")))


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


# -- the drafting desk over a real SQLite database ------------------------------------------

OPS_MANAGER = "tanaka"
"""The OS user who creates the database: the operations manager (運用管理者)."""
ACCOUNT_MANAGER = "kacho"
DRAFTER = "suzuki"
SAVE_TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread() -> Iterator[None]:
    """Collect each test's garbage here, on the main thread.

    Otherwise Python may collect a finished test's window later from a worker thread (a check
    or a save in the next test), and destroying a Qt widget there crashes the process.
    """
    yield
    gc.collect()


def set_os_user(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make the operating system report ``name`` as the user of this process (the app asks nothing else)."""
    monkeypatch.setattr(identity, "os_login", lambda: name)


@dataclass
class Desk:
    """A desk database with two accounts managed by 課長 (kacho) and users in every role."""

    url: str
    database: Database
    checker: Checker
    koho: Account
    """東広島市広報 on X."""
    kanko: Account
    """東広島市観光 on Instagram."""
    media: MediaStore | None = None
    """Where attached images are stored (shared by every service of this desk)."""

    def service(self, login: str) -> DeskService:
        return DeskService(self.database, lambda: self.checker, login, media=self.media)

    def fresh_service(self, login: str) -> DeskService:
        """A service over a separately opened database (nothing shared with the window)."""
        database = open_database(self.url)
        self._extra.append(database)
        return DeskService(database, lambda: self.checker, login, media=self.media)

    def __post_init__(self) -> None:
        self._extra: list[Database] = []

    def close(self) -> None:
        for database in (*self._extra, self.database):
            database.close()


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checker: Checker) -> Iterator[Desk]:
    set_os_user(monkeypatch, OPS_MANAGER)
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    database = open_database(url)
    ops = DeskService(database, lambda: checker, OPS_MANAGER)
    ops.set_role(ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER)
    ops.set_role(DRAFTER, Role.DRAFTER)
    koho = ops.add_account("x", "東広島市広報", "https://x.com/hh_koho", "広報戦略担当", ACCOUNT_MANAGER)
    kanko = ops.add_account(
        "instagram", "東広島市観光", "https://www.instagram.com/hh_kanko", "観光振興課", ACCOUNT_MANAGER
    )
    result = Desk(url, database, checker, koho, kanko, MediaStore(tmp_path / "desk.media"))
    yield result
    result.close()


OpenDesk = Callable[..., DeskWindow]


@pytest.fixture
def open_desk(qtbot: QtBot, desk: Desk, tmp_path: Path) -> Iterator[OpenDesk]:
    """``open_desk(login)``: a shown drafting desk for that user, its first refresh done, with the audit
    trail (履歴) and the 職員と役割 window of the desk's database.

    At the end each window is closed the way a user closes it (unsaved text is saved first),
    then destroyed on this thread.
    """
    windows: list[DeskWindow] = []

    def make(login: str, **kwargs: object) -> DeskWindow:
        settings = QSettings(str(tmp_path / f"settings-{login}.ini"), QSettings.Format.IniFormat)
        kwargs.setdefault("audit", AuditService(desk.database))
        kwargs.setdefault("people", lambda: PeopleService(desk.database, login))
        window = DeskWindow(
            desk.service(login),
            desk.checker,
            database_name=desk.database.display_name,
            settings=settings,
            **kwargs,  # type: ignore[arg-type]
        )
        windows.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.me is not None, timeout=SIGNAL_TIMEOUT_MS)
        return window

    yield make
    for window in windows:
        window.close()
        qtbot.waitUntil(window.isHidden, timeout=SAVE_TIMEOUT_MS)
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_and_wait(qtbot: QtBot, window: DeskWindow, draft_id: int) -> Draft:
    """Open draft ``draft_id`` in ``window`` and wait until it is shown and checked."""
    with qtbot.waitSignal(window.draftLoaded, timeout=SIGNAL_TIMEOUT_MS) as loaded:
        window.open_draft(draft_id)
    draft = loaded.args[0]
    assert isinstance(draft, Draft) and draft.id == draft_id
    qtbot.waitUntil(window.panel.result_is_current, timeout=SIGNAL_TIMEOUT_MS)
    return draft


class Messages:
    """Replaces :meth:`MessageDialog.ask`: records (title, text, kind)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[tuple[str, str, str]] = []
        monkeypatch.setattr(MessageDialog, "ask", classmethod(self._ask))

    def _ask(self, _cls: object, _parent: object, title: str, text: str, kind: str = "warning") -> None:
        self.shown.append((title, text, kind))

    def texts(self) -> list[str]:
        return [text for _title, text, _kind in self.shown]

    def pairs(self) -> list[tuple[str, str]]:
        return [(title, text) for title, text, _kind in self.shown]


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    return Messages(monkeypatch)
