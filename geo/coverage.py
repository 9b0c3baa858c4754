"""Coverage analysis: who lives beyond reach of a facility, per cell, Quartier, Gemeinde, Kreis.

Pure functions: frames and arrays in EPSG:25832 in, new frames out; no Flask, no paths.

Method (also in the planner page's method note):

- Demand is the residents per 100 m cell (Zensus 2022 1 km grid scaled to the Gemeinde totals
  and spread over the 100 m cells by residential building footprint, `geo.dasymetric`), placed
  at the cell centre; supply is the facilities of the chosen category or type.
- Distance is the straight line from the cell centre to the nearest facility (k-d tree).
  Walking minutes = distance x `DETOUR_FACTOR` / `WALK_M_PER_MIN`.
- A cell is covered when its distance is within the threshold (defaults per category in
  `DEFAULT_THRESHOLD_M`).
- Every cell carries the data tier of its Gemeinde for the category (`geo.tiers`): cells
  with ``keine_daten`` are never a gap; ``osm_ungeprueft`` cells count, but their gaps are
  possible gaps. A cell with data is *uncertain* when the edge of the area with data is nearer
  than its nearest facility: a closer facility could lie beyond that edge.
- 2SFCA (two-step floating catchment area, Luo & Wang 2003) with the threshold as catchment:
  each facility's ratio is 1 / residents within its catchment; a cell's supply ratio is the sum
  of the ratios of the facilities within its catchment, reported per 10,000 residents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.groups import Grouping, group_sums, weighted_median
from geo.schema import AGE_65PLUS, AGE_U15
from geo.tiers import NO_DATA, TIER_CODES, TIERS, UNVERIFIED

__all__ = [
    "BLOCK_M",
    "DEFAULT_THRESHOLD_M",
    "DETOUR_FACTOR",
    "DISTANCE_BANDS_M",
    "WALK_M_PER_MIN",
    "Blocks",
    "CellCoverage",
    "Demand",
    "Grouping",
    "UnitSums",
    "aggregate",
    "cell_coverage",
    "distance_histogram",
    "distance_to_edge",
    "fca_from_pairs",
    "nearest_distance",
    "pairs_within",
    "prepare_demand",
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
    fac, dem = pairs_within(cKDTree(demand_xy), supply_xy, catchment_m)
    return fca_from_pairs(fac, dem, population, len(supply_xy))


def pairs_within(
    tree: cKDTree, points_xy: np.ndarray, radius_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Every (point, tree point) index pair at most ``radius_m`` apart, by point.

    One ball query per point, in parallel: for a few hundred facilities against 430,000 cells
    this is 5-50 times faster than a dual-tree `cKDTree.sparse_distance_matrix`.
    """
    points_xy = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    if not len(points_xy) or not tree.n:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    near = tree.query_ball_point(points_xy, radius_m, workers=-1, return_sorted=False)
    lengths = np.fromiter(map(len, near), dtype=np.int64, count=len(near))
    inside = np.fromiter(chain.from_iterable(near), dtype=np.int64, count=int(lengths.sum()))
    return np.repeat(np.arange(len(near)), lengths), inside


def fca_from_pairs(
    fac: np.ndarray, dem: np.ndarray, population: np.ndarray, n_supply: int
) -> np.ndarray:
    """2SFCA from the (facility, demand) pairs within the catchment."""
    served = np.bincount(fac, weights=population[dem], minlength=n_supply).astype(float)
    ratio = np.divide(1.0, served, out=np.zeros(len(served)), where=served > 0)
    return np.bincount(dem, weights=ratio[fac], minlength=len(population)) * 10_000


EDGE_SPACING_M = 20.0  # vertex spacing for edge distances: they are exact to within 10 m ...
EDGE_NEAR_M = 2000.0  # ... up to this distance; beyond, a coarse outline is enough:
EDGE_COARSE_TOLERANCE_M = 100.0  # simplified by this and
EDGE_COARSE_SPACING_M = 500.0  # densified to this: within 350 m beyond EDGE_NEAR_M


