"""Accounts, change sets, changes and the current state of changed facilities.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scope_kind", sa.String(10), nullable=False),
        sa.Column("scope_key", sa.String(8), nullable=False),
        sa.Column("secret_hash", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("scope_kind in ('gemeinde', 'kreis')", name="ck_accounts_scope_kind"),
    )
    op.create_table(
        "change_sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("undoes", sa.Integer, sa.ForeignKey("change_sets.id")),
        sa.Column("undone_by", sa.Integer, sa.ForeignKey("change_sets.id")),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("change_set_id", sa.Integer, sa.ForeignKey("change_sets.id"), nullable=False),
        sa.Column("facility_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("version_after", sa.Integer, nullable=False),
    )
    op.create_index("ix_changes_facility", "changes", ["facility_id"])
    op.create_table(
        "facility_state",
        sa.Column("facility_id", sa.String(40), primary_key=True),
        sa.Column("data", sa.JSON),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("change_set_id", sa.Integer, sa.ForeignKey("change_sets.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("facility_state")
    op.drop_index("ix_changes_facility", table_name="changes")
    op.drop_table("changes")
    op.drop_table("change_sets")
    op.drop_table("accounts")
