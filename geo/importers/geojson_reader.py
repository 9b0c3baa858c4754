"""GeoJSON FeatureCollections of Points with schema (or German) properties."""

from __future__ import annotations

import pandas as pd

from geo.facilities import PRE_PROBLEM, ROW
from geo.importers.common import ImportFormatError, load_json, normalise_columns

__all__ = ["parse_geojson"]


def parse_geojson(data: bytes) -> pd.DataFrame:
    """Read a GeoJSON FeatureCollection of Points with schema (or German) properties."""
    doc = load_json(data)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ImportFormatError("not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ImportFormatError("FeatureCollection without a 'features' list")
    records = []
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        record = dict(props) if isinstance(props, dict) else {}
        record = {k: v for k, v in record.items() if k.casefold() not in ("lat", "lon")}
        if isinstance(geom, dict) and geom.get("type") == "Point":
            coords = geom.get("coordinates") or []
            record["lon"] = str(coords[0]) if len(coords) > 0 else ""
            record["lat"] = str(coords[1]) if len(coords) > 1 else ""
        else:
            kind = geom.get("type") if isinstance(geom, dict) else "missing"
            record["lon"], record["lat"] = "", ""
            record[PRE_PROBLEM] = f"geometry: {kind}, expected a Point"
        record[ROW] = f"feature {i + 1}"
        records.append(record)
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=[ROW])
    out = normalise_columns(frame.drop(columns=[ROW]))
    out[ROW] = frame[ROW].tolist()
    if PRE_PROBLEM in frame.columns:
        out[PRE_PROBLEM] = frame[PRE_PROBLEM].fillna("").astype(str).tolist()
    return out

