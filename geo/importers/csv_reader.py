"""Municipal CSV lists: German or schema headers, ``,`` ``;`` or tab, decimal commas."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geo.facilities import ROW
from geo.importers.common import HEADER_ALIASES, ImportFormatError, decode, normalise_columns

__all__ = ["parse_csv"]


def parse_csv(data: bytes) -> pd.DataFrame:
    """Read a municipal CSV: German or schema headers, ``,`` or ``;``, decimal commas."""
    text = decode(data)
    first_line = text.splitlines()[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, csv.Error) as err:
        raise ImportFormatError(f"not a readable CSV: {err}") from err
    headers = {str(c).strip().casefold() for c in frame.columns}
    needed = {
        "name": HEADER_ALIASES["name"],
        "lat": HEADER_ALIASES["lat"],
        "lon": HEADER_ALIASES["lon"],
    }
    absent = [f for f, aliases in needed.items() if not headers & set(aliases)]
    if absent:
        raise ImportFormatError(
            f"no column for {', '.join(absent)}; found columns {list(frame.columns)} "
            "(expected e.g. Name, Breitengrad, Längengrad or name, lat, lon)"
        )
    out = normalise_columns(frame)
    out[ROW] = [f"row {i + 2}" for i in range(len(out))]  # line number, header is line 1
    return out

