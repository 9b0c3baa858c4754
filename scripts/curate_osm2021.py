"""Statewide meeting places and counselling offices from the OSM 2021 extract: the decisions.

Used by ``scripts/build_facilities.py``. Every candidate point of
``osm_niedersachsen_2021/pois.gpkg`` gets one logged decision: its place (outside
Niedersachsen, in a gemeindefreies Gebiet, or inside the newer Göttingen pilot extract) first,
then the name rules of `geo.curation`, then the reviewed exceptions file, then duplicates.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.curation import KEEP, LEAVE_OUT, classify, is_candidate, mark_duplicates
from geo.schema import AGS, ANALYSIS_CRS, GEMEINDEFREI, WEB_CRS

SOURCE_PREFIX = "osm-vectortile-2021:"  # OpenMapTiles points carry no OSM ids: named by position
LICENCE = "ODbL-1.0 (© OpenStreetMap contributors, OSM 2021-08)"
PILOT_BBOX = (9.7, 51.45, 10.1, 51.6)  # lon/lat extent of the Göttingen pilot extract (2026)
DECISION_COLUMNS = [
    "lon", "lat", "name", "osm_class", "osm_subclass", "ags", "decision", "type", "rule", "reason",
]  # fmt: skip
EXCEPTION_COLUMNS = ["lon", "lat", "name", "decision", "type", "reason"]


class CurationError(ValueError):
    """The raw extract or the exceptions file does not fit the decisions."""


def source_key(lon: float, lat: float) -> str:
    return f"{SOURCE_PREFIX}{lon:.5f},{lat:.5f}"


def read_candidates(pois_path: Path) -> gpd.GeoDataFrame:
    """Candidate points (EPSG:4326) with ``name``, ``osm_class``, ``osm_subclass``."""
    pois = pyogrio.read_dataframe(
        pois_path, layer="pois", columns=["class", "subclass", "name"], where="name IS NOT NULL"
    )
    pois = pois.rename(columns={"class": "osm_class", "subclass": "osm_subclass"})
    pois = pois[is_candidate(pois["name"], pois["osm_subclass"]).to_numpy()]
    pois = pois.assign(lon=pois.geometry.x.round(5), lat=pois.geometry.y.round(5))
    return pois.sort_values(["lon", "lat", "name"], kind="stable").reset_index(drop=True)


def _place(
    points: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame, bremen: shapely.Geometry
) -> pd.DataFrame:
    """The AGS holding each point and a location decision where the place alone decides."""
    metric = points.to_crs(ANALYSIS_CRS).geometry.to_numpy()
    p_idx, g_idx = shapely.STRtree(gemeinden.geometry.to_numpy()).query(
        metric, predicate="intersects"
    )
    first = pd.Series(g_idx, index=p_idx).groupby(level=0).first()
    ags = pd.Series("", index=points.index, dtype=object)
    ags.iloc[first.index] = gemeinden[AGS].to_numpy()[first.to_numpy()]
    free = pd.Series(False, index=points.index)
    free.iloc[first.index] = gemeinden[GEMEINDEFREI].to_numpy()[first.to_numpy()]
    in_bremen = shapely.intersects(bremen, metric)
    lon, lat = points["lon"].to_numpy(), points["lat"].to_numpy()
    west, south, east, north = PILOT_BBOX
    in_pilot = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    rule = np.select(
        [ags.to_numpy() == "", free.to_numpy(), in_pilot],
        ["L01", "L02", "L03"],
        "",
    )
    rule = np.where((rule == "L01") & in_bremen, "L00", rule)
    reasons = {
        "L00": "in Bremen, another state",
        "L01": "outside Niedersachsen (neighbouring state or the Netherlands)",
        "L02": "in a gemeindefreies Gebiet (forest or lake without residents)",
        "L03": "inside the Göttingen pilot area, where the newer curated data (2026) wins",
    }
    return pd.DataFrame(
        {"ags": ags.where(~free, ""), "rule": rule, "reason": [reasons.get(r, "") for r in rule]},
        index=points.index,
    )


def read_exceptions(path: Path) -> pd.DataFrame:
    """The reviewed exceptions: rows where a human overrides the rules."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    absent = [c for c in EXCEPTION_COLUMNS if c not in frame.columns]
    if absent:
        raise CurationError(f"{path}: missing columns {absent}")
    frame["lon"] = frame["lon"].astype(float).round(5)
    frame["lat"] = frame["lat"].astype(float).round(5)
    bad = ~frame["decision"].isin([KEEP, LEAVE_OUT])
    if bad.any():
        raise CurationError(f"{path}: decision must be keep or leave_out (row {bad.idxmax() + 2})")
    return frame


