"""Real-browser tests: headless Debian Chromium against gunicorn on a loopback port."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = context.new_page()
    problems: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def track(request):
        if urlparse(request.url).netloc not in {urlparse(live_server).netloc, ""}:
            foreign.append(request.url)

    page.on("request", track)
    page.problems = problems
    page.foreign = foreign
    try:
        yield page
    finally:
        context.close()


def open_at_hostile_point(page, map_name: str, what: str) -> None:
    """Open the popup or tooltip ("Popup"/"Tooltip") of the marker at the hostile facility."""
    page.evaluate(
        f"""() => {{
        const map = window[{map_name!r}];
        map.eachLayer(l => {{ if (l.get{what} && l.get{what}() && l.getLatLng &&
            Math.abs(l.getLatLng().lat - 51.5339) < 1e-6) l.open{what}(); }});
    }}"""
    )


def test_statewide_map_draws_all_gemeinden(page, live_server):
    page.goto(live_server + "/karte", wait_until="networkidle")
    page.wait_for_selector("path.leaflet-interactive")
    gemeinden = page.locator("path.leaflet-interactive:not(.facility-marker)")
    assert gemeinden.count() == 964
    assert "GeoBasis-DE" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".legend").is_visible()
    # hovering a Gemeinde shows its tooltip
    gemeinden.nth(100).hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    assert "AGS" in page.locator(".leaflet-tooltip").inner_text()
    assert page.problems == []
    assert page.foreign == []


def test_facilities_appear_as_markers_with_escaped_popups(page, live_server):
    from tests.conftest import HOSTILE_NAME

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/karte", wait_until="networkidle")
    holder = page.locator("[data-facility-map]")
    page.wait_for_selector("[data-facilities-loaded]", state="attached")
    assert int(holder.get_attribute("data-facilities-loaded")) >= 61
    # the layer control switches categories
    control = page.locator(".leaflet-control-layers")
    assert "Treffpunkte" in control.inner_text() and "Beratung" in control.inner_text()
    # zoom to the hostile facility and open its popup
    name = holder.get_attribute("data-facility-map")
    page.evaluate(f"window[{name!r}].setView([51.5339, 9.9355], 18)")
    page.wait_for_timeout(500)
    marker = page.locator("path.facility-marker.facility-treffpunkt")
    assert marker.count() >= 1
    open_at_hostile_point(page, name, "Popup")
    popup = page.locator(".facility-popup")
    popup.wait_for()
    assert popup.locator("h3").inner_text() == HOSTILE_NAME
    # its tooltip shows the name as text too
    open_at_hostile_point(page, name, "Tooltip")
    page.locator(".leaflet-tooltip").first.wait_for()
    assert HOSTILE_NAME in page.locator(".leaflet-tooltip").all_inner_texts()
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.locator(".facility-popup img").count() == 0
    assert dialogs == []
    # switching Beratung off removes its markers
    page.evaluate(f"window[{name!r}].setView([51.535, 9.93], 12)")
    page.wait_for_timeout(300)
    before = page.locator(".facility-beratung, .facility-cluster-beratung").count()
    assert before > 0
    control.get_by_text("Beratung").click()
    page.wait_for_timeout(300)
    assert page.locator(".facility-beratung, .facility-cluster-beratung").count() == 0
    assert page.problems == []
    assert page.foreign == []


def test_planner_select_click_goettingen_see_quartiere_and_table(page, live_server):
    page.goto(live_server + "/planung", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    # meeting places: checked in the pilot, unchecked OSM 2021 data everywhere else
    assert page.locator("path.has-data[data-tier='osm_ungeprueft']").count() > 900
    assert page.locator("path.has-data[data-tier='geprueft']").count() == 3
    summary = page.locator("#summary")
    assert summary.get_attribute("data-tier") == "osm_ungeprueft"
    assert "mögliche Lücke" in summary.inner_text()
    assert "mögliche Lücke" in page.locator("#legend").inner_text()
    assert page.locator("#quartiere-table tbody tr").count() == 25
    assert (
        page.locator("#quartiere-table tbody tr[data-tier='osm_ungeprueft'] .tier-badge").count()
        > 0
    )
    page.locator("#what").select_option("category:beratung")
    page.wait_for_selector("#planner[data-state='ready']")
    assert "5.000 m" in page.locator("#summary").inner_text()
    assert page.locator("path.no-data").count() > 900  # counselling: hatched "keine Daten"
    assert page.locator("#summary").get_attribute("data-tier") == "geprueft"
    page.locator("path[data-ags='03159016']").click(force=True)
    page.wait_for_selector("#planner[data-selected='03159016']")
    page.wait_for_selector("path.quartier")
    # the 17 Ortsteile from the OSM district boundaries; two of them split by nearest label
    assert page.locator("path.quartier").count() == 17
    assert page.locator("path.planner-facility").count() > 10
    assert page.locator("#table-title").inner_text() == "Quartiere in Göttingen"
    rows = page.locator("#quartiere-table tbody tr")
    assert rows.count() == 17
    assert "Weende" in page.locator("#quartiere-table tbody").inner_text()
    approx = page.locator("#quartiere-table tbody tr[data-kind='genaehert'] .kind-badge")
    assert approx.count() == 2 and approx.first.inner_text() == "genähert"
    assert "genähert" in page.locator("#table-note").inner_text()
    first = [int(c.replace(".", "")) for c in rows.nth(0).locator("td").all_inner_texts()[1:2]]
    second = [int(c.replace(".", "")) for c in rows.nth(1).locator("td").all_inner_texts()[1:2]]
    assert first >= second  # sorted by residents beyond reach
    page.get_by_role("button", name="Alle Spalten (65+, unter 15)").click()
    page.get_by_role("button", name="65+ außerhalb").click()
    assert page.get_by_role("button", name="65+ außerhalb").get_attribute("aria-pressed") == "true"
    assert "format=csv" in page.locator("#dl-quartiere-csv").get_attribute("href")
    assert "03159016" in page.locator("#dl-quartiere-geojson").get_attribute("href")
    assert page.problems == []
    assert page.foreign == []


def test_planner_tooltips_show_a_hostile_name_as_text(page, live_server):
    from tests.conftest import HOSTILE_NAME

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/planung", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    page.locator("path[data-ags='03159016']").click(force=True)
    page.wait_for_selector("path.planner-facility")
    # hover every facility of Göttingen in turn; collect what the tooltips show
    texts = page.evaluate(
        """() => Array.from(document.querySelectorAll('path.planner-facility')).map(el => {
            el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 10,
                                                          clientY: 10}));
            const tips = Array.from(document.querySelectorAll('.leaflet-tooltip'));
            const text = tips.map(t => t.textContent).join(' | ');
            const html = tips.reduce((n, t) => n + t.querySelectorAll('img, a, script').length, 0);
            el.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
            return [text, html];
        })"""
    )
    assert any(HOSTILE_NAME in text for text, _ in texts), texts[:5]
    assert all(elements == 0 for _, elements in texts)
    assert dialogs == [] and page.foreign == []


def test_download_a_kreis_export_from_the_planner(page, live_server, tmp_path):
    import pandas as pd

    from geo.exports import METADATA_LINES

    page.goto(live_server + "/planung", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    page.locator("#dl-area").fill("Kreis Göttingen")
    page.locator("#dl-data").select_option("gemeinden")
    page.locator("#dl-format").select_option("csv")
    assert "kreis=03159" in page.locator("#dl-link").get_attribute("href")
    with page.expect_download() as info:
        page.locator("#dl-link").click()
    download = info.value
    assert download.suggested_filename == "nachbarschaftskarte_gemeinden_kreis-03159.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    table = pd.read_csv(path, sep=";", decimal=",", skiprows=METADATA_LINES,
                        encoding="utf-8-sig", dtype={"Schlüssel": str})  # fmt: skip
    assert len(table) == 40 and table["Schlüssel"].str.startswith("03159").all()
    page.locator("#dl-area").fill("Atlantis")
    assert "bitte aus der Liste" in page.locator("#dl-area-note").inner_text()
    assert page.locator("#dl-link").get_attribute("aria-disabled") == "true"
    assert page.problems == [] and page.foreign == []


def test_the_statewide_map_offers_the_download_panel(page, live_server):
    page.goto(live_server + "/karte", wait_until="networkidle")
    page.locator("#dl-area").fill("Göttingen (Göttingen)")
    page.locator("#dl-format").select_option("gpkg")
    href = page.locator("#dl-link").get_attribute("href")
    assert "ags=03159016" in href and "format=gpkg" in href and "dialect" not in href


def test_planner_scenario_suggest_take_switch_off_reload(page, live_server):
    from playwright.sync_api import expect

    page.goto(live_server + "/planung", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    page.locator("path[data-ags='03159016']").click(force=True)
    page.wait_for_selector("#planner[data-selected='03159016']")
    page.wait_for_selector("path.planner-facility")
    page.locator("#scenario-k").fill("3")
    page.get_by_role("button", name="Standorte vorschlagen").click()
    expect(page.locator(".take-suggestion")).to_have_count(3, timeout=20_000)
    assert "Göttingen" in page.locator("#scenario-suggestions").inner_text()
    page.locator(".take-suggestion").first.click()
    page.wait_for_selector("#scenario-summary")
    first = page.locator("#scenario-summary").inner_text()
    assert first.startswith("1 neuer Standort, 0 abgeschaltet: +") and "neu in Reichweite" in first
    assert "add=" in page.url
    page.locator("path.planner-facility").first.click(force=True)
    expect(page.locator("#scenario-summary")).not_to_have_text(first, timeout=20_000)
    assert "remove=f" in page.url
    assert page.locator("path.switched-off").count() == 1
    both = page.locator("#scenario-summary").inner_text()
    assert both.startswith("1 neuer Standort, 1 abgeschaltet: ")
    page.goto(page.url, wait_until="networkidle")  # reload: the same scenario from the URL
    page.wait_for_selector("#planner[data-state='ready']")
    expect(page.locator("#scenario-summary")).to_have_text(both, timeout=20_000)
    assert page.locator("path.scenario-site").count() == 1
    page.get_by_role("button", name="Standort auf der Karte setzen").click()
    box = page.locator("#planner-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("path.scenario-site")).to_have_count(2, timeout=20_000)
    expect(page.locator("#scenario-summary")).to_contain_text("2 neue Standorte, 1 abgeschaltet")
    assert page.problems == [] and page.foreign == []


def test_planner_search_a_kreis_and_get_suggestions_there(page, live_server):
    from playwright.sync_api import expect

    page.goto(live_server + "/planung", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    page.locator("#area-search").fill("Kreis Göttingen")
    page.locator("#area-search").press("Enter")
    page.wait_for_selector("#planner[data-kreis='03159']")
    page.locator("#scenario-k").fill("3")
    page.get_by_role("button", name="Standorte vorschlagen").click()
    expect(page.locator(".take-suggestion")).to_have_count(3, timeout=20_000)
    assert "(Göttingen)" in page.locator("#scenario-suggestions").inner_text()  # in the Kreis
    legend = page.locator("#legend").inner_text()
    assert "neuer Standort" in legend and "Einrichtung" in legend
    assert "Einwohner" in page.locator("#chart").inner_text()  # the chart says its units
    # the Kreis level colours every Gemeinde by its Kreis; the age columns come on demand
    page.locator("#level").select_option("kreis")
    page.wait_for_selector("#planner[data-state='ready']")
    expect(page.locator("#summary")).to_contain_text("Kreisen")
    assert not page.locator("#quartiere-table th").nth(2).is_visible()
    page.get_by_role("button", name="Alle Spalten (65+, unter 15)").click()
    assert page.locator("#quartiere-table th").nth(2).is_visible()


def test_planner_keyboard_only_selection(page, live_server):
    from playwright.sync_api import expect

    page.goto(live_server + "/planung", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    for _ in range(30):  # Tab to the area search
        if page.evaluate("document.activeElement.id") == "area-search":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "area-search"
    page.keyboard.type("Göttingen (Göttingen)")
    page.keyboard.press("Enter")
    page.wait_for_selector("#planner[data-selected='03159016']")
    expect(page.locator("#quartiere-table tbody tr")).to_have_count(17, timeout=20_000)
    for _ in range(80):  # Tab on to the first row of the table
        if page.evaluate("document.activeElement.tagName") == "TR":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "TR"
    page.keyboard.press("Enter")
    row = page.locator("#quartiere-table tbody tr[aria-selected='true']")
    expect(row).to_have_count(1)
    assert page.problems == [] and page.foreign == []
