"""Place search for the finder: Gemeinden, Quartiere and Ortsteile by forgiving name match.

"gottingen", "Goettingen" and "Göttingen" all find Göttingen: names and queries are folded to
lower case without hyphens, spaces or punctuation, and umlauts are matched both as "oe" and as
"o". Coordinates typed as "51.54, 9.93" are understood too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.schema import AGS, KREIS, NAME, QUARTIER_KIND, WEB_CRS

__all__ = ["PlaceIndex", "build_place_index", "fold", "parse_coordinates", "search_places"]

_UMLAUT_AE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)\s*$")
KIND_RANK = {"gemeinde": 0, "quartier": 1, "ort": 2}  # ties: Gemeinden first
QUARTIER_SEARCH_KIND = {"stadtteil": "quartier", "osm_grenzen": "quartier", "genaehert": "ort"}


def _strip(text: str) -> str:
    if text.isascii():  # most names once umlauts are spelled out: skip the normalisation
        return re.sub(r"[^0-9a-z]+", "", text)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", ascii_only)


def fold(text: str) -> tuple[str, str]:
    """The two search keys of a text: umlauts as "ae"/"oe"/"ue" and as plain vowels."""
    lowered = text.casefold()
    return _strip(lowered.translate(_UMLAUT_AE)), _strip(lowered.translate(_UMLAUT_PLAIN))


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """ "51.54, 9.93" or "51,54 9,93" → (lat, lon); None if the text is not a coordinate pair."""
    match = _COORDS.match(text)
    if not match:
        # "51,54, 9,93": decimal commas with a comma separator
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 4 and all(re.fullmatch(r"-?\d+", p) for p in parts):
            return float(f"{parts[0]}.{parts[1]}"), float(f"{parts[2]}.{parts[3]}")
        return None
    lat = float(match[1].replace(",", "."))
    lon = float(match[2].replace(",", "."))
    return lat, lon


@dataclass(frozen=True)
class PlaceIndex:
    """Searchable places: names, their folded keys, kind, detail, WGS84 point and AGS."""

    frame: pd.DataFrame  # name, kind, detail, lat, lon, ags, key_ae, key_plain, weight


def build_place_index(
    gemeinden: gpd.GeoDataFrame, quartiere: gpd.GeoDataFrame, orte: gpd.GeoDataFrame
) -> PlaceIndex:
    """Index Gemeinden (at a point inside them), Quartiere and Ortsteile (EPSG:25832 inputs)."""
    parts = []
    g_points = gpd.GeoSeries(gemeinden.representative_point(), crs=gemeinden.crs).to_crs(WEB_CRS)
    parts.append(pd.DataFrame({
        "name": gemeinden[NAME].to_numpy(), "kind": "gemeinde",
        "detail": gemeinden[KREIS].to_numpy(), "lat": g_points.y.to_numpy(),
        "lon": g_points.x.to_numpy(), "ags": gemeinden[AGS].to_numpy(),
        "weight": gemeinden["population"].to_numpy(dtype=float),
    }))  # fmt: skip
    names = gemeinden.set_index(AGS)[NAME]
    # Quartiere drawn from district boundaries are districts; approximated ones are Ortsteile;
    # a Quartier that is the whole Gemeinde is already found as the Gemeinde
    kinds = quartiere[QUARTIER_KIND].map(QUARTIER_SEARCH_KIND)
    quartiere = quartiere[kinds.notna()]
    q_points = gpd.GeoSeries(quartiere.representative_point(), crs=quartiere.crs).to_crs(WEB_CRS)
    parts.append(pd.DataFrame({
        "name": quartiere[NAME].to_numpy(), "kind": kinds[kinds.notna()].to_numpy(),
        "detail": quartiere[AGS].map(names).to_numpy(), "lat": q_points.y.to_numpy(),
        "lon": q_points.x.to_numpy(), "ags": quartiere[AGS].to_numpy(), "weight": 0.0,
    }))  # fmt: skip
    if len(orte):
        o_points = orte.geometry.to_crs(WEB_CRS)
        parts.append(pd.DataFrame({
            "name": orte[NAME].to_numpy(), "kind": "ort",
            "detail": orte[AGS].map(names).to_numpy(), "lat": o_points.y.to_numpy(),
            "lon": o_points.x.to_numpy(), "ags": orte[AGS].to_numpy(),
            "weight": -orte["rank"].to_numpy(dtype=float),
        }))  # fmt: skip
    frame = pd.concat(parts, ignore_index=True)
    keys = frame["name"].map(fold)
    frame["key_ae"] = keys.str[0]
    frame["key_plain"] = keys.str[1]
    # A Gemeinde and its Ort of the same name (the town centre): keep the Gemeinde, placed at
    # the Ort, which is where residents mean when they type the name.
    same = frame[frame["kind"] == "ort"].drop_duplicates(["key_ae", "ags"])
    centre = same.set_index(["key_ae", "ags"])[["lat", "lon"]]
    gem = frame["kind"] == "gemeinde"
    pairs = pd.MultiIndex.from_arrays([frame.loc[gem, "key_ae"], frame.loc[gem, "ags"]])
    found = centre.reindex(pairs)
    has = found["lat"].notna().to_numpy()
    idx = frame.index[gem][has]
    frame.loc[idx, "lat"] = found["lat"].to_numpy()[has]
    frame.loc[idx, "lon"] = found["lon"].to_numpy()[has]
    frame = frame.sort_values(["kind"], key=lambda k: k.map(KIND_RANK), kind="stable")
    frame = frame.drop_duplicates(["key_ae", "ags"]).reset_index(drop=True)
    return PlaceIndex(frame=frame)


def search_places(index: PlaceIndex, query: str, limit: int = 10) -> list[dict]:
    """Places whose folded name matches ``query``: exact, then prefix, then substring.

    Within a match class: Gemeinden, then Quartiere, then Ortsteile; larger first.
    """
    keys = {k for k in fold(query) if k}
    if not keys:
        return []
    frame = index.frame
    score = np.full(len(frame), 9)
    for key in keys:
        for column in ("key_ae", "key_plain"):
            values = frame[column]
            score = np.minimum(score, np.where(values == key, 0, 9))
            score = np.minimum(score, np.where(values.str.startswith(key), 1, 9))
            score = np.minimum(score, np.where(values.str.contains(key, regex=False), 2, 9))
    hits = frame.assign(score=score)[score < 9]
    hits = hits.assign(kind_rank=hits["kind"].map(KIND_RANK))
    hits = hits.sort_values(
        ["score", "kind_rank", "weight", "name"], ascending=[True, True, False, True]
    ).head(limit)
    return [
        {
            "name": r.name,
            "kind": r.kind,
            "detail": r.detail if isinstance(r.detail, str) else "",
            "lat": round(float(r.lat), 6),
            "lon": round(float(r.lon), 6),
            "ags": r.ags,
        }
        for r in hits.itertuples()
    ]
