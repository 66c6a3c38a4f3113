"""Migration 0009 (moderation log, correction index) goes up and down on SQLite and PostgreSQL, keeping what
was there before."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from .test_incident_migration import _functions, _migrate, engine

__all__ = ["engine"]

NEW_FUNCTIONS = {"sns_desk_guard_moderation", "sns_desk_guard_correction_link"}


def _indexes(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("posted_items")}


def test_up_and_down_and_up_again(engine: Engine) -> None:
    from .test_migrations import schema_differences

    _migrate(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO accounts (id, platform, name, url, department, manager, status, created_at)"
                " VALUES (1, 'x', '@hh', '', '', 'kacho', 'active', '2026-12-01 00:00:00')"
            )
        )
        for item_id, corrects in ((1, None), (2, 1)):
            connection.execute(
                text(
                    "INSERT INTO posted_items (id, account_id, platform, url, text, author, terminal, source,"
                    " posted_at, created_at, corrects_id) VALUES (:id, 1, 'x', 'https://x.com/hh/status/1', '本文',"
                    " '', '', 'desk', '2026-12-01 00:00:00', '2026-12-01 00:00:00', :corrects)"
                ),
                {"id": item_id, "corrects": corrects},
            )
    assert "moderation_actions" not in inspect(engine).get_table_names()
    assert "ix_posted_items_corrects_id" not in _indexes(engine)
    _migrate(engine, "head")
    assert "moderation_actions" in inspect(engine).get_table_names()
    assert "ix_posted_items_corrects_id" in _indexes(engine)
    assert schema_differences(engine) == []
    if engine.dialect.name == "postgresql":
        assert _functions(engine) >= NEW_FUNCTIONS
    with engine.begin() as connection:  # the schema's owner is trusted by the triggers
        connection.execute(
            text(
                "INSERT INTO moderation_actions (account_id, action, author_handle, text, url, acted_at,"
                " policy_item, reason, recorded_by, recorded_at) VALUES (1, 'hide', '@a', '本文', '',"
                " '2026-12-01 00:00:00', 'user_rules', '理由', 'kacho', '2026-12-01 00:00:00')"
            )
        )
    if engine.dialect.name == "sqlite":  # the search index's triggers are still there (no table copy)
        with engine.connect() as connection:
            triggers = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            assert {"posted_items_fts_insert", "posted_items_chars_insert"} <= set(triggers)
    _migrate(engine, "0008", down=True)
    assert "moderation_actions" not in inspect(engine).get_table_names()
    assert not NEW_FUNCTIONS & _functions(engine)
    assert "ix_posted_items_corrects_id" not in _indexes(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT corrects_id FROM posted_items ORDER BY id")).scalars().all() == [None, 1]
    _migrate(engine, "head")
    assert schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM moderation_actions")).scalar_one() == 0
