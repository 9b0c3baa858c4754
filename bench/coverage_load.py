"""Load test of /api/coverage for warm selections under gunicorn, with the same wrk load as
bench/nearest.py (targets: >= 500 requests/s closed loop, p99 < 50 ms at 500 requests/s).

Usage: .venv/bin/python bench/coverage_load.py [--seconds 30] [--connections 50] [--rate 500]

The statewide answers (964 Gemeinden, 45 Kreise, Quartiere of Hannover) of both categories are
requested once to warm every worker's cache, then wrk cycles through them with
``Accept-Encoding: gzip`` as browsers send it; a second run without gzip shows the cost of the
uncompressed 0.5 MB body. Reports requests/s, p50/p99 latency and errors.
"""

from __future__ import annotations

import sys
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from nearest import GUNICORN_ARGS, handler_ms, load_test_args, run_wrk, wrk_script  # noqa: E402

from tests.server import gunicorn  # noqa: E402

URLS = [
    "/api/coverage?category=treffpunkt",
    "/api/coverage?category=beratung",
    "/api/coverage?category=treffpunkt&level=kreis",
    "/api/coverage/03241001/quartiere?category=treffpunkt",
]


def warm(base: str, workers: int = 2) -> None:
    """Request every URL often enough that each worker has computed and cached it."""
    for url in URLS:
        for _ in range(4 * workers):
            with urllib.request.urlopen(base + url, timeout=60) as resp:
                assert resp.status == 200


def main() -> None:
    args = load_test_args("load test of /api/coverage")
    env = {"NK_LOG_LEVEL": "INFO", "NK_TILE_URL": ""}
    with (
        tempfile.TemporaryDirectory() as tmp,
        gunicorn(GUNICORN_ARGS, env, Path(tmp) / "server.log") as base,
    ):
        log = Path(tmp) / "server.log"
        warm(base)
        for gzip in (True, False):
            label = "gzip" if gzip else "uncompressed"
            closed = run_wrk(base, wrk_script(URLS, Path(tmp), 0, gzip), args.seconds,
                             args.connections)  # fmt: skip
            print(f"\n{label}: closed loop, wrk, {args.connections} connections, "
                  f"{args.seconds} s")  # fmt: skip
            print(f"   {closed['rps']:8.0f} requests/s   p50 {closed['p50']:6.1f} ms   "
                  f"p99 {closed['p99']:6.1f} ms   errors {closed['errors']}   "
                  "(target >= 500 requests/s, no errors)")  # fmt: skip
            think_ms = round(1000 * args.connections / args.rate)
            offset = log.stat().st_size
            paced = run_wrk(base, wrk_script(URLS, Path(tmp), think_ms, gzip), args.seconds,
                            args.connections)  # fmt: skip
            print(f"{label}: paced, about {args.rate:.0f} requests/s")
            print(f"   {paced['rps']:8.0f} requests/s   p50 {paced['p50']:6.1f} ms   "
                  f"p99 {paced['p99']:6.1f} ms   errors {paced['errors']}   "
                  "(target p99 < 50 ms, no errors)")  # fmt: skip
            inside = handler_ms(log, offset, "/api/coverage")
            print(f"   time inside the app: p50 {np.percentile(inside, 50):.2f} ms   "
                  f"p99 {np.percentile(inside, 99):.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
