"""Display versions of geometry: simplified as a coverage, in WGS84, with rounded coordinates.

Simplifying each polygon on its own opens gaps and slivers between neighbours; simplifying the
whole set as a coverage (GEOS CoverageSimplifier) moves every shared edge once, so neighbours
keep fitting together.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geo.schema import WEB_CRS

__all__ = [
    "DISPLAY_DECIMALS",
    "DISPLAY_TOLERANCE_M",
    "display_coverage",
    "simplify_coverage",
    "to_web",
]

DISPLAY_TOLERANCE_M = 250.0  # coverage simplification tolerance for statewide display
DISPLAY_DECIMALS = 4  # about 10 m: far finer than the simplification tolerance


def simplify_coverage(
    frame: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M
) -> gpd.GeoDataFrame:
    """Return ``frame`` with its polygon coverage simplified (same CRS; done at build time).

    Parameters
    ----------
    frame : GeoDataFrame
        Non-overlapping polygons in a metric CRS.
    tolerance_m : float
        Simplification tolerance in metres.
    """
    if frame.crs is None or not frame.crs.is_projected:
        raise ValueError("display_coverage needs polygons in a metric CRS")
    simplified = shapely.coverage_simplify(frame.geometry.to_numpy(), tolerance_m)
    return frame.set_geometry(gpd.GeoSeries(simplified, index=frame.index, crs=frame.crs))


def to_web(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 with coordinates rounded to `DISPLAY_DECIMALS` decimals (shared
    vertices round alike, so topology survives)."""
    web = frame.geometry.to_crs(WEB_CRS)
    rounded = shapely.transform(web.to_numpy(), lambda xy: np.round(xy, DISPLAY_DECIMALS))
    return frame.set_geometry(gpd.GeoSeries(rounded, index=frame.index, crs=WEB_CRS))


def display_coverage(
    frame: gpd.GeoDataFrame, tolerance_m: float = DISPLAY_TOLERANCE_M
) -> gpd.GeoDataFrame:
    """Return ``frame`` with its polygon coverage simplified for display, in EPSG:4326.

    A new frame, same rows and columns: `simplify_coverage`, then `to_web`.
    """
    return to_web(simplify_coverage(frame, tolerance_m))
