"""The planner in a real browser: English, map shapes by keyboard, suggestions on the map, and
the phone layout. (Scenarios, search and downloads: test_browser.py.)"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GERMAN_WORDS = ("Einwohner", "außerhalb", "Reichweite", "Berechnen", "Angebot", "Quartiere in")


def test_the_planner_in_english(open_page):
    from playwright.sync_api import expect

    page = open_page("/planung?lang=en", locale="en-GB")
    assert page.locator("h1").inner_text() == "Reach of meeting places and counselling"
    summary = page.locator("#summary").inner_text()
    assert "residents" in summary and "farther than 1,000 m" in summary
    assert "Residents beyond 1,000 m" in page.locator("#legend").inner_text()
    assert "bars: residents" in page.locator("#chart").inner_text()
    page.locator("path[data-ags='03159016']").click(force=True)
    expect(page.locator("#table-title")).to_have_text("Neighbourhoods in Göttingen", timeout=20_000)
    page.get_by_role("button", name="Suggest sites").click()
    expect(page.locator(".take-suggestion")).to_have_count(3, timeout=20_000)
    page.get_by_role("button", name="Take").first.click()
    expect(page.locator("#scenario-summary")).to_contain_text("1 new site, 0 switched off: +")
    panel = page.locator(".panel").inner_text()
    assert [w for w in GERMAN_WORDS if w in panel] == []
    assert "contributors" in page.locator(".leaflet-control-attribution").inner_text()
    # the language stays when going on to the other pages
    page.get_by_role("link", name="Map of municipalities").click()
    page.wait_for_selector(".legend")
    assert "Residents per km²" in page.locator(".legend").inner_text()
    assert "lang=en" in page.url
    assert page.problems == [] and page.foreign == []


def test_gemeinde_shapes_are_reached_and_chosen_by_keyboard(open_page):
    from playwright.sync_api import expect

    page = open_page("/planung")
    for _ in range(120):  # Tab past the panel into the map's shapes
        if page.evaluate(
            "document.activeElement.dataset && document.activeElement.dataset.ags || ''"
        ):
            break
        page.keyboard.press("Tab")
    ags = page.evaluate("document.activeElement.dataset.ags")
    assert ags, "no Gemeinde shape reachable by Tab"
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert ":" in label and ("außerhalb" in label or "keine Daten" in label)
    expect(page.locator(".leaflet-tooltip")).to_have_count(1)  # focus opens the tooltip
    page.keyboard.press("Tab")
    next_ags = page.evaluate("document.activeElement.dataset.ags")
    assert next_ags and next_ags != ags
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#planner[data-selected='{next_ags}']")
    assert page.problems == []


def test_suggestions_are_drawn_on_the_map_and_taken_by_click(open_page):
    from playwright.sync_api import expect

    page = open_page("/planung")
    page.locator("path[data-ags='03159016']").click(force=True)
    page.wait_for_selector("#planner[data-selected='03159016']")
    page.get_by_role("button", name="Standorte vorschlagen").click()
    markers = page.locator(".suggestion-marker")
    expect(markers).to_have_count(3, timeout=20_000)
    assert markers.first.inner_text() == "1"
    assert "Vorschlag 1:" in markers.first.get_attribute("title")
    markers.first.click()
    expect(page.locator("#scenario-summary")).to_contain_text("1 neuer Standort", timeout=20_000)
    expect(markers).to_have_count(2)
    expect(page.locator("path.scenario-site")).to_have_count(1)
    assert "Vorschlag" in page.locator("#legend").inner_text()
    assert page.problems == [] and page.foreign == []


def test_on_a_phone_the_legend_is_folded_and_the_data_visible(open_page):
    page = open_page("/planung", width=390, height=844)
    legend = page.locator("#legend-box")
    assert legend.evaluate("d => d.open") is False
    map_box = page.locator("#planner-map").bounding_box()
    legend_box = legend.bounding_box()
    # folded, the legend covers less than a twentieth of the map
    assert legend_box["width"] * legend_box["height"] < map_box["width"] * map_box["height"] / 20
    assert map_box["y"] < 200 and map_box["height"] > 300  # the map comes first, large
    # the shapes with data (Göttingen, in the south) are on screen and not under the legend
    shape = page.locator("path[data-ags='03159016']").bounding_box()
    assert (
        shape["y"] + shape["height"] > map_box["y"]
        and shape["y"] < map_box["y"] + map_box["height"]
    )
    page.locator("#legend-box summary").click()
    assert legend.evaluate("d => d.open") is True
    assert "Einwohner außerhalb" in page.locator("#legend").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at 390 px ({width} px)"
    assert page.problems == []
