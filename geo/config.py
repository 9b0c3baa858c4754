"""Settings from environment variables, with documented defaults.

- ``NK_DATA_DIR`` (default ``<project>/datasets``): folder holding ``niedersachsen.gpkg``.
- ``NK_TILE_URL`` (default empty: no background tiles): XYZ tile URL template for the base map.
- ``NK_TILE_ATTRIBUTION`` (default empty): attribution shown for those tiles.
- ``NK_BASEMAP`` (default ``<project>/instance/basemap/niedersachsen.pmtiles``): the vector
  tile archive of the street base map, served by the app itself; ``make basemap`` puts it there
  from ``../shared/data/basemap``. Without the file the maps show outlines only.
- ``NK_DATABASE_URL`` (default ``sqlite:///<project>/instance/nachbarschaft.sqlite``): the store
  of municipal changes and accounts (`geo.store`); ``postgresql+psycopg://…`` for several
  app servers. Created and migrated on first use.
- ``NK_SECRET_KEY`` (default: a random key kept in ``instance/secret_key``): signs the
  ``/verwaltung`` session cookie; set the same value on every app server.
- ``NK_COOKIE_SECURE`` (default ``1``): the session cookie only over HTTPS (``0`` for a local
  test over plain HTTP).
- ``NK_LOG_LEVEL`` (default ``INFO``): Python logging level of the app.
- ``PORT`` (default ``5000``): port of ``make run`` (read by the Makefile, not here).

No tiles from other hosts by default: a tile server is a third party that learns where users
look. The self-hosted vector base map needs none; ``NK_TILE_URL`` replaces it with a raster
service where an operator wants one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["PROJECT_ROOT", "settings_from_env"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BASEMAP_DEFAULT = "instance/basemap/niedersachsen.pmtiles"
DATABASE_DEFAULT = "instance/nachbarschaft.sqlite"


def settings_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the app settings (Flask config keys) read from ``environ``."""
    return {
        "DATA_DIR": Path(environ.get("NK_DATA_DIR") or PROJECT_ROOT / "datasets"),
        "TILE_URL": environ.get("NK_TILE_URL", "").strip(),
        "TILE_ATTRIBUTION": environ.get("NK_TILE_ATTRIBUTION", "").strip(),
        "BASEMAP": Path(environ.get("NK_BASEMAP") or PROJECT_ROOT / BASEMAP_DEFAULT),
        "DATABASE_URL": environ.get("NK_DATABASE_URL", "").strip()
        or f"sqlite:///{PROJECT_ROOT / DATABASE_DEFAULT}",
        "SECRET_KEY": environ.get("NK_SECRET_KEY", "").strip() or None,
        "SESSION_COOKIE_SECURE": environ.get("NK_COOKIE_SECURE", "1").strip() != "0",
        "LOG_LEVEL": environ.get("NK_LOG_LEVEL", "INFO").upper(),
    }
