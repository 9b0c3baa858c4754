"""The facility schema, its types, validation of incoming rows, and merging into the dataset.

Every source (OSM, municipal CSV, GeoJSON) is first turned into a frame of text columns named
as in `FIELDS` by `geo.importers`; this module then checks all rows at once, collects every
problem with its row and field, derives ``category``, ``ags`` and ``id``, and merges the good
rows into the existing dataset. Nothing here opens a file.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import opening_hours
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.schema import AGS, ANALYSIS_CRS, GEMEINDEFREI, WEB_CRS

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
    "ValidationResult",
    "empty_facilities",
    "facility_id",
    "merge_facilities",
    "near_duplicates",
    "validate_facilities",
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

MAX_LENGTH: dict[str, int] = {
    "name": 200, "operator": 200, "street": 200, "housenumber": 20, "postcode": 5,
    "city": 100, "opening_hours": 500, "languages": 100, "target_groups": 300,
    "website": 500, "phone": 60, "email": 200, "source": 300, "licence": 100,
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

WHEELCHAIR_VALUES = {
    "yes": "yes", "ja": "yes", "true": "yes", "1": "yes", "barrierefrei": "yes",
    "limited": "limited", "eingeschränkt": "limited", "teilweise": "limited",
    "bedingt": "limited", "no": "no", "nein": "no", "false": "no", "0": "no",
}  # fmt: skip

# Bounding box of Niedersachsen with a margin, for the swapped-coordinates check.
NI_LON = (6.5, 11.7)
NI_LAT = (51.2, 54.0)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"[+0-9][0-9 ()/\-.]{3,}")
_LANG = re.compile(r"[a-z]{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSTCODE = re.compile(r"\d{5}")


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


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    """All schema columns as stripped strings, missing ones empty."""
    out = pd.DataFrame(index=frame.index)
    for field in FIELDS:
        col = frame[field] if field in frame.columns else pd.Series("", index=frame.index)
        out[field] = col.astype("string").fillna("").str.strip()
    out[ROW] = (
        frame[ROW].astype(str)
        if ROW in frame.columns
        else [f"row {i + 1}" for i in range(len(frame))]
    )
    pre = frame[PRE_PROBLEM] if PRE_PROBLEM in frame.columns else ""
    out[PRE_PROBLEM] = pd.Series(pre, index=frame.index).astype("string").fillna("")
    return out


def _coordinate(values: pd.Series) -> pd.Series:
    """Parse coordinates, accepting a decimal comma; unparsable becomes NaN."""
    cleaned = values.str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _in_box(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= NI_LON[0]) & (lon <= NI_LON[1]) & (lat >= NI_LAT[0]) & (lat <= NI_LAT[1])


# An http(s) URL with a dotted host name; no spaces anywhere.
_URL = r"https?://[^\s/:?#@]+\.[^\s/:?#@]{2,}(:\d{1,5})?([/?#]\S*)?"


def _urls(values: pd.Series) -> pd.Series:
    """Normalised web addresses ("www.x.de" gets https://); NA where not an http(s) URL."""
    normalised = values.where(~values.str.startswith("www."), "https://" + values)
    ok = (normalised == "") | normalised.str.fullmatch(_URL, case=False)
    return normalised.where(ok)


def _map_unique(values: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply ``func`` once per distinct non-empty value (lists repeat the same few values)."""
    lookup = {v: func(v) for v in values.unique() if v}
    return values.map(lambda v: lookup[v] if v else "")


def _languages(value: str) -> str | None:
    codes = [c.strip().lower() for c in re.split(r"[;,\s]+", value) if c.strip()]
    if not all(_LANG.fullmatch(c) for c in codes):
        return None
    return ";".join(dict.fromkeys(codes))


class _Collector:
    """Collects problems per row while checks run column by column."""

    def __init__(self, rows: pd.Series) -> None:
        self.rows = rows
        self.position = pd.Series(np.arange(len(rows)), index=rows.index)
        self._found: list[tuple[int, Problem]] = []
        self.bad = pd.Series(False, index=rows.index)

    @property
    def problems(self) -> list[Problem]:
        """Problems in row order (stable within a row: the order the checks ran)."""
        return [p for _, p in sorted(self._found, key=lambda item: item[0])]

    def flag(
        self,
        mask: pd.Series | np.ndarray,
        field: str | pd.Series,
        reason: str | pd.Series | Callable[[object], str],
    ) -> None:
        """Record a problem for every row where ``mask`` holds.

        ``field`` and ``reason`` may vary by row (a Series); ``reason`` may also be a function
        of the row label, called only for flagged rows, so messages cost nothing for good rows.
        """
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.rows.index)
        if not mask.any():
            return
        for idx in mask.index[mask]:
            name = field.loc[idx] if isinstance(field, pd.Series) else field
            if isinstance(reason, pd.Series):
                text = reason.loc[idx]
            else:
                text = reason(idx) if callable(reason) else reason
            problem = Problem(self.rows.loc[idx], str(name), str(text))
            self._found.append((int(self.position.loc[idx]), problem))
        self.bad |= mask


def _check_lengths(data: pd.DataFrame, out: _Collector) -> None:
    for field, limit in MAX_LENGTH.items():
        lengths = data[field].str.len()
        out.flag(
            lengths > limit,
            field,
            lambda i, n=lengths, lim=limit: f"{n[i]} characters, at most {lim} allowed",
        )


def _check_location(
    data: pd.DataFrame, gemeinden: gpd.GeoDataFrame, out: _Collector, skip: pd.Series
) -> pd.Series:
    """Check coordinates and return the AGS of the Gemeinde holding each point."""
    lat = _coordinate(data["lat"])
    lon = _coordinate(data["lon"])
    for field, values, raw in (("lat", lat, data["lat"]), ("lon", lon, data["lon"])):
        missing = (raw == "") & ~skip
        out.flag(missing, field, "missing")
        out.flag(
            ~missing & ~skip & ~np.isfinite(values),
            field,
            lambda i, raw=raw: f"{raw[i]!r} is not a number",
        )
    finite = np.isfinite(lat) & np.isfinite(lon)
    out.flag(finite & (lat.abs() > 90), "lat", lambda i: f"{lat[i]} is not a latitude")
    out.flag(finite & (lon.abs() > 180), "lon", lambda i: f"{lon[i]} is not a longitude")
    plausible = finite & (lat.abs() <= 90) & (lon.abs() <= 180)
    inside_box = _in_box(lon.to_numpy(), lat.to_numpy())
    swapped = plausible & ~inside_box & _in_box(lat.to_numpy(), lon.to_numpy())
    out.flag(
        swapped,
        "lat/lon",
        lambda i: (
            f"latitude {lat[i]} and longitude {lon[i]} look swapped "
            "(the point would lie in Niedersachsen the other way round)"
        ),
    )
    ags = pd.Series("", index=data.index, dtype="string")
    candidates = plausible & ~swapped
    if candidates.any():
        idx = candidates[candidates].index
        points = gpd.GeoSeries(gpd.points_from_xy(lon[idx], lat[idx]), index=idx, crs=WEB_CRS)
        points = points.to_crs(ANALYSIS_CRS)
        p_idx, g_idx = shapely.STRtree(gemeinden.geometry.to_numpy()).query(
            points.to_numpy(), predicate="intersects"
        )
        found = pd.Series(gemeinden[AGS].to_numpy()[g_idx], index=idx[p_idx])
        found = found[~found.index.duplicated()]
        ags.loc[found.index] = found.to_numpy()
        outside = candidates & (ags == "")
        out.flag(
            outside,
            "lat/lon",
            pd.Series(
                [
                    f"point ({a:.5f}, {o:.5f}) lies outside Niedersachsen"
                    for a, o in zip(lat, lon, strict=True)
                ],
                index=data.index,
            ),
        )
    return ags


def _check_values(data: pd.DataFrame, out: _Collector, skip: pd.Series) -> pd.DataFrame:
    """Check the attribute fields; return normalised copies of those that get normalised."""
    fixed = pd.DataFrame(index=data.index)
    out.flag(data["name"] == "", "name", "missing")
    out.flag((data["type"] == "") & ~skip, "type", "missing")
    known = data["type"].isin(list(TYPES))
    out.flag(
        (data["type"] != "") & ~known,
        "type",
        lambda i: f"unknown type {data['type'][i]!r}; known: {', '.join(TYPES)}",
    )
    expected = data["type"].map({k: t.category for k, t in TYPES.items()}).fillna("")
    clash = known & (data["category"] != "") & (data["category"] != expected)
    out.flag(
        clash,
        "category",
        lambda i: f"{data['category'][i]!r} does not match the type's category",
    )
    fixed["category"] = expected

    hours = data["opening_hours"]
    hours_ok = _map_unique(hours, opening_hours.validate)
    out.flag(
        (hours != "") & ~hours_ok.astype(bool),
        "opening_hours",
        lambda i: f"{hours[i]!r} is not valid OSM opening_hours syntax",
    )

    lowered = data["wheelchair"].str.lower()
    chair = lowered.map(WHEELCHAIR_VALUES).where(lowered != "", "")
    out.flag(
        chair.isna(),
        "wheelchair",
        lambda i: f"{data['wheelchair'][i]!r}: expected yes, limited or no",
    )
    fixed["wheelchair"] = chair.fillna("")

    urls = _urls(data["website"])
    out.flag(urls.isna(), "website", lambda i: f"{data['website'][i]!r} is not a web address")
    fixed["website"] = urls.fillna("")

    langs = _map_unique(data["languages"], _languages)
    out.flag(
        langs.isna(),
        "languages",
        lambda i: f"{data['languages'][i]!r}: expected ISO 639-1 codes such as de;en;tr",
    )
    fixed["languages"] = langs.fillna("")

    for field, pattern, what in (
        ("email", _EMAIL, "an e-mail address"),
        ("phone", _PHONE, "a phone number"),
        ("postcode", _POSTCODE, "a 5-digit postcode"),
        ("last_verified", _DATE, "an ISO date (YYYY-MM-DD)"),
    ):
        values = data[field]
        wrong = (values != "") & ~values.str.fullmatch(pattern.pattern)
        out.flag(wrong, field, lambda i, v=values, w=what: f"{v[i]!r} is not {w}")
    dates = pd.to_datetime(
        data["last_verified"].where(data["last_verified"] != ""), errors="coerce", format="%Y-%m-%d"
    )
    out.flag(
        (data["last_verified"] != "")
        & dates.isna()
        & data["last_verified"].str.fullmatch(_DATE.pattern),
        "last_verified",
        "not a calendar date",
    )
    return fixed


def validate_facilities(
    incoming: pd.DataFrame, gemeinden: gpd.GeoDataFrame, default_source: str = ""
) -> ValidationResult:
    """Check incoming facility rows and return the valid ones in schema form.

    Parameters
    ----------
    incoming : DataFrame
        Text columns named as in `FIELDS` (missing ones count as empty) and optionally
        ``_row`` naming where each row came from.
    gemeinden : GeoDataFrame
        Gemeinden in EPSG:25832 with ``ags``: a point must lie in one of them.
    default_source : str
        Prefix for rows without a ``source``: the source becomes
        ``<default_source>:<name>@<lat>,<lon>``, stable as long as those stay.

    Returns
    -------
    ValidationResult
        ``valid`` has the `FIELDS` columns (``id``, ``category`` and ``ags`` derived,
        coordinates rounded to 6 decimals); ``problems`` lists every problem of every row.

    Examples
    --------
    A row with latitude and longitude swapped (lat 9.93, lon 51.53) is not imported; its
    problem reads ``row 1: lat/lon: latitude 9.93 and longitude 51.53 look swapped (the point
    would lie in Niedersachsen the other way round)``. See tests/test_facilities.py.
    """
    data = _text(incoming)
    out = _Collector(data[ROW])
    pre = data[PRE_PROBLEM]
    has_pre = pre != ""
    parts = pre.map(lambda p: p.split(":", 1) if ":" in p else ["row", p])
    out.flag(has_pre, parts.map(lambda p: p[0]), parts.map(lambda p: p[1].strip()))
    _check_lengths(data, out)
    fixed = _check_values(data, out, skip=has_pre)
    inhabited = (
        gemeinden[~gemeinden[GEMEINDEFREI]] if GEMEINDEFREI in gemeinden.columns else gemeinden
    )
    ags = _check_location(data, inhabited, out, skip=has_pre)
    lat = _coordinate(data["lat"]).round(6)
    lon = _coordinate(data["lon"]).round(6)
    source = data["source"].where(
        data["source"] != "",
        default_source + ":" + data["name"] + "@" + lat.map(_fmt) + "," + lon.map(_fmt),
    )
    dup = source.duplicated(keep="first") & ~out.bad
    out.flag(dup, "source", lambda i: f"{source[i]!r} appears more than once in this import")
    valid = data.assign(
        category=fixed["category"],
        wheelchair=fixed["wheelchair"],
        website=fixed["website"],
        languages=fixed["languages"],
        ags=ags,
        lat=lat.map(_fmt),
        lon=lon.map(_fmt),
        source=source,
    )
    valid = valid[~out.bad].copy()
    valid["id"] = facility_id(valid["source"])
    return ValidationResult(
        valid=valid[list(FIELDS)].reset_index(drop=True).astype("string"),
        problems=out.problems,
        rejected_rows=int(out.bad.sum()),
    )


def _fmt(value: float) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.6f}".rstrip("0").rstrip("."))
    )


def _normalised_name(names: pd.Series) -> pd.Series:
    return names.str.casefold().str.replace(r"[^\w]+", " ", regex=True).str.strip()


def near_duplicates(
    facilities: pd.DataFrame, within_m: float = 50.0
) -> list[tuple[str, str, float]]:
    """Pairs of facilities with the same (normalised) name less than ``within_m`` apart."""
    if len(facilities) < 2:
        return []
    points = gpd.GeoSeries(
        gpd.points_from_xy(facilities["lon"].astype(float), facilities["lat"].astype(float)),
        crs=WEB_CRS,
    ).to_crs(ANALYSIS_CRS)
    xy = np.column_stack([points.x, points.y])
    pairs = cKDTree(xy).query_pairs(within_m, output_type="ndarray")
    if len(pairs) == 0:
        return []
    names = _normalised_name(facilities["name"].reset_index(drop=True)).to_numpy()
    same = names[pairs[:, 0]] == names[pairs[:, 1]]
    ids = facilities["id"].to_numpy()
    found = []
    for a, b in pairs[same]:
        found.append((str(ids[a]), str(ids[b]), float(np.hypot(*(xy[a] - xy[b])))))
    return sorted(found)


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