def distance_to_edge(xy: np.ndarray, area: shapely.Geometry | None) -> np.ndarray:
    """Distance (m) from each point to the boundary of ``area``; ``inf`` without an area.

    The boundary is densified and searched with a k-d tree in two passes: points within
    `EDGE_NEAR_M` of the edge (where the comparison with a facility's distance is close)
    get it to within 10 m from the fine outline; the others, which would make the fine search
    slow (a nearest-vertex query far from every vertex visits many tree nodes), get it to
    within 350 m from a coarse outline. 0.4 s for 430,000 cells and the state outline, where
    the fine search alone takes 2 s and an exact GEOS distance a minute.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if area is None or shapely.is_empty(area) or len(xy) == 0:
        return np.full(len(xy), np.inf)
    boundary = shapely.boundary(area)
    fine = shapely.get_coordinates(shapely.segmentize(boundary, EDGE_SPACING_M))
    distance, _ = cKDTree(fine).query(xy, distance_upper_bound=EDGE_NEAR_M, workers=-1)
    far = ~np.isfinite(distance)
    if far.any():
        coarse_line = shapely.simplify(boundary, EDGE_COARSE_TOLERANCE_M)
        coarse = shapely.get_coordinates(shapely.segmentize(coarse_line, EDGE_COARSE_SPACING_M))
        rough, _ = cKDTree(coarse).query(xy[far], workers=-1)
        distance[far] = np.maximum(rough, EDGE_NEAR_M)
    return distance


BLOCK_M = (1000.0, 250.0)  # cells are grouped into squares of these edges for the nearest search


@dataclass(frozen=True)
class Blocks:
    """Cells grouped into squares: block of each cell, centre and radius of each block."""

    codes: np.ndarray
    centre: np.ndarray  # mean of the block's cell centres
    radius: np.ndarray  # farthest cell centre from the block centre, metres

    @classmethod
    def of(cls, xy: np.ndarray, size_m: float) -> Blocks:
        keys = np.floor(xy / size_m).astype(np.int64)
        codes, uniques = pd.factorize(keys[:, 0] * 1_000_000 + keys[:, 1])  # hashing: no sort
        n = len(uniques)
        count = np.bincount(codes, minlength=n)
        centre = np.column_stack([np.bincount(codes, xy[:, 0], n) / count,
                                  np.bincount(codes, xy[:, 1], n) / count])  # fmt: skip
        radius = np.zeros(n)
        np.maximum.at(radius, codes, np.hypot(*(xy - centre[codes]).T))
        return cls(codes=codes, centre=centre, radius=radius)


@dataclass(frozen=True)
class Demand:
    """Population cells as arrays, prepared once: centres, counts, data tiers, a k-d tree.

    Everything here is independent of the facilities chosen, so a planner switching between
    categories, types and thresholds only pays for the supply side.
    """

    xy: np.ndarray  # cell centres, EPSG:25832 metres, shape (n, 2)
    population: np.ndarray
    u15: np.ndarray  # residents under 15
    a65plus: np.ndarray  # residents 65 and over
    tiers: dict[str, np.ndarray]  # per category: tier code of each cell (geo.tiers.TIERS)
    edges_m: dict[str, np.ndarray]  # per category: distance to the edge of the area with data
    tree: cKDTree

    def has_data(self, category: str) -> np.ndarray:
        """Cells whose Gemeinde has data (checked or from OSM) for ``category``."""
        return self.tiers[category] > TIER_CODES[NO_DATA]

    @cached_property
    def columns(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the cell centres as contiguous arrays (faster to stream than ``xy``)."""
        return np.ascontiguousarray(self.xy[:, 0]), np.ascontiguousarray(self.xy[:, 1])

    @cached_property
    def blocks(self) -> tuple[Blocks, ...]:
        """The cells grouped into squares of each `BLOCK_M` edge (computed on first use)."""
        return tuple(Blocks.of(self.xy, size) for size in BLOCK_M)

    def access_per_10k(self, supply_xy: np.ndarray, catchment_m: float) -> np.ndarray:
        """The 2SFCA ratio of every cell (`two_step_fca`, with this demand's k-d tree)."""
        supply_xy = np.asarray(supply_xy, dtype=float).reshape(-1, 2)
        fac, cells = pairs_within(self.tree, supply_xy, catchment_m)
        return fca_from_pairs(fac, cells, self.population, len(supply_xy))

    def nearest(self, supply_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact nearest facility (distance, index) of every cell, faster than one k-d tree
        query per cell: a block whose two nearest facilities from its centre differ by more
        than the block's diameter has the same nearest facility for all its cells (triangle
        inequality). The cells of the other blocks try again in smaller blocks; only what is
        left is queried cell by cell."""
        supply_xy = np.asarray(supply_xy, dtype=float).reshape(-1, 2)
        if len(supply_xy) < 2:
            return nearest_distance(self.xy, supply_xy)
        tree = cKDTree(supply_xy)
        pending = None  # the cells not yet settled; None: all of them
        for level, blocks in enumerate(self.blocks):
            codes = blocks.codes if pending is None else blocks.codes[pending]
            asked = np.zeros(len(blocks.centre), dtype=bool)
            asked[codes] = True
            asked = np.flatnonzero(asked)
            near, which = tree.query(blocks.centre[asked], k=2, workers=-1)
            radius = blocks.radius[asked]
            settled = np.zeros(len(blocks.centre), dtype=bool)
            settled[asked] = near[:, 0] + radius < near[:, 1] - radius
            facility = np.zeros(len(blocks.centre), dtype=np.int64)
            facility[asked] = which[:, 0]
            if level == 0:  # every cell gets its block's facility, corrected below if unsettled
                index = facility[codes]
                x, y = self.columns
                distance = np.hypot(x - supply_xy[:, 0][index], y - supply_xy[:, 1][index])
                pending = np.flatnonzero(~settled[codes])
            else:
                done = settled[codes]
                cells = pending[done]
                index[cells] = facility[codes[done]]
                distance[cells] = np.hypot(*(self.xy[cells] - supply_xy[index[cells]]).T)
                pending = pending[~done]
        distance[pending], index[pending] = tree.query(self.xy[pending], workers=-1)
        return distance, index


def prepare_demand(
    xy: np.ndarray,
    counts: dict[str, np.ndarray],
    tiers: dict[str, np.ndarray],
    areas: Mapping[str, shapely.Geometry | None],
    edges_m: Mapping[str, np.ndarray] | None = None,
    tree: cKDTree | None = None,
) -> Demand:
    """Arrays and index of the population cells.

    ``xy`` are the cell centres (EPSG:25832), ``counts`` the residents (``population``) and
    the age bands `AGE_U15` and `AGE_65PLUS` per cell; ``tiers`` gives per category the tier
    code of each cell, ``areas`` the area with data (EPSG:25832) whose edge makes a cell
    uncertain. ``edges_m`` may bring the distances to that edge already measured (stored by
    the build, `geo.edges`); a category without them is measured here, to the whole metre.
    ``tree`` may bring the k-d tree of ``xy`` already built.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    edges = dict(edges_m or {})
    for category, codes in tiers.items():
        if category in edges:
            continue
        edge = np.full(len(xy), np.inf)
        with_data = codes > TIER_CODES[NO_DATA]
        edge[with_data] = np.round(distance_to_edge(xy[with_data], areas.get(category)))
        edges[category] = edge
    return Demand(
        xy=xy,
        population=np.asarray(counts["population"], dtype=float),
        u15=np.asarray(counts[AGE_U15], dtype=float),
        a65plus=np.asarray(counts[AGE_65PLUS], dtype=float),
        tiers={c: np.asarray(t, dtype=np.int8) for c, t in tiers.items()},
        edges_m=edges,
        tree=cKDTree(xy) if tree is None else tree,
    )


