"""The finder API: nearest facilities and place search, through the test client."""

from __future__ import annotations

import math

import pytest

CENTRE = "lat=51.5339&lon=9.9355"


def haversine_m(lat1, lon1, lat2, lon2):
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def test_nearest_sorted_with_distance_and_walk_time(client):
    body = client.get(f"/api/nearest?{CENTRE}").json
    assert body["query"]["ags"] == "03159016" and body["query"]["has_data"] is True
    assert body["notice"] is None
    results = body["results"]
    assert len(results) == 10
    distances = [r["distance_m"] for r in results]
    assert distances == sorted(distances)
    for r in results:
        # UTM distance agrees with the great-circle distance within 0.5 %
        assert r["distance_m"] == pytest.approx(
            haversine_m(51.5339, 9.9355, r["lat"], r["lon"]), rel=0.005, abs=2
        )
        assert r["walk_min"] == round(r["distance_m"] * 1.3 / 75)
        assert r["open_now"] in (True, False, None)


def test_nearest_matches_brute_force_over_all_facilities(client, app):
    fac = app.extensions["nk_datasets"].facilities
    every = client.get(f"/api/nearest?{CENTRE}&limit=50").json["results"]
    want = sorted(
        haversine_m(51.5339, 9.9355, float(a), float(o))
        for a, o in zip(fac["lat"], fac["lon"], strict=True)
    )[:50]
    assert [r["distance_m"] for r in every] == pytest.approx(want, rel=0.005, abs=2)


def test_filters(client):
    typed = client.get(f"/api/nearest?{CENTRE}&type=jugendzentrum").json["results"]
    assert typed and {r["type"] for r in typed} == {"jugendzentrum"}
    beratung = client.get(f"/api/nearest?{CENTRE}&category=beratung&limit=5").json["results"]
    assert {r["category"] for r in beratung} == {"beratung"}
    # nothing in the curated data has wheelchair, language or hours yet: filters exclude all
    assert client.get(f"/api/nearest?{CENTRE}&wheelchair=yes").json["results"] == []
    assert client.get(f"/api/nearest?{CENTRE}&lang=tr").json["results"] == []
    assert client.get(f"/api/nearest?{CENTRE}&open_now=true").json["results"] == []


def test_checked_results_carry_their_tier_and_vintage(client):
    body = client.get(f"/api/nearest?{CENTRE}&limit=3").json
    assert body["query"]["tiers"] == {"treffpunkt": "geprueft", "beratung": "geprueft"}
    for r in body["results"]:
        assert r["tier"] == "geprueft" and r["vintage"] == "2026-08"
        assert r["source_label_de"].startswith("OpenStreetMap")


def test_meeting_places_outside_the_pilot_are_unchecked_osm(client):
    body = client.get("/api/nearest?lat=52.3759&lon=9.7320&category=treffpunkt").json  # Hannover
    assert body["query"]["gemeinde"] == "Hannover" and body["query"]["has_data"] is True
    assert body["notice"] == "ungeprueft" and body["far"] is False
    first = body["results"][0]
    assert first["distance_m"] < 2_000
    assert first["tier"] == "osm_ungeprueft" and first["vintage"] == "2021-08"
    assert (first["source_label_de"], first["source_label_en"]) == ("OpenStreetMap",) * 2


def test_counselling_outside_the_pilot_says_keine_daten(client):
    body = client.get("/api/nearest?lat=52.3759&lon=9.7320&category=beratung").json
    assert body["query"]["tiers"]["beratung"] == "keine_daten"
    assert body["notice"] == "keine_daten" and body["query"]["has_data"] is False
    assert {r["tier"] for r in body["results"]} <= {"keine_daten", "geprueft"}


def test_far_results_are_flagged(client):
    body = client.get("/api/nearest?lat=53.5876&lon=6.6690&category=beratung").json  # Borkum
    assert body["results"][0]["distance_m"] > 25_000
    assert body["far"] is True


