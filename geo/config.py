"""Settings from environment variables, with documented defaults.

- ``NK_DATA_DIR`` (default ``<project>/datasets``): folder holding ``niedersachsen.gpkg``.
- ``NK_TILE_URL`` (default empty: no background tiles): XYZ tile URL template for the base map.
- ``NK_TILE_ATTRIBUTION`` (default empty): attribution shown for those tiles.
- ``NK_LOG_LEVEL`` (default ``INFO``): Python logging level of the app.
- ``PORT`` (default ``5000``): port of ``make run`` (read by the Makefile, not here).

No tiles by default: a tile server is a third party that learns where users look. The map
stays usable without tiles because the Gemeinde outlines give orientation.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["PROJECT_ROOT", "settings_from_env"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def settings_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the app settings (Flask config keys) read from ``environ``."""
    return {
        "DATA_DIR": Path(environ.get("NK_DATA_DIR") or PROJECT_ROOT / "datasets"),
        "TILE_URL": environ.get("NK_TILE_URL", "").strip(),
        "TILE_ATTRIBUTION": environ.get("NK_TILE_ATTRIBUTION", "").strip(),
        "LOG_LEVEL": environ.get("NK_LOG_LEVEL", "INFO").upper(),
    }
