"""Quartiere residents recognise: districts per Gemeinde, each with a kind, a source and a name.

Pure functions: geometries in EPSG:25832 in, new frames out. The build script reads the raw
files, applies the reviewed exceptions and writes the result with every decision logged.

Per Gemeinde, the first of these that applies:

1. ``stadtteil``: an official district file (Braunschweig, Oldenburg).
2. ``osm_grenzen``: the faces of OpenStreetMap's Stadtteil/Ortsteil boundaries (admin levels 9
   and 10, closed by the lower levels), where they partition the Gemeinde, each named by the
   place label inside it. A face with several equally ranked labels is split between them by
   nearest label (those parts are ``genaehert``); an unnamed face joins the neighbour it shares
   the longest border with; a reviewed exception can name, split or join any face.
3. ``genaehert``: Ortsteile approximated by the nearest named place (town, village, suburb,
   quarter, hamlet) within the Gemeinde: the Voronoi cells of the places, clipped to it.
4. ``gemeinde``: no named place inside: the whole Gemeinde is one Quartier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.schema import AGS, NAME, QUARTIER_ID, QUARTIER_KIND, SOURCE

__all__ = [
    "APPROX_CLASSES",
    "KINDS",
    "LABEL_RANK",
    "Decision",
    "Face",
    "assign_to_quartiere",
    "district_faces",
    "name_faces",
    "nearest_place_areas",
    "number_quartiere",
]

# What each kind means, for the method note, the API and the planner's legend
KINDS = {
    "stadtteil": "Stadtteil / Stadtbezirk (Bezirksdatei)",
    "osm_grenzen": "Stadt- oder Ortsteil (OpenStreetMap-Grenzen)",
    "genaehert": "Ortsteil, genähert (nächster benannter Ort)",
    "gemeinde": "ganze Gemeinde (kein benannter Ort)",
}
# Place labels that can name a district face, best first (as in BOUNDARIES.md of the raw data;
# the city's or town's own label names a face only when nothing more local is inside)
LABEL_RANK = {
    "suburb": 0, "village": 1, "quarter": 2, "neighbourhood": 3, "hamlet": 4,
    "isolated_dwelling": 5, "town": 6, "city": 7,
}  # fmt: skip
# Places that seed approximated Ortsteile: settlements and the districts of towns, not the
# many small neighbourhoods, farms and field names
APPROX_CLASSES = ("city", "town", "village", "suburb", "quarter", "hamlet")

MAX_DISTRICT_LEVEL = 10  # OSM admin_level of Stadtteile/Ortsteile; lower levels close them
SEARCH_M = 3000.0  # lines this close to a Gemeinde may bound its districts
INTERIOR_M = 250.0  # district lines must reach this far inside the Gemeinde
MIN_INSIDE_SHARE = 0.5  # a face belongs to the Gemeinde when this share of it lies inside
MIN_COVER_SHARE = 0.9  # the faces must cover this share of the Gemeinde ...
MAX_FACE_SHARE = 0.75  # ... and no face more than this: otherwise the lines are too sparse
MIN_FACE_M2 = 20_000.0  # faces smaller (2 ha) or thinner than this are slivers ...
MIN_WIDTH_M = 25.0  # ... mean width 2A/P, and join their longest-border neighbour


@dataclass
class Face:
    """One district face of a Gemeinde, with the labels inside and what was decided."""

    geometry: shapely.Geometry
    labels: list[str] = field(default_factory=list)  # the best-ranked labels inside
    label_points: list[shapely.Geometry] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    """A logged choice about one face (rule code, labels seen, resulting names, reason)."""

    ags: str
    rule: str
    labels: str
    result: str
    reason: str


def district_faces(
    gemeinde: shapely.Geometry, lines: np.ndarray, levels: np.ndarray
) -> list[shapely.Geometry] | None:
    """Faces of the OSM district boundaries that partition ``gemeinde``, or None.

    ``lines`` are boundary lines near the Gemeinde with their OSM ``levels``. None when no
    district line runs inside, or the faces do not cover the Gemeinde well enough
    (`MIN_COVER_SHARE`, `MAX_FACE_SHARE`). Faces are clipped to the Gemeinde; slivers join
    their longest-border neighbour.
    """
    lines = np.asarray(lines)
    levels = np.asarray(levels)
    inner = shapely.buffer(gemeinde, -INTERIOR_M)
    district = (levels >= 9) & (levels <= MAX_DISTRICT_LEVEL)
    if not district.any() or not shapely.intersects(lines[district], inner).any():
        return None
    usable = levels <= MAX_DISTRICT_LEVEL
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(
        shapely.unary_union(lines[usable]))))  # fmt: skip
    if len(faces) == 0:
        return None
    clipped = shapely.intersection(faces, gemeinde)
    inside = shapely.area(clipped) >= MIN_INSIDE_SHARE * shapely.area(faces)
    clipped = [g for g in clipped[inside] if not g.is_empty]
    area = shapely.area(gemeinde)
    covered = sum(shapely.area(g) for g in clipped)
    if len(clipped) < 2 or covered < MIN_COVER_SHARE * area:
        return None
    merged = _merge_slivers(clipped)
    if len(merged) < 2 or max(shapely.area(g) for g in merged) > MAX_FACE_SHARE * area:
        return None
    return merged


def _is_sliver(geometry: shapely.Geometry) -> bool:
    area = shapely.area(geometry)
    return area < MIN_FACE_M2 or 2 * area / max(shapely.length(geometry), 1e-9) < MIN_WIDTH_M


def _longest_border_neighbour(faces: list[shapely.Geometry], i: int) -> int | None:
    """Index of the face sharing the longest border with face ``i`` (None if it touches none)."""
    best, best_len = None, 0.0
    ring = shapely.boundary(faces[i])
    for j, other in enumerate(faces):
        if j == i or not shapely.intersects(faces[i], other):
            continue
        shared = shapely.length(shapely.intersection(ring, shapely.boundary(other)))
        if shared > best_len:
            best, best_len = j, shared
    return best


def _merge_slivers(faces: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Join slivers (smallest first) into the neighbour with the longest shared border."""
    faces = list(faces)
    while True:
        slivers = [i for i, f in enumerate(faces) if _is_sliver(f)]
        if not slivers:
            return faces
        i = min(slivers, key=lambda k: shapely.area(faces[k]))
        j = _longest_border_neighbour(faces, i)
        if j is None:  # an isolated sliver (an exclave bit): keep it, it cannot join
            if all(_longest_border_neighbour(faces, k) is None for k in slivers):
                return faces
            faces.append(faces.pop(i))
            continue
        faces[j] = shapely.union(faces[j], faces[i])
        faces.pop(i)


