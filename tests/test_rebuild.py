"""The build script reproduces the committed dataset from ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.data import CELLS_1KM_NAME, CELLS_100M_NAME, GAZETTEER_NAME, GPKG_NAME, read_layer
from geo.edges import EDGES_META_NAME, EDGES_NAME
from geo.schema import LAYER_GEMEINDEN, LAYER_GEMEINDEN_DISPLAY, LAYER_ORTE, LAYER_QUARTIERE
from scripts.build_datasets import main as build_main
from scripts.build_facilities import main as build_facilities_main
from tests.conftest import copy_datasets

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT.parent / "shared" / "data"


def test_rebuild_gives_the_committed_content(tmp_path):
    if not RAW.is_dir():
        pytest.fail(f"raw data not found at {RAW}: the build test needs ../shared/data")
    out = tmp_path / GPKG_NAME
    assert build_main(["--raw", str(RAW), "--out", str(out)]) == 0
    for layer in (LAYER_GEMEINDEN, LAYER_GEMEINDEN_DISPLAY, LAYER_QUARTIERE, LAYER_ORTE):
        fresh = read_layer(out, layer)
        committed = read_layer(ROOT / "datasets" / GPKG_NAME, layer)
        pd.testing.assert_frame_equal(
            fresh.drop(columns="geometry"), committed.drop(columns="geometry")
        )
        # the same shapes, whatever vertex order another GEOS version produces
        apart_m = fresh.geometry.hausdorff_distance(committed.geometry)
        assert (apart_m < 0.01).all(), f"{layer}: {int((apart_m >= 0.01).sum())} shapes differ"
    # the population grids and the Quartier decisions, byte for byte (gzip without a timestamp)
    for name in (CELLS_1KM_NAME, CELLS_100M_NAME, GAZETTEER_NAME, "curation/quartiere_decisions.csv",
                 "harmonisation_report.csv"):  # fmt: skip
        fresh = (tmp_path / name).read_bytes()
        assert fresh == (ROOT / "datasets" / name).read_bytes(), f"{name} differs from a rebuild"


def test_build_reports_missing_raw_files(tmp_path, capsys):
    assert build_main(["--raw", str(tmp_path), "--out", str(tmp_path / "x.gpkg")]) == 1
    assert "missing raw input files" in capsys.readouterr().err
    assert not (tmp_path / "x.gpkg").exists()


def test_rebuild_gives_the_committed_facilities_tiers_and_decisions(tmp_path):
    if not RAW.is_dir():
        pytest.fail(f"raw data not found at {RAW}: the build test needs ../shared/data")
    data = copy_datasets(tmp_path / "datasets")
    (data / "facilities.csv").unlink()  # rebuilt from the raw extracts alone
    for name in (EDGES_NAME, EDGES_META_NAME):  # measured afresh, not read back
        (data / name).unlink()
    assert build_facilities_main(["--raw", str(RAW), "--data", str(data)]) == 0
    for name in [
        "facilities.csv",
        "data_tiers.csv",
        "curation/osm2021_decisions.csv",
        "README.md",  # the counts per Kreis and type
    ]:
        fresh = (data / name).read_text(encoding="utf-8")
        committed = (ROOT / "datasets" / name).read_text(encoding="utf-8")
        assert fresh == committed, f"{name} differs from a fresh build"
    for name in (EDGES_NAME, EDGES_META_NAME):
        assert (data / name).read_bytes() == (ROOT / "datasets" / name).read_bytes(), name
