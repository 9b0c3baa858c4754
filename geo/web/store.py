"""The app's store engine: created and migrated on first use, once per process."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from flask import current_app

from geo.store.engine import create_store_engine, ensure_migrated

__all__ = ["store_engine"]

_LOCK = threading.Lock()


def store_engine() -> sa.Engine:
    """The engine of ``DATABASE_URL``, migrated to the newest schema on first use."""
    engine = current_app.extensions.get("nk_store")
    if engine is None:
        with _LOCK:
            engine = current_app.extensions.get("nk_store")
            if engine is None:
                engine = create_store_engine(current_app.config["DATABASE_URL"])
                ensure_migrated(engine)
                current_app.extensions["nk_store"] = engine
    return engine
