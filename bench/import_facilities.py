"""Time a 100,000-row municipal CSV import (target: under 10 s on the 2-core machine).

Usage: .venv/bin/python bench/import_facilities.py [--rows N]

The rows are synthetic (random points in the Göttingen area, cycling through every type and a
few opening-hours forms); they exist only in memory and are never written to datasets/.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.data import GPKG_NAME, read_layer  # noqa: E402
from geo.facilities import TYPES, empty_facilities  # noqa: E402
from geo.importers import import_facilities  # noqa: E402
from geo.schema import LAYER_GEMEINDEN  # noqa: E402

HOURS = ["Mo-Fr 09:00-17:00", "Di,Do 10:00-12:00 Uhr", "Mo-Fr 08:00-12:00; PH off", ""]


def make_csv(rows: int, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(51.50, 51.57, rows)
    lon = rng.uniform(9.88, 9.98, rows)
    types = list(TYPES)
    lines = [
        "Name;Art;Straße;Hausnummer;PLZ;Ort;Breitengrad;Längengrad;Öffnungszeiten;"
        "Barrierefrei;Webseite"
    ]
    for i in range(rows):
        lat_text = f"{lat[i]:.6f}".replace(".", ",")
        lon_text = f"{lon[i]:.6f}".replace(".", ",")
        lines.append(
            f"Einrichtung {i};{types[i % len(types)]};Weender Straße;{i % 200 + 1};37073;"
            f'Göttingen;{lat_text};{lon_text};"{HOURS[i % len(HOURS)]}";'
            f"{'ja' if i % 3 else 'nein'};https://example.org/{i}"
        )
    return ("\n".join(lines) + "\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    gemeinden = read_layer(ROOT / "datasets" / GPKG_NAME, LAYER_GEMEINDEN)
    data = make_csv(args.rows)
    started = time.perf_counter()
    outcome = import_facilities(data, "csv", empty_facilities(), gemeinden, origin="bench")
    took = time.perf_counter() - started
    assert outcome.dataset is not None and not outcome.problems, outcome.problems[:5]
    assert len(outcome.dataset) == args.rows
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"import of {args.rows:,} CSV rows ({len(data) / 1e6:.1f} MB, Windows-1252, German "
        f"headers): {took:.2f} s  (target < 10 s: {'ok' if took < 10 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
