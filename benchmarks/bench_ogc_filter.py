"""CQL2 filter benchmark: the vectorised evaluator against a per-feature Python loop.

A synthetic layer of N unit squares (EPSG:4548-like metres, side 100 m on a grid) with a
class code, a name, an area and a rank. Each filter is parsed by pygeofilter once and
evaluated with :class:`geozone.ogc_filter.FilterEvaluator` (nullable pandas columns, an
STRtree for the spatial part) and with a naive loop that tests every feature in Python
(``shapely.intersects`` per feature); both must select the same features.

    python benchmarks/bench_ogc_filter.py [--features N] [--repeat R]
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np
import pandas as pd
import shapely

from geozone.ogc_filter import FilterEvaluator, parse_filter, queryable_types, tree_mask

FILTERS = [
    "zone_class = 'core'",
    "zone_class IN ('core', 'buffer') AND area_ha > 0.5",
    "name LIKE 'Z1%' OR rank BETWEEN 10 AND 20",
    "zone_class = 'core' AND S_INTERSECTS(geometry, POLYGON((0 0, 5000 0, 5000 5000, 0 0)))",
]


def layer(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """n squares of 100 m on a grid, with attributes drawn from a fixed seed."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x, y = (i % side) * 100.0, (i // side) * 100.0
    geoms = shapely.box(x, y, x + 100, y + 100)
    attrs = pd.DataFrame(
        {
            "feature_id": [f"F{k}" for k in i],
            "zone_class": rng.choice(["core", "buffer", "general"], n).astype(object),
            "name": [f"Z{k}" if k % 7 else None for k in i],
            "area_ha": rng.uniform(0, 1, n),
            "rank": pd.array(rng.integers(0, 50, n), dtype="Int64"),
        }
    )
    return attrs, np.asarray(geoms, dtype=object)


def naive(text: str, attrs: pd.DataFrame, geoms: np.ndarray) -> np.ndarray:
    """The per-feature loop: every feature's attributes and geometry tested in Python."""
    tri = shapely.Polygon([(0, 0), (5000, 0), (5000, 5000), (0, 0)])
    rows = attrs.to_dict("records")
    out = np.zeros(len(rows), dtype=bool)
    for k, r in enumerate(rows):
        zc, name, area, rank = r["zone_class"], r["name"], r["area_ha"], r["rank"]
        if text == FILTERS[0]:
            out[k] = zc == "core"
        elif text == FILTERS[1]:
            out[k] = zc in ("core", "buffer") and area > 0.5
        elif text == FILTERS[2]:
            like = isinstance(name, str) and re.fullmatch("Z1.*", name) is not None
            out[k] = like or (pd.notna(rank) and 10 <= rank <= 20)
        else:
            out[k] = zc == "core" and bool(shapely.intersects(geoms[k], tri))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    attrs, geoms = layer(args.features)
    types = queryable_types([attrs])
    t0 = time.perf_counter()
    tree = shapely.STRtree(geoms)  # the service keeps one per lane and layer version
    tree_s = time.perf_counter() - t0

    def spatial(g: shapely.Geometry, p: str) -> np.ndarray:
        return tree_mask(tree, len(geoms), g, p)

    print(
        f"{args.features:,} features, best of {args.repeat}; STRtree built once in "
        f"{tree_s * 1e3:.1f} ms (cached per lane in the service)"
    )
    print(f"{'filter':<64} {'matched':>8} {'evaluator':>10} {'naive':>9} {'ratio':>6}")
    for text in FILTERS:
        node = parse_filter(text)
        fast_s, slow_s = float("inf"), float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            ev = FilterEvaluator(attrs, types, spatial)
            fast = ev.mask(node)
            fast_s = min(fast_s, time.perf_counter() - t0)
            t0 = time.perf_counter()
            slow = naive(text, attrs, geoms)
            slow_s = min(slow_s, time.perf_counter() - t0)
        assert np.array_equal(fast, slow), text
        label = text if len(text) <= 64 else text[:61] + "..."
        print(
            f"{label:<64} {int(fast.sum()):>8,} {fast_s * 1e3:>8.1f}ms "
            f"{slow_s * 1e3:>7.1f}ms {slow_s / fast_s:>5.1f}x"
        )


if __name__ == "__main__":
    main()
