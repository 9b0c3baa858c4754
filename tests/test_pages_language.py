"""Every page in German (default) and English: words, links that keep the language, errors."""

from __future__ import annotations

import re

import pytest


def text_of(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code in (200, 404), (url, resp.status_code)
    return resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "german", "english"),
    [
        (
            "/planung",
            "Erreichbarkeit von Treffpunkten und Beratung",
            "Reach of meeting places and counselling",
        ),
        ("/planung", "Was gemessen wird", "What is measured"),  # the method note
        ("/planung", "Daten herunterladen", "Download data"),
        ("/karte", "Einwohner je km² (Zensus 2022)", "Residents per km² (Census 2022)"),
        ("/", "Mein Standort", "My location"),
        ("/no/such/page", "Seite nicht gefunden", "Page not found"),
    ],
)
def test_page_speaks_the_chosen_language(client, url, german, english):
    sep = "&" if "?" in url else "?"
    de, en = text_of(client, url), text_of(client, url + sep + "lang=en")
    assert german in de and english not in de
    assert english in en and german not in en
    assert '<html lang="en">' in en and '<html lang="de">' in de


@pytest.mark.parametrize("url", ["/", "/planung", "/karte", "/no/such/page"])
def test_links_keep_the_language_and_the_switch_goes_back(client, url):
    en = text_of(client, url + "?lang=en")
    nav = re.search(r'<nav class="site-nav".*?</nav>', en, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', nav)
    assert [h for h in links[:3] if "lang=en" not in h] == []  # search, planner, map
    assert "lang=en" not in links[3] and 'hreflang="de"' in nav  # the switch to German
    de = text_of(client, url)
    switch = re.findall(r'href="([^"]+)"[^>]*hreflang="en"', de)
    assert switch and "lang=en" in switch[0]


def test_the_switch_keeps_the_page_and_its_query(client):
    html = text_of(client, "/planung?add=51.5,9.9&lang=en")
    switch = re.findall(r'href="([^"]+)"[^>]*hreflang="de"', html)[0]
    assert switch.startswith("/planung?") and "add=51.5" in switch and "lang" not in switch


@pytest.mark.parametrize(
    "query", ["_anchor=x", "_external=1", "_scheme=javascript", "lang=en&lang=de", "x=" + "ä" * 500]
)
def test_hostile_queries_do_not_break_the_switch(client, query):
    resp = client.get("/planung?" + query)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    switch = re.findall(r'href="([^"]+)"[^>]*hreflang="(?:en|de)"', html)[0]
    assert switch.startswith("/planung") and "javascript" not in switch


def test_the_strings_reach_the_scripts_as_json_not_markup(client):
    html = text_of(client, "/planung?lang=en")
    block = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html, re.S)
    assert block and '"pl_loading": "Computing the reach' in block.group(1)


def test_attribution_in_english_keeps_its_required_parts(client):
    html = text_of(client, "/planung?lang=en")
    attribution = re.search(r'data-attribution="([^"]+)"', html).group(1)
    for part in ("GeoBasis-DE / BKG", "dl-de/by-2-0", "Eurostat, Census 2021", "OpenStreetMap"):
        assert part in attribution
    assert "contributors (ODbL)" in attribution and "Mitwirkende" not in attribution
