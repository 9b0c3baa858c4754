"""Coverage analysis: hand-checkable squares and brute force on random inputs (EPSG:25832)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box

from geo import coverage as cov
from geo import dasymetric
from geo.schema import AGE_65PLUS, AGE_U15, AGS, ANALYSIS_CRS, GRID_ID, POPULATION

X0, Y0 = 560_000.0, 5_710_000.0  # near Göttingen


def cells_grid(n: int = 2, pop: float = 100.0, ags: str = "03159016") -> gpd.GeoDataFrame:
    """n x n cells of 1 km; cell (i, j) has its lower-left corner at X0 + 1000 i, Y0 + 1000 j."""
    geoms, ids = [], []
    for i in range(n):
        for j in range(n):
            geoms.append(
                box(X0 + 1000 * i, Y0 + 1000 * j, X0 + 1000 * (i + 1), Y0 + 1000 * (j + 1))
            )
            ids.append(f"c{i}{j}")
    count = len(geoms)
    return gpd.GeoDataFrame(
        {
            GRID_ID: ids,
            AGS: [ags] * count,
            POPULATION: [pop] * count,
            AGE_U15: [pop / 5] * count,
            AGE_65PLUS: [pop / 4] * count,
        },
        geometry=geoms,
        crs=ANALYSIS_CRS,
    )


def demand_of(cells: gpd.GeoDataFrame, tiers: dict, areas: dict) -> cov.Demand:
    """The demand of test cells, placed at their centres."""
    centres = np.column_stack([cells.geometry.centroid.x, cells.geometry.centroid.y])
    counts = {c: cells[c].to_numpy() for c in (POPULATION, AGE_U15, AGE_65PLUS)}
    return cov.prepare_demand(centres, counts, tiers, areas)


def points(*xy: tuple[float, float]) -> np.ndarray:
    return np.array(xy, dtype=float).reshape(-1, 2)


def run(cells, supply, threshold, area=None, curated=frozenset({"03159016"}), unverified=()):
    """Coverage with ``curated`` Gemeinden checked, ``unverified`` ones from OSM, others no data."""
    codes = np.where(cells[AGS].isin(curated), 2, np.where(cells[AGS].isin(list(unverified)), 1, 0))
    demand = demand_of(cells, {"treffpunkt": codes}, {"treffpunkt": area})
    return demand, cov.cell_coverage(demand, supply, threshold, "treffpunkt")


def agg(cells, demand, result, keys):
    return cov.aggregate(demand, result, cov.Grouping.of(keys))


def test_facility_at_the_centre_of_a_2x2_km_square():
    cells = cells_grid(2)
    fac = points((X0 + 1000, Y0 + 1000))  # the common corner = centre of the square
    _, result = run(cells, fac, 800.0, box(X0, Y0, X0 + 2000, Y0 + 2000))
    # every cell centre is sqrt(500² + 500²) = 707.1 m away
    assert result.distance_m == pytest.approx([707.107] * 4, abs=1e-3)
    assert result.covered.all()
    assert result.walk_min[0] == pytest.approx(707.107 * 1.3 / 75, abs=1e-3)
    # the edge of the curated area is 500 m from every centre, nearer than the facility
    assert result.uncertain.all()
    # 2SFCA: one facility, 400 residents in its catchment -> 1/400 per resident = 25 per 10,000
    assert result.access_per_10k == pytest.approx([25.0] * 4)


def test_threshold_below_the_distance_makes_a_gap():
    cells = cells_grid(2)
    fac = points((X0 + 1000, Y0 + 1000))
    demand, result = run(cells, fac, 700.0)
    row = agg(cells, demand, result, cells[AGS]).iloc[0]
    assert row["residents"] == 400 and row["beyond"] == 400 and row["beyond_share"] == 1.0
    assert row[f"{AGE_U15}_beyond"] == 80 and row[f"{AGE_65PLUS}_beyond"] == 100
    assert row["mean_distance_m"] == pytest.approx(707.107, abs=1e-3)
    assert row["access_per_10k"] == 0.0  # 707 m > 700 m catchment
    assert row["status"] == "ok"


def test_gemeinden_without_curated_data_are_keine_daten_not_gaps():
    cells = pd.concat(
        [cells_grid(1, ags="03159016"), cells_grid(1, ags="03152012")], ignore_index=True
    )
    cells = gpd.GeoDataFrame(cells, crs=ANALYSIS_CRS)
    demand, result = run(cells, points((X0, Y0)), 100.0)
    table = agg(cells, demand, result, cells[AGS]).set_index("key")
    assert table.loc["03152012", "status"] == "keine_daten"
    assert np.isnan(table.loc["03152012", "beyond"])
    assert np.isnan(table.loc["03152012", "beyond_share"])
    assert table.loc["03159016", "status"] == "ok"
    kreis = agg(cells, demand, result, cells[AGS].str[:5]).set_index("key")
    assert kreis.loc["03159", "status"] == "ok"
    both = agg(cells, demand, result, pd.Series(["all", "all"])).iloc[0]
    assert both["status"] == "teilweise" and both["residents_with_data"] == 100


def test_no_facilities_at_all():
    cells = cells_grid(1)
    demand, result = run(cells, points(), 1000.0)
    assert np.isinf(result.distance_m).all() and not result.covered.any()
    row = agg(cells, demand, result, cells[AGS]).iloc[0]
    assert row["beyond"] == 100 and np.isnan(row["mean_distance_m"])


@pytest.mark.parametrize("bad", [0.0, -5.0, float("nan"), float("inf")])
def test_threshold_must_be_positive(bad):
    with pytest.raises(ValueError, match="threshold_m"):
        run(cells_grid(1), points((X0, Y0)), bad)


def test_distance_histogram_counts_residents_per_band():
    cells = cells_grid(2)
    demand, result = run(cells, points((X0 + 500, Y0 + 500)), 1000.0)
    # distances: 0, 1000, 1000, 1414
    hist = cov.distance_histogram(demand.population, result)
    by_band = {(h["from_m"], h["to_m"]): h["residents"] for h in hist}
    assert by_band[(0.0, 500.0)] == 100
    assert by_band[(1000.0, 2000.0)] == 300  # 1000 falls in [1000, 2000)
    assert sum(by_band.values()) == 400


def test_a_1km_cell_split_by_the_threshold_counts_partly_in_partly_out():
    """The artefact of judging a whole 1 km cell by its centre is gone at 100 m."""
    one = cells_grid(1, pop=1000)
    facility = points((X0 - 200, Y0 + 500))  # 200 m west of the cell, level with its centre
    # by its centre (700 m away) the whole cell is within 800 m, or wholly beyond 600 m
    _, coarse = run(one, facility, 800.0)
    assert coarse.covered.all()
    # spread over its 100 m cells (no buildings: evenly over the land part, here all of it)
    fine, _ = dasymetric.refine(
        np.array([[0, 0]]), np.array([[1000]]),
        {k: np.zeros(0) for k in ("x_3035", "y_3035", "footprint_m2",
                                  "footprint_residential_m2", "footprint_nonresidential_m2")},
        lambda x, y: np.ones(len(x), dtype=bool),
    )  # fmt: skip
    assert len(fine["x_3035"]) == 100 and fine["counts"].sum() == 1000
    squares = [box(X0 + x, Y0 + y, X0 + x + 100, Y0 + y + 100)
               for x, y in zip(fine["x_3035"], fine["y_3035"], strict=True)]  # fmt: skip
    sub = gpd.GeoDataFrame(
        {AGS: ["03159016"] * 100, POPULATION: fine["counts"][:, 0],
         AGE_U15: [0] * 100, AGE_65PLUS: [0] * 100},
        geometry=squares, crs=ANALYSIS_CRS,
    )  # fmt: skip
    demand, result = run(sub, facility, 800.0)
    table = agg(sub, demand, result, sub[AGS]).iloc[0]
    assert 0 < table["beyond"] < 1000
    # brute force: the 100 m centres farther than 800 m from the facility, 10 residents each
    centres = np.column_stack([sub.geometry.centroid.x, sub.geometry.centroid.y])
    far = np.hypot(*(centres - facility[0]).T) > 800.0
    assert table["beyond"] == pytest.approx(10 * far.sum())


def test_gemeinde_figures_added_up_from_quartier_sums_equal_a_direct_pass():
    cells = cells_grid(3)
    cells[POPULATION] = np.arange(1.0, 10.0) * 100
    cells[AGS] = ["03159016"] * 3 + ["03159017"] * 3 + ["03159018"] * 3
    demand, result = run(cells, points((X0 + 500, Y0 + 500)), 1200.0, None,
                         frozenset({"03159016"}), unverified=("03159017",))  # fmt: skip
    quartiere = cov.Grouping.of(cells[AGS] + "-" + cells[GRID_ID].str[2])  # three per Gemeinde
    gemeinden = quartiere.coarsen(lambda q: q[:8])
    fine = cov.UnitSums.of(demand, result, quartiere.codes, len(quartiere.keys))
    nested = cov.aggregate(demand, result, gemeinden,
                           fine.coarsen(gemeinden.parent_of_finer, len(gemeinden.keys)))  # fmt: skip
    direct = cov.aggregate(demand, result, cov.Grouping.of(cells[AGS]))
    pd.testing.assert_frame_equal(nested.set_index("key"), direct.set_index("key"))
    assert nested.set_index("key")["tier"].to_dict() == {
        "03159016": "geprueft", "03159017": "osm_ungeprueft", "03159018": "keine_daten"}  # fmt: skip


# --- brute force cross-checks ---------------------------------------------------------------

coords = st.floats(0, 20_000, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(st.tuples(coords, coords), min_size=1, max_size=40),
    supply=st.lists(st.tuples(coords, coords), min_size=1, max_size=15),
)
def test_nearest_distance_matches_brute_force(demand, supply):
    d, i = cov.nearest_distance(np.array(demand), np.array(supply))
    full = np.hypot(
        *(np.array(demand)[:, None, :] - np.array(supply)[None, :, :]).transpose(2, 0, 1)
    )
    assert d == pytest.approx(full.min(axis=1))
    assert np.allclose(full[np.arange(len(demand)), i], d)


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(st.tuples(coords, coords, st.integers(0, 500)), min_size=1, max_size=30),
    supply=st.lists(st.tuples(coords, coords), min_size=0, max_size=10),
    catchment=st.floats(100, 15_000),
)
def test_two_step_fca_matches_brute_force(demand, supply, catchment):
    dxy = np.array([(x, y) for x, y, _ in demand], dtype=float)
    pop = np.array([p for _, _, p in demand], dtype=float)
    sxy = np.array(supply, dtype=float).reshape(-1, 2)
    expected = np.zeros(len(dxy))
    for sx, sy in sxy:
        near = np.hypot(dxy[:, 0] - sx, dxy[:, 1] - sy) <= catchment
        served = pop[near].sum()
        if served > 0:
            expected[near] += 1.0 / served
    assert cov.two_step_fca(dxy, pop, sxy, catchment) == pytest.approx(expected * 10_000)


def test_two_step_fca_counts_a_facility_standing_on_a_cell_centre():
    """Distance 0 is within every catchment; hand-checkable ratios."""
    dxy = np.array([[0.0, 0.0], [600.0, 0.0], [5000.0, 0.0]])
    pop = np.array([100.0, 300.0, 50.0])
    sxy = np.array([[0.0, 0.0]])
    # the facility serves the 400 residents within 1 km: 10,000 / 400 = 25 per 10,000
    assert cov.two_step_fca(dxy, pop, sxy, 1000.0).tolist() == [25.0, 25.0, 0.0]
    demand = cov.prepare_demand(
        dxy, {"population": pop, AGE_U15: pop, AGE_65PLUS: pop},
        {"treffpunkt": np.full(3, 1)}, {"treffpunkt": None},
    )  # fmt: skip
    assert cov.cell_coverage(demand, sxy, 1000.0, "treffpunkt").access_per_10k.tolist() == [
        25.0, 25.0, 0.0,
    ]  # fmt: skip


def brute_weighted_median(values, weights):
    pairs = sorted((v, w) for v, w in zip(values, weights, strict=True) if w > 0)
    if not pairs:
        return np.nan
    half = sum(w for _, w in pairs) / 2
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


values_st = st.floats(0, 1e4) | st.sampled_from([0.0, 5.0, 1e4])  # ties and extremes


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(values_st, st.integers(0, 50), st.integers(0, 3)), min_size=1, max_size=300),
    st.sampled_from([1, 3, 16, 1024]),
)
def test_weighted_median_matches_brute_force(rows, bins):
    values = np.array([v for v, _, _ in rows])
    weights = np.array([w for _, w, _ in rows], dtype=float)
    groups = np.array([g for _, _, g in rows])
    got = cov.weighted_median(values, weights, groups, bins=bins)
    for g in range(groups.max() + 1):
        want = brute_weighted_median(values[groups == g], weights[groups == g])
        assert (np.isnan(want) and np.isnan(got[g])) or got[g] == pytest.approx(want)


@settings(max_examples=40, deadline=None)
@given(
    pops=st.lists(st.integers(0, 1000), min_size=9, max_size=9),
    fac=st.lists(st.tuples(st.floats(0, 3000), st.floats(0, 3000)), min_size=0, max_size=4),
    threshold=st.floats(200, 3000),
)
def test_aggregate_matches_brute_force(pops, fac, threshold):
    cells = cells_grid(3)
    cells[POPULATION] = np.array(pops, dtype=float)
    cells[AGE_U15] = cells[POPULATION] / 2
    cells[AGE_65PLUS] = cells[POPULATION] / 10
    cells[AGS] = [
        "03159016",
        "03159016",
        "03159016",
        "03159017",
        "03159017",
        "03159017",
        "03159018",
        "03159018",
        "03159018",
    ]
    facilities = points(*[(X0 + x, Y0 + y) for x, y in fac])
    demand, result = run(cells, facilities, threshold, None, frozenset({"03159016", "03159017"}))
    table = agg(cells, demand, result, cells[AGS]).set_index("key")
    centres = np.array([(g.centroid.x, g.centroid.y) for g in cells.geometry])
    for ags, group in cells.groupby(AGS):
        rows = group.index
        d = np.array(
            [
                min((np.hypot(cx - (X0 + x), cy - (Y0 + y)) for x, y in fac), default=np.inf)
                for cx, cy in centres[rows]
            ]
        )
        pop = group[POPULATION].to_numpy()
        if ags == "03159018":
            assert table.loc[ags, "status"] == "keine_daten"
            continue
        beyond = pop[d > threshold].sum()
        assert table.loc[ags, "beyond"] == pytest.approx(beyond)
        assert table.loc[ags, f"{AGE_U15}_beyond"] == pytest.approx(beyond / 2)
        if pop.sum() > 0:
            assert table.loc[ags, "beyond_share"] == pytest.approx(beyond / pop.sum())
        if fac and pop.sum() > 0:
            assert table.loc[ags, "mean_distance_m"] == pytest.approx((pop * d).sum() / pop.sum())
            assert table.loc[ags, "median_distance_m"] == pytest.approx(
                brute_weighted_median(d, pop)
            )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 60), st.sampled_from([300.0, 1000.0, 5000.0]))
def test_block_nearest_equals_brute_force(seed, n_supply, spread):
    """The block shortcut of Demand.nearest gives exactly the brute-force nearest facility."""
    rng = np.random.default_rng(seed)
    xy = np.vstack([rng.uniform(0, 20_000, (400, 2)),
                    rng.normal(5000, spread, (200, 2))])  # fmt: skip
    supply = rng.uniform(0, 20_000, (n_supply, 2))
    supply[: n_supply // 3] = xy[: n_supply // 3]  # facilities on cells and duplicates
    tiers = {"treffpunkt": np.full(len(xy), 2)}
    counts = {c: np.ones(len(xy)) for c in (POPULATION, AGE_U15, AGE_65PLUS)}
    demand = cov.prepare_demand(xy, counts, tiers, {"treffpunkt": None})
    distance, index = demand.nearest(supply)
    brute = np.hypot(*(xy[:, None, :] - supply[None, :, :]).transpose(2, 0, 1))
    assert np.allclose(distance, brute.min(axis=1))
    assert np.allclose(brute[np.arange(len(xy)), index], brute.min(axis=1))
