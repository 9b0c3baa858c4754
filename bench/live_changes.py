"""Residents during municipal changes: /api/nearest under paced load while changes are applied.

Usage: .venv/bin/python bench/live_changes.py [--seconds 20] [--connections 20] [--rate 200]

Target (issue 14): after a change every worker serves the new state within a few seconds,
without a restart and without a pause for residents. Starts gunicorn (as `make run`, 2
workers) on a throwaway SQLite store with one account for Göttingen, then runs the same paced
wrk load twice: once quiet, once while a second process edits a Göttingen entry through the
machine interface about once a second (each worker then lays the change over its data on its
next check). Reports p50/p99 of both runs, their ratio, and how long the workers took to serve
each change (polled through /api/facilities).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bench.nearest import (  # noqa: E402
    GUNICORN_ARGS,
    load_test_args,
    paths,
    random_points,
    run_wrk,
    wrk_script,
)
from geo.store.accounts import create_account  # noqa: E402
from geo.web.store import store_engine  # noqa: E402
from tests.server import gunicorn  # noqa: E402

GOETTINGEN = "03159016"


def editor(base: str, token: str, every_s: float, stop: threading.Event, lags: list[float]) -> None:
    """Edit one entry again and again; measure until both workers serve each edit."""
    headers = {"Authorization": f"Bearer {token}"}
    entry = requests.get(base + "/api/verwaltung/facilities", headers=headers).json()["facilities"][
        0
    ]
    fields = {k: v for k, v in entry.items() if k not in ("version", "id", "category", "ags")}
    version, n = entry["version"], 0
    while not stop.is_set():
        n += 1
        name = f"{entry['name']} ({n})"
        resp = requests.put(f"{base}/api/verwaltung/facilities/{entry['id']}", headers=headers,
                            json={"facility": {**fields, "name": name}, "version": version,
                                  "reason": "bench"})  # fmt: skip
        version = resp.json()["version"]
        started = time.monotonic()
        while not stop.is_set():  # every answer of several new connections shows the edit
            names = set()
            for _ in range(6):
                body = requests.get(f"{base}/api/facilities?ags={GOETTINGEN}").json()
                names.add({f["properties"]["id"]: f["properties"]["name"]
                           for f in body["features"]}[entry["id"]])  # fmt: skip
            if names == {name}:
                lags.append(time.monotonic() - started)
                break
        stop.wait(every_s)


def main() -> None:
    args = load_test_args("residents' latency while municipal changes are applied")
    every_s = 1.0
    urls = paths(random_points(3000))
    with tempfile.TemporaryDirectory() as tmp:
        store = f"sqlite:///{Path(tmp) / 'store.sqlite'}"
        app = create_app({"LOG_LEVEL": "WARNING", "DATABASE_URL": store})
        known = set(app.extensions["nk_datasets"].gemeinden["ags"])
        with app.app_context(), store_engine().begin() as conn:
            _, token = create_account(conn, "Bench", "gemeinde", GOETTINGEN, known)
        env = {"NK_LOG_LEVEL": "WARNING", "NK_TILE_URL": "", "NK_DATABASE_URL": store}
        with gunicorn(GUNICORN_ARGS, env, Path(tmp) / "server.log") as base:
            think_ms = round(1000 * args.connections / args.rate)
            script = wrk_script(urls, Path(tmp), think_ms)
            quiet = run_wrk(base, script, args.seconds, args.connections)
            stop, lags = threading.Event(), []
            thread = threading.Thread(target=editor, args=(base, token, every_s, stop, lags))
            thread.start()
            busy = run_wrk(base, script, args.seconds, args.connections)
            stop.set()
            thread.join()
    print(f"\npaced wrk, {args.connections} connections, about {args.rate:.0f} requests/s, "
          f"{args.seconds} s each")  # fmt: skip
    for label, r in (("quiet", quiet), (f"an edit every {every_s:.0f} s", busy)):
        print(f"   {label:22} {r['rps']:7.0f} requests/s   p50 {r['p50']:6.1f} ms   "
              f"p99 {r['p99']:6.1f} ms   errors {r['errors']}")  # fmt: skip
    print(f"   p99 ratio busy / quiet: {busy['p99'] / max(quiet['p99'], 0.01):.2f}")
    if lags:
        median, worst = statistics.median(lags), max(lags)
        print(f"   {len(lags)} edits; until every worker served an edit: median {median:.2f} s, "
              f"max {worst:.2f} s (target: a few seconds)")  # fmt: skip


if __name__ == "__main__":
    main()
