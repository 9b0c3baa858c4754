"""JSON and GeoJSON API: thin views over the core modules."""

from __future__ import annotations

import re

import geopandas as gpd
from flask import Blueprint, Response, render_template, request

from geo.api_openapi import api_openapi
from geo.facilities import FIELDS
from geo.geojson import GEOJSON_MIME, feature_collection
from geo.params import parse_number, shown
from geo.query import FacilityFilter, facility_properties, select_facilities
from geo.schema import AGS, AREA_KM2, BEZ, GEMEINDEFREI, KREIS, KREIS_ARS, NAME, POPULATION
from geo.sources import sources_for
from geo.web import args
from geo.web.context import cached, datasets
from geo.web.errors import ApiError
from geo.web.responses import Body, geojson_response, json_response, send_body, to_json

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")

GEMEINDE_COLUMNS = [AGS, NAME, BEZ, KREIS_ARS, KREIS, POPULATION, AREA_KM2, GEMEINDEFREI]
GEOMETRY_MODES = ("display", "full")
AGS_PATTERN = re.compile(r"[0-9]{8}")


def _geometry_mode() -> str:
    return args.choice("geometry", GEOMETRY_MODES, "display")


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
    body = cached(
        ("gemeinden", mode),
        lambda: Body.of(to_json(with_sources(
            feature_collection(_gemeinden_frame(mode), GEMEINDE_COLUMNS, id_column=AGS),
            "boundaries",
            "population",
        ))),
    )  # fmt: skip
    return send_body(body, GEOJSON_MIME)


@bp.get("/gemeinden/<ags>")
def gemeinde(ags: str) -> Response:
    """One Gemeinde by its 8-digit AGS."""
    if not AGS_PATTERN.fullmatch(ags):
        raise ApiError(400, f"{shown(ags)} is not an AGS: expected 8 digits, e.g. 03159016", "ags")
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


BBOX_HELP = "expected four numbers west,south,east,north"


def bbox_arg() -> tuple[float, float, float, float] | None:
    raw = (args.one("bbox") or "").strip()
    if not raw:
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise ApiError(400, f"bbox {shown(raw)}: {BBOX_HELP}", "bbox")
    limits = ((-180.0, 180.0), (-90.0, 90.0), (-180.0, 180.0), (-90.0, 90.0))
    west, south, east, north = (
        parse_number("bbox", part, low, high) for part, (low, high) in zip(parts, limits,
                                                                           strict=True)
    )  # fmt: skip
    return west, south, east, north


@bp.get("/facilities")
def facilities() -> Response:
    """Facilities as GeoJSON; filters ``category``, ``type``, ``ags``, ``bbox`` (lon/lat)."""
    query = FacilityFilter(
        categories=args.many("category"),
        types=args.many("type"),
        ags=args.many("ags"),
        bbox=bbox_arg(),
    )
    selected = facility_properties(select_facilities(datasets().facilities, query))
    collection = feature_collection(selected, FACILITY_COLUMNS, id_column="id")
    return geojson_response(with_sources(collection, "facilities"))


@bp.get("/orte")
def orte() -> Response:
    """Named places (Ortsteile) as GeoJSON points: labels that orient without map tiles."""
    body = cached(
        "orte",
        lambda: Body.of(to_json(with_sources(
            feature_collection(datasets().orte, ["name", "place_class", "ags"]), "places"
        ))),
    )  # fmt: skip
    return send_body(body, GEOJSON_MIME)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.0 description of this API."""
    return json_response(api_openapi(request.url_root.rstrip("/")))


@bp.get("")
def api_page() -> str:
    """A readable page of the API description (served from here, no foreign assets)."""
    spec = api_openapi(request.url_root.rstrip("/"))
    return render_template("api.html", spec=spec)
