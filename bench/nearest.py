"""Load test of /api/nearest under gunicorn (2 workers) from a second process.

Usage: .venv/bin/python bench/nearest.py [--seconds 30] [--connections 50] [--rate 500]

Starts the app with gunicorn on a free loopback port, then runs two loads of random points
inside Niedersachsen (drawn from the Gemeinde polygons, seeded), each for --seconds:

1. closed loop with wrk (Debian package `wrk`): --connections connections, each sending the
   next request as soon as the last answered. Gives the maximum throughput; its latency is
   mostly queueing (Little's law: latency = connections / throughput).
2. open loop at --rate requests/s spread over --connections keep-alive connections (a small
   asyncio client): latency as residents would see it at that load.

Reports requests/s, p50/p99 latency and errors; the server is always stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
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


def wrk_script(urls: list[str], directory: Path) -> Path:
    script = directory / "nearest.lua"
    table = ",\n".join(f'"{u}"' for u in urls)
    script.write_text(
        "local paths = {\n" + table + "\n}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = (i % #paths) + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
        "done = function(summary, latency, requests)\n"
        "  io.write(string.format('P50 %d\\nP99 %d\\nERRORS %d\\n', latency:percentile(50),\n"
        "    latency:percentile(99), summary.errors.status + summary.errors.connect +\n"
        "    summary.errors.read + summary.errors.write + summary.errors.timeout))\n"
        "end\n"
    )
    return script


def run_wrk(base: str, script: Path, seconds: int, connections: int) -> str:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


async def open_loop(
    host: str, port: int, urls: list[str], rate: float, seconds: float, connections: int
) -> tuple[list[float], int, int]:
    """Send requests at a fixed rate; return latencies (s), errors, and requests sent.

    Latency counts from the moment a request was due, so a client or server falling behind
    shows up as latency instead of silently lowering the rate.
    """
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        # gunicorn's sync workers close the connection after each response: one connection
        # per request, as wrk also ends up doing against them.
        nonlocal errors
        while True:
            item = await queue.get()
            if item is None:
                return
            scheduled, path = item
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            response = await reader.read()
            writer.close()
            latencies.append(time.perf_counter() - scheduled)  # includes any wait to send
            if not response.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")):
                errors += 1

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = time.perf_counter()
    sent = 0
    while (now := time.perf_counter()) - start < seconds:
        due = int((now - start) * rate)
        while sent < due:
            queue.put_nowait((start + sent / rate, urls[sent % len(urls)]))
            sent += 1
        await asyncio.sleep(0.001)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return latencies, errors, sent


def main() -> None:
    parser = argparse.ArgumentParser(description="load test of /api/nearest")
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
    urls = paths(random_points(5000))
    env = {"NK_LOG_LEVEL": "WARNING", "NK_TILE_URL": ""}
    with (
        tempfile.TemporaryDirectory() as tmp,
        gunicorn(GUNICORN_ARGS, env, Path(tmp) / "server.log") as base,
    ):
        port = int(base.rsplit(":", 1)[1])
        output = run_wrk(base, wrk_script(urls, Path(tmp)), args.seconds, args.connections)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
        p50 = int(re.search(r"^P50 (\d+)", output, re.M)[1]) / 1000
        p99 = int(re.search(r"^P99 (\d+)", output, re.M)[1]) / 1000
        errors = int(re.search(r"^ERRORS (\d+)", output, re.M)[1])
        print(f"\n1. closed loop, wrk, {args.connections} connections, {args.seconds} s")
        print(
            f"   {rps:8.0f} requests/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
            f"errors {errors}   (target >= 500 requests/s, no errors)"
        )
        latencies, open_errors, sent = asyncio.run(
            open_loop("127.0.0.1", port, urls, args.rate, args.seconds, args.connections)
        )
        lat_ms = np.array(latencies) * 1000
        print(
            f"\n2. open loop, {args.rate:.0f} requests/s offered over {args.connections} "
            f"connections, {args.seconds} s"
        )
        print(
            f"   {len(latencies) / args.seconds:8.0f} requests/s   p50 "
            f"{np.percentile(lat_ms, 50):6.1f} ms   p99 {np.percentile(lat_ms, 99):6.1f} ms"
            f"   errors {open_errors}   unanswered {sent - len(latencies)}   "
            "(target p99 < 20 ms, no errors)"
        )


if __name__ == "__main__":
    main()
