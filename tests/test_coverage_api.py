"""Coverage API through the test client: figures, formats, errors, speed of warm requests."""

from __future__ import annotations

import csv
import io

import pytest

from geo.exports import METADATA_LINES
from geo.schema import AGS


def test_coverage_per_gemeinde(client):
    resp = client.get("/api/coverage?category=treffpunkt")
    assert resp.status_code == 200
    body = resp.json
    assert body["parameters"] == {
        "category": "treffpunkt",
        "type": None,
        "threshold_m": 1000.0,
        "level": "gemeinde",
    }
    units = {u["key"]: u for u in body["units"]}
    assert len(units) == 964
    goe = units["03159016"]
    assert goe["status"] == "ok" and goe["residents"] == 124_548
    assert 0 < goe["beyond"] < goe["residents"]
    assert goe["beyond_share"] == pytest.approx(goe["beyond"] / goe["residents"], abs=1e-4)
    assert goe["tier"] == "geprueft" and goe["unverified_residents"] == 0
    hannover = units["03241001"]  # meeting places from OSM 2021: figures, but unchecked
    assert hannover["status"] == "ok" and hannover["tier"] == "osm_ungeprueft"
    assert hannover["unverified_residents"] == hannover["residents"]
    assert 0 < hannover["beyond"] < hannover["residents"]
    assert sum(b["residents"] for b in body["histogram"]) == body["summary"]["residents_with_data"]
    assert body["summary"]["tier"] == "osm_ungeprueft"  # only as checked as its weakest part
    assert "possible gap" in body["tiers"]
    assert {s["vintage"] for s in body["sources"]} >= {"2022-05-15", "OSM 2021-08"}


def test_counselling_outside_the_pilot_has_no_data_tier(client):
    body = client.get("/api/coverage?category=beratung").json
    units = {u["key"]: u for u in body["units"]}
    assert units["03159016"]["tier"] == "geprueft"
    hannover = units["03241001"]
    assert hannover["tier"] == "keine_daten" and hannover["status"] == "keine_daten"
    assert hannover["beyond"] is None and hannover["beyond_share"] is None
    assert body["summary"]["tier"] == "geprueft"  # only the checked Gemeinden have figures
    assert body["summary"]["unverified_residents"] == 0


def test_tier_of_a_kreis_is_its_weakest_part(client):
    units = client.get("/api/coverage?category=treffpunkt&level=kreis").json["units"]
    goe = next(u for u in units if u["key"] == "03159")
    # Göttingen, Dransfeld and Waake are checked; the rest of the Kreis is from OSM
    assert goe["tier"] == "osm_ungeprueft"
    assert 0 < goe["unverified_residents"] < goe["residents"]


def test_type_implies_category_and_threshold_changes_the_answer(client):
    near = client.get("/api/coverage?type=jugendzentrum&threshold_m=500").json
    far = client.get("/api/coverage?type=jugendzentrum&threshold_m=3000").json
    assert near["parameters"]["category"] == "treffpunkt"
    assert near["summary"]["beyond"] > far["summary"]["beyond"]


def test_kreis_level(client):
    units = client.get("/api/coverage?category=beratung&level=kreis").json["units"]
    assert len(units) == 45
    goe = next(u for u in units if u["key"] == "03159")
    assert goe["status"] == "teilweise" and goe["residents_with_data"] < goe["residents"]


def test_csv_download_carries_parameters_and_sources(client):
    resp = client.get("/api/coverage?category=beratung&format=csv")
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    lines = resp.get_data(as_text=True).splitlines()
    meta, body = lines[:METADATA_LINES], lines[METADATA_LINES:]
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    assert len(rows) == 964 and rows[0]["key"].startswith("03")
    assert "category=beratung" in meta[5] and "threshold_m=5000.0" in meta[5]
    assert "Zensus 2022" in meta[1] and "dl-de/by-2-0" in meta[2]
    german = client.get("/api/coverage?category=beratung&format=csv&dialect=excel-de")
    assert german.data.startswith(b"\xef\xbb\xbf#") and b";" in german.data


