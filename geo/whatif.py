"""What if a site opened here, or that facility closed: the changed coverage, without a full
recomputation (pure: arrays in EPSG:25832).

Only cells can change whose nearest facility closed (they are measured again against the new
supply) or that lie nearer to an added site than to their nearest facility; everything else
keeps its distance. The 2SFCA ratio is recomputed for the whole selection (a new site shares
the residents of its neighbours' catchments).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.spatial import cKDTree

from geo.coverage import CellCoverage, Demand, nearest_distance

__all__ = ["Change", "apply_change"]


@dataclass(frozen=True)
class Change:
    """A scenario: sites added (EPSG:25832) and facilities removed (rows of the supply)."""

    added_xy: np.ndarray  # shape (a, 2)
    removed: np.ndarray  # boolean mask over the supply rows


def apply_change(
    demand: Demand, base: CellCoverage, supply_xy: np.ndarray, change: Change, category: str
) -> CellCoverage:
    """The coverage after ``change``, from the baseline ``base`` (which must carry ``nearest``).

    Equal to `geo.coverage.cell_coverage` on the changed supply (tested), but measures again
    only the cells whose answer can change.
    """
    if base.nearest is None:
        raise ValueError("the baseline coverage needs the nearest facility of each cell")
    supply_xy = np.asarray(supply_xy, dtype=float).reshape(-1, 2)
    added = np.asarray(change.added_xy, dtype=float).reshape(-1, 2)
    kept = supply_xy[~change.removed]
    new_supply = np.vstack([kept, added])
    data = base.has_data
    distance = base.distance_m.copy()
    orphaned = data & np.isin(base.nearest, np.flatnonzero(change.removed))
    if orphaned.any():
        distance[orphaned], _ = nearest_distance(demand.xy[orphaned], new_supply)
    if len(added):
        with_data = np.flatnonzero(data)
        to_added, _ = cKDTree(added).query(demand.xy[with_data])
        distance[with_data] = np.minimum(distance[with_data], to_added)
    return replace(
        base,
        distance_m=distance,
        covered=data & (distance <= base.threshold_m),
        uncertain=data & (demand.edges_m[category] < distance),
        access_per_10k=demand.access_per_10k(new_supply, base.threshold_m),
        nearest=None,  # not tracked for a scenario: scenarios start from the baseline
    )
