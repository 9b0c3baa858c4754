"""Reading and validating the committed datasets: the only module the app opens files with.

The app loads everything once at start (`load_datasets`) and keeps it in memory; requests never
touch the disk. A missing or corrupt dataset raises `DatasetError` with the file, the layer
and what is wrong, so the service refuses to start rather than serve wrong answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo.display import display_coverage
from geo.schema import (
    AGE_CLASSES,
    AGS,
    ANALYSIS_CRS,
    AREA_KM2,
    ARS,
    GEMEINDEFREI,
    GRID_ID,
    KREIS,
    KREIS_ARS,
    LAYER_CELLS,
    LAYER_GEMEINDEN,
    LAYER_QUARTIERE,
    NAME,
    POPULATION,
    QUARTIER_ID,
)

__all__ = ["GPKG_NAME", "DatasetError", "Datasets", "load_datasets", "read_layer"]

GPKG_NAME = "niedersachsen.gpkg"

REQUIRED_COLUMNS: dict[str, list[str]] = {
    LAYER_GEMEINDEN: [AGS, ARS, NAME, KREIS_ARS, KREIS, POPULATION, AREA_KM2, GEMEINDEFREI],
    LAYER_CELLS: [GRID_ID, AGS, POPULATION, *AGE_CLASSES],
    LAYER_QUARTIERE: [QUARTIER_ID, AGS, NAME],
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
    cells : GeoDataFrame
        1 km population cells in EPSG:25832.
    quartiere : GeoDataFrame
        Stadtteile / Stadtbezirke in EPSG:25832.
    """

    gemeinden: gpd.GeoDataFrame
    gemeinden_display: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame
    quartiere: gpd.GeoDataFrame


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


def load_datasets(data_dir: Path) -> Datasets:
    """Load and validate all datasets from ``data_dir``.

    Raises
    ------
    DatasetError
        If a file or layer is missing, unreadable, in the wrong CRS, lacks columns, has
        invalid geometry or malformed keys.
    """
    path = Path(data_dir) / GPKG_NAME
    gemeinden = read_layer(path, LAYER_GEMEINDEN)
    _check_keys(gemeinden, AGS, 8, f"{path} layer {LAYER_GEMEINDEN!r}")
    cells = read_layer(path, LAYER_CELLS)
    unknown = set(cells[AGS]) - set(gemeinden[AGS])
    if unknown:
        raise DatasetError(
            f"{path} layer {LAYER_CELLS!r}: cells of unknown ags {sorted(unknown)[:5]}"
        )
    quartiere = read_layer(path, LAYER_QUARTIERE)
    return Datasets(
        gemeinden=gemeinden,
        gemeinden_display=display_coverage(gemeinden),
        cells=cells,
        quartiere=quartiere,
    )
