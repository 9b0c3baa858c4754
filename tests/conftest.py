"""Shared fixtures: the app on the committed datasets, its test client, and a live server.

The committed datasets are the fixtures for API and integrity tests; their sources and
licences are written in datasets/README.md. Unit tests build their own tiny shapes.
"""

from __future__ import annotations

import csv
import os
import sys

if os.environ.get("NK_WITHOUT_PYARROW"):  # before pandas is imported: as if not installed
    sys.modules["pyarrow"] = None  # type: ignore[assignment]

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import settings

from app import create_app
from tests.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
# Every app of the test session (and the live server) keeps its store in a throwaway SQLite
# file, never in the project's instance/ folder.
os.environ.setdefault("NK_SECRET_KEY", "test-session-key")
os.environ.setdefault(
    "NK_DATABASE_URL", f"sqlite:///{Path(tempfile.mkdtemp(prefix='nk-store-')) / 'store.sqlite'}"
)
# the live server's own store: what its browser tests change stays out of the other apps
# (kept in the environment: test modules importing this file get the same path as pytest)
LIVE_DATABASE_URL = os.environ.setdefault(
    "NK_TEST_LIVE_DATABASE_URL",
    f"sqlite:///{Path(tempfile.mkdtemp(prefix='nk-live-')) / 'store.sqlite'}",
)

# CI runs the property tests on hypothesis' fixed example sequence so a red build always
# reproduces; locally they explore new random examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
CHROMIUM = Path(os.environ.get("NK_CHROMIUM", "/usr/bin/chromium"))
# the street base map, read in place from the raw data (make basemap copies it for make run)
RAW_BASEMAP = ROOT.parent / "shared/data/basemap/niedersachsen_openmaptiles_2021.pmtiles"


@pytest.fixture(scope="session")
def app():
    """The app on the committed datasets (loaded once for the whole session)."""
    return create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING"})


@pytest.fixture
def client(app):
    return app.test_client()


HOSTILE_NAME = "<img src=x onerror=alert(1)>"
# a test entry (not real) with every field a municipal list may have, for the contact card
FULL_NAME = "Testeintrag Nachbarschaftstreff"
FULL_ENTRY = {
    "Träger": "Testträger e. V.",
    "Straße": "Teststraße",
    "Hausnummer": "1",
    "PLZ": "37081",
    "Ort": "Göttingen",
    "Öffnungszeiten": "Tu,Th 09:00-12:00; PH off",
    "Barrierefrei": "yes",
    "Sprachen": "de;tr;ar",
    "Telefon": "+49 551 000000",
    "E-Mail": "treff@example.org",
    "Webseite": "https://example.org/treff",
}


def copy_datasets(target: Path) -> Path:
    """Copy the committed datasets to ``target`` so a test may change them."""
    shutil.copytree(ROOT / "datasets", target)
    return target


@pytest.fixture(scope="session")
def hostile_data_dir(tmp_path_factory) -> Path:
    """The committed datasets plus two facilities imported the normal way: one with a hostile
    name, and a test entry with every field filled in as a municipal list would (`FULL_ENTRY`)."""
    data_dir = copy_datasets(tmp_path_factory.mktemp("hostile") / "datasets")
    source = data_dir.parent / "hostile.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Name", "Art", "Breitengrad", "Längengrad", *FULL_ENTRY])
        writer.writerow(
            [HOSTILE_NAME, "Stadtteiltreff", "51,5339", "9,9355"] + [""] * len(FULL_ENTRY)
        )
        writer.writerow([FULL_NAME, "Stadtteiltreff", "51,5290", "9,9110", *FULL_ENTRY.values()])
    app = create_app({"DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"})
    result = app.test_cli_runner().invoke(args=["facilities", "import", str(source)])
    assert result.exit_code == 0, result.output
    return data_dir


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, hostile_data_dir) -> Iterator[str]:
    """gunicorn serving the app on a free loopback port; always stopped afterwards.

    It serves the committed datasets plus one hostile facility name (see hostile_data_dir).
    """
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    env = {"NK_TILE_URL": "", "NK_LOG_LEVEL": "WARNING", "NK_DATA_DIR": str(hostile_data_dir),
           "NK_BASEMAP": str(RAW_BASEMAP), "NK_COOKIE_SECURE": "0",
           "NK_DATABASE_URL": LIVE_DATABASE_URL}  # fmt: skip
    with gunicorn(["--workers", "1"], env, log) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; no download of another browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                # WebGL for the vector base map, drawn on the CPU (no GPU in CI)
                "--use-angle=swiftshader",
                "--enable-unsafe-swiftshader",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """Open a path of the live server at a viewport and locale; the page collects script errors
    (``page.problems``) and requests to other hosts (``page.foreign``)."""
    contexts = []

    def _open(path: str, width: int = 1280, height: int = 800, locale: str = "de-DE"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.problems, page.foreign = [], []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        host = urlparse(live_server).netloc
        page.on(
            "request",
            lambda r: (
                page.foreign.append(r.url) if urlparse(r.url).netloc not in {host, ""} else None
            ),
        )
        page.on("dialog", lambda d: (page.problems.append("dialog: " + d.message), d.dismiss()))
        page.goto(live_server + path, wait_until="networkidle")
        if path.startswith("/planung"):
            page.wait_for_selector("#planner[data-state='ready']")
        return page

    yield _open
    for context in contexts:
        context.close()
