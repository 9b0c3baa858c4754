"""The store's database: an engine from the settings, migrated to the newest schema.

SQLite is the embedded default (``instance/nachbarschaft.sqlite``, created on first start, so
``make run`` needs nothing else); PostgreSQL serves deployments with several app servers
(``NK_DATABASE_URL=postgresql+psycopg://user:password@host/db``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from geo.config import PROJECT_ROOT

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD_REVISION", "create_store_engine", "ensure_migrated", "migrate", "schema_revision"]

MIGRATIONS = PROJECT_ROOT / "migrations"
HEAD_REVISION = "0003"  # the newest file in migrations/versions (tests/test_store.py checks)


def create_store_engine(url: str) -> sa.Engine:
    """An engine for ``url``; a SQLite file's folder is created, and SQLite enforces foreign
    keys and waits for a lock instead of failing at once (several workers share the file)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA busy_timeout = 5000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

    return engine


def _config(connection: sa.Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: sa.Engine) -> None:
    """Bring the database to the newest schema (from empty, or from any older revision)."""
    from alembic import command  # 0.3 s of imports: only when there is something to migrate

    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")


def schema_revision(engine: sa.Engine) -> str | None:
    """The database's migration revision (None for an empty database), read with plain SQL."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def ensure_migrated(engine: sa.Engine) -> None:
    """`migrate` unless the database is at `HEAD_REVISION` already: the usual case, since
    ``make run`` migrates before the server starts (``python -m geo.store``), costs one query."""
    if schema_revision(engine) != HEAD_REVISION:
        migrate(engine)
