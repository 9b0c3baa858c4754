"""The machine interface of the municipalities (issue 14): tokens (401), scope (403), conflicts
(409), throttled sign-ins (429), validation (400), undo, and the served map following a change at
once in this worker and within seconds in another gunicorn worker."""

from __future__ import annotations

import time

import pytest
import requests

from app import create_app
from geo.store.accounts import create_account
from geo.web.store import store_engine

GOETTINGEN, HANNOVER = "03159016", "03241001"
NEAR_GOETTINGEN = "lat=51.5339&lon=9.9355&limit=50"


@pytest.fixture
def admin(tmp_path):
    """A fresh app with its own store and two accounts: Göttingen, and the Landkreis Hameln."""
    app = create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"})  # fmt: skip
    known = set(app.extensions["nk_datasets"].gemeinden["ags"])
    with app.app_context(), store_engine().begin() as conn:
        _, goettingen = create_account(conn, "Stadt Göttingen", "gemeinde", GOETTINGEN, known)
        _, hameln = create_account(conn, "Landkreis Hameln-Pyrmont", "kreis", "03252",
                                   known | {k[:5] for k in known})  # fmt: skip
    client = app.test_client()
    client.tokens = {"goettingen": goettingen, "hameln": hameln}
    return client


def auth(client, who="goettingen"):
    return {"Authorization": f"Bearer {client.tokens[who]}"}


def own(client, who="goettingen"):
    return client.get("/api/verwaltung/facilities", headers=auth(client, who)).json["facilities"]


