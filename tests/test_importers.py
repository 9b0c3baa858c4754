"""Importers on files shaped like real ones, and on hostile ones.

Every fixture file is written here under tmp_path or built in memory; the place names are
real Göttingen streets, the facilities are invented test rows (not part of any dataset).
"""

from __future__ import annotations

import json

import pytest

from geo.facilities import empty_facilities
from geo.importers import (
    ImportFormatError,
    guess_format,
    import_facilities,
    parse_csv,
    parse_geojson,
    parse_osm,
)
from tests.facility_fixtures import gemeinden_square

MUNICIPAL_CSV = """Name;Art;Träger;Straße;Hausnummer;PLZ;Ort;Breitengrad;Längengrad;Öffnungszeiten;Barrierefrei;Sprachen;Stand
Stadtteiltreff Grone;Stadtteiltreff;Stadt Göttingen;Deisterstraße;10;37081;Göttingen;51,5301;9,8990;Mo-Fr 10:00-16:00;ja;de, tr;01.03.2026
Schuldnerberatung Süd;Schuldnerberatung;Diakonie;Groner Landstraße;5;37073;Göttingen;51,5310;9,9260;Di,Do 09:00-12:00;eingeschränkt;;15.10.2025
"""


def run(data: bytes, fmt: str, **kwargs):
    return import_facilities(
        data, fmt, empty_facilities(), gemeinden_square(), origin="test", **kwargs
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_municipal_csv_in_every_common_encoding(encoding):
    outcome = run(MUNICIPAL_CSV.encode(encoding), "csv")
    assert outcome.problems == []
    data = outcome.dataset.set_index("name")
    treff = data.loc["Stadtteiltreff Grone"]
    assert treff["type"] == "nachbarschaftstreff" and treff["category"] == "treffpunkt"
    assert treff["street"] == "Deisterstraße" and treff["postcode"] == "37081"
    assert (treff["lat"], treff["lon"]) == ("51.5301", "9.899")
    assert treff["wheelchair"] == "yes" and treff["languages"] == "de;tr"
    assert treff["last_verified"] == "2026-03-01"
    assert data.loc["Schuldnerberatung Süd", "category"] == "beratung"
    assert data.loc["Schuldnerberatung Süd", "wheelchair"] == "limited"
    # German weekday abbreviations are translated to OSM syntax
    assert data.loc["Schuldnerberatung Süd", "opening_hours"] == "Tu,Th 09:00-12:00"


def test_schema_csv_with_commas():
    text = (
        "name,type,lat,lon,website,source\n"
        "Familienzentrum Weststadt,familienzentrum,51.54756,9.9135,https://example.org,x:1\n"
    )
    outcome = run(text.encode(), "csv")
    assert outcome.problems == [] and outcome.dataset.iloc[0]["source"] == "x:1"


def test_csv_reports_rows_by_line_number():
    text = "Name;Art;Breitengrad;Längengrad\nGut;Jugendtreff;51,53;9,93\nSchlecht;Jugendtreff;abc;9,93\n"
    outcome = run(text.encode(), "csv")
    assert outcome.dataset is None
    assert [str(p) for p in outcome.problems] == ["row 3: lat: 'abc' is not a number"]


def test_skip_invalid_imports_the_good_rows():
    text = "Name;Art;Breitengrad;Längengrad\nGut;Jugendtreff;51,53;9,93\nSchlecht;Jugendtreff;abc;9,93\n"
    outcome = run(text.encode(), "csv", skip_invalid=True)
    assert list(outcome.dataset["name"]) == ["Gut"]
    assert outcome.report.added == 1 and len(outcome.problems) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        ("Name;Breitengrad;Längengrad\n".encode("utf-16"), "binary"),
        (b"\x00\x01\x02\x03PK", "binary"),
        (b"Titel;Wert\nA;1\n", "no column for lat, lon"),
        (b"Wert;Breite;Laenge\n1;51;9\n", "no column for name"),
    ],
)
def test_unreadable_csv_files_say_why(data, message):
    with pytest.raises(ImportFormatError, match=message):
        parse_csv(data)


def test_a_10_mb_field_is_refused_as_unreadable_before_it_is_kept():
    text = "Name;Art;Breitengrad;Längengrad\n" + "A" * 10_000_000 + ";Jugendtreff;51,53;9,93\n"
    with pytest.raises(ImportFormatError, match=r"line 2: a field longer than 131,072 characters"):
        run(text.encode(), "csv")


def test_an_overlong_field_within_the_reader_bound_is_a_row_problem():
    text = "Name;Art;Breitengrad;Längengrad\n" + "A" * 20_000 + ";Jugendtreff;51,53;9,93\n"
    outcome = run(text.encode(), "csv")
    assert outcome.dataset is None
    assert [str(p) for p in outcome.problems] == [
        "row 2: name: 20000 characters, at most 200 allowed"
    ]


