"""JSON and GeoJSON API: thin views over the core modules."""

from __future__ import annotations

import re

import geopandas as gpd
from flask import Blueprint, Response, request

from geo.facilities import FIELDS
from geo.geojson import feature_collection
from geo.query import FacilityFilter, facility_properties, select_facilities
from geo.schema import AGS, AREA_KM2, BEZ, GEMEINDEFREI, KREIS, KREIS_ARS, NAME, POPULATION
from geo.sources import sources_for
from geo.web.context import cached, datasets
from geo.web.errors import ApiError
from geo.web.responses import geojson_response

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")

GEMEINDE_COLUMNS = [AGS, NAME, BEZ, KREIS_ARS, KREIS, POPULATION, AREA_KM2, GEMEINDEFREI]
GEOMETRY_MODES = ("display", "full")
AGS_PATTERN = re.compile(r"\d{8}")


def _geometry_mode() -> str:
    mode = request.args.get("geometry", "display")
    if mode not in GEOMETRY_MODES:
        raise ApiError(400, f"geometry must be one of {', '.join(GEOMETRY_MODES)}", "geometry")
    return mode


def with_sources(collection: dict, *topics: str) -> dict:
    """Add the sources and attribution of ``topics`` as a foreign member (RFC 7946 §6.1)."""
    return {**collection, "sources": sources_for(*topics)}


def _gemeinden_frame(mode: str) -> gpd.GeoDataFrame:
    data = datasets()
    return data.gemeinden_display if mode == "display" else data.gemeinden


@bp.get("/gemeinden")
def gemeinden() -> Response:
    """All Gemeinden; ``?geometry=full`` for the 1:250,000 geometry instead of display."""
    mode = _geometry_mode()
    payload = cached(
        ("gemeinden", mode),
        lambda: with_sources(
            feature_collection(_gemeinden_frame(mode), GEMEINDE_COLUMNS, id_column=AGS),
            "boundaries",
            "population",
        ),
    )
    return geojson_response(payload)


@bp.get("/gemeinden/<ags>")
def gemeinde(ags: str) -> Response:
    """One Gemeinde by its 8-digit AGS."""
    if not AGS_PATTERN.fullmatch(ags):
        raise ApiError(400, f"{ags!r} is not an AGS: expected 8 digits, e.g. 03159016", "ags")
    frame = _gemeinden_frame(_geometry_mode())
    match = frame[frame[AGS] == ags]
    if match.empty:
        raise ApiError(404, f"no Gemeinde with AGS {ags} in Niedersachsen", "ags")
    return geojson_response(
        feature_collection(match, GEMEINDE_COLUMNS, id_column=AGS)["features"][0]
    )


FACILITY_COLUMNS = [f for f in FIELDS if f not in ("lat", "lon")] + [
    "type_label_de",
    "type_label_en",
    "category_label_de",
    "category_label_en",
]


def list_arg(name: str) -> tuple[str, ...]:
    """A parameter given repeatedly or comma-separated, as a tuple of non-empty values."""
    values = [v.strip() for raw in request.args.getlist(name) for v in raw.split(",")]
    return tuple(v for v in values if v)


def bbox_arg() -> tuple[float, float, float, float] | None:
    raw = request.args.get("bbox", "").strip()
    if not raw:
        return None
    try:
        parts = tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise ApiError(
            400, f"bbox {raw!r}: expected four numbers west,south,east,north", "bbox"
        ) from None
    if len(parts) != 4:
        raise ApiError(400, f"bbox {raw!r}: expected four numbers west,south,east,north", "bbox")
    return parts  # type: ignore[return-value]


@bp.get("/facilities")
def facilities() -> Response:
    """Facilities as GeoJSON; filters ``category``, ``type``, ``ags``, ``bbox`` (lon/lat)."""
    query = FacilityFilter(
        categories=list_arg("category"),
        types=list_arg("type"),
        ags=list_arg("ags"),
        bbox=bbox_arg(),
    )
    selected = facility_properties(select_facilities(datasets().facilities, query))
    collection = feature_collection(selected, FACILITY_COLUMNS, id_column="id")
    return geojson_response(with_sources(collection, "facilities"))


@bp.get("/orte")
def orte() -> Response:
    """Named places (Ortsteile) as GeoJSON points: labels that orient without map tiles."""
    payload = cached(
        "orte",
        lambda: with_sources(
            feature_collection(datasets().orte, ["name", "place_class", "ags"]), "places"
        ),
    )
    return geojson_response(payload)
