"""/verwaltung in the test client: sign-in with CSRF and throttling, secure session cookie,
field errors in place, upload with a preview of every row, list checked, scope refusals."""

from __future__ import annotations

import re

import pytest

from app import create_app
from geo.store.accounts import create_account
from geo.web.store import store_engine

GOETTINGEN = "03159016"


@pytest.fixture
def site(tmp_path):
    app = create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}",
                      "SECRET_KEY": "test-secret"})  # fmt: skip
    known = set(app.extensions["nk_datasets"].gemeinden["ags"])
    with app.app_context(), store_engine().begin() as conn:
        _, token = create_account(conn, "Stadt Göttingen", "gemeinde", GOETTINGEN, known)
    client = app.test_client()
    client.token = token
    return client


def csrf(client, path="/verwaltung/anmelden") -> str:
    page = client.get(path, base_url="https://localhost").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client):
    token = csrf(client)
    resp = client.post("/verwaltung/anmelden", base_url="https://localhost",
                       data={"csrf_token": token, "token": client.token})  # fmt: skip
    assert resp.status_code == 302
    return resp


def post(client, path, data, **kwargs):
    return client.post(path, base_url="https://localhost",
                       data={"csrf_token": csrf(client, "/verwaltung/"), **data}, **kwargs)  # fmt: skip


def test_sign_in_needs_csrf_and_a_valid_key_and_sets_a_strict_cookie(site):
    assert site.get("/verwaltung/", base_url="https://localhost").status_code == 302
    no_csrf = site.post("/verwaltung/anmelden", base_url="https://localhost",
                        data={"token": site.token})  # fmt: skip
    assert no_csrf.status_code == 400
    wrong = site.post("/verwaltung/anmelden", base_url="https://localhost",
                      data={"csrf_token": csrf(site), "token": "1.WRONGWRONGWRONGWRONGWRONG"})  # fmt: skip
    assert wrong.status_code == 401 and "ungültig" in wrong.get_data(as_text=True)
    cookie = sign_in(site).headers["Set-Cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/verwaltung"):
        assert flag in cookie, cookie
    page = site.get("/verwaltung/", base_url="https://localhost").get_data(as_text=True)
    assert "Angemeldet als Stadt Göttingen" in page and 'id="entries"' in page
    # resident pages still set no cookie for a signed-in officer
    assert "Set-Cookie" not in site.get("/", base_url="https://localhost").headers


