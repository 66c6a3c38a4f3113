"""The Article 6 archive: terminal reasons, corrections, reposts, search, backup records.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sns_desk.core.archive.search_text import search_key, spaced
from sns_desk.storage.models import SEARCH_INDEXES, SQLITE_SEARCH_DDL

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posted_items") as batch:
        batch.add_column(sa.Column("off_terminal_reason", sa.Text(), server_default=sa.text("''"), nullable=False))
        batch.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reposted_url", sa.String(length=2000), nullable=True))
        # Wider: Mastodon ids and reply targets are addresses, and post URLs can be long.
        batch.alter_column("url", type_=sa.String(length=2000), existing_type=sa.String(length=1000))
        batch.alter_column("platform_id", type_=sa.String(length=255), existing_type=sa.String(length=64))
        batch.alter_column("reply_to_id", type_=sa.String(length=2000), existing_type=sa.String(length=64))
        batch.alter_column("quoted_id", type_=sa.String(length=2000), existing_type=sa.String(length=64))
        batch.add_column(sa.Column("search_text", sa.Text(), server_default=sa.text("''"), nullable=False))
        batch.add_column(sa.Column("search_chars", sa.Text(), server_default=sa.text("''"), nullable=False))
        batch.create_foreign_key(
            batch.f("fk_posted_items_corrects_id_posted_items"), "posted_items", ["corrects_id"], ["id"]
        )
        batch.create_index(batch.f("ix_posted_items_posted_at"), ["posted_at"])
        batch.create_index("ix_posted_items_account_posted", ["account_id", "posted_at"])
    op.create_index(op.f("ix_posted_media_sha256"), "posted_media", ["sha256"])
    op.create_table(
        "backup_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("by", sa.String(length=150), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_backup_records_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_records")),
    )
    op.create_index(op.f("ix_backup_records_account_id"), "backup_records", ["account_id"])

    bind = op.get_bind()
    items = sa.table("posted_items", sa.column("id", sa.Integer()), sa.column("text", sa.Text()))
    rows = bind.execute(sa.select(items.c.id, items.c.text)).all()
    for item_id, text in rows:
        bind.execute(
            sa.text("UPDATE posted_items SET search_text = :key, search_chars = :chars WHERE id = :id"),
            {"key": search_key(text), "chars": spaced(search_key(text)), "id": item_id},
        )
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            bind.exec_driver_sql(statement)
        for table, _column in SEARCH_INDEXES:
            bind.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table, _column in SEARCH_INDEXES:
            for trigger in ("insert", "delete", "update"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_{trigger}")
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    op.drop_index(op.f("ix_backup_records_account_id"), table_name="backup_records")
    op.drop_table("backup_records")
    op.drop_index(op.f("ix_posted_media_sha256"), table_name="posted_media")
    with op.batch_alter_table("posted_items") as batch:
        batch.drop_index("ix_posted_items_account_posted")
        batch.drop_index(batch.f("ix_posted_items_posted_at"))
        batch.drop_constraint(batch.f("fk_posted_items_corrects_id_posted_items"), type_="foreignkey")
        batch.drop_column("search_chars")
        batch.drop_column("search_text")
        batch.drop_column("reposted_url")
        batch.alter_column("quoted_id", type_=sa.String(length=64), existing_type=sa.String(length=2000))
        batch.alter_column("reply_to_id", type_=sa.String(length=64), existing_type=sa.String(length=2000))
        batch.alter_column("platform_id", type_=sa.String(length=64), existing_type=sa.String(length=255))
        batch.alter_column("url", type_=sa.String(length=1000), existing_type=sa.String(length=2000))
        batch.drop_column("corrects_id")
        batch.drop_column("off_terminal_reason")
