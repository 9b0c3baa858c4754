"""OGC API – Features, Part 1 (Core): the collections and their paging, filtering and links.

Pure: frames in, dicts out; `geo.web.ogc` adapts requests and renders JSON or HTML. The
collections are the same data and code as ``/api`` (display geometry of the Gemeinden,
facilities with their labels, Quartiere, coverage per Gemeinde with the default reach).

Why our own thin layer rather than embedding pygeoapi: the data live in memory already, the
coverage collections are computed by our own analysis (a pygeoapi provider would wrap exactly
these functions), and a second configuration, template set and dependency tree for six
collections would cost more than the ~300 lines here; OWSLib and the OpenAPI validator check
that the layer keeps to the standard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from geo.geojson import feature_collection
from geo.params import ParameterError, parse_number, parse_whole

__all__ = [
    "CONFORMANCE",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Collection",
    "ItemsQuery",
    "items_page",
]

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
RESERVED = ("f", "limit", "offset", "bbox", "datetime")


@dataclass(frozen=True)
class Collection:
    """One feature collection: its frame (EPSG:4326), id column, columns and metadata."""

    id: str
    title: str
    description: str
    frame: gpd.GeoDataFrame
    id_column: str
    columns: list[str]
    sources: list[dict[str, str]] = field(default_factory=list)

    @property
    def bbox(self) -> list[float]:
        return [round(float(v), 5) for v in self.frame.total_bounds]

    def metadata(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "itemType": "feature",
            "crs": [CRS84],
            "extent": {"spatial": {"bbox": [self.bbox], "crs": CRS84}},
            "sources": self.sources,
        }


@dataclass(frozen=True)
class ItemsQuery:
    """A parsed items request: paging, bbox and equality filters on properties."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    filters: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, args: Mapping[str, str], collection: Collection) -> ItemsQuery:
        """From query parameters (one value each); unknown parameters are refused (400)."""
        limit = parse_whole("limit", args["limit"], 1, MAX_LIMIT) if "limit" in args else (
            DEFAULT_LIMIT)  # fmt: skip
        offset = parse_whole("offset", args["offset"], 0, 10**9) if "offset" in args else 0
        bbox = None
        if args.get("bbox"):
            parts = args["bbox"].split(",")
            if len(parts) != 4:
                raise ParameterError("bbox", "bbox: four numbers west,south,east,north")
            limits = ((-180, 180), (-90, 90), (-180, 180), (-90, 90))
            w, s, e, n = (parse_number("bbox", p, lo, hi)
                          for p, (lo, hi) in zip(parts, limits, strict=True))  # fmt: skip
            if not (w <= e and s <= n):
                raise ParameterError("bbox", "bbox: west <= east and south <= north")
            bbox = (w, s, e, n)
        filters = []
        for name, value in args.items():
            if name in RESERVED:
                continue
            if name not in collection.columns:
                raise ParameterError(name, f"{name}: not a parameter or property of "
                                           f"{collection.id} (properties: "
                                           f"{', '.join(collection.columns)})")  # fmt: skip
            filters.append((name, value))
        return cls(limit=limit, offset=offset, bbox=bbox, filters=tuple(sorted(filters)))


def items_page(collection: Collection, query: ItemsQuery) -> tuple[dict, int]:
    """The FeatureCollection of one page and the number of features matched."""
    frame = collection.frame
    keep = np.ones(len(frame), dtype=bool)
    if query.bbox is not None:
        keep &= shapely.intersects(frame.geometry.to_numpy(), shapely.box(*query.bbox))
    for name, value in query.filters:
        keep &= (frame[name].astype(str).str.lower() == value.lower()).to_numpy()
    matched = frame[keep]
    page = matched.iloc[query.offset : query.offset + query.limit]
    collection_dict = feature_collection(page, collection.columns, id_column=collection.id_column)
    collection_dict["numberMatched"] = len(matched)
    collection_dict["numberReturned"] = len(page)
    return collection_dict, len(matched)
