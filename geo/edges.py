"""Distances from every 100 m cell to the edge of the area with data, computed at build time.

A cell counts as *uncertain* when the edge of the area with data for a category is nearer
than its nearest facility (`geo.coverage`). Measuring that edge for 430,000 cells takes most
of a second, so ``make datasets`` stores it (``randabstand_100m.npy.gz``, whole metres, -1
where a cell has no data) with fingerprints of what it was measured for
(``randabstand_100m.json``): the cells' grid coordinates and, per category, the Gemeinden
with data. At start-up a category whose fingerprints match is read, any other is measured
again, so a changed tier table or cell file can never bring stale edges.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "EDGES_META_NAME",
    "EDGES_NAME",
    "area_fingerprint",
    "cells_fingerprint",
    "read_edges",
    "write_edges",
]

EDGES_NAME = "randabstand_100m.npy.gz"  # NumPy's array format: no parsing at start-up
EDGES_META_NAME = "randabstand_100m.json"
DTYPE = "<i4"  # whole metres
NO_EDGE = -1  # the cell has no data for the category


def cells_fingerprint(x_3035: np.ndarray, y_3035: np.ndarray) -> str:
    """SHA-256 of the cells' grid coordinates, in their order."""
    digest = hashlib.sha256()
    for values in (x_3035, y_3035):
        digest.update(np.ascontiguousarray(values, dtype="<i8").tobytes())
    return digest.hexdigest()


def area_fingerprint(ags_with_data: Iterable[str]) -> str:
    """SHA-256 of the sorted keys of the Gemeinden whose union is the area with data."""
    return hashlib.sha256("\n".join(sorted(ags_with_data)).encode("ascii")).hexdigest()


def write_edges(
    data_dir: Path, edges_m: Mapping[str, np.ndarray], cells: str, areas: Mapping[str, str]
) -> None:
    """Write the edge distances (whole metres; -1: no data) and their fingerprints, each file
    atomically and byte for byte reproducibly (gzip without a time stamp)."""
    columns = sorted(edges_m)
    table = np.column_stack([
        np.where(np.isfinite(edges_m[c]), np.round(edges_m[c]), NO_EDGE) for c in columns
    ]).astype(DTYPE)  # fmt: skip
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, table, allow_pickle=False)
    meta = {"cells": cells, "areas": {c: areas[c] for c in columns}, "columns": columns,
            "unit": "metres, rounded; -1: the cell has no data"}  # fmt: skip
    _replace(Path(data_dir) / EDGES_NAME, gzip.compress(buffer.getvalue(), 9, mtime=0))
    _replace(Path(data_dir) / EDGES_META_NAME, (json.dumps(meta, indent=2) + "\n").encode())


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_edges(
    data_dir: Path, n_cells: int, cells: str, areas: Mapping[str, str]
) -> dict[str, np.ndarray]:
    """The stored edge distances of the categories whose fingerprints match; ``inf`` where a
    cell has no data. Missing, unreadable or mismatched files give an empty result (the
    caller measures instead): this is a cache of a derived figure, never a source of truth.
    The array's header is checked before its data are read, so the work is bounded by the
    number of cells."""
    try:
        meta = json.loads((Path(data_dir) / EDGES_META_NAME).read_text(encoding="utf-8"))
        columns = meta["columns"]
        if meta["cells"] != cells or not isinstance(columns, list):
            return {}
        wanted = [c for c in areas if c in columns and meta["areas"].get(c) == areas[c]]
        if not wanted:
            return {}
        with gzip.open(Path(data_dir) / EDGES_NAME, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            if version != (1, 0):
                return {}
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
            size = n_cells * len(columns) * np.dtype(DTYPE).itemsize
            if shape != (n_cells, len(columns)) or fortran or dtype != np.dtype(DTYPE):
                return {}
            data = handle.read(size)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, EOFError):
        return {}
    if len(data) != size:
        return {}
    table = np.frombuffer(data, dtype=DTYPE).reshape(n_cells, len(columns))
    out = {}
    for category in wanted:
        values = table[:, columns.index(category)]
        if (values < NO_EDGE).any():
            continue
        out[category] = np.where(values == NO_EDGE, np.inf, values.astype(float))
    return out
