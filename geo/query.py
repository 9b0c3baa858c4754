"""Selecting facilities by category, type, Gemeinde and bounding box (pure, no Flask)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.facilities import CATEGORIES, TYPES
from geo.params import ParameterError, check_known, shown

__all__ = ["FacilityFilter", "facility_properties", "select_facilities"]

_AGS = re.compile(r"[0-9]{8}")


@dataclass(frozen=True)
class FacilityFilter:
    """What to select; empty tuples mean "any"."""

    categories: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    ags: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None  # lon/lat: west, south, east, north

    def __post_init__(self) -> None:
        check_known("category", self.categories, CATEGORIES)
        check_known("type", self.types, TYPES)
        bad = [a for a in self.ags if not _AGS.fullmatch(a)]
        if bad:
            raise ParameterError("ags", f"{shown(bad[0])} is not an AGS (8 ASCII digits)")
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise ParameterError(
                    "bbox",
                    "bbox must be west,south,east,north in degrees with "
                    "west < east and south < north",
                )


def select_facilities(facilities: gpd.GeoDataFrame, query: FacilityFilter) -> gpd.GeoDataFrame:
    """Return the facilities matching every given criterion (a new frame, same columns)."""
    keep = pd.Series(True, index=facilities.index)
    if query.categories:
        keep &= facilities["category"].isin(query.categories)
    if query.types:
        keep &= facilities["type"].isin(query.types)
    if query.ags:
        keep &= facilities["ags"].isin(query.ags)
    if query.bbox is not None:
        west, south, east, north = query.bbox
        lon = facilities["lon"].astype(float)
        lat = facilities["lat"].astype(float)
        keep &= lon.between(west, east) & lat.between(south, north)
    return facilities[keep]


def facility_properties(facilities: pd.DataFrame) -> pd.DataFrame:
    """Schema columns plus German/English labels of type and category, for the API."""
    labels = facilities["type"].map(TYPES)
    return facilities.assign(
        type_label_de=labels.map(lambda t: t.label_de),
        type_label_en=labels.map(lambda t: t.label_en),
        category_label_de=facilities["category"].map(lambda c: CATEGORIES[c][0]),
        category_label_en=facilities["category"].map(lambda c: CATEGORIES[c][1]),
    )
