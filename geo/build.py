"""Pure steps of the dataset build: key harmonisation, cell assignment and population scaling.

Everything here takes frames and returns new frames; reading the raw files is `geo.raw`'s job
and writing the result is `scripts/build_datasets.py`'s. Keeping the steps pure is what lets the
tests check them on shapes small enough to verify by hand.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.schema import (
    AGE_CLASSES,
    AGS,
    ANALYSIS_CRS,
    AREA_KM2,
    ARS,
    GEMEINDEFREI,
    GRID_CRS,
    GRID_ID,
    IMPUTED,
    POPULATION,
)

__all__ = [
    "BuildError",
    "ags_from_ars",
    "assign_cells_to_gemeinden",
    "cell_squares",
    "harmonise_keys",
    "impute_missing_cells",
    "largest_remainder",
    "scale_cells",
]

CELL_SIZE_M = 1000.0  # edge of an INSPIRE 1 km cell, in the grid CRS (EPSG:3035)


class BuildError(ValueError):
    """The raw inputs do not fit together (a key without geometry, a total that does not add up)."""


def ags_from_ars(ars: pd.Series) -> pd.Series:
    """Return the 8-digit AGS of 12-digit ARS keys (Land+Bezirk+Kreis, then the Gemeinde part)."""
    return ars.str[0:5] + ars.str[9:12]


def harmonise_keys(
    old: gpd.GeoDataFrame, new_outlines: gpd.GeoDataFrame, key: str = ARS
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Give full-resolution polygons of an older Gebietsstand the keys of a newer one.

    Each old polygon goes to the new unit it overlaps most; the polygons are then dissolved
    per new key. This handles mergers (many old polygons to one new key) exactly; a unit that
    was split would go whole to one side, which the area report makes visible.

    Parameters
    ----------
    old : GeoDataFrame
        Full-resolution polygons with any columns; their keys are ignored.
    new_outlines : GeoDataFrame
        One (possibly coarse) outline per new key in column ``key``.
    key : str
        Name of the key column in ``new_outlines``.

    Returns
    -------
    (GeoDataFrame, DataFrame)
        The dissolved geometry per new key (columns ``key``, ``geometry``), and a report with
        ``key``, ``area_new_km2`` (dissolved full-resolution), ``area_outline_km2`` and
        ``area_diff_share`` (relative difference) for every new key.

    Raises
    ------
    BuildError
        If a new key receives no polygon.

    Examples
    --------
    Two old squares merged into one new unit get that unit's key:

    >>> from shapely import box
    >>> old = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=ANALYSIS_CRS)
    >>> new = gpd.GeoDataFrame({ARS: ["a"]}, geometry=[box(0, 0, 2, 1)], crs=ANALYSIS_CRS)
    >>> harmonise_keys(old, new)[0][ARS].tolist()
    ['a']
    """
    if old.crs != new_outlines.crs:
        raise BuildError(f"CRS differ: old {old.crs}, new {new_outlines.crs}")
    if not new_outlines[key].is_unique:
        raise BuildError(f"new outlines have duplicate keys in column {key!r}")
    # The simplified outlines self-intersect in places; overlap areas need valid polygons.
    old_geoms = shapely.make_valid(old.geometry.to_numpy())
    new_geoms = shapely.make_valid(new_outlines.geometry.to_numpy())
    tree = shapely.STRtree(new_geoms)
    old_idx, new_idx = tree.query(old_geoms, predicate="intersects")
    overlap = shapely.area(shapely.intersection(old_geoms[old_idx], new_geoms[new_idx]))
    pairs = pd.DataFrame({"old": old_idx, "new": new_idx, "overlap": overlap})
    best = pairs.sort_values(["old", "overlap"], ascending=[True, False]).drop_duplicates("old")
    orphans = np.setdiff1d(np.arange(len(old)), best["old"].to_numpy())
    if len(orphans):
        raise BuildError(f"{len(orphans)} old polygons overlap no new outline (rows {orphans[:5]})")
    assigned = gpd.GeoDataFrame(
        {key: new_outlines[key].to_numpy()[best["new"].to_numpy()]},
        geometry=old_geoms[best["old"].to_numpy()],
        crs=old.crs,
    )
    dissolved = assigned.dissolve(by=key, as_index=False)
    dissolved = dissolved.assign(geometry=shapely.make_valid(dissolved.geometry.to_numpy()))
    missing = sorted(set(new_outlines[key]) - set(dissolved[key]))
    if missing:
        raise BuildError(f"{len(missing)} new keys receive no polygon: {missing[:10]}")
    report = pd.DataFrame(
        {
            key: dissolved[key],
            "area_new_km2": dissolved.area.to_numpy() / 1e6,
        }
    ).merge(
        pd.DataFrame({key: new_outlines[key], "area_outline_km2": shapely.area(new_geoms) / 1e6}),
        on=key,
    )
    report["area_diff_share"] = (report["area_new_km2"] - report["area_outline_km2"]) / report[
        "area_outline_km2"
    ]
    return dissolved, report