def test_ten_failed_sign_ins_are_throttled(site):
    token = csrf(site)
    codes = [site.post("/verwaltung/anmelden", base_url="https://localhost",
                       data={"csrf_token": token, "token": "9.AAAAAAAAAAAAAAAAAAAAAAAA"}).status_code
             for _ in range(11)]  # fmt: skip
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_field_errors_in_place_then_saved_and_served(site):
    sign_in(site)
    overview = site.get("/verwaltung/", base_url="https://localhost").get_data(as_text=True)
    entry = re.search(r'<tr data-id="(f[0-9a-f]{12})">\s*<td>([^<]+)</td>', overview)
    facility_id = entry.group(1)
    form = site.get(f"/verwaltung/eintrag/{facility_id}", base_url="https://localhost")
    html = form.get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    data = {k: v for k, v in fields.items() if k not in ("csrf_token",)}
    data.update(type="nachbarschaftstreff", wheelchair="", reason="Telefon ergänzt")
    bad = post(site, f"/verwaltung/eintrag/{facility_id}", {**data, "email": "kein-mail"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="e-email"' in page and 'id="e-email"' in page
    good = post(site, f"/verwaltung/eintrag/{facility_id}",
                {**data, "email": "treff@example.org", "phone": "+49 551 12345"})  # fmt: skip
    assert good.status_code == 302
    served = site.get(f"/api/facilities?ags={GOETTINGEN}").json["features"]
    props = next(f["properties"] for f in served if f["properties"]["id"] == facility_id)
    assert props["email"] == "treff@example.org" and props["phone"] == "+49 551 12345"


def test_upload_previews_every_row_then_applies_and_checks_the_list(site):
    sign_in(site)
    csv = ("Name;Art;Breitengrad;Längengrad\n"
           "Neuer Treff (Test);Nachbarschaftstreff;51,5412;9,9275\n"
           "Kaputt (Test);Kiosk;51,5400;9,9300\n"
           "In Hannover (Test);Nachbarschaftstreff;52,3737;9,7356\n").encode()  # fmt: skip
    from io import BytesIO

    preview = post(site, "/verwaltung/liste", {"file": (BytesIO(csv), "liste.csv")},
                   content_type="multipart/form-data")  # fmt: skip
    page = preview.get_data(as_text=True)
    statuses = re.findall(r'<tr data-status="(\w+)">', page)
    assert statuses == ["new", "invalid", "out_of_scope"]
    assert "type" in page and "1 Einträge übernehmen" in page
    before = site.get(f"/api/facilities?ags={GOETTINGEN}").json["features"]
    assert "Neuer Treff (Test)" not in {f["properties"]["name"] for f in before}  # not yet
    upload_id = re.search(r"/verwaltung/liste/(\d+)/anwenden", page).group(1)
    applied = post(site, f"/verwaltung/liste/{upload_id}/anwenden", {})
    assert applied.status_code == 302
    after = site.get(f"/api/facilities?ags={GOETTINGEN}").json["features"]
    assert "Neuer Treff (Test)" in {f["properties"]["name"] for f in after}
    again = post(site, f"/verwaltung/liste/{upload_id}/anwenden", {}, follow_redirects=True)
    assert "applied already" in again.get_data(as_text=True)
    checked = post(site, "/verwaltung/liste-geprueft", {"ags": GOETTINGEN, "category": "treffpunkt"},
                   follow_redirects=True)  # fmt: skip
    assert "Liste geprüft am" in checked.get_data(as_text=True)
    foreign = post(site, "/verwaltung/liste-geprueft", {"ags": "03241001", "category": "beratung"},
                   follow_redirects=True)  # fmt: skip
    assert "Nicht möglich" in foreign.get_data(as_text=True)


def test_the_admin_pages_speak_english(site):
    page = site.get("/verwaltung/anmelden?lang=en", base_url="https://localhost")
    text = page.get_data(as_text=True)
    assert "Access key" in text and "Zugangsschlüssel" not in text
    token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    resp = site.post("/verwaltung/anmelden?lang=en", base_url="https://localhost",
                     data={"csrf_token": token, "token": site.token}, follow_redirects=True)  # fmt: skip
    body = resp.get_data(as_text=True)
    assert "Signed in as Stadt Göttingen" in body and "Your entries" in body
    assert "Angemeldet" not in body


@pytest.mark.parametrize(
    ("name", "data"),
    [("liste.csv", b"\xff\xfe\x00garbage"), ("liste.geojson", b"{" * 5000),
     ("liste.txt", b"a;b"), ("liste.csv", b"Name;Art\n" + b"a;" * 300 + b"\n"),
     ("liste.json", b'{"elements": [1, 2, {"tags": 5}]}'), ("liste", b""),
     ("liste.csv", b"Name;Art;Breitengrad;L\xc3\xa4ngengrad\n")],
)  # fmt: skip
def test_hostile_uploads_get_an_answer_not_a_traceback(site, name, data):
    from io import BytesIO

    sign_in(site)
    resp = post(site, "/verwaltung/liste", {"file": (BytesIO(data), name)},
                content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Traceback" not in page
    assert "Nicht möglich" in page or 'data-status="invalid"' in page


def test_garbled_forms_are_refused_cleanly(site):
    sign_in(site)
    for path, data in [("/verwaltung/eintrag/f0000000000aa/stilllegen", {"version": "abc"}),
                       ("/verwaltung/liste/99999/anwenden", {}),
                       ("/verwaltung/aenderung/99999/rueckgaengig", {})]:  # fmt: skip
        resp = post(site, path, data, follow_redirects=True)
        assert resp.status_code == 200 and "Nicht möglich" in resp.get_data(as_text=True)
    assert (
        site.get("/verwaltung/eintrag/" + "x" * 5000, base_url="https://localhost").status_code
        == 404
    )
