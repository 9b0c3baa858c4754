"""The planner's questions answered from the loaded datasets: coverage for a selection.

Thin glue between `geo.data.Datasets` and the pure `geo.coverage` functions: choose the
facilities, run the per-cell analysis once, and shape tables per Gemeinde, Kreis or Quartier.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.coverage import (
    DEFAULT_THRESHOLD_M,
    DETOUR_FACTOR,
    WALK_M_PER_MIN,
    CellCoverage,
    UnitSums,
    aggregate,
    cell_coverage,
    distance_histogram,
)
from geo.data import Datasets
from geo.facilities import CATEGORIES, TYPES
from geo.params import ParameterError, parse_number, shown
from geo.schema import AGS, KREIS, KREIS_ARS, NAME, QUARTIER_ID

__all__ = [
    "LEVELS",
    "MAX_THRESHOLD_M",
    "Analysis",
    "Selection",
    "analyse",
    "method_parameters",
    "quartier_figures",
    "quartier_table",
    "selection_histogram",
    "top_quartiere",
    "unit_shapes",
    "unit_table",
]

LEVELS = ("gemeinde", "kreis")
MIN_THRESHOLD_M = 100.0  # one 100 m cell: a shorter reach cannot be told apart on the grid
MAX_THRESHOLD_M = 50_000.0  # beyond this "reach" stops meaning anything


@dataclass(frozen=True)
class Selection:
    """Which facilities count as supply, and the reach."""

    category: str
    type: str | None
    threshold_m: float

    @classmethod
    def parse(cls, category: str | None, type_: str | None, threshold_m: str | None) -> Selection:
        """Validate request-style text parameters; a type implies its category."""
        category = (category or "").strip() or None
        type_ = (type_ or "").strip() or None
        if type_ is not None and type_ not in TYPES:
            raise ParameterError(
                "type", f"unknown type {shown(type_)}; use one of {', '.join(TYPES)}"
            )
        if category is not None and category not in CATEGORIES:
            raise ParameterError(
                "category", f"unknown category {shown(category)}; use {' or '.join(CATEGORIES)}"
            )
        if type_ is not None:
            if category is not None and TYPES[type_].category != category:
                raise ParameterError("type", f"type {type_!r} is not in category {category!r}")
            category = TYPES[type_].category
        if category is None:
            raise ParameterError("category", "give a category (treffpunkt or beratung) or a type")
        if threshold_m is None or threshold_m.strip() == "":
            threshold = DEFAULT_THRESHOLD_M[category]
        else:
            threshold = parse_number("threshold_m", threshold_m, MIN_THRESHOLD_M, MAX_THRESHOLD_M)
        return cls(category=category, type=type_, threshold_m=threshold)

    def facilities(self, all_facilities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """The facilities this selection counts."""
        if self.type is not None:
            return all_facilities[all_facilities["type"] == self.type]
        return all_facilities[all_facilities["category"] == self.category]

    def as_dict(self) -> dict[str, object]:
        return {"category": self.category, "type": self.type, "threshold_m": self.threshold_m}


@dataclass(frozen=True)
class Analysis:
    """Per-cell coverage for one selection, with what is needed to aggregate it."""

    selection: Selection
    data: Datasets
    coverage: CellCoverage

    @cached_property
    def quartier_sums(self) -> UnitSums:
        """The additive figures per Quartier; Gemeinden and Kreise add these up."""
        by_quartier = self.data.groupings["quartier"]
        return UnitSums.of(
            self.data.demand, self.coverage, by_quartier.codes, len(by_quartier.keys)
        )

    def sums(self, level: str) -> UnitSums:
        """The additive figures per unit of ``level`` (quartier, gemeinde, kreis)."""
        if level == "quartier":
            return self.quartier_sums
        grouping = self.data.groupings[level]
        return self.quartier_sums.coarsen(self.data.nesting[level], len(grouping.keys))


def analyse(data: Datasets, selection: Selection) -> Analysis:
    """Run the per-cell analysis for ``selection``."""
    supply = shapely.get_coordinates(selection.facilities(data.facilities).geometry.to_numpy())
    result = cell_coverage(data.demand, supply, selection.threshold_m, selection.category)
    return Analysis(selection=selection, data=data, coverage=result)


def quartier_figures(analysis: Analysis) -> pd.DataFrame:
    """Figures for every Quartier of the state, keyed by id (kinds: `geo.quartiere.KINDS`)."""
    data = analysis.data
    table = aggregate(
        data.demand, analysis.coverage, data.groupings["quartier"], analysis.sums("quartier")
    )
    table = table.rename(columns={"key": QUARTIER_ID})
    table["name"] = data.quartier_info["name"].to_numpy()
    table["kind"] = data.quartier_info["kind"].to_numpy()
    table[AGS] = data.quartier_info[AGS].to_numpy()
    return table


def unit_table(analysis: Analysis, level: str) -> pd.DataFrame:
    """Figures per Gemeinde or Kreis, with names, sorted by key."""
    data = analysis.data
    if level == "gemeinde":
        names = data.gemeinden.set_index(AGS)[[NAME, KREIS]]
    elif level == "kreis":
        names = data.gemeinden.drop_duplicates(KREIS_ARS).set_index(KREIS_ARS)[[KREIS]]
        names = names.assign(**{NAME: names[KREIS]})
    else:
        raise ParameterError("level", f"level must be one of {', '.join(LEVELS)}")
    grouping = data.groupings[level]
    table = aggregate(data.demand, analysis.coverage, grouping, analysis.sums(level))
    table = table.set_index("key")
    table = names.join(table, how="left")
    # units without population cells (gemeindefreie Gebiete) have no residents
    table["residents"] = table["residents"].fillna(0)
    table["status"] = table["status"].fillna("keine_daten")
    return table.rename_axis("key").reset_index().sort_values("key")


def unit_shapes(data: Datasets, level: str) -> gpd.GeoDataFrame:
    """Display geometry (EPSG:4326) per Gemeinde or Kreis, in column ``key``."""
    display = data.gemeinden_display
    if level == "gemeinde":
        return display[[AGS, "geometry"]].rename(columns={AGS: "key"})
    kreise = display[[KREIS_ARS, "geometry"]].dissolve(by=KREIS_ARS, as_index=False)
    return kreise.rename(columns={KREIS_ARS: "key"})


def _with_geometry(data: Datasets, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """The table with each Quartier's display shape (EPSG:25832)."""
    shapes = data.quartiere.set_index(QUARTIER_ID).geometry
    geometry = shapes.reindex(table[QUARTIER_ID]).to_numpy()
    return gpd.GeoDataFrame(table, geometry=geometry, crs=data.quartiere.crs)