@dataclass(frozen=True)
class CellCoverage:
    """Per-cell results, aligned with the demand cells (same order)."""

    distance_m: np.ndarray
    covered: np.ndarray  # has data and within the threshold
    uncertain: np.ndarray  # has data and the edge of the area with data is nearer than a facility
    access_per_10k: np.ndarray  # 2SFCA supply ratio
    tier: np.ndarray  # tier code of each cell for the chosen category
    threshold_m: float
    nearest: np.ndarray | None = None  # index of the nearest facility (-1: none or no data)

    @property
    def has_data(self) -> np.ndarray:
        return self.tier > TIER_CODES[NO_DATA]

    @property
    def walk_min(self) -> np.ndarray:
        return walk_minutes(self.distance_m)

    def subset(self, mask: np.ndarray) -> CellCoverage:
        """The results of the cells where ``mask`` holds."""
        return CellCoverage(
            self.distance_m[mask],
            self.covered[mask],
            self.uncertain[mask],
            self.access_per_10k[mask],
            self.tier[mask],
            self.threshold_m,
            None if self.nearest is None else self.nearest[mask],
        )


def cell_coverage(
    demand: Demand, supply_xy: np.ndarray, threshold_m: float, category: str
) -> CellCoverage:
    """Distances and coverage for every population cell.

    Parameters
    ----------
    demand : Demand
        The prepared population cells (`prepare_demand`).
    category : str
        Whose data tiers apply (``treffpunkt`` or ``beratung``).
    supply_xy : ndarray, shape (m, 2)
        The chosen facilities, EPSG:25832 metres.
    threshold_m : float
        Reach in metres; a cell is covered when its nearest facility is at most this far.

    Returns
    -------
    CellCoverage
        Cells without data have ``covered`` False, distance ``inf`` (it is not measured), and
        count neither as covered nor as a gap in aggregates.
    """
    if not np.isfinite(threshold_m) or threshold_m <= 0:
        raise ValueError(f"threshold_m must be a positive number of metres, not {threshold_m}")
    supply_xy = np.asarray(supply_xy, dtype=float).reshape(-1, 2)
    has_data = demand.has_data(category)
    # distances count only where there are data: no need to measure them elsewhere
    if has_data.all():  # meeting places: every cell, without copying the coordinates
        distance, nearest = demand.nearest(supply_xy)
    else:
        distance = np.full(len(demand.xy), np.inf)
        nearest = np.full(len(demand.xy), -1, dtype=np.int64)
        distance[has_data], nearest[has_data] = nearest_distance(demand.xy[has_data], supply_xy)
    return CellCoverage(
        distance_m=distance,
        covered=has_data & (distance <= threshold_m),
        uncertain=has_data & (demand.edges_m[category] < distance),
        access_per_10k=demand.access_per_10k(supply_xy, threshold_m),
        tier=demand.tiers[category],
        threshold_m=float(threshold_m),
        nearest=nearest,
    )


