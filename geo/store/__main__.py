"""``python -m geo.store``: bring the store of ``NK_DATABASE_URL`` to the newest schema.

``make run`` calls this before the server starts, so that no worker migrates at its first
request and two workers never migrate one fresh database at once. Exit codes: 0 migrated (or
nothing to do), 1 the database could not be reached or migrated (the message says why).
"""

from __future__ import annotations

import os
import sys

import sqlalchemy as sa

from geo.config import settings_from_env
from geo.store.engine import HEAD_REVISION, create_store_engine, ensure_migrated


def main() -> int:
    url = settings_from_env(os.environ)["DATABASE_URL"]
    shown = sa.make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_store_engine(url)
        try:
            ensure_migrated(engine)
        finally:
            engine.dispose()
    except (OSError, sa.exc.SQLAlchemyError) as err:
        print(f"error: the store at {shown} cannot be migrated: {err}", file=sys.stderr)
        return 1
    print(f"store at schema {HEAD_REVISION}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
