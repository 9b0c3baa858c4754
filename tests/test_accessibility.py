"""axe-core (shipped inside the axe-playwright-python wheel) on every page: no violations.

axe checks what a machine can: colour contrast (WCAG AA), labels, roles, landmarks, zoom,
language. The keyboard and phone-width behaviour is tested in test_browser_finder.py.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def page(browser):
    # axe is injected as a script: let it past the page's own CSP (the pages keep theirs)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 860})
    try:
        yield context.new_page()
    finally:
        context.close()


def violations(axe, page) -> list[str]:
    result = axe.run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {v['nodes'][0]['target']}"
        for v in result.response["violations"]
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_finder_with_results(axe, page, live_server, lang):
    page.goto(f"{live_server}/?lang={lang}", wait_until="networkidle")
    page.fill("#where", "Goettingen")
    page.press("#where", "Enter")
    page.wait_for_selector("main[data-state='ready']")
    assert violations(axe, page) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_planner_with_a_gemeinde(axe, page, live_server, lang):
    page.goto(f"{live_server}/planung?lang={lang}", wait_until="networkidle")
    page.wait_for_selector("#planner[data-state='ready']")
    page.locator("path[data-ags='03159016']").click(force=True)
    page.wait_for_selector("path.quartier")
    assert violations(axe, page) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_density_map(axe, page, live_server, lang):
    page.goto(f"{live_server}/karte?lang={lang}", wait_until="networkidle")
    assert violations(axe, page) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_admin_sign_in_page(axe, page, live_server, lang):
    page.goto(f"{live_server}/verwaltung/anmelden?lang={lang}", wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == lang
    assert violations(axe, page) == []
