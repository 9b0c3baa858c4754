"""Dasymetric refinement: each 1 km census cell's residents spread over its 100 m cells.

Pure functions on arrays; the build reads the building table and writes the result.

Why: a 1 km cell judged by its centre is either wholly within reach or wholly beyond it, so
the planner's figures jump with the threshold and whole districts show 100 %. Residents live
in houses, so the 100 m cells of a 1 km cell get its residents in proportion to where the
residential buildings are (Eicher & Brewer 2001; Mennis 2003), in this order of evidence:

1. footprint of buildings in residential land use, if the 1 km cell has any;
2. otherwise footprint of buildings in no or other land use (farms, villages without mapped
   land use);
3. otherwise footprint of industrial, commercial and other non-residential buildings;
4. otherwise uniformly over the 100 m cells of the land part (within Niedersachsen).

Counts stay whole: every 1 km cell's count of each age band is split with the largest
remainder method, so the 100 m cells sum exactly to their 1 km cell, and a cell's residents
are the sum of its age bands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "CELL_1KM",
    "CELL_100M",
    "WEIGHT_RULES",
    "DasymetricError",
    "SubCells",
    "grouped_largest_remainder",
    "parent_keys",
    "refine",
    "split_counts",
    "subcell_weights",
    "uniform_subcells",
]

CELL_1KM = 1000  # metres, EPSG:3035 grid
CELL_100M = 100
SUBCELLS_PER_EDGE = CELL_1KM // CELL_100M
# What decided each 1 km cell's weights, in the order they are tried (codes 1..4)
WEIGHT_RULES = ("wohnbebauung", "sonstige_bebauung", "gewerbebebauung", "gleichmaessig")


class DasymetricError(ValueError):
    """The inputs of a split do not fit (weights for a group that has none, negative counts)."""


def grouped_largest_remainder(
    weights: np.ndarray, groups: np.ndarray, totals: np.ndarray
) -> np.ndarray:
    """Split each group's integer total over its members in proportion to ``weights``.

    Hamilton's method per group, vectorised: floor every exact share, then give the leftover
    units to the largest remainders (ties by position, so the result is deterministic).
    The parts of every group sum exactly to its total and each part is within 1 of its exact
    share.

    Parameters
    ----------
    weights : ndarray of float, shape (n,)
        Non-negative weight of each member.
    groups : ndarray of int, shape (n,)
        Group code of each member, 0..G-1.
    totals : ndarray of int, shape (G,)
        Non-negative total of each group; a group with a positive total needs a positive
        weight sum.

    Examples
    --------
    >>> grouped_largest_remainder(np.ones(5), np.array([0, 0, 0, 1, 1]), np.array([10, 3]))
    array([4, 3, 3, 2, 1])
    """
    weights = np.asarray(weights, dtype=float)
    groups = np.asarray(groups, dtype=np.int64)
    totals = np.asarray(totals, dtype=np.int64)
    if np.any(weights < 0) or np.any(totals < 0) or not np.all(np.isfinite(weights)):
        raise DasymetricError("weights and totals must be finite and non-negative")
    weight_sum = np.bincount(groups, weights=weights, minlength=len(totals))
    starved = (totals > 0) & (weight_sum <= 0)
    if starved.any():
        first = int(np.flatnonzero(starved)[0])
        raise DasymetricError(f"group {first} has {totals[first]} to split but no weight")
    share = np.divide(weights, weight_sum[groups], out=np.zeros_like(weights),
                      where=weight_sum[groups] > 0)  # fmt: skip
    exact = share * totals[groups]
    parts = np.floor(exact).astype(np.int64)
    left = totals - np.bincount(groups, weights=parts, minlength=len(totals)).astype(np.int64)
    order = np.lexsort((np.arange(len(exact)), -(exact - parts), groups))
    start = np.searchsorted(groups[order], np.arange(len(totals)))
    rank = np.arange(len(order)) - start[groups[order]]
    parts[order[rank < left[groups[order]]]] += 1
    return parts


def parent_keys(x_3035: np.ndarray, y_3035: np.ndarray, size_m: int = CELL_1KM) -> np.ndarray:
    """One integer key per grid cell of ``size_m`` holding each lower-left corner (EPSG:3035)."""
    col = np.floor_divide(np.asarray(x_3035, dtype=np.int64), size_m)
    row = np.floor_divide(np.asarray(y_3035, dtype=np.int64), size_m)
    return row * 100_000 + col


@dataclass(frozen=True)
class SubCells:
    """The 100 m cells that may receive residents, with their parent and weight.

    ``parent`` indexes the 1 km cells; ``rule`` is, per 1 km cell, the 1-based code of the
    `WEIGHT_RULES` entry that decided its weights.
    """

    x_3035: np.ndarray  # lower-left corner of each 100 m cell, metres
    y_3035: np.ndarray
    parent: np.ndarray
    weight: np.ndarray
    rule: np.ndarray


def subcell_weights(
    parent: np.ndarray,
    footprint_m2: np.ndarray,
    residential_m2: np.ndarray,
    nonresidential_m2: np.ndarray,
    n_parents: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Weight of each building cell under the rule of its 1 km cell (module docstring).

    Returns ``(weight, rule)``: one weight per building cell, and per 1 km cell the rule code
    (1-3), or 4 where no building cell has weight and the caller must spread uniformly.
    """
    residential = np.clip(np.asarray(residential_m2, dtype=float), 0, None)
    nonresidential = np.clip(np.asarray(nonresidential_m2, dtype=float), 0, None)
    other = np.clip(np.asarray(footprint_m2, dtype=float) - residential - nonresidential, 0, None)
    rule = np.full(n_parents, len(WEIGHT_RULES), dtype=np.int8)
    weight = np.zeros(len(residential))
    for code, layer in ((3, nonresidential), (2, other), (1, residential)):  # best rule last
        has = np.bincount(parent, weights=layer, minlength=n_parents) > 0
        rule[has] = code
    for code, layer in ((1, residential), (2, other), (3, nonresidential)):
        chosen = rule[parent] == code
        weight[chosen] = layer[chosen]
    return weight, rule


