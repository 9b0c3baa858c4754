"""The OpenAPI 3.0 description of our own ``/api``: every endpoint, its parameters (by the
rules of `geo.params`), its answers and the error shape.

Served at ``/api/openapi.json`` and read by the ``/api`` page; validated by
openapi-spec-validator and exercised by schemathesis in tests/test_openapi.py.
"""

from __future__ import annotations

from geo.admin_openapi import ADMIN_PATHS, BEARER
from geo.exports import CSV_DIALECTS
from geo.exports import FORMATS as EXPORT_FORMATS
from geo.facilities import CATEGORIES, TYPES
from geo.finder import MAX_LIMIT as NEAREST_MAX
from geo.planning import LEVELS, MAX_THRESHOLD_M, MIN_THRESHOLD_M

__all__ = ["api_openapi"]

ERROR = {"$ref": "#/components/responses/error"}
NUMBER_PATTERN = r"^[+-]?[0-9]{1,12}([.,][0-9]{1,15})?$"
_NUMBER = {"type": "number"}
SEARCH_RESULT = {
    "type": "object",
    "required": ["name", "kind", "detail", "lat", "lon", "ags"],
    "properties": {
        "name": {"type": "string"},
        "kind": {"enum": ["gemeinde", "quartier", "ort", "strasse", "plz", "koordinaten"]},
        "detail": {"type": "string", "description": "the Gemeinde (and Kreis) it lies in"},
        "lat": _NUMBER,
        "lon": _NUMBER,
        "ags": {"type": "string", "nullable": True},
        "bbox": {"type": "array", "items": _NUMBER, "minItems": 4, "maxItems": 4,
                 "description": "a street's extent: west, south, east, north"},
        "place": {"type": "string", "description": "the place a postcode (an area) leads to"},
    },
}  # fmt: skip
SEARCH_RESPONSE = {
    "type": "object",
    "required": ["query", "ambiguous", "results"],
    "properties": {
        "query": {"type": "string"},
        "ambiguous": {"type": "boolean",
                      "description": "the best name exists in several Gemeinden: ask which"},
        "results": {"type": "array", "items": SEARCH_RESULT},
    },
}  # fmt: skip


def _param(name: str, description: str, schema: dict, required: bool = False,
           where: str = "query") -> dict:  # fmt: skip
    return {"name": name, "in": where, "required": required, "description": description,
            "schema": schema}  # fmt: skip


def _text(max_length: int = 500, **extra: object) -> dict:
    return {"type": "string", "maxLength": max_length, **extra}


def _list(values: list[str]) -> dict:
    """One or more of ``values``, comma-separated (the parameter may also repeat)."""
    one = "(" + "|".join(values) + ")"
    return {"type": "string", "maxLength": 500, "pattern": f"^{one}(,{one})*$"}


def _ok(media: dict[str, dict], description: str) -> dict:
    return {"description": description,
            "content": {kind: {"schema": schema} for kind, schema in media.items()}}  # fmt: skip


def _get(summary: str, params: list[dict], ok: dict, codes: tuple[str, ...] = ("400",)) -> dict:
    responses = {"200": ok, **{code: ERROR for code in codes}}
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