def quartier_table(
    analysis: Analysis, ags: str, figures: pd.DataFrame | None = None
) -> gpd.GeoDataFrame:
    """Figures per Quartier of one Gemeinde with geometry, most residents beyond reach first."""
    figures = quartier_figures(analysis) if figures is None else figures
    frame = _with_geometry(analysis.data, figures[figures[AGS] == ags])
    return frame.sort_values("beyond", ascending=False, na_position="last")


def top_quartiere(
    analysis: Analysis, limit: int, figures: pd.DataFrame | None = None
) -> gpd.GeoDataFrame:
    """The ``limit`` Quartiere with most residents beyond reach, over all Gemeinden with data."""
    figures = quartier_figures(analysis) if figures is None else figures
    with_data = figures[figures["status"] != "keine_daten"]
    top = with_data.sort_values(
        ["beyond", "residents", QUARTIER_ID], ascending=[False, False, True], na_position="last"
    ).head(limit)
    names = analysis.data.gemeinden.set_index(AGS)[NAME]
    top = top.assign(gemeinde=top[AGS].map(names).fillna(""))
    return _with_geometry(analysis.data, top)


def selection_histogram(analysis: Analysis, ags: str | None = None) -> list[dict]:
    """Residents per distance band for the whole state or one Gemeinde."""
    data = analysis.data
    if ags is None:
        return distance_histogram(data.demand.population, analysis.coverage)
    by_gemeinde = data.groupings["gemeinde"]
    mask = np.isin(by_gemeinde.codes, np.flatnonzero(by_gemeinde.keys == ags))
    return distance_histogram(data.demand.population[mask], analysis.coverage.subset(mask))


def method_parameters() -> dict[str, object]:
    """The constants of the method, for responses and the method note."""
    return {
        "demand": "Zensus 2022 residents per 100 m cell (1 km grid spread by residential "
        "building footprint, scaled to the Gemeinde totals)",
        "distance": "straight line from the 100 m cell centre to the nearest facility",
        "data_tiers": "geprueft, osm_ungeprueft, keine_daten per Gemeinde and category",
        "detour_factor": DETOUR_FACTOR,
        "walk_m_per_min": WALK_M_PER_MIN,
        "default_threshold_m": DEFAULT_THRESHOLD_M,
    }


def scenario_figures(analysis: Analysis, changed: CellCoverage) -> dict[str, object]:
    """What a scenario changes against the baseline analysis: residents newly within reach
    and newly beyond (all, under 15, 65+), per Gemeinde and Quartier where anything changed.

    Only cells with data count, as in the figures themselves.
    """
    data, base = analysis.data, analysis.coverage
    has_data = base.has_data
    gained = has_data & ~base.covered & changed.covered
    lost = has_data & base.covered & ~changed.covered
    moved = has_data & (gained | lost | (base.distance_m != changed.distance_m))
    demand = data.demand
    counts = {"": demand.population, "u15_": demand.u15, "a65plus_": demand.a65plus}

    def per_unit(level: str) -> list[dict[str, object]]:
        grouping = data.groupings[level]
        n = len(grouping.keys)

        def total(weights: np.ndarray) -> np.ndarray:
            return np.bincount(grouping.codes, weights=weights, minlength=n)

        residents = total(demand.population * has_data)
        before = total(demand.population * (has_data & ~base.covered))
        sums = {f"{p}{k}": total(v * m) for p, v in counts.items()
                for k, m in (("newly_within_reach", gained), ("newly_beyond", lost))}  # fmt: skip
        rows = []
        for unit in np.unique(grouping.codes[moved]):
            row: dict[str, object] = {"key": str(grouping.keys[unit])}
            row.update({name: round(values[unit]) for name, values in sums.items()})
            after = before[unit] - sums["newly_within_reach"][unit] + sums["newly_beyond"][unit]
            share = residents[unit]
            row.update({
                "beyond_before": round(before[unit]), "beyond_after": round(after),
                "beyond_share_before": round(before[unit] / share, 4) if share else None,
                "beyond_share_after": round(after / share, 4) if share else None,
            })  # fmt: skip
            rows.append(row)
        return rows

    gemeinden = per_unit("gemeinde")
    names = data.gemeinden.set_index(AGS)[NAME]
    for row in gemeinden:
        row["name"] = names.get(row["key"], "")
    quartiere = per_unit("quartier")
    info = data.quartier_info.set_index(data.groupings["quartier"].keys)
    for row in quartiere:
        row["name"] = info.at[row["key"], "name"]
        row[AGS] = info.at[row["key"], AGS]
    summary = {f"{p}{k}": round(v[m].sum()) for p, v in counts.items()
               for k, m in (("newly_within_reach", gained), ("newly_beyond", lost))}  # fmt: skip
    return {"summary": summary, "gemeinden": gemeinden, "quartiere": quartiere}
