"""Property-based fuzzing of the importer: random and mutated CSV, GeoJSON and Overpass JSON.

Whatever the bytes, `import_facilities` returns an outcome or raises `ImportFormatError`;
nothing else escapes (no traceback reaches a user). Seeded and bounded, so CI reproduces.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from geo.facilities import empty_facilities
from geo.importers import FORMATS, ImportFormatError, ImportOutcome, import_facilities
from tests.facility_fixtures import gemeinden_square

GEMEINDEN = gemeinden_square()
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED = 20261205

VALID_CSV = (
    "Name;Art;Träger;Breitengrad;Längengrad;Öffnungszeiten;Barrierefrei;Webseite;E-Mail\n"
    "Treff Grone;Stadtteiltreff;Stadt;51,5301;9,8990;Mo-Fr 10:00-16:00;ja;www.x.de;a@b.de\n"
    "Schuldnerberatung;Schuldnerberatung;Diakonie;51,5310;9,9260;Di,Do 09:00-12:00 Uhr;nein;;\n"
)
VALID_GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.93, 51.53]},
     "properties": {"name": "Treff", "type": "jugendzentrum", "Webseite": "https://x.de"}},
]})  # fmt: skip
VALID_OVERPASS = json.dumps({"elements": [
    {"type": "node", "id": 1, "lat": 51.53, "lon": 9.93,
     "tags": {"amenity": "community_centre", "name": "DGH", "website": "x.de"}},
    {"type": "way", "id": 2, "center": {"lat": 51.531, "lon": 9.931},
     "tags": {"amenity": "social_facility", "social_facility": "outreach", "name": "Hilfe"}},
]})  # fmt: skip


def import_any(data: bytes, fmt: str) -> None:
    try:
        outcome = import_facilities(data, fmt, empty_facilities(), GEMEINDEN, origin="fuzz")
    except ImportFormatError:
        return
    assert isinstance(outcome, ImportOutcome)
    assert (outcome.dataset is None) or outcome.rows_valid > 0
    for problem in outcome.problems:  # every problem names its row and field
        assert problem.row and problem.field and problem.reason


ALPHABET = st.sampled_from(list(';,"\n\r\t\\{}[]:.-+0123456789 aäßé€\x00\ufeff٥'))


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    """``text`` with a few random edits: inserts, deletions, duplications, truncation."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["insert", "delete", "repeat", "cut"]))
        at = draw(st.integers(0, len(chars)))
        if kind == "insert":
            chars[at:at] = list(draw(st.text(ALPHABET, min_size=1, max_size=20)))
        elif kind == "delete":
            del chars[at : at + draw(st.integers(1, 20))]
        elif kind == "repeat":
            chars[at:at] = chars[at : at + draw(st.integers(1, 30))] * draw(st.integers(1, 50))
        else:
            chars = chars[:at]
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]))
    return "".join(chars).encode(encoding, errors="replace")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=30,
)  # fmt: skip
KEYS = st.sampled_from(["type", "features", "geometry", "properties", "coordinates", "elements",
                        "tags", "center", "lat", "lon", "id", "name", "Name", "amenity"])  # fmt: skip
SHAPED = st.recursive(
    JSON_VALUES,
    lambda inner: st.dictionaries(KEYS, inner, max_size=6) | st.lists(inner, max_size=4),
    max_leaves=40,
)


@seed(SEED)
@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(FORMATS))
def test_random_bytes(data, fmt):
    import_any(data, fmt)


@seed(SEED)
@FUZZ
@given(mutated(VALID_CSV))
def test_mutated_csv(data):
    import_any(data, "csv")


@seed(SEED)
@FUZZ
@given(mutated(VALID_GEOJSON))
def test_mutated_geojson(data):
    import_any(data, "geojson")


@seed(SEED)
@FUZZ
@given(mutated(VALID_OVERPASS))
def test_mutated_overpass(data):
    import_any(data, "osm")


@seed(SEED)
@FUZZ
@given(st.lists(SHAPED, max_size=4), st.sampled_from([None, {}, [], "x", 5]))
def test_random_structures_in_geojson_places(features, geometry):
    doc = {"type": "FeatureCollection",
           "features": [*features, {"type": "Feature", "geometry": geometry,
                                    "properties": features[0] if features else None}]}  # fmt: skip
    import_any(json.dumps(doc).encode(), "geojson")


@seed(SEED)
@FUZZ
@given(st.lists(SHAPED, max_size=4), SHAPED)
def test_random_structures_in_overpass_places(elements, tags):
    doc = {"elements": [*elements, {"type": "node", "id": 3, "lat": 51.53, "lon": 9.93,
                                    "tags": tags}, {"type": "way", "id": 4, "center": tags}]}  # fmt: skip
    import_any(json.dumps(doc).encode(), "osm")


@seed(SEED)
@FUZZ
@given(st.lists(st.lists(st.text(ALPHABET, max_size=12), max_size=12), max_size=12),
       st.sampled_from([";", ",", "\t"]))  # fmt: skip
def test_random_csv_tables_under_a_real_header(rows, delimiter):
    header = delimiter.join(["Name", "Art", "lat", "lon", "Webseite", "Öffnungszeiten"])
    body = "\n".join(delimiter.join(r) for r in rows)
    import_any(f"{header}\n{body}\n".encode(), "csv")
