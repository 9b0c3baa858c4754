"""The OpenAPI 3.0 definition of ``/ogc`` (OGC API – Features, Part 1: Core, OAS 3.0 class).

Generic paths with the collection ids as an enum, the standard's parameters and responses.
Checked by openapi-spec-validator in tests/test_ogc.py.
"""

from __future__ import annotations

__all__ = ["ogc_openapi"]


def _json(schema: dict, description: str, html: bool = True) -> dict:
    content = {"application/json": {"schema": schema}}
    if html:
        content["text/html"] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


def _geojson(schema: dict, description: str) -> dict:
    return {
        "description": description,
        "content": {
            "application/geo+json": {"schema": schema},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def ogc_openapi(server: str, collection_ids: list[str]) -> dict:
    """The definition for a server at ``server`` (the landing page URL without a slash)."""
    ref = "#/components/schemas/"
    error = {"description": "a bad parameter or an unknown id",
             "content": {"application/json": {"schema": {"$ref": ref + "error"}}}}  # fmt: skip
    f_param = {"name": "f", "in": "query", "required": False, "description": "json or html",
               "schema": {"type": "string", "enum": ["json", "html"]}}  # fmt: skip
    collection_id = {"name": "collectionId", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": collection_ids}}  # fmt: skip

    def get(summary: str, operation: str, responses: dict, params: list | None = None) -> dict:
        return {"get": {"summary": summary, "operationId": operation,
                        "parameters": [f_param, *(params or [])],
                        "responses": {**responses, "400": error, "404": error}}}  # fmt: skip

    text = {"type": "string"}
    link = {"type": "object", "required": ["href"],
            "properties": {k: text for k in ("href", "rel", "type", "title")}}  # fmt: skip
    links = {"type": "array", "items": {"$ref": ref + "link"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Nachbarschaftskarte Niedersachsen – OGC API Features",
            "version": "1.0.0",
            "description": "Treffpunkte, Beratung, Gemeinden, Kreise, Quartiere und "
            "Erreichbarkeit; Daten unter dl-de/by-2-0 und ODbL (Quellen je Sammlung).",
            "license": {"name": "dl-de/by-2-0 and ODbL-1.0 (see each collection's sources)"},
        },
        "servers": [{"url": server}],
        "paths": {
            "/": get(
                "landing page",
                "getLandingPage",
                {"200": _json({"$ref": ref + "landingPage"}, "links to the API")},
            ),
            "/conformance": get(
                "conformance classes",
                "getConformance",
                {"200": _json({"$ref": ref + "confClasses"}, "the classes")},
            ),
            "/collections": get(
                "feature collections",
                "getCollections",
                {"200": _json({"$ref": ref + "collections"}, "collections")},
            ),
            "/collections/{collectionId}": get(
                "one collection",
                "describeCollection",
                {"200": _json({"$ref": ref + "collection"}, "the collection")},
                [collection_id],
            ),
            "/collections/{collectionId}/items": get(
                "features of a collection (any property may be a further equality filter)",
                "getFeatures",
                {"200": _geojson({"$ref": ref + "featureCollection"}, "a page of features")},
                [
                    collection_id,
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
                    },
                    {
                        "name": "offset",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0, "default": 0},
                    },
                    {
                        "name": "bbox",
                        "in": "query",
                        "required": False,
                        "style": "form",
                        "explode": False,
                        "schema": {
                            "type": "array",
                            "minItems": 4,
                            "maxItems": 4,
                            "items": {"type": "number"},
                        },
                    },
                ],
            ),
            "/collections/{collectionId}/items/{featureId}": get(
                "one feature",
                "getFeature",
                {"200": _geojson({"$ref": ref + "feature"}, "the feature")},
                [
                    collection_id,
                    {
                        "name": "featureId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
            ),
            "/api": get(
                "this definition",
                "getApi",
                {
                    "200": {
                        "description": "OpenAPI 3.0",
                        "content": {
                            "application/vnd.oai.openapi+json;version=3.0": {
                                "schema": {"type": "object"}
                            }
                        },
                    }
                },
            ),
        },
        "components": {
            "schemas": {
                "link": link,
                "error": {
                    "type": "object",
                    "required": ["status", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "parameter": {"type": "string"},
                    },
                },
                "landingPage": {
                    "type": "object",
                    "required": ["links"],
                    "properties": {
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "links": links,
                    },
                },
                "confClasses": {
                    "type": "object",
                    "required": ["conformsTo"],
                    "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
                },
                "collection": {
                    "type": "object",
                    "required": ["id", "links"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "itemType": {"type": "string"},
                        "extent": {"type": "object"},
                        "links": links,
                    },
                },
                "collections": {
                    "type": "object",
                    "required": ["links", "collections"],
                    "properties": {
                        "links": links,
                        "collections": {"type": "array", "items": {"$ref": ref + "collection"}},
                    },
                },
                "feature": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"type": "string", "enum": ["Feature"]},
                        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "geometry": {"type": "object", "nullable": True},
                        "properties": {"type": "object", "nullable": True},
                        "links": links,
                    },
                },
                "featureCollection": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {
                        "type": {"type": "string", "enum": ["FeatureCollection"]},
                        "features": {"type": "array", "items": {"$ref": ref + "feature"}},
                        "numberMatched": {"type": "integer", "minimum": 0},
                        "numberReturned": {"type": "integer", "minimum": 0},
                        "timeStamp": {"type": "string", "format": "date-time"},
                        "links": links,
                    },
                },
            },
        },
    }
