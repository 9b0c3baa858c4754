"""The statewide gazetteer behind the finder's search, derived at build time from raw inputs:
named places and street names of OSM 2021 and postcodes, each with the 2022 Gemeinde holding it.

Everything here is pure (frames in, frames out); ``scripts/build_datasets.py`` reads the raw
files and writes the result to ``datasets/suche.csv.gz``. Gemeinden, Quartiere and the pilot's
Ortsteile are not repeated here: the search takes them from the GeoPackage.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.places import fold, fold_all
from geo.schema import AGS, ANALYSIS_CRS, NAME, WEB_CRS

__all__ = [
    "COLUMNS",
    "KIND_ORT",
    "KIND_PLZ",
    "KIND_STRASSE",
    "PLACE_CLASS_RANK",
    "build_gazetteer",
    "gazetteer_places",
    "gazetteer_postcodes",
    "gazetteer_streets",
]

KIND_ORT, KIND_STRASSE, KIND_PLZ = "ort", "strasse", "plz"
# OSM place classes a resident types, most important first; fields, plots, counties and the
# state are not places one lives at. Lower rank = shown first among equal matches.
PLACE_CLASS_RANK = {
    "city": 0, "town": 1, "suburb": 2, "quarter": 3, "village": 3, "neighbourhood": 4,
    "island": 5, "hamlet": 5, "locality": 6, "square": 6, "isolated_dwelling": 7, "farm": 7,
}  # fmt: skip
STREET_RANK = 9
DEGREE_DECIMALS = 5  # about 1 m
# name, kind, ags; a point (lat/lon); rank; a street's bounding box; a postcode's place name;
# the name's two search keys (`geo.places.fold`), folded here so the app need not at start-up
COLUMNS = [NAME, "kind", AGS, "lat", "lon", "rank", "west", "south", "east", "north", "ort",
           "key_ae", "key_plain"]  # fmt: skip


def _in_gemeinden(points: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``points`` (any CRS) with the ``ags`` of the Gemeinde holding each; outside ones dropped."""
    projected = points.to_crs(ANALYSIS_CRS)
    joined = gpd.sjoin(projected, gemeinden[[AGS, "geometry"]], predicate="within", how="inner")
    return joined.drop(columns="index_right")


def _degrees(geometry: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    web = geometry.to_crs(WEB_CRS)
    return web.y.round(DEGREE_DECIMALS).to_numpy(), web.x.round(DEGREE_DECIMALS).to_numpy()


def gazetteer_places(places: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    """Named places (``name``, ``class``, points) inside Niedersachsen, one per name and Gemeinde
    (the most important class wins)."""
    kept = places[places["class"].isin(PLACE_CLASS_RANK)]
    kept = kept.assign(rank=kept["class"].map(PLACE_CLASS_RANK))
    inside = _in_gemeinden(kept, gemeinden)
    inside = inside.sort_values([NAME, AGS, "rank"]).drop_duplicates([NAME, AGS])
    lat, lon = _degrees(inside.geometry)
    return pd.DataFrame({
        NAME: inside[NAME].str.strip().to_numpy(), "kind": KIND_ORT, AGS: inside[AGS].to_numpy(),
        "lat": lat, "lon": lon, "rank": inside["rank"].to_numpy(),
    })  # fmt: skip


def gazetteer_streets(streets: pd.DataFrame, gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    """Street names per 2022 Gemeinde: the point of the longest piece and the joint bounding box.

    The raw rows are per 2016 Gemeinde; the point decides the 2022 Gemeinde, and names that meet
    again in a merged Gemeinde become one row.
    """
    points = gpd.GeoDataFrame(
        streets, geometry=gpd.points_from_xy(streets["x_lon"], streets["y_lat"]), crs=WEB_CRS
    )
    inside = pd.DataFrame(_in_gemeinden(points, gemeinden).drop(columns="geometry"))
    inside[NAME] = inside[NAME].str.strip()
    longest = inside.sort_values([NAME, AGS, "length_m"], ascending=[True, True, False])
    first = longest.drop_duplicates([NAME, AGS]).set_index([NAME, AGS])
    box = inside.groupby([NAME, AGS]).agg(
        west=("west", "min"), south=("south", "min"), east=("east", "max"), north=("north", "max")
    )
    out = first[["y_lat", "x_lon"]].join(box).reset_index()
    return pd.DataFrame({
        NAME: out[NAME], "kind": KIND_STRASSE, AGS: out[AGS],
        "lat": out["y_lat"].round(DEGREE_DECIMALS), "lon": out["x_lon"].round(DEGREE_DECIMALS),
        "rank": STREET_RANK,
        **{c: out[c].round(DEGREE_DECIMALS) for c in ("west", "south", "east", "north")},
    })  # fmt: skip


def gazetteer_postcodes(
    postcodes: pd.DataFrame, gemeinden: gpd.GeoDataFrame, places: pd.DataFrame
) -> tuple[pd.DataFrame, int]:
    """Postcodes (``plz``, ``ort``, ``ags``) placed at their named place in their Gemeinde, else at
    a point inside the Gemeinde; returns the rows and how many had an unknown Gemeinde."""
    known = postcodes[postcodes[AGS].isin(set(gemeinden[AGS]))]
    inside = gemeinden.set_index(AGS).representative_point()
    centre_lat, centre_lon = _degrees(gpd.GeoSeries(inside, crs=gemeinden.crs))
    centres = pd.DataFrame({"lat": centre_lat, "lon": centre_lon}, index=inside.index)
    place_key = places[NAME].map(lambda n: fold(n)[0]) + "|" + places[AGS]
    at_place = places.assign(key=place_key).drop_duplicates("key").set_index("key")
    keys = known["ort"].map(lambda n: fold(n)[0]) + "|" + known[AGS]
    found = at_place[["lat", "lon"]].reindex(keys).to_numpy()
    fallback = centres.reindex(known[AGS]).to_numpy()
    where = np.where(np.isnan(found), fallback, found)
    rows = pd.DataFrame({
        NAME: known["plz"].to_numpy(), "kind": KIND_PLZ, AGS: known[AGS].to_numpy(),
        "lat": where[:, 0], "lon": where[:, 1], "rank": 0, "ort": known["ort"].to_numpy(),
    })  # fmt: skip
    return rows, len(postcodes) - len(known)


def build_gazetteer(
    places: gpd.GeoDataFrame,
    streets: pd.DataFrame,
    postcodes: pd.DataFrame,
    gemeinden: gpd.GeoDataFrame,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The whole gazetteer in a stable order, and counts for the build log."""
    place_rows = gazetteer_places(places, gemeinden)
    street_rows = gazetteer_streets(streets, gemeinden)
    postcode_rows, unknown = gazetteer_postcodes(postcodes, gemeinden, place_rows)
    frame = pd.concat([place_rows, street_rows, postcode_rows], ignore_index=True)
    frame["key_ae"], frame["key_plain"] = fold_all(frame[NAME])
    # in key order: the search's sorted key list is then (nearly) this order already
    frame = frame.reindex(columns=COLUMNS).sort_values(
        ["key_ae", "kind", NAME, AGS, "ort"], kind="stable"
    )
    frame["rank"] = frame["rank"].astype(int)
    counts = {
        "places": len(place_rows),
        "streets": len(street_rows),
        "postcodes": len(postcode_rows),
        "postcodes_unknown_gemeinde": unknown,
    }
    return frame.reset_index(drop=True), counts
