"""A window learns of another terminal's change without pressing F5 (PostgreSQL only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.gui.live_changes import ChangeWatcher
from sns_desk.services.desk import DeskService
from sns_desk.storage.database import Database
from tests.storage.conftest import db_path, db_url, opener, pg_url

__all__ = ["db_path", "db_url", "opener", "pg_url"]  # the storage tests' database fixtures


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
