"""API and app behaviour through Flask's test client."""

from __future__ import annotations

import sqlite3

import pytest

from app import create_app
from geo.data import GPKG_NAME, DatasetError


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok", "gemeinden": 964, "cells": 430_470}  # 100 m cells


def test_gemeinden_collection_is_rfc7946(client):
    resp = client.get("/api/gemeinden")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    body = resp.json
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body  # RFC 7946: WGS84 implied, no crs member
    assert len(body["features"]) == 964
    first = body["features"][0]
    assert set(first["properties"]) >= {"ags", "name", "kreis", "population", "area_km2"}
    lon, lat = first["geometry"]["coordinates"][0][0][0]
    assert 6.5 < lon < 11.7 and 51.2 < lat < 54.0
    assert sum(f["properties"]["population"] for f in body["features"]) == 7_943_265


def test_one_gemeinde(client):
    resp = client.get("/api/gemeinden/03241001")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    feat = resp.json
    assert feat["type"] == "Feature" and feat["id"] == "03241001"
    assert feat["properties"]["name"] == "Hannover"
    assert feat["properties"]["population"] == 513_291
    assert feat["properties"]["kreis"] == "Region Hannover"


def test_full_geometry_has_more_vertices(client):
    def vertices(resp):
        geom = resp.json["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        return sum(len(ring) for polygon in polygons for ring in polygon)

    display = client.get("/api/gemeinden/03159016")
    full = client.get("/api/gemeinden/03159016?geometry=full")
    assert vertices(full) > 3 * vertices(display)


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/gemeinden/0324100", 400, "ags"),
        ("/api/gemeinden/abcdefgh", 400, "ags"),
        ("/api/gemeinden/%3Cscript%3E", 400, "ags"),
        ("/api/gemeinden/09162000", 404, "ags"),  # München: not in Niedersachsen
        ("/api/gemeinden?geometry=huge", 400, "geometry"),
    ],
)
def test_bad_keys_get_json_errors(client, url, status, parameter):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp.is_json
    assert resp.json["parameter"] == parameter
    assert "Traceback" not in resp.get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    resp = client.get("/api/nothing")
    assert resp.status_code == 404 and resp.is_json


def test_unknown_page_is_html_404_without_trace(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text
    assert "Seite nicht gefunden" in text  # pages speak German


def test_security_headers(client):
    resp = client.get("/karte")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_density_map_loads_nothing_from_other_hosts(client):
    html = client.get("/karte").get_data(as_text=True)
    assert "cdn." not in html and "jsdelivr" not in html and "cdnjs" not in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "GeoBasis-DE / BKG" in html and "Zensus 2022" in html


def test_density_map_with_its_assets_stays_under_limit(client):
    page = client.get("/karte")
    assert page.status_code == 200
    total = len(page.data)
    for asset in ["vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "css/site.css"]:
        resp = client.get(f"/static/{asset}")
        assert resp.status_code == 200
        total += len(resp.data)
        resp.close()
    assert total < 1.5e6, f"statewide page with data and assets is {total / 1e6:.2f} MB"


def test_unexpected_error_is_a_plain_500(client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("geo.web.api.feature_collection", boom)
    resp = client.get("/api/gemeinden/03241001")
    assert resp.status_code == 500
    assert resp.is_json
    text = resp.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text


def test_missing_dataset_stops_the_start(tmp_path):
    with pytest.raises(DatasetError, match="dataset file not found"):
        create_app({"DATA_DIR": tmp_path})


def test_corrupt_dataset_stops_the_start(tmp_path):
    (tmp_path / GPKG_NAME).write_bytes(b"this is not a geopackage")
    with pytest.raises(DatasetError, match="not a readable GeoPackage"):
        create_app({"DATA_DIR": tmp_path})


def test_dataset_missing_a_layer_stops_the_start(tmp_path):
    import geopandas as gpd
    from shapely import box

    path = tmp_path / GPKG_NAME
    gpd.GeoDataFrame({"x": [1]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:25832").to_file(
        path, layer="something_else"
    )
    with pytest.raises(DatasetError, match="layer 'gemeinden' missing"):
        create_app({"DATA_DIR": tmp_path})
    assert sqlite3.connect(path).execute("select count(*) from something_else").fetchone()[0] == 1


def test_facilities_geojson_and_filters(client):
    resp = client.get("/api/facilities")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    features = resp.json["features"]
    assert len(features) >= 60
    first = features[0]
    assert first["geometry"]["type"] == "Point"
    assert {"name", "type", "type_label_de", "category", "ags", "source", "licence"} <= set(
        first["properties"]
    )
    beratung = client.get("/api/facilities?category=beratung").json["features"]
    assert beratung and all(f["properties"]["category"] == "beratung" for f in beratung)
    typed = client.get("/api/facilities?type=jugendzentrum,familienzentrum").json["features"]
    assert {f["properties"]["type"] for f in typed} == {"jugendzentrum", "familienzentrum"}
    in_city = client.get("/api/facilities?ags=03159016").json["features"]
    assert in_city and all(f["properties"]["ags"] == "03159016" for f in in_city)
    box = client.get("/api/facilities?bbox=9.92,51.52,9.94,51.54").json["features"]
    for f in box:
        lon, lat = f["geometry"]["coordinates"]
        assert 9.92 <= lon <= 9.94 and 51.52 <= lat <= 51.54
    assert 0 < len(box) < len(features)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("category=kneipe", "category"),
        ("type=disco", "type"),
        ("ags=123", "ags"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=10,52,9,51", "bbox"),
        ("bbox=nan,nan,nan,nan", "bbox"),
    ],
)
def test_facilities_bad_parameters(client, query, parameter):
    resp = client.get(f"/api/facilities?{query}")
    assert resp.status_code == 400 and resp.json["parameter"] == parameter


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("/api/gemeinden", "GeoBasis-DE / BKG"),
        ("/api/facilities", "OpenStreetMap"),
        ("/api/orte", "OpenStreetMap"),
        ("/api/coverage?category=beratung", "Census 2021 population grid"),
        ("/api/coverage/03159016/quartiere?category=treffpunkt", "OpenStreetMap"),
    ],
)
def test_exports_carry_their_sources(client, url, needle):
    sources = client.get(url).json["sources"]
    assert any(needle in s["source"] for s in sources)
    assert all(s["licence"] and s["vintage"] for s in sources)
