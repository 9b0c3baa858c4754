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

from geo.dasymetric import DasymetricError, grouped_largest_remainder
from geo.schema import (
    AGE_BANDS,
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

    Hamilton's method (`geo.dasymetric.grouped_largest_remainder` with one group).

    >>> largest_remainder(np.array([1.0, 1.0, 1.0]), 10).tolist()
    [4, 3, 3]
    """
    weights = np.asarray(weights, dtype=float)
    try:
        return grouped_largest_remainder(
            weights, np.zeros(len(weights), dtype=np.int64), np.array([total])
        )
    except DasymetricError as err:
        raise BuildError(f"cannot split {total}: {err}") from None


def _band_weights(cells: pd.DataFrame) -> np.ndarray:
    """Raw age-band counts per cell, with the Gemeinde's (else the state's, else an even) mix
    where a cell has no band counts (the statistics office's noise leaves a few such cells)."""
    bands = cells[list(AGE_BANDS)].to_numpy(dtype=float).copy()
    empty = bands.sum(axis=1) <= 0
    if empty.any():
        by_ags = pd.DataFrame(bands, index=cells[AGS].to_numpy()).groupby(level=0).sum()
        fallback = by_ags.reindex(cells[AGS].to_numpy()[empty]).to_numpy().copy()
        state = bands.sum(axis=0)
        fallback[fallback.sum(axis=1) <= 0] = state if state.sum() > 0 else 1.0
        bands[empty] = fallback
    return bands


def _split_into_bands(band_weights: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Each row's whole ``population`` split over the age bands in proportion to its
    ``band_weights`` (largest remainder per row): shape (rows, bands), rows sum exactly."""
    rows, n_bands = band_weights.shape
    return grouped_largest_remainder(
        band_weights.ravel(), np.repeat(np.arange(rows), n_bands), population
    ).reshape(rows, n_bands)


def scale_cells(cells: pd.DataFrame, population_by_ags: pd.Series) -> pd.DataFrame:
    """Scale census cell counts so each Gemeinde's cells sum to its official population.

    ``population`` becomes an integer per cell (largest remainder within the Gemeinde, so the
    Gemeinde sums are exact); each cell's residents are then split over the age bands in
    proportion to the cell's own band counts (largest remainder again), so the bands are whole
    numbers that sum to the cell's residents. A Gemeinde whose cells hold no residents gets
    its population spread evenly; cells of a Gemeinde absent from ``population_by_ags`` get 0.

    Returns a new frame with ``population`` and the age bands replaced and ``total`` dropped.
    """
    out = cells.copy()
    codes, groups = pd.factorize(out[AGS])
    totals = population_by_ags.reindex(groups).fillna(0).astype(np.int64).to_numpy()
    weights = out["total"].to_numpy(dtype=float)
    empty = np.bincount(codes, weights=weights, minlength=len(groups)) <= 0
    weights = np.where(empty[codes], 1.0, weights)
    population = grouped_largest_remainder(weights, codes, totals)
    per_band = _split_into_bands(_band_weights(out), population)
    for j, col in enumerate(AGE_BANDS):
        out[col] = per_band[:, j]
    out[POPULATION] = population
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
    kreis_bands = cells.groupby(cells[AGS].str[:5])[list(AGE_BANDS)].sum()
    new = pd.DataFrame(
        {
            GRID_ID: [grid_id_1km(x, y) for x, y in zip(x0, y0, strict=True)],
            "x_3035": x0.astype(np.int64),
            "y_3035": y0.astype(np.int64),
            AGS: lacking[AGS].to_numpy(),
        }
    )
    shares = kreis_bands.reindex(new[AGS].str[:5]).fillna(1.0).to_numpy()
    pop = lacking[AGS].map(population_by_ags).to_numpy(dtype=np.int64)
    bands = _split_into_bands(shares, pop)
    for j, col in enumerate(AGE_BANDS):
        new[col] = bands[:, j]
    new[POPULATION] = pop
    new_gdf = gpd.GeoDataFrame(new, geometry=cell_squares(new).to_numpy(), crs=ANALYSIS_CRS)
    return pd.concat(
        [cells.assign(**{IMPUTED: False}), new_gdf.assign(**{IMPUTED: True})], ignore_index=True
    )


def grid_id_1km(x_3035: float, y_3035: float) -> str:
    """The Zensus 2022 id of the 1 km cell with lower-left corner (x, y) in EPSG:3035."""
    return f"CRS3035RES1000mN{int(y_3035)}E{int(x_3035)}"


def land_area_km2(geometry: gpd.GeoSeries) -> pd.Series:
    """Return polygon areas in km² (the geometry must be in a metric CRS)."""
    if geometry.crs is None or not geometry.crs.is_projected:
        raise BuildError("areas need a projected CRS in metres")
    return pd.Series(geometry.area.to_numpy() / 1e6, index=geometry.index, name=AREA_KM2)
