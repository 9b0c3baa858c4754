"""Shared fixtures: the app on the committed datasets, its test client, and a live server.

The committed datasets are the fixtures for API and integrity tests; their sources and
licences are written in datasets/README.md. Unit tests build their own tiny shapes.
"""

from __future__ import annotations

import os
import sys

if os.environ.get("NK_WITHOUT_PYARROW"):  # before pandas is imported: as if not installed
    sys.modules["pyarrow"] = None  # type: ignore[assignment]

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from app import create_app
from tests.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent

# CI runs the property tests on hypothesis' fixed example sequence so a red build always
# reproduces; locally they explore new random examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
CHROMIUM = Path(os.environ.get("NK_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def app():
    """The app on the committed datasets (loaded once for the whole session)."""
    return create_app({"TESTING": True, "TILE_URL": "", "LOG_LEVEL": "WARNING"})


@pytest.fixture
def client(app):
    return app.test_client()


HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def copy_datasets(target: Path) -> Path:
    """Copy the committed datasets to ``target`` so a test may change them."""
    shutil.copytree(ROOT / "datasets", target)
    return target


@pytest.fixture(scope="session")
def hostile_data_dir(tmp_path_factory) -> Path:
    """The committed datasets plus one facility with a hostile name, imported the normal way."""
    data_dir = copy_datasets(tmp_path_factory.mktemp("hostile") / "datasets")
    csv_text = f'Name;Art;Breitengrad;Längengrad\n"{HOSTILE_NAME}";Stadtteiltreff;51,5339;9,9355\n'
    source = data_dir.parent / "hostile.csv"
    source.write_text(csv_text, encoding="utf-8")
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
    env = {"NK_TILE_URL": "", "NK_LOG_LEVEL": "WARNING", "NK_DATA_DIR": str(hostile_data_dir)}
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
                "--disable-gpu",
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
