"""Finder API: nearest facilities to a point, and place search."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from geo.finder import MAX_LIMIT, NearestQuery, OutsideError, nearest
from geo.hours import local_now
from geo.params import shown
from geo.places import is_ambiguous, parse_coordinates, search_places
from geo.web import args
from geo.web.errors import ApiError
from geo.web.responses import json_response

__all__ = ["bp"]

bp = Blueprint("finder_api", __name__, url_prefix="/api")

MAX_QUERY_CHARS = 100


@bp.get("/nearest")
def nearest_view() -> Response:
    """Nearest facilities: lat, lon, category, type, wheelchair, lang, open_now, limit."""
    query = NearestQuery(
        lat=args.number("lat", -90.0, 90.0),
        lon=args.number("lon", -180.0, 180.0),
        categories=args.many("category"),
        types=args.many("type"),
        wheelchair=(args.one("wheelchair") or "").strip() or None,
        language=(args.one("lang") or "").strip().lower() or None,
        open_now=args.flag("open_now"),
        limit=args.whole("limit", 1, MAX_LIMIT, 10),
    )
    try:
        result = nearest(current_app.extensions["nk_finder"], query, local_now())
    except OutsideError as err:
        raise ApiError(400, str(err), "lat/lon") from err
    return json_response(result)


@bp.get("/search")
def search_view() -> Response:
    """Places matching ``q`` (Gemeinden, Quartiere, places, streets, postcodes) or a typed
    coordinate pair; ``ambiguous`` says that the best name exists in several Gemeinden."""
    q = (args.one("q", "") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError(400, f"q: at most {MAX_QUERY_CHARS} characters", "q")
    coords = parse_coordinates(q) if q else None
    if coords is not None:
        lat, lon = coords
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ApiError(400, f"q: {shown(q)} is not a valid coordinate pair", "q")
        return json_response(
            {
                "query": q,
                "ambiguous": False,
                "results": [
                    {
                        "name": f"{lat:.5f}, {lon:.5f}",
                        "kind": "koordinaten",
                        "detail": "",
                        "lat": lat,
                        "lon": lon,
                        "ags": None,
                    }
                ],
            }
        )
    limit = args.whole("limit", 1, MAX_LIMIT, 10)
    results = search_places(current_app.extensions["nk_places"], q, limit) if q else []
    return json_response({"query": q, "ambiguous": is_ambiguous(results), "results": results})
