"""The self-hosted street base map: the PMTiles archive, served with HTTP range requests.

A PMTiles client reads the archive's header, directories and tiles by byte ranges, so one static
file is the whole tile service: no tile server, no other host. The archive is not in the
repository (55 MB); ``make basemap`` copies it to ``NK_BASEMAP``. Without it the route answers 404
and the pages fall back to Gemeinde outlines.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_file, url_for

from geo.web.errors import ApiError

__all__ = ["ARCHIVE_NAME", "basemap_url", "bp"]

bp = Blueprint("basemap", __name__)
ARCHIVE_NAME = "niedersachsen.pmtiles"
MAX_AGE_S = 86_400  # the archive changes only with a new build of the base map


def _archive() -> Path | None:
    path = Path(current_app.config["BASEMAP"])
    return path if path.is_file() else None


def basemap_url() -> str:
    """The archive's URL for the pages, or "" when no base map is installed."""
    return url_for("basemap.archive") if _archive() else ""


@bp.get(f"/basemap/{ARCHIVE_NAME}")
def archive() -> Response:
    """The whole archive, or the byte ranges a PMTiles client asks for (206)."""
    path = _archive()
    if path is None:
        raise ApiError(404, "no base map installed (run `make basemap`)")
    response = send_file(
        path, mimetype="application/vnd.pmtiles", conditional=True, max_age=MAX_AGE_S
    )
    response.headers["Accept-Ranges"] = "bytes"
    return response
