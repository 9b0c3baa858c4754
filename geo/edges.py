"""Distances from every 100 m cell to the edge of the area with data, computed at build time.

A cell counts as *uncertain* when the edge of the area with data for a category is nearer
than its nearest facility (`geo.coverage`). Measuring that edge for 430,000 cells takes most
of a second, so ``make datasets`` stores it (``randabstand_100m.csv.gz``, whole metres, empty
where a cell has no data) with fingerprints of what it was measured for
(``randabstand_100m.json``): the cells' grid coordinates and, per category, the Gemeinden
with data. At start-up a category whose fingerprints match is read, any other is measured
again, so a changed tier table or cell file can never bring stale edges.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "EDGES_META_NAME",
    "EDGES_NAME",
    "area_fingerprint",
    "cells_fingerprint",
    "read_edges",
    "write_edges",
]

EDGES_NAME = "randabstand_100m.csv.gz"
EDGES_META_NAME = "randabstand_100m.json"
_COLUMN = "{}_m"


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
    """Write the edge distances (rounded to whole metres) and their fingerprints, each file
    atomically and byte for byte reproducibly (gzip without a time stamp)."""
    frame = pd.DataFrame({
        _COLUMN.format(c): pd.array(np.where(np.isfinite(d), np.round(d), np.nan), dtype="Int64")
        for c, d in edges_m.items()
    })  # fmt: skip
    text = frame.to_csv(index=False, lineterminator="\n").encode("ascii")
    meta = {"cells": cells, "areas": dict(sorted(areas.items())),
            "unit": "metres, rounded; empty: the cell has no data"}  # fmt: skip
    _replace(Path(data_dir) / EDGES_NAME, gzip.compress(text, compresslevel=9, mtime=0))
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
    caller measures instead): this is a cache of a derived figure, never a source of truth."""
    try:
        meta = json.loads((Path(data_dir) / EDGES_META_NAME).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("cells") != cells:
            return {}
        stored = meta.get("areas")
        wanted = [c for c, f in areas.items() if isinstance(stored, dict) and stored.get(c) == f]
        if not wanted:
            return {}
        frame = pd.read_csv(
            Path(data_dir) / EDGES_NAME,
            usecols=[_COLUMN.format(c) for c in wanted],
            dtype="float64",
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return {}
    if len(frame) != n_cells:
        return {}
    out = {}
    for category in wanted:
        values = frame[_COLUMN.format(category)].to_numpy()
        if (values < 0).any():
            continue
        out[category] = np.where(np.isnan(values), np.inf, values)
    return out
