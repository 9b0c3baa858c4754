"""GeoJSON FeatureCollections of Points with schema (or German) properties.

Anything that is not a Feature with a Point and scalar properties becomes a problem of that
feature, named by its position ("feature 3"), never an error of the reader.
"""

from __future__ import annotations

import pandas as pd

from geo.facilities import FIELDS, PRE_PROBLEM, ROW
from geo.importers.common import (
    MAX_COLUMNS,
    MAX_ROWS,
    ImportFormatError,
    load_json,
    map_headers,
    normalise_columns,
    scalar_text,
)

__all__ = ["parse_geojson"]


def _point(geometry: object) -> tuple[str, str, str]:
    """(lon, lat, problem) of a Point geometry."""
    if not isinstance(geometry, dict):
        return "", "", "geometry: missing, expected a Point"
    kind = geometry.get("type")
    if kind != "Point":
        shown = kind if isinstance(kind, str) and len(kind) <= 40 else "not a type name"
        return "", "", f"geometry: {shown}, expected a Point"
    coords = geometry.get("coordinates")
    numbers = (
        isinstance(coords, list)
        and len(coords) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
    )
    if not numbers:
        return "", "", "geometry: a Point needs coordinates [longitude, latitude]"
    return scalar_text(coords[0]) or "", scalar_text(coords[1]) or "", ""


def _properties(props: object, label: str, mapping: dict) -> tuple[dict[str, str], str]:
    """The schema fields of one feature's properties and the first problem found."""
    if props is None:
        return {}, ""
    if not isinstance(props, dict):
        return {}, "properties: expected an object"
    if len(props) > MAX_COLUMNS:
        return {}, f"properties: {len(props):,}, at most {MAX_COLUMNS} are accepted"
    keys = tuple(props)
    if keys not in mapping:
        mapping[keys] = map_headers(list(keys), label)
    record: dict[str, str] = {}
    for key, field in mapping[keys].items():
        if field in ("lat", "lon"):  # the geometry says where the feature is
            continue
        text = scalar_text(props[key])
        if text is None:
            return {}, f"{field}: expected text or a number, not a list or object"
        record[field] = text
    return record, ""


def parse_geojson(data: bytes) -> pd.DataFrame:
    """Read a GeoJSON FeatureCollection into the schema's text columns (plus row and problem)."""
    doc = load_json(data)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ImportFormatError("not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ImportFormatError("FeatureCollection without a 'features' list")
    if len(features) > MAX_ROWS:
        raise ImportFormatError(f"{len(features):,} features; at most {MAX_ROWS:,} are accepted")
    columns: dict[str, list[str]] = {f: [] for f in FIELDS}
    labels, problems = [], []
    mapping: dict[tuple, dict[str, str]] = {}
    for i, feat in enumerate(features):
        label = f"feature {i + 1}"
        if isinstance(feat, dict):
            record, problem = _properties(feat.get("properties"), label, mapping)
            lon, lat, where = _point(feat.get("geometry"))
        else:
            record, problem, lon, lat, where = {}, "feature: expected a Feature object", "", "", ""
        record["lon"], record["lat"] = lon, lat
        for field in FIELDS:
            columns[field].append(record.get(field, ""))
        labels.append(label)
        problems.append(problem or where)
    frame = normalise_columns(pd.DataFrame(columns, dtype=object), renamed=True)
    frame[ROW] = labels
    frame[PRE_PROBLEM] = problems
    return frame
