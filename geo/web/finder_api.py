"""Finder API: nearest facilities to a point, and place search."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from geo.finder import MAX_LIMIT, NearestQuery, OutsideError, nearest
from geo.hours import local_now
from geo.places import parse_coordinates, search_places
from geo.web.errors import ApiError
from geo.web.responses import json_response

__all__ = ["bp"]

bp = Blueprint("finder_api", __name__, url_prefix="/api")

TRUE = {"1", "true", "yes", "ja", "on"}
FALSE = {"", "0", "false", "no", "nein", "off"}
MAX_QUERY_CHARS = 100


def _float(name: str) -> float:
    raw = request.args.get(name, "").strip()
    if not raw:
        raise ApiError(400, f"{name} is required (WGS84 degrees)", name)
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        raise ApiError(400, f"{name}: {raw!r} is not a number", name) from None


def _flag(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ApiError(400, f"{name}: use true or false", name)


def _list(name: str) -> tuple[str, ...]:
    values = [v.strip() for raw in request.args.getlist(name) for v in raw.split(",")]
    return tuple(v for v in values if v)


@bp.get("/nearest")
def nearest_view() -> Response:
    """Nearest facilities: lat, lon, category, type, wheelchair, lang, open_now, limit."""
    raw_limit = request.args.get("limit", "10").strip()
    if not raw_limit.isdigit():
        raise ApiError(400, f"limit: must be a whole number from 1 to {MAX_LIMIT}", "limit")
    query = NearestQuery(
        lat=_float("lat"),
        lon=_float("lon"),
        categories=_list("category"),
        types=_list("type"),
        wheelchair=request.args.get("wheelchair") or None,
        language=(request.args.get("lang") or "").strip().lower() or None,
        open_now=_flag("open_now"),
        limit=int(raw_limit),
    )
    try:
        result = nearest(current_app.extensions["nk_finder"], query, local_now())
    except OutsideError as err:
        raise ApiError(400, str(err), "lat/lon") from err
    return json_response(result)


@bp.get("/search")
def search_view() -> Response:
    """Places matching ``q`` (Gemeinden, Quartiere, Ortsteile) or a typed coordinate pair."""
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError(400, f"q: at most {MAX_QUERY_CHARS} characters", "q")
    coords = parse_coordinates(q) if q else None
    if coords is not None:
        lat, lon = coords
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ApiError(400, f"q: {q!r} is not a valid coordinate pair", "q")
        return json_response(
            {
                "query": q,
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
    limit = request.args.get("limit", "10")
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        raise ApiError(400, f"limit: must be a whole number from 1 to {MAX_LIMIT}", "limit")
    results = search_places(current_app.extensions["nk_places"], q, int(limit)) if q else []
    return json_response({"query": q, "results": results})
