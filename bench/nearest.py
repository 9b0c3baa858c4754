"""Load test of /api/nearest under gunicorn (2 workers) from a second process.

Usage: .venv/bin/python bench/nearest.py [--seconds 30] [--connections 50] [--rate 500]

Starts the app with gunicorn on a free loopback port, then runs two loads of random points
inside Niedersachsen (drawn from the Gemeinde polygons, seeded), each for --seconds:

1. closed loop with wrk (Debian package `wrk`): --connections connections, each sending the
   next request as soon as the last answered. Gives the maximum throughput; its latency is
   mostly queueing (Little's law: latency = connections / throughput).
2. paced with wrk: the same connections, each pausing so that together they offer about
   --rate requests/s: latency at that load, measured by a client with little overhead; plus
   the time spent inside the app, from its own request log.

Reports requests/s, p50/p99 latency and errors; the server is always stopped.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.data import GPKG_NAME, read_layer  # noqa: E402
from geo.schema import LAYER_GEMEINDEN, WEB_CRS  # noqa: E402
from tests.server import gunicorn  # noqa: E402

# As `make run`: 2 sync worker processes, datasets loaded once before forking. (Threaded
# workers with keep-alive were measured too: the GIL made their p99 several times worse.)
GUNICORN_ARGS = ["--workers", "2", "--preload", "--backlog", "2048"]


def random_points(n: int, seed: int = 7) -> np.ndarray:
    """``n`` uniformly random (lat, lon) points inside Niedersachsen."""
    gem = read_layer(ROOT / "datasets" / GPKG_NAME, LAYER_GEMEINDEN).to_crs(WEB_CRS)
    state = shapely.union_all(gem.geometry.to_numpy())
    shapely.prepare(state)
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = state.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        lon = rng.uniform(xmin, xmax, n)
        lat = rng.uniform(ymin, ymax, n)
        inside = shapely.contains_xy(state, lon, lat)
        out = np.vstack([out, np.column_stack([lat[inside], lon[inside]])])
    return out[:n]


def paths(points: np.ndarray) -> list[str]:
    return [f"/api/nearest?lat={lat:.5f}&lon={lon:.5f}&limit=10" for lat, lon in points]


def wrk_script(urls: list[str], directory: Path, think_ms: int = 0, gzip: bool = False) -> Path:
    """A wrk script cycling through ``urls``; with ``think_ms`` each connection pauses that
    long between its requests (a fixed offered load, measured with wrk's low overhead);
    ``gzip`` sends ``Accept-Encoding: gzip`` as browsers do."""
    script = directory / f"load_{think_ms}_{int(gzip)}.lua"
    table = ",\n".join(f'"{u}"' for u in urls)
    think = f"delay = function() return {think_ms} end\n" if think_ms else ""
    headers = '{["Accept-Encoding"] = "gzip"}' if gzip else "nil"
    script.write_text(
        think + "local paths = {\n" + table + "\n}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = (i % #paths) + 1\n"
        f"  return wrk.format('GET', paths[i], {headers})\n"
        "end\n"
        "done = function(summary, latency, requests)\n"
        "  io.write(string.format('P50 %d\\nP99 %d\\nERRORS %d\\n', latency:percentile(50),\n"
        "    latency:percentile(99), summary.errors.status + summary.errors.connect +\n"
        "    summary.errors.read + summary.errors.write + summary.errors.timeout))\n"
        "end\n"
    )
    return script


def run_wrk(base: str, script: Path, seconds: int, connections: int) -> dict[str, float]:
    """Run wrk; return requests/s, p50/p99 in ms and the error count."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
               str(script), base]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": int(re.search(r"^P50 (\d+)", output, re.M)[1]) / 1000,
        "p99": int(re.search(r"^P99 (\d+)", output, re.M)[1]) / 1000,
        "errors": int(re.search(r"^ERRORS (\d+)", output, re.M)[1]),
    }


def handler_ms(log: Path, offset: int, path: str = "/api/nearest") -> np.ndarray:
    """Durations of the ``path`` requests the app logged after byte ``offset``."""
    with open(log, encoding="utf-8") as handle:
        handle.seek(offset)
        text = handle.read()
    pattern = rf"GET {re.escape(path)}\S* 200 ([\d.]+) ms"
    return np.array([float(m) for m in re.findall(pattern, text)])


def load_test_args(description: str) -> argparse.Namespace:
    """The options every load test takes; checks for wrk and names the machine."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; server: gunicorn {' '.join(GUNICORN_ARGS)}; load from a "
        "second process on the same machine"
    )
    return args


def main() -> None:
    args = load_test_args("load test of /api/nearest")
    urls = paths(random_points(5000))
    env = {"NK_LOG_LEVEL": "INFO", "NK_TILE_URL": ""}  # INFO: the app logs each duration
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        with gunicorn(GUNICORN_ARGS, env, log) as base:
            run_phases(base, urls, Path(tmp), log, args)


def run_phases(base: str, urls: list[str], tmp: Path, log: Path, args: argparse.Namespace) -> None:
    """The closed-loop and the paced load against a running server."""
    closed = run_wrk(base, wrk_script(urls, tmp), args.seconds, args.connections)
    print(f"\n1. closed loop, wrk, {args.connections} connections, {args.seconds} s")
    print(
        f"   {closed['rps']:8.0f} requests/s   p50 {closed['p50']:6.1f} ms   "
        f"p99 {closed['p99']:6.1f} ms   errors {closed['errors']}   "
        "(target >= 500 requests/s, no errors)"
    )
    think_ms = round(1000 * args.connections / args.rate)
    offset = log.stat().st_size
    paced = run_wrk(base, wrk_script(urls, tmp, think_ms), args.seconds, args.connections)
    print(
        f"\n2. paced, wrk, {args.connections} connections each waiting {think_ms} ms "
        f"between requests (about {args.rate:.0f} requests/s), {args.seconds} s"
    )
    print(
        f"   {paced['rps']:8.0f} requests/s   p50 {paced['p50']:6.1f} ms   "
        f"p99 {paced['p99']:6.1f} ms   errors {paced['errors']}   "
        "(target p99 < 20 ms, no errors)"
    )
    inside = handler_ms(log, offset)
    print(
        f"   time inside the app (its request log): p50 {np.percentile(inside, 50):.2f} ms   "
        f"p99 {np.percentile(inside, 99):.2f} ms; the rest is connection handling and the "
        "two cores shared with the load generator"
    )


if __name__ == "__main__":
    main()
