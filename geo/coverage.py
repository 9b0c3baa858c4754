"""Coverage analysis: who lives beyond reach of a facility, per cell, Quartier, Gemeinde, Kreis.

Pure functions: frames and arrays in EPSG:25832 in, new frames out; no Flask, no paths.

Method (also in the planner page's method note):

- Demand is the 1 km population cells (Zensus 2011 distribution scaled to 2022), placed at
  the cell centre; supply is the facilities of the chosen category or type.
- Distance is the straight line from the cell centre to the nearest facility (k-d tree).
  Walking minutes = distance x `DETOUR_FACTOR` / `WALK_M_PER_MIN`.
- A cell is covered when its distance is within the threshold (defaults per category in
  `DEFAULT_THRESHOLD_M`).
- Only Gemeinden with curated facility data count; cells elsewhere are "keine Daten", never
  a gap. A curated cell is *uncertain* when the edge of the curated area is nearer than its
  nearest facility: a closer facility could lie beyond that edge.
- 2SFCA (two-step floating catchment area, Luo & Wang 2003) with the threshold as catchment:
  each facility's ratio is 1 / residents within its catchment; a cell's supply ratio is the sum
  of the ratios of the facilities within its catchment, reported per 10,000 residents.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.schema import AGE_65PLUS, AGE_U18, AGS, GRID_ID, NAME, POPULATION, QUARTIER_ID

__all__ = [
    "DEFAULT_THRESHOLD_M",
    "DETOUR_FACTOR",
    "DISTANCE_BANDS_M",
    "WALK_M_PER_MIN",
    "CellCoverage",
    "aggregate",
    "cell_coverage",
    "distance_histogram",
    "nearest_distance",
    "quartier_keys",
    "two_step_fca",
    "walk_minutes",
    "weighted_median",
]

# Treffpunkte are everyday places: 1 km is about a 15-minute walk, the reach used for
# neighbourhood facilities in German planning guidance. Counselling is visited rarely and
# by appointment, often by bus: 5 km.
DEFAULT_THRESHOLD_M = {"treffpunkt": 1000.0, "beratung": 5000.0}
DETOUR_FACTOR = 1.3  # network / straight-line distance for walking in German towns (~1.2-1.4)
WALK_M_PER_MIN = 75.0  # 4.5 km/h, a conservative pace that includes older pedestrians
DISTANCE_BANDS_M = (500.0, 1000.0, 2000.0, 5000.0, 10000.0)  # histogram edges, metres

STATUS_OK, STATUS_PARTIAL, STATUS_NO_DATA = "ok", "teilweise", "keine_daten"


def nearest_distance(
    demand_xy: np.ndarray, supply_xy: np.ndarray, workers: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line distance (m) from each demand point to the nearest supply point.

    Returns ``(distance_m, index)``; with no supply every distance is ``inf`` and index -1.

    >>> d, i = nearest_distance(np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([[3.0, 4.0]]))
    >>> d.tolist(), i.tolist()
    ([5.0, 8.06225774829855], [0, 0])
    """
    demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    supply_xy = np.asarray(supply_xy, dtype=float).reshape(-1, 2)
    if len(supply_xy) == 0:
        return np.full(len(demand_xy), np.inf), np.full(len(demand_xy), -1)
    distance, index = cKDTree(supply_xy).query(demand_xy, k=1, workers=workers)
    return distance, index.astype(np.int64)


def walk_minutes(distance_m: np.ndarray) -> np.ndarray:
    """Estimated walking time for a straight-line distance (detour factor and pace above)."""
    return np.asarray(distance_m, dtype=float) * DETOUR_FACTOR / WALK_M_PER_MIN


def two_step_fca(
    demand_xy: np.ndarray, population: np.ndarray, supply_xy: np.ndarray, catchment_m: float
) -> np.ndarray:
    """2SFCA supply ratio per demand point, in facilities per 10,000 residents.

    Step 1: each facility's ratio is 1 / (residents within ``catchment_m``), 0 when nobody
    lives there. Step 2: a point's value is the sum of the ratios of the facilities within
    ``catchment_m``. Every facility has capacity 1.
    """
    demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    population = np.asarray(population, dtype=float)
    supply_xy = np.asarray(supply_xy, dtype=float).reshape(-1, 2)
    if len(supply_xy) == 0 or len(demand_xy) == 0:
        return np.zeros(len(demand_xy))
    pairs = cKDTree(supply_xy).sparse_distance_matrix(
        cKDTree(demand_xy), catchment_m, output_type="ndarray"
    )
    fac, dem = pairs["i"], pairs["j"]
    served = np.bincount(fac, weights=population[dem], minlength=len(supply_xy)).astype(float)
    ratio = np.divide(1.0, served, out=np.zeros(len(served)), where=served > 0)
    return np.bincount(dem, weights=ratio[fac], minlength=len(demand_xy)) * 10_000


