"""Readers for the raw inputs in ``../shared/data`` (see its README): the build's only file access.

Each reader returns a frame with the project's column names, in EPSG:25832 where it has
geometry, restricted to Niedersachsen, and fails with a `RawDataError` naming the file when
the file is missing or has an unexpected shape.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.schema import (
    AGE_BANDS,
    AGS,
    ANALYSIS_CRS,
    ARS,
    BEZ,
    GRID_ID,
    KREIS,
    KREIS_ARS,
    NAME,
    POPULATION,
    STATE_PREFIX,
    X_3035,
    Y_3035,
)

__all__ = [
    "RawDataError",
    "RawPaths",
    "read_admin_lines",
    "read_buildings",
    "read_cells_2022",
    "read_gemeinden_2016",
    "read_kreise",
    "read_outlines_2022",
    "read_places",
    "read_places_2021",
    "read_population_2022",
    "read_postcodes",
    "read_quartiere",
    "read_streets_2021",
]


class RawDataError(ValueError):
    """A raw input file is missing or not shaped as its README describes."""


class RawPaths:
    """Where each raw input lives below the raw data directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.outlines_2022 = self.root / "boundaries/vg250_gem_20220515_simplified_de.zip"
        self.gemeinden_2016 = self.root / "boundaries/vg250_gem_2016_niedersachsen.geojson"
        self.kreise = self.root / "boundaries/kreise_20210101_niedersachsen.csv"
        self.population_2022 = self.root / "population/zensus2022_1000A-0000_de_flat.csv"
        self.cells_2022 = self.root / "population/census2021_1km_niedersachsen.csv"
        self.buildings = self.root / "osm_niedersachsen_2021/buildings_100m.csv.gz"
        self.admin_lines = self.root / "osm_niedersachsen_2021/admin_boundaries.gpkg"
        self.places_2021 = self.root / "osm_niedersachsen_2021/places.gpkg"
        self.places = self.root / "places/goettingen_osm_places.geojson"
        self.streets_2021 = self.root / "osm_niedersachsen_2021/streets.csv.gz"
        self.postcodes = self.root / "places/plz_ort_osm_niedersachsen.csv"
        self.quartiere = {
            "03101000": self.root / "quartiere/braunschweig_stadtbezirke_osm.geojson",
            "03403000": self.root / "quartiere/oldenburg_stadtteile_osm.geojson",
        }

    def check(self) -> None:
        """Raise `RawDataError` listing every expected file that is missing."""
        expected = [
            self.outlines_2022,
            self.gemeinden_2016,
            self.kreise,
            self.population_2022,
            self.cells_2022,
            self.buildings,
            self.admin_lines,
            self.places_2021,
            self.places,
            self.streets_2021,
            self.postcodes,
            *self.quartiere.values(),
        ]
        missing = [str(p) for p in expected if not p.is_file()]
        if missing:
            raise RawDataError("missing raw input files:\n  " + "\n  ".join(missing))


