"""The finder as a resident uses it (issue 10), in headless Chromium at 1280 and 390 px: search by
street, postcode and compound name, "which one?" for ambiguous names, the URL as the state
(reload, Back, shared links), the contact card of an imported entry in both languages, and the
phone's list and map views."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import FULL_NAME

pytestmark = pytest.mark.browser


def search(page, text):
    page.fill("#where", text)
    page.press("#where", "Enter")
    page.wait_for_selector("main[data-state='ready']")


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


@pytest.mark.parametrize(
    ("text", "heading", "note"),
    [
        ("Groner Landstraße", "Groner Landstraße, Göttingen (Kreis Göttingen)", None),
        ("37081", "37081, Göttingen (Kreis Göttingen)", "Die Postleitzahl 37081 ist ein Gebiet"),
        ("Göttingen-Grone", "Grone (", None),
        ("Hannover Linden", "Linden-Mitte (", None),
    ],
)
@pytest.mark.parametrize("width", [390, 1280])
def test_search_by_street_postcode_and_compound(open_page, text, heading, note, width):
    page = open_page("/", width=width, height=844)
    search(page, text)
    assert heading in page.locator("#results-heading").inner_text()
    assert page.locator("#results > li").count() == 10
    if note:
        assert note in page.locator("#notice").inner_text()
    assert query_of(page)["q"] == [text]
    assert page.problems == [] and page.foreign == []


def test_an_ambiguous_street_asks_which_gemeinde(open_page):
    page = open_page("/")
    search(page, "Hauptstraße")
    choices = page.locator("#choices button")
    assert "Welches „Hauptstraße“ meinen Sie?" in page.locator("#choices").inner_text()
    assert choices.count() == 10 and page.locator("#results > li").count() == 0
    assert "Geben Sie die Gemeinde mit an" in page.locator("#choices").inner_text()
    page.locator("#choices button", has_text="Braunschweig").first.click()
    page.wait_for_selector("main[data-state='ready'] #results > li")
    assert "Hauptstraße, Braunschweig" in page.locator("#results-heading").inner_text()
    assert page.locator("#choices").is_hidden()
    search(page, "Hauptstraße, Northeim")  # with its Gemeinde it is not ambiguous
    assert "Hauptstraße, Northeim (Kreis Northeim)" in page.locator("#results-heading").inner_text()


def test_not_found_clears_the_previous_results(open_page):
    page = open_page("/")
    search(page, "Weende")
    assert page.locator("#results > li").count() == 10
    search(page, "Qwxyzzy Gnarf")
    assert "Kein Ort gefunden" in page.locator("#status").inner_text()
    assert page.locator("#results > li").count() == 0
    assert page.locator("path.result-marker").count() == 0


def test_the_url_is_the_state_reload_back_and_shared_links(open_page, live_server):
    from playwright.sync_api import expect

    page = open_page("/")
    search(page, "Grone, Göttingen")
    page.select_option("#f-category", "treffpunkt")
    page.wait_for_selector("main[data-state='ready']")
    assert query_of(page) == {"q": ["Grone, Göttingen"], "category": ["treffpunkt"]}
    search(page, "Weende")
    assert "Weende" in page.locator("#results-heading").inner_text()
    page.go_back()  # Back steps back to Grone, with its filter
    expect(page.locator("#results-heading")).to_contain_text("Grone")
    assert page.locator("#f-category").input_value() == "treffpunkt"
    page.reload(wait_until="networkidle")  # reload restores
    page.wait_for_selector("main[data-state='ready']")
    assert "Grone" in page.locator("#results-heading").inner_text()
    assert page.locator("#where").input_value() == "Grone, Göttingen"
    # a shared link with a point, a filter and the language
    other = open_page("/?lat=52.3737&lon=9.7356&category=beratung&lang=en", locale="en-GB")
    other.wait_for_selector("main[data-state='ready']")
    assert other.locator("#results-heading").inner_text().startswith("Nearest")
    assert other.locator("#f-category").input_value() == "beratung"
    # a map click puts the point into the URL
    box = page.locator("#finder-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"[?&]lat=5[0-9.]+&lon="))
    assert "q" not in query_of(page)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", ["Testträger e. V.", "Teststraße 1, 37081 Göttingen", "+49 551 000000",
                "treff@example.org", "https://example.org/treff", "Di und Do 9–12 Uhr",
                "an Feiertagen geschlossen", "ja", "Deutsch, Türkisch, Arabisch",
                "Auf OpenStreetMap ansehen", "Route"]),
        ("en", ["Testträger e. V.", "Tue and Thu 09:00–12:00", "closed on public holidays",
                "German, Turkish, Arabic", "View on OpenStreetMap", "Directions"]),
    ],
)  # fmt: skip
def test_the_contact_card_of_an_imported_entry(open_page, lang, expected):
    page = open_page("/?lat=51.5290&lon=9.9110" + ("&lang=en" if lang == "en" else ""))
    page.wait_for_selector("main[data-state='ready']")
    entry = page.locator("#results > li", has_text=FULL_NAME)
    card = entry.inner_text()
    for text in expected:
        assert text in card, (text, card)
    assert "unbekannt" not in card and "unknown" not in card
    assert entry.locator("a[href='tel:+49551000000']").count() == 1
    assert entry.locator("a[href='mailto:treff@example.org']").count() == 1
    route = entry.locator("a", has_text="Route" if lang == "de" else "Directions")
    assert "openstreetmap.org/directions" in route.get_attribute("href")
    # the status says until when it is open or when it opens, in words
    status = entry.locator(".hours .badge").inner_text()
    assert status.startswith(("jetzt geöffnet bis", "jetzt geschlossen, öffnet", "open now until",
                              "closed now, opens"))  # fmt: skip
    # an OSM entry without details: one line says what is missing and how to report it
    sparse = page.locator("#results > li", has_not_text=FULL_NAME).first
    missing = sparse.locator(".missing").inner_text()
    assert missing.startswith("Nicht bekannt:" if lang == "de" else "Not known:")
    assert page.problems == [] and page.foreign == []  # links are only followed on click


def test_filters_offer_only_what_the_data_has(open_page):
    page = open_page("/")
    options = page.locator("#f-lang option").all_inner_texts()
    # the imported test entry offers de, tr, ar; the 13 languages nobody offers are not listed
    assert options == ["Egal", "Deutsch", "Türkçe", "العربية"]
    # a kind of offer with no entry yet says so and cannot be chosen
    empty = page.locator("#f-type option[value='schuldnerberatung']")
    assert "noch keine Einträge" in empty.inner_text() and empty.is_disabled()
    assert page.locator("#f-type option[value='familienberatung']").is_enabled()


def test_on_a_phone_list_and_map_are_two_views(open_page):
    page = open_page("/", width=390, height=844)
    switch = page.locator(".view-switch")
    assert switch.is_visible() and page.locator("#finder-map").is_hidden()
    search(page, "Weende")
    assert page.locator("#view-count").inner_text() == "10"
    for target in page.locator(".view-switch button, #where, .result-name").all():
        assert target.bounding_box()["height"] >= 44
    body_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.results dd')).fontSize)"
    )
    assert body_px >= 16
    # tapping a result shows it on the map, in view, with its popup
    page.locator(".result-name").first.click()
    page.wait_for_selector(".leaflet-popup")
    assert page.locator("#finder-map").is_visible() and page.locator("#results").is_hidden()
    popup = page.locator(".leaflet-popup").bounding_box()
    assert 0 <= popup["y"] < 844 and popup["y"] + popup["height"] > 0
    page.get_by_role("button", name="Liste (10)").click()
    assert page.locator("#results").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at 390 px ({width} px)"
    assert page.problems == [] and page.foreign == []