def test_notice_order():
    from geo.finder import _notice

    both = {"treffpunkt": "osm_ungeprueft", "beratung": "keine_daten"}
    assert _notice(both, ("beratung",), far=False) == "keine_daten"
    assert _notice(both, ("treffpunkt",), far=True) == "weit_entfernt"
    assert _notice(both, ("treffpunkt",), far=False) == "ungeprueft"
    assert _notice(both, ("treffpunkt", "beratung"), far=False) == "ungeprueft"
    checked = {"treffpunkt": "geprueft", "beratung": "geprueft"}
    assert _notice(checked, ("treffpunkt", "beratung"), far=False) is None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("lat=48.137&lon=11.575", "lat/lon"),  # München
        ("lat=53.55&lon=10.0", "lat/lon"),  # Hamburg
        ("lat=95&lon=9", "lat"),
        ("lat=51&lon=200", "lon"),
        ("lat=abc&lon=9", "lat"),
        ("lon=9.9", "lat"),
        ("lat=nan&lon=9.9", "lat"),
        (f"{CENTRE}&limit=0", "limit"),
        (f"{CENTRE}&limit=x", "limit"),
        (f"{CENTRE}&limit=51", "limit"),
        (f"{CENTRE}&category=kino", "category"),
        (f"{CENTRE}&type=disco", "type"),
        (f"{CENTRE}&wheelchair=maybe", "wheelchair"),
        (f"{CENTRE}&lang=deutsch", "lang"),
        (f"{CENTRE}&open_now=maybe", "open_now"),
    ],
)
def test_bad_parameters_get_400_with_a_message(client, query, parameter):
    resp = client.get(f"/api/nearest?{query}")
    assert resp.status_code == 400
    assert resp.json["parameter"] == parameter and resp.json["message"]


def test_outside_answer_is_clear(client):
    message = client.get("/api/nearest?lat=48.137&lon=11.575").json["message"]
    assert "outside Niedersachsen" in message


def test_search_api(client):
    body = client.get("/api/search?q=Goettingen").json
    assert body["results"][0]["name"] == "Göttingen"
    first = body["results"][0]
    assert 51.4 < first["lat"] < 51.7 and 9.8 < first["lon"] < 10.1
    coords = client.get("/api/search?q=51.54,%209.93").json["results"]
    assert coords == [
        {
            "name": "51.54000, 9.93000",
            "kind": "koordinaten",
            "detail": "",
            "lat": 51.54,
            "lon": 9.93,
            "ags": None,
        }
    ]
    assert client.get("/api/search?q=").json["results"] == []
    assert client.get("/api/search?q=" + "x" * 101).status_code == 400
    assert client.get("/api/search?q=a&limit=0").status_code == 400


def test_finder_page_in_both_languages(client):
    de = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in de and "Mein Standort" in de
    en = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in en and "My location" in en and "Mein Standort" not in en
    assert client.get("/?lang=xx").get_data(as_text=True).count('lang="de"') >= 1


def test_pages_set_no_cookies(client):
    for url in ["/", "/?lang=en", "/planung", "/karte", "/api/nearest?" + CENTRE]:
        assert "Set-Cookie" not in client.get(url).headers


def test_a_point_in_a_gemeindefreies_gebiet_is_in_niedersachsen(client):
    # Harz forest (gemeindefreies Gebiet, Landkreis Goslar)
    resp = client.get("/api/nearest?lat=51.78&lon=10.45")
    assert resp.status_code == 200
    assert resp.json["notice"] == "keine_daten"


def test_orte_for_orientation_without_tiles(client):
    fc = client.get("/api/orte").json
    names = {f["properties"]["name"] for f in fc["features"]}
    assert len(fc["features"]) == 113 and {"Weende", "Geismar"} <= names


def test_finder_page_security_headers(client):
    resp = client.get("/")
    csp = resp.headers["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "http" not in script_src  # no other host may serve scripts
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    html = resp.get_data(as_text=True)
    assert "<script>" not in html  # every executable script is a file of this app


def test_filters_find_rows_that_have_the_attributes(tmp_path):
    from app import create_app
    from tests.conftest import copy_datasets

    data_dir = copy_datasets(tmp_path / "datasets")
    rows = tmp_path / "liste.csv"
    rows.write_text(
        "Name;Art;Breitengrad;Längengrad;Öffnungszeiten;Barrierefrei;Sprachen\n"
        "Immer offen;Stadtteiltreff;51,5400;9,9400;24/7;ja;de,tr\n"
        "Nie offen;Stadtteiltreff;51,5401;9,9401;off;teilweise;ar\n",
        encoding="utf-8",
    )
    app = create_app({"DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"})
    assert app.test_cli_runner().invoke(args=["facilities", "import", str(rows)]).exit_code == 0
    client = create_app({"DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"}).test_client()
    base = "/api/nearest?lat=51.54&lon=9.94"

    def names(query):
        return [r["name"] for r in client.get(base + query).json["results"]]

    assert names("&open_now=true") == ["Immer offen"]
    assert names("&wheelchair=yes") == ["Immer offen"]
    assert names("&wheelchair=limited") == ["Immer offen", "Nie offen"]
    assert names("&lang=tr") == ["Immer offen"]
    assert names("&lang=ar") == ["Nie offen"]
    first = client.get(base + "&limit=2").json["results"]
    assert [r["open_now"] for r in first] == [True, False]