def weighted_median(values: np.ndarray, weights: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Weighted median of ``values`` per group code 0..G-1 (lower median; NaN if no weight)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    groups = np.asarray(groups)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    out = np.full(n_groups, np.nan)
    keep = weights > 0
    values, weights, groups = values[keep], weights[keep], groups[keep]
    if len(values) == 0:
        return out
    order = np.lexsort((values, groups))
    values, weights, groups = values[order], weights[order], groups[order]
    cum = np.cumsum(weights)
    starts = np.searchsorted(groups, np.arange(n_groups), side="left")
    ends = np.searchsorted(groups, np.arange(n_groups), side="right")
    has = ends > starts
    before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    total = cum[np.maximum(ends - 1, 0)] - before
    target = before + total / 2
    # first position in the group whose cumulative weight reaches half the group's weight
    pos = np.searchsorted(cum, target[has], side="left")
    out[has] = values[np.minimum(pos, ends[has] - 1)]
    return out


@dataclass(frozen=True)
class CellCoverage:
    """Per-cell results, aligned with the input cells (same order)."""

    frame: pd.DataFrame  # distance_m, walk_min, covered, has_data, uncertain, access_per_10k
    threshold_m: float


def cell_coverage(
    cells: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    threshold_m: float,
    curated_area: shapely.Geometry | None,
    curated_ags: frozenset[str],
) -> CellCoverage:
    """Distances and coverage for every population cell.

    Parameters
    ----------
    cells : GeoDataFrame
        Population cells in EPSG:25832 with ``ags``, ``population``, ``u18``, ``a65plus``.
    facilities : GeoDataFrame
        The chosen facilities (points, EPSG:25832).
    threshold_m : float
        Reach in metres; a cell is covered when its nearest facility is at most this far.
    curated_area : shapely geometry or None
        Union of the Gemeinden with curated data (for the edge test); None if there are none.
    curated_ags : frozenset of str
        AGS of the Gemeinden with curated data.

    Returns
    -------
    CellCoverage
        ``distance_m``, ``walk_min``, ``covered``, ``has_data``, ``uncertain`` and
        ``access_per_10k`` per cell; cells without data have ``covered`` False and count
        neither as covered nor as a gap in aggregates.
    """
    if not np.isfinite(threshold_m) or threshold_m <= 0:
        raise ValueError(f"threshold_m must be a positive number of metres, not {threshold_m}")
    if cells.crs != facilities.crs:
        raise ValueError(f"cells ({cells.crs}) and facilities ({facilities.crs}) differ in CRS")
    centres = shapely.centroid(cells.geometry.to_numpy())
    demand_xy = shapely.get_coordinates(centres)
    supply_xy = shapely.get_coordinates(facilities.geometry.to_numpy())
    distance, _ = nearest_distance(demand_xy, supply_xy)
    has_data = cells[AGS].isin(curated_ags).to_numpy()
    if curated_area is not None and has_data.any():
        edge = np.full(len(cells), np.inf)
        edge[has_data] = shapely.distance(shapely.boundary(curated_area), centres[has_data])
        uncertain = has_data & (edge < distance)
    else:
        uncertain = np.zeros(len(cells), dtype=bool)
    population = cells[POPULATION].to_numpy(dtype=float)
    access = two_step_fca(demand_xy, population, supply_xy, threshold_m)
    frame = pd.DataFrame(
        {
            "distance_m": distance,
            "walk_min": walk_minutes(distance),
            "covered": has_data & (distance <= threshold_m),
            "has_data": has_data,
            "uncertain": uncertain,
            "access_per_10k": access,
        },
        index=cells.index,
    )
    return CellCoverage(frame=frame, threshold_m=float(threshold_m))


def aggregate(cells: pd.DataFrame, coverage: CellCoverage, keys: pd.Series) -> pd.DataFrame:
    """Sum the per-cell results per unit (Quartier, Gemeinde or Kreis).

    Returns one row per key with: ``residents``, ``residents_with_data``, ``beyond``
    (residents beyond the threshold, data cells only), ``beyond_share``, the same for
    ``u18`` and ``a65plus``, ``mean_distance_m`` and ``median_distance_m``
    (population-weighted, data cells), ``access_per_10k`` (population-weighted mean 2SFCA),
    ``uncertain_residents`` and ``status`` (ok, teilweise, keine_daten).
    """
    cov = coverage.frame
    codes, uniques = pd.factorize(keys.to_numpy())
    n = len(uniques)
    pop = cells[POPULATION].to_numpy(dtype=float)
    data = cov["has_data"].to_numpy()
    gap = data & ~cov["covered"].to_numpy()
    dist = cov["distance_m"].to_numpy()

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n)

    residents = total(pop)
    with_data = total(pop * data)
    finite = data & np.isfinite(dist)
    weighted_dist = total(pop * np.where(finite, dist, 0.0))
    finite_pop = total(pop * finite)
    out = pd.DataFrame({"key": uniques, "residents": residents, "residents_with_data": with_data})
    out["beyond"] = total(pop * gap)
    for col in (AGE_U18, AGE_65PLUS):
        values = cells[col].to_numpy(dtype=float)
        out[col] = total(values)
        out[f"{col}_beyond"] = total(values * gap)
        out[f"{col}_beyond_share"] = _share(out[f"{col}_beyond"], total(values * data))
    out["beyond_share"] = _share(out["beyond"], with_data)
    out["mean_distance_m"] = np.where(
        finite_pop > 0, weighted_dist / np.maximum(finite_pop, 1), np.nan
    )
    out["median_distance_m"] = (
        weighted_median(np.where(finite, dist, np.nan), pop * finite, codes)[:n] if n else []
    )
    out["access_per_10k"] = _share(total(pop * cov["access_per_10k"].to_numpy() * data), with_data)
    out["uncertain_residents"] = total(pop * cov["uncertain"].to_numpy())
    data_cells = total(data.astype(float))
    all_cells = total(np.ones(len(codes)))
    out["status"] = np.select(
        [data_cells == 0, data_cells < all_cells], [STATUS_NO_DATA, STATUS_PARTIAL], STATUS_OK
    )
    no_data = out["status"] == STATUS_NO_DATA
    out.loc[no_data, "beyond"] = np.nan
    for col in (AGE_U18, AGE_65PLUS):
        out.loc[no_data, f"{col}_beyond"] = np.nan
    return out


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    return np.divide(part, whole, out=np.full_like(part, np.nan), where=whole > 0)


