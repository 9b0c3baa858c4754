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


def test_statewide_map_draws_all_gemeinden(page, live_server):
    page.goto(live_server + "/", wait_until="networkidle")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("path.leaflet-interactive").count() == 964
    assert "GeoBasis-DE" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".legend").is_visible()
    # hovering a Gemeinde shows its tooltip
    page.locator("path.leaflet-interactive").nth(100).hover(force=True)
    page.wait_for_selector(".leaflet-tooltip")
    assert "AGS" in page.locator(".leaflet-tooltip").inner_text()
    assert page.problems == []
    assert page.foreign == []
