"""Derive the Quartiere of every Gemeinde, applying the reviewed exceptions and logging each choice.

Pure: frames in, frames out (`geo.quartiere` has the geometric steps and the method). Every
face and every Gemeinde gets a row in the decision log with a rule code, so a reviewer can see
why a Quartier has its name; the exceptions file (`datasets/curation/quartiere_exceptions.csv`)
overrides the default for a face, keyed by the Gemeinde and the labels inside the face.
An exception that matches no face stops the build: the OSM data or the method changed, and
the exception needs a new review.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.quartiere import (
    APPROX_CLASSES,
    SEARCH_M,
    Decision,
    Face,
    district_faces,
    name_faces,
    nearest_place_areas,
    quartier_frame,
)
from geo.schema import AGS, GEMEINDEFREI, NAME, QUARTIER_KIND, SOURCE

__all__ = [
    "EXCEPTION_ACTIONS",
    "EXCEPTION_COLUMNS",
    "SOURCES",
    "QuartierError",
    "derive_quartiere",
]

EXCEPTION_COLUMNS = ["ags", "labels", "action", "value", "reason"]
# name: the face gets `value` as its name; split: the face is split between its labels by
# nearness, named by `value` (names in label order, separated by "|"); join: the face joins
# its longest-border neighbour
EXCEPTION_ACTIONS = ("name", "split", "join")
SOURCES = {
    "osm_grenzen": "OpenStreetMap Verwaltungsgrenzen Ebene 9/10 und Ortsnamen (2021-08)",
    "genaehert": "OpenStreetMap Ortsnamen (2021-08), Voronoi-Zerlegung",
    "gemeinde": "BKG VG250 Gemeindegrenze",
}
LABEL_SEP = "|"


class QuartierError(ValueError):
    """The exceptions file does not fit the data (unknown action, an exception never used)."""


def _split(face: Face, names: list[str]) -> list[tuple[str, shapely.Geometry]]:
    parts = nearest_place_areas(face.geometry, face.labels, face.label_points)
    rename = dict(zip(face.labels, names, strict=True))
    return [(rename[label], part) for label, part in parts]


def _resolve_faces(
    ags: str, faces: list[Face], exceptions: dict[tuple[str, str], pd.Series], used: set
) -> tuple[list[dict], list[Decision]]:
    """Name, split or join each face of one Gemeinde; return Quartier rows and decisions."""
    rows: list[dict] = []
    decisions: list[Decision] = []
    joining: list[Face] = []
    for face in faces:
        labels = LABEL_SEP.join(face.labels)
        exception = exceptions.get((ags, labels))
        if exception is not None:
            used.add((ags, labels))
            action, value = exception["action"], exception["value"]
            rule = "X"
            reason = f"exception: {exception['reason']}"
        elif len(face.labels) == 1:
            action, value, rule = "name", face.labels[0], "Q10"
            reason = "one place label inside the face"
        elif face.labels:
            action, value, rule = "split", labels, "Q11"
            reason = "several equally ranked labels: split by nearest label"
        else:
            action, value, rule = "join", "", "Q12"
            reason = "no label: joins the neighbour with the longest shared border"
        if action == "name":
            rows.append({NAME: value, QUARTIER_KIND: "osm_grenzen", "geometry": face.geometry})
            result = value
        elif action == "split":
            names = value.split(LABEL_SEP) if value else face.labels
            if len(names) != len(face.labels):
                raise QuartierError(
                    f"exception for {ags} {labels!r}: split needs one name per label"
                )
            parts = _split(face, names)
            rows += [{NAME: n, QUARTIER_KIND: "genaehert", "geometry": g} for n, g in parts]
            result = LABEL_SEP.join(n for n, _ in parts)
        else:
            joining.append(face)
            result = "(joined)"
        decisions.append(Decision(ags, rule, labels, result, reason))
    for face in joining:
        _join(rows, face.geometry)
    return rows, decisions


def _join(rows: list[dict], geometry: shapely.Geometry) -> None:
    """Merge ``geometry`` into the row sharing its longest border (or the nearest row)."""
    if not rows:
        raise QuartierError("a Gemeinde's faces are all unnamed")
    ring = shapely.boundary(geometry)
    shared = [shapely.length(shapely.intersection(ring, shapely.boundary(r["geometry"])))
              for r in rows]  # fmt: skip
    if max(shared) > 0:
        best = int(np.argmax(shared))
    else:
        best = int(np.argmin([shapely.distance(geometry, r["geometry"]) for r in rows]))
    rows[best]["geometry"] = shapely.union(rows[best]["geometry"], geometry)


def _approximate(
    ags: str, name: str, area: shapely.Geometry, places: gpd.GeoDataFrame
) -> tuple[list[dict], Decision]:
    seeds = places[places["class"].isin(APPROX_CLASSES)].sort_values(NAME)
    parts = nearest_place_areas(area, seeds[NAME].tolist(), list(seeds.geometry))
    if not parts:
        rows = [{NAME: name, QUARTIER_KIND: "gemeinde", "geometry": area}]
        return rows, Decision(ags, "Q30", "", name, "no named place inside: whole Gemeinde")
    rows = [{NAME: n, QUARTIER_KIND: "genaehert", "geometry": g} for n, g in parts]
    reason = f"no district boundaries: {len(parts)} Ortsteile by nearest named place"
    return rows, Decision(ags, "Q20", "", LABEL_SEP.join(n for n, _ in parts), reason)


def _dissolve_names(rows: list[dict]) -> list[dict]:
    """One Quartier per name: parts of the same name merge (the weaker kind wins)."""
    merged: dict[str, dict] = {}
    for row in rows:
        seen = merged.get(row[NAME])
        if seen is None:
            merged[row[NAME]] = dict(row)
            continue
        seen["geometry"] = shapely.union(seen["geometry"], row["geometry"])
        if row[QUARTIER_KIND] == "genaehert":
            seen[QUARTIER_KIND] = "genaehert"
    return list(merged.values())


def derive_quartiere(
    gemeinden: gpd.GeoDataFrame,
    official: gpd.GeoDataFrame,
    lines: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    exceptions: pd.DataFrame,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The Quartiere of every inhabited Gemeinde and the log of decisions.

    Parameters
    ----------
    gemeinden : GeoDataFrame
        ``ags``, ``name``, ``gemeindefrei`` and geometry (EPSG:25832).
    official : GeoDataFrame
        District files: ``ags``, ``name``, ``source``, geometry.
    lines : GeoDataFrame
        OSM boundary lines with ``admin_level``.
    places : GeoDataFrame
        Named places with ``name`` and ``class``.
    exceptions : DataFrame
        Reviewed overrides, columns `EXCEPTION_COLUMNS`.
    """
    bad = exceptions[~exceptions["action"].isin(EXCEPTION_ACTIONS)]
    if len(bad):
        raise QuartierError(f"unknown exception action {bad['action'].iloc[0]!r}")
    by_key = {(r["ags"], r["labels"]): r for _, r in exceptions.iterrows()}
    used: set = set()
    line_geoms = lines.geometry.to_numpy()
    levels = lines["admin_level"].to_numpy()
    line_tree = shapely.STRtree(line_geoms)
    place_geoms = places.geometry.to_numpy()
    place_tree = shapely.STRtree(place_geoms)
    rows: list[dict] = []
    decisions: list[Decision] = []
    official_ags = set(official[AGS])
    for gem in gemeinden[~gemeinden[GEMEINDEFREI]].itertuples():
        ags, area = getattr(gem, AGS), gem.geometry
        if ags in official_ags:
            own = official[official[AGS] == ags]
            for r in own.itertuples():
                rows.append({AGS: ags, NAME: r.name, QUARTIER_KIND: "stadtteil",
                             SOURCE: r.source, "geometry": r.geometry})  # fmt: skip
            decisions.append(Decision(ags, "Q01", "", f"{len(own)} districts",
                                      "official district file"))  # fmt: skip
            continue
        inside = places.iloc[place_tree.query(area, predicate="contains")]
        near = line_tree.query(shapely.buffer(area, SEARCH_M, quad_segs=2), predicate="intersects")
        faces = district_faces(area, line_geoms[near], levels[near])
        if faces is not None:
            found, logged = _resolve_faces(ags, name_faces(faces, inside), by_key, used)
        else:
            found, one = _approximate(ags, getattr(gem, NAME), area, inside)
            logged = [one]
        for row in _dissolve_names(found):
            rows.append({AGS: ags, SOURCE: SOURCES[row[QUARTIER_KIND]], **row})
        decisions += logged
    stale = sorted(set(by_key) - used)
    if stale:
        raise QuartierError(f"exceptions that match no face (review them): {stale[:5]}")
    frame = quartier_frame(rows, gemeinden.crs)
    log = pd.DataFrame([d.__dict__ for d in decisions]).sort_values(["ags", "rule", "labels"])
    return frame, log.reset_index(drop=True)
