"""Reading and validating the committed datasets: the only module the app opens files with.

The app loads everything once at start (`load_datasets`) and keeps it in memory; requests never
touch the disk. A missing or corrupt dataset raises `DatasetError` with the file, the layer
and what is wrong, so the service refuses to start rather than serve wrong answers.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from geo.coverage import Demand, prepare_demand
from geo.display import to_web
from geo.edges import area_fingerprint, cells_fingerprint, read_edges
from geo.facilities import CATEGORIES, TYPES
from geo.facilities import FIELDS as FACILITY_FIELDS
from geo.groups import Grouping, is_sorted
from geo.places import PlaceIndex, build_place_index
from geo.schema import (
    AGE_65PLUS,
    AGE_BANDS,
    AGE_U15,
    AGS,
    ANALYSIS_CRS,
    AREA_KM2,
    ARS,
    CELL_1KM,
    GEMEINDEFREI,
    GRID_CRS,
    KREIS,
    KREIS_ARS,
    LAYER_GEMEINDEN,
    LAYER_GEMEINDEN_DISPLAY,
    LAYER_ORTE,
    LAYER_QUARTIERE,
    NAME,
    POPULATION,
    QUARTIER_ID,
    QUARTIER_KIND,
    WEB_CRS,
    X_3035,
    Y_3035,
)
from geo.tiers import NO_DATA, TIER_COLUMNS, TIERS, tier_codes

__all__ = [
    "CELLS_1KM_NAME",
    "CELLS_100M_NAME",
    "FACILITIES_NAME",
    "GPKG_NAME",
    "TIERS_NAME",
    "DatasetError",
    "Datasets",
    "ags_with_data",
    "cell_centres",
    "edge_fingerprints",
    "facilities_frame",
    "load_datasets",
    "read_cells",
    "read_facilities",
    "read_gazetteer",
    "read_layer",
    "read_tiers",
    "remove_stale_temporaries",
    "write_csv_atomic",
]

GPKG_NAME = "niedersachsen.gpkg"
FACILITIES_NAME = "facilities.csv"
CELLS_1KM_NAME = "bevoelkerung_1km.csv.gz"  # Zensus 2022 1 km cells, scaled (no geometry)
CELLS_100M_NAME = "bevoelkerung_100m.csv.gz"  # the demand: residents per 100 m cell
TIERS_NAME = "data_tiers.csv"  # data tier per Gemeinde and category (see geo.tiers)
GAZETTEER_NAME = "suche.csv.gz"  # places, streets and postcodes for the search (geo.gazetteer)
GAZETTEER_KINDS = ("ort", "strasse", "plz")

REQUIRED_COLUMNS: dict[str, list[str]] = {
    LAYER_GEMEINDEN: [AGS, ARS, NAME, KREIS_ARS, KREIS, POPULATION, AREA_KM2, GEMEINDEFREI],
    LAYER_GEMEINDEN_DISPLAY: [AGS],
    LAYER_QUARTIERE: [QUARTIER_ID, AGS, NAME, QUARTIER_KIND],
    LAYER_ORTE: [NAME, AGS, "place_class", "rank"],
}


class DatasetError(RuntimeError):
    """A committed dataset is missing or does not have the shape the app relies on."""


@dataclass(frozen=True)
class Datasets:
    """Everything the app serves, loaded once.

    Attributes
    ----------
    gemeinden : GeoDataFrame
        Full-resolution Gemeinden in EPSG:25832, indexed by nothing, ``ags`` unique.
    gemeinden_display : GeoDataFrame
        The same rows, coverage-simplified for display, in EPSG:4326.
    cells : DataFrame
        The demand: residents per 100 m cell (corner ``x_3035``/``y_3035`` in EPSG:3035,
        ``quartier_id``, ``ags``, ``population`` and the age bands), no geometry.
    quartiere : GeoDataFrame
        Every Quartier of the state (kind, source, name; display shapes) in EPSG:25832.
    facilities : GeoDataFrame
        Meeting places and counselling offices, schema columns as text, points in EPSG:25832.
    tiers : DataFrame
        The data tier per Gemeinde and category (`geo.tiers`; unlisted pairs: keine_daten).
    """

    gemeinden: gpd.GeoDataFrame
    gemeinden_display: gpd.GeoDataFrame
    cells: pd.DataFrame
    quartiere: gpd.GeoDataFrame
    orte: gpd.GeoDataFrame  # named places (Ortsteile) for the search
    gazetteer: pd.DataFrame  # statewide places, streets, postcodes for the search
    facilities: gpd.GeoDataFrame
    tiers: pd.DataFrame
    demand: Demand  # the cells prepared for coverage analysis
    places: PlaceIndex  # the finder's search over Gemeinden, Quartiere, places, streets
    groupings: dict[str, Grouping]  # cells grouped by "quartier", "gemeinde", "kreis"
    nesting: dict[str, np.ndarray]  # per level: its unit index of each Quartier
    quartier_info: pd.DataFrame  # name, kind, ags of each Quartier, in groupings order

    def with_tiers(self, tiers: pd.DataFrame) -> Datasets:
        """The same datasets with other data tiers (a municipality declared its list checked):
        the demand's tiers and the areas with data follow; cells, counts and tree stay."""
        by_gemeinde = self.groupings["gemeinde"]
        cell_tiers = {
            c: tier_codes(by_gemeinde.keys, tiers, c)[by_gemeinde.codes] for c in CATEGORIES
        }
        demand = self.demand
        # a list declared checked keeps the area with data: its edges stay as measured
        same = [c for c in CATEGORIES if ags_with_data(tiers, c) == self.ags_with_data(c)]
        edges = {c: demand.edges_m[c] for c in same}
        areas = {c: _data_area(self.gemeinden, tiers, c) for c in CATEGORIES if c not in same}
        counts = {POPULATION: demand.population, AGE_U15: demand.u15, AGE_65PLUS: demand.a65plus}
        return dataclasses.replace(
            self,
            tiers=tiers,
            demand=prepare_demand(demand.xy, counts, cell_tiers, areas, edges, demand.tree),
        )

    def ags_with_data(self, category: str) -> frozenset[str]:
        """AGS of the Gemeinden with data (checked or from OSM) for ``category``."""
        return ags_with_data(self.tiers, category)

    def tier_lookup(self) -> dict[tuple[str, str], str]:
        """``(ags, category) -> tier`` for every listed pair (unlisted: keine_daten)."""
        return {
            (a, c): t
            for a, c, t in zip(
                self.tiers["ags"], self.tiers["category"], self.tiers["tier"], strict=True
            )
        }


