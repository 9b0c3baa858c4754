"""OGC API – Features under ``/ogc``: landing page, conformance, collections, items, one item,
the OpenAPI 3.0 definition; JSON (GeoJSON) or HTML by ``f=`` or the Accept header.

A thin adapter over `geo.ogc`; the collections come from the loaded datasets and the same
planning code as ``/api/coverage``. In QGIS: Layer → Add Layer → Add WFS / OGC API – Features
Layer, URL ``http://<host>/ogc`` (see the README).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlencode

import geopandas as gpd
from flask import Blueprint, Response, render_template, request, url_for

from geo.facilities import FIELDS
from geo.ogc import CONFORMANCE, Collection, ItemsQuery, items_page
from geo.params import ParameterError, shown
from geo.planning import Selection, analyse, unit_shapes, unit_table
from geo.query import FacilityFilter, facility_properties, select_facilities
from geo.schema import AGS, KREIS, KREIS_ARS, NAME, POPULATION, QUARTIER_ID, QUARTIER_KIND
from geo.sources import sources_for
from geo.web.api import GEMEINDE_COLUMNS
from geo.web.context import cached, datasets
from geo.web.errors import ApiError
from geo.web.responses import json_response

__all__ = ["bp"]

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
COVERAGE_COLUMNS = [
    "key", "name", "kreis", "status", "tier", "residents", "beyond", "beyond_share",
    "u15_beyond", "a65plus_beyond", "median_distance_m",
]  # fmt: skip


def _collections() -> dict[str, Collection]:
    return cached("ogc_collections", _build_collections)


def _build_collections() -> dict[str, Collection]:
    data = datasets()
    gemeinden = data.gemeinden_display
    kreise = unit_shapes(data, "kreis").rename(columns={"key": KREIS_ARS})
    totals = data.gemeinden.groupby(KREIS_ARS).agg(**{KREIS: (KREIS, "first"),
                                                      POPULATION: (POPULATION, "sum")})  # fmt: skip
    kreise = kreise.merge(totals, left_on=KREIS_ARS, right_index=True)
    facilities = facility_properties(select_facilities(data.facilities, FacilityFilter()))
    quartiere = data.quartiere.to_crs("EPSG:4326")
    out = [
        Collection("gemeinden", "Gemeinden", "Die 964 Gemeinden Niedersachsens (Zensus 2022).",
                   gemeinden, AGS, GEMEINDE_COLUMNS, sources_for("boundaries", "population")),
        Collection("kreise", "Landkreise und kreisfreie Städte", "Die 45 Kreise.",
                   kreise, KREIS_ARS, [KREIS_ARS, KREIS, POPULATION],
                   sources_for("boundaries", "population")),
        Collection("facilities", "Treffpunkte und Beratungsstellen",
                   "Einrichtungen mit Art, Träger, Adresse, Kontakt und Quelle.",
                   facilities.to_crs("EPSG:4326"), "id",
                   [c for c in FIELDS if c != "id"] + ["type_label_de", "category_label_de"],
                   sources_for("facilities")),
        Collection("quartiere", "Quartiere", "Stadt- und Ortsteile jeder Gemeinde mit Art "
                   "(Bezirksdatei, OSM-Grenzen, genähert) und Quelle.", quartiere, QUARTIER_ID,
                   [QUARTIER_ID, AGS, NAME, QUARTIER_KIND, "source"], sources_for("quartiere")),
    ]  # fmt: skip
    for category, label in (("treffpunkt", "Treffpunkten"), ("beratung", "Beratung")):
        selection = Selection.parse(category, None, None)
        table = unit_table(analyse(data, selection), "gemeinde")
        shapes = unit_shapes(data, "gemeinde")
        frame = gpd.GeoDataFrame(table.merge(shapes, on="key"), geometry="geometry",
                                 crs=shapes.crs)  # fmt: skip
        for column in frame.select_dtypes("number").columns:
            frame[column] = frame[column].round(4 if column.endswith("share") else 1)
        out.append(Collection(
            f"erreichbarkeit_{category}", f"Erreichbarkeit von {label} je Gemeinde",
            f"Einwohner außerhalb von {selection.threshold_m:,.0f} m (Standard-Reichweite), "
            "mit Datenstufe; wie /api/coverage.", frame, "key", COVERAGE_COLUMNS,
            sources_for("population", "grid", "buildings", "boundaries", "facilities"),
        ))  # fmt: skip
    return {c.id: c for c in out}


def _format() -> str:
    """json or html: ``f=`` wins, else the Accept header (browsers ask for HTML)."""
    fmt = request.args.get("f")
    if fmt is not None:
        if fmt not in ("json", "html"):
            raise ApiError(400, f"f: {shown(fmt)} is not one of json, html", "f")
        return fmt
    accept = request.accept_mimetypes
    html = accept["text/html"]
    return "html" if html and html > max(accept["application/json"], accept[GEOJSON]) else "json"


def _args() -> dict[str, str]:
    """Query parameters, each at most once (the API's rule)."""
    out: dict[str, str] = {}
    for name in request.args:
        values = request.args.getlist(name)
        if len(values) > 1:
            raise ParameterError(name, f"{name} given {len(values)} times; give it once")
        if len(values[0]) > 500:
            raise ParameterError(name, f"{name}: at most 500 characters")
        out[name] = values[0]
    return out


def _link(href: str, rel: str, kind: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": kind, "title": title}


def _self_links(endpoint: str, kind: str, **values: str) -> list[dict[str, str]]:
    json_href = url_for(endpoint, _external=True, f="json", **values)
    html_href = url_for(endpoint, _external=True, f="html", **values)
    fmt = _format()
    return [
        _link(json_href, "self" if fmt == "json" else "alternate", kind, "this document (JSON)"),
        _link(html_href, "self" if fmt == "html" else "alternate", "text/html",
              "this document (HTML)"),
    ]  # fmt: skip


def _respond(body: dict, kind: str, title: str) -> Response:
    if _format() == "html":
        return Response(render_template("ogc/page.html", title=title, body=body))
    return json_response(body, mimetype=kind)


@bp.get("/")
def landing() -> Response:
    body = {
        "title": "Nachbarschaftskarte Niedersachsen – OGC API Features",
        "description": "Treffpunkte, Beratung, Gemeinden, Quartiere und Erreichbarkeit "
        "in Niedersachsen als OGC API – Features (Part 1: Core).",
        "links": [
            *_self_links("ogc.landing", "application/json"),
            _link(url_for("ogc.openapi", _external=True), "service-desc", OPENAPI,
                  "the API definition (OpenAPI 3.0)"),
            _link(url_for("ogc.openapi", _external=True, f="html"), "service-doc", "text/html",
                  "the API documentation"),
            _link(url_for("ogc.conformance", _external=True), "conformance", "application/json",
                  "conformance classes"),
            _link(url_for("ogc.collections", _external=True), "data", "application/json",
                  "the feature collections"),
        ],
    }  # fmt: skip
    return _respond(body, "application/json", body["title"])


@bp.get("/conformance")
def conformance() -> Response:
    return _respond({"conformsTo": CONFORMANCE}, "application/json", "Konformität")


def _collection_body(collection: Collection) -> dict:
    items = url_for("ogc.items", collection_id=collection.id, _external=True)
    return {
        **collection.metadata(),
        "links": [
            *_self_links("ogc.collection", "application/json", collection_id=collection.id),
            _link(f"{items}?f=json", "items", GEOJSON, "the features (GeoJSON)"),
            _link(f"{items}?f=html", "items", "text/html", "the features (HTML)"),
        ],
    }


@bp.get("/collections")
def collections() -> Response:
    body = {
        "links": _self_links("ogc.collections", "application/json"),
        "collections": [_collection_body(c) for c in _collections().values()],
    }
    return _respond(body, "application/json", "Sammlungen")


def _get(collection_id: str) -> Collection:
    found = _collections().get(collection_id)
    if found is None:
        raise ApiError(404, f"no collection {shown(collection_id)}; see /ogc/collections",
                       "collectionId")  # fmt: skip
    return found


@bp.get("/collections/<collection_id>")
def collection(collection_id: str) -> Response:
    found = _get(collection_id)
    return _respond(_collection_body(found), "application/json", found.title)


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str) -> Response:
    found = _get(collection_id)
    args = _args()
    query = ItemsQuery.parse(args, found)
    page, matched = items_page(found, query)
    base = url_for("ogc.items", collection_id=collection_id, _external=True)
    fmt = _format()

    def href(offset: int, f: str) -> str:
        params = {**args, "offset": str(offset), "limit": str(query.limit), "f": f}
        return f"{base}?{urlencode(params)}"

    links = [
        _link(href(query.offset, "json"), "self" if fmt == "json" else "alternate", GEOJSON,
              "this page (GeoJSON)"),
        _link(href(query.offset, "html"), "self" if fmt == "html" else "alternate",
              "text/html", "this page (HTML)"),
        _link(url_for("ogc.collection", collection_id=collection_id, _external=True),
              "collection", "application/json", found.title),
    ]  # fmt: skip
    if query.offset + query.limit < matched:
        links.append(_link(href(query.offset + query.limit, fmt), "next",
                           GEOJSON if fmt == "json" else "text/html", "next page"))  # fmt: skip
    if query.offset > 0:
        links.append(_link(href(max(query.offset - query.limit, 0), fmt), "prev",
                           GEOJSON if fmt == "json" else "text/html", "previous page"))  # fmt: skip
    page["timeStamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    page["links"] = links
    page["sources"] = found.sources
    return _respond(page, GEOJSON, found.title)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str) -> Response:
    found = _get(collection_id)
    frame = found.frame
    match = frame[frame[found.id_column].astype(str) == feature_id]
    if match.empty:
        raise ApiError(404, f"no feature {shown(feature_id)} in {collection_id}", "featureId")
    page, _ = items_page(replace(found, frame=match), ItemsQuery(limit=1))
    feature = page["features"][0]
    feature["links"] = [
        *_self_links("ogc.item", GEOJSON, collection_id=collection_id, feature_id=feature_id),
        _link(url_for("ogc.collection", collection_id=collection_id, _external=True),
              "collection", "application/json", found.title),
    ]  # fmt: skip
    return _respond(feature, GEOJSON, f"{found.title}: {feature_id}")


@bp.get("/api")
def openapi() -> Response:
    from geo.ogc_openapi import ogc_openapi

    body = ogc_openapi(url_for("ogc.landing", _external=True).rstrip("/"),
                       list(_collections()))  # fmt: skip
    if request.args.get("f") == "html":
        return Response(render_template("ogc/page.html", title="OpenAPI", body=body))
    return json_response(body, mimetype=OPENAPI)
