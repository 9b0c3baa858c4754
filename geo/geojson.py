"""GeoJSON (RFC 7946) from frames: WGS84, plain JSON types, no foreign members."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.schema import WEB_CRS

__all__ = ["GEOJSON_MIME", "feature", "feature_collection", "plain"]

GEOJSON_MIME = "application/geo+json"
COORD_DECIMALS = 6  # ~0.1 m: RFC 7946 §11.2 recommends not more than needed


def plain(value: Any) -> Any:
    """Return ``value`` as a JSON-native type (numpy scalars, NaN and NA become plain/None)."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _geometry(geom: shapely.Geometry | None) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    rounded = shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))
    return json.loads(shapely.to_geojson(rounded))


def feature(row: dict[str, Any], geom: shapely.Geometry | None, id_value: Any = None) -> dict:
    """Return one Feature with ``row`` as properties."""
    out: dict[str, Any] = {"type": "Feature"}
    if id_value is not None:
        out["id"] = plain(id_value)
    out["geometry"] = _geometry(geom)
    out["properties"] = {k: plain(v) for k, v in row.items()}
    return out


def feature_collection(
    frame: gpd.GeoDataFrame, columns: Sequence[str], id_column: str | None = None
) -> dict[str, Any]:
    """Return a FeatureCollection of ``frame`` (reprojected to WGS84) with ``columns``.

    Parameters
    ----------
    frame : GeoDataFrame
        Any CRS; reprojected to EPSG:4326 as RFC 7946 requires.
    columns : sequence of str
        Columns that become the properties, in this order.
    id_column : str, optional
        Column whose value becomes each Feature's ``id``.
    """
    web = frame if frame.crs == WEB_CRS else frame.to_crs(WEB_CRS)
    records = web[list(columns)].to_dict(orient="records")
    ids = web[id_column].tolist() if id_column else [None] * len(web)
    features = [
        feature(rec, geom, fid)
        for rec, geom, fid in zip(records, web.geometry.to_numpy(), ids, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
