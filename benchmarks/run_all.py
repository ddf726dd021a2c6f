"""Run every benchmark in this folder, one after another, each in its own process.

Each script prints its own table with ratios against a naive baseline measured in the same
run (``geopandas.sjoin``, ``geopandas.overlay``, a hello-world endpoint). Timings are never
asserted in tests; run this on a quiet machine and read the figures.

    .venv/bin/python benchmarks/run_all.py [--quick]

``--quick`` shrinks the inputs (100,000 points, 10,000 cells, one 2 s round of requests)
for a smoke run; the stress run (``bench_stress.py``) then lasts 10 s at 16 connections,
the tiles run (``bench_tiles.py``) uses 20,000 parcels and 300 tile requests, and the PostGIS
run (``bench_postgis.py``, its own throw-away cluster) 50,000 synthetic polygons and 100,000
bulk points instead of 1,000,000 each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS: list[tuple[str, list[str], list[str]]] = [
    ("bench_lookup.py", [], ["--points", "100000", "--single", "1000"]),
    ("bench_coverage.py", [], ["--cells", "10000", "--parks", "1000"]),
    ("bench_ogc_filter.py", [], ["--features", "20000", "--repeat", "1"]),
    ("bench_api.py", [], ["--seconds", "2", "--rounds", "1"]),
    ("bench_stress.py", [], ["--seconds", "10", "--connections", "16"]),
    ("bench_tiles.py", [], ["--parcels", "20000", "--requests", "300"]),
    ("bench_place_search.py", [], ["--rounds", "3"]),
    ("bench_signing.py", [], ["--answers", "500"]),
    ("bench_postgis.py", [], ["--polygons", "50000", "--points", "100000", "--lookups", "200"]),
]


def main() -> int:
    """Run each benchmark script and return non-zero if any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, for a smoke run")
    args = parser.parse_args()
    failed = []
    for script, full, quick in BENCHMARKS:
        argv = quick if args.quick else full
        print(f"\n=== {script} {' '.join(argv)}", flush=True)
        cmd = [sys.executable, str(HERE / script), *argv]
        done = subprocess.run(cmd, check=False, cwd=HERE.parent)
        if done.returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
