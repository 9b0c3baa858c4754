"""A longer property-based run of the API against its OpenAPI description (schemathesis).

Usage: .venv/bin/python bench/schemathesis_run.py [--examples 300]

The suite runs 25 examples per endpoint (tests/test_openapi.py); this runs the same test with
more (``NK_SCHEMATHESIS_EXAMPLES``) and the same checks: no 5xx, documented status codes and
media types, bodies matching the schema.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=300)
    args = parser.parse_args()
    env = {**os.environ, "NK_SCHEMATHESIS_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_openapi.py", "-k", "keeps_to_its_description"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    took = time.perf_counter() - started
    print(f"schemathesis, {args.examples} examples per endpoint, {took:.0f} s:")
    print(result.stdout[-3000:])
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
