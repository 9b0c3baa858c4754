"""The facility schema, its types, and merging validated rows into the dataset.

Every source (OSM, municipal CSV, GeoJSON) is first turned into a frame of text columns named
as in `FIELDS` by `geo.importers`; `geo.validation` then checks all rows at once, and the good
rows are merged here into the existing dataset. Nothing here opens a file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.schema import ANALYSIS_CRS, WEB_CRS

__all__ = [
    "CATEGORIES",
    "FIELDS",
    "MAX_LENGTH",
    "PRE_PROBLEM",
    "ROW",
    "TYPES",
    "FacilityType",
    "MergeReport",
    "Problem",
    "empty_facilities",
    "facility_id",
    "merge_facilities",
    "near_duplicates",
]

ROW = "_row"  # where a row came from, for messages: "row 17", "feature 3", "node/123"
PRE_PROBLEM = "_problem"  # "field: reason" a reader found before validation (e.g. a LineString)

# Columns of datasets/facilities.csv, in file order.
FIELDS: tuple[str, ...] = (
    "id",  # stable: derived from `source`
    "name",
    "category",  # treffpunkt | beratung, derived from `type`
    "type",  # key of TYPES
    "operator",
    "street",
    "housenumber",
    "postcode",
    "city",
    "ags",  # derived from the location
    "lat",  # WGS84
    "lon",
    "opening_hours",  # OSM opening_hours syntax
    "wheelchair",  # yes | limited | no | empty (unknown)
    "languages",  # ISO 639-1 codes separated by ";"
    "target_groups",
    "website",
    "phone",
    "email",
    "source",  # e.g. osm:node/123; rows are matched on it when re-importing
    "licence",
    "last_verified",  # ISO date
)

# Longest accepted value per field (characters); checked before any other check of a field.
MAX_LENGTH: dict[str, int] = {
    "name": 200, "category": 20, "type": 40, "operator": 200, "street": 200,
    "housenumber": 20, "postcode": 5, "city": 100, "lat": 24, "lon": 24,
    "opening_hours": 500, "wheelchair": 20, "languages": 100, "target_groups": 300,
    "website": 500, "phone": 60, "email": 200, "source": 300, "licence": 100,
    "last_verified": 10,
}  # fmt: skip


@dataclass(frozen=True)
class FacilityType:
    """A kind of facility: its category and its labels in the UI."""

    key: str
    category: str
    label_de: str
    label_en: str


CATEGORIES: dict[str, tuple[str, str]] = {
    "treffpunkt": ("Treffpunkt", "Meeting place"),
    "beratung": ("Beratung", "Counselling"),
}

TYPES: dict[str, FacilityType] = {
    t.key: t
    for t in [
        FacilityType("mehrgenerationenhaus", "treffpunkt", "Mehrgenerationenhaus",
                     "Multi-generation house"),
        FacilityType("familienzentrum", "treffpunkt", "Familienzentrum", "Family centre"),
        FacilityType("nachbarschaftstreff", "treffpunkt", "Nachbarschafts-/Stadtteiltreff",
                     "Neighbourhood centre"),
        FacilityType("begegnungsstaette", "treffpunkt", "Begegnungsstätte",
                     "Community meeting place"),
        FacilityType("buergerhaus", "treffpunkt", "Bürger-/Dorfgemeinschaftshaus",
                     "Community hall"),
        FacilityType("jugendzentrum", "treffpunkt", "Jugendzentrum", "Youth centre"),
        FacilityType("sozialberatung", "beratung", "Sozialberatung", "Social counselling"),
        FacilityType("migrationsberatung", "beratung", "Migrationsberatung",
                     "Migration counselling"),
        FacilityType("familienberatung", "beratung", "Familienberatung", "Family counselling"),
        FacilityType("schuldnerberatung", "beratung", "Schuldnerberatung", "Debt counselling"),
        FacilityType("seniorenberatung", "beratung", "Senioren-/Pflegeberatung",
                     "Advice for seniors and carers"),
        FacilityType("psychosoziale_beratung", "beratung", "Psychosoziale Beratung",
                     "Psychosocial counselling"),
    ]
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    """One reason one row cannot be imported."""

    row: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.row}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class ValidationResult:
    """Rows that passed (schema columns, normalised) and every problem found."""

    valid: pd.DataFrame
    problems: list[Problem]
    rejected_rows: int


@dataclass(frozen=True)
class MergeReport:
    """What a merge did: counts and the near-duplicates worth a human look."""

    added: int
    updated: int
    unchanged: int
    near_duplicates: list[tuple[str, str, float]]  # (id, id, distance in metres)


def empty_facilities() -> pd.DataFrame:
    """An empty facilities frame with every column, all text."""
    return pd.DataFrame({f: pd.Series(dtype="string") for f in FIELDS})


def facility_id(source: pd.Series) -> pd.Series:
    """Stable id from the source reference: the same source always gives the same id."""
    return source.map(lambda s: "f" + hashlib.sha1(s.encode("utf-8")).hexdigest()[:12])


def _normalised_name(names: pd.Series) -> pd.Series:
    return names.str.casefold().str.replace(r"[^\w]+", " ", regex=True).str.strip()


def near_duplicates(
    facilities: pd.DataFrame, within_m: float = 50.0
) -> list[tuple[str, str, float]]:
    """Facilities with the same (normalised) name less than ``within_m`` apart.

    Each facility is paired with its nearest namesake within reach, so the answer has at most
    one pair per facility and the work is O(n log n) however many rows share a place: the
    names become a third coordinate so far apart that only namesakes can be neighbours, rows
    piled on one spot pair with the first of the pile, and one k-d tree query finds each other
    row's nearest namesake. (All pairs would be quadratic: ten thousand rows at one point are
    fifty million pairs.)
    """
    if len(facilities) < 2:
        return []
    points = gpd.GeoSeries(
        gpd.points_from_xy(facilities["lon"].astype(float), facilities["lat"].astype(float)),
        crs=WEB_CRS,
    ).to_crs(ANALYSIS_CRS)
    codes, _ = pd.factorize(_normalised_name(facilities["name"].reset_index(drop=True)))
    xyz = np.column_stack([points.x, points.y, codes.astype(float) * _NAME_SPACING_M])
    ids = facilities["id"].to_numpy()
    # Rows at exactly the same place with the same name pair with the first of them; a k-d
    # tree cannot split such a pile and would compare all of it with all of it.
    _, first, group = np.unique(xyz, axis=0, return_index=True, return_inverse=True)
    group = group.ravel()
    rows = np.arange(len(xyz))
    piled = first[group] != rows
    pairs = {
        tuple(sorted((str(ids[a]), str(ids[b])))): 0.0
        for a, b in zip(first[group][piled], rows[piled], strict=True)
    }
    unique = np.sort(first)
    if len(unique) >= 2:
        distance, index = cKDTree(xyz[unique]).query(
            xyz[unique], k=2, distance_upper_bound=within_m
        )
        own = np.arange(len(unique))
        other = np.where(index[:, 0] == own, index[:, 1], index[:, 0])
        gap = np.where(index[:, 0] == own, distance[:, 1], distance[:, 0])
        found = np.isfinite(gap) & (other < len(unique))
        for a, b, d in zip(unique[own[found]], unique[other[found]], gap[found], strict=True):
            pairs.setdefault(tuple(sorted((str(ids[a]), str(ids[b])))), float(d))
    return sorted((a, b, d) for (a, b), d in pairs.items())


_NAME_SPACING_M = 1e7  # between name codes in the third coordinate: farther than any distance


def merge_facilities(
    existing: pd.DataFrame, incoming: pd.DataFrame
) -> tuple[pd.DataFrame, MergeReport]:
    """Merge validated rows into the dataset: same ``source`` updates, new ones are added.

    Returns the new dataset (sorted by id, so files diff well) and a report; the inputs are
    not modified.
    """
    existing = existing[list(FIELDS)].astype("string")
    incoming = incoming[list(FIELDS)].astype("string")
    matched = incoming["source"].isin(existing["source"])
    old = existing.set_index("source").loc[incoming.loc[matched, "source"]]
    new = incoming[matched].set_index("source")[old.columns]
    changed = ~(old.fillna("") == new.fillna("")).all(axis=1)
    kept = existing[~existing["source"].isin(incoming["source"])]
    merged = pd.concat([kept, incoming], ignore_index=True).sort_values("id", kind="stable")
    merged = merged.reset_index(drop=True)
    report = MergeReport(
        added=int((~matched).sum()),
        updated=int(changed.sum()),
        unchanged=int((~changed).sum()),
        near_duplicates=near_duplicates(merged),
    )
    return merged, report
