"""PostGIS benchmark (#18): lookup modes, a large synthetic layer set, imports, bulk points.

Starts its own throw-away PostgreSQL 15 + PostGIS 3 cluster (``tests/pg_cluster.py``, as
the tests do) and prints, in one run:

1. ``db import`` of the demo layer set (seconds) and the catalog load from files vs
   from the database;
2. in-process point lookups (:func:`geozone.lookup.answer`, full JSON bytes) on random
   points in the territory: the in-memory index from files, the in-memory index from the
   database (equal within noise) and ``GEOZONE_LOOKUP=sql``
   (:class:`~geozone.db.sql_finder.SqlFinder`; target no worse than 2x), each answer
   checked byte-identical across the three; then the same three over HTTP (``2b``: one
   uvicorn worker each, wrk at 32 connections, requests/s, p50/p99 and CPU per request,
   as ``benchmarks/bench_api.py`` measures);
3. a large layer set: the demo layers with the residential layer replaced by
   ``--polygons`` N synthetic zone polygons (``tests/big_layers.py``: 40 m squares on a
   50 m grid, numpy + pyogrio), its ``db import`` time (COPY + ``ST_Subdivide``), and
   ``sql`` mode point lookup p50 (target < 10 ms) and parcel lookup p50 (target < 50 ms);
4. bulk points: ``--points`` random territory points joined in ONE SQL query against
   ``feature_parts`` vs the in-memory vectorised path (:func:`geozone.batch.batch_points`),
   the (point, layer, feature) pairs checked equal.

    .venv/bin/python benchmarks/bench_postgis.py [--polygons 1000000] [--points 1000000]
        [--lookups 300] [--http-seconds 5]

The large set's catalog is loaded from the database twice: with every frame (memory mode)
and as sql mode loads it (``GEOZONE_SQL_MEMORY_MAX_FEATURES``: the large layer stays in
SQL); its lookups use the sql-mode catalog. Both databases are
``ANALYZE``d after the import. A run with the defaults takes ~9 minutes on 2 busy cores
(the 1,000,000-polygon import ~5 of them); ``--polygons 100000 --points 100000`` ~1 minute.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, mapping

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from big_layers import write_big_layers  # noqa: E402
from pg_cluster import PgCluster  # noqa: E402

from geozone.batch import batch_points  # noqa: E402
from geozone.catalog import Catalog, load_catalog  # noqa: E402
from geozone.db.connection import Database, connect  # noqa: E402
from geozone.db.layer_store import PostgisLayerStore  # noqa: E402
from geozone.db.migrations import migrate  # noqa: E402
from geozone.db.sql_finder import SqlFinder  # noqa: E402
from geozone.db.transfer import import_dir  # noqa: E402
from geozone.feature_index import MEMORY_FINDER  # noqa: E402
from geozone.hits import HitFinder  # noqa: E402
from geozone.lookup import answer  # noqa: E402
from geozone.query import geojson_query, point_query  # noqa: E402
from geozone.rules import RuleTable, load_rules  # noqa: E402

AS_OF = date(2026, 11, 25)
ACTIVITY = "general_industry"


SQL_MEMORY_MAX = 50_000
"""``GEOZONE_SQL_MEMORY_MAX_FEATURES``'s default."""


