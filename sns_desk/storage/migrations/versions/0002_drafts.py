"""Accounts (minimal), drafts, acknowledgements, draft events and posted items.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("manager", sa.String(length=150), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=150), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("platforms", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=150), nullable=False),
        sa.Column("posted_url", sa.String(length=1000), nullable=False),
        _ts("posted_at", nullable=True),
        sa.Column("editors", sa.String(length=1000), nullable=False),
        sa.Column("rights_checked_by", sa.String(length=150), nullable=False),
        _ts("rights_checked_at", nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_drafts_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_account_id"), "drafts", ["account_id"])
    op.create_index(op.f("ix_drafts_state"), "drafts", ["state"])
    op.create_table(
        "draft_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_attachments_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_attachments")),
    )
    op.create_index(op.f("ix_draft_attachments_draft_id"), "draft_attachments", ["draft_id"])
    op.create_table(
        "draft_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=150), nullable=False),
        _ts("at"),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_acknowledgements_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_acknowledgements")),
    )
    op.create_index(op.f("ix_draft_acknowledgements_draft_id"), "draft_acknowledgements", ["draft_id"])
    op.create_table(
        "draft_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=150), nullable=False),
        _ts("at"),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_draft_events_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_events")),
    )
    op.create_index(op.f("ix_draft_events_draft_id"), "draft_events", ["draft_id"])
    op.create_table(
        "posted_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=150), nullable=False),
        sa.Column("terminal", sa.String(length=200), nullable=False),
        sa.Column("platform_id", sa.String(length=64), nullable=True),
        sa.Column("reply_to_id", sa.String(length=64), nullable=True),
        sa.Column("quoted_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        _ts("posted_at"),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_posted_items_account_id_accounts")),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_posted_items_draft_id_drafts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posted_items")),
        sa.UniqueConstraint("platform", "platform_id", name=op.f("uq_posted_items_platform")),
    )
    op.create_index(op.f("ix_posted_items_account_id"), "posted_items", ["account_id"])
    op.create_table(
        "posted_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["posted_items.id"], name=op.f("fk_posted_media_item_id_posted_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posted_media")),
    )
    op.create_index(op.f("ix_posted_media_item_id"), "posted_media", ["item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_posted_media_item_id"), table_name="posted_media")
    op.drop_table("posted_media")
    op.drop_index(op.f("ix_posted_items_account_id"), table_name="posted_items")
    op.drop_table("posted_items")
    op.drop_index(op.f("ix_draft_events_draft_id"), table_name="draft_events")
    op.drop_table("draft_events")
    op.drop_index(op.f("ix_draft_acknowledgements_draft_id"), table_name="draft_acknowledgements")
    op.drop_table("draft_acknowledgements")
    op.drop_index(op.f("ix_draft_attachments_draft_id"), table_name="draft_attachments")
    op.drop_table("draft_attachments")
    op.drop_index(op.f("ix_drafts_state"), table_name="drafts")
    op.drop_index(op.f("ix_drafts_account_id"), table_name="drafts")
    op.drop_table("drafts")
    op.drop_table("accounts")