def name_faces(faces: list[shapely.Geometry], places: gpd.GeoDataFrame) -> list[Face]:
    """The best-ranked place labels (`LABEL_RANK`) inside each face.

    ``places`` has ``name``, ``class`` and point geometry; names are de-duplicated per face.
    """
    ranked = places[places["class"].isin(list(LABEL_RANK))]
    points = ranked.geometry.to_numpy()
    rank = ranked["class"].map(LABEL_RANK).to_numpy()
    names = ranked[NAME].to_numpy()
    out = []
    for face in faces:
        inside = np.flatnonzero(shapely.contains(face, points))
        if len(inside) == 0:
            out.append(Face(face))
            continue
        top = inside[rank[inside] == rank[inside].min()]
        seen: dict[str, shapely.Geometry] = {}
        for k in sorted(top, key=lambda k: names[k]):
            seen.setdefault(names[k], points[k])
        out.append(Face(face, list(seen), list(seen.values())))
    return out


def nearest_place_areas(
    area: shapely.Geometry, names: list[str], points: list[shapely.Geometry]
) -> list[tuple[str, shapely.Geometry]]:
    """Split ``area`` between named points by nearness (Voronoi cells clipped to the area).

    Points of the same name share one part. Returns ``(name, part)`` sorted by name; parts
    that end up empty (a point outside a concave area whose cell misses it) are left out.
    """
    if not names:
        return []
    unique: dict[tuple[float, float], str] = {}
    for name, point in zip(names, points, strict=True):
        unique.setdefault((round(point.x, 1), round(point.y, 1)), name)
    if len(unique) == 1:
        return [(next(iter(unique.values())), area)]
    seeds = shapely.points(list(unique))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=area))
    owner = shapely.STRtree(seeds).query(cells, predicate="contains")
    by_name: dict[str, list[shapely.Geometry]] = {}
    seed_names = list(unique.values())
    for cell_i, seed_i in zip(*owner, strict=True):
        by_name.setdefault(seed_names[seed_i], []).append(cells[cell_i])
    parts = []
    for name in sorted(by_name):
        part = shapely.intersection(shapely.union_all(by_name[name]), area)
        if not part.is_empty and shapely.area(part) > 0:
            parts.append((name, part))
    return parts


def number_quartiere(frame: pd.DataFrame) -> pd.Series:
    """``<ags>-<nnn>`` ids numbered by name within each Gemeinde (stable across rebuilds)."""
    order = frame.sort_values([AGS, NAME, QUARTIER_KIND]).index
    running = frame.loc[order].groupby(AGS).cumcount() + 1
    return (frame.loc[order, AGS] + "-" + running.map("{:03d}".format)).reindex(frame.index)


def assign_to_quartiere(xy: np.ndarray, ags: np.ndarray, quartiere: gpd.GeoDataFrame) -> np.ndarray:
    """Row of the Quartier of each point: one of its own Gemeinde's, holding the point or nearest.

    Every point gets exactly one Quartier of its Gemeinde (``ags``), even where the Quartier
    shapes leave a gap or the point lies just outside the Gemeinde (a 100 m cell of a 1 km cell
    whose centre is inside). Raises ValueError when a Gemeinde of a point has no Quartier.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    ags = np.asarray(ags).astype(str)
    q_ags = quartiere[AGS].to_numpy().astype(str)
    geoms = quartiere.geometry.to_numpy()
    points = shapely.points(xy)
    result = np.full(len(xy), -1, dtype=np.int64)
    pt, q = shapely.STRtree(geoms).query(points, predicate="intersects")
    same = ags[pt] == q_ags[q]
    pt, q = pt[same], q[same]
    order = np.lexsort((q, pt))  # the lowest Quartier row wins where shapes overlap
    pt, q = pt[order], q[order]
    first = np.unique(pt, return_index=True)[1]
    result[pt[first]] = q[first]
    for key in np.unique(ags[result < 0]):
        rows = np.flatnonzero(q_ags == key)
        if len(rows) == 0:
            raise ValueError(f"Gemeinde {key} has points but no Quartier")
        lonely = np.flatnonzero((result < 0) & (ags == key))
        near = shapely.STRtree(geoms[rows]).nearest(points[lonely])
        result[lonely] = rows[near]
    return result


def quartier_frame(rows: list[dict], crs: str) -> gpd.GeoDataFrame:
    """The Quartiere as a frame (``ags``, ``name``, ``kind``, ``source``, geometry), numbered."""
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    frame[QUARTIER_ID] = number_quartiere(frame)
    frame = frame.sort_values(QUARTIER_ID).reset_index(drop=True)
    return frame[[QUARTIER_ID, AGS, NAME, QUARTIER_KIND, SOURCE, "geometry"]]