def test_missing_or_wrong_tokens_get_401_and_then_429(admin):
    assert admin.get("/api/verwaltung/facilities").status_code == 401
    bad = {"Authorization": "Bearer 1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
    # ten failures from one address (the missing token was the first), then 429
    statuses = [admin.get("/api/verwaltung/facilities", headers=bad).status_code for _ in range(9)]
    assert set(statuses) == {401}
    throttled = admin.get("/api/verwaltung/facilities", headers=auth(admin))
    assert throttled.status_code == 429  # even a good token waits once the address is throttled


def test_own_entries_only_and_scope_on_the_geometry(admin):
    mine = own(admin)
    assert mine and {f["ags"] for f in mine} == {GOETTINGEN}
    assert {f["version"] for f in mine} == {0}
    # an entry of Hameln-Pyrmont's Kreis: Göttingen's account may not touch it (403)
    theirs = own(admin, "hameln")[0]
    body = {"facility": {**strip(theirs), "name": "Übernommen"}, "version": 0, "reason": "Test"}
    resp = admin.put(f"/api/verwaltung/facilities/{theirs['id']}", json=body, headers=auth(admin))
    assert resp.status_code == 403
    # moving an own entry to Hannover by its coordinates is refused too
    entry = mine[0]
    moved = {**strip(entry), "lat": "52.3737", "lon": "9.7356"}
    resp = admin.put(f"/api/verwaltung/facilities/{entry['id']}", headers=auth(admin),
                     json={"facility": moved, "version": 0, "reason": "Umzug"})  # fmt: skip
    assert resp.status_code == 403


def strip(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("version", "id", "category", "ags")}


def test_edit_conflict_undo_and_the_map_follows_at_once(admin):
    entry = own(admin)[0]
    url = f"/api/verwaltung/facilities/{entry['id']}"
    new = {**strip(entry), "name": "Stadtteiltreff (geprüft)", "phone": "+49 551 400-0"}
    done = admin.put(
        url, headers=auth(admin), json={"facility": new, "version": 0, "reason": "Telefon"}
    )
    assert done.status_code == 200 and done.json["version"] == 1
    # a second officer still on version 0: a clear conflict, nothing overwritten
    stale = admin.put(url, headers=auth(admin),
                      json={"facility": {**new, "name": "Anders"}, "version": 0, "reason": "x"})  # fmt: skip
    assert stale.status_code == 409 and "version 0" in stale.json["message"]
    names = {
        r["id"]: r["name"] for r in admin.get("/api/nearest?" + NEAR_GOETTINGEN).json["results"]
    }
    if entry["id"] in names:
        assert names[entry["id"]] == "Stadtteiltreff (geprüft)"
    found = admin.get("/api/facilities?ags=" + GOETTINGEN).json["features"]
    assert {f["properties"]["name"] for f in found if f["properties"]["id"] == entry["id"]} == {
        "Stadtteiltreff (geprüft)"
    }
    # undo puts it back
    undo = admin.post(f"/api/verwaltung/changes/{done.json['change_set']}/undo", headers=auth(admin),
                      json={"reason": "versehentlich"})  # fmt: skip
    assert undo.status_code == 201
    found = admin.get("/api/facilities?ags=" + GOETTINGEN).json["features"]
    assert {f["properties"]["name"] for f in found if f["properties"]["id"] == entry["id"]} == {
        entry["name"]
    }
    listed = admin.get("/api/verwaltung/changes", headers=auth(admin)).json["change_sets"]
    assert [s["id"] for s in listed] == [undo.json["change_set"], done.json["change_set"]]
    other = admin.get(
        f"/api/verwaltung/changes/{done.json['change_set']}", headers=auth(admin, "hameln")
    )
    assert other.status_code == 403


def test_add_retire_and_validation(admin):
    row = {"name": "Neuer Nachbarschaftstreff (Test)", "type": "nachbarschaftstreff",
           "lat": "51.5412", "lon": "9.9275", "source": "stadt-goettingen:test-1"}  # fmt: skip
    bad = admin.post("/api/verwaltung/facilities", headers=auth(admin),
                     json={"facility": {**row, "type": "kiosk", "email": "nope"}, "reason": "neu"})  # fmt: skip
    assert (
        bad.status_code == 400 and "type" in bad.json["message"] and "email" in bad.json["message"]
    )
    assert (
        admin.post("/api/verwaltung/facilities", headers=auth(admin), data="x").status_code == 415
    )
    assert admin.post("/api/verwaltung/facilities", headers=auth(admin),
                      json={"facility": row}).status_code == 400  # no reason  # fmt: skip
    added = admin.post(
        "/api/verwaltung/facilities", headers=auth(admin), json={"facility": row, "reason": "neu"}
    )
    assert added.status_code == 201 and added.json["version"] == 1
    names = [f["name"] for f in own(admin)]
    assert row["name"] in names
    gone = admin.delete(f"/api/verwaltung/facilities/{added.json['id']}?version=1&reason=geschlossen",
                        headers=auth(admin))  # fmt: skip
    assert gone.status_code == 200
    assert row["name"] not in [f["name"] for f in own(admin)]
    missing = admin.delete(
        "/api/verwaltung/facilities/f000000000000?version=0&reason=x", headers=auth(admin)
    )
    assert missing.status_code == 404


@pytest.mark.browser  # a real server: gunicorn with two worker processes
def test_a_change_reaches_the_other_worker_within_seconds(tmp_path):
    from tests.server import gunicorn

    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    app = create_app({"LOG_LEVEL": "WARNING", "DATABASE_URL": store})
    known = set(app.extensions["nk_datasets"].gemeinden["ags"])
    with app.app_context(), store_engine().begin() as conn:
        _, token = create_account(conn, "Stadt Göttingen", "gemeinde", GOETTINGEN, known)
    env = {"NK_DATABASE_URL": store, "NK_LOG_LEVEL": "WARNING", "NK_TILE_URL": ""}
    with gunicorn(["--workers", "2"], env, tmp_path / "gunicorn.log") as base:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        entry = session.get(base + "/api/verwaltung/facilities", headers=headers).json()[
            "facilities"
        ][0]
        new = {**strip(entry), "name": "Live geändert"}
        done = session.put(f"{base}/api/verwaltung/facilities/{entry['id']}", headers=headers,
                           json={"facility": new, "version": 0, "reason": "live"})  # fmt: skip
        assert done.status_code == 200

        # new connections spread over both workers; the one that took the change serves it at
        # once, the other after its next check of the store (every 2 s)
        def served_name() -> str:
            body = requests.get(f"{base}/api/facilities?ags={GOETTINGEN}").json()
            return {f["properties"]["id"]: f["properties"]["name"] for f in body["features"]}[
                entry["id"]
            ]

        started = time.monotonic()
        while time.monotonic() - started < 10:
            if all(served_name() == "Live geändert" for _ in range(20)):
                break
            time.sleep(0.2)
        took_s = time.monotonic() - started
        assert all(served_name() == "Live geändert" for _ in range(20))
        assert took_s < 5, f"every worker served the change after {took_s:.1f} s"


def test_a_checked_list_moves_the_gemeinde_to_the_checked_tier(admin):
    hameln = "03252006"
    before = admin.get("/api/coverage?category=beratung").json["units"]
    tier = {u["key"]: u["tier"] for u in before}[hameln]
    assert tier == "keine_daten"
    resp = admin.post("/api/verwaltung/lists/beratung/checked", headers=auth(admin, "hameln"),
                      json={"ags": hameln, "reason": "Liste vollständig"})  # fmt: skip
    assert resp.status_code == 201 and resp.json["checked_on"]
    after = {u["key"]: u for u in admin.get("/api/coverage?category=beratung").json["units"]}
    assert after[hameln]["tier"] == "geprueft"
    near = admin.get("/api/nearest?lat=52.1035&lon=9.3573&category=beratung").json
    assert near["query"]["tiers"]["beratung"] == "geprueft"
    # Göttingen's account may not declare Hameln's list
    other = admin.post("/api/verwaltung/lists/beratung/checked", headers=auth(admin),
                       json={"ags": hameln, "reason": "x"})  # fmt: skip
    assert other.status_code == 403
    assert admin.post("/api/verwaltung/lists/kiosk/checked", headers=auth(admin),
                      json={"reason": "x"}).status_code == 404  # fmt: skip
