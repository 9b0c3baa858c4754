"""Site suggestions for a Gemeinde, a Kreis or the state: who is not yet within reach, where
could new places go, and what each would bring (glue between `geo.data` and `geo.suggest`).

Demand: the 100 m cells of the region with data for the category whose nearest facility of the
selection is beyond the threshold. Candidates: the populated 100 m cells of the region with
data, one per `CANDIDATE_BLOCK_M` block (the most populated), so a suggestion lies within about
150 m of the best cell; existing facilities stay. Public-building candidates (town halls,
libraries from OSM) are not offered: the POIs are not part of the served datasets yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy import sparse
from scipy.spatial import cKDTree

from geo.data import Datasets
from geo.planning import Analysis
from geo.schema import AGS, ANALYSIS_CRS, NAME, WEB_CRS
from geo.suggest import coverage_sets, greedy_mclp, newly_reached, thin_candidates
from geo.tiers import TIERS

__all__ = ["CANDIDATE_BLOCK_M", "MAX_SITES", "Problem", "build_problem", "suggest_sites"]

CANDIDATE_BLOCK_M = 300.0
MAX_SITES = 10


@dataclass(frozen=True)
class Problem:
    """One MCLP instance: demand points (cell indices) and candidates (cell indices)."""

    demand: np.ndarray  # cell index of each point not yet within reach
    weights: np.ndarray  # residents of those points
    candidates: np.ndarray  # cell index of each candidate site
    sets: sparse.csr_array  # candidate × demand point within reach


def build_problem(analysis: Analysis, region: np.ndarray) -> Problem:
    """The instance for the cells where ``region`` holds (a boolean mask over all cells)."""
    data, cov = analysis.data, analysis.coverage
    with_data = region & cov.has_data & (data.demand.population > 0)
    demand = np.flatnonzero(with_data & ~cov.covered)
    population = data.demand.population
    pool = np.flatnonzero(with_data)
    candidates = pool[thin_candidates(data.demand.xy[pool], population[pool],
                                      CANDIDATE_BLOCK_M)]  # fmt: skip
    sets = coverage_sets(data.demand.xy[candidates], data.demand.xy[demand],
                         analysis.selection.threshold_m)  # fmt: skip
    return Problem(demand=demand, weights=population[demand], candidates=candidates, sets=sets)


def suggest_sites(analysis: Analysis, region: np.ndarray, k: int) -> pd.DataFrame:
    """Up to ``k`` sites, best first: position, residents newly within reach (all, under 15,
    65+), cumulative share of those beyond reach today, Quartier, Gemeinde and nearest existing
    facility of the selection."""
    data: Datasets = analysis.data
    problem = build_problem(analysis, region)
    chosen = greedy_mclp(problem.sets, problem.weights, k)
    reached = newly_reached(problem.sets, chosen, len(problem.demand))
    beyond_today = float(problem.weights.sum())
    cells = np.array([problem.candidates[c.candidate] for c in chosen], dtype=np.int64)
    xy = data.demand.xy[cells] if len(cells) else np.zeros((0, 2))
    lon, lat = Transformer.from_crs(ANALYSIS_CRS, WEB_CRS, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    gain = np.array([c.gain for c in chosen])
    u15 = np.array([data.demand.u15[problem.demand[r]].sum() for r in reached])
    a65 = np.array([data.demand.a65plus[problem.demand[r]].sum() for r in reached])
    facilities = analysis.selection.facilities(data.facilities)
    nearest_name, nearest_m = _nearest(facilities, xy)
    quartier = data.groupings["quartier"]
    q_index = quartier.codes[cells] if len(cells) else np.zeros(0, dtype=np.int64)
    by_gemeinde = data.groupings["gemeinde"]
    ags = by_gemeinde.keys[by_gemeinde.codes[cells]] if len(cells) else np.zeros(0, dtype=object)
    gemeinde_names = data.gemeinden.set_index(AGS)[NAME]
    cumulative = np.cumsum(gain) if len(gain) else np.zeros(0)
    return pd.DataFrame({
        "rank": np.arange(1, len(chosen) + 1),
        "lat": np.round(lat, 6), "lon": np.round(lon, 6),
        "newly_within_reach": np.round(gain).astype(np.int64),
        "u15": np.round(u15).astype(np.int64), "a65plus": np.round(a65).astype(np.int64),
        "cumulative": np.round(cumulative).astype(np.int64),
        "cumulative_share": np.round(cumulative / beyond_today, 4) if beyond_today else (
            np.zeros(len(chosen))),
        "quartier": data.quartier_info["name"].to_numpy()[q_index],
        "ags": ags,
        "gemeinde": [gemeinde_names.get(a, "") for a in ags],
        "tier": np.asarray(TIERS, dtype=object)[analysis.coverage.tier[cells]],
        "nearest_facility": nearest_name,
        "nearest_facility_m": np.round(nearest_m, 0),
    })  # fmt: skip


def _nearest(facilities: pd.DataFrame, xy: np.ndarray) -> tuple[list[str], np.ndarray]:
    if not len(facilities) or not len(xy):
        return [""] * len(xy), np.full(len(xy), np.nan)
    points = np.column_stack([facilities.geometry.x, facilities.geometry.y])
    distance, index = cKDTree(points).query(xy)
    return list(facilities["name"].to_numpy()[index]), distance
