"""Place search: latency of /api/search over real queries, against a plain scan in the same run.

Usage: .venv/bin/python bench/search.py [--rounds 5]

Target (issue 10): every search answers in < 30 ms at the 99th percentile. Queries: the 45 of
tests/test_search.py (ASCII forms, misspellings, compounds, streets, postcodes) plus 2,000 names
drawn from the index (seeded): places, streets and prefixes of them as typed while suggesting.
Measured through the Flask test client (routing, parsing and JSON included) and for the core
function alone. The peer is the obvious implementation: a pandas ``str.contains`` scan of both
key columns of the same index, ranked the same way, reported as a ratio.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import quote

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from geo.places import fold, search_places  # noqa: E402
from tests.test_search import TABLE  # noqa: E402


def scan(index, query: str, limit: int = 10) -> list[str]:
    """The peer: scan every key for the query's keys, exact < prefix < substring."""
    frame = index.frame
    score = np.full(len(frame), 9)
    for key in {k for k in fold(query) if k}:
        for column in ("key_ae", "key_plain"):
            values = frame[column]
            score = np.minimum(score, np.where(values == key, 0, 9))
            score = np.minimum(score, np.where(values.str.startswith(key), 1, 9))
            score = np.minimum(score, np.where(values.str.contains(key, regex=False), 2, 9))
    hits = frame.assign(score=score)[score < 9]
    return (
        hits.sort_values(["score", "weight"], ascending=[True, False])["name"].head(limit).tolist()
    )


def percentiles(times_s: list[float]) -> str:
    ms = np.asarray(times_s) * 1000
    p50, p99 = np.percentile(ms, [50, 99])
    return f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   max {ms.max():6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    app = create_app()
    index = app.extensions["nk_places"]
    rng = np.random.default_rng(20261205)
    names = index.frame["name"].to_numpy(dtype=object)
    drawn = rng.choice(names, size=2000, replace=False)
    # as typed while the suggestions update: every other one cut to a prefix of 3+ letters
    typed = [n if i % 2 else n[: max(3, len(n) // 2)] for i, n in enumerate(drawn)]
    queries = [q for q, *_ in TABLE] + typed
    client = app.test_client()
    for q in queries[:50]:  # warm up
        client.get("/api/search?q=" + quote(q) + "&limit=8")

    api, core = [], []
    for _ in range(args.rounds):
        for q in queries:
            started = time.perf_counter()
            resp = client.get("/api/search?q=" + quote(q) + "&limit=8")
            api.append(time.perf_counter() - started)
            assert resp.status_code == 200, (q, resp.status_code)
            started = time.perf_counter()
            search_places(index, q, 8)
            core.append(time.perf_counter() - started)
    peer = []
    for q in queries[:: max(1, len(queries) // 300)]:
        started = time.perf_counter()
        scan(index, q, 8)
        peer.append(time.perf_counter() - started)

    print(f"index: {len(index.frame):,} names (Gemeinden, Quartiere, places, streets, postcodes)")
    print(f"{len(queries):,} queries × {args.rounds} rounds")
    print(f"  /api/search (test client): {percentiles(api)}   target p99 < 30 ms")
    print(f"  search_places (core):      {percentiles(core)}")
    print(f"  peer: pandas scan (core, {len(peer)} queries): {percentiles(peer)}")
    ratio = np.percentile(peer, 50) / np.percentile(core, 50)
    print(f"  median speed-up over the scan: {ratio:.1f}×")
    ok = np.percentile(np.asarray(api) * 1000, 99) < 30
    print("target met" if ok else "TARGET MISSED")


if __name__ == "__main__":
    main()
