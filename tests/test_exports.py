"""Exports: each format opens with the tools municipalities use, carries its metadata, keeps
residents whole, neutralises formulas, and takes only checked parameters."""

from __future__ import annotations

import io
import json
import sqlite3

import geopandas as gpd
import pandas as pd
import pytest

from geo.exports import METADATA_LINES, ExportMetadata, neutralise, to_csv

KREIS = "/api/export?data={data}&kreis=03159&format={fmt}"
META = ExportMetadata("Test", [{"data": "d", "source": "© Quelle", "vintage": "2022",
                                "licence": "dl-de/by-2-0"}], "geprueft", {"a": 1}, "2026-12-05")  # fmt: skip


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised_in_every_dialect(start):
    hostile = f'{start}HYPERLINK("https://evil.example","Hier klicken")'
    frame = pd.DataFrame({"name": [hostile, "Treff"], "residents": [-3.0, 4.0]})
    for dialect, sep in (("excel-de", ";"), ("rfc4180", ",")):
        text = to_csv(frame, ["name", "residents"], META, dialect).decode("utf-8-sig")
        table = pd.read_csv(io.StringIO(text), sep=sep, skiprows=METADATA_LINES, dtype=str,
                            keep_default_na=False)  # fmt: skip
        cell = table.iloc[0, 0]
        assert cell == "'" + hostile.strip() or cell.startswith("'" + start.strip()), cell
        assert table.iloc[0, 1] == "-3"  # numbers stay numbers, whole residents
    assert neutralise("Treff") == "Treff" and neutralise(5) == 5


def test_excel_de_csv_is_german_and_reads_with_pandas(client):
    resp = client.get(KREIS.format(data="gemeinden", fmt="csv") + "&dialect=excel-de")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="nachbarschaftskarte_gemeinden_kreis-03159.csv"' in (
        resp.headers["Content-Disposition"])  # fmt: skip
    raw = resp.data
    assert raw.startswith(b"\xef\xbb\xbf#")  # BOM: Excel reads UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert all(line.startswith("#") for line in lines[:METADATA_LINES])
    assert "dl-de/by-2-0" in lines[2] and "Zensus 2022" in lines[1]
    table = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", skiprows=METADATA_LINES,
                        encoding="utf-8-sig", dtype={"Schlüssel": str})  # fmt: skip
    assert len(table) == 40 and table["Schlüssel"].str.startswith("03159").all()
    assert "Einwohner außerhalb" in table.columns and "Anteil außerhalb" in table.columns
    goe = table.set_index("Schlüssel").loc["03159016"]
    assert goe["Einwohner"] == 124_548 and 0 < goe["Anteil außerhalb"] < 1
    assert "," in lines[METADATA_LINES + 1]  # decimal commas in the data


def test_rfc4180_csv_for_machines(client):
    raw = client.get(KREIS.format(data="facilities", fmt="csv")).data
    assert not raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(raw), skiprows=METADATA_LINES, dtype=str,
                        keep_default_na=False)  # fmt: skip
    assert {"name", "type", "lat", "lon", "licence"} <= set(table.columns)
    assert table["ags"].str.startswith("03159").all() and len(table) > 50


def test_geojson_export_opens_with_geopandas_and_carries_metadata(client):
    resp = client.get("/api/export?data=quartiere&ags=03159016&format=geojson&category=beratung")
    doc = json.loads(resp.data)
    meta = doc["metadata"]
    assert meta["parameters"]["category"] == "beratung" and meta["tier"] == "geprueft"
    assert any("OpenStreetMap" in s["source"] for s in meta["sources"])
    frame = gpd.read_file(io.BytesIO(resp.data))
    assert len(frame) == 17 and frame.crs.to_epsg() == 4326
    assert pd.api.types.is_integer_dtype(frame["residents"])  # whole residents


def test_geopackage_export_keeps_utm_and_has_gpkg_metadata(client, tmp_path):
    resp = client.get(KREIS.format(data="gemeinden", fmt="gpkg"))
    assert resp.mimetype == "application/geopackage+sqlite3"
    path = tmp_path / "export.gpkg"
    path.write_bytes(resp.data)
    frame = gpd.read_file(path)
    assert frame.crs.to_epsg() == 25832 and len(frame) == 40
    with sqlite3.connect(path) as con:
        metadata = " ".join(m for (m,) in con.execute("SELECT metadata FROM gpkg_metadata"))
        references = con.execute("SELECT count(*) FROM gpkg_metadata_reference").fetchone()[0]
    assert "dl-de/by-2-0" in metadata and "attribution" in metadata and references >= 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("data=../../etc/passwd", "data"), ("data=facilities&format=exe", "format"),
     ("data=facilities&ags=03159016&kreis=03159", "ags"), ("data=facilities&kreis=99999", "kreis"),
     ("data=facilities&ags=0315901%00", "ags"), ("data=facilities&dialect=excel", "dialect")],
)  # fmt: skip
def test_export_parameters_are_checked(client, query, parameter):
    resp = client.get(f"/api/export?{query}")
    assert resp.status_code == 400 and resp.json["parameter"] == parameter