def cell_squares(cells: pd.DataFrame) -> gpd.GeoSeries:
    """Return the 1 km squares of grid cells (lower-left ``x_3035``/``y_3035``) in EPSG:25832."""
    x0 = cells["x_3035"].to_numpy(dtype=float)
    y0 = cells["y_3035"].to_numpy(dtype=float)
    squares = shapely.box(x0, y0, x0 + CELL_SIZE_M, y0 + CELL_SIZE_M)
    return gpd.GeoSeries(squares, index=cells.index, crs=GRID_CRS).to_crs(ANALYSIS_CRS)


def assign_cells_to_gemeinden(squares: gpd.GeoSeries, gemeinden: gpd.GeoDataFrame) -> pd.Series:
    """Return the AGS of the inhabited Gemeinde each cell belongs to.

    A cell belongs to the Gemeinde holding its centre. Cells whose centre lies in a
    gemeindefreies Gebiet (which has no residents in the 2022 census) go to the inhabited
    Gemeinde that overlaps the square most; cells whose centre lies outside every polygon
    (on the coast: the geometry is land only) go to the nearest inhabited Gemeinde.
    """
    inhabited = gemeinden[~gemeinden[GEMEINDEFREI]].reset_index(drop=True)
    all_geoms = gemeinden.geometry.to_numpy()
    centres = shapely.centroid(squares.to_numpy())
    pt_idx, poly_idx = shapely.STRtree(all_geoms).query(centres, predicate="within")
    result = pd.Series(pd.NA, index=squares.index, dtype="string")
    result.iloc[pt_idx] = gemeinden[AGS].to_numpy()[poly_idx]
    free = set(gemeinden.loc[gemeinden[GEMEINDEFREI], AGS])
    needs = result.isna().to_numpy() | result.isin(free).fillna(False).to_numpy()
    if needs.any():
        sq = squares.to_numpy()[needs]
        inh_geoms = inhabited.geometry.to_numpy()
        s_idx, g_idx = shapely.STRtree(inh_geoms).query(sq, predicate="intersects")
        overlap = shapely.area(shapely.intersection(sq[s_idx], inh_geoms[g_idx]))
        pairs = pd.DataFrame({"s": s_idx, "g": g_idx, "a": overlap})
        pairs = pairs[pairs["a"] > 0]
        best = pairs.sort_values(["s", "a"], ascending=[True, False]).drop_duplicates("s")
        chosen = np.full(len(sq), -1)
        chosen[best["s"].to_numpy()] = best["g"].to_numpy()
        lonely = np.flatnonzero(chosen < 0)
        if len(lonely):
            near = shapely.STRtree(inh_geoms).nearest(shapely.centroid(sq[lonely]))
            chosen[lonely] = near
        result.iloc[np.flatnonzero(needs)] = inhabited[AGS].to_numpy()[chosen]
    return result


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights`` so the parts sum exactly.

    Hamilton's method: floor every share, then give the leftover units to the largest
    remainders (ties by position, so the result is deterministic).

    >>> largest_remainder(np.array([1.0, 1.0, 1.0]), 10).tolist()
    [4, 3, 3]
    """
    weights = np.asarray(weights, dtype=float)
    if total < 0 or np.any(weights < 0):
        raise BuildError("largest_remainder needs a non-negative total and weights")
    if total == 0:
        return np.zeros(len(weights), dtype=np.int64)
    if weights.sum() <= 0:
        raise BuildError(f"cannot split {total} over weights that sum to 0")
    exact = weights / weights.sum() * total
    floor = np.floor(exact).astype(np.int64)
    left = int(total - floor.sum())
    order = np.lexsort((np.arange(len(exact)), -(exact - floor)))
    floor[order[:left]] += 1
    return floor


def scale_cells(cells: pd.DataFrame, population_by_ags: pd.Series) -> pd.DataFrame:
    """Scale 2011 cell counts so each Gemeinde's cells sum to its 2022 population.

    ``population`` becomes an integer per cell (largest remainder within the Gemeinde, so the
    sums are exact); the age classes become the cell's 2011 age shares times its new
    population (floats, rounded to 0.01). Cells of a Gemeinde absent from
    ``population_by_ags`` get population 0.

    Returns a new frame with ``population`` and the age columns replaced.
    """
    out = cells.copy()
    new_pop = np.zeros(len(out), dtype=np.int64)
    codes, groups = pd.factorize(out[AGS])
    totals = population_by_ags.reindex(groups).fillna(0).astype(np.int64).to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(groups) + 1))
    weights = out["total"].to_numpy(dtype=float)
    for g in range(len(groups)):
        rows = order[bounds[g] : bounds[g + 1]]
        w = weights[rows]
        if w.sum() == 0:
            w = np.ones_like(w)
        new_pop[rows] = largest_remainder(w, int(totals[g]))
    total_2011 = out["total"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        for col in AGE_CLASSES:
            share = np.where(total_2011 > 0, out[col].to_numpy(dtype=float) / total_2011, 0.0)
            out[col] = np.round(share * new_pop, 2)
    out[POPULATION] = new_pop
    return out.drop(columns=["total"])


def impute_missing_cells(
    cells: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame, population_by_ags: pd.Series
) -> gpd.GeoDataFrame:
    """Add one cell for each inhabited Gemeinde that holds no populated cell.

    Small Gemeinden can miss out because a cell counts for the Gemeinde holding its centre.
    Their residents are placed in the 1 km grid cell around the Gemeinde's representative point
    (flag ``imputed``), with the age structure of the other cells of their Kreis.
    """
    have = set(cells[AGS])
    lacking = gemeinden[
        (~gemeinden[GEMEINDEFREI])
        & (~gemeinden[AGS].isin(have))
        & (gemeinden[AGS].map(population_by_ags).fillna(0) > 0)
    ]
    if lacking.empty:
        return cells.assign(**{IMPUTED: False})
    points = gpd.GeoSeries(lacking.representative_point(), crs=gemeinden.crs).to_crs(GRID_CRS)
    x0 = np.floor(points.x.to_numpy() / CELL_SIZE_M) * CELL_SIZE_M
    y0 = np.floor(points.y.to_numpy() / CELL_SIZE_M) * CELL_SIZE_M
    kreis = cells[AGS].str[:5]
    age_sum = cells.groupby(kreis)[list(AGE_CLASSES)].sum()
    age_share = age_sum.div(age_sum.sum(axis=1), axis=0)
    new = pd.DataFrame(
        {
            GRID_ID: [
                f"1kmN{int(y // 1000)}E{int(x // 1000)}" for x, y in zip(x0, y0, strict=True)
            ],
            "x_3035": x0.astype(np.int64),
            "y_3035": y0.astype(np.int64),
            AGS: lacking[AGS].to_numpy(),
        }
    )
    shares = age_share.reindex(new[AGS].str[:5]).to_numpy()
    pop = lacking[AGS].map(population_by_ags).to_numpy(dtype=np.int64)
    for j, col in enumerate(AGE_CLASSES):
        new[col] = np.round(shares[:, j] * pop, 2)
    new[POPULATION] = pop
    new_gdf = gpd.GeoDataFrame(new, geometry=cell_squares(new).to_numpy(), crs=ANALYSIS_CRS)
    return pd.concat(
        [cells.assign(**{IMPUTED: False}), new_gdf.assign(**{IMPUTED: True})], ignore_index=True
    )


def land_area_km2(geometry: gpd.GeoSeries) -> pd.Series:
    """Return polygon areas in km² (the geometry must be in a metric CRS)."""
    if geometry.crs is None or not geometry.crs.is_projected:
        raise BuildError("areas need a projected CRS in metres")
    return pd.Series(geometry.area.to_numpy() / 1e6, index=geometry.index, name=AREA_KM2)
