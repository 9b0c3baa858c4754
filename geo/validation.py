"""Validation of incoming facility rows: every problem with its row and field, all rows at once.

Derives ``category``, ``ags`` and ``id``; nothing here opens a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import opening_hours
import pandas as pd
import shapely

from geo.facilities import FIELDS, MAX_LENGTH, PRE_PROBLEM, ROW, TYPES, Problem, facility_id
from geo.schema import AGS, ANALYSIS_CRS, GEMEINDEFREI, WEB_CRS

__all__ = ["ValidationResult", "validate_facilities"]

WHEELCHAIR_VALUES = {
    "yes": "yes", "ja": "yes", "true": "yes", "1": "yes", "barrierefrei": "yes",
    "limited": "limited", "eingeschränkt": "limited", "teilweise": "limited",
    "bedingt": "limited", "no": "no", "nein": "no", "false": "no", "0": "no",
}  # fmt: skip

# Bounding box of Niedersachsen with a margin, for the swapped-coordinates check.
NI_LON = (6.5, 11.7)
NI_LAT = (51.2, 54.0)

# Patterns run only on values within their field's length limit, use ASCII digits ([0-9], not
# \d, which matches any script's digits) and cannot backtrack: no two quantified parts compete
# for the same characters, so each runs in time linear in the value.
_PHONE = re.compile(r"[+0-9][0-9 ()/\-.]{3,}")
_LANG = re.compile(r"[a-z]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_POSTCODE = re.compile(r"[0-9]{5}")
_COORDINATE = re.compile(r"[+-]?[0-9]{1,3}(?:[.,][0-9]{1,15})?")
# A host name: labels of letters (any script), digits and hyphens, each ended by its dot, then
# a top-level domain of letters. A label cannot contain the dot that ends it, so there is one
# way to match; the TLD costs at most one step back.
_HOST = r"(?:[\w-]{1,63}\.)+[A-Za-z]{2,63}"
_URL = re.compile(rf"(?i:https?)://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]\S*)?")
_EMAIL = re.compile(rf"[^@\s]{{1,64}}@{_HOST}")


@dataclass(frozen=True)
class ValidationResult:
    """Rows that passed (schema columns, normalised) and every problem found."""

    valid: pd.DataFrame
    problems: list[Problem]
    rejected_rows: int


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
    """Parse coordinates written with ASCII digits and a decimal point or comma; anything else
    ("5_1.5", Arabic-Indic digits, exponents) becomes NaN."""
    plain = values.str.fullmatch(_COORDINATE.pattern).fillna(False).astype(bool)
    cleaned = values.where(plain, "").str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _in_box(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= NI_LON[0]) & (lon <= NI_LON[1]) & (lat >= NI_LAT[0]) & (lat <= NI_LAT[1])


def _urls(values: pd.Series) -> pd.Series:
    """Normalised web addresses ("www.x.de" gets https://); NA where not an http(s) URL."""
    normalised = values.where(~values.str.startswith("www."), "https://" + values)
    ok = normalised.str.fullmatch(_URL.pattern).fillna(False).astype(bool)
    return normalised.where((normalised == "") | ok)


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
        self.too_long = pd.Series(False, index=rows.index)  # a value over its length limit

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


def _check_lengths(data: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    """Flag values over their limit and return the data with those values emptied, so no
    later check (a pattern, a parser) ever works on them."""
    checked = data.copy()
    for field, limit in MAX_LENGTH.items():
        lengths = data[field].str.len()
        too_long = lengths > limit
        out.flag(
            too_long,
            field,
            lambda i, n=lengths, lim=limit: f"{n[i]} characters, at most {lim} allowed",
        )
        checked[field] = data[field].where(~too_long, "")
        out.too_long |= too_long
    return checked


def _check_location(
    data: pd.DataFrame, gemeinden: gpd.GeoDataFrame, out: _Collector, skip: pd.Series
) -> pd.Series:
    """Check coordinates and return the AGS of the Gemeinde holding each point."""
    lat = _coordinate(data["lat"])
    lon = _coordinate(data["lon"])
    for field, values, raw in (("lat", lat, data["lat"]), ("lon", lon, data["lon"])):
        missing = (raw == "") & ~skip & ~out.too_long
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
    out.flag((data["name"] == "") & ~out.too_long, "name", "missing")
    out.flag((data["type"] == "") & ~skip & ~out.too_long, "type", "missing")
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
    data = _check_lengths(data, out)
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
