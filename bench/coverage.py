"""Coverage analysis against its peers, on identical inputs, in one run.

Usage: .venv/bin/python bench/coverage.py [--repeat N] [--skip-stress]
(needs the dev extras plus `pip install access` for the PySAL comparison)

Cases:
0. Start-up (``create_app`` in a fresh interpreter, imports included; target < 3 s) and the
   size of the committed datasets (target < 25 MB).
1. Full state: every category and type (14 selections) over the 430,470 populated 100 m
   cells: per-cell distances, coverage, 2SFCA, and the per-Quartier/Gemeinde/Kreis figures
   (target: all < 5 s). Peer: the idiomatic geopandas way (sjoin_nearest, then groupby and a
   vectorised weighted median per Quartier, Gemeinde and Kreis; distances only where there
   are data, as ours) on the same 100 m points (target: ours >= 5x faster).
2. Stress: every 100 m point of the state (about 4.8 million, the residents of our 100 m
   cells, 0 elsewhere) against 5,000 facilities drawn from those points (seeded):
   distances, coverage and per-Gemeinde figures. Floor: bare cKDTree.query on the same
   points, which no exact method beats.
3. The coverage API for the whole state: the first request of each selection in a fresh app
   (cold, target < 0.5 s) and the median of repeated requests (warm, target < 50 ms).
4. 2SFCA: ours against PySAL `access` (two_stage_fca, its own Euclidean costs) on the 100 m
   cells and the Treffpunkte, same points for both, inputs built outside the timing.

Every comparison checks that the answers agree before it reports times and ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
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
from geo.schema import (  # noqa: E402
    AGE_65PLUS,
    AGE_U15,
    AGS,
    ANALYSIS_CRS,
    GRID_CRS,
    POPULATION,
    X_3035,
    Y_3035,
)


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
        quart = quartier_figures(analysis)  # every Quartier of the state
        results[(sel.category, sel.type)] = (analysis, gem, kreis, quart)
    return results


def geopandas_full_state(data) -> dict:
    """The idiomatic way: sjoin_nearest for distances, then groupby for the figures."""
    cells = data.cells
    centres = gpd.GeoDataFrame(
        # keys as pandas' own string type, as read_csv gives them (ours keeps them as objects)
        cells[[AGS, "quartier_id", POPULATION, AGE_U15, AGE_65PLUS]].astype({AGS: "str"}),
        geometry=gpd.points_from_xy(data.demand.xy[:, 0], data.demand.xy[:, 1]),
        crs=ANALYSIS_CRS,
    )
    results = {}
    for sel in selections():
        curated = centres[AGS].isin(data.ags_with_data(sel.category))
        fac = sel.facilities(data.facilities)[["geometry"]]
        # like ours, measure distances only where there are data
        measured = gpd.sjoin_nearest(centres[curated], fac, how="left", distance_col="distance_m")
        joined = centres.join(measured[["distance_m"]], how="left")
        joined = joined[~joined.index.duplicated(keep="first")]
        joined["distance_m"] = joined["distance_m"].fillna(np.inf)  # no facility at all
        joined["beyond"] = np.where(
            curated & (joined["distance_m"] > sel.threshold_m), joined[POPULATION], 0
        )
        joined["pd"] = joined[POPULATION] * joined["distance_m"]
        per = {}
        levels = (("quartier", joined["quartier_id"]), ("gemeinde", joined[AGS]),
                  ("kreis", joined[AGS].str[:5]))  # fmt: skip
        for level, key in levels:
            grouped = joined.groupby(key)
            table = grouped.agg(
                residents=(POPULATION, "sum"), beyond=("beyond", "sum"), pd=("pd", "sum")
            )
            table["mean_distance_m"] = table["pd"] / table["residents"]
            table["median_distance_m"] = _weighted_medians_pandas(
                key, joined["distance_m"], joined[POPULATION]
            )
            per[level] = table
        results[(sel.category, sel.type)] = per
    return results


def _weighted_medians_pandas(key: pd.Series, values: pd.Series, weights: pd.Series) -> pd.Series:
    """Weighted lower median per group the vectorised pandas way: sort, cumulate, pick."""
    frame = pd.DataFrame({"key": key, "v": values, "w": weights})
    frame = frame[(frame["w"] > 0) & np.isfinite(frame["v"])]
    frame = frame.sort_values(["key", "v"], kind="stable")
    cum = frame.groupby("key")["w"].cumsum()
    half = frame.groupby("key")["w"].transform("sum") / 2
    return frame[cum >= half].groupby("key")["v"].first()


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
    for key, (_, gem, kreis, quart) in ours.items():
        mine_q = quart.set_index("quartier_id")
        theirs_q = peer[key]["quartier"]
        with_data = mine_q.index[mine_q["status"] != "keine_daten"]
        assert np.allclose(mine_q.loc[with_data, "beyond"], theirs_q.loc[with_data, "beyond"])
        medians = theirs_q.loc[with_data, "median_distance_m"]
        assert np.allclose(mine_q.loc[medians.dropna().index, "median_distance_m"],
                           medians.dropna()), key  # fmt: skip
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
    # population: the residents of our 100 m cell at the point (0 where nobody lives)
    point_key = np.floor(y3035 / 100).astype(np.int64) * 100_000 + np.floor(x3035 / 100).astype(
        np.int64
    )
    cell_key = (data.cells[Y_3035].to_numpy() // 100) * 100_000 + data.cells[X_3035] // 100
    pop_by_key = pd.Series(data.cells[POPULATION].to_numpy(dtype=float), index=cell_key)
    pop_by_key = pop_by_key.groupby(level=0).sum()
    population = pop_by_key.reindex(point_key).fillna(0).to_numpy()
    pts = gpd.GeoSeries(gpd.points_from_xy(x3035, y3035), crs=GRID_CRS).to_crs(ANALYSIS_CRS)
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
        geometry=gpd.points_from_xy(data.demand.xy[:, 0], data.demand.xy[:, 1]),
        crs=ANALYSIS_CRS,
    )
    fac = sel.facilities(data.facilities)
    supply = gpd.GeoDataFrame(
        {"fac": np.arange(len(fac)), "cap": np.ones(len(fac))},
        geometry=fac.geometry.to_numpy(),
        crs=ANALYSIS_CRS,
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


def startup_and_size() -> None:
    """create_app in a fresh interpreter (imports included), best of 3; dataset folder size."""
    code = (
        "import time; t = time.perf_counter(); from app import create_app; "
        "create_app({'LOG_LEVEL': 'WARNING'}); print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()[-1])
        for _ in range(3)
    ]  # fmt: skip
    size = sum(p.stat().st_size for p in (ROOT / "datasets").rglob("*") if p.is_file())
    print("\n0. start-up and size")
    print(f"   create_app, fresh interpreter, best of 3  {min(runs):6.2f} s   (target < 3 s)")
    print(f"   committed datasets                        {size / 1e6:6.1f} MB  (target < 25 MB)")


def api_requests(repeat: int) -> None:
    """Whole-state /api/coverage through Flask's test client: cold per selection, then warm."""
    from app import create_app

    client = create_app({"LOG_LEVEL": "WARNING"}).test_client()
    urls = [f"/api/coverage?category={c}" for c in CATEGORIES]
    urls += [f"/api/coverage?type={t}" for t in TYPES]
    cold = []
    for url in urls:  # the first request of a selection computes its analysis
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold.append(time.perf_counter() - started)
    warm = []
    for _ in range(max(20, repeat)):
        started = time.perf_counter()
        assert client.get(urls[0]).status_code == 200
        warm.append(time.perf_counter() - started)
    quartiere = "/api/coverage/03241001/quartiere?category=treffpunkt"
    client.get(quartiere)
    q_times = []
    for _ in range(max(20, repeat)):
        started = time.perf_counter()
        assert client.get(quartiere).status_code == 200
        q_times.append(time.perf_counter() - started)
    print(f"\n3. coverage API, whole state, {len(urls)} selections")
    print(f"   cold, first request per selection: median {np.median(cold) * 1000:6.1f} ms, "
          f"max {max(cold) * 1000:6.1f} ms   (target < 500 ms)")  # fmt: skip
    print(f"   warm {urls[0]}, median of {len(warm)}: {np.median(warm) * 1000:6.1f} ms   "
          "(target < 50 ms)")  # fmt: skip
    print(f"   warm {quartiere}: {np.median(q_times) * 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description="coverage benchmarks against peers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-stress", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    startup_and_size()
    data = load_datasets(ROOT / "datasets")
    print(
        f"inputs: {len(data.cells):,} cells, {len(data.facilities)} facilities, "
        f"{len(selections())} selections"
    )  # cells: the populated 100 m cells

    t_ours, ours = best_of(args.repeat, lambda: ours_full_state(data))
    t_gpd, peer = best_of(1, lambda: geopandas_full_state(data))
    check_full_state(ours, peer, data)
    print("\n1. full state, all categories and types (answers agree)")
    print(f"   ours                      {t_ours:8.3f} s   (target < 5 s)")
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

    api_requests(args.repeat)

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