def distance_histogram(
    cells: pd.DataFrame, coverage: CellCoverage, bands_m: tuple[float, ...] = DISTANCE_BANDS_M
) -> list[dict[str, float | None]]:
    """Residents (data cells only) per distance band: ``[{"from_m", "to_m", "residents"}]``."""
    cov = coverage.frame
    data = cov["has_data"].to_numpy()
    dist = cov["distance_m"].to_numpy()[data]
    pop = cells[POPULATION].to_numpy(dtype=float)[data]
    edges = [0.0, *bands_m, np.inf]
    idx = np.searchsorted(np.asarray(bands_m), dist, side="right")
    counts = np.bincount(idx, weights=pop, minlength=len(edges) - 1)
    return [
        {"from_m": lo, "to_m": None if np.isinf(hi) else hi, "residents": float(c)}
        for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]


def quartier_keys(cells: gpd.GeoDataFrame, quartiere: gpd.GeoDataFrame) -> pd.DataFrame:
    """The Quartier of each cell: the Stadtteil holding its centre, otherwise the cell itself.

    Returns ``quartier_id`` and ``quartier_name`` aligned with ``cells``.
    """
    centres = shapely.centroid(cells.geometry.to_numpy())
    ids = cells[GRID_ID].astype(str).to_numpy().astype(object)
    names = np.array([f"Rasterzelle {g}" for g in ids], dtype=object)
    if len(quartiere):
        cell_idx, q_idx = shapely.STRtree(quartiere.geometry.to_numpy()).query(
            centres, predicate="within"
        )
        same_city = cells[AGS].to_numpy()[cell_idx] == quartiere[AGS].to_numpy()[q_idx]
        cell_idx, q_idx = cell_idx[same_city], q_idx[same_city]
        ids[cell_idx] = quartiere[QUARTIER_ID].to_numpy()[q_idx]
        names[cell_idx] = quartiere[NAME].to_numpy()[q_idx]
    return pd.DataFrame({QUARTIER_ID: ids, "quartier_name": names}, index=cells.index)
