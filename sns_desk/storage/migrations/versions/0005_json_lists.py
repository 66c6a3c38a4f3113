"""Draft list columns (platforms, editors) as JSON arrays instead of comma-separated text.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("platforms", 200), ("editors", 1000))


def _convert(to_json: bool) -> None:
    """Rewrite each value: "x,facebook" ↔ ["x", "facebook"] (the column still holds text here)."""
    bind = op.get_bind()
    drafts = sa.table("drafts", sa.column("id", sa.Integer), *(sa.column(name, sa.Text) for name, _ in _COLUMNS))
    for row in bind.execute(sa.select(drafts)).mappings().all():
        values = {}
        for name, _ in _COLUMNS:
            raw = row[name] or ""
            if to_json:  # written as SQLAlchemy's JSON type writes it (json.dumps, ASCII escapes)
                values[name] = json.dumps([part for part in raw.split(",") if part])
            else:
                values[name] = ",".join(json.loads(raw or "null") or [])
        bind.execute(sa.update(drafts).where(drafts.c.id == row["id"]).values(**values))


def upgrade() -> None:
    _convert(to_json=True)
    with op.batch_alter_table("drafts") as batch:
        for name, length in _COLUMNS:
            batch.alter_column(
                name,
                existing_type=sa.String(length=length),
                type_=sa.JSON(),
                existing_nullable=False,
                postgresql_using=f"{name}::json",
            )


def downgrade() -> None:
    # Through unbounded text first: JSON with escapes can be longer than the comma list it becomes.
    with op.batch_alter_table("drafts") as batch:
        for name, _length in _COLUMNS:
            batch.alter_column(
                name,
                existing_type=sa.JSON(),
                type_=sa.Text(),
                existing_nullable=False,
                postgresql_using=f"{name}::text",
            )
    _convert(to_json=False)
    with op.batch_alter_table("drafts") as batch:
        for name, length in _COLUMNS:
            batch.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=length), existing_nullable=False)