def _require(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise RawDataError(f"{path}: missing columns {absent}; found {list(frame.columns)}")


def read_outlines_2022(path: Path) -> gpd.GeoDataFrame:
    """Simplified 2022 outlines of Niedersachsen (``ars`` + geometry), EPSG:25832."""
    frame = gpd.read_file(f"zip://{path}")
    _require(frame, ["ARS"], path)
    frame = frame[frame["ARS"].str.startswith(STATE_PREFIX)]
    return frame.rename(columns={"ARS": ARS})[[ARS, "geometry"]].to_crs(ANALYSIS_CRS)


def read_gemeinden_2016(path: Path) -> gpd.GeoDataFrame:
    """Full-resolution 2016 Gemeinden, land parts only (``GF == 4``), EPSG:25832."""
    frame = gpd.read_file(path)
    _require(frame, ["AGS", "GEN", "BEZ", "GF"], path)
    land = frame[frame["GF"].astype(int) == 4]
    return land.rename(columns={"AGS": "ags_2016", "GEN": "name_2016", "BEZ": "bez_2016"})[
        ["ags_2016", "name_2016", "bez_2016", "geometry"]
    ].to_crs(ANALYSIS_CRS)


def read_kreise(path: Path) -> pd.DataFrame:
    """The 45 Kreise: ``kreis_ars`` (5 digits) and ``kreis`` (name)."""
    frame = pd.read_csv(path, dtype=str)
    _require(frame, ["kreis_ars", "name"], path)
    return frame.rename(columns={"name": KREIS})[[KREIS_ARS, KREIS]]


def read_population_2022(path: Path) -> pd.DataFrame:
    """Zensus 2022 residents per Niedersachsen Gemeinde: ``ars``, ``ags``, ``name``, BEZ, pop."""
    frame = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig")
    code, label = "1_variable_attribute_code", "1_variable_attribute_label"
    _require(frame, [code, label, "value"], path)
    ni = frame[frame[code].str.startswith(STATE_PREFIX) & (frame[code].str.len() == 12)]
    parts = ni[label].str.split(", ", n=1, expand=True)
    return pd.DataFrame(
        {
            ARS: ni[code].to_numpy(),
            AGS: (ni[code].str[0:5] + ni[code].str[9:12]).to_numpy(),
            NAME: parts[0].to_numpy(),
            BEZ: parts[1].fillna("Gemeinde").to_numpy(),
            POPULATION: ni["value"].astype(int).to_numpy(),
        }
    )


def read_cells_2022(path: Path) -> pd.DataFrame:
    """Zensus 2022 1 km cells: ``grid_id``, corner ``x_3035``/``y_3035``, ``total``, age bands.

    The file's bands ``age_lt15``, ``age_15_64``, ``age_ge65`` are renamed to the project's
    `AGE_BANDS`.
    """
    bands = dict(zip(("age_lt15", "age_15_64", "age_ge65"), AGE_BANDS, strict=True))
    frame = pd.read_csv(path, dtype={GRID_ID: str})
    _require(frame, [GRID_ID, X_3035, Y_3035, "total", *bands], path)
    return frame.rename(columns=bands)[[GRID_ID, X_3035, Y_3035, "total", *AGE_BANDS]]


def read_buildings(path: Path) -> pd.DataFrame:
    """Building footprint per 100 m cell: corner, total, residential, non-residential m²."""
    columns = [X_3035, Y_3035, "footprint_m2", "footprint_residential_m2",
               "footprint_nonresidential_m2"]  # fmt: skip
    frame = pd.read_csv(path, usecols=lambda c: c in columns)
    _require(frame, columns, path)
    return frame[columns]


def read_admin_lines(path: Path) -> gpd.GeoDataFrame:
    """OSM administrative boundary lines (``admin_level`` and geometry), EPSG:25832."""
    frame = gpd.read_file(path, layer="boundary_lines")
    _require(frame, ["admin_level"], path)
    return frame[["admin_level", "geometry"]].to_crs(ANALYSIS_CRS)


def read_quartiere(paths: dict[str, Path]) -> gpd.GeoDataFrame:
    """Stadtteile per city (``ags`` of the city + ``name`` + ``source`` file name), EPSG:25832."""
    frames = []
    for ags, path in paths.items():
        frame = gpd.read_file(path)
        _require(frame, ["name"], path)
        frames.append(
            frame.assign(**{AGS: ags, "source_file": path.name})[
                [AGS, "name", "source_file", "geometry"]
            ]
        )
    return pd.concat([f.to_crs(ANALYSIS_CRS) for f in frames], ignore_index=True)


def read_places(path: Path) -> gpd.GeoDataFrame:
    """Named OSM places (``name``, ``class``, ``rank``), EPSG:25832."""
    frame = gpd.read_file(path)
    _require(frame, ["name", "class", "rank"], path)
    frame = frame[frame["name"].notna() & (frame["name"].str.strip() != "")]
    return frame[["name", "class", "rank", "geometry"]].to_crs(ANALYSIS_CRS)


def read_places_2021(path: Path) -> gpd.GeoDataFrame:
    """Statewide named OSM places of 2021 (``name``, ``class``), EPSG:25832."""
    frame = gpd.read_file(path, layer="places")
    _require(frame, ["name", "class"], path)
    frame = frame[frame["name"].notna() & (frame["name"].str.strip() != "")]
    return frame[["name", "class", "geometry"]].to_crs(ANALYSIS_CRS).reset_index(drop=True)


STREET_COLUMNS = ["name", "length_m", "x_lon", "y_lat", "west", "south", "east", "north"]


def read_streets_2021(path: Path) -> pd.DataFrame:
    """Street names of 2021, one row per name and 2016 Gemeinde: a point on the street and its
    bounding box (EPSG:4326 degrees), length in metres. Rows outside Niedersachsen included."""
    frame = pd.read_csv(path, usecols=lambda c: c in STREET_COLUMNS, dtype={"name": str})
    _require(frame, STREET_COLUMNS, path)
    frame = frame[frame["name"].notna() & (frame["name"].str.strip() != "")]
    return frame[STREET_COLUMNS].reset_index(drop=True)


def read_postcodes(path: Path) -> pd.DataFrame:
    """Postcode → place (``plz``, ``ort``, ``ags``): a postcode is an area, this names a place
    in it; a place can have several postcodes and a postcode several places."""
    frame = pd.read_csv(path, dtype=str)
    _require(frame, ["plz", "ort", "ags"], path)
    frame = frame[frame["plz"].str.fullmatch(r"\d{5}", na=False)]
    return frame[["plz", "ort", "ags"]].drop_duplicates().reset_index(drop=True)