def territory_points(catalog: Catalog, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n uniform random points (EPSG:4548) inside the district outlines."""
    admin = next(v for v in catalog.select(AS_OF) if v.kind == "admin")
    districts = admin.frame[admin.frame["zone_class"] == "district"].geometry.values
    union = shapely.union_all(districts)
    shapely.prepare(union)
    minx, miny, maxx, maxy = union.bounds
    rng = np.random.default_rng(seed)
    xs, ys, have = [], [], 0
    while have < n:
        x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
        keep = shapely.contains_xy(union, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def new_database(cluster: PgCluster, name: str) -> str:
    url = cluster.create_database(name)
    with connect(url, autocommit=True) as conn:
        migrate(conn)
    return url


def time_points(
    catalog: Catalog, rules: RuleTable, finder: HitFinder, xs: np.ndarray, ys: np.ndarray
) -> tuple[list[float], list[bytes]]:
    """Per-point seconds and answer bytes (one warm-up pass first, untimed)."""
    queries = [
        point_query(float(x), float(y), crs="EPSG:4548", as_of=AS_OF, activities=ACTIVITY)
        for x, y in zip(xs, ys, strict=True)
    ]
    answer(catalog, rules, queries[0], finder)  # the selection (and index) built once
    times, bodies = [], []
    for q in queries:
        t0 = time.perf_counter()
        body, _ = answer(catalog, rules, q, finder)
        times.append(time.perf_counter() - t0)
        bodies.append(body)
    return times, bodies


def ms(values: list[float], q: float = 50) -> float:
    return float(np.percentile(values, q) * 1000)


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<58} {value:>14}  {note}")


def demo_part(cluster: PgCluster, lookups: int) -> tuple[Catalog, RuleTable, str]:
    print("\n1. demo layer set: db import and catalog load")
    url = new_database(cluster, "bench_demo")
    with Database(url) as db:
        t0 = time.perf_counter()
        result = import_dir(db, REPO / "layers")
        row(
            "db import (demo set)",
            f"{time.perf_counter() - t0:.2f} s",
            f"{result.features} features",
        )
        t0 = time.perf_counter()
        folder = load_catalog(REPO / "layers")
        t_files = time.perf_counter() - t0
        t0 = time.perf_counter()
        state = PostgisLayerStore(db).load()
        t_db = time.perf_counter() - t0
    row("catalog load from files", f"{t_files:.2f} s")
    row("catalog load from the database", f"{t_db:.2f} s", f"{t_db / t_files:.2f}x files")

    print(f"\n2. point lookups, {lookups} random territory points (answer bytes, in-process)")
    xs, ys = territory_points(folder, lookups, seed=1)
    rules = load_rules(folder.rules_dir)
    finder = SqlFinder(url, max_connections=2)
    runs: dict[str, tuple[list[float], list[bytes]]] = {}
    runs["memory, from files"] = time_points(folder, rules, MEMORY_FINDER, xs, ys)
    runs["memory, from PostGIS"] = time_points(state.catalog, state.rules, MEMORY_FINDER, xs, ys)
    runs["sql mode (cold per-thread cache)"] = time_points(
        state.catalog, state.rules, finder, xs, ys
    )
    runs["sql mode (same points again, cache warm)"] = time_points(
        state.catalog, state.rules, finder, xs, ys
    )
    finder.close()
    base = runs["memory, from files"]
    for label, (times, bodies) in runs.items():
        same = "same bytes" if bodies == base[1] else "DIFFERENT BYTES"
        ratio = ms(times) / ms(base[0])
        row(
            f"{label}: p50 / p99",
            f"{ms(times):.3f} / {ms(times, 99):.2f} ms",
            f"{ratio:.2f}x memory-from-files p50; {same}",
        )
    return folder, rules, url


def http_part(folder: Catalog, url: str, seconds: int) -> None:
    """HTTP point lookups under wrk: one uvicorn worker each on files, database, sql mode."""
    import os
    import shutil
    import urllib.request

    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_api

    print(f"\n2b. HTTP point lookups: one uvicorn worker, wrk 32 connections, {seconds} s each")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run 'make bench' (installs Debian's wrk) first")
    xs, ys = territory_points(folder, 2000, seed=2)
    lon, lat = geometries_lonlat(xs, ys)
    paths = [
        f"/api/v1/lookup?lon={a:.6f}&lat={b:.6f}&as_of={AS_OF}&activity={ACTIVITY}"
        for a, b in zip(lon, lat, strict=True)
    ]
    setups = {
        "in-memory index, layers from files": {},
        "in-memory index, layers from PostGIS": {"GEOZONE_DATABASE_URL": url},
        "GEOZONE_LOOKUP=sql": {"GEOZONE_DATABASE_URL": url, "GEOZONE_LOOKUP": "sql"},
    }
    base_rps = None
    saved = dict(os.environ)
    for label, env in setups.items():
        with tempfile.TemporaryDirectory(prefix="geozone-bench-http-") as tmp_name:
            tmp = Path(tmp_name)
            os.environ.update(env)
            port = bench_api.free_port()
            proc = bench_api.start_server(port, tmp, 1)
            try:
                base = f"http://127.0.0.1:{port}"
                # every point asked once first, in every mode: the run measures answers
                # asked again (as bench_api.py does), not which mode's warm-up reached
                # more of the 2,000 points (a first ask also commits a new report)
                for path in paths:
                    with urllib.request.urlopen(base + path, timeout=30) as r:
                        r.read()
                bench_api.run_wrk(base, paths, 2, 32, tmp, None)  # warm-up
                found = bench_api.run_wrk(base, paths, seconds, 32, tmp, proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=15)
                os.environ.clear()
                os.environ.update(saved)
        base_rps = base_rps or found["rps"]
        row(
            label,
            f"{found['rps']:.0f} req/s",
            f"p50 {found['p50']:.2f} ms, p99 {found['p99']:.2f} ms, "
            f"{found['cpu_us']:.0f} us CPU/req, {found['rps'] / base_rps:.2f}x files' throughput",
        )
    print("  (reports go to PostgreSQL when GEOZONE_DATABASE_URL is set, to SQLite otherwise)")


def geometries_lonlat(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4548 metres to WGS84 longitude/latitude."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:4548", "EPSG:4326", always_xy=True).transform(xs, ys)
    return np.asarray(lon), np.asarray(lat)


def large_part(cluster: PgCluster, polygons: int, lookups: int) -> None:
    print(f"\n3. large layer set: {polygons:,} synthetic zone polygons, sql mode")
    with tempfile.TemporaryDirectory(prefix="geozone-bench-big-") as tmp:
        t0 = time.perf_counter()
        root = write_big_layers(Path(tmp) / "layers", polygons)
        row("write the GeoPackage (numpy + pyogrio)", f"{time.perf_counter() - t0:.1f} s")
        url = new_database(cluster, "bench_big")
        with Database(url) as db:
            t0 = time.perf_counter()
            result = import_dir(db, root, validate=False)
            t_import = time.perf_counter() - t0
            row(
                "db import (large set; load, COPY, ST_Subdivide)",
                f"{t_import:.1f} s",
                f"{result.features:,} features",
            )
            with db.connection() as conn:
                conn.execute("ANALYZE geozone.features")
                conn.execute("ANALYZE geozone.feature_parts")
                size = conn.execute(
                    "SELECT pg_size_pretty(pg_database_size(current_database()))"
                ).fetchone()
            row("database size", str(size[0] if size else "?"))
            t0 = time.perf_counter()
            everything = PostgisLayerStore(db).load()
            t_all = time.perf_counter() - t0
            frames_all = sum(v.feature_count for v in everything.catalog.all_versions())
            del everything
            t0 = time.perf_counter()
            state = PostgisLayerStore(db, memory_max_features=SQL_MEMORY_MAX).load()
            t_sql = time.perf_counter() - t0
        loaded = sum(v.feature_count for v in state.catalog.all_versions() if v.in_memory)
        row(
            "catalog load from the database, every frame (memory mode)",
            f"{t_all:.1f} s",
            f"{frames_all:,} features in memory",
        )
        row(
            f"same, sql mode (versions over {SQL_MEMORY_MAX:,} features stay in SQL)",
            f"{t_sql:.1f} s",
            f"{loaded:,} features in memory; {t_all / t_sql:.0f}x faster",
        )
        catalog, rules = state.catalog, state.rules
        finder = SqlFinder(url, max_connections=2)
        xs, ys = territory_points(catalog, lookups, seed=2)
        times, bodies = time_points(catalog, rules, finder, xs, ys)
        hits = sum(b.count(b"RS-BIG-") > 0 for b in bodies)
        row(
            "sql point lookup p50 / p99 (target p50 < 10 ms)",
            f"{ms(times):.2f} / {ms(times, 99):.2f} ms",
            f"{hits}/{len(bodies)} answers name a synthetic polygon",
        )
        ptimes = []
        rng = np.random.default_rng(3)
        for x, y in zip(xs[: max(lookups // 3, 20)], ys[: max(lookups // 3, 20)], strict=True):
            w, h = rng.uniform(50, 400, 2)
            q = geojson_query(
                mapping(box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)),
                crs="EPSG:4548",
                as_of=AS_OF,
                activities=ACTIVITY,
            )
            t0 = time.perf_counter()
            answer(catalog, rules, q, finder)
            ptimes.append(time.perf_counter() - t0)
        row(
            "sql parcel lookup p50 / p99 (50-400 m boxes; target p50 < 50 ms)",
            f"{ms(ptimes):.2f} / {ms(ptimes, 99):.2f} ms",
        )
        finder.close()


def bulk_part(folder: Catalog, rules: RuleTable, url: str, points: int) -> None:
    print(f"\n4. bulk: {points:,} random territory points, point-in-zone pairs")
    xs, ys = territory_points(folder, points, seed=4)
    batch_points(folder, rules, xs[:10], ys[:10], crs="EPSG:4548", as_of=AS_OF)  # index built
    t0 = time.perf_counter()
    frame = batch_points(folder, rules, xs, ys, crs="EPSG:4548", as_of=AS_OF)
    t_mem = time.perf_counter() - t0
    mem_pairs = set(
        zip(
            frame["point"].tolist(),
            frame["layer_id"].astype(str),
            frame["feature_id"].astype(str),
            strict=True,
        )
    )
    in_force = [(v.id, v.version) for v in folder.select(AS_OF)]
    with Database(url) as db, db.connection() as conn:
        t0 = time.perf_counter()
        conn.execute("CREATE TEMP TABLE pts (i integer, x float8, y float8)")
        with conn.cursor() as cur, cur.copy("COPY pts (i, x, y) FROM STDIN") as copy:
            for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)):
                copy.write_row((i, x, y))
        conn.execute(
            "CREATE TEMP TABLE pts_g AS SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4548) AS geom"
            " FROM pts"
        )
        conn.execute("CREATE INDEX ON pts_g USING gist (geom)")
        conn.execute("ANALYZE pts_g")
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = conn.execute(
            "SELECT DISTINCT p.i, fp.layer_id, fp.fid FROM pts_g p"
            " JOIN geozone.feature_parts fp ON ST_Intersects(fp.geom, p.geom)"
            " JOIN unnest(%s::text[], %s::text[]) AS v(l, ver)"
            "   ON fp.layer_id = v.l AND fp.version = v.ver",
            ([k[0] for k in in_force], [k[1] for k in in_force]),
        ).fetchall()
        t_sql = time.perf_counter() - t0
    sql_pairs = {(int(r[0]), str(r[1]), str(r[2])) for r in rows}
    same = "same pairs" if sql_pairs == mem_pairs else f"DIFFER ({len(sql_pairs ^ mem_pairs)})"
    row("in-memory vectorised batch_points", f"{t_mem:.2f} s", f"{len(mem_pairs):,} pairs")
    row("points into PostGIS (COPY + point geometry + GiST)", f"{t_load:.2f} s")
    row(
        "one SQL join against feature_parts",
        f"{t_sql:.2f} s",
        f"{t_sql / t_mem:.1f}x in-memory; {same}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polygons", type=int, default=1_000_000, help="large set size")
    parser.add_argument("--points", type=int, default=1_000_000, help="bulk points")
    parser.add_argument("--lookups", type=int, default=300, help="single lookups per mode")
    parser.add_argument("--http-seconds", type=int, default=5, help="wrk seconds per HTTP mode")
    args = parser.parse_args()
    started = time.perf_counter()
    cluster = PgCluster()
    t0 = time.perf_counter()
    cluster.start()
    print(f"throw-away PostGIS cluster started in {time.perf_counter() - t0:.1f} s")
    try:
        folder, rules, url = demo_part(cluster, args.lookups)
        http_part(folder, url, args.http_seconds)
        large_part(cluster, args.polygons, args.lookups)
        bulk_part(folder, rules, url, args.points)
    finally:
        cluster.destroy()
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
