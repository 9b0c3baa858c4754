"""The whole /verwaltung flow in Chromium against gunicorn: sign in, upload a list with one bad
row, fix it, apply, mark the list as checked, and see the resident finder change without a
restart."""

from __future__ import annotations

import pytest

from app import create_app
from geo.store.accounts import create_account
from geo.web.store import store_engine
from tests.conftest import LIVE_DATABASE_URL

pytestmark = pytest.mark.browser
GOOD = "Nachbarschaftstreff am Test (Testdaten)"
OTHER = "Zweiter Treff (Testdaten)"


@pytest.fixture(scope="module")
def token():
    """An account for Göttingen in the live server's store."""
    app = create_app({"LOG_LEVEL": "WARNING", "DATABASE_URL": LIVE_DATABASE_URL})
    known = set(app.extensions["nk_datasets"].gemeinden["ags"])
    with app.app_context(), store_engine().begin() as conn:
        _, secret = create_account(conn, "Stadt Göttingen (Test)", "gemeinde", "03159016", known)
    return secret


def test_a_municipal_officer_keeps_the_map_current(open_page, token, tmp_path):
    from playwright.sync_api import expect

    page = open_page("/verwaltung/")
    expect(page.locator("h1")).to_have_text("Anmelden")
    page.fill("#token", token)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("main")).to_contain_text("Angemeldet als Stadt Göttingen (Test)")

    header = "Name;Art;Breitengrad;Längengrad;Telefon\n"
    bad = tmp_path / "liste.csv"
    bad.write_text(header + f"{GOOD};Nachbarschaftstreff;51,5290;9,9180;+49 551 1\n"
                   f"{OTHER};Kiosk;51,5300;9,9200;\n", encoding="utf-8")  # fmt: skip
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    rows = page.locator("#preview tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("fehlerhaft")
    expect(rows.nth(1)).to_contain_text("type")
    page.get_by_role("link", name="Zurück zur Übersicht").click()

    fixed = tmp_path / "liste-korrigiert.csv"
    fixed.write_text(header + f"{GOOD};Nachbarschaftstreff;51,5290;9,9180;+49 551 1\n"
                     f"{OTHER};Begegnungsstätte;51,5300;9,9200;\n", encoding="utf-8")  # fmt: skip
    page.set_input_files("#file", str(fixed))
    page.get_by_role("button", name="Vorschau anzeigen").click()
    expect(page.locator("#preview tbody tr[data-status='new']")).to_have_count(2)
    page.get_by_role("button", name="2 Einträge übernehmen").click()
    expect(page.locator(".admin-message.ok")).to_contain_text("Übernommen")
    expect(page.locator("#entries")).to_contain_text(GOOD)

    row = page.locator("#lists tr[data-ags='03159016'][data-category='treffpunkt']")
    row.get_by_role("button").click()
    expect(
        page.locator("#lists tr[data-ags='03159016'][data-category='treffpunkt'] .tier")
    ).to_contain_text("Liste geprüft am")

    # the resident finder, without a restart: the new entry with its phone number
    finder = open_page("/?lat=51.5290&lon=9.9180")
    finder.wait_for_selector("main[data-state='ready']")
    entry = finder.locator("#results > li", has_text=GOOD)
    expect(entry).to_have_count(1)
    assert entry.locator("a[href='tel:+495511']").count() == 1
    assert page.problems == [] and finder.problems == [] and finder.foreign == []
