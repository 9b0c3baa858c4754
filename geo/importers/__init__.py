"""Readers that turn facility lists as they come (OSM, municipal CSV, GeoJSON) into schema rows.

One code path for every source: a reader turns bytes into a frame of text columns named as in
`geo.facilities.FIELDS` (plus ``_row`` for messages), `import_facilities` validates and merges.
The CLI and the tests call the same `import_facilities`; only the CLI touches files.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.facilities import MergeReport, Problem, merge_facilities
from geo.importers.common import (
    MAX_FILE_BYTES,
    ImportFormatError,
    check_size,
    german_opening_hours,
    type_from_name,
)
from geo.importers.csv_reader import parse_csv
from geo.importers.geojson_reader import parse_geojson
from geo.importers.osm_reader import parse_osm
from geo.validation import validate_facilities

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "ImportFormatError",
    "ImportOutcome",
    "german_opening_hours",
    "guess_format",
    "import_facilities",
    "parse",
    "parse_csv",
    "parse_geojson",
    "parse_osm",
    "type_from_name",
]

FORMATS = ("osm", "csv", "geojson")
NO_ROWS = Problem("file", "rows", "no rows: the file holds no facility")


@dataclass(frozen=True)
class ImportOutcome:
    """Result of an import: the dataset to write (None if nothing should be written)."""

    dataset: pd.DataFrame | None
    problems: list[Problem]
    rows_read: int
    rows_valid: int
    report: MergeReport | None


def guess_format(filename: str) -> str:
    """Format from a file name: .csv → csv, .geojson → geojson, .json → osm."""
    lower = filename.lower()
    if lower.endswith((".csv", ".txt")):
        return "csv"
    if lower.endswith(".geojson"):
        return "geojson"
    if lower.endswith(".json"):
        return "osm"
    raise ImportFormatError(f"cannot tell the format of {filename!r}: say --format osm|csv|geojson")


def parse(data: bytes, fmt: str) -> pd.DataFrame:
    """Parse ``data`` in format ``fmt`` (one of `FORMATS`)."""
    check_size(len(data))
    readers = {"osm": parse_osm, "csv": parse_csv, "geojson": parse_geojson}
    if fmt not in readers:
        raise ImportFormatError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return readers[fmt](data)


def import_facilities(
    data: bytes,
    fmt: str,
    existing: pd.DataFrame,
    gemeinden: gpd.GeoDataFrame,
    *,
    origin: str,
    skip_invalid: bool = False,
) -> ImportOutcome:
    """Parse, validate and merge one facility list.

    Parameters
    ----------
    data : bytes
        The file's content.
    fmt : str
        ``osm``, ``csv`` or ``geojson``.
    existing : DataFrame
        The current dataset (`geo.facilities.FIELDS` columns).
    gemeinden : GeoDataFrame
        Gemeinden in EPSG:25832, to place each point.
    origin : str
        Names the source for rows without their own ``source`` (e.g. the file's stem).
    skip_invalid : bool
        Import the valid rows even when others fail; otherwise any problem rejects all.

    Returns
    -------
    ImportOutcome
        ``dataset`` is the merged dataset to write, or None when the import is rejected (a
        file without rows is rejected too).

    Raises
    ------
    ImportFormatError
        When the file as a whole cannot be read; nothing else escapes, whatever the bytes
        (tests/test_import_fuzz.py feeds it random and mutated files).
    """
    rows = parse(data, fmt)
    if rows.empty:  # a header without rows, an empty collection: nothing to import is an error
        return ImportOutcome(None, [NO_ROWS], 0, 0, None)
    result = validate_facilities(rows, gemeinden, default_source=f"import:{origin}")
    if result.problems and not skip_invalid:
        return ImportOutcome(None, result.problems, len(rows), len(result.valid), None)
    merged, report = merge_facilities(existing, result.valid)
    return ImportOutcome(merged, result.problems, len(rows), len(result.valid), report)
