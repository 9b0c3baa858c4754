"""Site suggestions: time of the lazy greedy and its gap to the exact optimum, in one run.

Usage: .venv/bin/python bench/suggest.py [--time-limit 120]

Targets (issue 12): a Kreis with k = 10 under 0.5 s, the whole state with k = 10 under 2 s;
the greedy at least 95 % of the exact optimum (HiGHS via scipy.optimize.milp) on at least 20
real sub-problems of different sizes. Meeting places, default reach (1,000 m). The analysis of
the selection is computed once beforehand, as the API caches it.
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

from geo.data import load_datasets  # noqa: E402
from geo.planning import Selection, analyse  # noqa: E402
from geo.siting import build_problem, suggest_sites  # noqa: E402
from geo.suggest import exact_mclp, greedy_mclp  # noqa: E402

GEMEINDEN = ["03159016", "03159009", "03241001", "03404000", "03101000", "03403000",
             "03103000", "03254021", "03355022", "03151009", "03454032", "03358021",
             "03257007", "03352011"]  # fmt: skip
KREISE = ["03159", "03102", "03401", "03402", "03405", "03461", "03241", "03454"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")  # fmt: skip
    data = load_datasets(ROOT / "datasets")
    analysis = analyse(data, Selection.parse("treffpunkt", None, None))

    def region(level: str, key: str) -> np.ndarray:
        grouping = data.groupings[level]
        return grouping.codes == int(np.flatnonzero(grouping.keys == key)[0])

    print("\n1. time of suggest_sites (greedy, k = 10, best of 3)")
    for label, mask in [(f"Kreis {k}", region("kreis", k)) for k in KREISE[:4]] + [
        ("state", np.ones(len(data.cells), dtype=bool))
    ]:
        best = min(_timed(lambda m=mask: suggest_sites(analysis, m, 10)) for _ in range(3))
        target = 2.0 if label == "state" else 0.5
        print(f"   {label:12s} {best:6.3f} s   (target < {target} s)")

    print("\n2. greedy against the exact optimum (HiGHS)")
    worst = 1.0
    cases = [("gemeinde", g, 3) for g in GEMEINDEN] + [("kreis", k, 3) for k in KREISE]
    cases += [("kreis", k, 10) for k in KREISE[:3]]
    for level, key, k in cases:
        problem = build_problem(analysis, region(level, key))
        started = time.perf_counter()
        greedy = sum(c.gain for c in greedy_mclp(problem.sets, problem.weights, k))
        t_greedy = time.perf_counter() - started
        started = time.perf_counter()
        _, exact = exact_mclp(problem.sets, problem.weights, k, args.time_limit)
        t_exact = time.perf_counter() - started
        ratio = greedy / exact if exact else 1.0
        worst = min(worst, ratio)
        print(f"   {level:8s} {key} k={k:2d}: {problem.sets.shape[0]:5d} candidates, "
              f"{len(problem.demand):6d} points; greedy {greedy:9.0f} in {t_greedy:6.3f} s, "
              f"exact {exact:9.0f} in {t_exact:6.2f} s: {ratio:7.2%}")  # fmt: skip
    print(f"\n   {len(cases)} sub-problems, worst greedy/exact {worst:.2%} (target >= 95 %)")


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
