"""The resident finder: the nearest facilities to a point, filtered by what a resident needs.

Built for many small requests: `build_finder_index` turns the datasets into plain arrays once;
`nearest` then costs a point-in-polygon test, one vectorised distance computation and a sort
of the matching facilities, with opening hours evaluated only for the rows it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely

from geo.coverage import walk_minutes
from geo.data import Datasets
from geo.facilities import CATEGORIES, FIELDS, TYPES
from geo.hours import describe, is_open
from geo.params import ParameterError, check_known
from geo.schema import AGS, ANALYSIS_CRS, NAME, WEB_CRS
from geo.sources import provenance
from geo.tiers import NO_DATA, UNVERIFIED

__all__ = [
    "FAR_M",
    "MAX_LIMIT",
    "FinderIndex",
    "NearestQuery",
    "OutsideError",
    "build_finder_index",
    "nearest",
]

MAX_LIMIT = 50
FAR_M = 25_000.0  # beyond this nothing is "in Ihrer Nähe": the finder says so plainly
WHEELCHAIR_LEVELS = {"yes": {"yes"}, "limited": {"yes", "limited"}}


class OutsideError(ValueError):
    """The point lies outside Niedersachsen."""


@dataclass(frozen=True)
class NearestQuery:
    """What the resident asked for."""

    lat: float
    lon: float
    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    wheelchair: str | None = None  # "yes": barrier-free; "limited": at least partly
    language: str | None = None  # ISO 639-1
    open_now: bool = False
    limit: int = 10

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90) or not np.isfinite(self.lat):
            raise ParameterError("lat", f"lat: {self.lat} is not a latitude")
        if not (-180 <= self.lon <= 180) or not np.isfinite(self.lon):
            raise ParameterError("lon", f"lon: {self.lon} is not a longitude")
        check_known("category", self.categories, CATEGORIES)
        check_known("type", self.types, TYPES)
        if self.wheelchair is not None and self.wheelchair not in WHEELCHAIR_LEVELS:
            raise ParameterError("wheelchair", "wheelchair: use yes or limited")
        if self.language is not None and not (len(self.language) == 2 and self.language.isalpha()):
            raise ParameterError("lang", "lang: expected a two-letter ISO 639-1 code such as tr")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ParameterError("limit", f"limit: must be between 1 and {MAX_LIMIT}")


@dataclass(frozen=True)
class FinderIndex:
    """Facilities and Gemeinden (with the gemeindefreie Gebiete) as arrays for fast lookups."""

    xy: np.ndarray  # facility points, EPSG:25832
    category: np.ndarray
    type: np.ndarray
    wheelchair: np.ndarray
    languages: np.ndarray  # ";"-separated codes
    hours: np.ndarray
    records: list[dict]  # API properties per facility
    gemeinde_tree: shapely.STRtree
    gemeinde_geoms: np.ndarray
    gemeinde_ags: np.ndarray
    gemeinde_names: np.ndarray
    tiers: dict[tuple[str, str], str]  # (ags, category) -> tier; unlisted: keine_daten
    to_metric: pyproj.Transformer = field(repr=False)


def build_finder_index(data: Datasets) -> FinderIndex:
    """Arrays of the facilities and the inhabited Gemeinden, built once at start."""
    fac = data.facilities
    labels = {k: (t.label_de, t.label_en) for k, t in TYPES.items()}
    records = []
    for row in fac[[f for f in FIELDS]].to_dict(orient="records"):
        row["lat"], row["lon"] = float(row["lat"]), float(row["lon"])
        row["type_label_de"], row["type_label_en"] = labels[row["type"]]
        row["category_label_de"], row["category_label_en"] = CATEGORIES[row["category"]]
        row.update(provenance(row["source"], row["last_verified"]))
        records.append(row)
    tiers = data.tier_lookup()
    gem = data.gemeinden  # gemeindefreie Gebiete too: forests are in Niedersachsen as well
    geoms = gem.geometry.to_numpy()
    shapely.prepare(geoms)
    return FinderIndex(
        xy=shapely.get_coordinates(fac.geometry.to_numpy()),
        category=fac["category"].to_numpy(dtype=str),
        type=fac["type"].to_numpy(dtype=str),
        wheelchair=fac["wheelchair"].to_numpy(dtype=str),
        languages=fac["languages"].to_numpy(dtype=str),
        hours=fac["opening_hours"].to_numpy(dtype=str),
        records=records,
        gemeinde_tree=shapely.STRtree(geoms),
        gemeinde_geoms=geoms,
        gemeinde_ags=gem[AGS].to_numpy(dtype=str),
        gemeinde_names=gem[NAME].to_numpy(dtype=str),
        tiers=tiers,
        to_metric=pyproj.Transformer.from_crs(WEB_CRS, ANALYSIS_CRS, always_xy=True),
    )


def _mask(index: FinderIndex, query: NearestQuery) -> np.ndarray:
    keep = np.ones(len(index.xy), dtype=bool)
    if query.categories:
        keep &= np.isin(index.category, query.categories)
    if query.types:
        keep &= np.isin(index.type, query.types)
    if query.wheelchair:
        keep &= np.isin(index.wheelchair, list(WHEELCHAIR_LEVELS[query.wheelchair]))
    if query.open_now:  # only rows with hours can be open; skips evaluating the rest
        keep &= index.hours != ""
    if query.language:
        code = query.language.lower()
        keep &= np.array([code in langs.split(";") for langs in index.languages], dtype=bool)
    return keep


def locate(index: FinderIndex, lat: float, lon: float) -> tuple[np.ndarray, int | None]:
    """The point in EPSG:25832 and the index of the Gemeinde holding it (None outside)."""
    x, y = index.to_metric.transform(lon, lat)
    point = shapely.Point(x, y)
    hits = index.gemeinde_tree.query(point, predicate="intersects")
    return np.array([x, y]), (int(hits[0]) if len(hits) else None)


def nearest(index: FinderIndex, query: NearestQuery, when: dt.datetime) -> dict:
    """The nearest matching facilities, nearest first, with distance and walking time.

    Raises
    ------
    OutsideError
        If the point lies outside Niedersachsen.
    """
    xy, gemeinde = locate(index, query.lat, query.lon)
    if gemeinde is None:
        raise OutsideError(
            f"the point ({query.lat:.5f}, {query.lon:.5f}) lies outside Niedersachsen; "
            "this service covers Niedersachsen only"
        )
    ags = index.gemeinde_ags[gemeinde]
    candidates = np.flatnonzero(_mask(index, query))
    distance = np.hypot(*(index.xy[candidates] - xy).T) if len(candidates) else np.array([])
    order = candidates[np.argsort(distance, kind="stable")]
    distance = np.sort(distance, kind="stable")
    results = []
    walk_factor = float(walk_minutes(1.0))  # minutes per metre
    for i, dist in zip(order, distance, strict=True):
        open_now = is_open(index.hours[i], when)
        if query.open_now and open_now is not True:
            continue
        record = dict(index.records[i])
        record.update(
            distance_m=round(float(dist)),
            walk_min=round(float(dist) * walk_factor),
            open_now=open_now,
            hours=describe(index.hours[i], when),
            tier=index.tiers.get((record["ags"], record["category"]), NO_DATA),
        )
        results.append(record)
        if len(results) == query.limit:
            break
    asked = query.categories or tuple({TYPES[t].category for t in query.types}) or tuple(CATEGORIES)
    tiers = {c: index.tiers.get((ags, c), NO_DATA) for c in CATEGORIES}
    far = bool(results) and results[0]["distance_m"] > FAR_M
    return {
        "query": {
            "lat": query.lat,
            "lon": query.lon,
            "ags": ags,
            "gemeinde": index.gemeinde_names[gemeinde],
            "has_data": any(tiers[c] != NO_DATA for c in asked),
            "tiers": tiers,
            "evaluated_at": when.isoformat(timespec="minutes"),
        },
        "results": results,
        "far": far,
        "notice": _notice(tiers, asked, far),
    }


def _notice(tiers: dict[str, str], asked: tuple[str, ...], far: bool) -> str | None:
    """What the finder must say above the results, weakest data first."""
    asked_tiers = {tiers[c] for c in asked}
    if asked_tiers == {NO_DATA}:
        return "keine_daten"
    if far:
        return "weit_entfernt"
    if UNVERIFIED in asked_tiers or NO_DATA in asked_tiers:
        return "ungeprueft"
    return None