def test_quartiere_of_a_city_with_stadtteile(client):
    resp = client.get("/api/coverage/03101000/quartiere?category=treffpunkt")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    fc = resp.json
    kinds = {f["properties"]["kind"] for f in fc["features"]}
    assert "stadtteil" in kinds
    # Braunschweig's meeting places come from OSM 2021: every Quartier says so
    assert {f["properties"]["tier"] for f in fc["features"]} == {"osm_ungeprueft"}
    beratung = client.get("/api/coverage/03101000/quartiere?category=beratung").json
    assert {f["properties"]["status"] for f in beratung["features"]} == {"keine_daten"}
    assert fc["parameters"]["ags"] == "03101000"


def test_quartiere_of_goettingen_are_its_ortsteile_and_add_up(client, app):
    fc = client.get("/api/coverage/03159016/quartiere?category=treffpunkt").json
    props = [f["properties"] for f in fc["features"]]
    assert {p["kind"] for p in props} == {"osm_grenzen", "genaehert"}
    assert {"Weende", "Grone", "Innenstadt", "Groß Ellershausen"} <= {p["name"] for p in props}
    assert sum(p["residents"] for p in props) == pytest.approx(124_548)
    gemeinde = next(
        u
        for u in client.get("/api/coverage?category=treffpunkt").json["units"]
        if u["key"] == "03159016"
    )
    assert sum(p["beyond"] for p in props) == pytest.approx(gemeinde["beyond"], abs=1)
    cells = app.extensions["nk_datasets"].cells
    assert len(props) == cells.loc[cells[AGS] == "03159016", "quartier_id"].nunique() == 17


def test_top_quartiere(client):
    fc = client.get("/api/coverage/quartiere?category=treffpunkt&limit=10").json
    beyond = [f["properties"]["beyond"] for f in fc["features"]]
    assert len(beyond) == 10 and beyond == sorted(beyond, reverse=True)
    assert all(f["properties"]["gemeinde"] for f in fc["features"])
    assert all(f["properties"]["tier"] != "keine_daten" for f in fc["features"])


@pytest.mark.parametrize(
    ("url", "parameter", "status"),
    [
        ("/api/coverage", "category", 400),
        ("/api/coverage?category=kneipe", "category", 400),
        ("/api/coverage?type=disco", "type", 400),
        ("/api/coverage?category=beratung&type=jugendzentrum", "type", 400),
        ("/api/coverage?category=beratung&threshold_m=abc", "threshold_m", 400),
        ("/api/coverage?category=beratung&threshold_m=0", "threshold_m", 400),
        ("/api/coverage?category=beratung&threshold_m=1e9", "threshold_m", 400),
        ("/api/coverage?category=beratung&threshold_m=nan", "threshold_m", 400),
        ("/api/coverage?category=beratung&level=land", "level", 400),
        ("/api/coverage?category=beratung&format=xlsx", "format", 400),
        ("/api/coverage/0315/quartiere?category=beratung", "ags", 400),
        ("/api/coverage/09162000/quartiere?category=beratung", "ags", 404),
        ("/api/coverage/quartiere?category=beratung&limit=0", "limit", 400),
        ("/api/coverage/quartiere?category=beratung&limit=x", "limit", 400),
    ],
)
def test_bad_parameters(client, url, parameter, status):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp.json["parameter"] == parameter


def test_planner_page_renders(client):
    resp = client.get("/planung")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Methode und Grenzen" in html and "Keine Daten" in html
    assert "Datenstufen" in html and "mögliche Lücke" in html
    assert "js/planner.js" in html


def test_geojson_download_of_the_choropleth(client):
    resp = client.get("/api/coverage?category=treffpunkt&format=geojson")
    assert resp.mimetype == "application/geo+json"
    fc = resp.json
    assert len(fc["features"]) == 964 and fc["parameters"]["threshold_m"] == 1000.0
    goe = next(f for f in fc["features"] if f["id"] == "03159016")
    assert goe["properties"]["status"] == "ok" and goe["geometry"]["type"] in (
        "Polygon",
        "MultiPolygon",
    )
    kreise = client.get("/api/coverage?category=treffpunkt&format=geojson&level=kreis").json
    assert len(kreise["features"]) == 45
