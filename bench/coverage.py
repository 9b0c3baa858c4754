"""Coverage analysis against its peers, on identical inputs, in one run.

Usage: .venv/bin/python bench/coverage.py [--repeat N] [--skip-stress]
(needs the dev extras plus `pip install access` for the PySAL comparison)

Cases:
1. Full state: every category and type (14 selections) over all 29,701 populated cells:
   per-cell distances, coverage, 2SFCA, and the per-Quartier/Gemeinde/Kreis figures.
   Peer: the idiomatic geopandas way (sjoin_nearest, then groupby) for the same figures.
2. Stress: the state at 100 m (about 4.8 million demand points, population from the 1 km
   cell around each point / 100) against 5,000 facilities drawn from those points (seeded):
   distances, coverage and per-Gemeinde figures. Floor: bare cKDTree.query on the same
   points, which no exact method beats.
3. The coverage API: median time of a warm request (target < 100 ms).
4. 2SFCA: ours against PySAL `access` (two_stage_fca, its own Euclidean costs) on the cells
   and the curated Treffpunkte, same points for both, inputs built outside the timing.

Every comparison checks that the answers agree before it reports times and ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import coverage as cov  # noqa: E402
from geo.data import load_datasets  # noqa: E402
from geo.facilities import CATEGORIES, TYPES  # noqa: E402
from geo.planning import Selection, analyse, quartier_figures, unit_table  # noqa: E402
from geo.schema import AGE_65PLUS, AGE_U18, AGS, GRID_CRS, POPULATION  # noqa: E402


def best_of(repeat: int, func):
    """Run ``func`` ``repeat`` times; return (best seconds, last result)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, numpy {np.__version__}, geopandas {gpd.__version__}"
    )


def selections() -> list[Selection]:
    out = [Selection.parse(c, None, None) for c in CATEGORIES]
    out += [Selection.parse(None, t, None) for t in TYPES]
    return out


# --- 1. full state ---------------------------------------------------------------------------


def ours_full_state(data) -> dict:
    results = {}
    for sel in selections():
        analysis = analyse(data, sel)
        gem = unit_table(analysis, "gemeinde")
        kreis = unit_table(analysis, "kreis")
        quart = quartier_figures(analysis)  # every Stadtteil and every 1 km cell
        results[(sel.category, sel.type)] = (analysis, gem, kreis, quart)
    return results


def geopandas_full_state(data) -> dict:
    """The idiomatic way: sjoin_nearest for distances, then groupby for the figures."""
    cells = data.cells
    centres = gpd.GeoDataFrame(
        cells[[AGS, POPULATION, AGE_U18, AGE_65PLUS]],
        geometry=cells.geometry.centroid,
        crs=cells.crs,
    )
    results = {}
    for sel in selections():
        curated = centres[AGS].isin(data.ags_with_data(sel.category))
        fac = sel.facilities(data.facilities)[["geometry"]]
        joined = gpd.sjoin_nearest(centres, fac, how="left", distance_col="distance_m")
        joined = joined[~joined.index.duplicated(keep="first")]
        joined["distance_m"] = joined["distance_m"].fillna(np.inf)  # no facility at all
        joined["beyond"] = np.where(
            curated & (joined["distance_m"] > sel.threshold_m), joined[POPULATION], 0
        )
        joined["pd"] = joined[POPULATION] * joined["distance_m"]
        per = {}
        for level, key in (("gemeinde", joined[AGS]), ("kreis", joined[AGS].str[:5])):
            grouped = joined.groupby(key)
            table = grouped.agg(
                residents=(POPULATION, "sum"), beyond=("beyond", "sum"), pd=("pd", "sum")
            )
            table["mean_distance_m"] = table["pd"] / table["residents"]
            table["median_distance_m"] = grouped.apply(
                lambda g: _weighted_median_pandas(g["distance_m"], g[POPULATION]),
                include_groups=False,
            )
            per[level] = table
        results[(sel.category, sel.type)] = per
    return results


def _weighted_median_pandas(values: pd.Series, weights: pd.Series) -> float:
    order = np.argsort(values.to_numpy(), kind="stable")
    v, w = values.to_numpy()[order], weights.to_numpy()[order]
    keep = w > 0
    v, w = v[keep], w[keep]
    if len(v) == 0:
        return np.nan
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, cum[-1] / 2)])


def check_full_state(ours: dict, peer: dict, data) -> None:
    for key, (_, gem, kreis, _) in ours.items():
        curated = data.ags_with_data(key[0])
        mine_kreis = kreis.set_index("key")["beyond"].fillna(0)
        peer_kreis = peer[key]["kreis"]["beyond"].reindex(mine_kreis.index).fillna(0)
        assert np.allclose(mine_kreis, peer_kreis), key
        mine = gem.set_index("key")
        theirs = peer[key]["gemeinde"]
        idx = [a for a in sorted(curated) if a in theirs.index]
        assert np.allclose(mine.loc[idx, "beyond"], theirs.loc[idx, "beyond"]), key
        finite = mine.loc[idx, "mean_distance_m"].notna() & np.isfinite(
            theirs.loc[idx, "mean_distance_m"]
        )
        assert np.allclose(
            mine.loc[idx, "mean_distance_m"][finite], theirs.loc[idx, "mean_distance_m"][finite]
        ), key
        assert np.allclose(
            mine.loc[idx, "median_distance_m"][finite], theirs.loc[idx, "median_distance_m"][finite]
        ), key


