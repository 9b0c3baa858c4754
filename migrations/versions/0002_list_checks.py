"""List checks: a municipality declares its list of a category complete ("Liste geprüft").

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_checks",
        sa.Column("ags", sa.String(8), primary_key=True),
        sa.Column("category", sa.String(20), primary_key=True),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("change_set_id", sa.Integer, sa.ForeignKey("change_sets.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("list_checks")
