"""Unit tests of the build steps on shapes small enough to check by hand (EPSG:25832)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely import box

from geo import build
from geo.schema import AGE_BANDS, AGS, ANALYSIS_CRS, ARS, GEMEINDEFREI, IMPUTED, POPULATION


def frame(rows: dict, geoms: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=ANALYSIS_CRS)


def test_ags_from_ars_drops_the_verband_digits():
    assert build.ags_from_ars(pd.Series(["031590016016"])).tolist() == ["03159016"]


def test_harmonise_merges_old_units_into_the_new_key():
    # Two 1 km squares (old Gemeinden) merged into "b"; a third stays "a". The coarse new
    # outlines are shifted by 100 m: assignment goes by largest overlap, not exact fit.
    old = frame({}, [box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)])
    new = frame({ARS: ["a", "b"]}, [box(0, 0, 1100, 1000), box(1100, 0, 3000, 1000)])
    merged, report = build.harmonise_keys(old, new)
    merged = merged.set_index(ARS)
    assert merged.loc["a"].geometry.area == pytest.approx(1e6)
    assert merged.loc["b"].geometry.area == pytest.approx(2e6)
    by_key = report.set_index(ARS)
    assert by_key.loc["a", "area_diff_share"] == pytest.approx(1.0 / 1.1 - 1)
    assert by_key.loc["b", "area_new_km2"] == pytest.approx(2.0)


def test_harmonise_fails_when_a_new_key_gets_no_polygon():
    old = frame({}, [box(0, 0, 1000, 1000)])
    new = frame({ARS: ["a", "b"]}, [box(0, 0, 1000, 1000), box(5000, 0, 6000, 1000)])
    with pytest.raises(build.BuildError, match=r"receive no polygon.*'b'"):
        build.harmonise_keys(old, new)


def test_harmonise_rejects_mixed_crs():
    old = frame({}, [box(0, 0, 1, 1)]).to_crs("EPSG:3035")
    new = frame({ARS: ["a"]}, [box(0, 0, 1, 1)])
    with pytest.raises(build.BuildError, match="CRS differ"):
        build.harmonise_keys(old, new)


def test_largest_remainder_hand_case():
    assert build.largest_remainder(np.array([1.0, 1.0, 1.0]), 10).tolist() == [4, 3, 3]
    assert build.largest_remainder(np.array([5.0, 0.0]), 7).tolist() == [7, 0]
    assert build.largest_remainder(np.array([1.0, 2.0]), 0).tolist() == [0, 0]


@given(
    st.lists(st.floats(0, 1e5, allow_nan=False), min_size=1, max_size=40).filter(
        lambda w: sum(w) > 0
    ),
    st.integers(0, 10**7),
)
def test_largest_remainder_sums_exactly_and_stays_within_one(weights, total):
    parts = build.largest_remainder(np.array(weights), total)
    assert parts.sum() == total
    exact = np.array(weights) / sum(weights) * total
    assert np.all(np.abs(parts - exact) < 1 + 1e-9)


def test_largest_remainder_rejects_zero_weights():
    with pytest.raises(build.BuildError):
        build.largest_remainder(np.array([0.0, 0.0]), 3)


def _cells(ags: list[str], totals: list[int], bands: list[tuple[int, int, int]]) -> pd.DataFrame:
    data = {AGS: ags, "total": totals}
    for j, col in enumerate(AGE_BANDS):
        data[col] = [b[j] for b in bands]
    return pd.DataFrame(data)


def test_scale_cells_hits_2022_totals_per_gemeinde_in_whole_numbers():
    cells = _cells(["A", "A", "B"], [100, 300, 50], [(20, 60, 20), (0, 300, 0), (10, 30, 10)])
    scaled = build.scale_cells(cells, pd.Series({"A": 200, "B": 51}))
    assert scaled[POPULATION].tolist() == [50, 150, 51]
    assert scaled.groupby(AGS)[POPULATION].sum().to_dict() == {"A": 200, "B": 51}
    # bands follow the cell's own mix and add up to its residents: 50 as 20:60:20 = 10/30/10
    assert scaled.loc[0, list(AGE_BANDS)].tolist() == [10, 30, 10]
    assert scaled.loc[1, list(AGE_BANDS)].tolist() == [0, 150, 0]
    assert (scaled[list(AGE_BANDS)].sum(axis=1) == scaled[POPULATION]).all()
    assert "total" not in scaled.columns
    assert "total" in cells.columns  # input untouched


def test_scale_cells_gives_a_cell_without_band_counts_the_mix_of_its_gemeinde():
    # the census noise leaves cells with residents but no band counts
    cells = _cells(["A", "A"], [10, 4], [(2, 6, 2), (0, 0, 0)])
    scaled = build.scale_cells(cells, pd.Series({"A": 14}))
    assert scaled.loc[1, list(AGE_BANDS)].tolist() == [1, 2, 1]


def test_scale_cells_spreads_evenly_when_a_gemeinde_has_no_census_residents():
    scaled = build.scale_cells(_cells(["A", "A"], [0, 0], [(0, 0, 0)] * 2), pd.Series({"A": 3}))
    assert sorted(scaled[POPULATION].tolist()) == [1, 2]
    assert (scaled[list(AGE_BANDS)].sum(axis=1) == scaled[POPULATION]).all()


def test_assign_cells_centre_in_free_area_goes_to_overlapping_inhabited():
    gem = frame(
        {AGS: ["01", "02", "99"], GEMEINDEFREI: [False, False, True]},
        [box(0, 0, 1000, 3000), box(3000, 0, 5000, 3000), box(1000, 0, 3000, 3000)],
    )
    squares = gpd.GeoSeries(
        [
            box(0, 0, 1000, 1000),  # centre in 01
            box(1700, 0, 2700, 1000),  # centre in free area, overlaps nothing inhabited
            box(600, 1000, 1600, 2000),  # centre in free area, overlaps 01 by 400 m
            box(6000, 0, 7000, 1000),  # centre outside everything: nearest is 02
        ],
        crs=ANALYSIS_CRS,
    )
    result = build.assign_cells_to_gemeinden(squares, gem).tolist()
    # the second square overlaps no inhabited Gemeinde; from its centre 02 is 800 m away, 01 1200 m
    assert result == ["01", "02", "01", "02"]


def test_impute_adds_a_cell_for_a_gemeinde_without_cells():
    gem = frame(
        {AGS: ["03100001", "03100002"], GEMEINDEFREI: [False, False]},
        [box(400000, 5700000, 402000, 5702000), box(402000, 5700000, 404000, 5702000)],
    )
    cells = frame(
        {AGS: ["03100001"], POPULATION: [10], **dict(zip(AGE_BANDS, ([2], [6], [2]), strict=True))},
        [box(400000, 5700000, 401000, 5701000)],
    )
    out = build.impute_missing_cells(cells, gem, pd.Series({"03100001": 10, "03100002": 7}))
    assert out[IMPUTED].tolist() == [False, True]
    added = out.iloc[1]
    assert added[AGS] == "03100002" and added[POPULATION] == 7
    assert sum(added[c] for c in AGE_BANDS) == 7
    # 7 as 2:6:2 (the mix of the Kreis) is 1.4/4.2/1.4: the spare unit goes to the first tie
    assert [added[c] for c in AGE_BANDS] == [2, 4, 1]
    assert added.geometry.intersects(gem.geometry.iloc[1].representative_point())