def test_hostile_names_survive_as_text():
    text = 'Name;Art;Breitengrad;Längengrad\n"<script>alert(1)</script>";Jugendtreff;51,53;9,93\n'
    outcome = run(text.encode(), "csv")
    assert outcome.dataset.iloc[0]["name"] == "<script>alert(1)</script>"


OVERPASS = {
    "version": 0.6,
    "elements": [
        {
            "type": "node",
            "id": 101,
            "lat": 51.5301,
            "lon": 9.899,
            "tags": {
                "amenity": "community_centre",
                "community_centre": "youth_centre",
                "name": "Jugendtreff Grone",
                "opening_hours": "Mo-Fr 14:00-20:00",
                "wheelchair": "yes",
                "website": "https://example.org/jt",
                "addr:street": "Deisterstraße",
                "addr:housenumber": "12",
                "addr:postcode": "37081",
                "addr:city": "Göttingen",
                "language:de": "yes",
                "language:ar": "yes",
            },
        },
        {
            "type": "way",
            "id": 202,
            "center": {"lat": 51.5351, "lon": 9.9361},
            "tags": {
                "amenity": "social_facility",
                "social_facility": "outreach",
                "social_facility:for": "migrant",
                "name": "Beratung für Zugewanderte",
            },
        },
        {
            "type": "relation",
            "id": 303,
            "center": {"lat": 51.5401, "lon": 9.9401},
            "tags": {"amenity": "community_centre", "name": "Mehrgenerationenhaus Mitte"},
        },
        {
            "type": "node",
            "id": 404,
            "lat": 51.54,
            "lon": 9.93,
            "tags": {
                "amenity": "social_facility",
                "social_facility": "nursing_home",
                "name": "Pflegeheim",
            },
        },
    ],
}


def test_overpass_json_maps_tags_and_keeps_osm_ids():
    outcome = run(json.dumps(OVERPASS).encode(), "osm", skip_invalid=True)
    data = outcome.dataset.set_index("source")
    assert set(data.index) == {"osm:node/101", "osm:way/202", "osm:relation/303"}
    youth = data.loc["osm:node/101"]
    assert youth["type"] == "jugendzentrum" and youth["housenumber"] == "12"
    assert youth["languages"] == "de;ar" and youth["licence"] == "ODbL-1.0"
    assert data.loc["osm:way/202", "type"] == "migrationsberatung"
    assert data.loc["osm:relation/303", "type"] == "mehrgenerationenhaus"
    [problem] = outcome.problems
    assert problem.row == "node/404" and "social_facility=nursing_home" in problem.reason


def test_reimporting_osm_updates_instead_of_duplicating():
    first = run(json.dumps(OVERPASS).encode(), "osm", skip_invalid=True)
    changed = json.loads(json.dumps(OVERPASS))
    changed["elements"][0]["tags"]["name"] = "Jugendtreff Grone (neu)"
    second = import_facilities(
        json.dumps(changed).encode(),
        "osm",
        first.dataset,
        gemeinden_square(),
        origin="test",
        skip_invalid=True,
    )
    assert len(second.dataset) == 3
    assert (second.report.added, second.report.updated) == (0, 1)
    assert "Jugendtreff Grone (neu)" in set(second.dataset["name"])


def test_geojson_points_with_schema_properties():
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [9.9135, 51.54756]},
                "properties": {"name": "Familienzentrum", "type": "familienzentrum", "lat": 0},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[9, 51], [9.1, 51]]},
                "properties": {"name": "Linie", "type": "familienzentrum"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"name": "Ohne", "type": "familienzentrum"},
            },
        ],
    }
    outcome = run(json.dumps(doc).encode(), "geojson", skip_invalid=True)
    assert list(outcome.dataset["name"]) == ["Familienzentrum"]
    rows = [p.row for p in outcome.problems]
    assert rows == ["feature 2", "feature 3"]
    assert [p.field for p in outcome.problems] == ["geometry", "geometry"]
    assert "LineString" in outcome.problems[0].reason


@pytest.mark.parametrize(
    ("reader", "data", "message"),
    [
        (parse_geojson, b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (parse_geojson, b"{not json", "not valid JSON: line 1"),
        (parse_osm, b'{"elements": 3}', "not Overpass JSON"),
        (parse_osm, b"[]", "not Overpass JSON"),
    ],
)
def test_malformed_json_inputs(reader, data, message):
    with pytest.raises(ImportFormatError, match=message):
        reader(data)


def test_format_guessing():
    assert guess_format("liste.CSV") == "csv"
    assert guess_format("export.geojson") == "geojson"
    assert guess_format("overpass.json") == "osm"
    with pytest.raises(ImportFormatError, match="--format"):
        guess_format("liste.xlsx")