def read_layer(path: Path, layer: str) -> gpd.GeoDataFrame:
    """Read one layer and check its CRS, required columns and geometries."""
    if not path.is_file():
        raise DatasetError(
            f"{path}: dataset file not found (build it with `python scripts/build_datasets.py`)"
        )
    try:
        layers = {name for name, _ in pyogrio.list_layers(path)}
    except Exception as err:  # pyogrio raises several error types for unreadable files
        raise DatasetError(f"{path}: not a readable GeoPackage ({err})") from err
    if layer not in layers:
        raise DatasetError(f"{path}: layer {layer!r} missing (found {sorted(layers)})")
    try:
        frame = gpd.read_file(path, layer=layer)
    except Exception as err:
        raise DatasetError(f"{path} layer {layer!r}: cannot be read ({err})") from err
    if frame.crs is None or frame.crs != ANALYSIS_CRS:
        raise DatasetError(f"{path} layer {layer!r}: CRS is {frame.crs}, expected {ANALYSIS_CRS}")
    absent = [c for c in REQUIRED_COLUMNS.get(layer, []) if c not in frame.columns]
    if absent:
        raise DatasetError(f"{path} layer {layer!r}: missing columns {absent}")
    if frame.empty:
        raise DatasetError(f"{path} layer {layer!r}: has no rows")
    bad = ~shapely.is_valid(frame.geometry.to_numpy())
    if bad.any():
        raise DatasetError(f"{path} layer {layer!r}: {int(bad.sum())} invalid geometries")
    return frame


