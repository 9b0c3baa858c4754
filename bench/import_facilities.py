"""Import of a large municipal CSV: time and peak memory (targets: 700,000 rows / 100 MB in
under 60 s and under 2 GB), and how fast a file over the size limit is refused.

Usage: .venv/bin/python bench/import_facilities.py [--rows N]

The rows are synthetic (random points in the Göttingen area, cycling through every type and a
few opening-hours forms, every tenth name repeated at one point to exercise the near-duplicate
check); they exist only in memory and are never written to datasets/. The import runs in a
fresh process so its peak resident memory is its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.facilities import TYPES  # noqa: E402
from geo.importers import MAX_FILE_BYTES  # noqa: E402

HOURS = ["Mo-Fr 09:00-17:00", "Di,Do 10:00-12:00 Uhr", "Mo-Fr 08:00-12:00; PH off", ""]
HEADER = (
    "Lfd. Nr.;Name;Art;Straße;Hausnummer;PLZ;Ort;Breitengrad;Längengrad;Öffnungszeiten;"
    "Barrierefrei;Webseite"
)


def make_csv(rows: int, seed: int = 1) -> bytes:
    """About 143 bytes a row: 700,000 rows make the 100 MB of the target."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(51.50, 51.57, rows)
    lon = rng.uniform(9.88, 9.98, rows)
    lat[::10], lon[::10] = 51.5339, 9.9355  # every tenth row at one point, with one name
    types = list(TYPES)
    lines = [HEADER]
    for i in range(rows):
        name = "Treff am Markt" if i % 10 == 0 else f"Einrichtung {i}"
        lat_text = f"{lat[i]:.6f}".replace(".", ",")
        lon_text = f"{lon[i]:.6f}".replace(".", ",")
        lines.append(
            f"{i};{name};{types[i % len(types)]};Weender Straße;{i % 200 + 1};37073;Göttingen;"
            f'{lat_text};{lon_text};"{HOURS[i % len(HOURS)]}";{"ja" if i % 3 else "nein"};'
            f"https://example.org/{i}"
        )
    return ("\n".join(lines) + "\n").encode("cp1252")


CHILD = """
import sys, time, resource
sys.path.insert(0, {root!r})
from geo.data import GPKG_NAME, read_layer
from geo.facilities import empty_facilities
from geo.importers import import_facilities
from geo.schema import LAYER_GEMEINDEN
from pathlib import Path
gemeinden = read_layer(Path({gpkg!r}), LAYER_GEMEINDEN)
data = open({path!r}, "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = import_facilities(data, "csv", empty_facilities(), gemeinden, origin="bench")
took = time.perf_counter() - started
assert outcome.dataset is not None and not outcome.problems, outcome.problems[:5]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(took, peak, base, len(outcome.dataset), len(outcome.report.near_duplicates))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=700_000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    data = make_csv(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "liste.csv"
        path.write_bytes(data)
        del data
        code = CHILD.format(root=str(ROOT), gpkg=str(ROOT / "datasets" / "niedersachsen.gpkg"),
                            path=str(path))  # fmt: skip
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if child.returncode != 0:
            raise SystemExit(f"the import failed:\n{child.stderr[-3000:]}")
        out = child.stdout.split()
        took, peak_kb, base_kb, rows, near = float(out[0]), int(out[1]), int(out[2]), out[3], out[4]
        size_mb = path.stat().st_size / 1e6
        print(f"import of {int(rows):,} CSV rows ({size_mb:.1f} MB, Windows-1252, German headers, "
              f"{int(near):,} near-duplicates found)")  # fmt: skip
        print(f"   time {took:6.1f} s  (target < 60 s: {'ok' if took < 60 else 'MISSED'})")
        verdict = "ok" if peak_kb < 2e6 else "MISSED"
        print(f"   peak resident memory {peak_kb / 1e6:5.2f} GB, of which {base_kb / 1e6:.2f} GB "
              f"before the import  (target < 2 GB: {verdict})")  # fmt: skip

        big = Path(tmp) / "gross.csv"
        with open(big, "wb") as handle:
            handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
        env = {**os.environ, "NK_LOG_LEVEL": "WARNING", "NK_DATA_DIR": str(ROOT / "datasets")}
        started = time.perf_counter()
        refused = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "facilities", "import", str(big),
             "--dry-run"], cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        took = time.perf_counter() - started
        assert refused.returncode == 2, refused.stderr
        print(f"a {big.stat().st_size / 1e6:.0f} MB file over the limit: exit 2 after {took:.1f} s"
              " (the app's start-up included), nothing read")  # fmt: skip


if __name__ == "__main__":
    main()
