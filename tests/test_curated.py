"""The curated Göttingen facilities: valid, sourced, logged, and their coverage declared."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.data import read_coverage, read_facilities
from geo.facilities import TYPES, validate_facilities

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def test_curated_facilities_pass_validation_unchanged(app):
    facilities = read_facilities(DATASETS / "facilities.csv")
    gemeinden = app.extensions["nk_datasets"].gemeinden
    result = validate_facilities(facilities, gemeinden)
    assert result.problems == []
    pd.testing.assert_frame_equal(result.valid, facilities.astype("string"))


def test_curated_facilities_are_enough_and_sourced():
    facilities = read_facilities(DATASETS / "facilities.csv")
    curated = facilities[facilities["source"].str.startswith("osm-vectortile:")]
    assert len(curated) >= 60
    assert (curated["licence"].str.contains("ODbL")).all()
    assert set(curated["type"]) <= set(TYPES)
    assert curated["source"].is_unique and curated["id"].is_unique
    # nothing beyond what the source says: no addresses, hours or contacts were invented
    for field in ["street", "housenumber", "postcode", "opening_hours", "website", "phone"]:
        assert (curated[field] == "").all(), field


def test_every_curated_row_has_a_logged_decision():
    facilities = read_facilities(DATASETS / "facilities.csv")
    log = pd.read_csv(
        DATASETS / "curation/goettingen_decisions.csv", keep_default_na=False, dtype=str
    )
    assert set(log["decision"]) == {"keep", "leave_out"}
    assert (log["reason"] != "").all()
    assert (log.loc[log["decision"] == "keep", "type"] != "").all()
    kept = log[log["decision"] == "keep"]
    assert len(kept) == (facilities["source"].str.startswith("osm-vectortile:")).sum()
    assert set(kept["name"]) <= set(facilities["name"])
    assert (log["layer"] == "candidates").sum() == 101  # every candidate was reviewed


def test_coverage_is_declared_for_goettingen():
    coverage = read_coverage(DATASETS / "facility_coverage.csv")
    assert "03159016" in set(coverage["ags"])
    assert coverage["ags"].str.fullmatch(r"\d{8}").all()