def _check_keys(frame: pd.DataFrame, column: str, width: int, where: str) -> None:
    keys = frame[column].astype(str)
    malformed = keys[~keys.str.fullmatch(rf"\d{{{width}}}")]
    if len(malformed):
        raise DatasetError(
            f"{where}: {len(malformed)} malformed {column} keys, e.g. {malformed.iloc[0]!r}"
        )
    if column in (AGS,) and not keys.is_unique:
        raise DatasetError(f"{where}: duplicate {column} keys")


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    try:
        frame = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DatasetError(f"{path}: not a readable UTF-8 CSV ({err})") from err
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise DatasetError(f"{path}: missing columns {absent}")
    return frame[columns]


def read_facilities(path: Path) -> pd.DataFrame:
    """Read facilities.csv as text columns in schema order, checking what the app relies on:
    unique ids, known categories and types, and numeric WGS84 coordinates."""
    frame = _read_csv(path, list(FACILITY_FIELDS))
    if not frame["id"].is_unique:
        raise DatasetError(f"{path}: duplicate ids")
    lat = pd.to_numeric(frame["lat"], errors="coerce").astype(float)
    lon = pd.to_numeric(frame["lon"], errors="coerce").astype(float)
    checks = [
        ("category", ~frame["category"].isin(list(CATEGORIES))),
        ("type", ~frame["type"].isin(list(TYPES))),
        ("lat", ~lat.between(-90, 90)),
        ("lon", ~lon.between(-180, 180)),
    ]
    for column, bad in checks:
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            value = str(frame[column].iloc[row])[:40]
            raise DatasetError(
                f"{path} line {row + 2}: {column} {value!r} is not valid "
                f"({int(bad.sum())} rows like it); fix or re-import the file"
            )
    return frame


def read_tiers(path: Path) -> pd.DataFrame:
    """Read the data tier per Gemeinde and category, checking tiers and categories."""
    frame = _read_csv(path, TIER_COLUMNS)
    bad_tier = ~frame["tier"].isin(TIERS)
    bad_category = ~frame["category"].isin(list(CATEGORIES))
    for bad, what in ((bad_tier, "tier"), (bad_category, "category")):
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DatasetError(f"{path} row {row + 2}: unknown {what} {frame[what].iloc[row]!r}")
    if frame.duplicated(["ags", "category"]).any():
        raise DatasetError(f"{path}: a Gemeinde and category listed twice")
    return frame


def read_gazetteer(path: Path, known_ags: set[str] | None = None) -> pd.DataFrame:
    """Read the search gazetteer (`geo.gazetteer`): names as text, points and boxes as floats,
    checking kinds, Gemeinde keys and that every point lies in Niedersachsen's box."""
    if not path.is_file():
        raise DatasetError(f"{path}: file not found")
    numbers = ["lat", "lon", "west", "south", "east", "north"]
    try:
        frame = pd.read_csv(
            path,
            dtype={c: "float64" for c in numbers}
            | {"rank": "int64"}
            | {c: object for c in ("name", "kind", "ags", "ort", "key_ae", "key_plain")},
            keep_default_na=False,
            na_values={c: [""] for c in numbers},
            encoding="utf-8",
        )
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError) as err:
        raise DatasetError(f"{path}: not a readable gazetteer ({err})") from err
    missing = [c for c in ("name", "kind", "ags", "lat", "lon", "rank", *numbers, "ort",
                           "key_ae", "key_plain") if c not in frame.columns]  # fmt: skip
    if missing:
        raise DatasetError(f"{path}: missing columns {missing}")
    checks = (
        (~frame["kind"].isin(GAZETTEER_KINDS), "unknown kind"),
        (~frame["lat"].between(51.2, 54.0) | ~frame["lon"].between(6.5, 11.7), "point outside"),
        (frame["name"].str.len() == 0, "empty name"),
    )
    for bad, what in checks:
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DatasetError(f"{path} row {row + 2}: {what} ({frame['name'].iloc[row]!r})")
    if known_ags is not None:
        check_gazetteer_gemeinden(frame, known_ags, path)
    return frame