def _apply_exceptions(decisions: pd.DataFrame, exceptions: pd.DataFrame, path: Path) -> None:
    """Override the rule decision of each excepted row in place; every exception must match."""
    key = list(zip(decisions["lon"], decisions["lat"], decisions["name"], strict=True))
    position = {k: i for i, k in enumerate(key)}
    for row in exceptions.itertuples():
        i = position.get((row.lon, row.lat, row.name))
        if i is None:
            raise CurationError(
                f"{path}: exception {row.name!r} at {row.lon},{row.lat} matches no candidate"
            )
        decisions.loc[i, ["decision", "type", "rule", "reason"]] = [
            row.decision,
            row.type if row.decision == KEEP else "",
            "X",
            f"reviewed exception: {row.reason}",
        ]


def decide(
    candidates: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame,
    bremen: shapely.Geometry,
    exceptions: pd.DataFrame,
    exceptions_path: Path,
) -> pd.DataFrame:
    """One decision per candidate, in `DECISION_COLUMNS`, sorted by position."""
    place = _place(candidates, gemeinden, bremen)
    by_rule = classify(candidates)
    located = place["rule"] != ""
    decisions = pd.DataFrame({
        "lon": candidates["lon"],
        "lat": candidates["lat"],
        "name": candidates["name"],
        "osm_class": candidates["osm_class"].fillna(""),
        "osm_subclass": candidates["osm_subclass"].fillna(""),
        "ags": place["ags"],
        "decision": by_rule["decision"].where(~located, LEAVE_OUT),
        "type": by_rule["type"].where(~located, ""),
        "rule": by_rule["rule"].where(~located, place["rule"]),
        "reason": by_rule["reason"].where(~located, place["reason"]),
    })  # fmt: skip
    _apply_exceptions(decisions, exceptions, exceptions_path)
    _mark_duplicates(decisions, candidates)
    return decisions[DECISION_COLUMNS]


def _mark_duplicates(decisions: pd.DataFrame, candidates: gpd.GeoDataFrame) -> None:
    kept = np.flatnonzero((decisions["decision"] == KEEP).to_numpy())
    xy = shapely.get_coordinates(candidates.to_crs(ANALYSIS_CRS).geometry.to_numpy()[kept])
    priority = np.where(decisions["osm_subclass"].to_numpy()[kept] == "community_centre", 0, 1)
    dup_of = mark_duplicates(
        xy, decisions["name"].iloc[kept], decisions["type"].iloc[kept], priority
    )
    for i in np.flatnonzero(dup_of >= 0):
        row, of = kept[i], kept[dup_of[i]]
        metres = float(np.hypot(*(xy[i] - xy[dup_of[i]])))
        decisions.loc[row, ["decision", "type", "rule", "reason"]] = [
            LEAVE_OUT,
            "",
            "D01",
            f"duplicate of {decisions['name'].iloc[of]!r} at {decisions['lon'].iloc[of]:.5f},"
            f"{decisions['lat'].iloc[of]:.5f} ({metres:.0f} m apart)",
        ]


def kept_geojson(decisions: pd.DataFrame) -> dict:
    """The kept rows as a GeoJSON FeatureCollection in the import schema."""
    kept = decisions[decisions["decision"] == KEEP]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": {
                "name": row.name,
                "type": row.type,
                "source": source_key(row.lon, row.lat),
                "licence": LICENCE,
            },
        }
        for row in kept.itertuples()
    ]
    return {"type": "FeatureCollection", "features": features}


def bremen_outline(outlines_zip: Path) -> shapely.Geometry:
    """Bremen (state key 04) from the simplified 2022 outlines, EPSG:25832."""
    frame = gpd.read_file(f"zip://{outlines_zip}")
    bremen = frame[frame["ARS"].str.startswith("04")].to_crs(ANALYSIS_CRS)
    if bremen.empty:
        raise CurationError(f"{outlines_zip}: no Bremen Gemeinden (ARS 04…) found")
    return shapely.union_all(bremen.geometry.to_numpy())


def points_frame(candidates: pd.DataFrame) -> gpd.GeoDataFrame:
    """Candidates with point geometry from their rounded lon/lat, EPSG:4326."""
    return gpd.GeoDataFrame(
        candidates, geometry=gpd.points_from_xy(candidates["lon"], candidates["lat"]), crs=WEB_CRS
    )
