"""Account lifecycle (申請 → 承認 → 運用中 → 休止/廃止) and usage-policy versions (第4条).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT_COLUMNS = (
    ("display_name", sa.String(length=200)),
    ("manager_title", sa.String(length=200)),
    ("publisher_title", sa.String(length=200)),
    ("operating_hours", sa.String(length=200)),
    ("contact", sa.String(length=500)),
    ("purpose", sa.Text()),
    ("requested_by", sa.String(length=150)),
    ("approval_number", sa.String(length=100)),
    ("approved_by", sa.String(length=150)),
    ("status_note", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        for name, type_ in _TEXT_COLUMNS:
            batch.add_column(sa.Column(name, type_, server_default=sa.text("''"), nullable=False))
        batch.add_column(sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=150), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_policy_versions_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_versions")),
        sa.UniqueConstraint("account_id", "version", name=op.f("uq_policy_versions_account_id")),
    )
    op.create_index(op.f("ix_policy_versions_account_id"), "policy_versions", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_policy_versions_account_id"), table_name="policy_versions")
    op.drop_table("policy_versions")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("approved_on")
        batch.drop_column("requested_at")
        for name, _type in reversed(_TEXT_COLUMNS):
            batch.drop_column(name)
