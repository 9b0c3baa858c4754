"""Edge distances stored by the build: read back only for what they were measured for."""

from __future__ import annotations

import gzip
import io
import json

import numpy as np
import pandas as pd
import pytest

from geo.data import TIERS_NAME, edge_fingerprints, load_datasets
from geo.edges import (
    EDGES_META_NAME,
    EDGES_NAME,
    area_fingerprint,
    cells_fingerprint,
    read_edges,
    write_edges,
)
from geo.tiers import NO_DATA, VERIFIED
from tests.conftest import ROOT, copy_datasets

X = np.array([4353300, 4353400, 4353500])
Y = np.array([3235500, 3235500, 3235500])
CELLS = cells_fingerprint(X, Y)
AREAS = {"treffpunkt": area_fingerprint(["03159016", "03159017"]), "beratung": area_fingerprint([])}
EDGES = {"treffpunkt": np.array([12.4, 2500.6, np.inf]), "beratung": np.full(3, np.inf)}


def test_round_trip_in_whole_metres(tmp_path):
    write_edges(tmp_path, EDGES, CELLS, AREAS)
    got = read_edges(tmp_path, 3, CELLS, AREAS)
    assert got["treffpunkt"].tolist() == [12.0, 2501.0, np.inf]
    assert got["beratung"].tolist() == [np.inf] * 3


def test_rewriting_gives_the_same_bytes(tmp_path):
    write_edges(tmp_path, EDGES, CELLS, AREAS)
    first = [(tmp_path / n).read_bytes() for n in (EDGES_NAME, EDGES_META_NAME)]
    write_edges(tmp_path, EDGES, CELLS, AREAS)
    assert [(tmp_path / n).read_bytes() for n in (EDGES_NAME, EDGES_META_NAME)] == first


def test_fingerprints_depend_on_what_they_say():
    assert area_fingerprint(["b", "a"]) == area_fingerprint(["a", "b"])
    assert area_fingerprint(["a"]) != area_fingerprint(["a", "b"])
    assert cells_fingerprint(X, Y) != cells_fingerprint(X[::-1], Y)


def test_only_categories_measured_for_the_same_area_are_read(tmp_path):
    write_edges(tmp_path, EDGES, CELLS, AREAS)
    other = {**AREAS, "treffpunkt": area_fingerprint(["03159016"])}
    assert set(read_edges(tmp_path, 3, CELLS, other)) == {"beratung"}
    assert read_edges(tmp_path, 3, cells_fingerprint(X + 100, Y), AREAS) == {}
    assert read_edges(tmp_path, 4, CELLS, AREAS) == {}  # another number of cells


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return gzip.compress(buffer.getvalue(), mtime=0)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (EDGES_META_NAME, b"{not json"),
        (EDGES_META_NAME, b"[]"),
        (EDGES_META_NAME, json.dumps({"cells": CELLS, "areas": "x", "columns": []}).encode()),
        (EDGES_META_NAME, json.dumps({"cells": CELLS, "areas": AREAS, "columns": 3}).encode()),
        (EDGES_NAME, b"\x1f\x8b garbage"),
        (EDGES_NAME, b"not even gzip"),
        (EDGES_NAME, _npy(np.zeros((2, 2), dtype="<i4"))),  # too few cells
        (EDGES_NAME, _npy(np.zeros((3, 2), dtype="<f8"))),  # another type
        (EDGES_NAME, _npy(np.zeros((10**6, 2), dtype="<i4"))),  # far too many: not read
        (EDGES_NAME, _npy(np.zeros((3, 2), dtype="<i4"))[:-12]),  # cut short
        (EDGES_NAME, gzip.compress(b"\x93NUMPY\x01\x00" + b"v" * 100, mtime=0)),  # bad header
    ],
)
def test_broken_files_are_ignored_not_fatal(tmp_path, name, content):
    write_edges(tmp_path, EDGES, CELLS, AREAS)
    (tmp_path / name).write_bytes(content)
    assert read_edges(tmp_path, 3, CELLS, AREAS) == {}


def test_negative_distances_are_not_trusted(tmp_path):
    write_edges(tmp_path, {"treffpunkt": np.array([-5.0, 1.0, 2.0])}, CELLS, AREAS)
    assert read_edges(tmp_path, 3, CELLS, AREAS) == {}  # -5 is below the "no data" mark


def test_missing_files_are_measured(tmp_path):
    assert read_edges(tmp_path, 3, CELLS, AREAS) == {}


@pytest.fixture(scope="module")
def committed():
    return load_datasets(ROOT / "datasets")


def test_stored_edges_equal_a_fresh_measurement(tmp_path, committed):
    data_dir = copy_datasets(tmp_path / "datasets")
    for name in (EDGES_NAME, EDGES_META_NAME):
        (data_dir / name).unlink()
    fresh = load_datasets(data_dir)
    for category, stored in committed.demand.edges_m.items():
        assert np.array_equal(fresh.demand.edges_m[category], stored), category


def test_changed_tiers_measure_their_edges_again(tmp_path, committed):
    """Beratung is listed for the pilot only: remove one pilot Gemeinde's entry and its
    cells lose data, the others' edge moves; meeting places keep the stored distances."""
    data_dir = copy_datasets(tmp_path / "datasets")
    tiers = pd.read_csv(data_dir / TIERS_NAME, dtype=str, keep_default_na=False)
    beratung = tiers[(tiers["category"] == "beratung") & (tiers["tier"] != NO_DATA)]
    dropped = beratung["ags"].iloc[0]
    tiers = tiers[~((tiers["category"] == "beratung") & (tiers["ags"] == dropped))]
    tiers.to_csv(data_dir / TIERS_NAME, index=False)
    changed = load_datasets(data_dir)
    assert np.array_equal(changed.demand.edges_m["treffpunkt"],
                          committed.demand.edges_m["treffpunkt"])  # fmt: skip
    cells_ags = np.asarray(changed.cells["ags"])
    gone = cells_ags == dropped
    assert np.isinf(changed.demand.edges_m["beratung"][gone]).all()
    still = np.isfinite(committed.demand.edges_m["beratung"]) & ~gone
    assert still.any()
    # the edge of the smaller area is nowhere farther than the old edge
    assert (changed.demand.edges_m["beratung"][still]
            <= committed.demand.edges_m["beratung"][still]).all()  # fmt: skip
    assert (
        edge_fingerprints(changed.cells, changed.tiers)[1]["beratung"]
        != (edge_fingerprints(committed.cells, committed.tiers)[1]["beratung"])
    )


def test_a_checked_list_keeps_the_measured_edges(committed):
    """Declaring an OSM list checked changes the tier, not the area: no new measurement."""
    tiers = committed.tiers.copy()
    row = tiers.index[(tiers["category"] == "treffpunkt") & (tiers["tier"] != NO_DATA)][0]
    tiers.loc[row, "tier"] = VERIFIED
    after = committed.with_tiers(tiers)
    for category, edges in committed.demand.edges_m.items():
        assert after.demand.edges_m[category] is edges
    assert after.demand.tree is committed.demand.tree  # the cells did not move either
    emptied = committed.tiers[committed.tiers["category"] != "beratung"]
    assert np.isinf(committed.with_tiers(emptied).demand.edges_m["beratung"]).all()
