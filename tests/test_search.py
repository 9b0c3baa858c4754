"""Statewide place search: 40+ real queries from several regions land on the right place, the
fast key folding equals the slow one, the index agrees with a brute-force scan, and hostile input
is harmless."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.places import _FAST_TABLES, _slow_fold, fold, is_ambiguous, search_places

# query → (name, kind, ags) of the first result. Real names: Göttingen, Hannover, Braunschweig,
# Oldenburg, Osnabrück, Wolfsburg, Salzgitter, Lüneburg, Hildesheim, Hameln, Cuxhaven and
# villages of its Landkreis, Emsland, Ostfriesland; ASCII forms, misspellings, compounds,
# streets with and without their Gemeinde, abbreviations and postcodes.
TABLE = [
    ("Göttingen-Grone", "Grone", "quartier", "03159016"),
    ("Grone, Göttingen", "Grone", "quartier", "03159016"),
    ("Goettingen", "Göttingen", "gemeinde", "03159016"),
    ("Göttngen", "Göttingen", "gemeinde", "03159016"),
    ("Göttingen Südstadt", "Südstadt", "quartier", "03159016"),
    ("Groner Landstraße", "Groner Landstraße", "strasse", "03159016"),
    ("groner landstr", "Groner Landstraße", "strasse", "03159016"),
    ("Weender Str. Göttingen", "Weender Straße", "strasse", "03159016"),
    ("Kurze-Geismar-Straße", "Kurze-Geismar-Straße", "strasse", "03159016"),
    ("37081", "37081", "plz", "03159016"),
    ("Hann Muenden", "Hann. Münden", "gemeinde", "03159017"),
    ("Osterode", "Osterode am Harz", "gemeinde", "03159026"),
    ("Hannover Linden", "Linden-Mitte", "quartier", "03241001"),
    ("Linden-Nord", "Linden-Nord", "quartier", "03241001"),
    ("Hannofer", "Hannover", "gemeinde", "03241001"),
    ("Limmerstraße, Hannover", "Limmerstraße", "strasse", "03241001"),
    ("Limerstraße", "Limmerstraße", "strasse", "03241001"),
    ("Lister Meile", "Lister Meile", "strasse", "03241001"),
    ("Hannover List", "List", "ort", "03241001"),
    ("30159", "30159", "plz", "03241001"),
    ("Wunstorf", "Wunstorf", "gemeinde", "03241021"),
    ("Braunschwieg", "Braunschweig", "gemeinde", "03101000"),
    ("Weststadt Braunschweig", "Weststadt", "quartier", "03101000"),
    ("Wendenstraße Braunschweig", "Wendenstraße", "strasse", "03101000"),
    ("Oldenbrug", "Oldenburg", "ort", "03403000"),
    ("Oldenburg-Eversten", "Eversten", "quartier", "03403000"),
    ("26121", "26121", "plz", "03403000"),
    ("Osnabrueck", "Osnabrück", "gemeinde", "03404000"),
    ("49074", "49074", "plz", "03404000"),
    ("Wolfsburg Fallersleben", "Fallersleben", "ort", "03103000"),
    ("Salzgitter Lebenstedt", "Lebenstedt", "ort", "03102000"),
    ("Lueneburg", "Lüneburg", "gemeinde", "03355022"),
    ("Kaltenmoor", "Kaltenmoor", "ort", "03355022"),
    ("Hildeshiem", "Hildesheim", "gemeinde", "03254021"),
    ("Hildesheim Moritzberg", "Moritzberg", "ort", "03254021"),
    ("Hameln Klein Berkel", "Klein Berkel", "quartier", "03252006"),
    ("Cuxhafen", "Cuxhaven", "gemeinde", "03352011"),
    ("Cuxhaven-Duhnen", "Duhnen", "ort", "03352011"),
    ("Armstorf", "Armstorf", "gemeinde", "03352002"),
    ("Bülkau", "Bülkau", "gemeinde", "03352008"),
    ("Hauptstrasse Northeim", "Hauptstraße", "strasse", "03155011"),
    ("bahnhofstrasse Stade", "Bahnhofstraße", "strasse", "03359038"),
    ("Lingen Ems", "Lingen (Ems)", "gemeinde", "03454032"),
    ("Leer Ostfriesland", "Leer (Ostfriesland)", "gemeinde", "03457013"),
    ("Wilhelmshaven Heppens", "Heppens", "ort", "03405000"),
]


@pytest.fixture(scope="module")
def index(app):
    return app.extensions["nk_places"]


def test_the_table_has_forty_real_queries_from_many_kreise():
    assert len(TABLE) >= 40
    assert len({ags[:5] for *_, ags in TABLE}) >= 15


@pytest.mark.parametrize(("query", "name", "kind", "ags"), TABLE, ids=[q for q, *_ in TABLE])
def test_query_lands_on_the_right_place(index, query, name, kind, ags):
    first = search_places(index, query, 5)[0]
    assert (first["name"], first["kind"], first["ags"]) == (name, kind, ags)


@pytest.mark.parametrize("query", ["Hauptstraße", "Bahnhofstraße", "Stöckheim", "Nordstadt"])
def test_names_in_several_gemeinden_ask_which_one(index, query):
    results = search_places(index, query, 10)
    assert is_ambiguous(results)
    same = {r["ags"] for r in results if fold(r["name"])[0] == fold(query)[0]}
    assert len(same) >= 2 and all(r["detail"] for r in results)


@pytest.mark.parametrize("query", ["Göttingen", "Groner Landstraße", "Hauptstraße Northeim"])
def test_unique_answers_are_not_ambiguous(index, query):
    assert not is_ambiguous(search_places(index, query, 10))


def test_a_street_carries_its_extent_and_a_postcode_its_place(index):
    street = search_places(index, "Groner Landstraße", 1)[0]
    west, south, east, north = street["bbox"]
    assert west < street["lon"] < east and south < street["lat"] < north
    assert 0.01 < east - west < 0.1  # about 2.5 km long
    postcode = search_places(index, "37081", 1)[0]
    assert postcode["place"] == "Göttingen" and "bbox" not in postcode
    assert [r["name"] for r in search_places(index, "3708", 10)] == ["37081", "37083", "37085"]
    assert search_places(index, "99999") == []


def brute_force(index, query: str) -> set[int]:
    """Rows whose key equals or starts with a key of ``query``, by scanning every row."""
    ae, plain = fold(query)
    keys_ae = index.frame["key_ae"].to_numpy(dtype=object)
    keys_plain = index.frame["key_plain"].to_numpy(dtype=object)
    return {
        i for i in range(len(keys_ae))
        if keys_ae[i].startswith(ae) or keys_plain[i].startswith(plain)
    }  # fmt: skip


@pytest.mark.parametrize("query", ["Grone", "Weende", "Lindenstr", "Bad Z", "Hann", "Ölsburg"])
def test_exact_and_prefix_matches_equal_a_brute_force_scan(index, query):
    from geo.places import _matches

    found = {row for row, match in _matches(index, query).items() if match <= 1}
    assert found == brute_force(index, query)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fast_folding_equals_the_slow_path(text):
    for which, umlauts in enumerate(
        (
            str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}),
            str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}),
        )
    ):
        assert fold(text)[which] == _slow_fold(text, umlauts)
    assert all(len(table) == 0x250 for table in _FAST_TABLES)


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE x;--",
        "%" * 100,
        "ß" * 100,
        "\u0000",
        "a" * 100,
        "-" * 100,
        "a-b-c-d-e-f-g-h-i-j-k",
        "Ａｂｃ",
        "𝔊ö",
    ],
)
def test_hostile_queries_answer_quickly_and_safely(index, query):
    import time

    started = time.perf_counter()
    results = search_places(index, query, 10)
    assert time.perf_counter() - started < 1.0
    assert isinstance(results, list) and len(results) <= 10


def test_search_api_says_ambiguous_and_stays_bounded(client):
    body = client.get("/api/search?q=Hauptstra%C3%9Fe&limit=10").json
    assert body["ambiguous"] is True and len(body["results"]) == 10
    body = client.get("/api/search?q=Grone%2C%20G%C3%B6ttingen").json
    assert body["ambiguous"] is False and body["results"][0]["name"] == "Grone"
    assert client.get("/api/search?q=" + "a" * 101).status_code == 400
    assert np.isfinite(client.get("/api/search?q=37081").json["results"][0]["lat"])
