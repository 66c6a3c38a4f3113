"""第9条: the moderation log, the reverse index of correction links, and on PostgreSQL their server rules.

``moderation_actions`` holds others' comments deleted or hidden under the account's usage policy, with the
text as it was; a mistaken entry is superseded by a later one naming it (``supersedes_id``, unique).
``ix_posted_items_corrects_id`` serves "which posts correct this one" (the archive shows the chain both
ways); the link itself has existed since 0003.

On PostgreSQL, in the style of 0007/0008: staff logins may read the log and insert into it, never update,
delete or truncate it. Triggers refuse, whoever sends the SQL: an entry in another's name; an entry by
anyone but the account's manager or the operations manager; an entry on an account only requested or
refused; an unknown action, a 取消 without the entry it retracts, superseding an entry of another account
or a 取消. On ``posted_items`` a correction link must join two posts of the same account and not a post
to itself; once made it is never changed or removed by staff; made after the post was recorded, it needs
the account's manager or the operations manager (or the author of the desk draft marking it posted).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection, text

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "moderation_actions"


def _create_table() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("author_handle", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("commented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_item", sa.String(length=64), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=150), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_moderation_actions_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["moderation_actions.id"],
            name=op.f("fk_moderation_actions_supersedes_id_moderation_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_moderation_actions_supersedes_id")),
    )
    op.create_index(op.f("ix_moderation_actions_account_id"), TABLE, ["account_id"])
    op.create_index(op.f("ix_moderation_actions_acted_at"), TABLE, ["acted_at"])
    # Plain CREATE INDEX (no batch copy of posted_items on SQLite: that would drop its search triggers).
    op.create_index(op.f("ix_posted_items_corrects_id"), "posted_items", ["corrects_id"])


def _functions(schema: str) -> list[str]:
    """The functions, pinned to ``schema`` (quoted), using 0007's helpers and 0008's sns_desk_runs_incident
    (the account's manager in that role, or the operations manager)."""
    path = f"SET search_path = {schema}, pg_temp"
    return [
        f"""
CREATE FUNCTION sns_desk_guard_moderation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  earlier moderation_actions;
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF sns_desk_caller_role() IS NULL THEN
    PERFORM sns_desk_refuse('登録されていないか無効にされた職員は記録できません');
  END IF;
  IF NEW.recorded_by IS DISTINCT FROM session_user::text THEN
    PERFORM sns_desk_refuse('コメントの削除・非表示の記録は自分の名前でしか追加できません');
  END IF;
  IF NOT sns_desk_runs_incident(NEW.account_id) THEN
    PERFORM sns_desk_refuse('コメントの削除・非表示を記録できるのは、そのアカウントの管理者か運用管理者です');
  END IF;
  IF (SELECT status FROM accounts WHERE id = NEW.account_id) IN ('requested', 'rejected') THEN
    PERFORM sns_desk_refuse('申請中・不承認のアカウントは市のアカウントではないため、記録できません');
  END IF;
  IF NEW.action NOT IN ('delete', 'hide', 'retract') THEN
    PERFORM sns_desk_refuse(format('措置「%s」は記録できません(削除・非表示・取消のいずれか)', NEW.action));
  END IF;
  IF NEW.action = 'retract' AND NEW.supersedes_id IS NULL THEN
    PERFORM sns_desk_refuse('取消は、取り消す記録を指定してください');
  END IF;
  IF btrim(NEW.reason) = '' OR btrim(NEW.author_handle) = '' OR btrim(NEW.text) = '' THEN
    PERFORM sns_desk_refuse('本文、書いた人と理由のない記録はできません');
  END IF;
  IF NEW.supersedes_id IS NOT NULL THEN
    SELECT * INTO earlier FROM moderation_actions WHERE id = NEW.supersedes_id;
    IF earlier.account_id IS DISTINCT FROM NEW.account_id OR earlier.action = 'retract' THEN
      PERFORM sns_desk_refuse('訂正できるのは、同じアカウントの削除・非表示の記録だけです');
    END IF;
  END IF;
  RETURN NEW;
END $$""",
        f"""
CREATE FUNCTION sns_desk_guard_correction_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.corrects_id IS NOT NULL
     AND NEW.corrects_id IS DISTINCT FROM OLD.corrects_id THEN
    PERFORM sns_desk_refuse('記録された訂正の紐づけは変更も削除もできません');
  END IF;
  IF NEW.corrects_id IS NULL OR (TG_OP = 'UPDATE' AND NEW.corrects_id = OLD.corrects_id) THEN
    RETURN NEW;
  END IF;
  IF NEW.corrects_id = NEW.id THEN
    PERFORM sns_desk_refuse('投稿をそれ自身の訂正にはできません');
  END IF;
  IF (SELECT account_id FROM posted_items WHERE id = NEW.corrects_id) IS DISTINCT FROM NEW.account_id THEN
    PERFORM sns_desk_refuse('訂正の投稿は、訂正される投稿と同じアカウントのものにしてください');
  END IF;
  IF TG_OP = 'UPDATE' AND NOT sns_desk_runs_incident(NEW.account_id)
     AND (NEW.draft_id IS NULL
          OR (SELECT author FROM drafts WHERE id = NEW.draft_id) IS DISTINCT FROM session_user::text) THEN
    PERFORM sns_desk_refuse('訂正の紐づけを後から記録できるのは、そのアカウントの管理者か運用管理者です');
  END IF;
  RETURN NEW;
END $$""",
    ]


TRIGGERS = (
    (TABLE, "sns_desk_guard_moderation", "BEFORE INSERT"),
    ("posted_items", "sns_desk_guard_correction_link", "BEFORE INSERT OR UPDATE OF corrects_id"),
    (TABLE, "sns_desk_notify_change", "AFTER INSERT"),
)
"""(table, function, when)."""
FUNCTIONS = ("sns_desk_guard_correction_link()", "sns_desk_guard_moderation()")


def _schema(bind: Connection) -> str:
    name = str(bind.execute(text("SELECT current_schema()")).scalar_one())
    return '"' + name.replace('"', '""') + '"'


def _runner(bind: Connection) -> Callable[[str], None]:
    """Plain SQL on the driver's cursor: nobody parses "%s" in it as a parameter."""
    cursor = bind.connection.cursor()

    def run(statement: str) -> None:
        cursor.execute(statement)

    return run


def upgrade() -> None:
    _create_table()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    run = _runner(bind)
    for statement in _functions(_schema(bind)):
        run(statement)
    for table, function, when in TRIGGERS:
        run(f"CREATE TRIGGER {function} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    run(f"REVOKE ALL ON {TABLE} FROM PUBLIC")
    run(f"GRANT SELECT, INSERT ON {TABLE} TO sns_desk_staff")
    run(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM sns_desk_staff")
    run(f"GRANT USAGE ON SEQUENCE {TABLE}_id_seq TO sns_desk_staff")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        run = _runner(bind)
        for table, function, _when in TRIGGERS:
            run(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        for function in FUNCTIONS:
            run(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index(op.f("ix_posted_items_corrects_id"), table_name="posted_items")
    op.drop_index(op.f("ix_moderation_actions_acted_at"), table_name=TABLE)
    op.drop_index(op.f("ix_moderation_actions_account_id"), table_name=TABLE)
    op.drop_table(TABLE)
