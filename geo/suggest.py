"""Where would a new place help most: the maximal covering location problem (MCLP).

Pure: arrays in EPSG:25832 in, chosen candidates out. Given the residents not yet within reach
(demand points with weights) and candidate sites, choose k sites that bring the most residents
within reach, the existing facilities staying as they are.

- `coverage_sets`: which demand points each candidate reaches, as a sparse matrix (CSR), built
  with a k-d tree: memory and time grow with the pairs within reach, not candidates × points.
- `greedy_mclp`: the greedy method with lazy evaluation (Minoux 1978; "CELF", Leskovec et al.
  2007): a candidate's gain can only shrink as sites are chosen, so its last computed gain is an
  upper bound and most candidates are never re-evaluated. Covering is submodular, so the greedy
  answer is at least 1 − 1/e of the optimum; in practice far closer.
- `exact_mclp`: the optimum as an integer programme solved by HiGHS (scipy.optimize.milp), for
  checking the greedy on real sub-problems (tests, bench/suggest.py).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from geo.coverage import pairs_within

__all__ = [
    "Choice",
    "coverage_sets",
    "exact_mclp",
    "greedy_mclp",
    "newly_reached",
    "thin_candidates",
]


@dataclass(frozen=True)
class Choice:
    """One chosen candidate and the weight it brings within reach (in the order chosen)."""

    candidate: int
    gain: float


def coverage_sets(
    candidates_xy: np.ndarray, demand_xy: np.ndarray, radius_m: float
) -> sparse.csr_array:
    """Boolean CSR matrix: row j holds the demand points within ``radius_m`` of candidate j."""
    candidates_xy = np.asarray(candidates_xy, dtype=float).reshape(-1, 2)
    demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    shape = (len(candidates_xy), len(demand_xy))
    if not len(candidates_xy) or not len(demand_xy):
        return sparse.csr_array(shape, dtype=bool)
    rows, cols = pairs_within(cKDTree(demand_xy), candidates_xy, radius_m)
    return sparse.csr_array((np.ones(len(rows), dtype=bool), (rows, cols)), shape=shape)


def thin_candidates(xy: np.ndarray, weight: np.ndarray, block_m: float) -> np.ndarray:
    """Indices of one candidate per ``block_m`` square: the one with the most weight.

    Neighbouring 100 m cells reach almost the same people; one per block keeps the problem
    small (and the answer within about half a block of the best site).
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not len(xy):
        return np.zeros(0, dtype=np.int64)
    block = np.floor(xy / block_m).astype(np.int64)
    order = np.lexsort((-np.asarray(weight, dtype=float), block[:, 1], block[:, 0]))
    keys = block[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    return np.sort(order[first])


def greedy_mclp(sets: sparse.csr_array, weights: np.ndarray, k: int) -> list[Choice]:
    """Choose up to ``k`` candidates greedily, with lazy re-evaluation of the gains.

    Stops early when no candidate brings anybody more within reach. Ties go to the lower
    candidate index, so the answer is deterministic.
    """
    weights = np.asarray(weights, dtype=float)
    sets = sparse.csr_array(sets)
    indptr, indices = sets.indptr, sets.indices
    covered = np.zeros(sets.shape[1], dtype=bool)
    gains = sets @ weights
    heap = [(-g, j) for j, g in enumerate(gains) if g > 0]
    heapq.heapify(heap)
    chosen: list[Choice] = []
    while heap and len(chosen) < k:
        _, j = heapq.heappop(heap)
        members = indices[indptr[j] : indptr[j + 1]]
        gain = float(weights[members[~covered[members]]].sum())
        if gain <= 0:
            continue
        if not heap or (-gain, j) <= heap[0]:  # still the best (ties: lower index first):
            chosen.append(Choice(candidate=int(j), gain=gain))  # every other bound is below
            covered[members] = True
        else:
            heapq.heappush(heap, (-gain, j))
    return chosen


def exact_mclp(sets: sparse.csr_array, weights: np.ndarray, k: int,
               time_limit_s: float = 60.0) -> tuple[list[int], float]:  # fmt: skip
    """The optimal ``k`` candidates and the weight they reach (HiGHS branch and bound).

    Variables: x_j (candidate chosen, binary) and y_i (point reached, 0..1); maximise
    Σ w_i y_i subject to y_i ≤ Σ_{j reaches i} x_j and Σ x_j ≤ k.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp  # heavy: only checks need it

    weights = np.asarray(weights, dtype=float)
    sets = sparse.csc_array(sets, dtype=float)
    n_cand, n_dem = sets.shape
    objective = np.concatenate([np.zeros(n_cand), -weights])
    # y_i - Σ_j a_ji x_j <= 0
    reach = sparse.hstack([-sets.T, sparse.identity(n_dem, format="csc")], format="csc")
    budget = sparse.csc_array(np.concatenate([np.ones(n_cand), np.zeros(n_dem)])[None, :])
    constraints = [
        LinearConstraint(reach, -np.inf, 0.0),
        LinearConstraint(budget, -np.inf, float(k)),
    ]
    integrality = np.concatenate([np.ones(n_cand), np.zeros(n_dem)])
    result = milp(objective, constraints=constraints, integrality=integrality,
                  bounds=Bounds(0.0, 1.0), options={"time_limit": time_limit_s})  # fmt: skip
    if result.x is None:
        raise RuntimeError(f"HiGHS found no solution: {result.message}")
    chosen = [int(j) for j in np.flatnonzero(result.x[:n_cand] > 0.5)]
    return chosen, float(-result.fun)


def newly_reached(sets: sparse.csr_array, chosen: list[Choice], n_points: int) -> list[np.ndarray]:
    """For each chosen site in order, the demand points it reaches that earlier ones did not."""
    sets = sparse.csr_array(sets)
    covered = np.zeros(n_points, dtype=bool)
    out = []
    for choice in chosen:
        members = sets.indices[sets.indptr[choice.candidate] : sets.indptr[choice.candidate + 1]]
        new = members[~covered[members]]
        covered[new] = True
        out.append(new)
    return out
