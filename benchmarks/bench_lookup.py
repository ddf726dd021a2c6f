"""Lookup benchmark on the shipped demo layers.

Prints single point lookup p50/p99 (core hit finding, and the full lookup with JSON), parcel
lookup p50, and a bulk point join of N random points in the demo territory with
:func:`geozone.batch.batch_points` against ``geopandas.sjoin(points, zones)`` (default
predicate) on the same data, asserting identical (point, layer, feature) pairs.

    python benchmarks/bench_lookup.py [--points N] [--layers DIR]
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box, mapping

from geozone.batch import batch_points
from geozone.catalog import load_catalog
from geozone.lookup import lookup, selection_index
from geozone.query import geojson_query, point_query
from geozone.rules import load_rules

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 25)


def territory_points(catalog, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n uniform random points (EPSG:4548) inside the district outlines."""
    admin = next(v for v in catalog.select(AS_OF) if v.kind == "admin")
    districts = admin.frame[admin.frame["zone_class"] == "district"].geometry.values
    union = shapely.union_all(districts)
    shapely.prepare(union)
    minx, miny, maxx, maxy = union.bounds
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    have = 0
    while have < n:
        x = rng.uniform(minx, maxx, n)
        y = rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(union, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.asarray(samples)
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000, help="bulk join size")
    parser.add_argument("--layers", type=Path, default=REPO / "layers")
    parser.add_argument("--single", type=int, default=5000, help="single lookups to time")
    args = parser.parse_args()

    t0 = time.perf_counter()
    catalog = load_catalog(args.layers)
    rules = load_rules(catalog.rules_dir)
    versions = catalog.select(AS_OF)
    sel = selection_index(versions)
    load_s = time.perf_counter() - t0
    n_feat = len(sel.geoms)
    n_vert = int(shapely.get_num_coordinates(sel.geoms).sum())
    rows: list[tuple[str, str, str]] = [
        ("load + index layer set", f"{load_s:.2f} s", f"{n_feat} features, {n_vert} vertices")
    ]

    # warm up as a running service is: GEOS builds each prepared geometry's index lazily
    for x, y in zip(*territory_points(catalog, 2000, seed=2), strict=True):
        sel.point_hits(x, y, 5.0)
    xs, ys = territory_points(catalog, args.single, seed=1)
    core = []
    for x, y in zip(xs, ys, strict=True):
        t = time.perf_counter()
        sel.point_hits(x, y, 5.0)
        core.append(time.perf_counter() - t)
    p50, p99 = percentiles(core)
    rows.append(("point: core hit finding", f"p50 {p50 * 1e6:.1f} us", f"p99 {p99 * 1e6:.1f} us"))

    lons, lats = shapely.get_coordinates(
        gpd.GeoSeries(shapely.points(xs, ys), crs="EPSG:4548").to_crs("EPSG:4326").values
    ).T
    full = []
    for lon, lat in zip(lons[:2000], lats[:2000], strict=True):
        t = time.perf_counter()
        lookup(catalog, rules, point_query(lon, lat, as_of=AS_OF)).to_json()
        full.append(time.perf_counter() - t)
    p50, p99 = percentiles(full)
    rows.append(
        (
            "point: full lookup + JSON (all activities)",
            f"p50 {p50 * 1e3:.2f} ms",
            f"p99 {p99 * 1e3:.2f} ms",
        )
    )

    parcels = []
    for x, y in zip(xs[:500], ys[:500], strict=True):
        geom = mapping(box(x, y, x + 300, y + 200))
        t = time.perf_counter()
        lookup(catalog, rules, geojson_query(geom, crs="EPSG:4548", as_of=AS_OF)).to_json()
        parcels.append(time.perf_counter() - t)
    p50, p99 = percentiles(parcels)
    rows.append(
        ("parcel 300x200 m: lookup + JSON", f"p50 {p50 * 1e3:.2f} ms", f"p99 {p99 * 1e3:.2f} ms")
    )

    bx, by = territory_points(catalog, args.points, seed=2)
    t = time.perf_counter()
    ours = batch_points(catalog, rules, bx, by, AS_OF, crs="EPSG:4548")
    ours_s = time.perf_counter() - t

    zones = gpd.GeoDataFrame(
        pd.concat([lv.frame[["feature_id", "geometry"]].assign(layer_id=lv.id) for lv in versions]),
        crs="EPSG:4548",
    ).reset_index(drop=True)
    t = time.perf_counter()
    pts = gpd.GeoDataFrame(
        {"point": np.arange(len(bx))}, geometry=gpd.points_from_xy(bx, by), crs="EPSG:4548"
    )
    joined = gpd.sjoin(pts, zones)
    base_s = time.perf_counter() - t

    got = pd.DataFrame(
        {"point": ours["point"], "layer_id": ours["layer_id"], "feature_id": ours["feature_id"]}
    )
    ref = joined[["point", "layer_id", "feature_id"]].astype({"point": np.int64})
    key = ["point", "layer_id", "feature_id"]
    got = got.sort_values(key).reset_index(drop=True).astype(str)
    ref = ref.sort_values(key).reset_index(drop=True).astype(str)
    assert got.equals(ref), "batch_points and geopandas.sjoin disagree"
    rows.append(
        (f"bulk {len(bx):,} points: batch_points", f"{ours_s:.2f} s", f"{len(got):,} pairs")
    )
    rows.append(("bulk: geopandas.sjoin(points, zones)", f"{base_s:.2f} s", "identical pairs"))
    rows.append(("bulk speed-up vs sjoin", f"{base_s / ours_s:.1f}x", "target >= 8x"))

    width = max(len(r[0]) for r in rows) + 2
    print(f"{'measure':<{width}}{'value':<18}note")
    for name, value, note in rows:
        print(f"{name:<{width}}{value:<18}{note}")


if __name__ == "__main__":
    main()
