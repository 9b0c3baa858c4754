"""Tiny synthetic inputs for the facility tests, built by hand (no external source)."""

from __future__ import annotations

import geopandas as gpd
from shapely import box

from geo.schema import AGS, ANALYSIS_CRS, GEMEINDEFREI, WEB_CRS

GOETTINGEN = (51.5339, 9.9355)  # lat, lon of the Göttingen town hall area


def gemeinden_square() -> gpd.GeoDataFrame:
    """Two 'Gemeinden': a 20 km lon/lat square around Göttingen and a gemeindefreies one."""
    lat, lon = GOETTINGEN
    inhabited = box(lon - 0.15, lat - 0.1, lon + 0.15, lat + 0.1)
    free = box(lon + 0.15, lat - 0.1, lon + 0.3, lat + 0.1)
    frame = gpd.GeoDataFrame(
        {AGS: ["03159016", "03159501"], GEMEINDEFREI: [False, True]},
        geometry=[inhabited, free],
        crs=WEB_CRS,
    )
    return frame.to_crs(ANALYSIS_CRS)
