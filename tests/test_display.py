"""Display simplification keeps neighbours fitting: no gaps, no overlaps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import Polygon

from geo.display import display_coverage
from geo.maps import density_class
from geo.schema import ANALYSIS_CRS, WEB_CRS


def wiggly_pair() -> gpd.GeoDataFrame:
    """Two polygons sharing a zig-zag edge of 200 vertices near Göttingen."""
    x0, y0 = 560000.0, 5710000.0
    ys = np.linspace(0, 10000, 200)
    xs = 5000 + 30 * np.sin(ys / 50)
    edge = list(zip(x0 + xs, y0 + ys, strict=True))
    left = Polygon([(x0, y0), *edge, (x0, y0 + 10000)])
    right = Polygon([*edge, (x0 + 10000, y0 + 10000), (x0 + 10000, y0)])
    return gpd.GeoDataFrame({"k": ["l", "r"]}, geometry=[left, right], crs=ANALYSIS_CRS)


def test_simplified_neighbours_share_their_edge():
    pair = wiggly_pair()
    out = display_coverage(pair, tolerance_m=100)
    assert out.crs == WEB_CRS
    geoms = out.geometry.to_numpy()
    assert (
        shapely.get_num_coordinates(geoms).sum()
        < shapely.get_num_coordinates(pair.geometry.to_numpy()).sum() / 5
    )
    assert shapely.coverage_is_valid(geoms)
    union_area = shapely.union_all(geoms).area
    assert union_area == pytest.approx(geoms[0].area + geoms[1].area, rel=1e-9)
    assert pair.geometry.iloc[0].geom_type == "Polygon"  # input untouched
    assert pair.crs == ANALYSIS_CRS


def test_display_coverage_refuses_degrees():
    with pytest.raises(ValueError, match="metric CRS"):
        display_coverage(wiggly_pair().to_crs(WEB_CRS))


def test_density_class_edges():
    assert density_class(np.array([0, 49.9, 50, 1999, 2000, 1e6, np.nan])).tolist() == [
        0,
        0,
        1,
        6,
        7,
        7,
        -1,
    ]
