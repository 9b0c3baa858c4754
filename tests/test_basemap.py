"""The self-hosted street base map: the archive served with range requests, and drawn in the
finder from the app's own origin (pixels differ from the empty canvas at street level)."""

from __future__ import annotations

import pytest

from app import create_app
from tests.conftest import RAW_BASEMAP

ARCHIVE = "/basemap/niedersachsen.pmtiles"


@pytest.fixture(scope="module")
def with_basemap():
    assert RAW_BASEMAP.is_file(), f"{RAW_BASEMAP}: the raw base map is part of ../shared/data"
    app = create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING",
                      "BASEMAP": RAW_BASEMAP})  # fmt: skip
    return app.test_client()


def fetch(client, path: str, **kwargs):
    """GET ``path`` and close the response (a file behind it is not left open)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def test_the_archive_answers_byte_ranges(with_basemap):
    head = fetch(with_basemap, ARCHIVE, headers={"Range": "bytes=0-126"})
    assert head.status_code == 206
    assert head.data[:7] == b"PMTiles" and len(head.data) == 127
    assert head.headers["Content-Range"] == f"bytes 0-126/{RAW_BASEMAP.stat().st_size}"
    assert head.headers["Accept-Ranges"] == "bytes"
    tail = fetch(with_basemap, ARCHIVE, headers={"Range": "bytes=1000-1009"})
    assert tail.data == RAW_BASEMAP.read_bytes()[1000:1010]
    beyond = fetch(with_basemap, ARCHIVE, headers={"Range": "bytes=999999999-"})
    assert beyond.status_code == 416
    assert "Set-Cookie" not in head.headers


def test_the_finder_loads_the_base_map_only_when_installed(with_basemap):
    html = with_basemap.get("/").get_data(as_text=True)
    assert f'data-basemap-url="{ARCHIVE}"' in html and "maplibre-gl-csp.js" in html
    bare = create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING",
                       "BASEMAP": RAW_BASEMAP.parent / "missing.pmtiles"}).test_client()  # fmt: skip
    page = bare.get("/").get_data(as_text=True)
    assert "data-basemap-url" not in page and "maplibre" not in page  # outlines, nothing heavy
    assert fetch(bare, ARCHIVE).status_code == 404
    # an operator's raster service replaces the self-hosted base map
    raster = create_app({"TESTING": True, "TILE_URL": "https://tile.example.org/{z}/{x}/{y}.png",
                         "LOG_LEVEL": "WARNING", "BASEMAP": RAW_BASEMAP}).test_client()  # fmt: skip
    assert "data-basemap-url" not in raster.get("/").get_data(as_text=True)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_base_map_draws_streets_from_the_own_origin(open_page, width):
    page = open_page("/?q=Groner%20Landstra%C3%9Fe", width=width, height=844)
    page.wait_for_selector("main[data-state='ready']")
    assert page.locator("main").get_attribute("data-basemap") == "vector"
    if width < 700:  # on a phone the map is the second view: its street map is made when seen
        assert page.locator(".leaflet-gl-layer").count() == 0
        page.get_by_role("button", name="Karte", exact=True).click()
    page.wait_for_selector("#finder-map[data-basemap-drawn='1']", state="attached", timeout=60_000)
    box = page.locator("#finder-map").bounding_box()
    streets = page.screenshot(clip=box)
    # the same view without the base map layer: the empty canvas of the map
    page.locator(".leaflet-gl-layer").evaluate("el => { el.style.visibility = 'hidden'; }")
    empty = page.screenshot(clip=box)
    assert streets != empty
    # streets, names and land use compress far worse than the plain background
    assert len(streets) > 2 * len(empty), (len(streets), len(empty))
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenMapTiles" in attribution and "OpenStreetMap" in attribution
    assert page.problems == [] and page.foreign == []