NO_TIER = len(TIERS)  # "weakest tier" of a unit without data cells, before it becomes NO_DATA


@dataclass(frozen=True)
class UnitSums:
    """The additive per-unit sums of one selection's cell results.

    Sums of nested units add up, so the figures of Gemeinden and Kreise come from the
    Quartier sums (`coarsen`) instead of another pass over the 430,000 cells.
    """

    sums: dict[str, np.ndarray]
    weakest: np.ndarray  # lowest tier code among each unit's data cells (NO_TIER: none)

    @classmethod
    def of(cls, demand: Demand, coverage: CellCoverage, codes: np.ndarray, n: int) -> UnitSums:
        data = coverage.has_data
        every = {"residents": demand.population, "cells": 1.0,
                 AGE_U15: demand.u15, AGE_65PLUS: demand.a65plus}  # fmt: skip
        # the rest is zero outside the cells with data: add up those cells only (all of them
        # without copying when every cell has data, as for meeting places)
        everywhere = bool(data.all())
        idx = slice(None) if everywhere else np.flatnonzero(data)
        at = codes[idx]
        pop = demand.population[idx]
        gap = ~coverage.covered[idx]
        distance = coverage.distance_m[idx]
        finite = np.isfinite(distance)
        with_data = {
            "beyond": pop * gap,
            "finite_residents": pop * finite,
            "distance_sum": pop * np.where(finite, distance, 0.0),
            "access_sum": pop * coverage.access_per_10k[idx],
            "uncertain_residents": pop * coverage.uncertain[idx],
            "unverified_residents": pop * (coverage.tier[idx] == TIER_CODES[UNVERIFIED]),
        }
        for name, values in ((AGE_U15, demand.u15), (AGE_65PLUS, demand.a65plus)):
            with_data[f"{name}_beyond"] = values[idx] * gap
        same = {"residents_with_data": "residents", "data_cells": "cells",
                f"{AGE_U15}_with_data": AGE_U15, f"{AGE_65PLUS}_with_data": AGE_65PLUS}  # fmt: skip
        if not everywhere:  # else these equal the sums over all cells: added below
            with_data |= {name: every[of][idx] if of != "cells" else 1.0
                          for name, of in same.items()}  # fmt: skip
        sums = group_sums(every, codes, n) | group_sums(with_data, at, n)
        if everywhere:
            sums |= {name: sums[of] for name, of in same.items()}
        weakest = np.full(n, NO_TIER, dtype=np.int64)
        np.minimum.at(weakest, at, np.asarray(coverage.tier[idx], dtype=np.int64))
        return cls(sums=sums, weakest=weakest)

    def coarsen(self, parent: np.ndarray, n: int) -> UnitSums:
        """The sums of the parent units (``parent``: parent index of each unit)."""
        sums = {k: np.bincount(parent, weights=v, minlength=n) for k, v in self.sums.items()}
        weakest = np.full(n, NO_TIER, dtype=np.int64)
        np.minimum.at(weakest, parent, self.weakest)
        return UnitSums(sums=sums, weakest=weakest)