# --- 2. stress -------------------------------------------------------------------------------


def stress_points(data, spacing_m: float = 100.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """100 m grid points in Niedersachsen (EPSG:3035 grid, returned in EPSG:25832)."""
    state = shapely.union_all(data.gemeinden.geometry.to_numpy())
    state_3035 = gpd.GeoSeries([state], crs=data.gemeinden.crs).to_crs(GRID_CRS).iloc[0]
    shapely.prepare(state_3035)
    xmin, ymin, xmax, ymax = state_3035.bounds
    xs = np.arange(np.floor(xmin / 1000) * 1000 + spacing_m / 2, xmax, spacing_m)
    ys = np.arange(np.floor(ymin / 1000) * 1000 + spacing_m / 2, ymax, spacing_m)
    keep_x, keep_y = [], []
    for y in ys:  # row by row keeps memory small
        inside = shapely.contains_xy(state_3035, xs, np.full(len(xs), y))
        keep_x.append(xs[inside])
        keep_y.append(np.full(int(inside.sum()), y))
    x3035, y3035 = np.concatenate(keep_x), np.concatenate(keep_y)
    # population: the 1 km cell around the point, spread evenly over its 100 sub-points
    cell_key = np.floor(y3035 / 1000).astype(np.int64) * 10_000 + np.floor(x3035 / 1000).astype(
        np.int64
    )
    grid = data.cells["grid_id"].str.extract(r"1kmN(\d+)E(\d+)").astype(np.int64)
    keys = grid[0].to_numpy() * 10_000 + grid[1].to_numpy()
    pop_by_key = pd.Series(data.cells[POPULATION].to_numpy(dtype=float), index=keys)
    pop_by_key = pop_by_key.groupby(level=0).sum()
    population = pop_by_key.reindex(cell_key).fillna(0).to_numpy() / 100
    pts = gpd.GeoSeries(gpd.points_from_xy(x3035, y3035), crs=GRID_CRS).to_crs(data.cells.crs)
    xy = shapely.get_coordinates(pts.to_numpy())
    p_idx, g_idx = shapely.STRtree(data.gemeinden.geometry.to_numpy()).query(
        pts.to_numpy(), predicate="intersects"
    )
    codes = np.zeros(len(xy), dtype=np.int64)  # index of the Gemeinde holding the point
    codes[p_idx] = g_idx
    return xy, population, codes


def ours_stress(demand_xy, population, codes, n, supply_xy, threshold_m) -> pd.DataFrame:
    distance, _ = cov.nearest_distance(demand_xy, supply_xy)
    covered = distance <= threshold_m
    residents = np.bincount(codes, weights=population, minlength=n)
    beyond = np.bincount(codes, weights=population * ~covered, minlength=n)
    mean = np.bincount(codes, weights=population * distance, minlength=n) / np.maximum(
        residents, 1e-12
    )
    median = cov.weighted_median(distance, population, codes, n)
    return pd.DataFrame(
        {
            "key": np.arange(n),
            "residents": residents,
            "beyond": beyond,
            "mean_distance_m": mean,
            "median_distance_m": median,
            "walk_min_max": np.full(n, cov.walk_minutes(distance.max())),
        }
    )


def floor_stress(demand_xy, supply_xy):
    return cKDTree(supply_xy).query(demand_xy, k=1, workers=-1)


# --- 3. 2SFCA against PySAL access -----------------------------------------------------------


def fca_inputs(data, sel: Selection):
    """The same points for both: cell centres with population, facilities with capacity 1."""
    cells = data.cells
    demand = gpd.GeoDataFrame(
        {"cell": np.arange(len(cells)), "pop": cells[POPULATION].to_numpy(dtype=float)},
        geometry=cells.geometry.centroid.to_numpy(),
        crs=cells.crs,
    )
    fac = sel.facilities(data.facilities)
    supply = gpd.GeoDataFrame(
        {"fac": np.arange(len(fac)), "cap": np.ones(len(fac))},
        geometry=fac.geometry.to_numpy(),
        crs=cells.crs,
    )
    return demand, supply


def access_2sfca(demand, supply, sel: Selection) -> np.ndarray:
    from access import Access

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc = Access(
            demand_df=demand,
            demand_index="cell",
            demand_value="pop",
            supply_df=supply,
            supply_index="fac",
            supply_value="cap",
        )
        acc.create_euclidean_distance(name="euclidean", threshold=sel.threshold_m + 1)
        result = acc.two_stage_fca(name="2sfca", cost="euclidean", max_cost=sel.threshold_m)
    values = result.reindex(demand["cell"]).fillna(0).to_numpy().ravel()
    return values * 10_000


def ours_2sfca(demand, supply, sel: Selection) -> np.ndarray:
    xy = shapely.get_coordinates(demand.geometry.to_numpy())
    sxy = shapely.get_coordinates(supply.geometry.to_numpy())
    return cov.two_step_fca(xy, demand["pop"].to_numpy(), sxy, sel.threshold_m)


def api_warm_request(repeat: int) -> None:
    """Median time of a warm /api/coverage request through Flask's test client."""
    from app import create_app

    client = create_app({"LOG_LEVEL": "WARNING"}).test_client()
    url = "/api/coverage?type=jugendzentrum&threshold_m=1500"
    assert client.get(url).status_code == 200  # warm: the analysis is now cached
    times = []
    for _ in range(max(20, repeat)):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - started)
    quartiere = "/api/coverage/03159016/quartiere?type=jugendzentrum&threshold_m=1500"
    client.get(quartiere)
    q_times = []
    for _ in range(max(20, repeat)):
        started = time.perf_counter()
        assert client.get(quartiere).status_code == 200
        q_times.append(time.perf_counter() - started)
    print(f"\n3. coverage API, warm, median of {len(times)} (target < 100 ms)")
    print(f"   {url}  {np.median(times) * 1000:6.1f} ms")
    print(f"   {quartiere}  {np.median(q_times) * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description="coverage benchmarks against peers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-stress", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    data = load_datasets(ROOT / "datasets")
    print(
        f"inputs: {len(data.cells):,} cells, {len(data.facilities)} facilities, "
        f"{len(selections())} selections"
    )

    t_ours, ours = best_of(args.repeat, lambda: ours_full_state(data))
    t_gpd, peer = best_of(1, lambda: geopandas_full_state(data))
    check_full_state(ours, peer, data)
    print("\n1. full state, all categories and types (answers agree)")
    print(f"   ours                      {t_ours:8.3f} s   (target < 1 s)")
    print(
        f"   geopandas sjoin_nearest   {t_gpd:8.3f} s   ratio {t_gpd / t_ours:6.1f}x (target >= 5x)"
    )

    if not args.skip_stress:
        xy, pop, codes = stress_points(data)
        n = len(data.gemeinden)
        rng = np.random.default_rng(42)
        supply = xy[rng.choice(len(xy), 5000, replace=False)]
        t_floor, (dist, _) = best_of(args.repeat, lambda: floor_stress(xy, supply))
        t_stress, table = best_of(args.repeat, lambda: ours_stress(xy, pop, codes, n, supply, 1000))
        check = pd.DataFrame({"g": codes, "p": pop, "b": pop * (dist > 1000)}).groupby("g").sum()
        mine = table.set_index("key").loc[check.index]
        assert np.allclose(mine["beyond"], check["b"]) and np.allclose(
            mine["residents"], check["p"]
        )
        some = check.index[:50]
        for g in some:  # medians against a plain sort
            sel = codes == g
            assert (
                mine.loc[g, "median_distance_m"]
                == _weighted_median_pandas(pd.Series(dist[sel]), pd.Series(pop[sel]))
                or pop[sel].sum() == 0
            )
        print(f"\n2. stress: {len(xy):,} demand points (100 m) x 5,000 facilities (answers agree)")
        print(f"   bare cKDTree.query floor  {t_floor:8.3f} s")
        print(
            f"   ours (distances, coverage, per-Gemeinde figures)"
            f" {t_stress:8.3f} s   ratio to floor {t_stress / t_floor:5.2f}x "
            "(targets < 3 s, <= 1.5x)"
        )

    api_warm_request(args.repeat)

    try:
        import access  # noqa: F401
    except ImportError:
        print("\n4. 2SFCA: PySAL access not installed (pip install access); skipped")
        return
    sel = Selection.parse("treffpunkt", None, None)
    demand, supply = fca_inputs(data, sel)
    t_mine, mine = best_of(args.repeat, lambda: ours_2sfca(demand, supply, sel))
    t_access, theirs = best_of(args.repeat, lambda: access_2sfca(demand, supply, sel))
    assert np.allclose(mine, theirs, rtol=1e-9, atol=1e-9), np.abs(mine - theirs).max()
    print(
        f"\n4. 2SFCA, {len(data.cells):,} cells x {len(sel.facilities(data.facilities))} "
        f"Treffpunkte, 1,000 m catchment (answers agree)"
    )
    print(f"   ours                      {t_mine:8.4f} s")
    print(
        f"   PySAL access              {t_access:8.3f} s   ratio {t_access / t_mine:6.0f}x "
        "(target >= 20x)"
    )


if __name__ == "__main__":
    main()
