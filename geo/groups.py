"""Cells grouped into units (Quartier, Gemeinde, Kreis): sums and weighted medians per unit.

Every selection the planner asks for ends in per-unit figures over 430,000 cells, at three
levels. The cells are stored sorted by Quartier (`geo.data.load_datasets` makes sure), and a
Quartier's key starts with its Gemeinde's, a Gemeinde's with its Kreis's: so every unit of
every level is one run of consecutive cells. Sums then take one sequential `np.add.reduceat`
pass for all figures at once, and the weighted median needs no sort by unit. Both functions
still accept units in any order (tests, other callers): they sort first, which is slower
but gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

__all__ = ["Grouping", "group_sums", "is_sorted", "weighted_median"]


def is_sorted(codes: np.ndarray) -> bool:
    """True if ``codes`` never decrease, i.e. every unit is one run of consecutive cells."""
    return bool(len(codes) < 2 or (codes[1:] >= codes[:-1]).all())


@dataclass(frozen=True)
class Grouping:
    """Cells grouped into units (Quartier, Gemeinde, Kreis), factorised once."""

    codes: np.ndarray  # unit index of each cell
    keys: np.ndarray  # unit key of each index
    # for a grouping made by `coarsen`: the unit index of each unit of the finer grouping
    parent_of_finer: np.ndarray | None = None

    @classmethod
    def of(cls, keys: pd.Series | np.ndarray) -> Grouping:
        codes, uniques = pd.factorize(np.asarray(keys))
        return cls(codes=codes, keys=np.asarray(uniques))

    def coarsen(self, parent: Callable[[str], str]) -> Grouping:
        """The grouping by ``parent(key)`` (a Quartier's Gemeinde, a Gemeinde's Kreis), computed
        on the unique keys only."""
        codes, uniques = pd.factorize(np.array([parent(k) for k in self.keys], dtype=object))
        return Grouping(codes=codes[self.codes], keys=np.asarray(uniques), parent_of_finer=codes)

    def cell_keys(self) -> np.ndarray:
        """The key of each cell."""
        return self.keys[self.codes]

    @cached_property
    def key_strings(self) -> pd.api.extensions.ExtensionArray:
        """The keys as pandas strings, made once: tables of every selection reuse them."""
        return pd.array(self.keys, dtype="str")

    @cached_property
    def contiguous(self) -> bool:
        """Every unit is one run of consecutive cells (the cells are sorted by unit)."""
        return is_sorted(self.codes)


def group_sums(
    rows: Mapping[str, np.ndarray | float], codes: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    """Each named per-cell row summed per unit code 0..n-1 (a number stands for the same value
    in every cell, so it costs nothing). Units without cells sum to 0.

    With sorted codes each row takes one sequential `np.add.reduceat` pass, about four times
    faster than `np.bincount`.
    """
    codes = np.asarray(codes, dtype=np.int64)
    if is_sorted(codes) and len(codes):
        run_starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
        units = codes[run_starts]

        def total(values: np.ndarray) -> np.ndarray:
            out = np.zeros(n)
            out[units] = np.add.reduceat(values, run_starts)
            return out

        count = total(np.ones(len(codes)))
    else:

        def total(values: np.ndarray) -> np.ndarray:
            return np.bincount(codes, weights=values, minlength=n)

        count = np.bincount(codes, minlength=n).astype(float)
    return {name: count * values if np.isscalar(values) else total(np.asarray(values, dtype=float))
            for name, values in rows.items()}  # fmt: skip


def weighted_median(
    values: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    n_groups: int | None = None,
    bins: int | None = None,
) -> np.ndarray:
    """Weighted (lower) median of ``values`` per group code 0..G-1; NaN for groups without weight.

    The median of a group is its first value, in ascending order, at which the cumulative
    weight reaches half the group's weight. Exact for whole-number weights (residents; other
    weights up to rounding in the sums), and linear in the number of values for sorted group
    codes: each group's own value range is cut into as many bins as the group
    has values (or ``bins``), one weighted histogram finds the bin holding each median, and
    only the values in those bins, about one per group, are sorted. A full sort by group and
    value would cost more than the nearest-facility search itself, and bins spanning the
    range of all values would leave most of a small group in one bin.
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    groups = np.asarray(groups, dtype=np.int64)
    if n_groups is None:
        n_groups = int(groups.max()) + 1 if len(groups) else 0
    out = np.full(n_groups, np.nan)
    keep = (weights > 0) & np.isfinite(values)
    if not keep.any():
        return out
    if not keep.all():  # copies only when something is left out
        values, weights, groups = values[keep], weights[keep], groups[keep]
    if not is_sorted(groups):
        order = np.argsort(groups, kind="stable")
        values, weights, groups = values[order], weights[order], groups[order]
    count = np.bincount(groups, minlength=n_groups)
    present = np.flatnonzero(count)
    out[present] = _medians_of_runs(values, weights, count[present], bins)
    return out


def _medians_of_runs(
    values: np.ndarray, weights: np.ndarray, count: np.ndarray, bins: int | None
) -> np.ndarray:
    """The weighted medians of consecutive runs of ``count`` values each (weights > 0)."""
    starts = np.cumsum(count) - count
    lo = np.minimum.reduceat(values, starts)
    span = np.maximum.reduceat(values, starts) - lo
    n_bins = count if bins is None else np.full(len(count), bins)
    first_bin = np.cumsum(n_bins) - n_bins
    # each value's bin within its group's range: (value - lo) * (n_bins - 1/2) / span stays
    # below n_bins despite rounding; a group without span (or a subnormal one) has one bin
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        scale = (n_bins - 0.5) / span
    scale[~np.isfinite(scale)] = 0.0
    in_group = ((values - np.repeat(lo, count)) * np.repeat(scale, count)).astype(np.int64)
    slot = in_group + np.repeat(first_bin, count)
    cum = np.cumsum(np.bincount(slot, weights=weights, minlength=int(n_bins.sum())))
    before_group = np.where(first_bin > 0, cum[first_bin - 1], 0.0)
    half = (cum[first_bin + n_bins - 1] - before_group) / 2
    # the first bin of each group whose cumulative weight reaches half: the running sum never
    # decreases, so a binary search finds it (exactly so for whole-number weights)
    median_bin = np.clip(np.searchsorted(cum, before_group + half), first_bin,
                         first_bin + n_bins - 1)  # fmt: skip
    before = np.where(median_bin > first_bin, cum[median_bin - 1] - before_group, 0.0)
    # resolve exactly among the values of each group's median bin, by group, then value
    cand = np.flatnonzero(slot == np.repeat(median_bin, count))
    cand_group = np.searchsorted(starts, cand, side="right") - 1
    order = np.lexsort((values[cand], cand_group))
    cand, cand_group = cand[order], cand_group[order]
    ccum = np.cumsum(weights[cand])
    group = np.arange(len(count))
    group_start = np.searchsorted(cand_group, group)
    base = np.where(group_start > 0, ccum[group_start - 1], 0.0)
    reach = np.flatnonzero(ccum - base[cand_group] + before[cand_group] >= half[cand_group])
    # the first candidate per group that reaches half; rounding can leave a group just short
    # of half within its bin: its last candidate is it
    pick = np.searchsorted(cand_group, group, side="right") - 1
    if len(reach):
        first = np.minimum(np.searchsorted(cand_group[reach], group), len(reach) - 1)
        found = cand_group[reach[first]] == group
        pick[found] = reach[first[found]]
    return values[cand[pick]]
