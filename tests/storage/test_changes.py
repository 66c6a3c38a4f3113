"""Other terminals' changes arrive by LISTEN/NOTIFY on PostgreSQL; SQLite has nothing to listen to."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.services.desk import DeskService
from sns_desk.storage.changes import Change, ChangeFeed
from sns_desk.storage.database import Database


@pytest.mark.postgres
def test_a_change_committed_elsewhere_is_announced(opener: Callable[..., Database], pg_url: str) -> None:
    here, there = opener(pg_url), opener(pg_url)  # two terminals, two connections
    ops = DeskService(there, default_checker, there.login())
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    account = ops.add_account("x", "広報", "https://x.com/hh", "広報", "kacho")
    with ChangeFeed(here) as feed:
        assert feed.supported and feed.wait(0) == []
        draft = DeskService(there, default_checker, "suzuki").create_draft(account.id, text="おはなし会")
        changes: list[Change] = []
        for _ in range(50):  # each wait returns at the first notification; a few arrive per commit
            changes += feed.wait(5.0)
            if Change("drafts", draft.id) in changes:
                break
        assert Change("drafts", draft.id) in changes
        assert {c.table for c in changes} <= {"drafts", "users", "accounts"}


@pytest.mark.postgres
def test_another_schemas_changes_are_not_ours(opener: Callable[..., Database], pg_url: str) -> None:
    here = opener(pg_url)
    with ChangeFeed(here) as feed:
        with here.engine.begin() as connection:
            connection.exec_driver_sql(
                'SELECT pg_notify(\'sns_desk_changes\', \'{"schema": "elsewhere", "table": "drafts", "id": 1}\')'
            )
            connection.exec_driver_sql("SELECT pg_notify('sns_desk_changes', 'not json')")
        assert feed.wait(0.5) == []


def test_sqlite_has_no_feed(opener: Callable[..., Database], db_url: str) -> None:
    with ChangeFeed(opener(db_url)) as feed:
        assert not feed.supported and feed.wait(0.01) == []