def aggregate(
    demand: Demand, coverage: CellCoverage, grouping: Grouping, sums: UnitSums | None = None
) -> pd.DataFrame:
    """Sum the per-cell results per unit (Quartier, Gemeinde or Kreis).

    Returns one row per key with: ``residents``, ``residents_with_data``, ``beyond``
    (residents beyond the threshold, data cells only), ``beyond_share``, the same for
    ``u15`` and ``a65plus``, ``mean_distance_m`` and ``median_distance_m``
    (population-weighted, data cells), ``access_per_10k`` (population-weighted mean 2SFCA),
    ``uncertain_residents``, ``status`` (ok, teilweise, keine_daten: how many cells have
    data), ``tier`` (the weakest data tier among the cells with data: a Kreis with one checked
    Gemeinde and the rest from OSM is ``osm_ungeprueft``)
    and ``unverified_residents`` (residents whose figures rest on unchecked OSM data).
    ``sums`` may bring the unit sums already added up from finer units (`UnitSums.coarsen`).
    """
    codes, n = grouping.codes, len(grouping.keys)
    sums = UnitSums.of(demand, coverage, codes, n) if sums is None else sums
    total = sums.sums
    out = {
        "key": grouping.key_strings,
        "residents": total["residents"],
        "residents_with_data": total["residents_with_data"],
        "beyond": total["beyond"],
    }
    for name in (AGE_U15, AGE_65PLUS):
        out[name] = total[name]
        out[f"{name}_beyond"] = total[f"{name}_beyond"]
        out[f"{name}_beyond_share"] = _share(total[f"{name}_beyond"], total[f"{name}_with_data"])
    out["beyond_share"] = _share(total["beyond"], total["residents_with_data"])
    out["mean_distance_m"] = _share(total["distance_sum"], total["finite_residents"])
    data = coverage.has_data
    idx = slice(None) if data.all() else np.flatnonzero(data)  # infinite distances drop out
    out["median_distance_m"] = weighted_median(
        coverage.distance_m[idx], demand.population[idx], codes[idx], n
    )
    out["access_per_10k"] = _share(total["access_sum"], total["residents_with_data"])
    out["uncertain_residents"] = total["uncertain_residents"]
    status = np.select(
        [total["data_cells"] == 0, total["data_cells"] < total["cells"]], [0, 1], 2
    )  # indexes into _STATUSES
    out["status"] = _STATUSES.take(status)  # pandas strings taken, not converted anew
    weakest = np.where(sums.weakest == NO_TIER, TIER_CODES[NO_DATA], sums.weakest)
    out["tier"] = _TIERS.take(weakest)
    out["unverified_residents"] = total["unverified_residents"]
    no_data = status == 0
    for col in ("beyond", f"{AGE_U15}_beyond", f"{AGE_65PLUS}_beyond"):
        out[col] = np.where(no_data, np.nan, out[col])
    return pd.DataFrame(out)


_STATUSES = pd.array([STATUS_NO_DATA, STATUS_PARTIAL, STATUS_OK], dtype="str")
_TIERS = pd.array(TIERS, dtype="str")


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    return np.divide(part, whole, out=np.full_like(part, np.nan), where=whole > 0)


def distance_histogram(
    population: np.ndarray, coverage: CellCoverage, bands_m: tuple[float, ...] = DISTANCE_BANDS_M
) -> list[dict[str, float | None]]:
    """Residents (data cells only) per distance band: ``[{"from_m", "to_m", "residents"}]``."""
    data = coverage.has_data
    dist = coverage.distance_m[data]
    pop = np.asarray(population, dtype=float)[data]
    edges = [0.0, *bands_m, np.inf]
    idx = np.searchsorted(np.asarray(bands_m), dist, side="right")
    counts = np.bincount(idx, weights=pop, minlength=len(edges) - 1)
    return [
        {"from_m": lo, "to_m": None if np.isinf(hi) else hi, "residents": float(c)}
        for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
