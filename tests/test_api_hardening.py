"""The API as an attacker or a careless client uses it: one parameter grammar everywhere,
405 with Allow, the CORS policy, a strict image policy, bounded echoes."""

from __future__ import annotations

import pytest

from app import create_app

NEAREST = "/api/nearest?lat=51.5339&lon=9.9355"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/nearest?lat=51.53&lon=9.93&limit=%C2%B2", "limit"),  # superscript two
        ("/api/nearest?lat=5_1.5_3&lon=9.93", "lat"),
        ("/api/nearest?lat=%D9%A5%D9%A1&lon=9.93", "lat"),  # Arabic-Indic digits
        ("/api/nearest?lat=1e1&lon=9.93", "lat"),
        ("/api/nearest?lat=nan&lon=9.93", "lat"),
        ("/api/nearest?lat=inf&lon=9.93", "lat"),
        ("/api/nearest?lat=91&lon=9.93", "lat"),
        ("/api/search?q=Weende&limit=%D9%A3", "limit"),
        ("/api/coverage?category=treffpunkt&threshold_m=1e-300", "threshold_m"),
        ("/api/coverage?category=treffpunkt&threshold_m=0.5", "threshold_m"),
        ("/api/coverage?category=treffpunkt&threshold_m=NaN", "threshold_m"),
        ("/api/coverage/quartiere?category=treffpunkt&limit=%C2%B2", "limit"),
        ("/api/facilities?bbox=9.9,51.5,1e1,51.6", "bbox"),
        ("/api/facilities?ags=%D9%A0%D9%A3159016", "ags"),
    ],
)
def test_one_number_grammar_for_every_endpoint(client, url, parameter):
    resp = client.get(url)
    assert resp.status_code == 400, resp.json
    assert resp.json["parameter"] == parameter


@pytest.mark.parametrize(
    "url",
    [
        NEAREST + "&lat=52.0",
        NEAREST + "&limit=3&limit=4",
        "/api/search?q=a&q=b",
        "/api/coverage?category=treffpunkt&category=beratung",
        "/api/coverage?category=treffpunkt&threshold_m=500&threshold_m=800",
        "/api/coverage?category=treffpunkt&format=json&format=csv",
        "/api/gemeinden?geometry=full&geometry=display",
        "/api/facilities?bbox=9,51,10,52&bbox=9,51,10,52",
    ],
)
def test_a_repeated_single_parameter_is_refused_everywhere(client, url):
    resp = client.get(url)
    assert resp.status_code == 400
    assert "give it once" in resp.json["message"]


def test_list_parameters_may_repeat_or_use_commas(client):
    one = client.get("/api/facilities?type=jugendzentrum,familienzentrum").json
    two = client.get("/api/facilities?type=jugendzentrum&type=familienzentrum").json
    assert one["features"] and [f["id"] for f in one["features"]] == [
        f["id"] for f in two["features"]]  # fmt: skip


def test_arabic_indic_digits_are_no_ags(client):
    resp = client.get("/api/coverage/%D9%A0%D9%A3159016/quartiere?category=treffpunkt")
    assert resp.status_code == 400 and resp.json["parameter"] == "ags"


def test_huge_values_are_refused_without_being_echoed(client):
    huge = "9" * 200_000
    for url in (f"/api/nearest?lat={huge}&lon=9.9", f"/api/coverage?category={huge}",
                f"/api/coverage/quartiere?category=treffpunkt&type=x{huge}"):  # fmt: skip
        resp = client.get(url)
        assert resp.status_code == 400
        assert len(resp.data) < 500, resp.data[:200]


def test_method_not_allowed_says_which_methods_are(client):
    for url in ("/api/facilities", "/api/coverage", "/planung"):
        resp = client.post(url)
        assert resp.status_code == 405
        assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


def test_cors_lets_any_site_read_the_open_data_and_nothing_else(client):
    resp = client.get(NEAREST, headers={"Origin": "https://andere-seite.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    pre = client.options(NEAREST, headers={
        "Origin": "https://andere-seite.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "X-Requested-With, Accept-Language"})  # fmt: skip
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Headers"] == "X-Requested-With, Accept-Language"
    assert "POST" not in pre.headers["Access-Control-Allow-Methods"]
    bad = client.options(NEAREST, headers={"Access-Control-Request-Headers": "x; y=(z)"})
    assert "Access-Control-Allow-Headers" not in bad.headers
    page = client.get("/", headers={"Origin": "https://andere-seite.example"})
    assert "Access-Control-Allow-Origin" not in page.headers


def test_images_only_from_the_app_and_the_configured_tile_server(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy
    assert "https:" not in policy.split("img-src", 1)[1].split(";")[0]
    tiled = create_app({"TESTING": True, "LOG_LEVEL": "WARNING",
                        "TILE_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"})  # fmt: skip
    policy = tiled.test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy


@pytest.mark.parametrize(
    "url",
    [
        "/api/coverage?category=treffpunkt",
        "/api/coverage?category=treffpunkt&format=geojson&level=kreis",
        "/api/coverage/03159016/quartiere?category=treffpunkt",
        "/api/coverage/quartiere?category=beratung",
        "/api/gemeinden",
        "/api/orte",
    ],
)
def test_cached_answers_carry_an_etag_revalidate_and_compress(client, url):
    import gzip
    import json

    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert plain.headers["Cache-Control"] == "public, max-age=600"
    assert "Accept-Encoding" in plain.headers["Vary"]
    etag = plain.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] != etag  # a different representation, a different tag
    assert json.loads(gzip.decompress(zipped.data)) == plain.json
    assert len(zipped.data) < len(plain.data) / 3


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [("lat", "abc", "line 5: lat 'abc' is not valid"), ("lon", "", "line 5: lon '' is not valid"),
     ("category", "quatsch", "line 5: category 'quatsch'"), ("type", "disco", "line 5: type")],
)  # fmt: skip
def test_a_bad_facilities_file_at_start_names_file_line_and_column(tmp_path, column, value,
                                                                   message):  # fmt: skip
    import pandas as pd

    from geo.data import FACILITIES_NAME, DatasetError
    from tests.conftest import copy_datasets

    data_dir = copy_datasets(tmp_path / "datasets")
    path = data_dir / FACILITIES_NAME
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[3, column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetError, match=message) as err:
        create_app({"DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"})
    assert FACILITIES_NAME in str(err.value)


def test_huge_headers_are_not_echoed(client):
    resp = client.get("/api/nearest?lat=x&lon=1", headers={"X-Junk": "j" * 1_000_000})
    assert resp.status_code == 400 and len(resp.data) < 500