def check_gazetteer_gemeinden(frame: pd.DataFrame, known_ags: set[str], path: Path) -> None:
    """Every gazetteer row lies in a known Gemeinde."""
    strays = ~frame["ags"].isin(known_ags)
    if strays.any():
        row = int(np.flatnonzero(strays.to_numpy())[0])
        raise DatasetError(f"{path} row {row + 2}: unknown Gemeinde ({frame['name'].iloc[row]!r})")


def facilities_frame(facilities: pd.DataFrame) -> gpd.GeoDataFrame:
    """The facilities with point geometry in EPSG:25832 (for distances)."""
    points = gpd.points_from_xy(
        facilities["lon"].astype(float), facilities["lat"].astype(float), crs=WEB_CRS
    )
    return gpd.GeoDataFrame(facilities, geometry=points).to_crs(ANALYSIS_CRS)


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` so that readers see either the old or the new file.

    The CSV goes to a temporary file in the same folder, is flushed to disk, takes the mode of
    the file it replaces (or 0644), then is renamed over the target: a crash midway leaves the
    old file intact, and a temporary file left by a killed writer is removed by
    `remove_stale_temporaries` (callers hold the dataset's lock while writing).
    """
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False, lineterminator="\n")
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporary files a killed `write_csv_atomic` left beside ``path``.

    Only safe while holding the lock that every writer of ``path`` holds.
    """
    path = Path(path)
    stale = sorted(path.parent.glob(f".{path.name}.*.tmp"))
    for leftover in stale:
        leftover.unlink(missing_ok=True)
    return stale


def ags_with_data(tiers: pd.DataFrame, category: str) -> frozenset[str]:
    """AGS of the Gemeinden with data (checked or from OSM) for ``category`` in ``tiers``."""
    listed = tiers[(tiers["category"] == category) & (tiers["tier"] != NO_DATA)]
    return frozenset(listed["ags"])


def _data_area(
    gemeinden: gpd.GeoDataFrame, tiers: pd.DataFrame, category: str
) -> shapely.Geometry | None:
    """Union of the Gemeinden with data for ``category`` (they tile without overlaps)."""
    chosen = gemeinden[gemeinden[AGS].isin(ags_with_data(tiers, category))]
    return shapely.coverage_union_all(chosen.geometry.to_numpy()) if len(chosen) else None


def read_cells(path: Path, quartiere: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Read the 100 m demand cells and check keys, counts and (when given) Quartiere."""
    columns = [X_3035, Y_3035, CELL_1KM, QUARTIER_ID, POPULATION, *AGE_BANDS]
    if not path.is_file():
        raise DatasetError(f"{path}: file not found (build it with `make datasets`)")
    try:
        frame = pd.read_csv(path, dtype={QUARTIER_ID: object}, usecols=columns)
    except (ValueError, OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DatasetError(f"{path}: not a readable cell table ({err})") from err
    counts = frame[[X_3035, Y_3035, CELL_1KM, POPULATION, *AGE_BANDS]]
    if not all(pd.api.types.is_integer_dtype(t) for t in counts.dtypes) or (counts < 0).any(
        axis=None
    ):
        raise DatasetError(f"{path}: coordinates and counts must be non-negative integers")
    if (frame[list(AGE_BANDS)].sum(axis=1) != frame[POPULATION]).any():
        raise DatasetError(f"{path}: age bands do not add up to the residents of a cell")
    if quartiere is not None:
        check_cell_quartiere(frame[QUARTIER_ID].unique(), quartiere, path)
    return frame


def check_cell_quartiere(ids: np.ndarray, quartiere: gpd.GeoDataFrame, path: Path) -> None:
    """Every Quartier id of the cells (``ids``, each once) is in the ``quartiere`` layer."""
    unknown = set(ids) - set(quartiere[QUARTIER_ID])
    if unknown:
        raise DatasetError(f"{path}: cells of unknown Quartiere {sorted(unknown)[:5]}")


def _sorted_by_quartier(cells: pd.DataFrame) -> tuple[pd.DataFrame, Grouping]:
    """The cells in order of their Quartier id, and their grouping by Quartier.

    Quartier ids begin with the Gemeinde key, which begins with the Kreis key: in this order
    every unit of every level is one run of cells, which the per-unit sums and medians
    (`geo.groups`) run through without sorting. The build writes the cells in this order, so
    this only sorts a file from elsewhere.
    """
    by_quartier = Grouping.of(cells[QUARTIER_ID])
    if by_quartier.contiguous and is_sorted(by_quartier.keys):
        return cells, by_quartier
    cells = cells.sort_values(QUARTIER_ID, kind="stable", ignore_index=True)
    return cells, Grouping.of(cells[QUARTIER_ID])


def _demand_cells(path: Path) -> tuple[pd.DataFrame, Grouping, np.ndarray, cKDTree]:
    """The cells in Quartier order, their grouping by Quartier, their centres and the k-d tree
    of these: one job of `_read_all` (projection and tree, like the parsing, run without the
    GIL)."""
    cells, by_quartier = _sorted_by_quartier(read_cells(path))
    centres = cell_centres(cells)
    return cells, by_quartier, centres, cKDTree(centres)


def _stored_edges(data_dir: Path, cells: tuple, tiers: pd.DataFrame) -> dict[str, np.ndarray]:
    """The edges the build measured, where they fit these cells and tiers (`geo.edges`)."""
    return read_edges(data_dir, len(cells[0]), *edge_fingerprints(cells[0], tiers))


def edge_fingerprints(cells: pd.DataFrame, tiers: pd.DataFrame) -> tuple[str, dict[str, str]]:
    """What the edge distances depend on (`geo.edges`): the cells, the areas with data."""
    cells_key = cells_fingerprint(cells[X_3035].to_numpy(), cells[Y_3035].to_numpy())
    return cells_key, {c: area_fingerprint(ags_with_data(tiers, c)) for c in CATEGORIES}


def cell_centres(cells: pd.DataFrame) -> np.ndarray:
    """Centres of the 100 m cells in EPSG:25832 metres, shape (n, 2)."""
    to_analysis = Transformer.from_crs(GRID_CRS, ANALYSIS_CRS, always_xy=True)
    x, y = to_analysis.transform(
        cells[X_3035].to_numpy(dtype=float) + 50.0, cells[Y_3035].to_numpy(dtype=float) + 50.0
    )
    return np.column_stack([x, y])


READ_THREADS = 2  # the files are parsed in parallel: GDAL, zlib, pandas' parser, PROJ and
# the k-d tree let go of the GIL for most of their work (start-up 0.5 s shorter on two cores)


def _read_all(jobs: dict[str, tuple], start_first: tuple[str, ...] = ()) -> dict[str, object]:
    """Run the ``name: (function, *args)`` jobs on `READ_THREADS` threads, those named in
    ``start_first`` first (the longest), then in the order given; an argument ``Needs("name")``
    receives the result of that job, which must start earlier. The first error in the order
    given is raised, as if the jobs had run one after another."""
    with ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="nk-read") as pool:
        futures: dict[str, Future] = {}

        def run(function: Callable, *args: object) -> object:
            # the job needed started before this one (first in, first out): no deadlock
            return function(*(futures[a.name].result() if isinstance(a, Needs) else a
                              for a in args))  # fmt: skip

        for name in (*start_first, *(n for n in jobs if n not in start_first)):
            futures[name] = pool.submit(run, *jobs[name])
        return {name: futures[name].result() for name in jobs}


@dataclass(frozen=True)
class Needs:
    """An argument of a `_read_all` job: the result of the earlier job of this name."""

    name: str


def load_datasets(data_dir: Path) -> Datasets:
    """Load and validate all datasets from ``data_dir``.

    Raises
    ------
    DatasetError
        If a file or layer is missing, unreadable, in the wrong CRS, lacks columns, has
        invalid geometry or malformed keys.
    """
    data_dir = Path(data_dir)
    path = data_dir / GPKG_NAME
    jobs = {
        "gemeinden": (read_layer, path, LAYER_GEMEINDEN),
        "display": (read_layer, path, LAYER_GEMEINDEN_DISPLAY),
        "quartiere": (read_layer, path, LAYER_QUARTIERE),
        "orte": (read_layer, path, LAYER_ORTE),
        "cells": (_demand_cells, data_dir / CELLS_100M_NAME),
        "gazetteer": (read_gazetteer, data_dir / GAZETTEER_NAME),
        "facilities": (read_facilities, data_dir / FACILITIES_NAME),
        "tiers": (read_tiers, data_dir / TIERS_NAME),
        # the search index, while the other thread still parses and projects the cells
        "places": (
            build_place_index,
            Needs("gemeinden"),
            Needs("quartiere"),
            Needs("orte"),
            Needs("gazetteer"),
        ),
        "edges": (_stored_edges, data_dir, Needs("cells"), Needs("tiers")),
    }
    read = _read_all(jobs, start_first=("cells", "gazetteer"))
    gemeinden, quartiere, orte = read["gemeinden"], read["quartiere"], read["orte"]
    _check_keys(gemeinden, AGS, 8, f"{path} layer {LAYER_GEMEINDEN!r}")
    known_ags = set(gemeinden[AGS])
    display = read["display"].set_index(AGS).geometry
    if set(display.index) != known_ags:
        raise DatasetError(f"{path} layer {LAYER_GEMEINDEN_DISPLAY!r}: not one shape per Gemeinde")
    cells, by_quartier, centres, tree = read["cells"]
    check_cell_quartiere(by_quartier.keys, quartiere, data_dir / CELLS_100M_NAME)
    by_gemeinde = by_quartier.coarsen(lambda q: q[:8])  # "<ags>-<nnn>"
    by_kreis = by_gemeinde.coarsen(lambda a: a[:5])
    # the Gemeinde of each cell: references to its ~1,000 key strings (object dtype, so pandas
    # does not copy 430,000 strings into its own string type)
    cells[AGS] = pd.Series(by_gemeinde.cell_keys(), index=cells.index, dtype=object)
    unknown = set(by_gemeinde.keys) - set(gemeinden[AGS])
    if unknown:
        raise DatasetError(f"{CELLS_100M_NAME}: cells of unknown ags {sorted(unknown)[:5]}")
    gazetteer, facilities, tiers = read["gazetteer"], read["facilities"], read["tiers"]
    check_gazetteer_gemeinden(gazetteer, known_ags, data_dir / GAZETTEER_NAME)
    unknown = set(facilities["ags"]) - known_ags
    if unknown:
        raise DatasetError(
            f"{FACILITIES_NAME}: facilities in unknown Gemeinden {sorted(unknown)[:5]}"
        )
    cell_tiers = {c: tier_codes(by_gemeinde.keys, tiers, c)[by_gemeinde.codes] for c in CATEGORIES}
    # the edges of the areas with data as the build measured them, if they still fit
    edges = read["edges"]
    areas = {c: _data_area(gemeinden, tiers, c) for c in CATEGORIES if c not in edges}
    info = quartiere.drop(columns="geometry").set_index(QUARTIER_ID)
    info = info.reindex(by_quartier.keys)
    quartier_info = pd.DataFrame({
        "name": info[NAME].to_numpy(),
        "kind": info[QUARTIER_KIND].to_numpy(),
        AGS: info[AGS].to_numpy(),
    })  # fmt: skip
    counts = {c: cells[c].to_numpy() for c in (POPULATION, AGE_U15, AGE_65PLUS)}
    return Datasets(
        gemeinden=gemeinden,
        gemeinden_display=to_web(
            gemeinden.set_geometry(display.reindex(gemeinden[AGS]).to_numpy())
        ),
        cells=cells,
        quartiere=quartiere,
        orte=orte,
        gazetteer=gazetteer,
        facilities=facilities_frame(facilities),
        tiers=tiers,
        demand=prepare_demand(centres, counts, cell_tiers, areas, edges, tree),
        places=read["places"],
        quartier_info=quartier_info,
        groupings={"quartier": by_quartier, "gemeinde": by_gemeinde, "kreis": by_kreis},
        nesting={
            "gemeinde": by_gemeinde.parent_of_finer,
            "kreis": by_kreis.parent_of_finer[by_gemeinde.parent_of_finer],
        },
    )
