"""Municipal CSV lists: German or schema headers, ``,`` ``;`` or tab, decimal commas.

Read row by row with the csv module, so the work is bounded as it goes: the header may have at
most `MAX_COLUMNS` fields, a field at most `MAX_FIELD_CHARS` characters, the file at most
`MAX_ROWS` rows; only the columns the schema knows are kept. A row with more fields than the
header is a problem of that row unless the extra fields are empty (trailing delimiters).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pandas as pd

from geo.facilities import PRE_PROBLEM, ROW
from geo.importers.common import (
    HEADER_ALIASES,
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_ROWS,
    ImportFormatError,
    decode,
    map_headers,
    normalise_columns,
)

__all__ = ["parse_csv"]

DELIMITERS = (";", ",", "\t")
REQUIRED = ("name", "lat", "lon")


def _delimiter(text: str) -> str:
    end = text.find("\n")
    first_line = text[: end if end >= 0 else len(text)]
    if len(first_line) > MAX_COLUMNS * 100:
        raise ImportFormatError(f"line 1: a header of {len(first_line):,} characters")
    return max(DELIMITERS, key=first_line.count)


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank row; csv's own errors name the line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            reason = str(err)
            if "field limit" in reason:  # the csv module stops at its limit, which is ours
                reason = f"a field longer than {MAX_FIELD_CHARS:,} characters"
            raise ImportFormatError(f"line {reader.line_num}: {reason}") from err
        start, line = line, reader.line_num + 1
        if any(fields):
            yield start, fields


def parse_csv(data: bytes) -> pd.DataFrame:
    """Read a municipal CSV into the schema's text columns (plus ``_row`` and ``_problem``)."""
    text = decode(data)
    rows = _rows(text, _delimiter(text))
    first = next(rows, None)
    if first is None:
        raise ImportFormatError("the file has no header line")
    _, header = first
    if len(header) > MAX_COLUMNS:
        raise ImportFormatError(
            f"line 1: {len(header):,} columns in the header; at most {MAX_COLUMNS} are accepted"
        )
    fields = map_headers([h.strip() for h in header], "header")
    absent = [f for f in REQUIRED if f not in fields.values()]
    if absent:
        raise ImportFormatError(
            f"no column for {', '.join(absent)}; found columns {header[:20]} "
            f"(expected e.g. Name, Breitengrad, Längengrad or name, lat, lon; known headers: "
            f"{', '.join(HEADER_ALIASES['name'][:3])} …)"
        )
    positions = {field: header.index(h) for h, field in fields.items()}
    width = len(header)
    columns: dict[str, list[str]] = {field: [] for field in positions}
    labels: list[str] = []
    problems: list[str] = []
    for count, (line, values) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFormatError(f"more than {MAX_ROWS:,} rows; split the list")
        problem = ""
        if len(values) > width and any(values[width:]):
            problem = f"row: {len(values):,} fields, the header has {width}"
        for field, at in positions.items():
            columns[field].append(values[at] if at < len(values) else "")
        labels.append(f"row {line}")
        problems.append(problem)
    frame = normalise_columns(pd.DataFrame(columns, dtype=object), renamed=True)
    frame[ROW] = labels
    frame[PRE_PROBLEM] = problems
    return frame
