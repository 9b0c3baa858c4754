"""Per-unit sums and medians (geo.groups) against plain numpy, in and out of unit order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.groups import Grouping, group_sums, is_sorted, weighted_median
from tests.test_coverage import brute_weighted_median

rows_st = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 40), st.floats(0, 5e4)),
                   min_size=0, max_size=200)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(rows_st, st.booleans())
def test_sums_and_medians_equal_brute_force_sorted_or_not(rows, sort):
    if sort:
        rows = sorted(rows)
    codes = np.array([g for g, _, _ in rows], dtype=np.int64)
    weights = np.array([w for _, w, _ in rows], dtype=float)
    values = np.array([v for _, _, v in rows], dtype=float)
    n = 8
    sums = group_sums({"w": weights, "wv": weights * values, "one": 1.0}, codes, n)
    assert np.allclose(sums["w"], np.bincount(codes, weights=weights, minlength=n))
    assert np.allclose(sums["wv"], np.bincount(codes, weights=weights * values, minlength=n))
    assert sums["one"].tolist() == np.bincount(codes, minlength=n).tolist()
    got = weighted_median(values, weights, codes, n)
    for g in range(n):
        want = brute_weighted_median(values[codes == g], weights[codes == g])
        assert (np.isnan(want) and np.isnan(got[g])) or got[g] == want


def test_a_grouping_knows_whether_its_units_are_runs():
    assert Grouping.of(np.array(["a", "a", "b", "c", "c"])).contiguous
    assert not Grouping.of(np.array(["a", "b", "a"])).contiguous
    assert is_sorted(np.array([], dtype=np.int64)) and not is_sorted(np.array([2, 1]))


def test_medians_of_equal_values_and_of_one_value():
    codes = np.array([0, 0, 0, 1])
    got = weighted_median(np.array([7.0, 7.0, 7.0, 3.0]), np.array([1.0, 5.0, 1.0, 2.0]), codes)
    assert got.tolist() == [7.0, 3.0]
