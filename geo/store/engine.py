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

__all__ = ["create_store_engine", "migrate", "schema_revision"]

MIGRATIONS = PROJECT_ROOT / "migrations"


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
    """Bring the database to the newest schema (from empty, or from any older revision).

    Alembic is imported here, on first use of the store, not when the app starts."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")


def schema_revision(engine: sa.Engine) -> str | None:
    """The database's migration revision (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
