"""The 100 m refinement: hand cases for the weighting rule and brute-force checks of the split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import build, dasymetric
from geo.dasymetric import DasymetricError, grouped_largest_remainder, refine

NO_BUILDINGS = {k: np.zeros(0) for k in ("x_3035", "y_3035", "footprint_m2",
                                          "footprint_residential_m2",
                                          "footprint_nonresidential_m2")}  # fmt: skip


def everywhere(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.ones(len(x), dtype=bool)


def buildings(*rows: tuple[int, int, float, float, float]) -> dict[str, np.ndarray]:
    """(x, y, footprint, residential, non-residential) per 100 m cell."""
    cols = np.array(rows, dtype=float).reshape(-1, 5).T
    keys = ("x_3035", "y_3035", "footprint_m2", "footprint_residential_m2",
            "footprint_nonresidential_m2")  # fmt: skip
    return dict(zip(keys, cols, strict=True))


def test_grouped_largest_remainder_hand_case():
    parts = grouped_largest_remainder(np.ones(5), np.array([0, 0, 0, 1, 1]), np.array([10, 3]))
    assert parts.tolist() == [4, 3, 3, 2, 1]


def test_grouped_largest_remainder_refuses_a_total_without_weight():
    with pytest.raises(DasymetricError, match="group 1 has 3"):
        grouped_largest_remainder(np.array([1.0, 0.0]), np.array([0, 1]), np.array([2, 3]))
    with pytest.raises(DasymetricError):
        grouped_largest_remainder(np.array([-1.0]), np.array([0]), np.array([1]))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.floats(0, 1e4, allow_nan=False)), min_size=1, max_size=60
    ),
    st.lists(st.integers(0, 10**6), min_size=5, max_size=5),
)
def test_grouped_largest_remainder_equals_one_split_per_group(members, totals):
    groups = np.array([g for g, _ in members])
    weights = np.array([w for _, w in members])
    totals = np.array(totals)
    has_weight = np.bincount(groups, weights=weights, minlength=5) > 0
    totals = np.where(has_weight, totals, 0)
    parts = grouped_largest_remainder(weights, groups, totals)
    for g in range(5):
        rows = np.flatnonzero(groups == g)
        if len(rows):
            # the same as the single-group method applied to the group alone (brute force)
            assert (
                parts[rows].tolist() == build.largest_remainder(weights[rows], totals[g]).tolist()
            )
        assert parts[rows].sum() == totals[g]


def test_rule_residential_first_then_other_then_non_residential_then_uniform():
    cells = np.array([[0, 0], [1000, 0], [2000, 0], [3000, 0]])
    counts = np.array([[100], [100], [100], [100]])
    b = buildings(
        # cell 0: a house in residential land use, a shed outside land use, a factory
        (0, 0, 100, 100, 0),
        (100, 0, 50, 0, 0),
        (200, 0, 500, 0, 500),
        # cell 1: farm buildings outside land use (two), and a warehouse
        (1000, 0, 30, 0, 0),
        (1100, 0, 10, 0, 0),
        (1200, 0, 900, 0, 900),
        # cell 2: only an industrial hall
        (2000, 0, 400, 0, 400),
        # cell 3: nothing
    )
    fine, rule = refine(cells, counts, b, everywhere)
    got = {(int(x), int(y)): int(c) for x, y, c in
           zip(fine["x_3035"], fine["y_3035"], fine["counts"][:, 0], strict=True)}  # fmt: skip
    assert rule.tolist() == [1, 2, 3, 4]
    assert got[(0, 0)] == 100 and (100, 0) not in got and (200, 0) not in got
    assert got[(1000, 0)] == 75 and got[(1100, 0)] == 25 and (1200, 0) not in got
    assert got[(2000, 0)] == 100
    uniform = {k: v for k, v in got.items() if 3000 <= k[0] < 4000}
    assert len(uniform) == 100 and set(uniform.values()) == {1}
    assert [dasymetric.WEIGHT_RULES[r - 1] for r in rule] == list(dasymetric.WEIGHT_RULES)


def test_uniform_spread_keeps_to_the_land_part_of_the_cell():
    west_half = lambda x, y: np.asarray(x) < 500  # noqa: E731 - a test stand-in for the state
    fine, _ = refine(np.array([[0, 0]]), np.array([[50]]), NO_BUILDINGS, west_half)
    assert (fine["x_3035"] < 500).all() and len(fine["x_3035"]) == 50
    assert fine["counts"].sum() == 50


def test_buildings_off_the_land_count_only_when_the_cell_has_none_on_it():
    b = buildings((0, 0, 100, 100, 0), (900, 0, 100, 100, 0))
    west = lambda x, y: np.asarray(x) < 500  # noqa: E731
    fine, _ = refine(np.array([[0, 0]]), np.array([[10]]), b, west)
    assert fine["x_3035"].tolist() == [0] and fine["counts"].sum() == 10
    nowhere = lambda x, y: np.zeros(len(x), dtype=bool)  # noqa: E731
    fine, _ = refine(np.array([[0, 0]]), np.array([[10]]), b, nowhere)
    assert sorted(fine["x_3035"].tolist()) == [0, 900]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0, 500), st.floats(0, 1),
                  st.floats(0, 1)),
        max_size=30,
    ),
    st.lists(st.integers(0, 5000), min_size=3, max_size=3),
)  # fmt: skip
def test_refine_sums_exactly_and_follows_the_weights(rows, bands):
    """Brute force: each band of the 1 km cell is split in proportion to the chosen layer."""
    seen = {}
    for i, j, fp, res_share, nonres_share in rows:
        nonres = fp * min(nonres_share, 1 - res_share)
        seen[(i * 100, j * 100)] = (fp, fp * res_share, nonres)
    b = buildings(*[(x, y, *v) for (x, y), v in seen.items()])
    counts = np.array([bands])
    fine, rule = refine(np.array([[0, 0]]), counts, b, everywhere)
    assert fine["counts"].sum(axis=0).tolist() == bands
    layers = np.array([[v[1], max(v[0] - v[1] - v[2], 0), v[2]] for v in seen.values()])
    if len(layers) and layers.sum() > 0:
        chosen = next(k for k in range(3) if layers[:, k].sum() > 0)
        assert rule[0] == chosen + 1
        weight = {xy: layers[n, chosen] for n, xy in enumerate(seen)}
        for x, y, c in zip(fine["x_3035"], fine["y_3035"], fine["counts"], strict=True):
            share = weight[(int(x), int(y))] / layers[:, chosen].sum()
            assert np.all(np.abs(c - share * np.array(bands)) < 1 + 1e-9)
    else:
        assert rule[0] == 4