def api_openapi(server: str) -> dict:
    """The definition for the API at ``server`` (the site's root URL)."""
    obj = {"type": "object"}
    geojson = {"application/geo+json": {"$ref": "#/components/schemas/featureCollection"}}
    categories, types = list(CATEGORIES), list(TYPES)
    selection = [
        _param("category", "treffpunkt or beratung (or give a type)",
               _text(40, enum=categories)),
        _param("type", "a facility type; implies its category", _text(40, enum=types)),
        _param("threshold_m", f"reach in metres, {MIN_THRESHOLD_M:.0f}–{MAX_THRESHOLD_M:.0f}; "
               "default 1000 (treffpunkt) or 5000 (beratung)",
               _text(40, pattern=NUMBER_PATTERN)),
    ]  # fmt: skip
    ags = _param("ags", "Amtlicher Gemeindeschlüssel, 8 digits", _text(8, pattern="^[0-9]{8}$"),
                 required=True, where="path")  # fmt: skip
    paths = {
        "/api/nearest": _get("nearest facilities to a point", [
            _param("lat", "latitude, WGS84", _text(40, pattern=NUMBER_PATTERN), required=True),
            _param("lon", "longitude, WGS84", _text(40, pattern=NUMBER_PATTERN), required=True),
            _param("category", "filter", _list(categories)),
            _param("type", "filter", _list(types)),
            _param("wheelchair", "yes or limited", _text(20, enum=["yes", "limited"])),
            _param("lang", "an offered language, ISO 639-1", _text(2, pattern="^[a-z]{2}$")),
            _param("open_now", "true or false", _text(10, enum=["true", "false"])),
            _param("limit", f"1–{NEAREST_MAX}", {"type": "integer", "minimum": 1,
                                                   "maximum": NEAREST_MAX}),
        ], _ok({"application/json": obj}, "results with distance, tier and notice")),
        "/api/search": _get("places by name or a coordinate pair", [
            _param("q", "a place name or 'lat, lon'", _text(100)),
            _param("limit", f"1–{NEAREST_MAX}", {"type": "integer", "minimum": 1,
                                                   "maximum": NEAREST_MAX}),
        ], _ok({"application/json": SEARCH_RESPONSE}, "matching places, best first")),
        "/api/facilities": _get("facilities as GeoJSON", [
            _param("category", "filter", _list(categories)),
            _param("type", "filter", _list(types)),
            _param("ags", "filter: Gemeinde keys", _text(500)),
            _param("bbox", "west,south,east,north in degrees", _text(200)),
        ], _ok(geojson, "facilities")),
        "/api/gemeinden": _get("all Gemeinden as GeoJSON", [
            _param("geometry", "display (simplified) or full", _text(10,
                   enum=["display", "full"])),
        ], _ok(geojson, "Gemeinden")),
        "/api/gemeinden/{ags}": _get("one Gemeinde as a GeoJSON Feature", [
            ags, _param("geometry", "display or full", _text(10, enum=["display", "full"])),
        ], _ok({"application/geo+json": obj}, "the Gemeinde"), ("400", "404")),
        "/api/orte": _get("named places (Ortsteile) as GeoJSON points", [],
                          _ok(geojson, "places")),
        "/api/coverage": _get("residents beyond reach per Gemeinde or Kreis", [
            *selection,
            _param("level", "gemeinde or kreis", _text(10, enum=list(LEVELS))),
            _param("format", "json, csv or geojson", _text(10, enum=["json", "csv", "geojson"])),
            _param("dialect", "CSV dialect", _text(10, enum=list(CSV_DIALECTS))),
        ], _ok({"application/json": obj, "text/csv": {"type": "string"},
                **geojson}, "figures per unit")),
        "/api/coverage/{ags}/quartiere": _get("figures per Quartier of one Gemeinde", [
            ags, *selection,
            _param("format", "geojson or csv", _text(10, enum=["geojson", "csv"])),
            _param("dialect", "CSV dialect", _text(10, enum=list(CSV_DIALECTS))),
        ], _ok({**geojson, "text/csv": {"type": "string"}}, "Quartiere"), ("400", "404")),
        "/api/coverage/quartiere": _get("the most underserved Quartiere", [
            *selection,
            _param("limit", "1–500", {"type": "integer", "minimum": 1, "maximum": 500}),
            _param("format", "geojson or csv", _text(10, enum=["geojson", "csv"])),
            _param("dialect", "CSV dialect", _text(10, enum=list(CSV_DIALECTS))),
        ], _ok({**geojson, "text/csv": {"type": "string"}}, "Quartiere")),
        "/api/export": _get("a download for a Gemeinde, a Kreis or the state", [
            _param("data", "facilities, quartiere or gemeinden",
                   _text(20, enum=["facilities", "quartiere", "gemeinden"])),
            _param("ags", "one Gemeinde", _text(8, pattern="^[0-9]{8}$")),
            _param("kreis", "one Kreis", _text(5, pattern="^[0-9]{5}$")),
            _param("format", "geojson, csv or gpkg", _text(10, enum=list(EXPORT_FORMATS))),
            _param("dialect", "CSV dialect", _text(10, enum=list(CSV_DIALECTS))),
            *selection,
        ], _ok({"application/geo+json": obj, "text/csv": {"type": "string"},
                "application/geopackage+sqlite3": {"type": "string", "format": "binary"}},
               "the file, as an attachment")),
        "/api/suggest": _get("up to k new sites that bring the most residents within reach", [
            *selection,
            _param("ags", "one Gemeinde", _text(8, pattern="^[0-9]{8}$")),
            _param("kreis", "one Kreis", _text(5, pattern="^[0-9]{5}$")),
            _param("k", "number of sites, 1–10", {"type": "integer", "minimum": 1,
                                                   "maximum": 10}),
            _param("candidates", "cells: populated 100 m cells", _text(10, enum=["cells"])),
        ], _ok({"application/json": obj}, "the sites, best first")),
        "/api/whatif": {"post": {
            "summary": "what a scenario changes: sites added, facilities removed",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": False,
                "properties": {
                    "category": {"type": "string", "enum": categories},
                    "type": {"type": "string", "enum": types},
                    "threshold_m": {"type": "number", "minimum": MIN_THRESHOLD_M,
                                    "maximum": MAX_THRESHOLD_M},
                    "add": {"type": "array", "maxItems": 50, "items": {
                        "type": "object", "required": ["lat", "lon"],
                        "additionalProperties": False,
                        "properties": {"lat": {"type": "number", "minimum": 51.2,
                                               "maximum": 54.0},
                                       "lon": {"type": "number", "minimum": 6.5,
                                               "maximum": 11.7}}}},
                    "remove": {"type": "array", "maxItems": 500,
                               "items": {"type": "string", "pattern": "^f[0-9a-f]{12}$"}},
                }}}}},
            "responses": {"200": _ok({"application/json": obj}, "changed figures per "
                                     "Gemeinde and Quartier and a summary"),
                          "400": ERROR, "413": ERROR, "415": ERROR},
        }},
        "/api/openapi.json": _get("this description", [], _ok({"application/json": obj},
                                                              "OpenAPI 3.0")),
    }  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Nachbarschaftskarte Niedersachsen – API",
            "version": "1.0.0",
            "description": "Open data on meeting places and counselling offices in "
            "Niedersachsen and who lives beyond their reach. Numbers use ASCII digits with a "
            "decimal point or comma; each parameter once (category, type, ags may repeat); "
            "errors are JSON with status, message and parameter. Any site may read the data "
            "(CORS *).",
            "license": {"name": "dl-de/by-2-0 and ODbL-1.0 (see each answer's sources)"},
        },
        "servers": [{"url": server}],
        "paths": {**paths, **ADMIN_PATHS},
        "components": {
            "securitySchemes": {"token": BEARER},
            "responses": {
                "error": {
                    "description": "a bad parameter (400) or an unknown key (404)",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/error"}}
                    },
                }
            },
            "schemas": {
                "error": {
                    "type": "object",
                    "required": ["error", "status", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "parameter": {"type": "string"},
                    },
                },
                "featureCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {"type": "array"},
                    },
                },
            },
        },
    }
