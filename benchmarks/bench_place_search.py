"""Place search: the per-catalog name index against a naive scan of every layer's frame.

:func:`geozone.place_search.search_places` matches the query against names folded once
per catalog (:func:`~geozone.place_search.place_index`). The naive baseline, in the same
run, folds and scans the ``name`` and ``source_name`` columns of every layer version in
force on each query, as a first version without an index would. Printed: the index build
time (once per catalog), the median time per query of each and their ratio, over queries a
planner types (full names, prefixes, substrings, a code, an unmatched word), and that the
two find the same names.

    .venv/bin/python benchmarks/bench_place_search.py [--layers layers] [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from geozone.catalog import Catalog, load_catalog  # noqa: E402
from geozone.place_search import fold, place_index, search_places  # noqa: E402

QUERIES = ["密云水库", "密云", "水源地", "溪翁庄镇", "公园", "110118", "居住用地0001", "没有这个"]


def naive(catalog: Catalog, text: str, on: date) -> set[str]:
    """Names containing the folded text, scanning every frame in force (no index)."""
    q = fold(text)
    found: set[str] = set()
    for version in catalog.select(on):
        frame = version.frame_wgs84
        for column in ("name", "source_name"):
            if column in frame.columns:
                for value in frame[column].dropna().astype(str):
                    if q in fold(value):
                        found.add(value)
    return found


def median_ms(fn: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, default=REPO / "layers")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    catalog = load_catalog(args.layers)
    on = date.today()
    t0 = time.perf_counter()
    index = place_index(catalog)
    build = time.perf_counter() - t0
    print(f"index: {len(index)} named places, built in {build * 1000:.0f} ms (once per catalog)")
    print(f"{'query':<12} {'index ms':>9} {'naive ms':>9} {'ratio':>6}")
    ratios = []
    for q in QUERIES:
        fast = median_ms(lambda q=q: search_places(catalog, q, on, limit=50), args.rounds)
        slow = median_ms(lambda q=q: naive(catalog, q, on), max(3, args.rounds // 4))
        rows = search_places(catalog, q, on, limit=50)
        got = {r["name"] for r in rows if fold(q) in fold(r["name"])}  # codes match too
        want = naive(catalog, q, on)
        # the index returns at most 50, best first; all of them are names the scan finds
        assert got <= want and (len(rows) == 50 or got == want), (q, got ^ want)
        ratios.append(slow / fast)
        print(f"{q:<12} {fast:>9.2f} {slow:>9.2f} {slow / fast:>5.1f}x")
    print(f"median speed-up over the naive scan: {statistics.median(ratios):.1f}x")


if __name__ == "__main__":
    main()
