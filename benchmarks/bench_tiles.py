"""Map start-up: every layer paged as OGC items (the old map) against vector tiles.

For the shipped demo layer set and for a copy whose residential layer has ``--parcels``
synthetic parcels (tests/big_layers.py), on a real ``uvicorn`` server:

* **before**: what the old map fetched at start, every page of every public layer's items
  (``limit=1000``; the naive baseline): bytes and wall time;
* **after**: the vector tiles of the map's start view (512-pixel tiles at tile zoom 8 over
  the three districts, every layer drawn at that zoom, i.e. all but residential) plus the
  admin layer's names page, fetched 6 at a time as a browser does, cold (empty tile
  cache) and warm; and the tiles of a zoomed-in view (tile zoom 15, 1400x900 px) over
  the residential parcels, every layer;
* **load**: p50/p99 latency of ``--requests`` tile requests from ``--threads`` client
  threads over a list of tile URLs at zooms 8-15 across the districts (residential from
  tile zoom 12, as the map asks), cold then warm.

    .venv/bin/python benchmarks/bench_tiles.py [--parcels 200000] [--requests 2000]

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from big_layers import CENTRE_LONLAT, write_big_layers  # noqa: E402
from live_server import run_server  # noqa: E402

START_BOUNDS = (116.5, 39.6, 117.55, 40.8)  # static/js/map.js START_BOUNDS (lon/lat)
TMS = "tiles/WebMercatorQuad"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """XYZ column and row of the tile holding a WGS84 point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tiles_over(box: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    """Every tile of zoom ``z`` meeting a lon/lat box."""
    x0, y1 = tile_of(box[0], box[1], z)
    x1, y0 = tile_of(box[2], box[3], z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def view_box(lon: float, lat: float, map_zoom: int, px: tuple[int, int] = (1400, 900)) -> tuple:
    """The lon/lat box a ``px`` map view centred at a point shows at a Leaflet zoom."""
    deg_per_px = 360 / (256 * 2**map_zoom)
    half_w = px[0] / 2 * deg_per_px
    half_h = px[1] / 2 * deg_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def fetch(url: str) -> tuple[int, int, float]:
    """GET ``url``: (status, body bytes, seconds)."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, len(body), time.perf_counter() - t0


def public_layers(base: str) -> list[dict]:
    """The layers of the set in the service config (id, kind, access)."""
    with urllib.request.urlopen(base + "/api/v1/config", timeout=60) as r:
        config = json.loads(r.read())
    return [lay for lay in config["layers"] if lay.get("access") != "restricted"]


def all_items(base: str, layers: list[dict]) -> tuple[int, int, float]:
    """The old map's start: every page of every layer's items. (pages, bytes, seconds)."""
    pages = size = 0
    t0 = time.perf_counter()
    for layer in layers:
        url: str | None = f"{base}/ogc/collections/{layer['id']}/items?limit=1000"
        while url:
            with urllib.request.urlopen(url, timeout=300) as r:
                body = r.read()
            pages += 1
            size += len(body)
            doc = json.loads(body)
            url = next((lk["href"] for lk in doc["links"] if lk["rel"] == "next"), None)
    return pages, size, time.perf_counter() - t0


def fetch_all(urls: list[str], threads: int) -> tuple[int, float, list[float], int]:
    """Fetch ``urls`` with ``threads`` at a time: (bytes, wall s, latencies, errors)."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(fetch, urls))
    wall = time.perf_counter() - t0
    errors = sum(1 for s, _, _ in results if s not in (200, 204))
    return sum(b for _, b, _ in results), wall, [t for _, _, t in results], errors


def tile_urls(base: str, layer_ids: list[str], tiles: list[tuple[int, int, int]]) -> list[str]:
    """Tile URLs (z/y/x order) of every layer over a tile list."""
    return [f"{base}/ogc/collections/{i}/{TMS}/{z}/{y}/{x}" for i in layer_ids for z, x, y in tiles]


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_set(name: str, root: Path, requests: int, threads: int) -> None:
    """Print start-up bytes and time before/after, and tile latency under load."""
    with tempfile.TemporaryDirectory() as work, run_server(root, Path(work), timeout_s=600) as srv:
        base = srv.url
        layers = public_layers(base)
        ids = [lay["id"] for lay in layers]
        drawn_at_start = [lay["id"] for lay in layers if lay["kind"] != "residential"]
        pages, before_bytes, before_s = all_items(base, layers)
        admin_page = [f"{base}/ogc/collections/admin/items?limit=1000"]
        start = tile_urls(base, drawn_at_start, tiles_over(START_BOUNDS, 8))
        cold_bytes, cold_s, _, err1 = fetch_all(start + admin_page, 6)
        _, warm_s, _, err2 = fetch_all(start + admin_page, 6)
        zoomed = tile_urls(base, ids, tiles_over(view_box(*CENTRE_LONLAT, 16), 15))
        z_bytes, z_s, _, err3 = fetch_all(zoomed, 6)
        print(f"\n[{name}] map start-up")
        print(f"  before (all items, {pages} pages): {before_bytes / 1e6:9.2f} MB {before_s:.2f} s")
        print(
            f"  after  ({len(start)} tiles + admin page), cold: {cold_bytes / 1e6:6.2f} MB "
            f"{cold_s:7.2f} s   warm: {warm_s:5.2f} s"
        )
        print(
            f"  ratio before/after: bytes {before_bytes / max(cold_bytes, 1):6.1f}x, "
            f"time {before_s / cold_s:6.1f}x cold, {before_s / warm_s:6.1f}x warm"
        )
        print(
            f"  zoomed-in view (tile z15, {len(zoomed)} tiles of all layers): "
            f"{z_bytes / 1e6:.2f} MB {z_s:.2f} s"
        )
        rng = random.Random(19)
        pool_urls: list[str] = []
        x0, y0, x1, y1 = START_BOUNDS
        while len(pool_urls) < requests:
            z = rng.randint(8, 15)
            lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if rng.random() < 0.5:  # half of them over the residential grid
                lon = CENTRE_LONLAT[0] + rng.uniform(-0.1, 0.1)
                lat = CENTRE_LONLAT[1] + rng.uniform(-0.08, 0.08)
            x, y = tile_of(lon, lat, z)
            # residential is drawn from map zoom 13 on, i.e. tile zoom 12 (static/js/layers.js)
            layer = rng.choice(ids if z >= 12 else drawn_at_start)
            pool_urls.append(f"{base}/ogc/collections/{layer}/{TMS}/{z}/{y}/{x}")
        for label in ("cold", "warm"):
            size, wall, lat_s, errors = fetch_all(pool_urls, threads)
            print(
                f"  load {label}: {len(pool_urls)} tiles, {threads} threads: "
                f"p50 {pct(lat_s, 0.5):7.1f} ms  p99 {pct(lat_s, 0.99):7.1f} ms  "
                f"{len(pool_urls) / wall:7.0f} tiles/s  mean {statistics.mean(lat_s) * 1000:.1f} ms"
                f"  {size / 1e6:.1f} MB  errors {errors}"
            )
        if err1 or err2 or err3:
            raise SystemExit(f"tile errors at start-up: {err1 + err2 + err3}")


def main() -> int:
    """Run the benchmark on the demo set and the big set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    bench_set("demo layers", HERE.parent / "layers", args.requests, args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        root = write_big_layers(Path(tmp) / "layers", args.parcels)
        print(f"\n(wrote {args.parcels:,} parcels in {time.perf_counter() - t0:.1f} s)")
        bench_set(f"{args.parcels:,} residential parcels", root, args.requests, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
