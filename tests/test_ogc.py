"""OGC API – Features under /ogc: the standard's resources, paging, filters, negotiation, the
OpenAPI definition, and a real client (OWSLib) paging through every collection."""

from __future__ import annotations

from openapi_spec_validator import validate

COLLECTIONS = {"gemeinden", "kreise", "facilities", "quartiere", "erreichbarkeit_treffpunkt",
               "erreichbarkeit_beratung"}  # fmt: skip


def rels(body: dict) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in body["links"]}


def test_landing_page_conformance_and_collections(client):
    landing = client.get("/ogc/").json
    assert {"self", "service-desc", "conformance", "data"} <= set(rels(landing))
    classes = client.get("/ogc/conformance").json["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    collections = client.get("/ogc/collections").json["collections"]
    assert {c["id"] for c in collections} == COLLECTIONS
    gemeinden = client.get("/ogc/collections/gemeinden").json
    west, south, east, north = gemeinden["extent"]["spatial"]["bbox"][0]
    assert 6.6 < west < 7.0 and 51.2 < south < 51.4 and 11.5 < east < 11.7 and 53.8 < north < 54.0
    assert any(s["licence"] == "dl-de/by-2-0" for s in gemeinden["sources"])


def test_items_page_with_counts_and_links(client):
    first = client.get("/ogc/collections/gemeinden/items?limit=100")
    assert first.content_type == "application/geo+json"
    body = first.json
    assert body["numberMatched"] == 964 and body["numberReturned"] == 100
    assert "next" in rels(body) and "prev" not in rels(body)
    nxt = client.get(rels(body)["next"].split("localhost", 1)[1]).json
    assert "prev" in rels(nxt) and nxt["features"][0]["id"] != body["features"][0]["id"]
    last = client.get("/ogc/collections/gemeinden/items?limit=100&offset=900").json
    assert last["numberReturned"] == 64 and "next" not in rels(last)


def test_bbox_and_property_filters(client):
    goettingen = client.get("/ogc/collections/quartiere/items?ags=03159016&limit=100").json
    assert goettingen["numberMatched"] == 17
    assert {f["properties"]["ags"] for f in goettingen["features"]} == {"03159016"}
    box = client.get("/ogc/collections/facilities/items?bbox=9.90,51.52,9.96,51.56&limit=500")
    lonlat = [f["geometry"]["coordinates"] for f in box.json["features"]]
    assert lonlat and all(9.90 <= x <= 9.96 and 51.52 <= y <= 51.56 for x, y in lonlat)
    kinds = client.get("/ogc/collections/facilities/items?category=beratung&limit=1000").json
    assert {f["properties"]["category"] for f in kinds["features"]} == {"beratung"}


def test_one_feature_and_errors(client):
    one = client.get("/ogc/collections/kreise/items/03159").json
    assert one["type"] == "Feature" and one["id"] == "03159"
    assert one["properties"]["kreis"] == "Göttingen"
    coverage = client.get("/ogc/collections/erreichbarkeit_treffpunkt/items/03159016").json
    assert coverage["properties"]["tier"] == "geprueft"
    for url, status in [("/ogc/collections/nix", 404), ("/ogc/collections/kreise/items/99999", 404),
                        ("/ogc/collections/gemeinden/items?foo=1", 400),
                        ("/ogc/collections/gemeinden/items?limit=0", 400),
                        ("/ogc/collections/gemeinden/items?limit=%C2%B2", 400),
                        ("/ogc/collections/gemeinden/items?bbox=1,2,3", 400),
                        ("/ogc/collections/gemeinden/items?limit=1&limit=2", 400),
                        ("/ogc/collections?f=xml", 400)]:  # fmt: skip
        resp = client.get(url)
        assert resp.status_code == status, url
        assert resp.content_type == "application/json" and resp.json["message"]


def test_html_by_f_or_accept_header(client):
    html = client.get("/ogc/collections/gemeinden/items?limit=3", headers={"Accept": "text/html"})
    assert html.content_type.startswith("text/html") and b"<table" in html.data
    assert client.get("/ogc/collections?f=html").content_type.startswith("text/html")
    plain = client.get("/ogc/collections", headers={"Accept": "application/json"})
    assert plain.content_type == "application/json"


def test_the_openapi_definition_is_valid(client):
    resp = client.get("/ogc/api")
    assert resp.content_type == "application/vnd.oai.openapi+json;version=3.0"
    spec = resp.json
    validate(spec)
    enum = spec["paths"]["/collections/{collectionId}"]["get"]["parameters"][1]["schema"]["enum"]
    assert set(enum) == COLLECTIONS


def test_owslib_pages_through_every_collection(live_server):
    from owslib.ogcapi.features import Features

    service = Features(live_server + "/ogc/")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in (
        service.conformance()["conformsTo"])  # fmt: skip
    assert service.api()["openapi"].startswith("3.0")
    ids = service.feature_collections()
    assert set(ids) == COLLECTIONS
    for collection_id in ids:
        seen: list[str] = []
        offset, matched = 0, None
        while matched is None or offset < matched:
            page = service.collection_items(collection_id, limit=1000, offset=offset)
            matched = page["numberMatched"]
            assert page["numberReturned"] == len(page["features"]) > 0
            seen += [str(f["id"]) for f in page["features"]]
            offset += page["numberReturned"]
        assert len(seen) == len(set(seen)) == matched, collection_id
        one = service.collection_item(collection_id, seen[-1])
        assert str(one["id"]) == seen[-1]