def uniform_subcells(x0: np.ndarray, y0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 100 lower-left corners of the 100 m cells of each 1 km cell, and their parent index."""
    offsets = np.arange(SUBCELLS_PER_EDGE) * CELL_100M
    dx, dy = np.meshgrid(offsets, offsets, indexing="xy")
    xs = (np.asarray(x0)[:, None] + dx.ravel()[None, :]).ravel()
    ys = (np.asarray(y0)[:, None] + dy.ravel()[None, :]).ravel()
    parent = np.repeat(np.arange(len(x0)), SUBCELLS_PER_EDGE**2)
    return xs, ys, parent


def split_counts(sub: SubCells, counts: np.ndarray) -> np.ndarray:
    """Split each parent's counts (shape (P, B): B bands) over its sub-cells.

    Returns integer counts of shape (n_sub, B); per parent and band they sum exactly to
    ``counts``.
    """
    counts = np.asarray(counts, dtype=np.int64)
    n_bands = counts.shape[1]
    out = np.zeros((len(sub.parent), n_bands), dtype=np.int64)
    for band in range(n_bands):
        out[:, band] = grouped_largest_remainder(sub.weight, sub.parent, counts[:, band])
    return out


def refine(
    cells_xy: np.ndarray,
    counts: np.ndarray,
    buildings: dict[str, np.ndarray],
    in_land: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Spread each 1 km cell's counts over its 100 m cells (see the module docstring).

    Parameters
    ----------
    cells_xy : ndarray, shape (P, 2)
        Lower-left corners of the 1 km cells, EPSG:3035 metres (a corner may repeat).
    counts : ndarray of int, shape (P, B)
        Whole residents per cell and age band.
    buildings : dict of arrays
        Per 100 m building cell: ``x_3035``, ``y_3035`` (lower-left corner), ``footprint_m2``,
        ``footprint_residential_m2``, ``footprint_nonresidential_m2``.
    in_land : callable
        ``in_land(x, y)`` tells for EPSG:3035 points whether they lie on the land of the
        state: 100 m cells elsewhere (the sea, a neighbouring state) get residents only when
        their 1 km cell has nothing on land.

    Returns
    -------
    (dict of arrays, ndarray)
        The 100 m cells with residents: ``x_3035``, ``y_3035``, ``parent`` (row of the 1 km
        cell) and ``counts`` (shape (n, B)); and per 1 km cell the rule code (1-based index
        into `WEIGHT_RULES`).
    """
    cells_xy = np.asarray(cells_xy, dtype=np.int64).reshape(-1, 2)
    counts = np.asarray(counts, dtype=np.int64)
    n_parents = len(cells_xy)
    bx = np.asarray(buildings["x_3035"], dtype=np.int64)
    by = np.asarray(buildings["y_3035"], dtype=np.int64)
    # join building cells to their 1 km cells (a repeated corner gets each building cell once)
    joined = pd.DataFrame({"key": parent_keys(bx, by), "b": np.arange(len(bx))}).merge(
        pd.DataFrame({"key": parent_keys(cells_xy[:, 0], cells_xy[:, 1]),
                      "parent": np.arange(n_parents)}),
        on="key",
    )  # fmt: skip
    b_idx = joined["b"].to_numpy(dtype=np.int64)
    parent = joined["parent"].to_numpy(dtype=np.int64)
    fp = np.asarray(buildings["footprint_m2"], dtype=float)[b_idx]
    on_land = in_land(bx[b_idx] + CELL_100M / 2, by[b_idx] + CELL_100M / 2)
    land_built = np.bincount(parent, weights=(on_land & (fp > 0)), minlength=n_parents) > 0
    keep = on_land | ~land_built[parent]
    b_idx, parent = b_idx[keep], parent[keep]
    weight, rule = subcell_weights(
        parent,
        np.asarray(buildings["footprint_m2"], dtype=float)[b_idx],
        np.asarray(buildings["footprint_residential_m2"], dtype=float)[b_idx],
        np.asarray(buildings["footprint_nonresidential_m2"], dtype=float)[b_idx],
        n_parents,
    )
    uniform = np.flatnonzero((rule == len(WEIGHT_RULES)) & (counts.sum(axis=1) > 0))
    ux, uy, u_parent = uniform_subcells(cells_xy[uniform, 0], cells_xy[uniform, 1])
    u_parent = uniform[u_parent]
    u_land = in_land(ux + CELL_100M / 2, uy + CELL_100M / 2)
    has_land = np.bincount(u_parent, weights=u_land, minlength=n_parents) > 0
    u_weight = np.where(u_land | ~has_land[u_parent], 1.0, 0.0)
    sub = SubCells(
        x_3035=np.concatenate([bx[b_idx], ux]),
        y_3035=np.concatenate([by[b_idx], uy]),
        parent=np.concatenate([parent, u_parent]),
        weight=np.concatenate([weight, u_weight]),
        rule=rule,
    )
    parts = split_counts(sub, counts)
    filled = parts.sum(axis=1) > 0
    order = np.lexsort((sub.x_3035[filled], sub.y_3035[filled], sub.parent[filled]))
    result = {
        "x_3035": sub.x_3035[filled][order],
        "y_3035": sub.y_3035[filled][order],
        "parent": sub.parent[filled][order],
        "counts": parts[filled][order],
    }
    return result, rule
