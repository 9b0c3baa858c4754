"""The store's tables (SQLAlchemy Core). Changed only together with a migration in
``migrations/versions`` (tests/test_store.py checks that the migrated schema equals this one)."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "accounts",
    "change_sets",
    "changes",
    "facility_state",
    "list_checks",
    "metadata",
    "pending_uploads",
]

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scope_kind", sa.String(10), nullable=False),  # "gemeinde" or "kreis"
    sa.Column("scope_key", sa.String(8), nullable=False),  # 8-digit AGS or 5-digit Kreis key
    sa.Column("secret_hash", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("scope_kind in ('gemeinde', 'kreis')", name="ck_accounts_scope_kind"),
)

change_sets = sa.Table(
    "change_sets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("undoes", sa.Integer, sa.ForeignKey("change_sets.id")),  # an undo names its target
    sa.Column("undone_by", sa.Integer, sa.ForeignKey("change_sets.id")),
)

changes = sa.Table(
    "changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("change_set_id", sa.Integer, sa.ForeignKey("change_sets.id"), nullable=False),
    sa.Column("facility_id", sa.String(40), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),  # add, edit, retire, restore
    sa.Column("before", sa.JSON),  # the row before (None for an added one)
    sa.Column("after", sa.JSON),  # the row after (None for a retired one)
    sa.Column("version_after", sa.Integer, nullable=False),
    sa.Index("ix_changes_facility", "facility_id"),
)

# The current state of every facility a change touched: it replaces the base row (or adds a
# row); ``retired`` hides it. ``version`` counts its changes (the base row is version 0).
facility_state = sa.Table(
    "facility_state",
    metadata,
    sa.Column("facility_id", sa.String(40), primary_key=True),
    sa.Column("data", sa.JSON),
    sa.Column("retired", sa.Boolean, nullable=False, default=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("change_set_id", sa.Integer, sa.ForeignKey("change_sets.id"), nullable=False),
)

# "Liste geprüft": a municipality declared its list of one category complete on a date; the
# Gemeinde then counts as `geprueft` for that category (geo.tiers).
list_checks = sa.Table(
    "list_checks",
    metadata,
    sa.Column("ags", sa.String(8), primary_key=True),
    sa.Column("category", sa.String(20), primary_key=True),
    sa.Column("checked_on", sa.Date, nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("change_set_id", sa.Integer, sa.ForeignKey("change_sets.id"), nullable=False),
)

# An uploaded list between its preview and its application: nothing is applied before the
# officer has seen every row's outcome and confirmed.
pending_uploads = sa.Table(
    "pending_uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("rows", sa.JSON, nullable=False),  # the valid rows with the version they replace
    sa.Column("applied_change_set", sa.Integer, sa.ForeignKey("change_sets.id")),
)
