"""A window learns of another terminal's change without pressing F5 (PostgreSQL only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from pytestqt.qtbot import QtBot

from sns_desk.core.checker import Checker, default_checker
from sns_desk.core.people import Role
from sns_desk.core.workflow import DraftState
from sns_desk.gui.desk_window import DeskWindow
from sns_desk.gui.drafts_model import COLUMN_SUBJECT
from sns_desk.gui.live_changes import ChangeWatcher
from sns_desk.services.desk import DeskService
from sns_desk.services.registry import RegistryService
from sns_desk.storage.database import Database
from tests.storage.conftest import db_path, db_url, opener, pg_url

__all__ = ["db_path", "db_url", "opener", "pg_url"]  # the storage tests' database fixtures

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen notes


@pytest.mark.postgres
def test_another_terminals_draft_is_announced_on_the_main_thread(
    qtbot: QtBot, opener: Callable[..., Database], pg_url: str
) -> None:
    here, there = opener(pg_url), opener(pg_url)
    ops = DeskService(there, default_checker, there.login())
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    account = ops.add_account("x", "広報", "https://x.com/hh", "広報", "kacho")
    watcher = ChangeWatcher(here)
    watcher.start()
    try:
        with qtbot.waitSignal(
            watcher.changed, timeout=10_000, check_params_cb=lambda tables: "drafts" in tables
        ) as blocker:
            DeskService(there, default_checker, "suzuki").create_draft(account.id, text="おはなし会")
        assert "drafts" in blocker.args[0]
    finally:
        watcher.stop()


def test_on_sqlite_nothing_listens(opener: Callable[..., Database], db_url: str) -> None:
    watcher = ChangeWatcher(opener(db_url))
    watcher.start()
    assert not watcher.supported
    watcher.stop()


# -- the desk and the registry follow other terminals -------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def close(qtbot: QtBot, window: DeskWindow) -> None:
    window.close()
    qtbot.waitUntil(window.isHidden, timeout=10_000)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def listed_texts(window: DeskWindow) -> list[str]:
    model = window.drafts_model
    return [str(model.data(model.index(r, COLUMN_SUBJECT))) for r in range(model.rowCount())]


@pytest.mark.postgres
def test_the_desk_shows_another_terminals_draft_without_f5_and_stops_listening_on_close(
    qtbot: QtBot, opener: Callable[..., Database], pg_url: str, settings: QSettings, checker: Checker
) -> None:
    here, there = opener(pg_url), opener(pg_url)
    ops = DeskService(there, lambda: checker, there.login())
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    account = ops.add_account("x", "広報", "https://x.com/hh", "広報", "kacho")
    suzuki_there = DeskService(there, lambda: checker, "suzuki")
    draft = suzuki_there.create_draft(account.id, text="おはなし会のお知らせ")
    suzuki_there.submit(draft.id)
    watcher = ChangeWatcher(here)
    window = DeskWindow(DeskService(here, lambda: checker, "kacho"), checker, settings=settings, changes=watcher)
    try:
        with qtbot.waitSignal(window.liveChangesStarted, timeout=10_000) as started:
            window.show()
        assert started.args == [True] and window.live_changes and watcher.running
        qtbot.waitUntil(lambda: listed_texts(window) == ["おはなし会のお知らせ"], timeout=10_000)
        with qtbot.waitSignal(window.draftLoaded, timeout=10_000):
            window.open_draft(draft.id)
        assert window.approve_action.isEnabled()

        # Another terminal writes a new draft: the list shows it, nobody pressed F5.
        with qtbot.waitSignal(
            window.remoteChangesApplied, timeout=10_000, check_params_cb=lambda tables: "drafts" in tables
        ):
            suzuki_there.create_draft(account.id, text="図書館の休館日")
        qtbot.waitUntil(lambda: len(listed_texts(window)) == 2, timeout=10_000)
        assert set(listed_texts(window)) == {"おはなし会のお知らせ", "図書館の休館日"}

        # The author withdraws the open draft elsewhere: the open draft follows, and approve greys out.
        with qtbot.waitSignal(window.draftLoaded, timeout=10_000) as reloaded:
            suzuki_there.withdraw(draft.id)
        assert reloaded.args[0].state is DraftState.DRAFT
        assert not window.approve_action.isEnabled()
        assert window.approve_action.toolTip() == "承認できるのは承認待ちの投稿案だけです"
    finally:
        close(qtbot, window)
    assert not watcher.running  # the listening thread ended with the window


@pytest.mark.postgres
def test_the_registry_window_follows_account_changes(
    qtbot: QtBot,
    opener: Callable[..., Database],
    pg_url: str,
    settings: QSettings,
    checker: Checker,
) -> None:
    here, there = opener(pg_url), opener(pg_url)
    ops_login = there.login()
    ops = DeskService(there, lambda: checker, ops_login)
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    ops.add_account("x", "広報", "https://x.com/hh", "広報", "kacho")
    watcher = ChangeWatcher(here)
    window = DeskWindow(
        DeskService(here, lambda: checker, ops_login),
        checker,
        settings=settings,
        changes=watcher,
        registry=lambda: RegistryService(here, ops_login, checker=lambda: checker),
    )
    try:
        with qtbot.waitSignal(window.liveChangesStarted, timeout=10_000):
            window.show()
        registry = window.open_registry()
        assert registry is not None
        qtbot.waitUntil(lambda: registry.overview is not None and not registry.ops.is_busy, timeout=10_000)
        assert [a.name for a in registry.accounts_model.accounts()] == ["広報"]
        with qtbot.waitSignal(registry.overviewLoaded, timeout=10_000):
            ops.add_account("instagram", "観光", "https://www.instagram.com/hh_kanko", "観光振興課", "kacho")
        qtbot.waitUntil(lambda: len(registry.accounts_model.accounts()) == 2, timeout=10_000)
        registry.ops.wait_idle(10_000)
    finally:
        close(qtbot, window)
    assert not watcher.running


def test_on_sqlite_the_desk_starts_no_listener(
    qtbot: QtBot, opener: Callable[..., Database], db_url: str, settings: QSettings, checker: Checker
) -> None:
    database = opener(db_url)
    watcher = ChangeWatcher(database)
    window = DeskWindow(DeskService(database, lambda: checker, "suzuki"), checker, settings=settings, changes=watcher)
    started: list[bool] = []
    window.liveChangesStarted.connect(started.append)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.me is not None and not window.ops.is_busy, timeout=10_000)
        assert window.ops.pending_labels() == []
        assert not window.live_changes and not watcher.running
        assert started == []  # nothing was even tried
    finally:
        close(qtbot, window)
    assert not watcher.running
